from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    name = "socredit.apps.commitments"
    label = "commitments"
    verbose_name = _("Credit commitments")
