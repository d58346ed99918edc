"""A hung Redis (stopped with SIGSTOP: it accepts connections and never answers) never holds up intake; every
submission accepted meanwhile reaches the broker once it resumes. The test starts and stops its own Redis."""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
import redis
from rest_framework.test import APIClient

from hotline import publish
from hotline.models import Submission, SubmissionStatus
from tests.conftest import City, Personas

pytestmark = pytest.mark.django_db(transaction=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def own_redis() -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed", pytrace=False)
    port = _free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if redis.Redis(port=port, socket_timeout=0.5).ping():
                break
        except redis.RedisError:
            time.sleep(0.05)
    yield server, port
    os.kill(server.pid, signal.SIGCONT)
    server.terminate()
    server.wait(10)


@pytest.fixture
def broker_at(
    own_redis: tuple[subprocess.Popen[bytes], int], monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """Celery pointed at the test's own Redis, tasks published for real (not run in-process)."""
    from config.celery import app

    _, port = own_redis
    monkeypatch.setenv("CELERY_BROKER_URL", f"redis://127.0.0.1:{port}/0")  # Celery reads it before its conf
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "task_routes")}
    app.conf.update(task_always_eager=False, broker_url=f"redis://127.0.0.1:{port}/0", task_routes={})
    app._pool = None
    app.amqp._producer_pool = None
    yield own_redis
    app.conf.update(saved)
    app._pool = None
    app.amqp._producer_pool = None


def test_intake_answers_while_redis_is_hung_and_every_submission_is_queued_when_it_resumes(
    city: City, personas: Personas, broker_at: tuple[subprocess.Popen[bytes], int], settings: object
) -> None:
    server, port = broker_at
    settings.CELERY_TASK_ALWAYS_EAGER = False
    client = APIClient()
    client.force_authenticate(personas.integration)
    os.kill(server.pid, signal.SIGSTOP)  # hung: connections are accepted, nothing is answered

    answers = [
        client.post(
            "/api/v1/submissions/",
            {"channel": "app", "sender_id": f"HUNG-{n}", "content": f"第{n}个路口的红绿灯坏了"},
            format="json",
        )
        for n in range(12)
    ]

    assert [a.status_code for a in answers] == [201] * 12
    assert Submission.objects.filter(status=SubmissionStatus.RECEIVED).count() == 12  # stored, waiting
    assert publish.backlog() > 0  # handed to the publisher thread, which is still waiting on the broker

    os.kill(server.pid, signal.SIGCONT)
    assert publish.wait_until_sent(60)
    from config.celery import app
    from hotline.services import submissions_requeue_stalled

    # the queue the tasks went to: another test's worker may have given this session a queue of its own
    default_queue = app.conf.task_default_queue
    stored = set(Submission.objects.values_list("pk", flat=True))
    queued = _submissions_queued(port, default_queue)
    if queued < stored:  # what the hung broker made the thread give up on, the sweep queues again
        submissions_requeue_stalled()
        publish.wait_until_sent(60)
        queued = _submissions_queued(port, default_queue)
    assert queued >= stored, redis.Redis(port=port).keys("*")


def _submissions_queued(port: int, queue: str) -> set[int]:
    """The submissions the triage messages waiting in ``queue`` name (a message may name several received
    together: ``triage_submissions``)."""
    found: set[int] = set()
    for raw in redis.Redis(port=port).lrange(queue, 0, -1):
        message = json.loads(raw)
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        task = message["headers"]["task"]
        if task == "hotline.tasks.triage_submission":
            found.add(args[0])
        elif task == "hotline.tasks.triage_submissions":
            found.update(args[0])
    return found
