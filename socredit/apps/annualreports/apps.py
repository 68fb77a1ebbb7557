from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnualReportsConfig(AppConfig):
    name = "socredit.apps.annualreports"
    label = "annualreports"
    verbose_name = _("Annual work reports")
