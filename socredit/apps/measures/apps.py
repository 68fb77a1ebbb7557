from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    """守信联合激励和失信联合惩戒: the measures catalogue, domain blacklists, logged credit checks and feedback."""

    name = "socredit.apps.measures"
    label = "measures"
    verbose_name = _("Joint rewards and punishments")

    def ready(self) -> None:
        # 容缺受理 (commitments, an app below this one) asks this app whether an organization has
        # the green channel: the hook keeps the floors downward.
        from socredit.apps.commitments import eligibility
        from socredit.apps.measures.greenchannel import tolerance_eligibility

        eligibility.register_tolerance_check(tolerance_eligibility)
        # the registration screening (the bans app, below this one) offers the measures of the
        # appointment scenario through its integration point
        from socredit.apps.bans.screening import register_appointment_measures
        from socredit.apps.measures.appointments import appointment_measures

        register_appointment_measures("measures", appointment_measures)
