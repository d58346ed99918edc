"""The LLM drafts orders through a real local chat-completions server: good answers are applied, bad ones
repaired once or rejected, failures leave the classical triage standing, and operators always win."""

from __future__ import annotations

import json
import re
import threading

import pytest
from rest_framework.test import APIClient

from hotline.llm_services import order_draft_with_llm
from hotline.services import IntakeRequest, submission_receive, submission_triage
from tests.conftest import City, Personas
from tests.llm_server import FakeLLM, Scripted
from workorders import services
from workorders.choices import Action
from workorders.models import WorkOrder

pytestmark = pytest.mark.django_db

NOISE = (
    "我要投诉，A3区西湖街道茶场村旁边的工地每天夜里施工，噪音污染非常严重，搅拌机响到凌晨两点，希望环保部门尽快查处。"
)


def triaged(personas: Personas, text: str = NOISE, sender: str = "D-1") -> WorkOrder:
    outcome = submission_receive(
        request=IntakeRequest(channel="phone", sender_id=sender, content=text, raw_body="{}"), by=personas.integration
    )
    submission_triage(submission_id=outcome.submission.pk)
    return WorkOrder.objects.get(pk=outcome.submission.order.pk)


def draft_json(order: WorkOrder, **overrides: object) -> str:
    """A valid draft answer for the order, choosing its second category candidate."""
    options = [c["value"] for c in order.triage["category"]["ranked"]] + [
        c["value"] for c in order.triage["level1"]["ranked"]
    ]
    answer = {
        "title": "茶场村工地夜间施工噪音扰民",
        "summary": {
            "appellant": "茶场村居民",
            "location": "A3区西湖街道茶场村",
            "content": "附近工地每天夜间施工至凌晨两点，搅拌机噪音严重。",
            "purpose": "希望环保部门查处夜间施工。",
        },
        "request_type": "report",
        "category_id": options[-1],
    }
    answer.update(overrides)
    return json.dumps(answer, ensure_ascii=False)


def test_a_good_answer_replaces_the_classical_draft_and_says_where_it_came_from(
    city: City, personas: Personas, fake_llm: FakeLLM
) -> None:
    order = triaged(personas)
    chosen = json.loads(draft_json(order))["category_id"]
    fake_llm.answer(draft_json(order))
    assert order_draft_with_llm(order_id=order.pk) == "applied"
    order.refresh_from_db()
    assert order.title == "茶场村工地夜间施工噪音扰民"
    assert order.summary.startswith("诉求人：茶场村居民\n诉求地点：A3区西湖街道茶场村")
    assert order.request_type == "report" and order.category_id == chosen
    source = order.triage["sources"]["title"]
    assert source["source"] == "llm" and source["model"] == "fake-qwen" and source["prompt"] == "order_draft@v1"
    assert source["tokens"] == 180 and source["latency_ms"] >= 0
    assert order.triage["sources"]["urgency"]["source"] == "rules"  # not the LLM's field
    event = order.events.filter(action=Action.TRIAGE).last()
    assert "fake-qwen" in event.reason and event.changes["title"][1] == "茶场村工地夜间施工噪音扰民"
    request = fake_llm.requests[0]
    assert request["model"] == "fake-qwen" and request["response_format"]["type"] == "json_schema"
    asked = request["response_format"]["json_schema"]
    assert asked["name"] == "order_draft" and asked["strict"] is True
    assert chosen in asked["schema"]["properties"]["category_id"]["enum"]  # only the candidates can be chosen
    assert str(chosen) in request["messages"][1]["content"]  # the candidates are offered


def test_the_request_names_only_the_candidate_categories_and_no_department(
    city: City, personas: Personas, fake_llm: FakeLLM
) -> None:
    from workorders.models import Category, Department

    order = triaged(personas)
    candidates = {c.value for c in (*order.triage_record.category.ranked, *order.triage_record.level1.ranked)}
    fake_llm.answer(draft_json(order))
    order_draft_with_llm(order_id=order.pk)
    request = fake_llm.requests[0]
    prompt = request["messages"][1]["content"]
    offered = {int(pk) for pk in re.findall(r"^\s*- (\d+)：", prompt, flags=re.MULTILINE)}
    assert offered and offered <= candidates
    assert set(request["response_format"]["json_schema"]["schema"]["properties"]["category_id"]["enum"]) == offered
    paths = dict(Category.objects.values_list("pk", "full_name"))
    assert {line.split("：", 1)[1] for line in re.findall(r"^\s*- \d+：.*$", prompt, flags=re.MULTILINE)} == {
        paths[pk] for pk in offered
    }
    sent = json.dumps(request, ensure_ascii=False)
    assert not any(name in sent for name in Department.objects.values_list("name", flat=True))


def test_broken_json_gets_one_repair_attempt(city: City, personas: Personas, fake_llm: FakeLLM) -> None:
    order = triaged(personas)
    fake_llm.answer('{"title": "茶场村噪音", "summary": {', draft_json(order))
    assert order_draft_with_llm(order_id=order.pk) == "applied"
    assert len(fake_llm.requests) == 2
    repair = fake_llm.requests[1]["messages"]
    assert repair[-2]["role"] == "assistant" and "不是合法的JSON" in repair[-1]["content"]
    assert WorkOrder.objects.get(pk=order.pk).triage["sources"]["title"]["calls"] == 2


