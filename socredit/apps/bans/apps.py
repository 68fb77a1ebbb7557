from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BansConfig(AppConfig):
    name = "socredit.apps.bans"
    label = "bans"
    verbose_name = _("Bans on persons")

    def ready(self) -> None:
        from socredit.apps.bans import screening, services
        from socredit.apps.lists import hooks as list_hooks
        from socredit.apps.registry import hooks as registry_hooks

        # A person about to take a post is screened for bans in force (and offered the measures).
        registry_hooks.register_person_screener("bans", screening.screen_for_registration)
        # A revocation of registration proposes the bans of its responsible persons, in its transaction.
        registry_hooks.register_status_effect("bans", services.propose_for_revocation)
        # So does a serious-list entry where the deciding authority's rules provide a sector ban.
        list_hooks.register_serious_listing_effect("bans", services.propose_for_serious_listing)
