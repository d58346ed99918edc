"""Periodic work-order tasks (scheduled in config.settings CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from workorders.services import workorders_record_deadline_reminders


@shared_task
def record_deadline_reminders() -> dict[str, int]:
    """Record 催办 reminders and overdue marks for orders past or near their deadlines."""
    return workorders_record_deadline_reminders()