def test_an_answer_still_wrong_after_the_repair_leaves_the_classical_fields_and_says_why(
    city: City, personas: Personas, fake_llm: FakeLLM
) -> None:
    order = triaged(personas)
    before = (order.title, order.summary, order.request_type, order.category_id)
    fake_llm.answer(json.dumps({"title": "缺少字段"}), "还是不对，这不是JSON")
    assert order_draft_with_llm(order_id=order.pk) == "invalid"
    order.refresh_from_db()
    assert (order.title, order.summary, order.request_type, order.category_id) == before
    assert order.triage["llm"]["status"] == "invalid" and "JSON" in order.triage["llm"]["reason"]
    assert "category_id" in fake_llm.requests[1]["messages"][-1]["content"]  # the schema errors were sent back


def test_a_category_outside_the_candidates_is_refused(city: City, personas: Personas, fake_llm: FakeLLM) -> None:
    order = triaged(personas)
    invented = draft_json(order, category_id=987654)
    fake_llm.answer(invented, invented)
    assert order_draft_with_llm(order_id=order.pk) == "invalid"
    assert "987654" in fake_llm.requests[1]["messages"][-1]["content"]
    assert WorkOrder.objects.get(pk=order.pk).category_id == order.category_id


@pytest.mark.parametrize(
    ("answers", "reason"),
    [
        ([Scripted(delay=3), Scripted(delay=3)], "unavailable: timed out"),
        ([Scripted(status=500, body=b"boom"), Scripted(status=503, body=b"busy")], "unavailable: HTTP 503"),
        ([Scripted(status=401, body=b'{"error": "bad key"}')], "bad_response: HTTP 401"),
        ([Scripted(body=b"<html>not json</html>")], "bad_response: not a chat-completions response"),
    ],
)
def test_endpoint_failures_leave_the_classical_fields(
    city: City, personas: Personas, fake_llm: FakeLLM, answers: list[Scripted], reason: str
) -> None:
    order = triaged(personas)
    fake_llm.answer(*answers)
    assert order_draft_with_llm(order_id=order.pk) == "failed"
    fresh = WorkOrder.objects.get(pk=order.pk)
    assert fresh.title == order.title and reason in fresh.triage["llm"]["reason"]


def test_a_refused_connection_is_reported(city: City, personas: Personas, fake_llm: FakeLLM, settings) -> None:
    order = triaged(personas)
    settings.LLM = {**settings.LLM, "BASE_URL": "http://127.0.0.1:1/v1"}
    assert order_draft_with_llm(order_id=order.pk) == "failed"
    assert "cannot reach" in WorkOrder.objects.get(pk=order.pk).triage["llm"]["reason"]


def test_the_circuit_breaker_stops_calling_a_failing_endpoint(
    city: City, personas: Personas, fake_llm: FakeLLM
) -> None:
    fake_llm.default = Scripted(status=500, body=b"down")
    orders = [triaged(personas, sender=f"B-{i}") for i in range(5)]
    assert [order_draft_with_llm(order_id=o.pk) for o in orders] == ["failed"] * 5
    reasons = [WorkOrder.objects.get(pk=o.pk).triage["llm"]["reason"].split(":")[0] for o in orders]
    assert reasons == ["unavailable"] * 3 + ["circuit_open"] * 2
    assert len(fake_llm.requests) == 3 * 2  # three orders, two attempts each; then no more calls


def test_an_operators_edit_is_never_overwritten_by_a_late_answer(
    city: City, personas: Personas, fake_llm: FakeLLM
) -> None:
    order = triaged(personas)
    services.workorder_update(order=order, by=personas.operator, title="操作员改写的标题")
    fake_llm.answer(draft_json(order))
    assert order_draft_with_llm(order_id=order.pk) == "applied"
    order.refresh_from_db()
    assert order.title == "操作员改写的标题" and order.request_type == "report"
    assert order.triage["llm"]["kept"] == ["title"]


def test_a_draft_whose_order_was_dispatched_before_it_ran_is_not_asked_for(
    city: City, personas: Personas, fake_llm: FakeLLM
) -> None:
    order = triaged(personas)
    asked_at = order.version  # triage asked for the draft
    services.workorder_dispatch(order=order, by=personas.operator, lead_department=city.environment)
    fake_llm.answer(draft_json(order))
    assert order_draft_with_llm(order_id=order.pk, based_on=asked_at) == "expired"
    fresh = WorkOrder.objects.get(pk=order.pk)
    assert fresh.title == order.title and fresh.triage["llm"]["status"] == "expired"
    assert fresh.get_status_display() in fresh.triage["llm"]["reason"]  # it says where the order went
    assert not fake_llm.requests  # nothing was sent for an order nobody will draft any more


