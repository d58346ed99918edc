"""Queues by purpose, batches for a backlog, and a sweep that re-queues only what is truly lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from hotline import publish, selectors, services
from hotline.models import Submission, SubmissionStatus
from hotline.tasks import triage_submission, triage_submissions
from tests.conftest import City, Personas

pytestmark = pytest.mark.django_db


def receive(sender_id: str, personas: Personas, *, minutes_ago: float = 0) -> Submission:
    """A stored submission whose task has not run (on_commit never fires inside a test transaction)."""
    outcome = services.submission_receive(
        request=services.IntakeRequest(
            channel="web", sender_id=sender_id, content="小区电梯经常困人，请尽快检修。", raw_body="{}"
        ),
        by=personas.integration,
    )
    if minutes_ago:
        Submission.objects.filter(pk=outcome.submission.pk).update(
            received_at=timezone.now() - timedelta(minutes=minutes_ago)
        )
    return outcome.submission


def status_of(submission: Submission) -> str:
    return Submission.objects.get(pk=submission.pk).status


@pytest.fixture
def with_broker(settings, monkeypatch):
    """A deployment with a broker; what the sweep queues is recorded, and the broker's triage queue depth is set by
    the test (``depth["triage"]``)."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    queued: list[int] = []
    depth: dict[str, int | None] = {"triage": 0}
    monkeypatch.setattr(services, "queue_triage", queued.append)
    monkeypatch.setattr(selectors, "broker_queue_depth", lambda name: depth["triage"] if name == "triage" else 0)
    return queued, depth


def test_each_kind_of_work_goes_to_its_own_queue() -> None:
    from config.celery import app

    def queue(task: str) -> str:
        return app.amqp.router.route({}, task)["queue"].name

    assert queue("hotline.tasks.triage_submission") == "triage"
    assert queue("hotline.tasks.triage_submissions") == "triage"
    assert queue("hotline.tasks.llm_draft_order") == "llm"
    for periodic in (
        "workorders.tasks.record_deadline_reminders",
        "hotline.tasks.requeue_stalled_submissions",
        "hotline.tasks.sweep_llm_drafts",
        "hotline.tasks.prune_related_order_keys",
    ):
        assert queue(periodic) == "periodic", periodic
    for long_running in ("analytics.tasks.refresh_rollups", "analytics.tasks.detect_hotspots"):
        assert queue(long_running) == "analytics", long_running


def test_every_periodic_task_has_a_queue_other_than_triage(settings) -> None:
    from config.celery import app

    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert app.amqp.router.route({}, entry["task"])["queue"].name != "triage", name


def test_a_submission_waiting_behind_a_backlog_is_not_queued_twice(city: City, personas: Personas, with_broker) -> None:
    queued, depth = with_broker
    waiting = receive("W-1", personas, minutes_ago=10)
    depth["triage"] = 300  # its message is somewhere in there
    assert services.submissions_requeue_stalled() == 0 and queued == []
    depth["triage"] = 0  # the queue is empty and it was never analysed: its message is lost
    assert services.submissions_requeue_stalled() == 1 and queued == [waiting.pk]


def test_a_fresh_submission_is_not_lost_even_with_an_empty_queue(city: City, personas: Personas, with_broker) -> None:
    queued, _depth = with_broker
    receive("W-2", personas)  # its task may be running right now
    assert services.submissions_requeue_stalled() == 0 and queued == []


def test_nothing_is_queued_again_while_the_broker_does_not_answer(city: City, personas: Personas, with_broker) -> None:
    queued, depth = with_broker
    receive("W-3", personas, minutes_ago=10)
    depth["triage"] = None
    assert services.submissions_requeue_stalled() == 0 and queued == []


def test_a_failed_analysis_is_left_to_the_workers_retry_until_that_is_overdue(
    city: City, personas: Personas, with_broker
) -> None:
    queued, _depth = with_broker
    submission = receive("F-1", personas)
    services.submission_record_failure(submission_id=submission.pk, error=TimeoutError("database busy"))
    Submission.objects.filter(pk=submission.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=5))
    assert services.submissions_requeue_stalled() == 0  # the worker holds the retry, due now
    Submission.objects.filter(pk=submission.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=5))
    assert services.submissions_requeue_stalled() == 1 and queued == [submission.pk]


