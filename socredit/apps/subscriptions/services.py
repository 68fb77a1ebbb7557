"""The only writers of subscriptions and deliveries.

Made, changed, deleted, a secret rotated, a feed cursor acknowledged, a delivery replayed: each is
one transaction with its audit event. The sender's own writes (``fan_out``, ``claim_due``,
``record_attempt``) are machine work, not acts of a person: each is a short transaction of its own,
and the delivery log (``DeliveryAttempt``) is their record.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext

from socredit.apps.audit.services import record_event
from socredit.apps.records import outbox
from socredit.apps.records.models import ChangeEvent
from socredit.apps.registry.models import Department, Organization, Region
from socredit.apps.subscriptions import signing
from socredit.apps.subscriptions.access import subscription_events
from socredit.apps.subscriptions.models import Delivery, DeliveryAttempt, DeliveryStatus, Subscription
from socredit.apps.subscriptions.webhook_urls import clean_webhook_url
from socredit.common.api import is_token
from socredit.common.errors import FieldErrors
from socredit.core.lists.grounds import ABNORMAL, SERIOUS

LISTS = (ABNORMAL, SERIOUS, "red")
"""The lists one may subscribe to: 活动异常名录, 严重违法失信名单, 守信红名单 (lists.models.LIST_CHOICES)."""
MAX_ORGANIZATIONS = 10_000
MAX_REGIONS = 100
FANOUT_BATCH = 1000


# --- input --------------------------------------------------------------------------------------


def _codes(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.replace(",", " ").replace("，", " ").split()
    return [str(v).strip().upper() for v in value if str(v).strip()]


def clean_subscription(principal: Any, department: Department, data: Mapping[str, Any],
                       current: Subscription | None = None) -> dict[str, Any]:  # fmt: skip
    """The subscription's fields from ``data`` (only the keys given when changing ``current``), or
    FieldErrors naming each bad field and value. Organizations and regions must lie in the
    department's region; a token may choose only the kinds its scopes let it read."""
    errors = FieldErrors()
    out: dict[str, Any] = {}
    partial = current is not None
    if "name" in data or not partial:
        name = str(data.get("name") or "").strip()
        if not name:
            errors.add("name", gettext("Give the subscription a name"))
        elif len(name) > 100:
            errors.add("name", gettext("At most %(n)d characters") % {"n": 100})
        out["name"] = name
    path = department.region.path
    if "organizations" in data or not partial:
        codes = list(dict.fromkeys(_codes(data.get("organizations"))))
        if len(codes) > MAX_ORGANIZATIONS:
            errors.add("organizations", gettext("At most %(n)d organizations") % {"n": MAX_ORGANIZATIONS})
        else:
            found = {o.code: o.pk for o in Organization.objects.filter(code__in=codes, region__path__startswith=path)
                     .only("pk", "code")}  # fmt: skip
            for code in codes:
                if code not in found:
                    errors.add("organizations", gettext(
                        "%(code)s: no organization with this unified social credit code is registered in the "
                        "department's region") % {"code": code})  # fmt: skip
            out["organizations"] = [found[c] for c in codes if c in found]
    if "regions" in data or not partial:
        codes = list(dict.fromkeys(_codes(data.get("regions"))))
        if len(codes) > MAX_REGIONS:
            errors.add("regions", gettext("At most %(n)d regions") % {"n": MAX_REGIONS})
        else:
            found = {r.code: r.pk for r in Region.objects.filter(code__in=codes, path__startswith=path)}
            for code in codes:
                if code not in found:
                    errors.add("regions", gettext("%(code)s: no such region in the department's region")
                               % {"code": code})  # fmt: skip
            out["regions"] = [found[c] for c in codes if c in found]
    if "lists" in data or not partial:
        lists = list(dict.fromkeys(str(v).strip() for v in (data.get("lists") or [])))
        for value in lists:
            if value not in LISTS:
                errors.add("lists", gettext("%(value)s: unknown list (one of %(known)s)")
                           % {"value": value, "known": ", ".join(LISTS)})  # fmt: skip
        out["lists"] = [v for v in LISTS if v in lists]
    if "kinds" in data or not partial:
        kinds = list(dict.fromkeys(str(v).strip() for v in (data.get("kinds") or [])))
        if not kinds:
            errors.add("kinds", gettext("Choose at least one kind of change"))
        for kind in kinds:
            if kind not in outbox.KINDS:
                errors.add("kinds", gettext("%(value)s: unknown kind of change (one of %(known)s)")
                           % {"value": kind, "known": ", ".join(outbox.KINDS)})  # fmt: skip
            elif (
                is_token(principal)
                and kind in outbox.KIND_SCOPES
                and not principal.has_scope(outbox.KIND_SCOPES[kind])
            ):
                errors.add("kinds", gettext("%(value)s: the token lacks the scope %(scope)s to read it")
                           % {"value": kind, "scope": outbox.KIND_SCOPES[kind]})  # fmt: skip
        out["kinds"] = [k for k in outbox.KINDS if k in kinds]
    if "webhook_url" in data or not partial:
        try:
            out["webhook_url"] = clean_webhook_url(str(data.get("webhook_url") or ""))
        except FieldErrors as exc:
            for message in exc.errors.get("webhook_url", []):
                errors.add("webhook_url", message)
    if "active" in data:
        out["active"] = bool(data["active"])
    if not errors:
        has = {
            key: (out[key] if key in out else (_current_ids(current, key) if current else []))
            for key in ("organizations", "regions", "lists")
        }
        if not any(has.values()):
            errors.add("__all__", gettext("Choose what to follow: organizations, regions or lists"))
    if errors:
        raise errors
    return out


