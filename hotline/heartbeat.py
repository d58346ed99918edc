"""Workers' heartbeat: is there a live Celery worker on each queue (triage, llm, periodic, analytics)?

Each worker process, once it is ready, starts a thread that records every ``WORKER_HEARTBEAT_SECONDS`` that it is
alive on each queue it consumes (one ``WorkerHeartbeat`` row per queue and worker). The thread runs beside the
tasks, so a long task or a backlog in the queue does not delay it, and it needs neither the broker nor beat: a
hung broker cannot make a live worker look dead. /health/ and /metrics read the rows (one small query, never the
broker): per queue the age of its newest heartbeat and "ok", "stale" (older than ``WORKER_STALE_SECONDS``) or
"no worker" (none ever recorded). Without a broker (``make run``) tasks run in the web process and there is no
worker to watch.

The thread opens a database connection for each beat and closes it again, so a prefork pool's children never
inherit an open connection of it.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from celery.signals import worker_ready, worker_shutting_down
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from hotline.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

# Rows of workers not heard of for this long are deleted (a worker renamed or moved to another machine).
FORGET_AFTER = timedelta(days=1)


def heartbeat_record(*, queues: list[str], worker: str, at: datetime | None = None) -> None:
    """Record that ``worker`` is alive on each of ``queues`` now (or ``at``)."""
    moment = at or timezone.now()
    for queue in queues:
        WorkerHeartbeat.objects.update_or_create(queue=queue, worker=worker, defaults={"beat_at": moment})
    WorkerHeartbeat.objects.filter(beat_at__lt=moment - FORGET_AFTER).delete()


@dataclass(frozen=True)
class QueueHeartbeat:
    purpose: str  # triage, llm, periodic, analytics
    queue: str  # the queue's name (CELERY_QUEUES_BY_PURPOSE)
    status: str  # "ok", "stale" or "no worker"
    age_seconds: float | None  # of the newest heartbeat on the queue
    live_workers: int  # workers whose last heartbeat on it is not stale


def queue_heartbeats(now: datetime | None = None) -> list[QueueHeartbeat]:
    """Each purpose's queue with its workers' newest heartbeat, in one query."""
    moment = now or timezone.now()
    stale_after = settings.HOTLINE["WORKER_STALE_SECONDS"]
    queues = settings.CELERY_QUEUES_BY_PURPOSE
    beats: dict[str, list[datetime]] = {}
    for queue, beat_at in WorkerHeartbeat.objects.filter(queue__in=set(queues.values())).values_list(
        "queue", "beat_at"
    ):
        beats.setdefault(queue, []).append(beat_at)
    found = []
    for purpose, queue in queues.items():
        ages = [(moment - beat_at).total_seconds() for beat_at in beats.get(queue, ())]
        if not ages:
            found.append(QueueHeartbeat(purpose, queue, "no worker", None, 0))
            continue
        youngest = max(0.0, min(ages))
        live = sum(1 for age in ages if age <= stale_after)
        found.append(QueueHeartbeat(purpose, queue, "ok" if live else "stale", round(youngest, 1), live))
    return found


class _Heart(threading.Thread):
    def __init__(self, *, queues: list[str], worker: str, every: float) -> None:
        super().__init__(name="hotline-heartbeat", daemon=True)
        self.queues, self.worker, self.every = queues, worker, every
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                close_old_connections()
                heartbeat_record(queues=self.queues, worker=self.worker)
            except DatabaseError as exc:  # the database away: try again at the next beat
                logger.warning("worker heartbeat not recorded: %s", exc)
            finally:
                connection.close()
            self.stopped.wait(self.every)


_heart: _Heart | None = None


@worker_ready.connect(dispatch_uid="hotline.heartbeat.start")
def _start(sender: Any = None, **kwargs: Any) -> None:
    """Start beating for the queues this worker consumes (``sender`` is the worker's consumer)."""
    global _heart
    queues = sorted(sender.app.amqp.queues.consume_from) if sender is not None else []
    if not queues:
        return
    _heart = _Heart(queues=queues, worker=sender.hostname, every=settings.HOTLINE["WORKER_HEARTBEAT_SECONDS"])
    _heart.start()
    logger.info("worker heartbeat every %s s on %s", _heart.every, ", ".join(queues))


@worker_shutting_down.connect(dispatch_uid="hotline.heartbeat.stop")
def _stop(**kwargs: Any) -> None:
    if _heart is not None:
        _heart.stopped.set()
