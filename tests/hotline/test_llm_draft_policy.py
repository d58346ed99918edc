"""The draft policy: an LLM draft never changes what an operator has seen, set or confirmed. Before anyone opens
an order it fills untouched fields; once an operator has it open, it waits beside the fields to be taken or set
aside; a draft asked for before the order changed is discarded, and says why."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from hotline.llm_services import order_draft_with_llm
from tests.conftest import City, Personas
from tests.hotline.test_llm_drafting import draft_json, triaged
from tests.llm_server import FakeLLM
from workorders import services
from workorders.models import WorkOrder

pytestmark = pytest.mark.django_db

LOCKED_IN = "求助！A3区西湖街道茶场村路边一辆车里锁了一个小孩，家长不在，天很热，孩子在哭，旁边工地噪音污染很大听不清。"


def test_a_draft_arriving_while_the_operator_has_the_order_open_changes_nothing_by_itself(
    client: Client, city: City, personas: Personas, fake_llm: FakeLLM
) -> None:
    order = triaged(personas, LOCKED_IN, sender="RACE-1")
    reviewed = (order.title, order.request_type, order.urgency, order.category_id)
    client.force_login(personas.operator)
    client.get(reverse("order-detail", args=[order.pk]))  # the operator opens it

    fake_llm.answer(draft_json(order, request_type="suggestion", title="停车场车辆管理建议"))
    assert order_draft_with_llm(order_id=order.pk, based_on=order.version) == "suggested"

    order.refresh_from_db()
    assert (order.title, order.request_type, order.urgency, order.category_id) == reviewed
    page = client.get(reverse("order-detail", args=[order.pk])).content.decode()
    assert "停车场车辆管理建议" in page and "建议" in page  # shown beside the fields
    client.post(reverse("order-dispatch", args=[order.pk]), {"lead_department": city.environment.pk})
    order.refresh_from_db()
    assert order.status == "dispatched"
    assert (order.title, order.request_type, order.urgency, order.category_id) == reviewed


def test_the_operator_takes_one_suggestion_or_all_of_them_or_sets_them_aside(
    client: Client, city: City, personas: Personas, fake_llm: FakeLLM
) -> None:
    orders = [triaged(personas, sender=f"TAKE-{n}") for n in range(3)]
    client.force_login(personas.operator)
    for order in orders:
        client.get(reverse("order-detail", args=[order.pk]))
        fake_llm.answer(draft_json(order, title="夜间施工噪音扰民"))
        assert order_draft_with_llm(order_id=order.pk, based_on=order.version) == "suggested"
    url = lambda order: reverse("order-llm-suggestions", args=[order.pk])  # noqa: E731

    client.post(url(orders[0]), {"decision": "accept", "field": "title"})
    client.post(url(orders[1]), {"decision": "accept"})
    client.post(url(orders[2]), {"decision": "dismiss"})

    one, every, none = (WorkOrder.objects.get(pk=o.pk) for o in orders)
    assert one.title == "夜间施工噪音扰民" and one.request_type == orders[0].request_type
    assert one.triage_record.llm.waiting  # the other suggestions still wait
    assert every.title == "夜间施工噪音扰民" and every.request_type == "report"
    assert every.triage_record.llm.status == "accepted" and every.triage_record.sources["title"].is_llm
    assert none.title == orders[2].title and none.triage_record.llm.status == "dismissed"
    assert one.events.filter(action="edit", actor=personas.operator).exists()  # taken as the operator's own edit


def test_a_draft_asked_for_before_the_order_changed_is_discarded_with_the_reason(
    city: City, personas: Personas, fake_llm: FakeLLM
) -> None:
    order = triaged(personas, sender="STALE-1")
    asked_at = order.version
    services.workorder_update(
        order=order, by=personas.operator, appeal=order.appeal + "（补充：工地在学校旁边）", based_on=asked_at
    )

    fake_llm.answer(draft_json(order, title="旧草稿的标题"))
    assert order_draft_with_llm(order_id=order.pk, based_on=asked_at) == "stale"

    order.refresh_from_db()
    assert order.title != "旧草稿的标题"
    assert order.triage_record.llm.status == "stale" and str(asked_at) in order.triage_record.llm.reason


def test_a_value_the_operator_confirmed_unchanged_is_kept_when_a_draft_fills_the_others(
    city: City, personas: Personas, fake_llm: FakeLLM
) -> None:
    order = triaged(personas, sender="CONFIRM-1")
    services.workorder_update(order=order, by=personas.operator, title=order.title, based_on=order.version)
    order.refresh_from_db()

    fake_llm.answer(draft_json(order, title="大模型的标题"))
    assert order_draft_with_llm(order_id=order.pk, based_on=order.version) == "applied"

    fresh = WorkOrder.objects.get(pk=order.pk)
    assert fresh.title == order.title  # confirmed by saving it unchanged
    assert fresh.request_type == "report"  # untouched: filled by the draft
    assert "title" in fresh.triage_record.llm.kept
    assert json.loads(draft_json(order))["title"]  # the draft was a valid one