def _current_ids(subscription: Subscription, key: str) -> list[Any]:
    if key == "lists":
        return list(subscription.lists)
    return list(getattr(subscription, key).values_list("pk", flat=True))


def _apply(subscription: Subscription, fields: dict[str, Any]) -> None:
    if fields.get("webhook_url") and not subscription.webhook_url and subscription.pk:
        subscription.fanout_cursor = _last_event_id()  # a webhook newly set pushes from now on
    for key in ("name", "lists", "kinds", "webhook_url", "active"):
        if key in fields:
            setattr(subscription, key, fields[key])
    subscription.save()
    if "organizations" in fields:
        subscription.organizations.set(fields["organizations"])
    if "regions" in fields:
        subscription.regions.set(fields["regions"])


def _summary_data(subscription: Subscription) -> dict[str, Any]:
    return {
        "department": subscription.department.code,
        "name": subscription.name,
        "organizations": subscription.organizations.count(),
        "regions": list(subscription.regions.values_list("code", flat=True)),
        "lists": subscription.lists,
        "kinds": subscription.kinds,
        "webhook_url": subscription.webhook_url,
        "active": subscription.active,
    }


def _last_event_id() -> int:
    return int(ChangeEvent.objects.aggregate(m=Max("id"))["m"] or 0)


# --- subscriptions ------------------------------------------------------------------------------


@transaction.atomic
def create_subscription(*, actor: Any, channel: str, department: Department,
                        data: Mapping[str, Any]) -> tuple[Subscription, str]:  # fmt: skip
    """A new subscription, and its signing secret (shown to the department this once).

    It follows changes from now on: both cursors start at the last event (a replay from an event id
    reaches back further)."""
    fields = clean_subscription(actor, department, data)
    secret = signing.new_secret()
    last = _last_event_id()
    subscription = Subscription(department=department, secret=secret, fanout_cursor=last, feed_cursor=last,
                                created_by=_label(actor))  # fmt: skip
    _apply(subscription, fields)
    record_event(actor=actor, channel=channel, action="subscription.create", target=subscription,
                 summary=f"订阅：{department.name}「{subscription.name}」", data=_summary_data(subscription))  # fmt: skip
    return subscription, secret


@transaction.atomic
def update_subscription(
    *, actor: Any, channel: str, subscription: Subscription, data: Mapping[str, Any]
) -> Subscription:
    fields = clean_subscription(actor, subscription.department, data, current=subscription)
    _apply(subscription, fields)
    record_event(actor=actor, channel=channel, action="subscription.update", target=subscription,
                 summary=f"修改订阅：{subscription.department.name}「{subscription.name}」",
                 data=_summary_data(subscription))  # fmt: skip
    return subscription


@transaction.atomic
def delete_subscription(*, actor: Any, channel: str, subscription: Subscription) -> None:
    """Deletes it with its deliveries and their log (the audit event keeps what it was)."""
    data = _summary_data(subscription)
    pk = subscription.pk
    record_event(actor=actor, channel=channel, action="subscription.delete",
                 target_type=Subscription._meta.label_lower, target_id=str(pk),
                 summary=f"删除订阅：{subscription.department.name}「{subscription.name}」", data=data)  # fmt: skip
    subscription.delete()


@transaction.atomic
def rotate_secret(*, actor: Any, channel: str, subscription: Subscription) -> str:
    """A new signing secret (returned, shown once); the old one still signs for the grace period."""
    grace = dt.timedelta(hours=float(settings.SOCREDIT_WEBHOOK_SECRET_GRACE_HOURS))
    subscription.previous_secret = subscription.secret
    subscription.previous_secret_until = timezone.now() + grace
    subscription.secret = signing.new_secret()
    subscription.save(update_fields=["secret", "previous_secret", "previous_secret_until", "updated_at"])
    record_event(actor=actor, channel=channel, action="subscription.rotate_secret", target=subscription,
                 summary=f"更换订阅签名密钥：{subscription.department.name}「{subscription.name}」")  # fmt: skip
    return subscription.secret


