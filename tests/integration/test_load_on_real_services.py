"""Under load, on PostgreSQL and Redis: order numbers without a lock held across intakes, a sweep that leaves
submissions merely waiting in the broker alone, and a worker that drains a backlog in batches."""

from __future__ import annotations

import contextlib
import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from hotline.models import Submission, SubmissionStatus
from hotline.services import IntakeRequest, submission_receive, submissions_requeue_stalled
from tests.integration.conftest import wait_for
from workorders.models import WorkOrder
from workorders.numbering import sequence_name
from workorders.services import workorder_create_draft

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_rows"),
]


def _draft(text: str = "小区路灯坏了，晚上很黑。", **kwargs: object) -> WorkOrder:
    return workorder_create_draft(appeal=text, **kwargs)


def test_an_intake_never_waits_for_another_intakes_transaction_to_commit() -> None:
    holding, release = threading.Event(), threading.Event()
    held: dict[str, str] = {}

    def slow_intake() -> None:
        """An intake whose transaction stays open after taking its number (a slow triage queue, a slow disk)."""
        with transaction.atomic():
            held["number"] = _draft().number
            holding.set()
            release.wait(timeout=30)
        connections.close_all()

    thread = threading.Thread(target=slow_intake)
    thread.start()
    assert holding.wait(timeout=10)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '1s'")  # a row lock held by the other intake would fail this
        quick = _draft()
    finally:
        release.set()
        thread.join()
    assert quick.number != held["number"]
    assert quick.number[:10] == held["number"][:10]


def test_concurrent_intakes_get_unique_numbers_of_the_day() -> None:
    numbers: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def intake_many() -> None:
        try:
            start.wait()
            for _ in range(15):
                numbers.append(_draft().number)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=intake_many) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    today = f"GD{timezone.localdate():%Y%m%d}"
    assert len(numbers) == 120 and len(set(numbers)) == 120
    assert all(number.startswith(today) for number in numbers)


def test_a_days_numbers_continue_after_orders_stored_by_other_means() -> None:
    day = timezone.now() - timedelta(days=400)  # a day no intake has numbered yet
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SEQUENCE IF EXISTS "{sequence_name(timezone.localtime(day).date())}"')
    from workorders import numbering

    numbering._known_sequences.clear()
    loaded = _draft(at=day)
    WorkOrder.objects.filter(pk=loaded.pk).update(number=f"GD{timezone.localtime(day):%Y%m%d}0042")
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SEQUENCE "{sequence_name(timezone.localtime(day).date())}"')
    numbering._known_sequences.clear()
    assert _draft(at=day).number.endswith("0043")


@pytest.fixture
def idle_queue():
    """A broker queue nobody consumes, emptied afterwards."""
    from config.celery import app

    name = f"hotline-test-idle-{uuid.uuid4().hex[:8]}"
    yield name
    with app.connection_for_write() as broker, contextlib.suppress(broker.channel_errors):
        broker.default_channel.queue_purge(name)


def _send_to(queue: str, count: int) -> None:
    from config.celery import app

    for _ in range(count):
        app.send_task("hotline.tasks.requeue_stalled_submissions", queue=queue)


def test_the_broker_says_how_many_messages_wait_in_a_queue(idle_queue: str) -> None:
    from hotline.selectors import broker_queue_depth

    assert broker_queue_depth(idle_queue) == 0  # never used
    _send_to(idle_queue, 3)
    assert broker_queue_depth(idle_queue) == 3


def test_the_sweep_leaves_submissions_waiting_behind_messages_and_requeues_them_once_the_queue_is_empty(
    city, personas, celery_worker, idle_queue: str, settings
) -> None:
    from config.celery import app

    settings.CELERY_QUEUES_BY_PURPOSE = {**settings.CELERY_QUEUES_BY_PURPOSE, "triage": idle_queue}
    with transaction.atomic():
        outcome = submission_receive(
            request=IntakeRequest(channel="web", sender_id="WAIT-1", content="楼道灯坏了很久。", raw_body="{}"),
            by=personas.integration,
        )
        connection.run_on_commit = []  # its message is not sent: as if it were still in the backlog below
    Submission.objects.filter(pk=outcome.submission.pk).update(received_at=timezone.now() - timedelta(minutes=10))
    _send_to(idle_queue, 2)  # the backlog in front of it

    assert submissions_requeue_stalled() == 0

    with app.connection_for_write() as broker:
        broker.default_channel.queue_purge(idle_queue)
    assert submissions_requeue_stalled() == 1  # the queue is empty and it was never analysed: lost
    wait_for(
        lambda: Submission.objects.get(pk=outcome.submission.pk).status == SubmissionStatus.TRIAGED,
        message="the re-queued submission to be analysed",
    )


def test_one_worker_task_analyses_the_submissions_waiting_without_a_message(city, personas, celery_worker) -> None:
    lost = []
    with transaction.atomic():
        for n in range(3):
            lost.append(
                submission_receive(
                    request=IntakeRequest(
                        channel="web", sender_id=f"LOST-B-{n}", content="垃圾桶满了没人清。", raw_body="{}"
                    ),
                    by=personas.integration,
                ).submission.pk
            )
        connection.run_on_commit = []  # none of them has a message in the queue
    outcome = submission_receive(
        request=IntakeRequest(channel="web", sender_id="WAKE-1", content="路口积水很深。", raw_body="{}"),
        by=personas.integration,
    )
    wait_for(
        lambda: (
            Submission.objects.filter(pk__in=[*lost, outcome.submission.pk], status=SubmissionStatus.TRIAGED).count()
            == 4
        ),
        message="one task to analyse its own submission and the three waiting",
    )
