"""Intake: store what arrived, create the draft order, and analyse it in a task."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from hotline import selectors
from hotline.models import Submission, SubmissionStatus
from hotline.triage import triage_text
from workorders.choices import Action
from workorders.lifecycle import rule_for
from workorders.models import Area, Category
from workorders.services import workorder_apply_triage, workorder_create_draft

logger = logging.getLogger(__name__)

SPEAKER_LABELS = {"agent": "坐席", "caller": "市民"}


@dataclass(frozen=True)
class Turn:
    speaker: str  # "agent" or "caller"
    text: str
    start: float | None = None
    end: float | None = None


@dataclass(frozen=True)
class IntakeRequest:
    """A validated call or message, ready to be stored."""

    channel: str
    sender_id: str
    content: str = ""
    turns: tuple[Turn, ...] = ()
    title: str = ""
    caller_name: str = ""
    caller_phone: str = ""
    address: str = ""
    received_at: datetime | None = None
    raw_body: str = ""
    content_type: str = "application/json"
    payload: dict[str, Any] = field(default_factory=dict)

    def appeal_text(self) -> str:
        """The text the order is about: the message, or the transcript with speaker labels."""
        if self.content:
            return self.content
        return "\n".join(f"{SPEAKER_LABELS.get(turn.speaker, turn.speaker)}：{turn.text}" for turn in self.turns)


@dataclass(frozen=True)
class IntakeOutcome:
    submission: Submission
    created: bool


def submission_receive(*, request: IntakeRequest, by: User | None) -> IntakeOutcome:
    """Store a submission verbatim with its draft order, then queue triage once the rows are committed.

    The same (channel, sender id) again returns the first submission and its order: nothing is created
    twice, also when two identical requests race."""
    existing = _existing(request)
    if existing is not None:
        return IntakeOutcome(existing, created=False)
    try:
        with transaction.atomic():
            submission = Submission.objects.create(
                channel=request.channel,
                sender_id=request.sender_id,
                received_at=request.received_at or timezone.now(),
                caller_name=request.caller_name,
                caller_phone=request.caller_phone,
                content_type=request.content_type,
                raw_body=request.raw_body,
                payload=request.payload,
                submitted_by=by,
            )
            workorder_create_draft(
                appeal=request.appeal_text(),
                channel=request.channel,
                title=request.title,
                caller_name=request.caller_name,
                caller_phone=request.caller_phone,
                address=request.address,
                submission=submission,
                # an operator typing a call in is the order's creator; a connected system's order is the system's
                by=by if by is not None and by.role in rule_for(Action.CREATE).roles else None,
                at=submission.received_at,
            )
            transaction.on_commit(lambda: queue_triage(submission.pk))
    except IntegrityError:
        existing = _existing(request)
        if existing is None:
            raise
        return IntakeOutcome(existing, created=False)
    return IntakeOutcome(submission, created=True)


def _existing(request: IntakeRequest) -> Submission | None:
    return (
        Submission.objects.select_related("order").filter(channel=request.channel, sender_id=request.sender_id).first()
    )


def queue_triage(submission_id: int) -> None:
    """Hand the submission to the triage task. If the broker is down the submission stays 'received'
    and the periodic sweep queues it again, so intake never fails because of the queue."""
    from hotline.tasks import triage_submission

    try:
        triage_submission.delay(submission_id)
    except Exception:  # the broker is unreachable or refused the message
        logger.exception("could not queue triage for submission %s; the sweep will retry", submission_id)


def submission_triage(*, submission_id: int) -> bool:
    """Run triage for a submission and fill its order. Idempotent: an analysed submission is skipped.

    Returns True when this call did the work."""
    with transaction.atomic():
        submission = Submission.objects.select_for_update(of=("self",)).select_related("order").get(pk=submission_id)
        if submission.status == SubmissionStatus.TRIAGED:
            return False
        order = submission.order
        result = triage_text(order.appeal, selectors.triage_reference(), title_hint=order.title)
        category = Category.objects.filter(pk=result.category.value).first() if result.category.value else None
        area = Area.objects.filter(pk=result.area.value).first() if result.area.value else None
        workorder_apply_triage(
            order=order,
            fields={
                "title": result.title,
                "summary": result.summary,
                "request_type": result.request_type.value,
                "urgency": result.urgency.value,
                "category": category,
                "area": area,
                "address": result.address,
            },
            result=result.as_dict(),
        )
        submission.status = SubmissionStatus.TRIAGED
        submission.triaged_at = timezone.now()
        submission.attempts += 1
        submission.last_error = ""
        submission.next_attempt_at = None
        submission.save(update_fields=["status", "triaged_at", "attempts", "last_error", "next_attempt_at"])
        return True


def retry_delay_seconds(attempts: int) -> int:
    """Exponential backoff between triage attempts: 30 s, 60 s, 2 min … (by default) capped at one hour."""
    return min(3600, settings.HOTLINE["TRIAGE_RETRY_BASE_SECONDS"] * 2 ** max(0, attempts - 1))


def submission_record_failure(*, submission_id: int, error: BaseException) -> Submission:
    """Count a failed triage attempt and schedule the next one; the submission is never dropped."""
    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=submission_id)
        submission.attempts += 1
        submission.status = SubmissionStatus.FAILED
        submission.last_error = f"{type(error).__name__}: {error}"[:2000]
        submission.next_attempt_at = timezone.now() + timedelta(seconds=retry_delay_seconds(submission.attempts))
        submission.save(update_fields=["attempts", "status", "last_error", "next_attempt_at"])
    logger.warning("triage of submission %s failed (attempt %s): %s", submission_id, submission.attempts, error)
    return submission


def submissions_requeue_stalled(*, now: datetime | None = None) -> int:
    """Queue again every submission whose analysis was lost or failed and is due for another try."""
    due = list(selectors.submissions_due_for_triage(now or timezone.now()).values_list("pk", flat=True)[:500])
    for submission_id in due:
        queue_triage(submission_id)
    return len(due)


def submission_retry_now(*, submission: Submission) -> None:
    """An administrator's 'try again' for a submission that used up its attempts."""
    Submission.objects.filter(pk=submission.pk).update(attempts=0, next_attempt_at=None)
    queue_triage(submission.pk)
