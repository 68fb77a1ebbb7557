"""订阅管理 (/subscriptions/): administrators manage the subscriptions of their region's
departments, see each one's delivery log and replay deliveries. Thin views over access and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from socredit.apps.subscriptions import services
from socredit.apps.subscriptions.access import (
    access_delivery,
    access_subscription,
    managed_subscriptions,
    require_manager,
)
from socredit.apps.subscriptions.forms import KIND_LABELS, LIST_LABELS, ReplayFromForm, SubscriptionForm
from socredit.apps.subscriptions.models import Delivery, Subscription
from socredit.common.errors import FieldErrors

CHANNEL = "form"
PER_PAGE = 50


def _once(request: HttpRequest, subscription: Subscription, secret: str, rotated: bool) -> HttpResponse:
    """The signing secret, shown this once (not kept by the browser's cache or back button)."""
    response = render(request, "subscriptions/subscription_secret.html",
                      {"subscription": subscription, "secret": secret, "rotated": rotated})  # fmt: skip
    add_never_cache_headers(response)
    return response


def _labels(subscription: Subscription) -> dict[str, list[str]]:
    return {"kinds": [str(KIND_LABELS.get(k, k)) for k in subscription.kinds],
            "lists": [str(LIST_LABELS.get(v, v)) for v in subscription.lists]}  # fmt: skip


@login_required
def subscription_list(request: HttpRequest) -> HttpResponse:
    require_manager(request.user)
    qs = managed_subscriptions(request.user).order_by("department__name", "name", "pk")
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    counts = services.delivery_counts(page.object_list)
    rows = [{"s": s, "counts": counts[s.pk], **_labels(s)} for s in page.object_list]
    return render(request, "subscriptions/subscription_list.html", {"page": page, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def subscription_create(request: HttpRequest) -> HttpResponse:
    require_manager(request.user)
    form = SubscriptionForm(request.POST or None, admin=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            subscription, secret = services.create_subscription(
                actor=request.user, channel=CHANNEL, department=form.cleaned_data["department"],
                data=form.service_data(),
            )  # fmt: skip
        except FieldErrors as exc:
            form.add_field_errors(exc)
        else:
            return _once(request, subscription, secret, rotated=False)
    status = 400 if request.method == "POST" else 200
    return render(request, "subscriptions/subscription_form.html", {"form": form}, status=status)


@login_required
def subscription_detail(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = access_subscription(request.user, pk)
    deliveries = (
        Delivery.objects.filter(subscription=subscription).select_related("event__organization")
        .prefetch_related("attempt_log").order_by("-event_id", "-id")
    )  # fmt: skip
    status = request.GET.get("status", "")
    if status in {"pending", "delivered", "dead"}:
        deliveries = deliveries.filter(status=status)
    page = Paginator(deliveries, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "subscriptions/subscription_detail.html", {
        "subscription": subscription, "page": page, "status": status, "replay_form": ReplayFromForm(),
        "counts": services.delivery_counts([subscription])[subscription.pk],
        "organizations": list(subscription.organizations.order_by("code").values_list("code", "name")[:200]),
        "organization_count": subscription.organizations.count(),
        "regions": list(subscription.regions.order_by("code")), **_labels(subscription),
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def subscription_edit(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = access_subscription(request.user, pk)
    initial = {
        "name": subscription.name, "lists": subscription.lists, "kinds": subscription.kinds,
        "webhook_url": subscription.webhook_url, "active": subscription.active,
        "organizations": "\n".join(subscription.organizations.order_by("code").values_list("code", flat=True)),
        "regions": " ".join(subscription.regions.order_by("code").values_list("code", flat=True)),
    }  # fmt: skip
    form = SubscriptionForm(request.POST or None, initial=initial, admin=request.user, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_subscription(actor=request.user, channel=CHANNEL, subscription=subscription,
                                         data=form.service_data())  # fmt: skip
        except FieldErrors as exc:
            form.add_field_errors(exc)
        else:
            messages.success(request, _("The subscription was saved."))
            return redirect("subscriptions:subscription_detail", pk=subscription.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "subscriptions/subscription_form.html",
                  {"form": form, "subscription": subscription}, status=status)  # fmt: skip


@require_POST
@login_required
def subscription_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = access_subscription(request.user, pk)
    secret = services.rotate_secret(actor=request.user, channel=CHANNEL, subscription=subscription)
    return _once(request, subscription, secret, rotated=True)


@require_POST
@login_required
def subscription_delete(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = access_subscription(request.user, pk)
    services.delete_subscription(actor=request.user, channel=CHANNEL, subscription=subscription)
    messages.success(request, _("The subscription was deleted."))
    return redirect("subscriptions:subscription_list")


@require_POST
@login_required
def delivery_replay(request: HttpRequest, pk: int, delivery_pk: int) -> HttpResponse:
    subscription = access_subscription(request.user, pk)
    delivery = access_delivery(subscription, delivery_pk)
    try:
        services.replay_delivery(actor=request.user, channel=CHANNEL, delivery=delivery)
    except FieldErrors as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The delivery will be sent again."))
    return redirect("subscriptions:subscription_detail", pk=subscription.pk)


@require_POST
@login_required
def subscription_replay(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = access_subscription(request.user, pk)
    form = ReplayFromForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the number of a change event."))
        return redirect("subscriptions:subscription_detail", pk=subscription.pk)
    try:
        count = services.replay_from(actor=request.user, channel=CHANNEL, subscription=subscription,
                                     event_id=form.cleaned_data["from_event"])  # fmt: skip
    except FieldErrors as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("%(n)d deliveries will be sent again; later events follow.") % {"n": count}
        )
    return redirect("subscriptions:subscription_detail", pk=subscription.pk)
