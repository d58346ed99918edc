"""The officer checks a reply before sending it; the sent reply keeps its scores."""

from __future__ import annotations

import pytest

from tests.conftest import Personas
from workorders.choices import Action
from workorders.models import WorkOrder

pytestmark = pytest.mark.django_db

VAGUE = "您反映的问题已收悉，我们将认真研究。"
GOOD = (
    "您好！经现场核实，小区门口路灯因线路老化损坏。我局已安排维修人员更换线路和灯具，"
    "目前路灯已恢复照明。依据《城市照明管理规定》第十二条，路灯由我局负责维护。感谢您的监督，如有疑问请拨打12345。"
)


def test_the_officer_sees_the_reply_check_with_advice(client, signed_order: WorkOrder, personas: Personas) -> None:
    client.force_login(personas.officer_a)
    page = client.get(f"/orders/{signed_order.pk}/").content.decode()
    assert f"/orders/{signed_order.pk}/reply-check/" in page
    fragment = client.post(f"/orders/{signed_order.pk}/reply-check/", {"reply": VAGUE}, HTTP_HX_REQUEST="true")
    text = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in text
    assert "✗" in text  # the parts a vague reply lacks
    assert "<li>" in text  # concrete advice


def test_without_javascript_the_check_shows_on_the_order_page_and_keeps_the_text(
    client, signed_order: WorkOrder, personas: Personas
) -> None:
    client.force_login(personas.officer_a)
    page = client.post(f"/orders/{signed_order.pk}/reply-check/", {"reply": GOOD}).content.decode()
    assert "<html" in page and "城市照明管理规定" in page and "reply-check" in page


def test_only_the_handling_departments_check_replies(client, signed_order: WorkOrder, personas: Personas) -> None:
    client.force_login(personas.manager)
    assert client.post(f"/orders/{signed_order.pk}/reply-check/", {"reply": GOOD}).status_code == 403
    client.force_login(personas.outsider)
    assert client.post(f"/orders/{signed_order.pk}/reply-check/", {"reply": GOOD}).status_code == 404


def test_a_sent_reply_keeps_its_check_scores(client, signed_order: WorkOrder, personas: Personas) -> None:
    from workorders import services

    services.assignment_reply(order=signed_order, by=personas.officer_a, reply=GOOD)
    vague_order_check = services.reply_quality(signed_order, VAGUE)
    event = signed_order.events.get(action=Action.REPLY)
    check = event.changes["reply_check"]
    assert set(check) == {"verdict", "overall", "relevance", "completeness", "explains"}
    assert check["completeness"] > vague_order_check["completeness"]
    assert check["overall"] > vague_order_check["overall"]
