"""Subscriptions API: manage a department's subscriptions, read a subscription's feed with a
cursor, and see and replay its webhook deliveries.

A department token (scope ``changes:read``) manages its own department's subscriptions; a staff
session, an administrator's, those of the departments of their region (``access``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status

from socredit.apps.accounts.access import can_administer
from socredit.apps.records import outbox
from socredit.apps.records.api import ChangeEventOut
from socredit.apps.subscriptions import services
from socredit.apps.subscriptions.access import (
    access_delivery,
    access_subscription,
    managed_departments,
    managed_subscriptions,
    subscription_events,
)
from socredit.apps.subscriptions.models import Delivery, DeliveryStatus, Subscription
from socredit.common.access import get_or_404
from socredit.common.api import FieldErrorsOut, PageNumber, caller, is_token, require
from socredit.common.errors import FieldErrors

router = Router()
CHANGES_READ = "changes:read"
Codes = list[str] | str


class SubscriptionIn(Schema):
    name: str = Field(max_length=100)
    department: str | None = Field(None, max_length=40, description="部门代码；令牌可省略（总是本部门）")
    organizations: Codes = Field([], description="统一社会信用代码（列表，或以逗号/空格分隔）")
    regions: Codes = Field([], description="行政区划代码（含下级区划）")
    lists: list[str] = Field(
        [], description="abnormal 活动异常名录 / serious 严重违法失信名单 / red 守信红名单"
    )
    kinds: list[str] = Field(description="变更类型：" + " / ".join(outbox.KINDS))
    webhook_url: str = Field("", max_length=500, description="接收推送的 http(s) 地址；空则只用订阅变更流")


class SubscriptionPatch(Schema):
    name: str | None = Field(None, max_length=100)
    organizations: Codes | None = None
    regions: Codes | None = None
    lists: list[str] | None = None
    kinds: list[str] | None = None
    webhook_url: str | None = Field(None, max_length=500)
    active: bool | None = None


class SubscriptionOut(Schema):
    id: int
    department: str = Field(alias="department.code")
    department_name: str = Field(alias="department.name")
    name: str
    organizations: list[str]
    regions: list[str]
    lists: list[str]
    kinds: list[str]
    webhook_url: str
    active: bool
    feed_cursor: int = Field(description="已确认的变更流位置（…/changes/ack）")
    created_at: dt.datetime

    @staticmethod
    def resolve_organizations(obj: Subscription) -> list[str]:
        return list(obj.organizations.order_by("code").values_list("code", flat=True))

    @staticmethod
    def resolve_regions(obj: Subscription) -> list[str]:
        return list(obj.regions.order_by("code").values_list("code", flat=True))


class SubscriptionCreatedOut(SubscriptionOut):
    secret: str = Field(description="签名密钥：只在此显示一次，请妥善保存")


class SecretOut(Schema):
    secret: str = Field(description="新的签名密钥：只在此显示一次；旧密钥在宽限期内仍同时签名")


class FeedOut(Schema):
    items: list[ChangeEventOut]
    next: int = Field(description="下次请求的 after 参数（本页最后一个事件编号；无新事件时不变）")
    has_more: bool


class AckIn(Schema):
    cursor: int = Field(ge=0, description="已处理到的事件编号")


class AttemptOut(Schema):
    number: int
    at: dt.datetime
    duration_ms: int
    status_code: int | None
    error: str
    succeeded: bool


class DeliveryOut(Schema):
    id: int
    event: int = Field(alias="event_id")
    kind: str = Field(alias="event.kind")
    organization: str = Field(alias="event.organization.code")
    status: str
    attempts: int
    next_attempt_at: dt.datetime
    last_status_code: int | None
    last_error: str
    delivered_at: dt.datetime | None
    created_at: dt.datetime


class DeliveryDetailOut(DeliveryOut):
    attempt_log: list[AttemptOut]

    @staticmethod
    def resolve_attempt_log(obj: Delivery) -> list[Any]:
        return list(obj.attempt_log.all())


class ReplayIn(Schema):
    from_event: int = Field(ge=1, description="从该事件编号起（含）重新推送")


class ReplayOut(Schema):
    requeued: int


def _principal(request: HttpRequest) -> Any:
    principal = require(request, CHANGES_READ)
    if not is_token(principal) and not can_administer(principal):
        raise HttpError(403, "只有管理员可以管理订阅")
    return principal


def _subscription(request: HttpRequest, pk: int) -> Subscription:
    return access_subscription(_principal(request), pk)


@router.get("/subscriptions", response=list[SubscriptionOut], summary="The department's subscriptions")
@paginate(PageNumber)
def list_subscriptions(request: HttpRequest) -> Any:
    return (
        managed_subscriptions(_principal(request)).prefetch_related("organizations", "regions").order_by("id")
    )


@router.post("/subscriptions", response={201: SubscriptionCreatedOut, 422: FieldErrorsOut},
             summary="Subscribe (the signing secret is in this answer only)")  # fmt: skip
def create_subscription(request: HttpRequest, payload: SubscriptionIn) -> Status[Any]:
    principal = _principal(request)
    departments = managed_departments(principal)
    if is_token(principal):
        department = departments.get()
    elif not payload.department:
        raise FieldErrors(department="请填写部门代码")
    else:
        try:
            department = get_or_404(departments, code=payload.department)
        except Http404:
            raise FieldErrors(
                department=f"{payload.department}：没有这个部门，或不在您管理的区划内"
            ) from None
    data = payload.dict(exclude={"department"})
    subscription, secret = services.create_subscription(actor=principal, channel="api", department=department,
                                                        data=data)  # fmt: skip
    del secret  # subscription.secret is the same: SubscriptionCreatedOut carries it, this once
    return Status(201, subscription)


@router.get("/subscriptions/{pk}", response=SubscriptionOut, summary="One subscription")
def get_subscription(request: HttpRequest, pk: int) -> Subscription:
    return _subscription(request, pk)


@router.patch("/subscriptions/{pk}", response={200: SubscriptionOut, 422: FieldErrorsOut},
              summary="Change a subscription (only the fields given)")  # fmt: skip
def update_subscription(request: HttpRequest, pk: int, payload: SubscriptionPatch) -> Subscription:
    subscription = _subscription(request, pk)
    data = payload.dict(exclude_unset=True)
    return services.update_subscription(
        actor=caller(request), channel="api", subscription=subscription, data=data
    )


@router.delete(
    "/subscriptions/{pk}", response={204: None}, summary="Delete a subscription and its delivery log"
)
def delete_subscription(request: HttpRequest, pk: int) -> Status[None]:
    services.delete_subscription(
        actor=caller(request), channel="api", subscription=_subscription(request, pk)
    )
    return Status(204, None)


@router.post("/subscriptions/{pk}/rotate-secret", response=SecretOut, summary="A new signing secret")
def rotate_secret(request: HttpRequest, pk: int) -> dict[str, str]:
    subscription = _subscription(request, pk)
    return {"secret": services.rotate_secret(actor=caller(request), channel="api", subscription=subscription)}


@router.get("/subscriptions/{pk}/changes", response=FeedOut,
            summary="The subscription's change events after a cursor (the stored one without after)")  # fmt: skip
def subscription_changes(
    request: HttpRequest, pk: int,
    after: int | None = Query(None, ge=0, description="上次读到的事件编号；省略则从已确认的位置（ack）读"),
    limit: int = Query(outbox.DEFAULT_LIMIT, ge=1, le=outbox.MAX_LIMIT),
) -> dict[str, Any]:  # fmt: skip
    principal = _principal(request)
    subscription = access_subscription(principal, pk)
    start = subscription.feed_cursor if after is None else after
    reader = principal if is_token(principal) else None
    rows = list(subscription_events(subscription, reader).filter(id__gt=start).order_by("id")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": rows, "next": rows[-1].id if rows else start,
            "has_more": more}  # fmt: skip


@router.post("/subscriptions/{pk}/changes/ack", response={200: SubscriptionOut, 422: FieldErrorsOut},
             summary="Store how far the feed has been processed")  # fmt: skip
def acknowledge(request: HttpRequest, pk: int, payload: AckIn) -> Subscription:
    subscription = _subscription(request, pk)
    return services.acknowledge_feed(actor=caller(request), channel="api", subscription=subscription,
                                     cursor=payload.cursor)  # fmt: skip


@router.get("/subscriptions/{pk}/deliveries", response=list[DeliveryOut], summary="The webhook delivery log")
@paginate(PageNumber)
def list_deliveries(
    request: HttpRequest, pk: int,
    status: str | None = Query(None, description="pending / delivered / dead"),
) -> Any:  # fmt: skip
    subscription = _subscription(request, pk)
    qs = Delivery.objects.filter(subscription=subscription).select_related("event__organization")
    if status:
        if status not in DeliveryStatus.values:
            raise FieldErrors(status=f"{status}：应为 {' / '.join(DeliveryStatus.values)}")
        qs = qs.filter(status=status)
    return qs.order_by("-event_id", "-id")


@router.get("/subscriptions/{pk}/deliveries/{delivery_id}", response=DeliveryDetailOut,
            summary="One delivery with its attempts")  # fmt: skip
def get_delivery(request: HttpRequest, pk: int, delivery_id: int) -> Delivery:
    return access_delivery(_subscription(request, pk), delivery_id)


@router.post("/subscriptions/{pk}/deliveries/{delivery_id}/replay",
             response={200: DeliveryDetailOut, 422: FieldErrorsOut}, summary="Send one delivery again")  # fmt: skip
def replay_delivery(request: HttpRequest, pk: int, delivery_id: int) -> Delivery:
    delivery = access_delivery(_subscription(request, pk), delivery_id)
    services.replay_delivery(actor=caller(request), channel="api", delivery=delivery)
    return access_delivery(delivery.subscription, delivery_id)


@router.post("/subscriptions/{pk}/replay", response={200: ReplayOut, 422: FieldErrorsOut},
             summary="Send again every matching event from an event id on")  # fmt: skip
def replay_from(request: HttpRequest, pk: int, payload: ReplayIn) -> dict[str, int]:
    subscription = _subscription(request, pk)
    count = services.replay_from(actor=caller(request), channel="api", subscription=subscription,
                                 event_id=payload.from_event)  # fmt: skip
    return {"requeued": count}