def secrets_in_force(subscription: Subscription, now: dt.datetime) -> list[str]:
    keep_old = (
        subscription.previous_secret
        and subscription.previous_secret_until
        and subscription.previous_secret_until > now
    )
    return [subscription.secret, subscription.previous_secret] if keep_old else [subscription.secret]


@transaction.atomic
def acknowledge_feed(*, actor: Any, channel: str, subscription: Subscription, cursor: int) -> Subscription:
    """Store the feed position the department has processed (``…/changes`` then reads after it
    when called without ``after``). Any existing position may be set, backwards too (to read again)."""
    last = _last_event_id()
    if cursor < 0 or cursor > last:
        raise FieldErrors(
            cursor=gettext("The cursor must lie between 0 and the last event (%(last)d)") % {"last": last}
        )
    Subscription.objects.filter(pk=subscription.pk).update(feed_cursor=cursor, updated_at=timezone.now())
    subscription.feed_cursor = cursor
    record_event(actor=actor, channel=channel, action="subscription.ack", target=subscription,
                 summary=f"订阅读取位置：{cursor}", data={"cursor": cursor})  # fmt: skip
    return subscription


# --- replays ------------------------------------------------------------------------------------


def _requeue(deliveries: Any, now: dt.datetime) -> int:
    return int(deliveries.update(status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now, claimed_until=None,
                                 delivered_at=None))  # fmt: skip


@transaction.atomic
def replay_delivery(*, actor: Any, channel: str, delivery: Delivery) -> Delivery:
    """Send a delivery again (delivered or parked): pending from now, its attempts counted afresh
    (the log keeps the earlier ones)."""
    if not delivery.subscription.webhook_url:
        raise FieldErrors(__all__=gettext("The subscription has no webhook URL to send to"))
    _requeue(Delivery.objects.filter(pk=delivery.pk), timezone.now())
    record_event(actor=actor, channel=channel, action="subscription.replay", target=delivery.subscription,
                 summary=f"重新推送：事件 {delivery.event_id}", data={"delivery": delivery.pk, "event": delivery.event_id})  # fmt: skip
    delivery.refresh_from_db()
    return delivery


@transaction.atomic
def replay_from(*, actor: Any, channel: str, subscription: Subscription, event_id: int) -> int:
    """Send again every matching event from ``event_id`` on: deliveries that exist are queued again,
    and the fan-out goes back so that events without one get theirs (it never makes a second)."""
    if not subscription.webhook_url:
        raise FieldErrors(__all__=gettext("The subscription has no webhook URL to send to"))
    if event_id < 1 or event_id > _last_event_id():
        raise FieldErrors(from_event=gettext("No change event with this number"))
    count = _requeue(
        Delivery.objects.filter(subscription=subscription, event_id__gte=event_id), timezone.now()
    )
    Subscription.objects.filter(pk=subscription.pk, fanout_cursor__gte=event_id).update(
        fanout_cursor=event_id - 1
    )
    record_event(actor=actor, channel=channel, action="subscription.replay", target=subscription,
                 summary=f"从事件 {event_id} 起重新推送", data={"from_event": event_id, "requeued": count})  # fmt: skip
    return count


# --- the sender's writes ------------------------------------------------------------------------


def fan_out(batch: int = FANOUT_BATCH) -> int:
    """Turn new change events into deliveries for every active subscription with a webhook.

    Per subscription and batch, one transaction inserts the deliveries (the unique pair
    subscription/event makes a second insert of the same one do nothing) and moves the
    subscription's cursor past them: a kill at any point loses nothing and duplicates nothing.
    Returns the number of deliveries made."""
    made = 0
    ids = list(Subscription.objects.filter(active=True).exclude(webhook_url="").values_list("pk", flat=True))
    for pk in ids:
        while True:
            count, more = _fan_out_one(pk, batch)
            made += count
            if not more:
                break
    return made


