"""Runs the periodic tasks of CELERY_BEAT_SCHEDULE inside the web process when there is no broker.

Production uses `celery beat` (django-celery-beat's scheduler reads the same schedule); this thread is
for the one-command start on a laptop or a single intranet server."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections

logger = logging.getLogger(__name__)


class InProcessScheduler(threading.Thread):
    def __init__(self, *, first_run_after: float = 10.0) -> None:
        super().__init__(name="in-process-beat", daemon=True)
        self.first_run_after = first_run_after
        self._stop_event = threading.Event()

    def stop(self) -> None:
        self._stop_event.set()

    def run(self) -> None:
        from config.celery import app

        entries = []
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
            schedule = entry["schedule"]
            if not isinstance(schedule, timedelta):
                raise TypeError(f"beat entry {name}: the in-process scheduler supports timedelta schedules only")
            entries.append([name, entry["task"], schedule.total_seconds(), time.monotonic() + self.first_run_after])
        while not self._stop_event.is_set():
            now = time.monotonic()
            for entry in entries:
                name, task_name, interval, due = entry
                if now < due:
                    continue
                entry[3] = now + interval
                try:
                    close_old_connections()
                    result = app.tasks[task_name].apply()
                    logger.info("periodic task %s: %s", name, result.result)
                except Exception:  # a failing periodic task must not stop the others
                    logger.exception("periodic task %s failed", name)
                finally:
                    close_old_connections()
            self._stop_event.wait(timeout=max(1.0, min(entry[3] for entry in entries) - time.monotonic()))
