"""Integration tests run on PostgreSQL with a real Celery worker consuming from Redis.

`make test` runs this folder with DATABASE_URL and CELERY_BROKER_URL pointing at the services. With
CI=true a missing service fails the run; elsewhere the tests skip and say which service is missing."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest
from django.conf import settings
from django.db import connection

IN_CI = os.environ.get("CI", "").lower() == "true"
QUEUE_VARIABLES = ("CELERY_TRIAGE_QUEUE", "LLM_QUEUE", "CELERY_PERIODIC_QUEUE", "CELERY_ANALYTICS_QUEUE")
ROOT = Path(__file__).resolve().parents[2]


def _missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session", autouse=True)
def required_services() -> None:
    database = settings.DATABASES["default"]
    if not database["ENGINE"].endswith("postgresql"):
        _missing("DATABASE_URL is not a PostgreSQL URL (run these tests through `make test`)")
    if not _reachable(database.get("HOST") or "127.0.0.1", int(database.get("PORT") or 5432)):
        _missing(f"PostgreSQL is not reachable at {database.get('HOST')}:{database.get('PORT')}")
    broker = settings.CELERY_BROKER_URL
    if settings.CELERY_TASK_ALWAYS_EAGER:
        _missing("CELERY_BROKER_URL is not set (run these tests through `make test`)")
    parsed = urlparse(broker)
    if not _reachable(parsed.hostname or "127.0.0.1", parsed.port or 6379):
        _missing(f"the broker is not reachable at {parsed.hostname}:{parsed.port}")


@pytest.fixture(scope="session")
def celery_queue() -> str:
    """A queue of this run's own, so a stale task from another run is never picked up."""
    return f"hotline-test-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="session")
def celery_worker(
    django_db_setup: None, django_db_blocker: object, celery_queue: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[subprocess.Popen[bytes]]:
    """A real `celery worker` process on the test database, with a short lock timeout and fast retries."""
    from config.celery import app

    app.conf.task_default_queue = celery_queue
    # Every purpose's queue is this run's queue here, in this process and the worker's (retries, sweeps, batches).
    app.conf.task_routes = {"*": {"queue": celery_queue}}
    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
        f"?options={quote('-c lock_timeout=1000')}"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_DEFAULT_QUEUE": celery_queue,
        **dict.fromkeys(QUEUE_VARIABLES, celery_queue),
        "HOTLINE_TRIAGE_RETRY_BASE_SECONDS": "1",
    }
    log_path = tmp_path_factory.mktemp("worker") / "worker.log"
    log = log_path.open("wb")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO",
         "-n", f"{celery_queue}@%h", "-Q", celery_queue, "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            pytest.fail(f"the Celery worker exited at start-up:\n{log_path.read_text()}", pytrace=False)
        if app.control.ping(timeout=1.0):
            break
    else:
        worker.terminate()
        pytest.fail(f"the Celery worker did not answer a ping within 60 s:\n{log_path.read_text()}", pytrace=False)
    yield worker
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
    log.close()


def wait_for(condition: object, *, timeout: float = 30.0, message: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {message}")


@pytest.fixture(autouse=True)
def worker_idle_after_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """Wait until the worker has no task running, reserved or scheduled before the test's data is flushed:
    a task still writing while the tables are emptied deadlocks the flush."""
    yield
    if "celery_worker" not in request.fixturenames:
        return
    from config.celery import app

    queue = request.getfixturevalue("celery_queue")
    inspector = app.control.inspect(timeout=2.0, destination=[f"{queue}@{socket.gethostname()}"], limit=1)

    def busy() -> bool:
        for reply in (inspector.active(), inspector.reserved(), inspector.scheduled()):
            if reply is None:  # no answer: ask again
                return True
            if any(tasks for tasks in reply.values()):
                return True
        return False

    deadline = time.monotonic() + 60
    while busy():
        if time.monotonic() > deadline:
            pytest.fail("the Celery worker was still busy 60 s after the test", pytrace=False)
        time.sleep(0.2)
