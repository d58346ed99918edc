"""A real Celery worker records its heartbeat on the queues it consumes, and /health/ and /metrics show it."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_the_workers_heartbeat_appears_on_health_and_metrics(celery_worker, celery_queue: str, settings) -> None:
    # the session's worker consumes its own queue for every purpose (tests/integration/conftest.py)
    settings.CELERY_QUEUES_BY_PURPOSE = dict.fromkeys(settings.CELERY_QUEUES_BY_PURPOSE, celery_queue)

    def queues() -> dict[str, dict[str, object]]:
        return Client().get("/health/").json()["workers"]["queues"]

    # the worker beats every HOTLINE_WORKER_HEARTBEAT_SECONDS (15 s); an earlier test's flush may have emptied the
    # table since its last beat
    wait_for(lambda: queues()["triage"]["status"] == "ok", timeout=40, message="the worker's heartbeat")

    shown = queues()
    assert {purpose: queue["status"] for purpose, queue in shown.items()} == dict.fromkeys(shown, "ok")
    assert shown["triage"]["queue"] == celery_queue and shown["triage"]["live_workers"] == 1
    assert 0 <= shown["triage"]["last_heartbeat_age_seconds"] <= settings.HOTLINE["WORKER_STALE_SECONDS"]
    metrics = Client().get("/metrics").content.decode()
    assert f'hotline_worker_up{{purpose="triage",queue="{celery_queue}"}} 1' in metrics