def test_a_triage_task_drains_the_oldest_waiting_submissions_in_one_batch(
    city: City, personas: Personas, settings
) -> None:
    settings.HOTLINE = {**settings.HOTLINE, "TRIAGE_BATCH_SIZE": 3}
    own = receive("B-own", personas)
    oldest = receive("B-1", personas, minutes_ago=5)
    older = receive("B-2", personas, minutes_ago=3)
    newest = receive("B-3", personas, minutes_ago=1)

    assert triage_submission(own.pk) == 3  # as a worker runs it: its own, then the two oldest waiting

    assert [status_of(s) for s in (own, oldest, older, newest)] == [
        SubmissionStatus.TRIAGED,
        SubmissionStatus.TRIAGED,
        SubmissionStatus.TRIAGED,
        SubmissionStatus.RECEIVED,
    ]
    assert triage_submission(older.pk) == 1  # its own message finds it done, and takes the last one waiting
    assert status_of(newest) == SubmissionStatus.TRIAGED


def test_calls_received_together_go_to_the_workers_in_one_message(
    city: City, personas: Personas, settings, monkeypatch
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = False
    sent: list[list[int]] = []
    monkeypatch.setattr(services, "_send_triage", sent.append)
    for submission_id in (11, 12, 13):  # as the intakes of one tenth of a second commit
        services.queue_triage(submission_id)
    assert publish.wait_until_sent(5)
    services.queue_triage(14)  # later: a message of its own
    assert publish.wait_until_sent(5)
    assert sent == [[11, 12, 13], [14]]


def test_a_message_of_several_calls_analyses_each_and_then_the_oldest_waiting(
    city: City, personas: Personas, settings
) -> None:
    settings.HOTLINE = {**settings.HOTLINE, "TRIAGE_BATCH_SIZE": 3}
    first, second = receive("G-1", personas), receive("G-2", personas)
    oldest = receive("G-3", personas, minutes_ago=5)
    newest = receive("G-4", personas, minutes_ago=1)
    assert triage_submissions([first.pk, second.pk]) == 3  # as a worker runs it
    assert [status_of(s) for s in (first, second, oldest, newest)] == [
        SubmissionStatus.TRIAGED,
        SubmissionStatus.TRIAGED,
        SubmissionStatus.TRIAGED,
        SubmissionStatus.RECEIVED,
    ]


def test_a_message_whose_calls_a_batch_analysed_meanwhile_costs_two_queries(
    city: City, personas: Personas, django_assert_max_num_queries
) -> None:
    calls = [receive(f"D-{n}", personas) for n in range(5)]
    assert triage_submission(calls[0].pk) == 5  # its batch takes the other four too
    with django_assert_max_num_queries(2):  # which of them are left (none), which others wait (none)
        assert triage_submissions([c.pk for c in calls[1:]]) == 0


def test_in_process_mode_analyses_only_the_submission_at_hand(city: City, personas: Personas) -> None:
    own = receive("P-own", personas)
    other = receive("P-1", personas, minutes_ago=5)
    assert triage_submission.apply((own.pk,)).get() == 1  # eager: a web request must not analyse others
    assert status_of(other) == SubmissionStatus.RECEIVED


def test_the_backlog_says_how_many_wait_and_for_how_long(city: City, personas: Personas, settings) -> None:
    settings.HOTLINE = {**settings.HOTLINE, "TRIAGE_ALERT_SECONDS": 120}
    receive("Q-1", personas, minutes_ago=1)
    backlog = selectors.triage_backlog()
    assert backlog.waiting == 1 and 55 < backlog.oldest_age_seconds < 120 and not backlog.alert
    receive("Q-2", personas, minutes_ago=5)
    backlog = selectors.triage_backlog()
    assert backlog.waiting == 2 and backlog.oldest_age_seconds > 290 and backlog.alert
