from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "socredit.apps.cases"
    label = "cases"
    verbose_name = _("Cases: objections, repairs, complaints")

    def ready(self) -> None:
        from socredit.apps.cases.services import common
        from socredit.apps.workdays.signals import calendar_changed

        # A year's holiday schedule entered: deadlines counted on a weekend-only guess become exact.
        calendar_changed.connect(common.on_calendar_changed, dispatch_uid="cases.recompute_deadlines")
