from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "socredit.apps.cases"
    label = "cases"
    verbose_name = _("Cases: objections, repairs, complaints")

    def ready(self) -> None:
        from socredit.apps.cases import registration
        from socredit.apps.cases.services import common
        from socredit.apps.registry import hooks as registry_hooks
        from socredit.apps.workdays.signals import calendar_changed

        # A year's holiday schedule entered: deadlines counted on a weekend-only guess become exact.
        calendar_changed.connect(common.on_calendar_changed, dispatch_uid="cases.recompute_deadlines")
        # A deregistration waits for the organization's open cases (a revocation warns of them).
        registry_hooks.register_status_check("cases", registration.open_cases_before_status_change)
