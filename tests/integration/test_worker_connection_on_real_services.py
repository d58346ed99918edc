"""A Celery worker keeps its PostgreSQL connection from one analysis to the next, as the web server keeps one from
request to request: a new connection per call would start a PostgreSQL backend per call (config/celery.py)."""

from __future__ import annotations

import pytest
from django.db import connection

from hotline.models import Submission, SubmissionStatus
from hotline.services import IntakeRequest, submission_receive
from tests.integration.conftest import wait_for

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_rows"),
]


def _analysed(sender_id: str, personas) -> None:
    submission = submission_receive(
        request=IntakeRequest(
            channel="web", sender_id=sender_id, content="小区门口的路灯坏了一个星期，晚上很黑。", raw_body="{}"
        ),
        by=personas.integration,
    ).submission
    wait_for(
        lambda: Submission.objects.get(pk=submission.pk).status == SubmissionStatus.TRIAGED,
        message=f"the worker to analyse {sender_id}",
    )


def _other_backends() -> set[int]:
    """The backends connected to the test database other than this test's own: the worker's."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND backend_type = 'client backend'"
        )
        return {pid for (pid,) in cursor.fetchall()}


def test_the_worker_analyses_one_call_after_another_on_the_same_connection(city, personas, celery_worker) -> None:
    _analysed("KEEP-CONN-1", personas)
    after_first = _other_backends()
    assert after_first, "the worker closed its connection after the task"
    for n in range(2, 5):
        _analysed(f"KEEP-CONN-{n}", personas)
    assert after_first & _other_backends()
