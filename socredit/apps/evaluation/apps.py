from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "socredit.apps.evaluation"
    label = "evaluation"
    verbose_name = _("Credit evaluation")

    def ready(self) -> None:
        from socredit.apps.evaluation import services
        from socredit.apps.records.signals import records_changed

        # Re-score an organization in the same transaction as the record change (the live update).
        records_changed.connect(services.on_records_changed, dispatch_uid="evaluation.refresh")
