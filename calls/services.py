"""Live calls: the telephony platform opens a call, the ASR engine streams its turns, and the call is ended.

- ``live_call_open``: idempotent by the telephony's call id.
- ``live_call_add_turn``: a partial or final hypothesis of one utterance (``seq``). Partials replace each other
  until the final one; a final sent again, or a partial arriving after its final, changes nothing; turns are read
  in the order they were spoken. The call's first words create its draft order (the desk's 待派单), taken by the
  operator on the call. Every final turn that changes what was said queues the call's analysis, at most one at a
  time: a run reads every turn that has arrived by then (the debounce), so a burst of turns costs one run. Partial
  hypotheses are shown at once and read by the next run (they come several times a second).
- ``live_call_analyse`` (a task: ``calls.tasks.analyse_live_call``, or a thread of the web process without a
  broker, never the web request): the risk check on everything said so far, partials included, and, when a final
  turn is new, the whole triage of the conversation so far, which the draft order's fields take, except those an
  operator has touched (``workorders.services.workorder_apply_live_triage``).
- ``live_call_close`` (hang-up, or the sweep after ``LIVE_CALLS["SILENCE_SECONDS"]`` of silence): the last
  analysis reads the whole transcript, then it is handed to the intake as a submission for the same order
  (``hotline.services.submission_receive_for_order``) and analysed exactly as a transcript posted at hang-up.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, OperationalError, close_old_connections, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from calls.models import CallStatus, CallTurn, CloseReason, LiveCall
from calls.turns import TurnIn
from hotline import selectors as hotline_selectors
from hotline.publish import publish
from hotline.services import IntakeRequest, Turn, classical_sources, submission_receive_for_order
from triage import normalise
from triage.live import dialogue_text, risk_of_dialogue
from triage.safety import SafetyAssessment
from workorders import permissions
from workorders.choices import Action, Channel, Status
from workorders.dispatch_catalogue import department_guess
from workorders.errors import ActionNotPermitted, Conflict, InvalidInput, InvalidTransition
from workorders.services import workorder_apply_live_triage, workorder_claim, workorder_create_draft
from workorders.triage_record import SafetyRecord, TriageRecord

logger = logging.getLogger(__name__)

LOCKED_RETRIES = 5  # SQLite's "database is locked" (see _retried_when_locked)

# The order fields the live analysis fills in (those intake triage fills; the appeal is the transcript itself).
LIVE_FIELDS = (
    "title",
    "summary",
    "request_type",
    "urgency",
    "emotion",
    "is_priority",
    "category",
    "area",
    "address",
)


@dataclass(frozen=True)
class OpenOutcome:
    call: LiveCall
    created: bool


@dataclass(frozen=True)
class TurnOutcome:
    call: LiveCall
    changed: bool  # False: a repeat, or a partial that came after its final


# --- opening, turns, closing ------------------------------------------------------------------------------


def _retried_when_locked(function: Callable[..., Any]) -> Callable[..., Any]:
    """SQLite (the one-server install) answers a write that meets another thread's write with "database is
    locked" once its wait runs out, and at once in the tests' shared in-memory database: a turn is too much of a
    stream to refuse for that. The write is retried a few times; each attempt is its own transaction, so only when
    not inside another one."""

    @functools.wraps(function)
    def retried(*args: Any, **kwargs: Any) -> Any:
        for attempt in range(LOCKED_RETRIES + 1):
            try:
                return function(*args, **kwargs)
            except OperationalError as exc:
                if attempt == LOCKED_RETRIES or "locked" not in str(exc) or connection.in_atomic_block:
                    raise
                time.sleep(0.02 * 2**attempt)
        raise AssertionError("unreachable")

    return retried


@_retried_when_locked
def live_call_open(
    *, call_id: str, caller_phone: str = "", operator: User | None = None, by: User | None, at: datetime | None = None
) -> OpenOutcome:
    """Open a call (idempotent: the same call id again returns it). ``operator`` is who takes the call: the order
    is theirs on the desk, and their screen follows the call."""
    if operator is not None and not permissions.may_enter_calls(operator):
        raise InvalidInput(_("%(user)s does not take calls.") % {"user": operator}, field="operator")
    moment = at or timezone.now()
    try:
        with transaction.atomic():
            call = LiveCall.objects.create(
                call_id=call_id,
                caller_phone=caller_phone,
                operator=operator,
                opened_by=by,
                opened_at=moment,
                last_activity_at=moment,
            )
    except IntegrityError:
        call = LiveCall.objects.select_related("order").filter(call_id=call_id).first()
        if call is None:
            raise
        if caller_phone and call.caller_phone and caller_phone != call.caller_phone:
            raise Conflict(
                _("Call %(call)s was already opened with another caller phone; a new call needs a new call id.")
                % {"call": call_id},
                field="call_id",
            ) from None
        return OpenOutcome(call, created=False)
    return OpenOutcome(call, created=True)


@_retried_when_locked
def live_call_add_turn(*, call: LiveCall, turn: TurnIn, at: datetime | None = None) -> TurnOutcome:
    """Add or replace one utterance of a call that is still going on (see the module's docstring)."""
    moment = at or timezone.now()
    with transaction.atomic():
        # the caller's phone is read (decrypted) only for the order of the first words
        call = LiveCall.objects.select_for_update().defer("caller_phone").get(pk=call.pk)
        if not call.is_open:
            raise InvalidTransition(
                _("Call %(call)s ended at %(time)s; it takes no more turns.")
                % {"call": call.call_id, "time": timezone.localtime(call.closed_at).strftime("%H:%M:%S")}
            )
        existing = CallTurn.objects.filter(call=call, seq=turn.seq).first()
        start_ms = _ms(turn.start)
        end_ms = _ms(turn.end)
        text = turn.text.strip()
        if existing is not None:
            late_partial = existing.is_final and not turn.final
            same = (existing.speaker, existing.text, existing.start_ms, existing.end_ms, existing.is_final) == (
                turn.speaker,
                text,
                start_ms,
                end_ms,
                turn.final,
            )
            if late_partial or same:
                return TurnOutcome(call, changed=False)
        elif CallTurn.objects.filter(call=call).count() >= settings.HOTLINE["MAX_TURNS"]:
            raise InvalidInput(
                _("A call takes at most %(max)s turns.") % {"max": settings.HOTLINE["MAX_TURNS"]}, field="seq"
            )
        call.revision += 1
        if turn.final:
            call.turns_revision += 1  # what the analysis reads has changed (a partial waits for a final turn)
        call.last_activity_at = moment
        values = {
            "speaker": turn.speaker,
            "text": text,
            "start_ms": start_ms,
            "end_ms": end_ms,
            "is_final": turn.final,
            "revision": call.revision,
            "received_at": moment,
        }
        if existing is None:
            CallTurn.objects.create(call=call, seq=turn.seq, **values)
        else:
            for name, value in values.items():
                setattr(existing, name, value)
            existing.save()
        if call.order_id is None and text:
            call.order = _create_order(call, first=normalise.Turn(turn.speaker, text))
        queued = turn.final and _mark_queued(call, moment)
        call.save(update_fields=["revision", "turns_revision", "last_activity_at", "order", "analysis_queued_at"])
    if queued:
        transaction.on_commit(lambda: queue_live_analysis(call.pk))
    return TurnOutcome(call, changed=True)


def _ms(seconds: float | None) -> int | None:
    return None if seconds is None else round(seconds * 1000)


def _create_order(call: LiveCall, *, first: normalise.Turn) -> Any:
    """The call's draft order, from its first words; the operator on the call holds it at the desk."""
    order = workorder_create_draft(
        appeal=dialogue_text([first]), channel=Channel.PHONE, caller_phone=call.caller_phone, at=call.opened_at
    )
    if call.operator is not None:
        try:
            workorder_claim(order=order, by=call.operator)
        except ActionNotPermitted:
            logger.warning("live call %s: operator %s may not take its order", call.call_id, call.operator_id)
    return order


def _mark_queued(call: LiveCall, moment: datetime) -> bool:
    """Whether this change must queue an analysis: none is queued, or the one queued was lost."""
    stall = timedelta(seconds=settings.LIVE_CALLS["ANALYSIS_STALL_SECONDS"])
    if call.analysis_queued_at is not None and call.analysis_queued_at > moment - stall:
        return False
    call.analysis_queued_at = moment
    return True


@_retried_when_locked
def live_call_close(
    *, call: LiveCall, by: User | None, reason: str = CloseReason.HUNG_UP, at: datetime | None = None
) -> LiveCall:
    """End a call (idempotent). Its last analysis reads the whole transcript and hands it to the intake."""
    moment = at or timezone.now()
    with transaction.atomic():
        call = LiveCall.objects.select_for_update().get(pk=call.pk)
        if not call.is_open:
            return call
        call.status = CallStatus.CLOSED
        call.close_reason = reason
        call.closed_at = moment
        call.revision += 1
        call.turns_revision += 1  # partial hypotheses left unfinished now count as said
        if call.order_id is None:
            call.final_analysis_done = True  # nothing was said: no order
            call.save()
            return call
        call.analysis_queued_at = moment
        call.save()
    transaction.on_commit(lambda: queue_live_analysis(call.pk))
    return call


def live_calls_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """End the calls silent for ``LIVE_CALLS["SILENCE_SECONDS"]`` (the telephony never said they ended), and queue
    again the analyses that were lost (a restart, a lost message, a failure)."""
    now = now or timezone.now()
    silence = timedelta(seconds=settings.LIVE_CALLS["SILENCE_SECONDS"])
    silent = list(LiveCall.objects.filter(status=CallStatus.OPEN, last_activity_at__lt=now - silence))
    for call in silent:
        live_call_close(call=call, by=None, reason=CloseReason.SILENCE, at=now)
    stall = timedelta(seconds=settings.LIVE_CALLS["ANALYSIS_STALL_SECONDS"])
    behind = (
        Q(status=CallStatus.OPEN, analysed_revision__lt=F("turns_revision"))
        | Q(status=CallStatus.CLOSED, final_analysis_done=False, closed_at__gt=now - timedelta(days=1))
    ) & (Q(analysis_queued_at__isnull=True) | Q(analysis_queued_at__lt=now - stall))
    lost = list(LiveCall.objects.filter(behind).values_list("pk", flat=True)[:500])
    LiveCall.objects.filter(pk__in=lost).update(analysis_queued_at=now)
    for call_pk in lost:
        queue_live_analysis(call_pk)
    return {"closed": len(silent), "requeued": len(lost)}


# --- the analysis ----------------------------------------------------------------------------------------------


def queue_live_analysis(call_pk: int) -> None:
    """Hand the call's analysis to the task boundary intake uses: a background thread without a broker (never the
    web request), the triage queue with one (through the publisher thread, so a hung broker holds up nobody)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        _submit(call_pk)
        return
    from calls.tasks import analyse_live_call

    publish(lambda: analyse_live_call.delay(call_pk), what=f"analysis of live call {call_pk}")


_lock = threading.Lock()
_background: dict[str, Any] = {"pool": None, "futures": set()}


def _submit(call_pk: int) -> None:
    with _lock:
        if _background["pool"] is None:
            _background["pool"] = ThreadPoolExecutor(settings.LIVE_CALLS["THREADS"], thread_name_prefix="live-call")
        future: Future[None] = _background["pool"].submit(_run_in_thread, call_pk)
        _background["futures"].add(future)
    future.add_done_callback(_forget)


def _forget(future: Future[None]) -> None:
    with _lock:
        _background["futures"].discard(future)


def _run_in_thread(call_pk: int) -> None:
    for attempt in range(LOCKED_RETRIES + 1):
        try:
            live_call_analyse(call_pk=call_pk)
            return
        except OperationalError as exc:  # SQLite's lock, held by a web thread a moment: the run is idempotent
            if attempt == LOCKED_RETRIES or "locked" not in str(exc):
                logger.exception("analysis of live call %s failed", call_pk)
                return
            time.sleep(0.05 * 2**attempt)
        except Exception:  # the analysis stays due: the next turn or the sweep queues it again
            logger.exception("analysis of live call %s failed", call_pk)
            return
        finally:
            close_old_connections()


def wait_for_live_analyses(timeout: float = 30.0) -> bool:
    """Block until the in-process analyses queued so far are done (tests, the replay command, benchmarks)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with _lock:
            if not _background["futures"]:
                return True
        time.sleep(0.01)
    return False


@dataclass(frozen=True)
class _Snapshot:
    turns_revision: int
    closed: bool
    said: list[normalise.Turn]  # every utterance with words, partial hypotheses included, as spoken
    final: list[CallTurn]  # the final ones (all, once the call has ended)


def live_call_analyse(*, call_pk: int) -> str:
    """One run of a call's analysis: reads the turns that have arrived, computes without holding a lock, and
    writes what it found unless a newer run already has. Returns what it did."""
    snapshot = _take_snapshot(call_pk)
    if snapshot is None:
        return "up to date"
    call = LiveCall.objects.select_related("order").get(pk=call_pk)
    order = call.order
    if order is None:
        return "no words yet"
    final_turns = [normalise.Turn(t.speaker, t.text) for t in snapshot.final]
    triage = None
    if final_turns and order.status == Status.DRAFT:
        triage = _triage(order, final_turns)
    partial = len(snapshot.said) != len(snapshot.final)
    risk = triage[2] if triage is not None and not partial else risk_of_dialogue(snapshot.said)
    now = timezone.now()
    with transaction.atomic():
        call = LiveCall.objects.select_for_update(of=("self",)).select_related("order").get(pk=call_pk)
        if snapshot.turns_revision < call.analysed_revision:
            return "superseded"
        visible = False
        if triage is not None:
            fields, record, _safety = triage
            outcome = workorder_apply_live_triage(
                order=call.order,
                fields=fields,
                text={"appeal": dialogue_text(final_turns), "appeal_masked": record.masked_appeal},
                record=record,
            )
            stamp = now.isoformat()
            call.field_changed_at = {**call.field_changed_at, **dict.fromkeys(outcome.changed, stamp)}
            call.analysed_finals = len(snapshot.final)
            visible = True
        risk_json = SafetyRecord.from_json(risk.as_dict()).to_json()
        if risk_json != call.risk:
            at_risk = SafetyRecord.from_json(risk_json).at_risk
            if at_risk and not SafetyRecord.from_json(call.risk).at_risk:
                call.risk_raised_at = now
            elif not at_risk:
                call.risk_raised_at = None
            call.risk = risk_json
            visible = True
        call.analysed_revision = snapshot.turns_revision
        call.analysed_at = now
        if visible:
            call.revision += 1
        handover = snapshot.closed and not call.final_analysis_done
        if handover:
            call.final_analysis_done = True
        call.save()
        if handover:
            _hand_to_intake(call, snapshot.final)
    return "closed and handed to intake" if handover else "analysed"


def _take_snapshot(call_pk: int) -> _Snapshot | None:
    with transaction.atomic():
        call = LiveCall.objects.select_for_update().get(pk=call_pk)
        call.analysis_queued_at = None  # from now on a new turn queues the next run
        call.save(update_fields=["analysis_queued_at"])
        closed = not call.is_open
        if call.analysed_revision >= call.turns_revision and (not closed or call.final_analysis_done):
            return None
        turns = sorted((t for t in call.turns.all() if t.text), key=CallTurn.sort_key)
        revision = call.turns_revision
    said = [normalise.Turn(t.speaker, t.text) for t in turns]
    final = [t for t in turns if t.is_final or closed]
    return _Snapshot(revision, closed, said, final)


def _triage(order: Any, turns: list[normalise.Turn]) -> tuple[dict[str, Any], TriageRecord, SafetyAssessment]:
    """The intake's triage of the conversation so far: the order's fields, the record kept on it, the risk."""
    reference = hotline_selectors.current_reference()
    # the operator's own title stands (as a sender's title does at intake); triage's is recomputed
    title_hint = order.title if "title" in set(order.confirmed_fields or ()) else ""
    result = reference.pipeline.run(dialogue_text(turns), turns=turns, title_hint=title_hint)
    category = reference.categories.get(result.category.value) if result.category.value else None
    area = reference.areas.get(result.area.value) if result.area.value else None
    department = department_guess(
        result,
        category=category,
        area=area,
        categories=reference.categories,
        rules=reference.dispatch_rules,
    )
    fields = {
        "title": result.title,
        "summary": result.summary,
        "request_type": result.request_type.value,
        "urgency": result.urgency.value,
        "emotion": result.emotion.value,
        "is_priority": result.priority,
        "category": category,
        "area": area,
        "address": result.address,
    }
    record = TriageRecord.from_result(result, department=department.guess, sources=classical_sources(result))
    safety = result.safety
    assessment = SafetyAssessment(
        urgency=result.urgency,
        kind=safety.get("kind"),
        self_harm=bool(safety.get("self_harm")),
        triggers=tuple(safety.get("triggers") or ()),
    )
    return fields, record, assessment


def _hand_to_intake(call: LiveCall, final: list[CallTurn]) -> None:
    """The whole transcript to the intake, as a transcript posted at hang-up would arrive."""
    turns = [
        {
            "speaker": t.speaker,
            "text": t.text,
            **({"start": t.start_ms / 1000} if t.start_ms is not None else {}),
            **({"end": t.end_ms / 1000} if t.end_ms is not None else {}),
        }
        for t in final
    ]
    payload: dict[str, Any] = {"channel": Channel.PHONE.value, "sender_id": call.call_id, "turns": turns}
    if call.caller_phone:
        payload["caller_phone"] = call.caller_phone
    request = IntakeRequest(
        channel=Channel.PHONE,
        sender_id=call.call_id,
        turns=tuple(Turn(t["speaker"], t["text"], t.get("start"), t.get("end")) for t in turns),
        caller_phone=call.caller_phone,
        received_at=call.closed_at,
        raw_body=json.dumps(payload, ensure_ascii=False),
        content_type="application/json",
        payload=payload,
    )
    submission_receive_for_order(request=request, order=call.order, by=call.opened_by)


def live_call_correct_field(*, call: LiveCall, by: User, field: str, value: Any) -> Any:
    """An operator corrects one field of the call's order: it is theirs from now on, the live analysis leaves it."""
    from workorders.services import workorder_update

    if call.order_id is None:
        raise InvalidTransition(_("The call has no order yet."))
    if not permissions.may_take(by, Action.EDIT):
        raise ActionNotPermitted(_("Your role may not edit orders."))
    # no version: the live analysis moves it every few seconds, and never touches a field an operator set
    order = workorder_update(order=call.order, by=by, **{field: value})
    LiveCall.objects.filter(pk=call.pk).update(revision=F("revision") + 1)
    return order
