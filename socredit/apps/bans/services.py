"""The writers of the register of bans on persons (从业禁止、任职限制). Each verb is one atomic,
audited transaction; every feed is idempotent through ``Ban.natural_key``.

- ``record_ban``: a ban decided by this authority (staff form) or pushed by another department (API),
  in force from its start;
- ``propose_for_revocation`` / ``propose_for_serious_listing``: the bans the responsible persons of an
  organization incur when its registration is revoked or it is put on the serious list, *proposed*
  (each needs a finding staff make: the kind of revocation, personal responsibility, or the
  locality's discretion), called by the registry's and the lists' hooks inside their transactions;
- ``confirm_ban``, ``dismiss_ban`` (a proposal), ``lift_ban`` (a ban in force, with the reason).

ID numbers never reach the audit summaries or the logs: events name the person and the ban.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from socredit.apps.audit.services import actor_label, record_event
from socredit.apps.bans.models import Ban, BanSource, BanState
from socredit.apps.bans.validation import clean_ban
from socredit.apps.registry.models import CONFIRMED_ROLE, Department, Organization, Region, Role
from socredit.apps.registry.services import authority_region, get_or_create_person, registering_department
from socredit.apps.subscriptions.outbox import ban_created
from socredit.common.api import is_token, token_department
from socredit.common.clock import today
from socredit.common.errors import FieldErrors
from socredit.common.policy import NoProfile, policy_profile
from socredit.core import bans as rules
from socredit.core.bans import BanTrigger
from socredit.core.types import OrgStatus

REASON_MAX = 1000


def _summary(ban: Ban, verb: str) -> str:
    return f"{verb}：{ban.person_name}，{ban.kind_label}（{ban.document_number}）"[:500]


def _data(ban: Ban) -> dict[str, Any]:
    return {"person": ban.person_id, "kind": ban.kind, "ground": ban.ground, "document_number": ban.document_number,
            "authority": ban.authority_name, "start_on": ban.start_on, "until": ban.until, "source": ban.source,
            "state": ban.state}  # fmt: skip


def actor_region(actor: Any) -> Region | None:
    """The deciding authority's region: a token's department's, a staff account's own."""
    if is_token(actor):
        return token_department(actor).region
    region = getattr(actor, "region", None)
    if region is None and actor is not None and actor.scope_path() == "":
        # a national account (a superuser) decides for the nation
        region = Region.objects.filter(parent__isnull=True).order_by("code").first()
    return region


def _announce(ban: Ban) -> None:
    """新增人员从业禁止或任职限制: the change event departments subscribe to (docs/subscriptions.md),
    in the transaction that puts the ban in force. Its subject is the organization the ban arose from;
    a ban naming none has no subject to follow and writes no event."""
    if ban.organization_id is None:
        return
    ban_created(organization=ban.organization, ban_id=ban.pk, person_name=ban.person_name,
                id_number=ban.person.id_number, ground=ban.ground, decision=ban.document_number,
                starts_on=ban.start_on, ends_on=ban.until, scope=ban.scope)  # fmt: skip


def _in_scope(actor: Any, region: Region) -> bool:
    path = actor.scope_path() if actor is not None else ""
    return path is not None and region.path.startswith(path)


@transaction.atomic
def record_ban(*, actor: Any, channel: str, data: Mapping[str, Any]) -> tuple[Ban, bool]:
    """A ban decided by this authority (a staff account) or pushed by a department (a token): see
    ``validation.clean_ban`` for the fields. The same document sent again for the same person and
    kind (by the same department, or under the same authority's name) returns the ban already
    recorded and writes nothing: ``(ban, False)``."""
    day = today()
    region = actor_region(actor)
    if region is None:
        raise FieldErrors(__all__=_("Your account has no region: it cannot record bans."))
    values = clean_ban(data, day=day, region=region)
    org: Organization | None = values["organization"]
    # an organization named is one of the decider's own region, as on every other door: another
    # region's is answered like an unknown code
    if org is not None and not _in_scope(actor, org.region):
        raise FieldErrors(
            organization=_("No organization is registered under the code %(code)s.") % {"code": org.code}
        )
    pushed = is_token(actor)
    dept = token_department(actor) if pushed else None
    person, _created = get_or_create_person(actor=actor, channel=channel,
                                            data={"name": values["name"], "id_number": values["id_number"]})  # fmt: skip
    issuer = f"dept:{dept.pk}" if dept is not None else f"authority:{values['authority']}"
    key = f"{issuer}|{values['document_number']}|{values['kind']}|{person.pk}"
    existing = Ban.objects.filter(natural_key=key).first()
    if existing is not None:
        return existing, False
    ban = Ban.objects.create(
        # the name as the decision gives it: a person registered outside the decider's region keeps its
        # registered name there, and the decider is never told it (registry.get_or_create_person)
        person=person, person_name=values["name"], kind=values["kind"], ground=values["ground"],
        ground_text=values["ground_text"], legal_basis=values["legal_basis"], scope=values["scope"],
        scope_region=values["scope_region"], organization=org, post=values["post"],
        authority=dept if dept is not None else Department.objects.filter(name=values["authority"]).first(),
        authority_name=values["authority"], document_number=values["document_number"],
        decided_on=values["decided_on"], start_on=values["start_on"], until=values["until"],
        source=BanSource.DEPARTMENT if pushed else BanSource.DECISION, source_department=dept,
        natural_key=key, region=region, state=BanState.IN_FORCE, policy_version=values["policy_version"],
        recorded_by_label=actor_label(actor)[:150],
    )  # fmt: skip
    record_event(actor=actor, channel=channel, action="ban.record", target=ban,
                 summary=_summary(ban, "记录从业禁止、任职限制"), data=_data(ban))  # fmt: skip
    _announce(ban)
    return ban, True


def _holders(organization: Organization, posts: tuple[str, ...], day: dt.date) -> list[Role]:
    """Whoever held one of ``posts`` on ``day`` (posts awaiting an identity check name nobody yet)."""
    return list(
        Role.objects.filter(CONFIRMED_ROLE, organization=organization, kind__in=posts, start_on__lte=day)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=day))
        .select_related("person")
        .order_by("person_id", "kind")
    )


def _propose(
    *, trigger: BanTrigger, event_key: str, organization: Organization, day: dt.date, decided_on: dt.date,
    document_number: str, authority: Department | None, authority_name: str, actor: Any, channel: str,
) -> list[Ban]:  # fmt: skip
    """The bans an event sets off, proposed, one per ground and person; an event seen before adds only
    what is missing (a second call writes nothing)."""
    try:
        profile = policy_profile(decided_on, authority_region(organization))
    except NoProfile:
        # no rules in force for the date: nothing can be derived (the event itself already decided)
        return []
    made: list[Ban] = []
    for ground in rules.triggered_grounds(trigger, organization.org_type, profile.get):
        # triggered_grounds keeps only grounds whose length the profile states
        until = rules.ban_until(day, profile.int_value(ground.years_key)) if ground.years_key else None
        basis = str(profile.get(ground.basis_key) or "") if ground.basis_key else ground.basis_zh
        seen: set[int] = set()
        for role in _holders(organization, ground.posts, day):
            if role.person_id in seen:
                continue
            seen.add(role.person_id)
            key = f"{trigger.value}:{event_key}|{ground.code}|{role.person_id}"
            if Ban.objects.filter(natural_key=key).exists():
                continue
            ban = Ban.objects.create(
                person=role.person, person_name=role.person.name, kind=ground.kind.value, ground=ground.code,
                ground_text=ground.title_zh, legal_basis=basis, scope=ground.scope_zh, organization=organization,
                post=role.kind, authority=authority, authority_name=authority_name[:100],
                document_number=document_number[:100], decided_on=decided_on, start_on=day, until=until,
                # seen by the staff of the organization's region, who handle its file (as its listings)
                source=trigger.value, natural_key=key, region=organization.region, state=BanState.PROPOSED,
                policy_version=profile.version, recorded_by_label=actor_label(actor)[:150],
            )  # fmt: skip
            record_event(actor=actor, channel=channel, action="ban.propose", target=ban,
                         summary=_summary(ban, "拟实施从业禁止、任职限制"), data=_data(ban))  # fmt: skip
            made.append(ban)
    return made


def propose_for_revocation(
    organization: Organization, act: str, effective_on: dt.date, document_number: str,
    document_date: dt.date | None, actor: Any, channel: str,
) -> list[Ban]:  # fmt: skip
    """撤销登记 (registry hook ``after_status_change``): the bans the organization's responsible persons
    on the day incur (慈善法 第十六条; 基金会管理条例 第二十三条 for a foundation), proposed. Nothing
    for a deregistration on the organization's own application."""
    if act != "revoke" or organization.status != OrgStatus.REVOKED.value:
        return []
    dept = registering_department(organization.region, organization.registration_authority)
    return _propose(trigger=BanTrigger.REVOCATION, event_key=f"org{organization.pk}", organization=organization,
                    day=effective_on, decided_on=document_date or effective_on, document_number=document_number,
                    authority=dept, authority_name=dept.name if dept else organization.registration_authority,
                    actor=actor, channel=channel)  # fmt: skip


def propose_for_serious_listing(decision: Any, actor: Any) -> list[Ban]:
    """A serious-list entry (lists hook ``serious_listing_made``): the sector ban (行业禁入) of its
    法定代表人 and 主要负责人 where the deciding authority's rules provide one, proposed."""
    return _propose(trigger=BanTrigger.SERIOUS_LISTING, event_key=f"decision{decision.pk}",
                    organization=decision.organization, day=decision.decided_on, decided_on=decision.decided_on,
                    document_number=decision.document_number, authority=decision.authority,
                    authority_name=decision.authority_name, actor=actor, channel="system")  # fmt: skip


def _reason(reason: str, *, required: bool) -> str:
    text = (reason or "").strip()
    if required and not text:
        raise FieldErrors(reason=_("State the reason."))
    if len(text) > REASON_MAX:
        raise FieldErrors(reason=_("At most %(n)s characters.") % {"n": REASON_MAX})
    return text


def _locked(ban: Ban) -> Ban:
    return Ban.objects.select_for_update().select_related("person").get(pk=ban.pk)


@transaction.atomic
def confirm_ban(*, actor: Any, channel: str, ban: Ban, reason: str = "") -> Ban:
    """A proposed ban is found to be incurred: in force from its start."""
    ban = _locked(ban)
    if ban.state != BanState.PROPOSED:
        raise FieldErrors(__all__=_("Only a proposed ban can be confirmed."))
    ban.state, ban.state_reason = BanState.IN_FORCE, _reason(reason, required=False)
    ban.decided_by_label = actor_label(actor)[:150]
    ban.save(update_fields=["state", "state_reason", "decided_by_label"])
    record_event(actor=actor, channel=channel, action="ban.confirm", target=ban,
                 summary=_summary(ban, "确认从业禁止、任职限制"), data={**_data(ban), "reason": ban.state_reason})  # fmt: skip
    _announce(ban)
    return ban


@transaction.atomic
def dismiss_ban(*, actor: Any, channel: str, ban: Ban, reason: str) -> Ban:
    """A proposed ban is not imposed (e.g. no personal responsibility; the revocation was of a
    registration obtained by fraud, not 吊销登记证书), with the reason."""
    ban = _locked(ban)
    if ban.state != BanState.PROPOSED:
        raise FieldErrors(__all__=_("Only a proposed ban can be dismissed."))
    ban.state, ban.state_reason = BanState.DISMISSED, _reason(reason, required=True)
    ban.decided_by_label = actor_label(actor)[:150]
    ban.save(update_fields=["state", "state_reason", "decided_by_label"])
    record_event(actor=actor, channel=channel, action="ban.dismiss", target=ban,
                 summary=_summary(ban, "不予实施从业禁止、任职限制"), data={**_data(ban), "reason": ban.state_reason})  # fmt: skip
    return ban


@transaction.atomic
def lift_ban(*, actor: Any, channel: str, ban: Ban, lifted_on: Any, reason: str) -> Ban:
    """A ban in force is lifted from ``lifted_on`` (it binds up to the day before), with the reason
    (the decision annulled on review, a court's judgment…)."""
    from socredit.core.values import parse_date

    ban = _locked(ban)
    errors = FieldErrors()
    if ban.state != BanState.IN_FORCE:
        errors.add("__all__", _("Only a ban in force can be lifted."))
    day = None
    try:
        day = parse_date(lifted_on, today=today())
    except ValueError as exc:
        errors.add("lifted_on", str(exc))
    if day is not None and day < ban.start_on:
        errors.add(
            "lifted_on",
            _("A ban cannot be lifted before it begins (%(start)s).") % {"start": ban.start_on.isoformat()},
        )
    if day is not None and ban.until is not None and day > ban.until:
        errors.add("lifted_on", _("The ban ended on %(until)s by itself: there is nothing to lift.")
                   % {"until": ban.until.isoformat()})  # fmt: skip
    try:
        text = _reason(reason, required=True)
    except FieldErrors as exc:
        errors.add("reason", exc.errors["reason"][0])
        text = ""
    errors.raise_if_any()
    ban.state, ban.state_reason, ban.lifted_on = BanState.LIFTED, text, day
    ban.decided_by_label = actor_label(actor)[:150]
    ban.save(update_fields=["state", "state_reason", "lifted_on", "decided_by_label"])
    record_event(actor=actor, channel=channel, action="ban.lift", target=ban,
                 summary=_summary(ban, "解除从业禁止、任职限制"),
                 data={**_data(ban), "lifted_on": day, "reason": text})  # fmt: skip
    return ban
