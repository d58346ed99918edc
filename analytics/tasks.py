"""Periodic analytics tasks (scheduled in config.settings CELERY_BEAT_SCHEDULE). Thin: the work is in
analytics.dashboards.rollups and analytics.hotspots."""

from __future__ import annotations

from celery import shared_task

from analytics.dashboards.rollups import DEEP_DAYS, DEFAULT_DAYS, rollups_refresh
from analytics.hotspots.services import hotspots_detect


@shared_task
def refresh_rollups(days: int = DEFAULT_DAYS) -> dict[str, object]:
    """Recompute the last ``days`` days of the dashboards' rollups (a lock keeps runs from overlapping)."""
    record = rollups_refresh(days=days)
    return {"first_day": str(record.first_day), "days": record.days, "seconds": record.seconds, "rows": record.rows}


@shared_task
def refresh_rollups_deep() -> dict[str, object]:
    """Once a day, recompute the last DEEP_DAYS days. A change today can alter an older day's volumes: a late
    edit moves an order to another category or district. (The rates of a past day never change: they come
    from the event log.) The frequent refresh recomputes the last days only."""
    return refresh_rollups(days=DEEP_DAYS)


@shared_task
def detect_hotspots() -> dict[str, object]:
    """Group the last 30 days' orders into hotspots, store them and raise alerts for emerging ones."""
    run = hotspots_detect()
    return {"orders": run.orders, "hotspots": run.hotspots, "emerging": run.emerging, "seconds": run.seconds}
