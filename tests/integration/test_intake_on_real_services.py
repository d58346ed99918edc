"""Intake → queue → worker → order, on PostgreSQL with a real Celery worker over Redis."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from hotline.models import Submission, SubmissionStatus
from hotline.services import IntakeRequest, submission_receive
from tests.integration.conftest import wait_for
from workorders.choices import Action, Status
from workorders.models import WorkOrder, WorkOrderEvent

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_rows"),
]

CALL = {
    "channel": "phone",
    "sender_id": "CALL-INT-0001",
    "turns": [
        {"speaker": "agent", "text": "您好，12345热线。"},
        {"speaker": "caller", "text": "我要投诉，A3区西湖街道茶场村的路灯坏了一个星期，晚上很黑，请尽快修。"},
    ],
    "caller_phone": "13800000000",
}


def _triaged(submission_id: int) -> bool:
    return Submission.objects.get(pk=submission_id).status == SubmissionStatus.TRIAGED


def test_submitted_call_is_analysed_by_the_worker(city, personas, celery_worker) -> None:
    client = APIClient()
    client.force_authenticate(personas.integration)
    response = client.post("/api/v1/submissions/", CALL, format="json")
    assert response.status_code == 201, response.content
    submission_id = response.json()["submission_id"]

    wait_for(lambda: _triaged(submission_id), message="the worker to analyse the submission")

    order = WorkOrder.objects.get(pk=response.json()["order_id"])
    assert order.status == Status.DRAFT
    assert order.area == city.community_area  # 茶场村 found in the transcript
    assert order.request_type == "complaint"
    assert order.title
    assert list(order.events.values_list("action", flat=True)) == [Action.CREATE, Action.TRIAGE]


def test_the_same_sender_id_sent_concurrently_creates_one_order(city, personas, celery_worker) -> None:
    results: list[tuple[int, dict[str, object]]] = []
    barrier = threading.Barrier(4)

    def submit() -> None:
        client = APIClient()
        client.force_authenticate(personas.integration)
        barrier.wait()
        response = client.post("/api/v1/submissions/", {**CALL, "sender_id": "CALL-RACE-1"}, format="json")
        results.append((response.status_code, response.json()))
        connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(code for code, _body in results) == [200, 200, 200, 201]
    assert len({body["order_id"] for _code, body in results}) == 1
    assert Submission.objects.filter(sender_id="CALL-RACE-1").count() == 1
    assert WorkOrder.objects.filter(source_submission__sender_id="CALL-RACE-1").count() == 1


def test_a_submission_whose_task_was_lost_is_picked_up_by_the_sweep(city, personas, celery_worker) -> None:
    from hotline.tasks import requeue_stalled_submissions

    with transaction.atomic():  # stored, but the queue never heard of it (as if the broker was down)
        outcome = submission_receive(
            request=IntakeRequest(
                channel="web", sender_id="LOST-1", content="小区垃圾一周没人清运，臭气熏天。", raw_body="{}"
            ),
            by=personas.integration,
        )
        connection.run_on_commit = []  # drop the queued triage: the message is lost
    Submission.objects.filter(pk=outcome.submission.pk).update(received_at=timezone.now() - timedelta(minutes=10))

    requeue_stalled_submissions.delay()

    wait_for(lambda: _triaged(outcome.submission.pk), message="the swept submission to be analysed")


def test_a_failed_analysis_is_retried_until_it_succeeds(city, personas, celery_worker) -> None:
    client = APIClient()
    client.force_authenticate(personas.integration)
    blocker_ready, release = threading.Event(), threading.Event()
    holder: dict[str, int] = {}

    def hold_order_lock() -> None:
        """Another transaction holds the order row; the worker's lock times out (lock_timeout=1s)."""
        with transaction.atomic():
            order = WorkOrder.objects.select_for_update().get(pk=holder["order_id"])
            blocker_ready.set()
            release.wait(timeout=30)
            order.save(update_fields=["updated_at"])
        connections.close_all()

    with transaction.atomic():
        outcome = submission_receive(
            request=IntakeRequest(
                channel="api", sender_id="RETRY-1", content="楼上装修噪音太大，每天早上七点就开始。", raw_body="{}"
            ),
            by=personas.integration,
        )
        holder["order_id"] = outcome.submission.order.pk
        connection.run_on_commit = []  # queue it ourselves once the lock is held
    thread = threading.Thread(target=hold_order_lock)
    thread.start()
    blocker_ready.wait(timeout=10)
    from hotline.tasks import triage_submission

    triage_submission.delay(outcome.submission.pk)
    wait_for(
        lambda: Submission.objects.get(pk=outcome.submission.pk).status == SubmissionStatus.FAILED,
        message="the first attempt to fail on the lock",
    )
    failed = Submission.objects.get(pk=outcome.submission.pk)
    assert failed.attempts >= 1 and "lock" in failed.last_error.lower()
    release.set()
    thread.join()

    wait_for(lambda: _triaged(outcome.submission.pk), message="the retry to succeed")
    assert Submission.objects.get(pk=outcome.submission.pk).attempts >= 2


def test_the_worker_records_overdue_reminders(dispatched_order, celery_worker) -> None:
    from workorders.tasks import record_deadline_reminders

    WorkOrder.objects.filter(pk=dispatched_order.pk).update(
        sign_due_at=timezone.now() - timedelta(hours=30), resolve_due_at=timezone.now() - timedelta(hours=1)
    )
    record_deadline_reminders.delay()

    wait_for(
        lambda: WorkOrderEvent.objects.filter(order=dispatched_order, action=Action.MARK_OVERDUE).exists(),
        message="the overdue event",
    )
    assert WorkOrder.objects.get(pk=dispatched_order.pk).deadline_stage == "overdue"
