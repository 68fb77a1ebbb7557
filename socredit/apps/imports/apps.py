from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "socredit.apps.imports"
    label = "imports"
    verbose_name = _("Imports")

    def ready(self) -> None:
        # the importer of past years' annual work reports registers itself (it builds on services.Importer)
        from socredit.apps.imports import annualreports, transactions  # noqa: F401
