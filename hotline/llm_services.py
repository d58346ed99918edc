"""Enriching orders with the LLM, after the classical triage and never in the way of intake.

Intake stores the order and the classical triage fills it. In the same transaction the order records its LLM
draft as ``pending`` (the version it was asked for, and when); once that is committed the draft is queued: a
background thread in in-process mode, the ``llm`` Celery queue with a real broker. So the state lives in the
database, not in a queue in memory: a draft whose task was lost (a restart, a lost message) is still seen as
pending, and the periodic sweep queues it again, or gives it up with the reason once the order has left the desk
or waited too long.

A run of the draft is idempotent: it does nothing unless the draft is still pending for the version it was
asked for. It hands a valid answer to the draft policy (``workorders.services.workorder_apply_llm_draft``); an
endpoint that is down, slow, busy or paused is tried again with backoff a bounded number of times, and then the
order records ``failed`` with the reason. Every order ends with a draft state: applied, suggested, accepted,
dismissed, stale, late, skipped, invalid, failed, over_budget or expired, each with its reason where the draft
was not used. The classical values stand in all of them but applied and accepted.

Every call to the endpoint is logged (``LlmCall``, through ``DatabaseMeter``): the hour's budget of calls and
tokens is counted from it across processes, and the health page reads it.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline import selectors
from hotline.models import LlmCall
from hotline.publish import publish
from triage.llm.client import (
    BreakerState,
    CallRecord,
    LlmClient,
    LlmConfig,
    LlmError,
    LlmInvalid,
    LlmOverBudget,
    LlmReply,
    config_from_options,
    shared_client,
)
from triage.llm.drafting import (
    CategoryOption,
    DraftRequest,
    check_draft,
    draft_messages,
    draft_output_schema,
    repair_messages,
)
from triage.llm.prompts import load_prompt
from workorders.choices import RequestType, Status
from workorders.models import Category, WorkOrder
from workorders.services import workorder_apply_llm_draft, workorder_mark_llm_pending, workorder_record_llm_outcome
from workorders.triage_record import FieldSource, LlmRecord

logger = logging.getLogger(__name__)

PENDING = "pending"
LLM_QUEUED = "queued"


def llm_config() -> LlmConfig | None:
    return config_from_options(settings.LLM)


def llm_client() -> LlmClient | None:
    """The process's client (it keeps the circuit breaker's state), or None without an LLM."""
    return shared_client(llm_config())


def llm_availability() -> LlmRecord | None:
    """None without an LLM; otherwise whether a draft should be asked for (status ``queued``), or why not (its
    circuit is open: the endpoint keeps failing, so the order is not even queued and intake does no extra work)."""
    client = llm_client()
    if client is None:
        return None
    if client.breaker.is_open:
        return LlmRecord(
            "skipped", reason=_("Not asked: calls to the LLM are paused because the endpoint failed repeatedly.")
        )
    return LlmRecord(LLM_QUEUED)


# --- the budget and the call log ---------------------------------------------------------------------------


class DatabaseMeter:
    """The client's meter (``triage.llm.client.Meter``): every call is a row of ``LlmCall``, and the hour's
    budget is counted from the rows, so every web process and worker shares it. Calls already in flight when the
    budget runs out still finish: it can be exceeded by at most LLM_MAX_CONCURRENCY calls per process."""

    def admit(self, purpose: str) -> str | None:
        max_calls, max_tokens = settings.LLM["MAX_CALLS_PER_HOUR"], settings.LLM["MAX_TOKENS_PER_HOUR"]
        if not max_calls and not max_tokens:
            return None
        calls, tokens = selectors.llm_usage_since(timezone.now() - timedelta(hours=1))
        if max_calls and calls >= max_calls:
            return _("The hour's budget of %(budget)s LLM calls is spent (%(used)s in the last hour).") % {
                "budget": max_calls,
                "used": calls,
            }
        if max_tokens and tokens >= max_tokens:
            return _("The hour's budget of %(budget)s LLM tokens is spent (%(used)s in the last hour).") % {
                "budget": max_tokens,
                "used": tokens,
            }
        return None

    def record(self, call: CallRecord) -> None:
        LlmCall.objects.create(
            purpose=call.purpose,
            status=call.status,
            latency_ms=call.latency_ms,
            prompt_tokens=call.prompt_tokens,
            completion_tokens=call.completion_tokens,
            model=call.model[:128],
            detail=call.detail[:200],
        )


# --- asking for a draft: recorded in the database, then queued ----------------------------------------------


def llm_draft_request(order: WorkOrder) -> WorkOrder:
    """Ask for the LLM's draft of an order triage has just filled, inside triage's transaction: the order
    records the draft as pending for its current version, and the task is queued once that is committed."""
    order = workorder_mark_llm_pending(order=order, based_on=order.version)
    order_id, based_on = order.pk, order.version
    transaction.on_commit(lambda: queue_llm_draft(order_id, based_on))
    return order


# In-process mode: a pool of threads (intake never waits), retries on timers. Drafts in flight here are known,
# so the sweep of this process does not queue them a second time.
_lock = threading.Lock()
_background: dict[str, Any] = {"pool": None, "futures": set(), "timers": set(), "in_flight": set()}


def queue_llm_draft(order_id: int, based_on: int, *, attempt: int = 1, delay: float = 0.0) -> None:
    """Queue a run of the order's pending draft: a background thread in in-process mode, the ``llm`` queue with
    a real broker. Does nothing without an LLM. If queueing fails the draft stays pending for the sweep."""
    if llm_config() is None:
        return
    if settings.CELERY_TASK_ALWAYS_EAGER:
        _run_in_background(order_id, based_on, attempt, delay)
        return
    from hotline.tasks import llm_draft_order

    # Through the publisher thread: a hung broker never holds up the request; if it is down the order's draft
    # stays pending and the sweep queues it again.
    publish(
        lambda: llm_draft_order.apply_async((order_id, based_on), queue=settings.LLM_QUEUE, countdown=delay or None),
        what=f"LLM draft of order {order_id}",
    )


def _run_in_background(order_id: int, based_on: int, attempt: int, delay: float) -> None:
    with _lock:
        _background["in_flight"].add((order_id, based_on))
        if delay > 0:
            timer = threading.Timer(delay, _submit, (order_id, based_on, attempt))
            timer.daemon = True
            _background["timers"].add(timer)
            timer.start()
            return
    _submit(order_id, based_on, attempt)


def _submit(order_id: int, based_on: int, attempt: int) -> None:
    with _lock:
        _background["timers"].discard(threading.current_thread())
        if _background["pool"] is None:
            _background["pool"] = ThreadPoolExecutor(settings.LLM["MAX_CONCURRENCY"], thread_name_prefix="llm")
        future: Future[None] = _background["pool"].submit(_run_in_thread, order_id, based_on, attempt)
        _background["futures"].add(future)
    future.add_done_callback(_forget_future)


def _forget_future(future: Future[None]) -> None:
    with _lock:
        _background["futures"].discard(future)


def _run_in_thread(order_id: int, based_on: int, attempt: int) -> None:
    run: DraftRun | None = None
    try:
        run = llm_draft_run(order_id=order_id, based_on=based_on, attempt=attempt)
    except Exception:  # the draft stays pending; the sweep queues it again
        logger.exception("LLM draft of order %s failed", order_id)
    finally:
        close_old_connections()
    if run is not None and run.retry_in is not None:
        _run_in_background(order_id, based_on, attempt + 1, run.retry_in)
        return
    with _lock:
        _background["in_flight"].discard((order_id, based_on))


def drafts_in_flight_here() -> set[tuple[int, int]]:
    """(order id, version) of the drafts this process is running or will retry (in-process mode)."""
    with _lock:
        return set(_background["in_flight"])


def wait_for_background_drafts(timeout: float = 30.0) -> bool:
    """Block until the in-process LLM drafts queued so far, and their retries, are done (for tests and
    benchmarks). Returns whether they all finished in time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with _lock:
            if not _background["futures"] and not _background["timers"]:
                return True
        time.sleep(0.02)
    return False


