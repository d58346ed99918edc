"""Runs the periodic tasks of CELERY_BEAT_SCHEDULE inside the web process when there is no broker.

Production uses `celery beat` (django-celery-beat's scheduler reads the same schedule); this thread is
for the one-command start on a laptop or a single intranet server."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections

logger = logging.getLogger(__name__)


@dataclass
class _Entry:
    name: str
    task: str
    interval: float
    due: float


class InProcessScheduler(threading.Thread):
    def __init__(self, *, first_run_after: float = 10.0, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(name="in-process-beat", daemon=True)
        self._clock = clock
        self._stop_event = threading.Event()
        start = clock() + first_run_after
        self.entries = []
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
            schedule = entry["schedule"]
            if not isinstance(schedule, timedelta):
                raise TypeError(f"beat entry {name}: the in-process scheduler supports timedelta schedules only")
            self.entries.append(_Entry(name, entry["task"], schedule.total_seconds(), start))

    def stop(self) -> None:
        self._stop_event.set()

    def run_pending(self) -> float:
        """Run every entry that is due; returns the seconds until the next one is."""
        from config.celery import app

        app.loader.import_default_modules()  # registers the apps' tasks, as a worker does at start-up
        for entry in self.entries:
            now = self._clock()
            if now < entry.due:
                continue
            entry.due = now + entry.interval
            try:
                result = app.tasks[entry.task].apply()
                if result.failed():
                    logger.error("periodic task %s failed: %s", entry.name, result.result)
                else:
                    logger.info("periodic task %s: %s", entry.name, result.result)
            except Exception:  # a failing periodic task must not stop the others
                logger.exception("periodic task %s failed", entry.name)
        return max(1.0, min(entry.due for entry in self.entries) - self._clock())

    def run(self) -> None:
        while not self._stop_event.is_set():
            close_old_connections()
            wait = self.run_pending()
            close_old_connections()
            self._stop_event.wait(timeout=wait)
