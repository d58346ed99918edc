"""Writes of the work-order domain. Every status change goes through ``workorder_transition``.

Each service locks the order row, checks the action against the state machine in ``lifecycle`` (who may
do it, from which status), makes its changes and records exactly one event per action. ``at`` lets the
historical import and tests place an action in the past; everything else uses the current time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.models import User
from triage.datasets import model_text
from triage.reply_check import ReplyChecker
from workorders import dispatch_catalogue, holiday_calendar, permissions, selectors
from workorders.choices import (
    ACTIVE_ASSIGNMENT_STATUSES,
    CITIZEN_REMINDER,
    OPEN_STATUSES,
    ROUND_START_ACTIONS,
    Action,
    AiField,
    AssignmentRole,
    AssignmentStatus,
    Channel,
    DeadlineStage,
    ExtensionStatus,
    RequestType,
    ReturnReason,
    Satisfaction,
    Status,
    Urgency,
)
from workorders.deadlines import clock_deadline
from workorders.errors import ActionNotPermitted, InvalidInput, InvalidTransition, StaleWrite
from workorders.lifecycle import ASSIGNMENT_RULES, rule_for
from workorders.models import (
    AiFieldReview,
    Area,
    Assignment,
    Callback,
    Category,
    DeadlinePolicy,
    Department,
    ExtensionRequest,
    OrderClaim,
    WorkOrder,
    WorkOrderEvent,
)
from workorders.numbering import allocate_number
from workorders.triage_record import FieldSource, LlmRecord, TriageRecord

logger = logging.getLogger(__name__)

# Fields an operator may edit on an order before dispatch (and during arbitration).
EDITABLE_FIELDS = (
    "title",
    "appeal",
    "summary",
    "request_type",
    "urgency",
    "category",
    "area",
    "address",
    "caller_name",
    "caller_phone",
)
MAX_EXTENSION_DAYS = 30
# Orders nothing can be merged into: they are no longer open.
CLOSED_TO_MERGING = (Status.CANCELLED, Status.MERGED, Status.CLOSED)


# --- the one transition function -------------------------------------------------------------------


def check_transition(*, order: WorkOrder, action: str, by: User | None, assignment: Assignment | None = None) -> None:
    """Raise unless ``by`` may take ``action`` on ``order`` now. Changes nothing."""
    rule = rule_for(action)
    label = Action(action).label
    if not permissions.may_take(by, action):
        raise ActionNotPermitted(_("Your role may not do this: %(action)s.") % {"action": label})
    if rule.needs_assignment and (
        assignment is None
        or assignment.order_id != order.pk
        or assignment.status == AssignmentStatus.WITHDRAWN
        or not permissions.acts_for(by, assignment)
    ):
        raise ActionNotPermitted(_("This order is not assigned to your department."))
    if action != Action.CREATE and order.status not in rule.from_statuses:
        raise InvalidTransition(
            _("Cannot do “%(action)s” while the order is “%(status)s”.")
            % {"action": label, "status": Status(order.status).label}
        )


def workorder_transition(
    *,
    order: WorkOrder,
    action: str,
    by: User | None,
    assignment: Assignment | None = None,
    reason: str = "",
    reason_code: str = "",
    changes: dict[str, Any] | None = None,
    at: datetime | None = None,
    saving: Iterable[str] | None = None,
) -> WorkOrderEvent:
    """Move ``order`` by ``action`` (status per the state machine), save it and append one event, all or
    nothing: the order's new state and its event are written in one transaction. ``saving``: the only fields
    the caller set on the order (its status, version and time of change are saved with them); by default the
    whole row is written, which re-encrypts the caller's words, name and phone."""
    check_transition(order=order, action=action, by=by, assignment=assignment)
    rule = rule_for(action)
    from_status = "" if action == Action.CREATE else order.status
    order.status = rule.to_status or order.status
    if action != Action.CREATE and (order.status != from_status or changes):
        order.version += 1  # what someone looking at the order sees has changed
    with transaction.atomic():
        if saving is None:
            order.save()
        else:
            order.save(update_fields={*saving, "status", "version", "updated_at"})
        if order.status != from_status and from_status:
            # a claim is on the order in the status it was taken in (the desk's draft, the inbox's assignment)
            OrderClaim.objects.filter(order_id=order.pk).delete()
        return WorkOrderEvent.objects.create(
            order=order,
            action=action,
            from_status=from_status,
            to_status=order.status,
            actor=by,
            actor_role=permissions.role_of(by),
            department=assignment.department if assignment else None,
            reason_code=reason_code,
            reason=reason,
            changes=changes or {},
            resolved=bool((changes or {}).get("resolved", ["", False])[1]) if action == Action.CALLBACK else None,
            version=order.version,
            sign_due_at=order.sign_due_at if action in ROUND_START_ACTIONS else None,
            created_at=at or timezone.now(),
        )


# --- helpers -----------------------------------------------------------------------------------------


def _locked(order: WorkOrder, based_on: int | None = None) -> WorkOrder:
    """A fresh copy of the order, locked for the rest of the transaction (no-op lock on SQLite).

    ``based_on`` is the version of the order the person acting was looking at: if the order changed since,
    the write is refused with who changed what (``StaleWrite``). Pages and the API always state it."""
    locked = WorkOrder.objects.select_for_update().get(pk=order.pk)
    if based_on is not None and based_on != locked.version:
        raise StaleWrite(stale_message(locked, based_on), current_version=locked.version)
    return locked


def stale_message(order: WorkOrder, based_on: int) -> str:
    """Who changed what on the order since version ``based_on``, for the person whose write was refused."""
    events = order.events.filter(version__gt=based_on).select_related("actor").order_by("created_at", "id")
    described = [_describe_change(event) for event in events] or [_("it was changed by someone else")]
    return _("The order changed after you opened it: %(changes)s. Check it as it is now and try again.") % {
        "changes": "; ".join(described)
    }


def _describe_change(event: WorkOrderEvent) -> str:
    if event.actor is not None:
        who = event.actor.get_full_name() or event.actor.username
    else:
        who = _("the automatic analysis") if event.action == Action.TRIAGE else _("the system")
    fields = [_field_label(name) for name in event.changes if not name.startswith("_")]
    what = Action(event.action).label if event.action in Action.values else event.action
    detail = f"（{'、'.join(fields)}）" if fields else ""
    return _("%(who)s, %(time)s: %(what)s%(detail)s") % {
        "who": who,
        "time": timezone.localtime(event.created_at).strftime("%H:%M"),
        "what": what,
        "detail": detail,
    }


def _field_label(name: str) -> str:
    try:
        return str(WorkOrder._meta.get_field(name).verbose_name)
    except Exception:  # a change that is not an order field (assisting departments, working days …)
        return str(_CHANGE_LABELS.get(name, name))