def test_no_personal_data_reaches_the_llm(city: City, personas: Personas, fake_llm: FakeLLM) -> None:
    planted = ["13912345678", "0731-84567890", "110101199003074573", "zhang.san@163.com", "湘A·12345", "王小明"]
    transcript = json.dumps(
        [
            {"speaker": "agent", "text": "您好，12345热线，请问怎么称呼？"},
            {"speaker": "caller", "text": "我叫王小明，手机13912345678，座机0731-84567890。"},
            {
                "speaker": "caller",
                "text": "我的身份证号110101199003074573，邮箱zhang.san@163.com，车牌湘A·12345被人刮了。",
            },
            {"speaker": "caller", "text": "A3区西湖街道茶场村工地夜里施工，噪音污染非常严重，希望环保部门查处。"},
        ],
        ensure_ascii=False,
    )
    outcome = submission_receive(
        request=IntakeRequest(channel="phone", sender_id="PII-1", content=transcript, raw_body=transcript),
        by=personas.integration,
    )
    submission_triage(submission_id=outcome.submission.pk)
    order = WorkOrder.objects.get(pk=outcome.submission.order.pk)
    assert "13912345678" in order.appeal  # the original is kept for the people who need it
    fake_llm.answer("不是JSON", draft_json(order))
    order_draft_with_llm(order_id=order.pk)
    sent = b"".join(fake_llm.raw_requests).decode("utf-8")
    sent_unescaped = json.dumps([json.loads(r) for r in fake_llm.raw_requests], ensure_ascii=False)
    for value in planted:
        assert value not in sent and value not in sent_unescaped, value
    assert "[MOBILE]" in sent_unescaped and "[ID_CARD]" in sent_unescaped and "[NAME]" in sent_unescaped


def test_only_the_callers_words_and_the_operators_read_backs_reach_the_llm(
    city: City, personas: Personas, fake_llm: FakeLLM
) -> None:
    transcript = (
        "坐席：您好，12345热线，工号一零二三为您服务，请讲。\n"
        "市民：我们西湖街道茶场村旁边的工地每天夜里施工，噪音污染非常严重，吵得睡不着。\n"
        "坐席：请问您贵姓？有没有向其他部门反映过？\n"
        "市民：没有，就是晚上两点还在打桩。\n"
        "坐席：您是说A3区西湖街道茶场村的工地夜里施工噪音扰民是吧？\n"
        "市民：对对对。\n"
        "坐席：好的，感谢您的来电，我们会尽快转交相关部门处理，祝您生活愉快。"
    )
    outcome = submission_receive(
        request=IntakeRequest(channel="phone", sender_id="LLM-CALL-1", content=transcript, raw_body=transcript),
        by=personas.integration,
    )
    submission_triage(submission_id=outcome.submission.pk)
    order = WorkOrder.objects.get(pk=outcome.submission.order.pk)
    fake_llm.answer(draft_json(order))
    order_draft_with_llm(order_id=order.pk)

    sent = json.dumps([json.loads(r) for r in fake_llm.raw_requests], ensure_ascii=False)
    assert "晚上两点还在打桩" in sent and "您是说A3区西湖街道茶场村的工地" in sent  # the caller, the read-back
    for script in ("工号", "请讲", "请问您贵姓", "有没有向其他部门反映过", "转交相关部门", "祝您生活愉快"):
        assert script not in sent, script


def test_the_order_page_shows_which_fields_the_llm_wrote(
    client, city: City, personas: Personas, fake_llm: FakeLLM
) -> None:
    order = triaged(personas)
    fake_llm.answer(draft_json(order))
    order_draft_with_llm(order_id=order.pk)
    client.force_login(personas.operator)
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert "fake-qwen" in page and "order_draft@v1" in page and "180" in page
    other = triaged(personas, sender="D-2")
    fake_llm.answer(Scripted(status=500, body=b"x"), Scripted(status=500, body=b"x"))
    order_draft_with_llm(order_id=other.pk)
    assert "HTTP 500" in client.get(f"/orders/{other.pk}/").content.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migration_rows")
def test_intake_answers_with_the_classical_triage_while_the_llm_is_still_thinking(city, personas, fake_llm) -> None:
    from hotline.llm_services import wait_for_background_drafts
    from workorders.models import WorkOrder

    hold = threading.Event()
    fake_llm.default = Scripted(content="not json", hold=hold)
    client = APIClient()
    client.force_authenticate(personas.integration)
    response = client.post(
        "/api/v1/submissions/",
        {
            "channel": "web",
            "sender_id": "SLOW-1",
            "content": "A3区西湖街道茶场村工地夜里施工，噪音污染严重，希望环保部门查处。",
        },
        format="json",
    )
    assert response.status_code == 201
    order = WorkOrder.objects.get(pk=response.json()["order_id"])
    assert order.triage["versions"] and order.title  # classical triage is done
    assert fake_llm.received.wait(10)  # the LLM has the request and has not answered
    assert order.triage["llm"]["status"] == "pending" and order.triage["llm"]["based_on_version"] == order.version
    hold.set()
    wait_for_background_drafts(timeout=20)
    order.refresh_from_db()
    assert order.triage["llm"]["status"] == "invalid"  # it answered nonsense twice: the classical draft stands