# --- running a draft ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftRun:
    """What one run of a draft left: the draft's state (``done`` when another run had settled it already), and
    when to try again if the endpoint failed in a way worth retrying."""

    status: str
    retry_in: float | None = None


def draft_request(order: WorkOrder) -> DraftRequest:
    """The caller's words and the operator's confirmed facts (masked), and the category candidates triage ranked
    (the LLM may choose only among them)."""
    record = order.triage_record
    candidates = [*record.category.ranked, *record.level1.ranked]
    confidences = {c.value: c.confidence for c in candidates}
    ranked = [c.value for c in candidates]
    paths = dict(Category.objects.filter(pk__in=ranked).values_list("pk", "full_name"))
    options = tuple(
        CategoryOption(pk, paths[pk], confidences.get(pk, 0.0)) for pk in dict.fromkeys(ranked) if pk in paths
    )
    # What the caller said and the operator read back, masked; never the operator's script (record.text), or the
    # whole masked appeal for an order not analysed yet.
    return DraftRequest(text=record.text or order.text_for_models, options=options, places=record.places)


def _is_pending(llm: LlmRecord | None, based_on: int) -> bool:
    return llm is not None and llm.status == PENDING and llm.based_on_version == based_on


def order_draft_with_llm(*, order_id: int, based_on: int | None = None) -> str:
    """Draft an order now, in this thread, once (no retry): for tests and scripts. ``based_on``: the version the
    draft is asked for (by default the order's version now). Returns the draft's state afterwards."""
    order = WorkOrder.objects.get(pk=order_id)
    based_on = order.version if based_on is None else based_on
    if not _is_pending(order.triage_record.llm, based_on):
        workorder_mark_llm_pending(order=order, based_on=based_on)
    return llm_draft_run(order_id=order_id, based_on=based_on, attempt=1, attempts=1).status


