"""Template filters of the work-order pages: deadline countdowns, badge classes and readable history.

Each filter is a pure function of its arguments (the current time is passed in by the view), so pages
rendered at one moment agree with each other and the filters are tested without a request."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import template
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from accounts.models import Role
from workorders.choices import CITIZEN_REMINDER, OPEN_STATUSES, DeadlineStage, ReturnReason, Satisfaction, Status
from workorders.lifecycle import SYSTEM
from workorders.models import WorkOrder
from workorders.transcript import masked_in_words

register = template.Library()

# A deadline closer than this is shown as "due soon" (the same threshold as the due-soon reminder).
DUE_SOON = timedelta(hours=settings.HOTLINE["DUE_SOON_HOURS"])

# Labels for the keys of ``WorkOrderEvent.changes`` that are not fields of WorkOrder.
_EXTRA_CHANGE_LABELS = {
    "assisting_departments": lambda: _("Assisting departments"),
    "satisfaction": lambda: _("Satisfaction"),
    "resolved": lambda: _("Resolved"),
    "working_days": lambda: _("Extra working days"),
    "reply_check": lambda: _("Reply check"),
    "merged_into": lambda: _("Merged into"),
}
# Keys whose values are stored as choice codes, with the choices that label them.
_CHOICE_VALUES = {"satisfaction": Satisfaction}


def _span(delta: timedelta) -> str:
    """A duration as days and hours, or hours and minutes when under a day (at least one minute)."""
    minutes = max(1, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        if not hours:
            return _("%(days)d d") % {"days": days}
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        if not minutes:
            return _("%(hours)d h") % {"hours": hours}
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}


@register.filter
def countdown(due: datetime | None, now: datetime) -> str:
    """ "2 d 3 h left" before the deadline, "overdue by 5 h" after it; empty without a deadline."""
    if due is None or now is None:
        return ""
    if due >= now:
        return _("%(span)s left") % {"span": _span(due - now)}
    return _("overdue by %(span)s") % {"span": _span(now - due)}


@register.filter
def deadline_class(due: datetime | None, now: datetime) -> str:
    """The CSS class for a deadline: ``overdue``, ``due-soon`` or empty."""
    if due is None or now is None:
        return ""
    if due < now:
        return "overdue"
    if due - now < DUE_SOON:
        return "due-soon"
    return ""


@register.filter
def order_overdue(order: WorkOrder, now: datetime) -> bool:
    """True while a department holds the order past its sign or resolve deadline."""
    return order.is_overdue_at(now)


@register.filter
def overdue_label(order: WorkOrder, now: datetime) -> str:
    """What an overdue badge says: not signed in time, or past the resolve deadline; empty when on time."""
    if not order.is_overdue_at(now):
        return ""
    if order.resolve_due_at and now > order.resolve_due_at:
        return _("Overdue")
    return _("Not signed in time")


@register.filter
def deadline_running(status: str) -> bool:
    """Whether the order's deadlines still run (a department holds it)."""
    return status in OPEN_STATUSES


@register.filter
def status_badge(status: str) -> str:
    """The CSS classes of a status badge; unknown statuses get the neutral badge."""
    known = status in Status.values
    return f"badge badge-{status}" if known else "badge"


@register.filter
def role_label(role: str) -> str:
    """The label of a user role, or "System" for actions taken by the system itself."""
    if not role or role == SYSTEM:
        return _("System")
    try:
        return str(Role(role).label)
    except ValueError:
        return role


@register.filter
def percent(value: Any, digits: Any = 0) -> str:
    """A 0–1 share as a percentage ("87%", or "87.5%" with ``digits=1``); empty when not a number."""
    try:
        places = int(digits)
        return f"{float(value) * 100:.{places}f}%" if places else f"{round(float(value) * 100)}%"
    except (TypeError, ValueError):
        return ""


@register.filter
def index(sequence: Any, position: int) -> Any:
    """The item at ``position`` of a list, or None."""
    try:
        return sequence[int(position)]
    except (IndexError, TypeError, ValueError, KeyError):
        return None


def _change_label(name: str) -> str:
    if name in _EXTRA_CHANGE_LABELS:
        return _EXTRA_CHANGE_LABELS[name]()
    try:
        return str(WorkOrder._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _change_value(name: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return "、".join(str(item) for item in value)
    if name == "reply_check" and isinstance(value, dict):
        return _(
            "%(verdict)s: relevance %(relevance).0f%%, completeness %(completeness).0f%%, explains %(explains).0f%%"
        ) % {
            "verdict": {"good": _("good"), "needs_work": _("needs work"), "poor": _("poor")}.get(
                value.get("verdict"), ""
            ),
            "relevance": 100 * value.get("relevance", 0),
            "completeness": 100 * value.get("completeness", 0),
            "explains": 100 * value.get("explains", 0),
        }
    choices = _CHOICE_VALUES.get(name)
    if choices is None:
        try:
            field_choices = WorkOrder._meta.get_field(name).choices
        except FieldDoesNotExist:
            field_choices = None
        if field_choices:
            return str(dict(field_choices).get(value, value))
        return str(value)
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


@register.filter
def readable_changes(changes: dict[str, Any] | None) -> list[dict[str, str]]:
    """An event's ``{field: [old, new]}`` as rows of label, old and new value, in words a user reads."""
    rows = []
    for name, pair in (changes or {}).items():
        old, new = pair if isinstance(pair, (list, tuple)) and len(pair) == 2 else ("", pair)
        rows.append({"label": _change_label(name), "old": _change_value(name, old), "new": _change_value(name, new)})
    return rows


@register.filter
def age(moment: datetime | None, now: datetime) -> str:
    """How long ago, in words ("3 h 5 min ago"); empty without a time."""
    if moment is None or now is None:
        return ""
    return _("%(span)s ago") % {"span": _span(now - moment)}


@register.filter
def reason_code_label(code: str) -> str:
    """The label of an event's reason code (return reason, satisfaction, deadline stage); empty otherwise."""
    if code == CITIZEN_REMINDER:
        return _("The citizen called again")
    for choices in (ReturnReason, Satisfaction, DeadlineStage):
        if code in choices.values:
            return str(choices(code).label)
    return ""


@register.filter
def iso(moment: datetime | None) -> str:
    """An ISO 8601 timestamp for ``data-due`` attributes read by the live countdown script."""
    return moment.isoformat() if moment is not None else ""


@register.simple_tag
def countdown_formats() -> dict[str, str]:
    """The countdown wordings, for static/js/app.js to keep countdowns current without a reload."""
    return {
        "left": _("%(span)s left"),
        "overdue": _("overdue by %(span)s"),
        "days": _("%(days)d d"),
        "days_hours": _("%(days)d d %(hours)d h"),
        "hours": _("%(hours)d h"),
        "hours_minutes": _("%(hours)d h %(minutes)d min"),
        "minutes": _("%(minutes)d min"),
    }


@register.filter
def in_words(text: str) -> str:
    """A masked title, summary or appeal with each masked value in words (〔姓名〕), not its code ([NAME])."""
    return masked_in_words(text) if isinstance(text, str) else text
