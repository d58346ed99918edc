"""A live call on PostgreSQL with a real Celery worker over Redis: each turn's analysis goes through the queue (never
the web request), the order fills in while the call goes on, and the hang-up hands the call to the intake's
triage on the same worker."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from calls.models import LiveCall
from hotline.models import SubmissionStatus
from hotline.publish import wait_until_sent
from tests.integration.conftest import wait_for
from workorders.models import WorkOrder

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_rows"),
]

TURNS = [
    {"seq": 0, "speaker": "agent", "text": "您好，12345热线，请讲。", "start": 0.0, "end": 2.0},
    {"seq": 1, "speaker": "caller", "text": "我要反映，A3区西湖街道茶场村", "start": 2.5, "final": False},
    {
        "seq": 1,
        "speaker": "caller",
        "text": "我要反映，A3区西湖街道茶场村的路灯坏了一个星期了。",
        "start": 2.5,
        "end": 8.0,
    },
]


def test_a_live_call_is_analysed_by_the_worker_and_handed_to_the_intake(city, personas, celery_worker) -> None:
    client = APIClient()
    client.force_authenticate(personas.integration)
    assert (
        client.post("/api/v1/calls/", {"call_id": "LIVE-INT-1", "operator": "operator"}, format="json").status_code
        == 201
    )
    for turn in TURNS:
        assert client.post("/api/v1/calls/LIVE-INT-1/turns/", turn, format="json").status_code == 200
    wait_until_sent(timeout=10)
    call = LiveCall.objects.get(call_id="LIVE-INT-1")

    def filled() -> bool:
        return WorkOrder.objects.get(pk=call.order_id).area_id == city.community_area.pk

    wait_for(filled, message="the worker to fill the order in from the call so far")
    assert LiveCall.objects.get(pk=call.pk).analysed_finals == 2

    assert client.post("/api/v1/calls/LIVE-INT-1/close/", format="json").status_code == 200
    wait_until_sent(timeout=10)

    def handed_over() -> bool:
        order = WorkOrder.objects.select_related("source_submission").get(pk=call.order_id)
        return order.source_submission is not None and order.source_submission.status == SubmissionStatus.TRIAGED

    wait_for(handed_over, message="the intake to analyse the whole call")
    operator = APIClient()
    operator.force_authenticate(personas.operator)
    state = operator.get("/api/v1/calls/LIVE-INT-1/").json()
    assert state["status"] == "closed" and state["analysed"] and len(state["turns"]) == 2
