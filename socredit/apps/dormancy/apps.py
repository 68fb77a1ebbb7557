from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DormancyConfig(AppConfig):
    name = "socredit.apps.dormancy"
    label = "dormancy"
    verbose_name = _("Dormant organizations")

    def ready(self) -> None:
        # the nightly duties (`socredit cases daily`, in an app below this one) announce the day;
        # the identification answers it (the floors stay downward)
        from socredit.apps.cases.daily import daily_duties
        from socredit.apps.dormancy.services import on_daily_duties

        daily_duties.connect(on_daily_duties, dispatch_uid="dormancy.daily")
