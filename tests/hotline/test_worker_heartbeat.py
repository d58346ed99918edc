"""Whether each queue has a live worker, on /health/ and /metrics: from the heartbeats the workers record."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from hotline import selectors
from hotline.heartbeat import heartbeat_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_broker(settings, monkeypatch) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.HOTLINE = {**settings.HOTLINE, "WORKER_STALE_SECONDS": 60}
    monkeypatch.setattr(selectors, "broker_queue_depths", lambda names: dict.fromkeys(names, 0))


def test_each_queue_says_ok_stale_or_no_worker(with_broker: None) -> None:
    now = timezone.now()
    heartbeat_record(queues=["triage"], worker="triage@a", at=now - timedelta(seconds=5))
    heartbeat_record(queues=["triage"], worker="triage@b", at=now - timedelta(seconds=20))
    heartbeat_record(queues=["periodic", "analytics"], worker="periodic@a", at=now - timedelta(seconds=300))

    workers = Client().get("/health/").json()["workers"]

    queues = workers["queues"]
    assert workers["mode"] == "celery"
    assert queues["triage"]["status"] == "ok" and queues["triage"]["live_workers"] == 2
    assert 4 <= queues["triage"]["last_heartbeat_age_seconds"] < 60
    assert queues["periodic"]["status"] == "stale" and queues["analytics"]["status"] == "stale"
    assert queues["periodic"]["last_heartbeat_age_seconds"] >= 300 and queues["periodic"]["live_workers"] == 0
    assert queues["llm"] == {
        "queue": "llm",
        "status": "no worker",
        "last_heartbeat_age_seconds": None,
        "live_workers": 0,
    }


def test_a_worker_that_beats_again_is_ok_again(with_broker: None) -> None:
    heartbeat_record(queues=["periodic"], worker="periodic@a", at=timezone.now() - timedelta(minutes=10))
    assert Client().get("/health/").json()["workers"]["queues"]["periodic"]["status"] == "stale"

    heartbeat_record(queues=["periodic"], worker="periodic@a")

    assert Client().get("/health/").json()["workers"]["queues"]["periodic"]["status"] == "ok"


def test_metrics_give_each_queues_worker_for_prometheus(with_broker: None) -> None:
    heartbeat_record(queues=["triage"], worker="triage@a", at=timezone.now() - timedelta(seconds=3))
    heartbeat_record(queues=["analytics"], worker="analytics@a", at=timezone.now() - timedelta(seconds=900))

    text = Client().get("/metrics").content.decode()

    assert 'hotline_worker_up{purpose="triage",queue="triage"} 1' in text
    assert 'hotline_worker_up{purpose="analytics",queue="analytics"} 0' in text
    assert 'hotline_worker_up{purpose="llm",queue="llm"} 0' in text
    assert 'hotline_worker_live_workers{purpose="triage",queue="triage"} 1' in text
    age = next(
        line for line in text.splitlines() if line.startswith('hotline_worker_heartbeat_age_seconds{purpose="an')
    )
    assert float(age.split()[1]) >= 900
    assert "hotline_tasks_in_process 0" in text


def test_without_a_broker_health_says_tasks_run_in_process() -> None:
    body = Client().get("/health/").json()

    assert body["workers"]["mode"] == "in-process"
    assert "in the web process" in body["workers"]["detail"]
    assert "hotline_tasks_in_process 1" in Client().get("/metrics").content.decode()


def test_heartbeats_of_workers_gone_for_a_day_are_forgotten(with_broker: None) -> None:
    heartbeat_record(queues=["triage"], worker="old@a", at=timezone.now() - timedelta(days=2))
    heartbeat_record(queues=["triage"], worker="new@a")

    assert Client().get("/health/").json()["workers"]["queues"]["triage"]["live_workers"] == 1
    from hotline.models import WorkerHeartbeat

    assert list(WorkerHeartbeat.objects.values_list("worker", flat=True)) == ["new@a"]