_CHANGE_LABELS = {
    "assisting_departments": _lazy("assisting departments"),
    "working_days": _lazy("extra working days"),
    "satisfaction": _lazy("satisfaction"),
    "resolved": _lazy("resolved"),
    "merged_into": _lazy("merged into"),
    "reply_check": _lazy("reply check"),
}


def _move_assignment(assignment: Assignment, action: str, **values: Any) -> None:
    """Move one department's assignment by ``action`` (``lifecycle.ASSIGNMENT_RULES``), saving ``values`` with it."""
    rule = ASSIGNMENT_RULES[action]
    if assignment.status not in rule.from_statuses:
        raise InvalidTransition(
            _("Cannot do “%(action)s” while your department's part is “%(status)s”.")
            % {"action": Action(action).label, "status": AssignmentStatus(assignment.status).label}
        )
    assignment.status = rule.to_status
    for name, value in values.items():
        setattr(assignment, name, value)
    assignment.save(update_fields=["status", *values])


def _move_assignments(order: WorkOrder, action: str, **values: Any) -> int:
    """Move every assignment of the order that ``action`` applies to (``lifecycle.ASSIGNMENT_RULES``)."""
    rule = ASSIGNMENT_RULES[action]
    return order.assignments.filter(status__in=rule.from_statuses).update(status=rule.to_status, **values)


def _display(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (Department, Category, Area)):
        return str(value)
    return value


