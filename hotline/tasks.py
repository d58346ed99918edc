"""Celery tasks of intake: thin wrappers that take ids and call services."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from hotline.services import (
    retry_delay_seconds,
    submission_record_failure,
    submission_triage,
    submissions_requeue_stalled,
)


@shared_task(bind=True, acks_late=True, max_retries=None)
def triage_submission(self, submission_id: int) -> bool:  # type: ignore[no-untyped-def]
    """Analyse one submission. A failure is recorded on the submission and retried with backoff; in
    in-process mode the periodic sweep does the retrying so a web request never waits for it."""
    try:
        return submission_triage(submission_id=submission_id)
    except Exception as exc:
        submission = submission_record_failure(submission_id=submission_id, error=exc)
        if self.request.is_eager:
            return False
        if submission.attempts >= settings.HOTLINE["TRIAGE_MAX_ATTEMPTS"]:
            raise
        raise self.retry(exc=exc, countdown=retry_delay_seconds(submission.attempts)) from exc


@shared_task
def requeue_stalled_submissions() -> int:
    return submissions_requeue_stalled()


@shared_task(acks_late=True)
def llm_draft_order(order_id: int, based_on: int | None = None) -> str:
    """Let the LLM draft an order triage has filled (on the ``llm`` queue, so it never delays intake)."""
    from hotline.llm_services import order_draft_with_llm

    return order_draft_with_llm(order_id=order_id, based_on=based_on)
