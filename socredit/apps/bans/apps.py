from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BansConfig(AppConfig):
    name = "socredit.apps.bans"
    label = "bans"
    verbose_name = _("Bans on persons")