def llm_draft_run(*, order_id: int, based_on: int, attempt: int = 1, attempts: int | None = None) -> DraftRun:
    """One run of an order's pending draft (the task's body). Does nothing unless the draft is still pending for
    ``based_on``; asks the LLM only while the order is still on the desk at that version; hands a valid answer to
    the draft policy; records why otherwise. ``attempt`` of ``attempts``: a transient failure before the last
    one leaves the draft pending and asks for another run later (``retry_in``)."""
    attempts = attempts or settings.LLM["DRAFT_ATTEMPTS"]
    order = WorkOrder.objects.filter(pk=order_id).first()
    if order is None:
        return DraftRun("gone")
    pending = order.triage_record.llm
    if not _is_pending(pending, based_on):
        return DraftRun("done")
    if order.status != Status.DRAFT:
        return _settle(order, based_on, LlmRecord("expired", reason=_left_the_desk(order)))
    if order.version != based_on:
        reason = _("The order changed before the draft was made (version %(asked)s, now %(now)s).") % {
            "asked": based_on,
            "now": order.version,
        }
        return _settle(order, based_on, LlmRecord("stale", reason=reason))
    client = llm_client()
    if client is None:
        return _settle(order, based_on, LlmRecord("skipped", reason=_("No LLM is configured any more.")))
    prompt = load_prompt("order_draft")
    request = draft_request(order)
    if not request.options or not request.text:
        reason = _("There were no category candidates or no text to send.")
        return _settle(order, based_on, LlmRecord("skipped", reason=reason, prompt=prompt.ref))
    messages = draft_messages(prompt, request)
    try:
        answer = client.ask_json(
            messages,
            purpose="draft",
            check=lambda content: check_draft(content, request),
            repair=lambda content, errors: repair_messages(prompt, messages, content, errors),
            schema=draft_output_schema(request),
            schema_name="order_draft",
        )
    except LlmError as error:
        return _failed(order, based_on, pending, prompt.ref, error, attempt, attempts)
    draft, source = answer.value, _source(prompt.ref, answer.replies)
    category = Category.objects.get(pk=draft.category_id)
    with transaction.atomic():
        # Locked, so that of two runs of the same draft (a task redelivered, the sweep and a slow run) only the
        # first hands its answer to the policy; the other finds it settled.
        current = WorkOrder.objects.select_for_update().get(pk=order_id)
        if not _is_pending(current.triage_record.llm, based_on):
            return DraftRun("done")
        outcome = workorder_apply_llm_draft(
            order=current,
            fields={
                "title": draft.title,
                "summary": draft.summary_text(),
                "request_type": draft.request_type,
                "category": category,
            },
            source=source,
            outcome=_outcome("applied", source, draft=asdict(draft)),
            based_on=based_on,
            shown={"category": category.full_name, "request_type": str(RequestType(draft.request_type).label)},
        )
    logger.info("LLM draft of order %s: %s", order.number, outcome.value)
    return DraftRun(outcome.value)


