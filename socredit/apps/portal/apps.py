from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "socredit.apps.portal"
    label = "portal"
    verbose_name = _("Public credit portal")

    def ready(self) -> None:
        from socredit.apps.portal import stored
        from socredit.common.bulkload import resumed

        # a bulk load ran without the triggers: no stored answer from before it is served
        resumed.connect(stored.invalidate_all, dispatch_uid="portal.stored.invalidate_all")
