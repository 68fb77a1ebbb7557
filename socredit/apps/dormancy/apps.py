from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DormancyConfig(AppConfig):
    name = "socredit.apps.dormancy"
    label = "dormancy"
    verbose_name = _("Dormant organizations")
