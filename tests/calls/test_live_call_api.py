"""The live-call endpoints as the telephony platform uses them, and the operator's live view: idempotent opening,
turns streamed, clear 4xx for bad input, the call's end refusing later turns; the live view answering "unchanged" in
one read, everything changed since the revision a screen saw, and a field corrected mid-call."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from calls.models import LiveCall
from calls.services import live_call_analyse
from tests.conftest import City, Personas
from workorders.models import WorkOrder

pytestmark = pytest.mark.django_db

OPEN = "/api/v1/calls/"


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def turn(seq: int, speaker: str, text: str, start: float, **extra: object) -> dict[str, object]:
    return {"seq": seq, "speaker": speaker, "text": text, "start": start, "end": start + 2, **extra}


def test_the_telephony_opens_a_call_streams_it_and_ends_it(city: City, personas: Personas) -> None:
    client = api(personas.integration)
    body = {"call_id": "CALL-7", "caller_phone": "13800000000", "operator": "operator"}
    first = client.post(OPEN, body, format="json")
    again = client.post(OPEN, body, format="json")
    assert (first.status_code, again.status_code) == (201, 200), first.content
    assert first.json()["live_url"] == "/calls/CALL-7/" and again.json()["duplicate"] is True
    answer = client.post("/api/v1/calls/CALL-7/turns/", turn(0, "agent", "您好，12345热线，请讲。", 0), format="json")
    assert answer.status_code == 200 and answer.json()["order_number"]
    repeat = client.post("/api/v1/calls/CALL-7/turns/", turn(0, "agent", "您好，12345热线，请讲。", 0), format="json")
    assert repeat.json()["changed"] is False
    client.post("/api/v1/calls/CALL-7/turns/", turn(1, "caller", "西湖街道茶场村的路灯坏了", 2.5), format="json")
    live_call_analyse(call_pk=LiveCall.objects.get().pk)
    assert client.get("/api/v1/calls/CALL-7/").status_code == 403  # the caller's words: not read back by a system
    state = api(personas.operator).get("/api/v1/calls/CALL-7/").json()
    assert [t["text"] for t in state["turns"]] == ["您好，12345热线，请讲。", "西湖街道茶场村的路灯坏了"]
    assert {f["name"]: f["shown"] for f in state["fields"]}["area"].endswith("茶场村")
    assert client.post("/api/v1/calls/CALL-7/close/", format="json").json()["status"] == "closed"
    late = client.post("/api/v1/calls/CALL-7/turns/", turn(2, "caller", "还有", 9), format="json")
    assert late.status_code == 409 and "CALL-7" in late.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"seq": -1, "speaker": "caller", "text": "喂"}, "seq"),
        ({"seq": 1, "speaker": "robot", "text": "喂"}, "speaker"),
        ({"seq": 1, "speaker": "caller", "text": "喂", "start": 5, "end": 2}, "end"),
        ({"seq": 1, "speaker": "caller", "text": "喂" * 5001}, "text"),
        ({"speaker": "caller", "text": "喂"}, "seq"),
    ],
)
def test_a_bad_turn_is_refused_naming_the_field(personas: Personas, body: dict, field: str) -> None:
    client = api(personas.integration)
    client.post(OPEN, {"call_id": "CALL-8"}, format="json")
    answer = client.post("/api/v1/calls/CALL-8/turns/", body, format="json")
    assert answer.status_code == 400 and field in answer.json()


def test_bad_openings_and_unknown_calls_are_clear_4xx(personas: Personas) -> None:
    client = api(personas.integration)
    assert "call_id" in client.post(OPEN, {"call_id": "a/b"}, format="json").json()
    assert "operator" in client.post(OPEN, {"call_id": "C-1", "operator": "nobody"}, format="json").json()
    client.post(OPEN, {"call_id": "C-2", "caller_phone": "13800000000"}, format="json")
    conflict = client.post(OPEN, {"call_id": "C-2", "caller_phone": "13900000000"}, format="json")
    assert conflict.status_code == 409 and "call_id" in conflict.json()
    assert client.post("/api/v1/calls/NOPE/turns/", turn(0, "caller", "喂", 0), format="json").status_code == 404
    assert api(personas.operator).get("/api/v1/calls/C-2/?since=x").status_code == 400
    assert api(personas.officer_a).post(OPEN, {"call_id": "C-3"}, format="json").status_code == 403


def _live_call(personas: Personas) -> LiveCall:
    client = api(personas.integration)
    client.post(OPEN, {"call_id": "CALL-9", "operator": "operator"}, format="json")
    client.post("/api/v1/calls/CALL-9/turns/", turn(0, "caller", "西湖街道茶场村的路灯坏了", 0), format="json")
    call = LiveCall.objects.get(call_id="CALL-9")
    live_call_analyse(call_pk=call.pk)
    return LiveCall.objects.select_related("order").get(pk=call.pk)


def test_the_live_view_says_unchanged_until_something_changes_and_then_what_did(city: City, personas: Personas) -> None:
    call = _live_call(personas)
    page = Client()
    page.force_login(personas.operator)
    url = f"/calls/live/{call.pk}/state/"
    everything = page.get(url).json()
    assert everything["complete"] and len(everything["turns"]) == 1
    marks = {"since": everything["revision"], "version": everything["order_version"]}
    assert page.get(url, marks).json() == {"revision": everything["revision"], "unchanged": True}
    api(personas.integration).post("/api/v1/calls/CALL-9/turns/", turn(1, "agent", "好的", 3), format="json")
    changed = page.get(url, marks).json()
    assert not changed["complete"] and [t["text"] for t in changed["turns"]] == ["好的"]
    assert changed["fields"] is None  # the order has not changed: its fields are not read again
    assert page.get(url, {"since": marks["since"], "version": 0}).json()["fields"]  # a screen behind gets them
    assert page.get(url, {"since": "-1"}).status_code == 400


def test_only_those_who_take_calls_follow_them(city: City, personas: Personas) -> None:
    call = _live_call(personas)
    page = Client()
    page.force_login(personas.manager)
    assert page.get(f"/calls/live/{call.pk}/state/").status_code == 403
    assert page.get("/calls/CALL-9/").status_code == 403


def test_the_screen_pop_opens_the_calls_order(city: City, personas: Personas) -> None:
    call = _live_call(personas)
    page = Client()
    page.force_login(personas.operator)
    assert page.get("/calls/CALL-9/").url == f"/orders/{call.order_id}/"
    api(personas.integration).post(OPEN, {"call_id": "CALL-10"}, format="json")
    waiting = page.get("/calls/CALL-10/")
    assert waiting.status_code == 200 and 'http-equiv="refresh"' in waiting.content.decode()


def test_a_field_corrected_in_the_live_view_is_the_operators(city: City, personas: Personas) -> None:
    call = _live_call(personas)
    page = Client()
    page.force_login(personas.operator)
    url = f"/calls/live/{call.pk}/correct/"
    answer = page.post(url, {"field": "urgency", "value": "urgent"}, HTTP_ACCEPT="application/json")
    assert answer.status_code == 200
    urgency = next(f for f in answer.json()["fields"] if f["name"] == "urgency")
    assert urgency["value"] == "urgent" and urgency["by_operator"]
    assert WorkOrder.objects.get(pk=call.order_id).confirmed_fields == ["urgency"]
    assert page.post(url, {"field": "urgency", "value": "whenever"}).status_code == 400
    assert page.post(url, {"field": "status", "value": "closed"}).status_code == 400
