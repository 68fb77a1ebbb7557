from django.apps import AppConfig
from django.db.models.signals import post_save, pre_save
from django.utils.translation import gettext_lazy as _


class ListsConfig(AppConfig):
    name = "socredit.apps.lists"
    label = "lists"
    verbose_name = _("Credit lists")

    def ready(self) -> None:
        from socredit.apps.evaluation import hooks
        from socredit.apps.lists import registration, services
        from socredit.apps.records.signals import records_changed
        from socredit.apps.registry import hooks as registry_hooks
        from socredit.apps.registry.models import Department, Organization

        # The evaluation reads list memberships (serious → D, abnormal → at most C, red) from here.
        hooks.register_membership_source("lists", services.membership_frame)
        # The registration screens a new legal representative and warns of listings at deregistration.
        registry_hooks.register_person_screener("lists", registration.screen_for_registration)
        registry_hooks.register_status_check("lists", registration.listings_before_status_change)
        # A record that meets a ground creates a listing proposal at once (in the record's transaction).
        records_changed.connect(services.on_records_changed, dispatch_uid="lists.propose")
        # The queue's copy of the organization's region follows the organization.
        post_save.connect(services.sync_proposal_regions, sender=Organization, dispatch_uid="lists.region")
        # The daily run reads only what changed or fell due (``ListRunDue``): every change of a fact
        # the lists read marks its organization, in the change's transaction.
        from socredit.apps.lists.models import ListDecision, ListEntry, ListProposal
        from socredit.apps.lists.services import schedule

        records_changed.connect(schedule.on_records_changed, dispatch_uid="lists.schedule")
        for model in (ListEntry, ListDecision, ListProposal, Organization):
            post_save.connect(
                schedule.on_row_saved, sender=model, dispatch_uid=f"lists.schedule.{model.__name__}"
            )
        # A department moved to another region: the organizations it gave records to or registered
        # may fall under another profile.
        pre_save.connect(
            schedule.on_department_saving, sender=Department, dispatch_uid="lists.schedule.dept.pre"
        )
        post_save.connect(schedule.on_department_saved, sender=Department, dispatch_uid="lists.schedule.dept")
