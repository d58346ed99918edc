"""Nothing accepted is lost: a submission whose analysis never ran or failed is picked up again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from hotline import services
from hotline.models import Submission, SubmissionStatus
from hotline.selectors import submissions_due_for_triage
from tests.conftest import City, Personas

pytestmark = pytest.mark.django_db


def receive(sender_id: str, personas: Personas) -> Submission:
    outcome = services.submission_receive(
        request=services.IntakeRequest(
            channel="web", sender_id=sender_id, content="小区电梯经常困人，请尽快检修。", raw_body="{}"
        ),
        by=personas.integration,
    )
    return outcome.submission


def _fresh_connection_pools() -> None:
    """Make the Celery app build its connection pools again from the current broker URL."""
    from config.celery import app

    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def unreachable_broker():
    """Point Celery at a closed port, as if Redis were down, and put the in-process mode back after."""
    from config.celery import app

    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url="redis://127.0.0.1:1/0")
    _fresh_connection_pools()
    yield
    app.conf.update(saved)
    _fresh_connection_pools()


def test_intake_succeeds_while_the_broker_is_down_and_keeps_the_submission_for_the_sweep(
    city: City,
    personas: Personas,
    unreachable_broker: None,
    django_capture_on_commit_callbacks,
) -> None:
    client = APIClient()
    client.force_authenticate(personas.integration)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/submissions/", {"channel": "app", "sender_id": "APP-1", "content": "路口红绿灯坏了"}, format="json"
        )
    assert response.status_code == 201
    submission = Submission.objects.get(pk=response.json()["submission_id"])
    assert submission.status == SubmissionStatus.RECEIVED  # stored, waiting
    assert submission.order.appeal == "路口红绿灯坏了"


def test_the_sweep_analyses_submissions_that_were_never_analysed(city: City, personas: Personas) -> None:
    stalled = receive("S-1", personas)  # on_commit never runs inside a test transaction: as if the queue lost it
    fresh = receive("S-2", personas)
    Submission.objects.filter(pk=stalled.pk).update(received_at=timezone.now() - timedelta(minutes=10))

    assert services.submissions_requeue_stalled() == 1  # the fresh one may still be on its way

    assert Submission.objects.get(pk=stalled.pk).status == SubmissionStatus.TRIAGED
    assert Submission.objects.get(pk=fresh.pk).status == SubmissionStatus.RECEIVED


def test_a_failed_attempt_is_recorded_and_retried_after_a_growing_delay(city: City, personas: Personas) -> None:
    submission = receive("F-1", personas)
    failed = services.submission_record_failure(submission_id=submission.pk, error=TimeoutError("database busy"))
    assert failed.status == SubmissionStatus.FAILED and failed.attempts == 1
    assert failed.last_error == "TimeoutError: database busy"
    now = timezone.now()
    assert not submissions_due_for_triage(now).filter(pk=submission.pk).exists()  # backing off
    assert submissions_due_for_triage(now + timedelta(seconds=31)).filter(pk=submission.pk).exists()
    again = services.submission_record_failure(submission_id=submission.pk, error=TimeoutError("still busy"))
    assert again.next_attempt_at - timezone.now() > timedelta(seconds=55)

    Submission.objects.filter(pk=submission.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert services.submissions_requeue_stalled() == 1
    done = Submission.objects.get(pk=submission.pk)
    assert done.status == SubmissionStatus.TRIAGED and done.last_error == "" and done.attempts == 3


def test_a_submission_that_used_up_its_attempts_waits_for_an_administrator(
    city: City, personas: Personas, settings
) -> None:
    submission = receive("F-2", personas)
    Submission.objects.filter(pk=submission.pk).update(
        status=SubmissionStatus.FAILED, attempts=settings.HOTLINE["TRIAGE_MAX_ATTEMPTS"], next_attempt_at=timezone.now()
    )
    assert services.submissions_requeue_stalled() == 0
    services.submission_retry_now(submission=Submission.objects.get(pk=submission.pk))
    assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.TRIAGED


def test_analysis_is_idempotent(city: City, personas: Personas) -> None:
    submission = receive("I-1", personas)
    assert services.submission_triage(submission_id=submission.pk) is True
    assert services.submission_triage(submission_id=submission.pk) is False
    assert submission.order.events.filter(action="triage").count() == 1


def test_analysis_never_overwrites_what_an_operator_already_set(city: City, personas: Personas) -> None:
    from workorders.services import workorder_update

    submission = receive("E-1", personas)
    workorder_update(order=submission.order, by=personas.operator, title="电梯困人", urgency="urgent")
    services.submission_triage(submission_id=submission.pk)
    order = submission.order.__class__.objects.get(pk=submission.order.pk)
    assert order.title == "电梯困人" and order.urgency == "urgent"
    assert order.summary  # blanks are still filled