@transaction.atomic
def _fan_out_one(pk: int, batch: int) -> tuple[int, bool]:
    subscription = (
        Subscription.objects.select_for_update().select_related("department__region").filter(pk=pk).first()
    )
    if subscription is None or not subscription.active or not subscription.webhook_url:
        return 0, False
    # The outbox hands out ids in commit order, so everything up to the newest id is already
    # visible; one row more than the batch tells whether to go on. The scan stops at the last id.
    last = _last_event_id()
    rows = list(
        subscription_events(subscription)
        .filter(id__gt=subscription.fanout_cursor, id__lte=last)
        .order_by("id")
        .values_list("id", "organization_id")[: batch + 1]
    )
    more = len(rows) > batch
    rows = rows[:batch]
    now = timezone.now()
    Delivery.objects.bulk_create(
        [Delivery(subscription_id=pk, event_id=e, organization_id=o, next_attempt_at=now) for e, o in rows],
        ignore_conflicts=True,
    )
    through = rows[-1][0] if more else last
    if through > subscription.fanout_cursor:
        Subscription.objects.filter(pk=pk).update(fanout_cursor=through)
    return len(rows), more


def due_deliveries(now: dt.datetime, limit: int = 100) -> list[Delivery]:
    """Pending deliveries whose time has come, not held by a sender, and with no earlier pending
    delivery for the same subject of the same subscription (order per subject), oldest event first."""
    earlier = Delivery.objects.filter(
        subscription_id=OuterRef("subscription_id"), organization_id=OuterRef("organization_id"),
        event_id__lt=OuterRef("event_id"), status=DeliveryStatus.PENDING,
    )  # fmt: skip
    return list(
        Delivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=now, subscription__active=True
        )  # fmt: skip
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .exclude(subscription__webhook_url="")
        .filter(~Exists(earlier))
        .select_related("event__organization", "event__record", "subscription__department")
        .order_by("event_id", "id")[:limit]
    )


def claim(delivery: Delivery, now: dt.datetime, lease: dt.timedelta) -> bool:
    """Hold a delivery for this sender until ``now + lease`` (False if another sender has it)."""
    with transaction.atomic():
        got = (
            Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .update(claimed_until=now + lease)
        )
    return got == 1


@dataclass(frozen=True)
class Outcome:
    """What one POST gave: the status code (None when no answer came) and the error, if any."""

    at: dt.datetime
    duration_ms: int
    status_code: int | None
    error: str

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def backoff_seconds(attempts: int, rng: random.Random | None = None) -> float:
    """Exponential backoff with jitter: base × 2^(attempts−1), capped, then a random half to all of
    it ("equal jitter"), so receivers coming back are not hit by every sender at the same second."""
    base = float(settings.SOCREDIT_WEBHOOK_BACKOFF_SECONDS)
    cap = float(settings.SOCREDIT_WEBHOOK_BACKOFF_MAX_SECONDS)
    delay = min(cap, base * 2 ** max(0, attempts - 1))
    return delay / 2 + (rng or random).uniform(0, delay / 2)  # noqa: S311 — jitter, not a secret


def record_attempt(delivery: Delivery, outcome: Outcome) -> Delivery:
    """Log one attempt and move the delivery on, in a transaction of its own: delivered on a 2xx;
    else tried again after the backoff, or parked (dead) with the error once the attempts run out."""
    with transaction.atomic():
        row = Delivery.objects.select_for_update().get(pk=delivery.pk)
        number = DeliveryAttempt.objects.filter(delivery=row).count() + 1
        DeliveryAttempt.objects.create(delivery=row, number=number, at=outcome.at, duration_ms=outcome.duration_ms,
                                       status_code=outcome.status_code, error=outcome.error[:500],
                                       succeeded=outcome.succeeded)  # fmt: skip
        row.attempts += 1
        row.last_status_code = outcome.status_code
        row.claimed_until = None
        if outcome.succeeded:
            row.status, row.delivered_at, row.last_error = DeliveryStatus.DELIVERED, outcome.at, ""
        else:
            row.last_error = outcome.error[:500]
            if row.attempts >= int(settings.SOCREDIT_WEBHOOK_MAX_ATTEMPTS):
                row.status = DeliveryStatus.DEAD
            else:
                row.next_attempt_at = timezone.now() + dt.timedelta(seconds=backoff_seconds(row.attempts))
        row.save(update_fields=["attempts", "last_status_code", "claimed_until", "status", "delivered_at",
                                "last_error", "next_attempt_at"])  # fmt: skip
    return row


def _label(actor: Any) -> str:
    return str(actor.get_username() if hasattr(actor, "get_username") else actor or "")[:150]


def delivery_counts(subscriptions: Iterable[Subscription]) -> dict[int, dict[str, int]]:
    """Per subscription: how many deliveries are pending, delivered and parked (one query)."""
    out: dict[int, dict[str, int]] = {s.pk: dict.fromkeys(DeliveryStatus.values, 0) for s in subscriptions}
    rows = (
        Delivery.objects.filter(subscription_id__in=list(out))
        .values("subscription_id", "status")
        .annotate(n=Count("id"))
    )
    for r in rows:
        out[r["subscription_id"]][r["status"]] = r["n"]
    return out
