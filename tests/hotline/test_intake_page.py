"""The operator's manual intake page: a phone call typed in becomes a draft order."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from hotline.models import Submission
from tests.conftest import Personas
from workorders.choices import Channel, Status
from workorders.models import WorkOrder

pytestmark = pytest.mark.django_db

CALL = {
    "appeal": "西湖街道茶场村路口的路灯坏了一个星期，晚上很黑，请尽快修理。",
    "title": "",
    "caller_name": "张先生",
    "caller_phone": "138 0000 0000",
    "address": "茶场村路口",
}


def test_operator_enters_a_call_and_lands_on_the_draft_showing_the_appeal(
    client: Client, personas: Personas, django_capture_on_commit_callbacks: object
) -> None:
    client.force_login(personas.operator)
    assert client.get(reverse("intake-new")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("intake-new"), CALL, follow=True)
    order = WorkOrder.objects.get()
    assert response.redirect_chain[-1][0] == reverse("order-detail", args=[order.pk])
    text = response.content.decode()
    assert CALL["appeal"] in re.sub(r"<[^>]+>", "", text)  # as read on the page (places are marked in it)
    assert order.number in text and "待派单" in text
    assert f"来电已登记为工单 {order.number}" in text
    assert order.status == Status.DRAFT and order.channel == Channel.PHONE
    assert order.caller_name == "张先生"
    assert order.title  # written by the analysis that ran after the commit


def test_the_call_is_stored_as_received(client: Client, personas: Personas) -> None:
    client.force_login(personas.operator)
    # As a browser sends the form.
    client.post(reverse("intake-new"), urlencode(CALL), content_type="application/x-www-form-urlencoded")
    submission = Submission.objects.get()
    assert submission.channel == Channel.PHONE
    assert submission.sender_id.startswith("desk-") and len(submission.sender_id) == len("desk-") + 32
    assert submission.content_type == "application/x-www-form-urlencoded"
    assert "caller_name=%E5%BC%A0%E5%85%88%E7%94%9F" in submission.raw_body
    assert submission.payload["appeal"] == CALL["appeal"]
    assert submission.submitted_by == personas.operator


def test_two_calls_with_the_same_text_become_two_orders(client: Client, personas: Personas) -> None:
    client.force_login(personas.operator)
    client.post(reverse("intake-new"), CALL)
    client.post(reverse("intake-new"), CALL)
    assert WorkOrder.objects.count() == 2


def test_a_call_without_an_appeal_is_refused_in_chinese(client: Client, personas: Personas) -> None:
    client.force_login(personas.operator)
    response = client.post(reverse("intake-new"), {**CALL, "appeal": "  "})
    assert response.status_code == 400
    assert "该字段是必填项" in response.content.decode()
    assert not WorkOrder.objects.exists() and not Submission.objects.exists()


def test_a_malformed_phone_number_is_refused(client: Client, personas: Personas) -> None:
    client.force_login(personas.operator)
    response = client.post(reverse("intake-new"), {**CALL, "caller_phone": "call me"})
    assert response.status_code == 400
    assert "电话号码" in response.content.decode()
    assert not WorkOrder.objects.exists()


@pytest.mark.parametrize("persona", ["officer_a", "manager", "integration"])
def test_other_roles_may_not_enter_calls(client: Client, personas: Personas, persona: str) -> None:
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("intake-new")).status_code == 403
    assert client.post(reverse("intake-new"), CALL).status_code == 403
    assert not WorkOrder.objects.exists()
