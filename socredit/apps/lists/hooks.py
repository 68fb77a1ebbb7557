"""What the apps above the lists learn of a list decision, in the decision's own transaction.

A serious-list entry (列入严重违法失信名单, by confirmation or by transfer after two years on the
abnormal list) may bring consequences on the organization's responsible persons that another app
keeps (the bans app: 行业禁入 where the deciding authority's rules provide it). That app registers its
function in its AppConfig.ready(); with none registered nothing else happens.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

SeriousListingEffect = Callable[[Any, Any], Any]
"""(the entry's ListDecision, actor) → whatever the app writes, inside the decision's transaction."""

_serious_listing_effects: dict[str, SeriousListingEffect] = {}


def register_serious_listing_effect(name: str, effect: SeriousListingEffect) -> None:
    _serious_listing_effects[name] = effect


def serious_listing_made(decision: Any, actor: Any) -> None:
    for effect in _serious_listing_effects.values():
        effect(decision, actor)
