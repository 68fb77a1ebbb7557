"""The only writers of the statistics settings (the figures are written by ``aggregate``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction

from socredit.apps.audit.services import actor_label, record_event
from socredit.apps.registry.models import Region
from socredit.apps.statistics.models import Publication, Target, TargetKey
from socredit.apps.statistics.panels import PUBLISHABLE
from socredit.common.errors import FieldErrors


@transaction.atomic
def set_targets(*, actor: Any, channel: str, values: Mapping[str, Decimal]) -> list[Target]:
    """Store the targets' values (percent, 0–100); FieldErrors naming each bad one, nothing saved then."""
    errors: dict[str, list[str]] = {}
    for key in TargetKey:
        value = values.get(key.value)
        if value is None or not (Decimal(0) <= Decimal(value) <= Decimal(100)):
            errors[key.value] = [f"{key.label}：目标值应在 0 到 100 之间"]
    if errors:
        raise FieldErrors(errors)
    saved = []
    for key in TargetKey:
        target, _created = Target.objects.update_or_create(
            key=key.value,
            defaults={"percent": Decimal(values[key.value]), "updated_by_label": actor_label(actor)},
        )
        saved.append(target)
    record_event(
        actor=actor, channel=channel, action="statistics.targets", target_type="statistics.target",
        summary="统计目标值已更新", data={k.value: str(values[k.value]) for k in TargetKey},
    )  # fmt: skip
    return saved


@transaction.atomic
def set_publication(*, actor: Any, channel: str, region: Region, panels: Sequence[str]) -> Publication:
    """Store which statistics the authority of ``region`` publishes; FieldErrors for an unknown one."""
    unknown = [p for p in panels if p not in PUBLISHABLE]
    if unknown:
        raise FieldErrors({"panels": [f"不能公开的统计项：{'、'.join(unknown)}"]})
    publication, _created = Publication.objects.update_or_create(
        region=region,
        defaults={"panels": list(dict.fromkeys(panels)), "updated_by_label": actor_label(actor)},
    )
    record_event(
        actor=actor, channel=channel, action="statistics.publication", target=region,
        summary=f"{region.name}公开统计项已更新", data={"panels": publication.panels},
    )  # fmt: skip
    return publication
