"""Reads of live calls: which call an order comes from, and what the operator's live view shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime

from accounts.models import User
from calls.models import CallTurn, LiveCall
from hotline.models import Submission, SubmissionStatus
from workorders import permissions
from workorders.models import WorkOrder
from workorders.triage_record import SafetyRecord

# What the live view shows of the order, in this order (the fields the live analysis fills in).
SHOWN_FIELDS = ("title", "summary", "request_type", "urgency", "category", "area", "address")


def may_follow(user: Any) -> bool:
    """Who follows a call live: those who take calls (the transcript is the caller's own words)."""
    return permissions.may_enter_calls(user) and permissions.sees_personal_data(user)


def live_calls_visible_to(user: User) -> QuerySet[LiveCall]:
    """The calls whose order ``user`` may see, for those who follow calls live (none for anyone else)."""
    if not may_follow(user):
        return LiveCall.objects.none()
    # a call whose first words have not come yet has no order, and shows nothing but that it is waiting
    visible = Q(order__in=permissions.orders_visible_to(user)) | Q(order__isnull=True)
    return with_shown_order(LiveCall.objects.filter(visible))


# What the live view never shows of the order: read on every change a screen asks for, the transcript would be
# decrypted and the triage record parsed each time.
_NOT_SHOWN = ("appeal", "appeal_masked", "masked_text", "triage", "caller_name", "caller_phone", "caller_phone_hash")


def with_shown_order(calls: QuerySet[LiveCall]) -> QuerySet[LiveCall]:
    """The calls with the part of their order the live view shows (its category and area with it)."""
    return calls.select_related("order__category", "order__area").defer(*(f"order__{name}" for name in _NOT_SHOWN))


@dataclass(frozen=True)
class ChangeMarks:
    revision: int
    order_version: int | None
    settled: bool  # ended and analysed by the intake: the order is as it will stay

    def unchanged_for(self, *, since: int, version: str) -> bool:
        """Whether a screen that has seen revision ``since`` and order version ``version`` has nothing new."""
        return not self.settled and since == self.revision and version == str(self.order_version)


def change_marks(call_pk: int) -> ChangeMarks | None:
    """The call's revision, its order's version and whether it has settled, in one indexed read: what a screen
    polling the live view compares with what it has (None: no such call)."""
    row = (
        LiveCall.objects.filter(pk=call_pk)
        .values_list("revision", "order__version", "status", "order__source_submission__status")
        .first()
    )
    if row is None:
        return None
    revision, version, status, submission = row
    return ChangeMarks(revision, version, status != "open" and submission == SubmissionStatus.TRIAGED)


def live_call_of_order(order: WorkOrder) -> LiveCall | None:
    """The live call an order was created by, if any (open or ended)."""
    return LiveCall.objects.filter(order_id=order.pk).first()


@dataclass(frozen=True)
class ShownTurn:
    seq: int
    speaker: str
    label: str
    text: str
    final: bool
    start: float | None
    end: float | None


@dataclass(frozen=True)
class ShownField:
    name: str
    label: str
    value: Any  # as stored: an id for a relation
    shown: str  # as a person reads it
    changed_at: datetime | None  # when the live analysis last changed it
    by_operator: bool  # an operator set or confirmed it: the analysis leaves it


@dataclass(frozen=True)
class LiveState:
    """What the live view shows of a call: the turns changed since ``since`` (all of them for 0), the fields, the
    risk. ``revision`` is what the screen asks from next time; ``order_version`` the order's version now."""

    call: LiveCall
    revision: int
    turns: list[ShownTurn]
    complete: bool  # the turns are all of them (not only those changed since)
    fields: list[ShownField] | None  # None: not read again (the order has not changed)
    risk: SafetyRecord
    order_version: int | None
    analysed: bool  # the intake's analysis after the call has run: the order is as it will stay

    def to_json(self) -> dict[str, Any]:
        call = self.call
        return {
            "call_id": call.call_id,
            "status": call.status,
            "revision": self.revision,
            "order_id": call.order_id,
            "order_number": call.order.number if call.order_id and self.fields is not None else None,
            "order_version": self.order_version,
            "order_status": call.order.status if call.order_id and self.fields is not None else None,
            "analysed": self.analysed,
            "fields_from_turns": call.analysed_finals,
            "complete": self.complete,
            "opened_at": call.opened_at.isoformat(),
            "closed_at": call.closed_at.isoformat() if call.closed_at else None,
            "turns": [
                {
                    "seq": t.seq,
                    "speaker": t.speaker,
                    "label": t.label,
                    "text": t.text,
                    "final": t.final,
                    "start": t.start,
                    "end": t.end,
                }
                for t in self.turns
            ],
            "fields": None
            if self.fields is None
            else [
                {
                    "name": f.name,
                    "label": f.label,
                    "value": f.value,
                    "shown": f.shown,
                    "changed_at": f.changed_at.isoformat() if f.changed_at else None,
                    "by_operator": f.by_operator,
                }
                for f in self.fields
            ],
            "risk": {
                "at_risk": self.risk.at_risk,
                "kind": self.risk.kind,
                "kind_label": self.risk.kind_label,
                "self_harm": self.risk.self_harm,
                "triggers": list(self.risk.triggers),
                "raised_at": call.risk_raised_at.isoformat() if call.risk_raised_at else None,
            },
        }


def live_state(call: LiveCall, *, since: int = 0, with_fields: bool = True) -> LiveState:
    """The live view of ``call`` (read with its order, category and area) for a screen that has seen ``since``.
    ``with_fields=False``: the order has not changed since the screen last saw it (only the transcript or the risk
    moved), so its fields are not read again (``fields`` is None)."""
    turns = CallTurn.objects.filter(call=call).order_by("start_ms", "seq")
    complete = since <= 0
    if not complete:
        turns = turns.filter(revision__gt=since)
    shown = sorted(turns, key=CallTurn.sort_key)
    order = call.order if with_fields else None
    return LiveState(
        call=call,
        revision=call.revision,
        turns=[
            ShownTurn(
                t.seq,
                t.speaker,
                str(t.get_speaker_display()),
                t.text,
                t.is_final,
                t.start_ms / 1000 if t.start_ms is not None else None,
                t.end_ms / 1000 if t.end_ms is not None else None,
            )
            for t in shown
        ],
        complete=complete,
        fields=(_fields(call, order) if order is not None else []) if with_fields else None,
        risk=SafetyRecord.from_json(call.risk),
        order_version=order.version if order is not None else None,
        analysed=bool(call.final_analysis_done and order is not None and _submission_analysed(order)),
    )


def _submission_analysed(order: WorkOrder) -> bool:
    if order.source_submission_id is None:
        return False
    return Submission.objects.filter(pk=order.source_submission_id, status=SubmissionStatus.TRIAGED).exists()


def _fields(call: LiveCall, order: WorkOrder) -> list[ShownField]:
    touched = set(order.confirmed_fields or ())
    rows = []
    for name in SHOWN_FIELDS:
        model_field = WorkOrder._meta.get_field(name)
        value = getattr(order, name)
        if model_field.is_relation:
            shown = str(value.full_name or value.name) if value is not None else ""
            value = value.pk if value is not None else None
        elif model_field.choices:
            shown = str(getattr(order, f"get_{name}_display")())
        else:
            shown = str(value or "")
        changed = call.field_changed_at.get(name)
        rows.append(
            ShownField(
                name=name,
                label=str(model_field.verbose_name),
                value=value,
                shown=shown,
                changed_at=parse_datetime(changed) if changed else None,
                by_operator=name in touched,
            )
        )
    return rows
