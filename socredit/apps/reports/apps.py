from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "socredit.apps.reports"
    label = "reports"
    verbose_name = _("Credit reports and open data")