def _require_text(value: str, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(message, field=field)
    return text


def _policy_for(order: WorkOrder) -> DeadlinePolicy:
    policy = DeadlinePolicy.objects.filter(request_type=order.request_type).first()
    if policy is None:
        raise InvalidInput(
            _("No deadline policy is configured for request type “%(type)s”; an administrator must add one.")
            % {"type": order.get_request_type_display()},
            field="request_type",
        )
    return policy


def _start_deadlines(order: WorkOrder, start: datetime) -> None:
    policy = _policy_for(order)
    order.dispatched_at = start
    order.sign_due_at = clock_deadline(start, policy.sign_hours)
    order.contact_due_at = clock_deadline(start, policy.first_contact_hours)
    calendar = selectors.work_calendar()
    order.resolve_due_at = calendar.resolve_deadline(
        start, policy.resolve_working_days, timezone.get_current_timezone()
    )
    holiday_calendar.flag_if_beyond_calendar(calendar, order.resolve_due_at, order=order, what="resolve deadline")
    order.deadline_stage = DeadlineStage.ON_TIME


def _validate_departments(
    lead: Department | None, assisting: Sequence[Department], *, missing_lead: str
) -> list[Department]:
    """The one check of the departments an order goes to: a lead, active, not also assisting; the assisting
    departments active, each once. ``missing_lead`` is what the user is told when there is no lead."""
    if lead is None:
        raise InvalidInput(missing_lead, field="lead_department")
    if not lead.is_active:
        raise InvalidInput(_("%(dept)s is no longer active.") % {"dept": lead}, field="lead_department")
    unique: list[Department] = []
    for department in assisting:
        if department.pk == lead.pk:
            raise InvalidInput(
                _("The lead department cannot also be an assisting department."), field="assisting_departments"
            )
        if not department.is_active:
            raise InvalidInput(_("%(dept)s is no longer active.") % {"dept": department}, field="assisting_departments")
        if department.pk not in {d.pk for d in unique}:
            unique.append(department)
    return unique


def _assign(order: WorkOrder, lead: Department, assisting: Sequence[Department], at: datetime, action: str) -> None:
    """Withdraw the order's current assignments and create the new lead and assisting ones."""
    _move_assignments(order, action)
    Assignment.objects.bulk_create(
        [Assignment(order=order, department=lead, role=AssignmentRole.LEAD, assigned_at=at)]
        + [Assignment(order=order, department=dept, role=AssignmentRole.ASSIST, assigned_at=at) for dept in assisting]
    )
    order.lead_department = lead


def _lead_assignment(order: WorkOrder, statuses: Iterable[str] = ACTIVE_ASSIGNMENT_STATUSES) -> Assignment | None:
    return (
        order.assignments.filter(role=AssignmentRole.LEAD, status__in=list(statuses))
        .select_related("department")
        .first()
    )


def _officer_assignment(order: WorkOrder, by: User, role: str, action: str) -> Assignment:
    """The officer's assignment in ``role`` on the order, after checking ``action`` is theirs to take."""
    assignment = selectors.assignment_for_officer(order=order, user=by, role=role)
    check_transition(order=order, action=action, by=by, assignment=assignment)
    assert assignment is not None  # check_transition refuses a missing assignment
    return assignment


# --- creation and triage -------------------------------------------------------------------------------


@transaction.atomic(savepoint=False)  # no savepoint of its own: the intake's transaction is the unit
def workorder_create_draft(
    *,
    appeal: str,
    channel: str = Channel.PHONE,
    title: str = "",
    caller_name: str = "",
    caller_phone: str = "",
    address: str = "",
    submission: Any = None,
    by: User | None = None,
    at: datetime | None = None,
) -> WorkOrder:
    """A new order awaiting triage and an operator's confirmation (待派单)."""
    moment = at or timezone.now()
    order = WorkOrder(
        number=allocate_number(moment),
        status=Status.DRAFT,
        channel=channel,
        title=title[:200],
        appeal=_require_text(appeal, "appeal", _("The appeal text is empty.")),
        caller_name=caller_name[:64],
        caller_phone=caller_phone[:32],
        address=address[:255],
        source_submission=submission,
        created_at=moment,
    )
    workorder_transition(
        order=order,
        action=Action.CREATE,
        by=by,
        reason=_("Received through the %(channel)s channel") % {"channel": Channel(channel).label},
        at=moment,
    )
    return order


def workorder_apply_triage(
    *, order: WorkOrder, fields: dict[str, Any], record: TriageRecord, at: datetime | None = None
) -> WorkOrder:
    """Fill an order awaiting dispatch with what triage found, without overwriting anything already set.

    ``fields`` maps order fields to values (model instances for relations); ``record`` is the full triage
    result (confidences, versions) kept on the order. An order an operator has already dispatched or edited
    keeps its values: triage only fills blanks, and only while the order is a draft."""
    with transaction.atomic(savepoint=False):  # no savepoint of its own: the analysis's transaction is the unit
        order = _locked(order)
        order.triage_record = record
        if order.status != Status.DRAFT:
            order.save(update_fields=["triage", "updated_at"])
            return order
        # an order still at its first version was never edited (an edit that changes a field moves the version)
        edited = _touched_fields(order) if order.version > 1 else set(order.confirmed_fields or ())
        defaults = {field.name: field.get_default() for field in WorkOrder._meta.concrete_fields}
        changes: dict[str, list[Any]] = {}
        for name, value in fields.items():
            if value in (None, "") or name in edited:
                continue
            current = getattr(order, name)
            if current not in (None, "", defaults.get(name)) or current == value:
                continue
            setattr(order, name, value)
            changes[name] = [_display(current), _display(value)]
        # only what triage filled is written: the caller's words, name and phone are not encrypted again
        workorder_transition(
            order=order, action=Action.TRIAGE, by=None, changes=changes, at=at, saving=["triage", *changes]
        )
        return order


def _touched_fields(order: WorkOrder) -> set[str]:
    """The fields an operator has set or confirmed (saved, even unchanged): triage and drafts leave them alone."""
    edited = set().union(*(event.changes.keys() for event in order.events.filter(action=Action.EDIT)))
    return edited | set(order.confirmed_fields or ())


@dataclass(frozen=True)
class LiveTriageOutcome:
    changed: dict[str, list[Any]]  # field: [before, after], as the history shows them
    touched: frozenset[str]  # the fields an operator has set or confirmed, left as they were


@transaction.atomic
def workorder_apply_live_triage(
    *, order: WorkOrder, fields: dict[str, Any], text: dict[str, str], record: TriageRecord
) -> LiveTriageOutcome:
    """Triage of a call still going on (``calls``): every field nobody has touched takes what triage reads in the
    conversation so far, a blank included (the caller may correct themselves), where ``workorder_apply_triage``
    only fills blanks; a field an operator has set or confirmed keeps its value, the rule of the LLM's draft too.
    ``text`` (the transcript so far: ``appeal``, ``appeal_masked``) is kept without recording each new sentence in
    the history. Only while the order awaits dispatch."""
    order = _locked(order)
    touched = frozenset(_touched_fields(order))
    if order.status != Status.DRAFT:
        return LiveTriageOutcome({}, touched)
    for name, value in text.items():
        if name not in touched and value:
            setattr(order, name, value)
    changes: dict[str, list[Any]] = {}
    for name, value in fields.items():
        if name in touched:
            continue
        if value is None or value == "":
            value = WorkOrder._meta.get_field(name).get_default()
        current = getattr(order, name)
        if _key_of(current) == _key_of(value):
            continue
        setattr(order, name, value)
        changes[name] = [_display(current), _display(value)]
    order.triage_record = record
    if changes:
        workorder_transition(order=order, action=Action.TRIAGE, by=None, changes=changes)
    else:
        order.save(update_fields=["triage", "updated_at", *(name for name in text if name not in touched)])
    return LiveTriageOutcome(changes, touched)


class DraftOutcome(StrEnum):
    APPLIED = "applied"  # filled the fields nobody had touched
    SUGGESTED = "suggested"  # waits beside the fields: an operator has the order open
    STALE = "stale"  # discarded: the order changed after the draft was asked for
    LATE = "late"  # discarded: the order had left the desk


@transaction.atomic
def workorder_apply_llm_draft(
    *,
    order: WorkOrder,
    fields: dict[str, Any],
    source: FieldSource,
    outcome: LlmRecord,
    based_on: int | None,
    shown: dict[str, str] | None = None,
) -> DraftOutcome:
    """The LLM's draft of an order, by the draft policy; the operator's work is never changed by it.

    - The order left the desk: nothing changes (``late``).
    - The order changed after the draft was asked for (its version moved on from ``based_on``: an operator edited
      it, the appeal was corrected): the draft was computed from what is no longer there and is discarded, with
      the reason (``stale``).
    - An operator has opened the order: the draft waits beside the fields as suggestions to accept or dismiss,
      never applied by itself (``suggested``).
    - Otherwise the draft fills the fields nobody has touched that still hold the classical value (``applied``);
      a field an operator set or confirmed keeps its value.
    ``shown`` gives each draft value as the page shows it (the category's path, the request type's label)."""
    order = _locked(order)
    record = order.triage_record
    stamped = replace(outcome, based_on_version=based_on)
    if order.status != Status.DRAFT:
        _keep_llm_record(order, record.with_llm(replace(stamped, status=DraftOutcome.LATE)))
        return DraftOutcome.LATE
    if based_on is not None and based_on != order.version:
        reason = _("The order changed after the draft was asked for (version %(asked)s, now %(now)s).") % {
            "asked": based_on,
            "now": order.version,
        }
        _keep_llm_record(order, record.with_llm(replace(stamped, status=DraftOutcome.STALE, reason=reason)))
        return DraftOutcome.STALE
    touched = _touched_fields(order)
    differing = {name: value for name, value in fields.items() if _key_of(getattr(order, name)) != _key_of(value)}
    suggestions = {
        name: {"value": _key_of(value), "shown": (shown or {}).get(name, str(_display(value)))}
        for name, value in differing.items()
    }
    if order.opened_at is not None:
        suggested = replace(stamped, status=DraftOutcome.SUGGESTED, suggested=suggestions)
        _keep_llm_record(order, record.with_llm(suggested))
        return DraftOutcome.SUGGESTED
    sources = dict(record.sources)
    changes: dict[str, list[Any]] = {}
    kept = []
    for name, value in fields.items():
        current = getattr(order, name)
        if name in touched or _key_of(current) != record.classical_value(name):
            kept.append(name)
            continue
        sources[name] = source
        if name in differing:
            setattr(order, name, value)
            changes[name] = [_display(current), _display(value)]
    leftover = {name: suggestion for name, suggestion in suggestions.items() if name in kept}
    applied = replace(
        stamped,
        status=DraftOutcome.APPLIED,
        applied=tuple(sorted(set(fields) - set(kept))),
        kept=tuple(sorted(kept)),
        suggested=leftover,
    )
    order.triage_record = record.with_llm(applied, sources=sources)
    workorder_transition(
        order=order,
        action=Action.TRIAGE,
        by=None,
        reason=_("Drafted by the LLM %(model)s with prompt %(prompt)s")
        % {"model": source.model, "prompt": source.prompt},
        changes=changes,
    )
    return DraftOutcome.APPLIED


def _key_of(value: Any) -> Any:
    """A field's value as stored: the id of a related row, the value itself otherwise."""
    return value.pk if isinstance(value, models.Model) else value


def _keep_llm_record(order: WorkOrder, record: TriageRecord) -> None:
    order.triage_record = record
    order.save(update_fields=["triage", "updated_at"])


@transaction.atomic
def workorder_note_opened(*, order: WorkOrder, by: User) -> None:
    """An operator opened an order awaiting dispatch: from now on an LLM draft only waits beside the fields."""
    if order.opened_at is not None or order.status != Status.DRAFT or not permissions.may_take(by, Action.EDIT):
        return
    WorkOrder.objects.filter(pk=order.pk, opened_at__isnull=True).update(opened_at=timezone.now(), opened_by=by)


@transaction.atomic
def workorder_accept_llm_suggestions(
    *, order: WorkOrder, by: User, fields: Sequence[str] | None = None, based_on: int | None = None
) -> WorkOrder:
    """An operator takes the LLM's suggestions (all, or the named ``fields``) into the order, as their own edit."""
    order = _locked(order, based_on)
    record = order.triage_record
    llm = record.llm
    if llm is None or not llm.suggested:
        raise InvalidTransition(_("There are no suggestions to accept."))
    chosen = [name for name in (fields or llm.suggested) if name in llm.suggested]
    if not chosen:
        raise InvalidInput(_("Choose a suggestion to accept."), field="fields")
    values = {name: _field_value(name, llm.suggested[name]["value"]) for name in chosen}
    left = {name: suggestion for name, suggestion in llm.suggested.items() if name not in chosen}
    source = FieldSource("llm", model=llm.model, prompt=llm.prompt, latency_ms=llm.latency_ms, tokens=llm.tokens)
    sources = {**record.sources, **dict.fromkeys(chosen, source)}
    order.triage_record = record.with_llm(
        replace(llm, status="suggested" if left else "accepted", suggested=left), sources=sources
    )
    return _update(order, by=by, values=values)


@transaction.atomic
def workorder_dismiss_llm_suggestions(*, order: WorkOrder, by: User, based_on: int | None = None) -> WorkOrder:
    """An operator sets the LLM's suggestions aside; the order keeps its values."""
    order = _locked(order, based_on)
    check_transition(order=order, action=Action.EDIT, by=by)
    record = order.triage_record
    if record.llm is None or not record.llm.suggested:
        raise InvalidTransition(_("There are no suggestions to dismiss."))
    _keep_llm_record(order, record.with_llm(replace(record.llm, status="dismissed", suggested={})))
    return order


def _field_value(name: str, stored: Any) -> Any:
    """A suggested value as the order field takes it (the row for a relation)."""
    relation = WorkOrder._meta.get_field(name).related_model
    return relation.objects.filter(pk=stored).first() if relation is not None and stored is not None else stored


@transaction.atomic
def workorder_mark_llm_pending(
    *, order: WorkOrder, based_on: int, reason: str = "", at: datetime | None = None
) -> WorkOrder:
    """Record on the order that the LLM's draft was asked for at version ``based_on`` (``pending``), before the
    task is queued: a draft lost with its task (a restart) is still seen, and queued again by the sweep. Not a
    change anyone looking at the order must reload for: the version stays."""
    order = _locked(order)
    requested = (at or timezone.now()).isoformat()
    order.triage_record = order.triage_record.with_llm(
        LlmRecord("pending", reason=reason, requested_at=requested, based_on_version=based_on)
    )
    order.save(update_fields=["triage", "updated_at"])
    return order


@transaction.atomic
def workorder_record_llm_outcome(*, order: WorkOrder, outcome: LlmRecord, pending_for: int | None = None) -> WorkOrder:
    """Keep on the order why the LLM's draft was not used (skipped, invalid, the endpoint failed): the
    classical fields stand. Changes no field and no status.

    ``pending_for``: only while the draft asked for at that version is still pending (a task run twice, or the
    sweep and the task at once, must not overwrite what the other recorded); otherwise the order is left as it is."""
    order = _locked(order)
    current = order.triage_record.llm
    if pending_for is not None and (
        current is None or current.status != "pending" or current.based_on_version != pending_for
    ):
        return order
    order.triage_record = order.triage_record.with_llm(outcome)
    order.save(update_fields=["triage", "updated_at"])
    return order


@transaction.atomic
def workorder_update(
    *, order: WorkOrder, by: User, at: datetime | None = None, based_on: int | None = None, **values: Any
) -> WorkOrder:
    """An operator's edit of an order before dispatch or during arbitration; records what changed."""
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(_("These fields cannot be edited: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    return _update(_locked(order, based_on), by=by, values=values, at=at)


def _update(order: WorkOrder, *, by: User, values: dict[str, Any], at: datetime | None = None) -> WorkOrder:
    """An operator's values on a locked order: what changed is recorded, and every field given is confirmed."""
    check_transition(order=order, action=Action.EDIT, by=by)
    order.confirmed_fields = sorted(set(order.confirmed_fields or ()) | set(values))
    if "appeal" in values:
        values["appeal"] = _require_text(values["appeal"], "appeal", _("The appeal text is empty."))
        if values["appeal"] != order.appeal:
            order.appeal_masked = model_text(values["appeal"])
    changes: dict[str, list[Any]] = {}
    for name, value in values.items():
        current = getattr(order, name)
        if current != value:
            setattr(order, name, value)
            changes[name] = [_display(current), _display(value)]
    if changes:
        workorder_transition(order=order, action=Action.EDIT, by=by, changes=changes, at=at)
    else:
        order.save(update_fields=["confirmed_fields", "triage", "updated_at"])
    return order


@transaction.atomic
def workorder_cancel(*, order: WorkOrder, by: User, reason: str, based_on: int | None = None) -> WorkOrder:
    order = _locked(order, based_on)
    reason = _require_text(reason, "reason", _("Give the reason for cancelling."))
    workorder_transition(order=order, action=Action.CANCEL, by=by, reason=reason)
    return order


@transaction.atomic
def workorder_merge(
    *, order: WorkOrder, into: WorkOrder, by: User, reason: str = "", based_on: int | None = None
) -> WorkOrder:
    """Merge an order awaiting dispatch into another open order about the same event (合并): the order
    closes as merged, and the other order's page lists it with its caller."""
    order = _locked(order, based_on)
    if into.pk == order.pk:
        raise InvalidInput(_("An order cannot be merged into itself."), field="into")
    target = WorkOrder.objects.select_for_update().get(pk=into.pk)
    if target.status in CLOSED_TO_MERGING:
        raise InvalidInput(_("Merge into an open order."), field="into")
    while target.merged_into_id is not None:  # defensive: never point at a merged order
        target = WorkOrder.objects.get(pk=target.merged_into_id)
    if order.life_at_risk and not target.life_at_risk:  # a life at risk never disappears into a slower order
        raise InvalidInput(
            _("This order is a risk to life and %(number)s is not: dispatch it on its own.")
            % {"number": target.number},
            field="into",
        )
    order.merged_into = target
    workorder_transition(
        order=order,
        action=Action.MERGE,
        by=by,
        reason=reason or _("Same event as %(number)s") % {"number": target.number},
        changes={"merged_into": ["", target.number]},
    )
    return order


@transaction.atomic
def workorder_unmerge(*, order: WorkOrder, by: User, reason: str = "", based_on: int | None = None) -> WorkOrder:
    """Undo a merge (撤销合并): the order awaits dispatch again on its own. A merge changes the status and
    ``merged_into`` only, so this restores exactly those two; the merge's event stays in the log and this one
    follows it (who, when, from which order)."""
    order = _locked(order, based_on)
    check_transition(order=order, action=Action.UNMERGE, by=by)
    target = WorkOrder.objects.filter(pk=order.merged_into_id).only("number").first()
    number = target.number if target else ""
    order.merged_into = None
    workorder_transition(
        order=order,
        action=Action.UNMERGE,
        by=by,
        reason=reason.strip() or _("Merge into %(number)s undone") % {"number": number},
        changes={"merged_into": [number, ""]},
    )
    return order


def _record_ai_reviews(order: WorkOrder, *, by: User | None, at: datetime) -> None:
    """Compare triage's proposals with the values the order is dispatched with (first dispatch only)."""
    record = order.triage_record
    if not record.analysed or order.ai_reviews.exists():
        return
    versions = record.versions
    level1 = order.category.ancestors_and_self_ids()[0] if order.category_id else None
    names = dict(
        Category.objects.filter(
            pk__in=[
                v for v in (level1, order.category_id, record.guessed_id("level1"), record.guessed_id("category")) if v
            ]
        ).values_list("pk", "full_name")
    )
    department_names = dict(
        Department.objects.filter(
            pk__in=[v for v in (record.guessed_id("department"), order.lead_department_id) if v]
        ).values_list("pk", "name")
    )
    area_names = dict(
        Area.objects.filter(pk__in=[v for v in (record.guessed_id("area"), order.area_id) if v]).values_list(
            "pk", "full_name"
        )
    )
    compared = [
        (AiField.CATEGORY_LEVEL1, "level1", level1, names, versions.get("level1", "")),
        (AiField.CATEGORY, "category", order.category_id, names, versions.get("category", "")),
        (AiField.DEPARTMENT, "department", order.lead_department_id, department_names, "dispatch-catalogue"),
        (
            AiField.REQUEST_TYPE,
            "request_type",
            order.request_type,
            dict(RequestType.choices),
            versions.get("rules", ""),
        ),
        (AiField.URGENCY, "urgency", order.urgency, dict(Urgency.choices), versions.get("rules", "")),
        (AiField.AREA, "area", order.area_id, area_names, "gazetteer"),
    ]
    level1_name = names.get(level1, "").split(" / ")[0]
    reviews = []
    for field, key, final, labels, source in compared:
        guess = record.guess(key)
        predicted = guess.value
        if predicted in (None, ""):
            continue
        reviews.append(
            AiFieldReview(
                order=order,
                field=field,
                predicted=str(predicted),
                predicted_label=str(labels.get(predicted, predicted)),
                confidence=guess.confidence,
                final="" if final is None else str(final),
                final_label=str(labels.get(final, final or "")),
                accepted=str(predicted) == str(final),
                automatic=by is None,
                category_level1=level1_name,
                source=source,
                reviewed_by=by,
                created_at=at,
            )
        )
    AiFieldReview.objects.bulk_create(reviews)


# --- dispatch and the department's work -----------------------------------------------------------------


@transaction.atomic
def workorder_dispatch(
    *,
    order: WorkOrder,
    by: User | None,
    lead_department: Department | None = None,
    assisting_departments: Sequence[Department] | None = None,
    note: str = "",
    at: datetime | None = None,
    based_on: int | None = None,
) -> WorkOrder:
    """Send a confirmed order to its lead department (主办) and any assisting ones (协办); deadlines start.

    Without a lead department, the dispatch catalogue's rule for the order's category and place gives the
    lead and, unless they are given, the assisting departments. ``by=None`` is triage's automatic dispatch.
    What triage had proposed is compared with what the order is dispatched with, field by field
    (``AiFieldReview``): the operators' acceptance and corrections."""
    order = _locked(order, based_on)
    action = Action.DISPATCH if by is not None else Action.AUTO_DISPATCH
    check_transition(order=order, action=action, by=by)
    if order.category_id is None:
        raise InvalidInput(_("Choose a category before dispatching."), field="category")
    if lead_department is None:
        lead_department, suggested = dispatch_catalogue.suggested_departments(order)
        assisting_departments = suggested if assisting_departments is None else assisting_departments
    assisting = _validate_departments(
        lead_department, assisting_departments or (), missing_lead=_("Choose a lead department.")
    )
    moment = at or timezone.now()
    _assign(order, lead_department, assisting, moment, action)
    _start_deadlines(order, moment)
    _record_ai_reviews(order, by=by, at=moment)
    workorder_transition(
        order=order,
        action=action,
        by=by,
        reason=note,
        changes={
            "lead_department": ["", str(lead_department)],
            "assisting_departments": ["", [str(d) for d in assisting]],
        },
        at=moment,
    )
    return order


@transaction.atomic
def workorder_correct_and_dispatch(
    *,
    order: WorkOrder,
    by: User,
    values: dict[str, Any],
    dispatch: bool,
    lead_department: Department | None = None,
    assisting_departments: Sequence[Department] | None = None,
    note: str = "",
    based_on: int | None = None,
) -> WorkOrder:
    """The order workspace's one write: the operator's corrections (only the fields that differ from the order are
    recorded as changed and confirmed) and, when ``dispatch``, the dispatch, both or neither."""
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(_("These fields cannot be edited: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    order = _locked(order, based_on)
    changed = {name: value for name, value in values.items() if getattr(order, name) != value}
    if changed:
        order = _update(order, by=by, values=changed)
    if not dispatch:
        return order
    return workorder_dispatch(
        order=order, by=by, lead_department=lead_department, assisting_departments=assisting_departments, note=note
    )


@transaction.atomic
def assignment_sign(
    *, order: WorkOrder, by: User, at: datetime | None = None, based_on: int | None = None
) -> WorkOrder:
    """The officer's department signs for the order (签收): the lead's signature starts the handling."""
    order = _locked(order, based_on)
    moment = at or timezone.now()
    mine = selectors.officer_assignments_on(order=order, user=by)
    pending = [a for a in mine if a.status == AssignmentStatus.PENDING]
    pending.sort(key=lambda a: a.role != AssignmentRole.LEAD)  # the lead signature first
    if pending:
        assignment = pending[0]
        action = Action.SIGN if assignment.role == AssignmentRole.LEAD else Action.ASSIST_SIGN
    elif mine:
        raise InvalidTransition(_("Your department has already signed for this order."))
    else:
        check_transition(order=order, action=Action.SIGN, by=by)  # raises: wrong role or not assigned
        raise AssertionError("unreachable")
    check_transition(order=order, action=action, by=by, assignment=assignment)
    _move_assignment(assignment, action, signed_at=moment, signed_by=by)
    workorder_transition(order=order, action=action, by=by, assignment=assignment, at=moment)
    return order


@transaction.atomic
def assignment_record_contact(
    *, order: WorkOrder, by: User, note: str = "", at: datetime | None = None, based_on: int | None = None
) -> WorkOrder:
    """The lead department reports its first contact with the citizen (首次联系)."""
    order = _locked(order, based_on)
    assignment = _officer_assignment(order, by, AssignmentRole.LEAD, Action.CONTACT)
    moment = at or timezone.now()
    if assignment.first_contact_at is None:
        assignment.first_contact_at = moment
        assignment.save(update_fields=["first_contact_at"])
    workorder_transition(order=order, action=Action.CONTACT, by=by, assignment=assignment, reason=note, at=moment)
    return order


@transaction.atomic
def assignment_reply(
    *, order: WorkOrder, by: User, reply: str, at: datetime | None = None, based_on: int | None = None
) -> WorkOrder:
    """The department's answer (答复). The lead's reply moves the order on to callback."""
    order = _locked(order, based_on)
    text = _require_text(reply, "reply", _("Write the reply to the citizen."))
    moment = at or timezone.now()
    lead = selectors.assignment_for_officer(order=order, user=by, role=AssignmentRole.LEAD)
    role, action = (AssignmentRole.LEAD, Action.REPLY) if lead else (AssignmentRole.ASSIST, Action.ASSIST_REPLY)
    assignment = _officer_assignment(order, by, role, action)
    _move_assignment(assignment, action, reply=text, replied_at=moment)
    if action == Action.REPLY:
        order.replied_at = moment
        _withdraw_pending_extension(order, moment)
        if assignment.first_contact_at is None:  # a reply implies the citizen was contacted
            assignment.first_contact_at = moment
            assignment.save(update_fields=["first_contact_at"])
    changes = {"reply_check": reply_quality(order, text)} if action == Action.REPLY else {}
    workorder_transition(
        order=order, action=action, by=by, assignment=assignment, reason=text, changes=changes, at=moment
    )
    return order


def reply_quality(order: WorkOrder, reply: str) -> dict[str, Any]:
    """The reply check's scores, kept with the reply for the departments' statistics."""
    check = ReplyChecker.default().check(order.text_for_models, reply)
    return {
        "verdict": check.verdict,
        "overall": round(check.overall, 3),
        "relevance": round(check.relevance, 3),
        "completeness": round(check.completeness, 3),
        "explains": round(check.explains, 3),
    }


@transaction.atomic
def assignment_return(
    *,
    order: WorkOrder,
    by: User,
    reason_code: str,
    reason: str,
    at: datetime | None = None,
    based_on: int | None = None,
) -> WorkOrder:
    """The lead department sends the order back (退单) with a coded reason; it waits for arbitration."""
    order = _locked(order, based_on)
    if reason_code not in ReturnReason.values:
        raise InvalidInput(_("Choose a return reason from the list."), field="reason_code")
    text = _require_text(reason, "reason", _("Explain why the order is returned."))
    assignment = _officer_assignment(order, by, AssignmentRole.LEAD, Action.RETURN)
    moment = at or timezone.now()
    _move_assignment(assignment, Action.RETURN, returned_at=moment, return_reason=reason_code, return_note=text)
    _withdraw_pending_extension(order, moment)
    workorder_transition(
        order=order,
        action=Action.RETURN,
        by=by,
        assignment=assignment,
        reason=text,
        reason_code=reason_code,
        at=moment,
    )
    return order


@transaction.atomic
def workorder_arbitrate(
    *,
    order: WorkOrder,
    by: User,
    accept: bool,
    reason: str,
    lead_department: Department | None = None,
    assisting_departments: Sequence[Department] = (),
    at: datetime | None = None,
    based_on: int | None = None,
) -> WorkOrder:
    """Decide a return (仲裁): accept it and re-dispatch elsewhere, or reject it and send it back."""
    order = _locked(order, based_on)
    text = _require_text(reason, "reason", _("Give the reason for the decision."))
    action = Action.ARBITRATE_REDISPATCH if accept else Action.ARBITRATE_REJECT
    check_transition(order=order, action=action, by=by)
    moment = at or timezone.now()
    returned = _lead_assignment(order, [AssignmentStatus.RETURNED])
    if accept:
        assisting = _validate_departments(
            lead_department, assisting_departments, missing_lead=_("Choose the department to re-dispatch to.")
        )
        if returned is not None and lead_department.pk == returned.department_id:
            raise InvalidInput(
                _("Re-dispatch to a different department, or reject the return instead."), field="lead_department"
            )
        _assign(order, lead_department, assisting, moment, action)
        _start_deadlines(order, moment)
        changes = {
            "lead_department": [str(returned.department) if returned else "", str(lead_department)],
            "assisting_departments": ["", [str(d) for d in assisting]],
        }
    else:
        if returned is None:
            raise InvalidTransition(_("There is no returned assignment to send back."))
        _move_assignment(returned, Action.ARBITRATE_REJECT, returned_at=None)
        changes = {"lead_department": [str(returned.department), str(returned.department)]}
    workorder_transition(order=order, action=action, by=by, reason=text, changes=changes, at=moment)
    return order


# --- extensions, supervision, reminders ------------------------------------------------------------------


@transaction.atomic
def extension_request(
    *, order: WorkOrder, by: User, working_days: int, reason: str, based_on: int | None = None
) -> ExtensionRequest:
    order = _locked(order, based_on)
    if not 1 <= working_days <= MAX_EXTENSION_DAYS:
        raise InvalidInput(
            _("Ask for between 1 and %(max)s working days.") % {"max": MAX_EXTENSION_DAYS}, field="working_days"
        )
    text = _require_text(reason, "reason", _("Explain why more time is needed."))
    assignment = _officer_assignment(order, by, AssignmentRole.LEAD, Action.REQUEST_EXTENSION)
    if order.extension_requests.filter(status=ExtensionStatus.PENDING).exists():
        raise InvalidTransition(_("An extension request for this order is already waiting for a decision."))
    request = ExtensionRequest.objects.create(
        order=order, department=assignment.department, working_days=working_days, reason=text, requested_by=by
    )
    workorder_transition(
        order=order,
        action=Action.REQUEST_EXTENSION,
        by=by,
        assignment=assignment,
        reason=text,
        changes={"working_days": ["", working_days]},
    )
    return request


@transaction.atomic
def extension_decide(
    *, request: ExtensionRequest, by: User, approve: bool, note: str = "", based_on: int | None = None
) -> ExtensionRequest:
    """A manager approves (deadline moves by the requested working days) or rejects an extension."""
    order = _locked(request.order, based_on)
    request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ExtensionStatus.PENDING:
        raise InvalidTransition(_("This extension request has already been decided."))
    action = Action.APPROVE_EXTENSION if approve else Action.REJECT_EXTENSION
    check_transition(order=order, action=action, by=by)
    changes: dict[str, list[Any]] = {}
    if approve:
        old_due = order.resolve_due_at
        calendar = selectors.work_calendar()
        order.resolve_due_at = holiday_calendar.extended_deadline(calendar, old_due, request.working_days)
        holiday_calendar.flag_if_beyond_calendar(calendar, order.resolve_due_at, order=order, what="extended deadline")
        if order.resolve_due_at > timezone.now():
            order.deadline_stage = DeadlineStage.ON_TIME
        changes["resolve_due_at"] = [_iso(old_due), _iso(order.resolve_due_at)]
    request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    request.decided_by, request.decided_at, request.decision_note = by, timezone.now(), note
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    workorder_transition(order=order, action=action, by=by, reason=note, changes=changes)
    return request


def _withdraw_pending_extension(order: WorkOrder, at: datetime) -> None:
    """A reply or return ends the handling the extension was asked for; the request needs no decision."""
    order.extension_requests.filter(status=ExtensionStatus.PENDING).update(
        status=ExtensionStatus.WITHDRAWN, decided_at=at
    )


def _iso(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


@transaction.atomic
def workorder_supervise(*, order: WorkOrder, by: User, reason: str, based_on: int | None = None) -> WorkOrder:
    """Put an order under supervision (督办): it is flagged on every list until closed."""
    order = _locked(order, based_on)
    text = _require_text(reason, "reason", _("Give the reason for supervision."))
    check_transition(order=order, action=Action.SUPERVISE, by=by)
    changes = {} if order.is_supervised else {"is_supervised": [False, True]}
    order.is_supervised = True
    workorder_transition(order=order, action=Action.SUPERVISE, by=by, reason=text, changes=changes)
    return order


@transaction.atomic
def workorder_remind(
    *, order: WorkOrder, by: User | None, reason: str, reason_code: str = "manual", based_on: int | None = None
) -> WorkOrder:
    """Record a reminder (催办) to the handling department."""
    order = _locked(order, based_on)
    text = _require_text(reason, "reason", _("Write what the reminder says."))
    workorder_transition(order=order, action=Action.REMIND, by=by, reason=text, reason_code=reason_code)
    return order


def workorders_record_deadline_reminders(*, now: datetime | None = None) -> dict[str, int]:
    """Record reminders for orders not signed in time, due soon, or overdue (each once per handling cycle).

    Run by a periodic task; each order is handled in its own short transaction, so one failure does not
    hold back the rest. Returns how many orders got each kind of event."""
    moment = now or timezone.now()
    due_soon_hours = settings.HOTLINE["DUE_SOON_HOURS"]
    stages = [
        (
            DeadlineStage.SIGN_OVERDUE,
            Action.REMIND,
            WorkOrder.objects.filter(
                status=Status.DISPATCHED, sign_due_at__lt=moment, deadline_stage=DeadlineStage.ON_TIME
            ),
            _("Not signed within the time limit; please sign now."),
        ),
        (
            DeadlineStage.DUE_SOON,
            Action.REMIND,
            WorkOrder.objects.filter(selectors.due_soon_q(moment, due_soon_hours)).filter(
                deadline_stage__in=[DeadlineStage.ON_TIME, DeadlineStage.SIGN_OVERDUE]
            ),
            _("The resolve deadline is near; please reply in time."),
        ),
        (
            DeadlineStage.OVERDUE,
            Action.MARK_OVERDUE,
            WorkOrder.objects.filter(status__in=OPEN_STATUSES, resolve_due_at__lt=moment).exclude(
                deadline_stage=DeadlineStage.OVERDUE
            ),
            _("The resolve deadline has passed."),
        ),
    ]
    counts: dict[str, int] = {}
    for stage, action, queryset, message in stages:
        counts[stage.value] = 0
        for order_id in list(queryset.values_list("pk", flat=True)):
            with transaction.atomic():
                order = WorkOrder.objects.select_for_update().get(pk=order_id)
                if order.deadline_stage == stage or order.status not in rule_for(action).from_statuses:
                    continue
                order.deadline_stage = stage
                workorder_transition(order=order, action=action, by=None, reason=message, reason_code=stage, at=moment)
                counts[stage.value] += 1
    return counts


# --- callback and closing --------------------------------------------------------------------------------


@transaction.atomic
def callback_record(
    *,
    order: WorkOrder,
    by: User,
    satisfaction: str,
    resolved: bool,
    comment: str = "",
    at: datetime | None = None,
    based_on: int | None = None,
) -> Callback:
    """Record the citizen's verdict (回访). A dissatisfied citizen reopens the order (重办)."""
    order = _locked(order, based_on)
    if satisfaction not in Satisfaction.values:
        raise InvalidInput(_("Choose satisfied, basically satisfied or dissatisfied."), field="satisfaction")
    check_transition(order=order, action=Action.CALLBACK, by=by)
    moment = at or timezone.now()
    callback = Callback.objects.create(
        order=order, satisfaction=satisfaction, resolved=resolved, comment=comment, recorded_by=by, created_at=moment
    )
    workorder_transition(
        order=order,
        action=Action.CALLBACK,
        by=by,
        reason=comment,
        reason_code=satisfaction,
        changes={"satisfaction": ["", satisfaction], "resolved": ["", resolved]},
        at=moment,
    )
    if satisfaction == Satisfaction.DISSATISFIED:
        _reopen(order, by=by, at=moment)
    return callback


def _reopen(order: WorkOrder, *, by: User, at: datetime) -> None:
    """Send the order back to the same departments for another round of handling, with new deadlines."""
    check_transition(order=order, action=Action.REOPEN, by=by)
    _move_assignments(order, Action.REOPEN, signed_at=None, signed_by=None, replied_at=None)
    order.reopen_count += 1
    order.replied_at = None
    _start_deadlines(order, at)
    workorder_transition(
        order=order,
        action=Action.REOPEN,
        by=by,
        reason=_("The citizen was not satisfied; the order goes back to the department."),
        changes={"reopen_count": [order.reopen_count - 1, order.reopen_count]},
        at=at,
    )


@transaction.atomic
def workorder_close(
    *, order: WorkOrder, by: User, note: str = "", at: datetime | None = None, based_on: int | None = None
) -> WorkOrder:
    """Archive a called-back order (办结归档)."""
    order = _locked(order, based_on)
    check_transition(order=order, action=Action.CLOSE, by=by)
    moment = at or timezone.now()
    order.closed_at = moment
    workorder_transition(order=order, action=Action.CLOSE, by=by, reason=note, at=moment)
    return order


# --- the desk: claims (认领) and repeat calls (催办) ----------------------------------------------------------


def _take_claim(order_id: int, by: User, moment: datetime) -> tuple[OrderClaim | None, bool]:
    """Take or keep ``by``'s claim on the order unless another operator holds it: (the claim, whether it is new),
    or (None, False) when someone else has it. Each write is conditional on what was read (compare and swap), so
    two operators never both get an order, also where rows are not locked (SQLite)."""
    current = OrderClaim.objects.filter(order_id=order_id).first()
    if current is None:
        try:
            with transaction.atomic():
                return OrderClaim.objects.create(order_id=order_id, user=by, claimed_at=moment, active_at=moment), True
        except IntegrityError:  # another operator's claim was written first
            return None, False
    if current.user_id == by.pk:
        OrderClaim.objects.filter(order_id=order_id, user=by).update(active_at=moment)
        current.active_at = moment
        return current, False
    if current.held_at(moment):
        return None, False
    taken = OrderClaim.objects.filter(order_id=order_id, user_id=current.user_id, active_at=current.active_at).update(
        user=by, claimed_at=moment, active_at=moment
    )
    if not taken:
        return None, False
    return OrderClaim(order_id=order_id, user=by, claimed_at=moment, active_at=moment), True


def _claimed(order_id: int, by: User, moment: datetime, status: str = Status.DRAFT) -> None:
    """A new claim: the operator's other claims are released (one order at a time) and the claim is recorded as
    an event on the order. Not a change of the order: its row, version and fields are left as they are."""
    OrderClaim.objects.filter(user=by).exclude(order_id=order_id).delete()
    version = WorkOrder.objects.filter(pk=order_id).values_list("version", flat=True).first()
    WorkOrderEvent.objects.create(
        order_id=order_id,
        action=Action.CLAIM,
        from_status=status,
        to_status=status,
        actor=by,
        actor_role=permissions.role_of(by),
        version=version,
        created_at=moment,
    )


@transaction.atomic
def workorder_claim(*, order: WorkOrder, by: User, at: datetime | None = None) -> OrderClaim | None:
    """An operator opens or works on an order awaiting dispatch: it is theirs (认领) until they dispatch it, take
    another or go back to the queue, or ``HOTLINE["CLAIM_MINUTES"]`` pass without activity. An order another
    operator holds stays theirs. Returns the claim holding the order afterwards (None if it was just released)."""
    check_transition(order=order, action=Action.CLAIM, by=by)
    if not permissions.may_claim_order(by, order):
        raise ActionNotPermitted(_("This order is not yours to take."))
    moment = at or timezone.now()
    claim, new = _take_claim(order.pk, by, moment)
    if claim is None:
        return selectors.claim_of(order)
    if new:
        _claimed(order.pk, by, moment, status=order.status)
    return claim


@transaction.atomic
def workorder_release_claim(*, order: WorkOrder, by: User) -> bool:
    """The operator leaves the order (back to the queue): it is free for others. Whether they held it."""
    return OrderClaim.objects.filter(order_id=order.pk, user=by).delete()[0] > 0


def workorder_claim_next(*, by: User, at: datetime | None = None) -> WorkOrder | None:
    """The next order for the operator (下一单): the first of the queue's order (risk, then the longest waiting)
    that nobody holds, claimed for them; their other claim is released. None when nothing is left.

    Two operators asking at once get different orders: on PostgreSQL the candidate row is locked and the other
    request skips it (``skip_locked``), and the claim itself is taken by compare and swap."""
    if not permissions.may_claim(by):
        raise ActionNotPermitted(_("Your role may not do this: %(action)s.") % {"action": Action.CLAIM.label})
    moment = at or timezone.now()
    passed: list[int] = []
    while True:
        with transaction.atomic():
            candidate = (
                selectors.desk_queue(by)
                .filter(selectors.claimable_q(by, moment))
                .exclude(claim__user=by)  # "next" moves on from the order the operator holds
                .exclude(pk__in=passed)
                .select_for_update(skip_locked=True, of=("self",))
                .values_list("pk", flat=True)
                .first()
            )
            if candidate is None:
                return None
            claim, new = _take_claim(candidate, by, moment)
            if claim is not None:
                if new:
                    _claimed(candidate, by, moment)
                return WorkOrder.objects.get(pk=candidate)
        passed.append(candidate)


def workorder_claim_next_in_inbox(*, by: User, at: datetime | None = None) -> WorkOrder | None:
    """An officer's next order (下一单) from their department's inbox: the first of the inbox's order (to sign by the
    sign deadline, then in hand by the resolve deadline) that their subtree leads and nobody else holds, claimed
    for them; their other claim is released. None when nothing is left. Two officers asking at once get different
    orders, as at the desk (``workorder_claim_next``)."""
    if not (permissions.may_use_inbox(by) and permissions.may_take(by, Action.CLAIM)):
        raise ActionNotPermitted(_("Your role may not do this: %(action)s.") % {"action": Action.CLAIM.label})
    moment = at or timezone.now()
    passed: list[int] = []
    while True:
        with transaction.atomic():
            row = (
                selectors.inbox_next_candidates(by, moment)
                .exclude(claim__user=by)  # "next" moves on from the order the officer holds
                .exclude(pk__in=passed)
                .select_for_update(skip_locked=True, of=("self",))
                .values_list("pk", "status")
                .first()
            )
            if row is None:
                return None
            candidate, status = row
            claim, new = _take_claim(candidate, by, moment)
            if claim is not None:
                if new:
                    _claimed(candidate, by, moment, status=status)
                return WorkOrder.objects.get(pk=candidate)
        passed.append(candidate)


@transaction.atomic
def workorder_attach_as_reminder(
    *, order: WorkOrder, into: WorkOrder, by: User, based_on: int | None = None
) -> WorkOrder:
    """A repeat call about an open order: recorded on that order as the citizen's reminder (催办, reason code
    ``citizen``) and the call's own order, awaiting dispatch, merged into it instead of going out as a new order.
    Only into an open order of the same caller; both or neither. Returns the order reminded."""
    if not selectors.orders_of_caller(order, by).filter(pk=into.pk).exists():
        raise InvalidInput(_("Attach the call to an open order of the same caller."), field="into")
    call = _locked(order, based_on)
    words = call.title or call.text_for_models
    reason = _("The citizen called again about this order (call %(number)s): %(words)s") % {
        "number": call.number,
        "words": words[:200],
    }
    workorder_merge(order=call, into=into, by=by, reason=reason)
    reminded = workorder_remind(order=into, by=by, reason=reason, reason_code=CITIZEN_REMINDER)
    OrderClaim.objects.filter(order_id=call.pk).delete()
    return reminded