def _failed(
    order: WorkOrder,
    based_on: int,
    pending: LlmRecord | None,
    prompt_ref: str,
    error: LlmError,
    attempt: int,
    attempts: int,
) -> DraftRun:
    source = _source(prompt_ref, list(error.replies))
    if isinstance(error, LlmInvalid):
        return _settle(order, based_on, _outcome("invalid", source, reason=str(error)))
    if isinstance(error, LlmOverBudget):
        return _settle(order, based_on, _outcome("over_budget", source, reason=str(error)))
    if error.transient and attempt < attempts:
        delay = float(settings.LLM["DRAFT_RETRY_SECONDS"] * 2 ** (attempt - 1))
        note = _("Attempt %(attempt)s of %(attempts)s failed (%(reason)s: %(error)s); trying again in %(delay)s s.") % {
            "attempt": attempt,
            "attempts": attempts,
            "reason": error.reason,
            "error": str(error)[:200],
            "delay": round(delay),
        }
        still = LlmRecord(
            PENDING,
            reason=note,
            requested_at=pending.requested_at if pending else timezone.now().isoformat(),
            based_on_version=based_on,
        )
        workorder_record_llm_outcome(order=order, outcome=still, pending_for=based_on)
        logger.info("LLM draft of order %s: attempt %s failed (%s), retry in %s s", order.number, attempt, error, delay)
        return DraftRun(PENDING, retry_in=delay)
    reason = f"{error.reason}: {error}"
    if attempts > 1:
        reason = _("%(reason)s (after %(attempts)s attempts)") % {"reason": reason, "attempts": attempt}
    return _settle(order, based_on, _outcome("failed", source, reason=reason))


def _settle(order: WorkOrder, based_on: int, outcome: LlmRecord) -> DraftRun:
    """Keep on the order why the LLM's draft was not used (the classical fields stand), unless another run of
    the same draft settled it first."""
    outcome = replace(outcome, reason=outcome.reason[:500], based_on_version=based_on)
    order = workorder_record_llm_outcome(order=order, outcome=outcome, pending_for=based_on)
    logger.info("LLM draft of order %s: %s (%s)", order.number, outcome.status, outcome.reason[:200])
    current = order.triage_record.llm
    return DraftRun(outcome.status if current is not None and current.status == outcome.status else "done")


def _left_the_desk(order: WorkOrder) -> str:
    return _("The order left the desk (%(status)s) before the draft was made.") % {"status": order.get_status_display()}


def _source(prompt_ref: str, replies: list[LlmReply] | tuple[LlmReply, ...]) -> FieldSource:
    return FieldSource(
        "llm",
        model=replies[-1].model if replies else "",
        prompt=prompt_ref,
        latency_ms=round(sum(r.latency_ms for r in replies), 1),
        tokens=sum(r.tokens for r in replies),
        calls=len(replies),
    )


def _outcome(status: str, source: FieldSource, *, reason: str = "", draft: dict[str, Any] | None = None) -> LlmRecord:
    return LlmRecord(
        status,
        reason=reason,
        model=source.model,
        prompt=source.prompt,
        latency_ms=source.latency_ms,
        tokens=source.tokens,
        calls=source.calls,
        draft=draft,
    )


# --- the sweep ---------------------------------------------------------------------------------------------


