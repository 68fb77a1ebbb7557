from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskWarningsConfig(AppConfig):
    """风险预警: rules as data, the daily warning run, the staff inbox and the street summary."""

    name = "socredit.apps.riskwarnings"
    label = "riskwarnings"
    verbose_name = _("Risk early warnings")

    def ready(self) -> None:
        # the nightly duties (`socredit cases daily`, in an app below this one) announce the day;
        # the warning run answers it (the floors stay downward)
        from socredit.apps.cases.daily import daily_duties
        from socredit.apps.riskwarnings.run import on_daily_duties

        daily_duties.connect(on_daily_duties, dispatch_uid="riskwarnings.daily")
