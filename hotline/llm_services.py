"""Enriching orders with the LLM, after the classical triage and never in the way of intake.

Intake stores the order, the classical triage fills it, and only then — in a background thread in
in-process mode, on the ``llm`` queue with a real broker — the LLM drafts the title, summary, request type and
category. A field is replaced only while it still holds the classical value and no operator has edited it:
a late answer never overwrites an operator. When the LLM is slow, down or answers nonsense, the classical
values stand and the order records why.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.db import close_old_connections

from triage.llm.answers import parse_answer
from triage.llm.client import LlmClient, LlmConfig, LlmError, LlmReply, config_from_options, shared_client
from triage.llm.drafting import CategoryOption, DraftRequest, draft_messages, repair_messages, validate_draft
from triage.llm.prompts import load_prompt
from workorders.choices import RequestType
from workorders.models import Category, WorkOrder
from workorders.services import workorder_apply_llm_draft, workorder_record_llm_outcome
from workorders.triage_record import FieldSource, LlmRecord

logger = logging.getLogger(__name__)


def llm_config() -> LlmConfig | None:
    return config_from_options(settings.LLM)


def llm_client() -> LlmClient | None:
    """The process's client (it keeps the circuit breaker's state), or None without an LLM."""
    return shared_client(llm_config())


LLM_QUEUED = "queued"


def llm_availability() -> LlmRecord | None:
    """None without an LLM; otherwise whether a draft should be queued (status ``queued``), or why not (its
    circuit is open: the endpoint keeps failing, so the order is not even queued and intake does no extra work)."""
    client = llm_client()
    if client is None:
        return None
    if client.breaker.is_open:
        return LlmRecord("circuit_open", reason="the LLM endpoint failed repeatedly; calls are paused")
    return LlmRecord(LLM_QUEUED)


# --- queueing: never in the request that created the order ------------------------------------------------

_executor_lock = threading.Lock()
_executor: dict[str, Any] = {"pool": None, "futures": set()}


def queue_llm_draft(order_id: int, based_on: int | None = None) -> None:
    """Ask the LLM to draft the order, off the request: a background thread in in-process mode, the ``llm``
    queue with a real broker. Does nothing without an LLM."""
    if llm_config() is None:
        return
    if settings.CELERY_TASK_ALWAYS_EAGER:
        with _executor_lock:
            if _executor["pool"] is None:
                _executor["pool"] = ThreadPoolExecutor(settings.LLM["MAX_CONCURRENCY"], thread_name_prefix="llm")
            future = _executor["pool"].submit(_run_in_thread, order_id, based_on)
            _executor["futures"].add(future)
            future.add_done_callback(_executor["futures"].discard)
        return
    from hotline.tasks import llm_draft_order

    try:
        llm_draft_order.apply_async((order_id, based_on), queue=settings.LLM_QUEUE)
    except Exception:  # the broker is down: the order keeps its classical fields
        logger.exception("could not queue the LLM draft of order %s", order_id)


def _run_in_thread(order_id: int, based_on: int | None) -> None:
    try:
        order_draft_with_llm(order_id=order_id, based_on=based_on)
    except Exception:
        logger.exception("LLM draft of order %s failed", order_id)
    finally:
        close_old_connections()


def wait_for_background_drafts(timeout: float = 30.0) -> None:
    """Block until the in-process LLM drafts queued so far are done (for tests and benchmarks)."""
    with _executor_lock:
        pending: set[Future[None]] = set(_executor["futures"])
    wait(pending, timeout=timeout)


# --- drafting ----------------------------------------------------------------------------------------------


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


def order_draft_with_llm(*, order_id: int, based_on: int | None = None) -> str:
    """Ask the LLM for the order's draft, asked for when the order was at version ``based_on``, and hand it to the
    draft policy (``workorders.services.workorder_apply_llm_draft``). Returns the outcome: ``applied``,
    ``suggested``, ``stale``, ``late``, ``invalid`` or the client's error reason."""
    client = llm_client()
    order = WorkOrder.objects.get(pk=order_id)
    if client is None:
        return "disabled"
    prompt = load_prompt("order_draft")
    request = draft_request(order)
    if not request.options or not request.text:
        return _record(order, "skipped", prompt.ref, reason="no category candidates or text to send")
    messages = draft_messages(prompt, request)
    replies: list[LlmReply] = []
    try:
        replies.append(client.chat(messages))
        data, errors = parse_answer(replies[-1].content)
        draft, errors = validate_draft(data, request) if not errors else (None, errors)
        if draft is None:  # one repair attempt
            replies.append(client.chat(repair_messages(prompt, messages, replies[-1].content, errors)))
            data, errors = parse_answer(replies[-1].content)
            draft, errors = validate_draft(data, request) if not errors else (None, errors)
    except LlmError as error:
        return _record(order, error.reason, prompt.ref, reason=str(error), replies=replies)
    if draft is None:
        return _record(order, "invalid", prompt.ref, reason="; ".join(errors), replies=replies)
    source = _source(prompt.ref, replies)
    category = Category.objects.get(pk=draft.category_id)
    outcome = workorder_apply_llm_draft(
        order=order,
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
    return outcome.value


def _source(prompt_ref: str, replies: list[LlmReply]) -> FieldSource:
    return FieldSource(
        "llm",
        model=replies[-1].model if replies else "",
        prompt=prompt_ref,
        latency_ms=round(sum(r.latency_ms for r in replies), 1),
        tokens=sum(r.prompt_tokens + r.completion_tokens for r in replies),
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


def _record(
    order: WorkOrder, status: str, prompt_ref: str, *, reason: str, replies: list[LlmReply] | None = None
) -> str:
    """Keep on the order why the LLM's draft was not used; the classical fields stand."""
    workorder_record_llm_outcome(
        order=order, outcome=_outcome(status, _source(prompt_ref, replies or []), reason=reason[:500])
    )
    logger.info("LLM draft of order %s: %s (%s)", order.number, status, reason[:200])
    return status
