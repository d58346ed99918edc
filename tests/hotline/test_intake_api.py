"""Intake over the API: stored verbatim, idempotent by sender id, clear 400s for bad input."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from accounts.models import User
from hotline.models import Submission, SubmissionStatus
from tests.conftest import City, Personas
from workorders.choices import Action, Status
from workorders.models import WorkOrder

pytestmark = pytest.mark.django_db

URL = "/api/v1/submissions/"
MESSAGE = {
    "channel": "web",
    "sender_id": "WEB-2026-000001",
    "title": "西湖街道路灯不亮",
    "content": "我要投诉，A3区西湖街道茶场村口的路灯坏了一个星期，晚上很黑，老人小孩出行不安全，请尽快修理。",
    "caller_name": "李女士",
    "caller_phone": "13900000000",
}


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def post_raw(user: User, body: bytes, content_type: str = "application/json"):
    return client_for(user).generic("POST", URL, body, content_type=content_type)


def test_a_message_creates_an_analysed_draft_order(
    city: City, personas: Personas, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client_for(personas.integration).post(URL, MESSAGE, format="json")
    assert len(queued) == 1  # triage is queued only once the submission is committed

    assert response.status_code == 201, response.content
    body = response.json()
    order = WorkOrder.objects.get(pk=body["order_id"])
    assert body["order_number"] == order.number and body["duplicate"] is False
    assert body["order_url"].endswith(f"/api/v1/orders/{order.pk}/")
    assert order.status == Status.DRAFT and order.channel == "web"
    assert order.title == MESSAGE["title"] and order.caller_phone == "13900000000"
    # triage ran after commit (in-process here) and filled what it found
    assert order.area == city.community_area
    assert order.request_type == "complaint"
    assert order.summary and order.triage["versions"]["pipeline"]
    assert [e.action for e in order.events.all()] == [Action.CREATE, Action.TRIAGE]
    submission = Submission.objects.get(pk=body["submission_id"])
    assert submission.status == SubmissionStatus.TRIAGED and submission.submitted_by == personas.integration
    assert (submission.caller_name, submission.caller_phone) == ("李女士", "13900000000")


def test_the_raw_body_is_stored_exactly_as_received(city: City, personas: Personas) -> None:
    raw = json.dumps(MESSAGE, ensure_ascii=False, indent=3).encode("utf-8")
    response = post_raw(personas.integration, raw)
    assert response.status_code == 201
    submission = Submission.objects.get(pk=response.json()["submission_id"])
    assert submission.raw_body.encode("utf-8") == raw
    assert submission.payload["sender_id"] == MESSAGE["sender_id"]


def test_the_same_sender_id_returns_the_same_order(city: City, personas: Personas) -> None:
    client = client_for(personas.integration)
    first = client.post(URL, MESSAGE, format="json")
    again = client.post(URL, MESSAGE, format="json")  # a retry: the same request again
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["order_id"] == first.json()["order_id"] and again.json()["duplicate"] is True
    assert Submission.objects.count() == 1 and WorkOrder.objects.count() == 1
    # another message under a sender id already used is refused, naming the conflict
    other_message = client.post(URL, {**MESSAGE, "content": "另一件事：楼下烧烤油烟太大"}, format="json")
    assert other_message.status_code == 409
    assert MESSAGE["sender_id"] in other_message.json()["sender_id"][0]
    assert "content" in other_message.json()["sender_id"][0]
    assert Submission.objects.count() == 1 and WorkOrder.objects.count() == 1
    # the same id on another channel is a different submission
    other = client.post(URL, {**MESSAGE, "channel": "app"}, format="json")
    assert other.status_code == 201 and other.json()["order_id"] != first.json()["order_id"]


def test_a_speaker_labelled_transcript_becomes_the_appeal(
    city: City, personas: Personas, django_capture_on_commit_callbacks
) -> None:
    call = {
        "channel": "phone",
        "sender_id": "CALL-1",
        "turns": [
            {"speaker": "agent", "text": "您好，12345热线，请讲。", "start": 0, "end": 2.5},
            {
                "speaker": "caller",
                "text": "我家楼下的燃气管道有很大的煤气味，好像燃气泄漏了！",
                "start": 2.6,
                "end": 7.0,
            },
        ],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(personas.operator).post(URL, call, format="json")
    assert response.status_code == 201, response.content
    order = WorkOrder.objects.get(pk=response.json()["order_id"])
    assert order.appeal == "坐席：您好，12345热线，请讲。\n市民：我家楼下的燃气管道有很大的煤气味，好像燃气泄漏了！"
    assert order.urgency == "emergency"


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({}, {"channel", "sender_id"}),
        ({"channel": "fax", "sender_id": "X1", "content": "内容"}, {"channel"}),
        ({"channel": "web", "sender_id": "X1"}, {"content"}),
        ({"channel": "web", "sender_id": "X1", "content": "  "}, {"content"}),
        (
            {"channel": "web", "sender_id": "X1", "content": "a", "turns": [{"speaker": "caller", "text": "b"}]},
            {"content"},
        ),
        ({"channel": "web", "sender_id": "has space", "content": "内容"}, {"sender_id"}),
        ({"channel": "web", "sender_id": "X1", "content": 12345}, set()),  # numbers are accepted as text
        ({"channel": "web", "sender_id": "X1", "content": ["不是", "文本"]}, {"content"}),
        ({"channel": "web", "sender_id": "X1", "content": "内容", "caller_phone": "call me"}, {"caller_phone"}),
        ({"channel": "web", "sender_id": "X1", "content": "内容", "received_at": "last tuesday"}, {"received_at"}),
        (
            {"channel": "web", "sender_id": "X1", "content": "内容", "received_at": "2999-01-01T00:00:00+08:00"},
            {"received_at"},
        ),
        ({"channel": "phone", "sender_id": "X1", "turns": [{"speaker": "robot", "text": "hi"}]}, {"turns"}),
        ({"channel": "phone", "sender_id": "X1", "turns": "坐席：你好"}, {"turns"}),
        (
            {
                "channel": "phone",
                "sender_id": "X1",
                "turns": [{"speaker": "caller", "text": "x", "start": 5, "end": 1}],
            },
            {"turns"},
        ),
    ],
)
def test_bad_payloads_are_400_naming_each_field(
    city: City, personas: Personas, payload: dict, fields: set[str]
) -> None:
    response = client_for(personas.integration).post(URL, payload, format="json")
    if not fields:
        assert response.status_code == 201
        return
    assert response.status_code == 400, response.content
    assert set(response.json()) == fields
    assert Submission.objects.count() == 0  # nothing half-stored


def test_oversized_text_is_refused_with_the_limit(city: City, personas: Personas) -> None:
    limit = settings.HOTLINE["MAX_APPEAL_CHARS"]
    response = client_for(personas.integration).post(URL, {**MESSAGE, "content": "字" * (limit + 1)}, format="json")
    assert response.status_code == 400 and str(limit) in response.json()["content"][0]
    turns = [{"speaker": "caller", "text": "字" * 4000} for _ in range(limit // 4000 + 1)]
    response = client_for(personas.integration).post(
        URL, {"channel": "phone", "sender_id": "BIG", "turns": turns}, format="json"
    )
    assert response.status_code == 400 and "turns" in response.json()


def test_a_body_that_is_not_utf8_is_refused(city: City, personas: Personas) -> None:
    body = json.dumps(MESSAGE, ensure_ascii=False).encode("gbk")
    response = post_raw(personas.integration, body)
    assert response.status_code == 400
    assert "UTF-8" in response.json()["detail"]
    assert Submission.objects.count() == 0


def test_malformed_json_is_refused_with_its_position(city: City, personas: Personas) -> None:
    response = post_raw(personas.integration, b'{"channel": "web", "sender_id": ')
    assert response.status_code == 400 and "JSON" in response.json()["detail"]


def test_control_characters_are_refused_naming_the_field(city: City, personas: Personas) -> None:
    response = post_raw(personas.integration, json.dumps({**MESSAGE, "content": "路灯\u0000坏了"}).encode())
    assert response.status_code == 400 and "content" in response.json()["detail"]
    response = post_raw(personas.integration, b'{"channel": "web", "sender_id": "S", "content": "\\ud800"}')
    assert response.status_code == 400


def test_other_media_types_are_refused(city: City, personas: Personas) -> None:
    response = post_raw(personas.integration, b"channel=web", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415


@pytest.mark.parametrize("who", ["officer_a", "manager"])
def test_officers_and_managers_do_not_submit(city: City, personas: Personas, who: str) -> None:
    assert client_for(getattr(personas, who)).post(URL, MESSAGE, format="json").status_code == 403


def test_anonymous_submissions_are_refused(city: City) -> None:
    assert APIClient().post(URL, MESSAGE, format="json").status_code in (401, 403)


def test_an_operators_submission_names_the_operator_as_creator(city: City, personas: Personas) -> None:
    mine = client_for(personas.operator).post(URL, {**MESSAGE, "sender_id": "DESK-1"}, format="json").json()
    system = client_for(personas.integration).post(URL, {**MESSAGE, "sender_id": "SYS-1"}, format="json").json()
    assert WorkOrder.objects.get(pk=mine["order_id"]).events.get(action="create").actor == personas.operator
    created = WorkOrder.objects.get(pk=system["order_id"]).events.get(action="create")
    assert created.actor is None and created.actor_role == "system"
