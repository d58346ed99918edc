"""Celery tasks of intake: thin wrappers that take ids and call services."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from hotline.selectors import current_reference, submissions_not_analysed
from hotline.services import (
    order_text_keys_prune,
    retry_delay_seconds,
    submission_record_failure,
    submission_triage,
    submissions_requeue_stalled,
    submissions_triage_waiting,
    triage_backlog_warn,
)


@shared_task(bind=True, acks_late=True, max_retries=None)
def triage_submission(self, submission_id: int) -> int:  # type: ignore[no-untyped-def]
    """Analyse one submission, then (with a broker) up to HOTLINE_TRIAGE_BATCH_SIZE - 1 others still waiting, oldest
    first, so a backlog drains in batches. Returns how many this task analysed. A failure of its own submission is
    recorded and retried with backoff; in in-process mode (no batches: the web request must not wait for others)
    the periodic sweep does the retrying."""
    try:
        done = int(submission_triage(submission_id=submission_id))
    except Exception as exc:
        submission = submission_record_failure(submission_id=submission_id, error=exc)
        if self.request.is_eager:
            return 0
        if submission.attempts >= settings.HOTLINE["TRIAGE_MAX_ATTEMPTS"]:
            raise
        raise self.retry(exc=exc, countdown=retry_delay_seconds(submission.attempts)) from exc
    batch = settings.HOTLINE["TRIAGE_BATCH_SIZE"] - 1
    if batch > 0 and not self.request.is_eager:
        done += submissions_triage_waiting(limit=batch, exclude=submission_id)
    return done


@shared_task(bind=True, acks_late=True)
def triage_submissions(self, submission_ids: list[int]) -> int:  # type: ignore[no-untyped-def]
    """Analyse the submissions a web process received together (``hotline.services.queue_triage`` gathers those of
    a tenth of a second into one message), each as ``triage_submission`` analyses its own; one that fails is recorded
    and queued again on its own with backoff. Then, with room left in HOTLINE_TRIAGE_BATCH_SIZE, the oldest others
    still waiting. Returns how many this task analysed."""
    done = 0
    reference = None
    for submission_id in submissions_not_analysed(submission_ids):
        try:
            reference = reference or current_reference()  # checked once for the calls of this message
            done += int(submission_triage(submission_id=submission_id, reference=reference))
        except Exception as exc:
            submission = submission_record_failure(submission_id=submission_id, error=exc)
            if not self.request.is_eager and submission.attempts < settings.HOTLINE["TRIAGE_MAX_ATTEMPTS"]:
                triage_submission.apply_async((submission_id,), countdown=retry_delay_seconds(submission.attempts))
    batch = settings.HOTLINE["TRIAGE_BATCH_SIZE"] - len(submission_ids)
    if batch > 0 and not self.request.is_eager:
        done += submissions_triage_waiting(limit=batch)
    return done


@shared_task
def requeue_stalled_submissions() -> int:
    """Queue again what was lost, and warn when the oldest submission waiting has passed the alert threshold."""
    requeued = submissions_requeue_stalled()
    triage_backlog_warn()
    return requeued


@shared_task
def prune_related_order_keys() -> int:
    """Forget the related-order index of orders older than the related-order window."""
    return order_text_keys_prune()


@shared_task(bind=True, acks_late=True, max_retries=None)
def llm_draft_order(self, order_id: int, based_on: int | None = None) -> str:  # type: ignore[no-untyped-def]
    """Let the LLM draft an order triage has filled (on the ``llm`` queue, so it never delays intake). Runs only
    while the draft is still pending for ``based_on``; an endpoint down, slow or paused is tried again with
    backoff up to LLM_DRAFT_ATTEMPTS times, then the order records the failure. In-process mode runs the same
    service in a background thread (``hotline.llm_services.queue_llm_draft``)."""
    from hotline.llm_services import llm_draft_run, order_draft_with_llm

    if based_on is None:  # queued before drafts were recorded as pending: draft the order as it is now, once
        return order_draft_with_llm(order_id=order_id)
    run = llm_draft_run(order_id=order_id, based_on=based_on, attempt=self.request.retries + 1)
    if run.retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=run.retry_in)
    return run.status


@shared_task
def sweep_llm_drafts() -> dict[str, int]:
    """Queue again the LLM drafts whose task was lost, and give up those whose order left the desk."""
    from hotline.llm_services import llm_drafts_sweep

    return llm_drafts_sweep()
