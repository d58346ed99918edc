"""Template filters for the LLM's draft on the order page and the LLM health page."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

register = template.Library()

# What became of a draft that was not used, as the order page names it (the reason follows).
STATE_LABELS = {
    "stale": _("discarded: the order changed after it was asked for"),
    "late": _("discarded: the order had left the desk"),
    "expired": _("given up"),
    "skipped": _("not asked for"),
    "invalid": _("invalid answer"),
    "failed": _("the endpoint failed"),
    "over_budget": _("over the hourly budget"),
    "circuit_open": _("calls paused"),
    "unavailable": _("the endpoint failed"),
    "bad_response": _("the endpoint failed"),
    "busy": _("the endpoint failed"),
}


@register.filter
def from_iso(value: str | None) -> datetime | None:
    """An ISO time kept in JSON (the draft's ``requested_at``) as a local datetime, for the ``date`` filter."""
    try:
        moment = datetime.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


@register.filter
def llm_state_label(status: str) -> str:
    return str(STATE_LABELS.get(status, status))
