"""Without a broker, `manage.py serve` runs the periodic tasks itself, from the one beat schedule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from config.scheduler import InProcessScheduler
from hotline.models import Submission, SubmissionStatus
from hotline.services import IntakeRequest, submission_receive
from workorders.choices import Action
from workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_due_tasks_run_and_each_runs_again_after_its_interval(signed_order, personas) -> None:
    WorkOrder.objects.filter(pk=signed_order.pk).update(resolve_due_at=timezone.now() - timedelta(hours=1))
    stalled = submission_receive(
        request=IntakeRequest(channel="web", sender_id="LOST-9", content="路灯不亮", raw_body="{}"),
        by=personas.integration,
    ).submission
    Submission.objects.filter(pk=stalled.pk).update(received_at=timezone.now() - timedelta(minutes=30))
    clock = FakeClock()
    scheduler = InProcessScheduler(first_run_after=5, clock=clock)

    assert scheduler.run_pending() == 5  # nothing is due yet
    assert not signed_order.events.filter(action=Action.MARK_OVERDUE).exists()

    clock.now += 5
    wait = scheduler.run_pending()
    assert signed_order.events.filter(action=Action.MARK_OVERDUE).count() == 1
    assert Submission.objects.get(pk=stalled.pk).status == SubmissionStatus.TRIAGED
    assert wait == 30  # the sweep of silent live calls, every 30 seconds, is next

    clock.now += 300
    scheduler.run_pending()
    assert signed_order.events.filter(action=Action.MARK_OVERDUE).count() == 1  # recorded once only


def test_the_schedule_covers_the_deadline_intake_analytics_and_knowledge_tasks(settings) -> None:
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks == {
        "workorders.tasks.record_deadline_reminders",
        "hotline.tasks.requeue_stalled_submissions",
        "analytics.tasks.refresh_rollups",
        "analytics.tasks.refresh_rollups_deep",
        "analytics.tasks.detect_hotspots",
        "knowledge.tasks.refresh_knowledge_index",
        "hotline.tasks.sweep_llm_drafts",
        "hotline.tasks.prune_related_order_keys",
        "calls.tasks.close_silent_calls",
    }
