from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpotChecksConfig(AppConfig):
    name = "socredit.apps.spotchecks"
    label = "spotchecks"
    verbose_name = _("Spot checks")
