"""``{% live_call_panel order as live %}``: what the order page's live-call panel shows (``calls/_live_call.html``),
or None when the order has no call to follow (none, or one that has ended and been analysed)."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.urls import reverse

from calls import selectors
from workorders import permissions
from workorders.choices import RequestType, Urgency

register = template.Library()

# The fields the panel lets the operator correct, with their choices (None: free text).
CORRECTABLE = {
    "title": None,
    "summary": None,
    "request_type": RequestType.choices,
    "urgency": Urgency.choices,
    "address": None,
}


@register.simple_tag(takes_context=True)
def live_call_panel(context: template.Context, order: Any) -> dict[str, Any] | None:
    request = context.get("request")
    user = getattr(request, "user", None)
    if order is None or getattr(order, "pk", None) is None or not selectors.may_follow(user):
        return None
    call = selectors.live_call_of_order(order)
    if call is None:
        return None
    call = selectors.live_calls_visible_to(user).filter(pk=call.pk).first()
    if call is None:
        return None
    state = selectors.live_state(call)
    if not call.is_open and state.analysed:
        return None  # the order is as it will stay: the page shows it
    return {
        "call": call,
        "state": state,
        "poll_ms": settings.LIVE_CALLS["POLL_MS"],
        "state_url": reverse("live-call-state", args=[call.pk]),
        "correct_url": reverse("live-call-correct", args=[call.pk]),
        "knowledge_url": reverse("knowledge-for-order", args=[order.pk])
        if permissions.may_read_knowledge(user)
        else "",
        "correctable": CORRECTABLE,
    }


@register.filter
def correctable_choices(name: str) -> Any:
    """The choices of a field the panel corrects (None for free text, '' for a field it does not correct)."""
    return CORRECTABLE.get(name, "") if name in CORRECTABLE else ""