def llm_drafts_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """The periodic look at pending drafts. A draft whose order left the desk is ``expired`` with the reason; one
    pending longer than LLM_DRAFT_STALL_SECONDS lost its task (a restart, a lost message) and is queued again,
    unless its order has waited longer than LLM_DRAFT_GIVE_UP_SECONDS since the call (then it is ``expired``
    too); one this process is still running is left alone. The call log older than LLM_CALL_LOG_DAYS is
    removed. Returns how many of each."""
    now = now or timezone.now()
    options = settings.LLM
    stalled_before = now - timedelta(seconds=options["DRAFT_STALL_SECONDS"])
    give_up_before = now - timedelta(seconds=options["DRAFT_GIVE_UP_SECONDS"])
    configured = llm_config() is not None
    running = drafts_in_flight_here()
    counts = {"requeued": 0, "expired": 0, "skipped": 0, "waiting": 0}
    for order in selectors.orders_with_pending_llm_draft():
        llm = order.triage_record.llm
        assert llm is not None  # the selector's filter
        based_on = llm.based_on_version if llm.based_on_version is not None else order.version
        if order.status != Status.DRAFT:
            _settle(order, based_on, LlmRecord("expired", reason=_left_the_desk(order)))
            counts["expired"] += 1
        elif not configured:
            _settle(order, based_on, LlmRecord("skipped", reason=_("No LLM is configured any more.")))
            counts["skipped"] += 1
        elif (order.pk, based_on) in running or _requested_at(llm) >= stalled_before:
            counts["waiting"] += 1
        elif order.created_at < give_up_before:
            reason = _("No draft came within %(minutes)s minutes of the call; it was given up.") % {
                "minutes": round(options["DRAFT_GIVE_UP_SECONDS"] / 60)
            }
            _settle(order, based_on, LlmRecord("expired", reason=reason))
            counts["expired"] += 1
        else:
            reason = _("Asked again: the earlier request got no answer (a restart, or a lost task).")
            workorder_mark_llm_pending(order=order, based_on=based_on, reason=reason, at=now)
            queue_llm_draft(order.pk, based_on)
            counts["requeued"] += 1
    LlmCall.objects.filter(at__lt=now - timedelta(days=options["CALL_LOG_DAYS"])).delete()
    if counts["requeued"] or counts["expired"] or counts["skipped"]:
        logger.info("LLM drafts sweep: %s", counts)
    return counts


def _requested_at(llm: LlmRecord) -> datetime:
    """When the pending draft was (last) asked for; a record without a readable time counts as long ago."""
    try:
        moment = datetime.fromisoformat(llm.requested_at)
    except (TypeError, ValueError):
        return datetime(1970, 1, 1, tzinfo=UTC)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


# --- the endpoint's health (the administrators' page) -------------------------------------------------------


@dataclass(frozen=True)
class LlmHealth:
    configured: bool
    base_url: str = ""
    model: str = ""
    output_format: str = ""  # what this process asks the endpoint for now (lowered after a refusal)
    breaker: BreakerState | None = None  # this process's breaker; workers keep their own
    timeout_seconds: float = 0.0
    slow_seconds: float = 0.0
    last_hour: selectors.LlmCallFigures | None = None
    last_day: selectors.LlmCallFigures | None = None
    days: tuple[selectors.LlmDay, ...] = ()
    max_calls_per_hour: int = 0
    max_tokens_per_hour: int = 0
    pending_drafts: int = 0


def llm_health(*, now: datetime | None = None) -> LlmHealth:
    """The endpoint's configuration, this process's breaker, and every process's calls from the call log."""
    now = now or timezone.now()
    client = llm_client()
    last_hour = selectors.llm_call_figures(now - timedelta(hours=1))
    common = {
        "last_hour": last_hour,
        "last_day": selectors.llm_call_figures(now - timedelta(days=1)),
        "days": tuple(selectors.llm_days(7, now)),
        "max_calls_per_hour": settings.LLM["MAX_CALLS_PER_HOUR"],
        "max_tokens_per_hour": settings.LLM["MAX_TOKENS_PER_HOUR"],
        "pending_drafts": selectors.orders_with_pending_llm_draft().count(),
    }
    if client is None:
        return LlmHealth(configured=False, **common)
    return LlmHealth(
        configured=True,
        base_url=client.config.base_url,
        model=client.config.model,
        output_format=client.output_format,
        breaker=client.breaker.snapshot(),
        timeout_seconds=client.config.timeout_seconds,
        slow_seconds=client.config.slow_seconds,
        **common,
    )
