from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "socredit.apps.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from socredit.apps.accounts.models import ApiToken
        from socredit.apps.accounts.services import on_token_saved

        post_save.connect(on_token_saved, sender=ApiToken, dispatch_uid="accounts.token_cache")
        post_delete.connect(on_token_saved, sender=ApiToken, dispatch_uid="accounts.token_cache_delete")
