"""The caller card: the caller's earlier and open orders at intake and on the order page, masked per role, and a
repeat call attached to an open order as the citizen's reminder (催办)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import City, Personas
from tests.factories import make_order
from tests.workorders.conftest import signed_in
from workorders import selectors, services
from workorders.choices import CITIZEN_REMINDER, Action, Status
from workorders.models import WorkOrder, WorkOrderEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("deadline_policies")]

PHONE = "13812345678"


@pytest.fixture
def history(city: City, personas: Personas) -> dict[str, WorkOrder]:
    """A caller who called about a broken street light 40 days ago (closed since) and 3 days ago (being handled),
    and calls again now; another caller's order."""
    old = make_order(title="路灯坏了", caller_phone=PHONE, caller_name="王小明", at=timezone.now() - timedelta(days=40))
    services.workorder_cancel(order=old, by=personas.operator, reason="重复")
    open_order = make_order(
        title="小区路灯不亮",
        caller_phone=PHONE,
        caller_name="王小明",
        category=city.construction,
        at=timezone.now() - timedelta(days=3),
    )
    services.workorder_dispatch(order=open_order, by=personas.operator, lead_department=city.housing)
    call = make_order(title="路灯还是不亮", caller_phone=PHONE, caller_name="王小明")
    stranger = make_order(title="噪音", caller_phone="13900001111", category=city.pollution)
    services.workorder_dispatch(order=stranger, by=personas.operator, lead_department=city.environment)
    return {"old": old, "open": open_order, "call": call, "stranger": stranger}


def test_the_order_page_shows_the_callers_earlier_and_open_orders(
    personas: Personas, history: dict[str, WorkOrder]
) -> None:
    response = signed_in(personas.operator).get(reverse("order-detail", args=[history["call"].pk]))

    card = response.context["caller"]
    assert [o.pk for o in card.earlier] == [history["open"].pk, history["old"].pk]
    assert [o.pk for o in card.open_orders] == [history["open"].pk]
    assert card.recent_calls == 2  # three days ago and now; the call of 40 days ago is older
    page = response.content.decode()
    assert "近 30 天来电 2 次" in page and "未办结 1 单" in page
    assert history["open"].number in page and "市住房和城乡建设局" in page and "待签收" in page
    assert history["stranger"].number not in page
    assert PHONE in page


def test_a_manager_sees_the_card_with_the_phone_masked(personas: Personas, history: dict[str, WorkOrder]) -> None:
    response = signed_in(personas.manager).get(reverse("order-detail", args=[history["call"].pk]))

    card = response.context["caller"]
    assert [o.pk for o in card.earlier] == [history["open"].pk, history["old"].pk]  # found by the real number
    page = response.content.decode()
    assert "138****5678" in page
    assert PHONE not in page and "王小明" not in page
    assert "同一诉求：记为市民催办" not in page  # managers do not merge


def test_the_card_follows_the_phone_typed_at_intake(personas: Personas, history: dict[str, WorkOrder]) -> None:
    response = signed_in(personas.operator).post(reverse("caller-card"), {"caller_phone": "138-1234-5678"})

    page = response.content.decode()
    assert response.status_code == 200
    assert history["open"].number in page and history["call"].number in page
    assert 'name="attach_to"' in page  # the open order can take the call being typed in as a reminder


def test_an_unknown_or_partial_number_finds_nobody(personas: Personas, history: dict[str, WorkOrder]) -> None:
    client = signed_in(personas.operator)
    assert "此号码以前没有工单" in client.post(reverse("caller-card"), {"caller_phone": "13700000000"}).content.decode()
    assert not selectors.caller_card("5678", personas.operator).known


def test_roles_without_intake_cannot_look_a_phone_up(personas: Personas, history: dict[str, WorkOrder]) -> None:
    for user in (personas.manager, personas.officer_a):
        assert signed_in(user).post(reverse("caller-card"), {"caller_phone": PHONE}).status_code == 403


def test_a_repeat_call_is_attached_to_the_open_order_as_the_citizens_reminder(
    personas: Personas, history: dict[str, WorkOrder]
) -> None:
    call, open_order = history["call"], history["open"]

    response = signed_in(personas.operator).post(
        reverse("order-attach", args=[call.pk]), {"into": open_order.pk, "version": call.version}
    )

    assert response.url == reverse("order-detail", args=[open_order.pk])
    call.refresh_from_db()
    assert call.status == Status.MERGED and call.merged_into == open_order
    reminder = WorkOrderEvent.objects.get(order=open_order, action=Action.REMIND)
    assert reminder.reason_code == CITIZEN_REMINDER and call.number in reminder.reason
    assert reminder.actor == personas.operator
    page = signed_in(personas.operator).get(reverse("order-detail", args=[open_order.pk])).content.decode()
    assert "市民再次来电催办" in page


def test_a_call_cannot_be_attached_to_another_callers_order(personas: Personas, history: dict[str, WorkOrder]) -> None:
    call = history["call"]
    response = signed_in(personas.operator).post(
        reverse("order-attach", args=[call.pk]), {"into": history["stranger"].pk, "version": call.version}
    )

    assert response.status_code == 400
    assert "只能附加到同一来电人的未办结工单" in response.content.decode()
    call.refresh_from_db()
    assert call.status == Status.DRAFT
    assert not WorkOrderEvent.objects.filter(order=history["stranger"], action=Action.REMIND).exists()


def test_a_call_typed_in_at_intake_is_attached_in_one_step(
    personas: Personas, history: dict[str, WorkOrder], settings: object
) -> None:
    open_order = history["open"]
    response = signed_in(personas.operator).post(
        reverse("intake-new"),
        {"appeal": "我上周打过电话，小区路灯还是不亮，请催一下。", "caller_phone": PHONE, "attach_to": open_order.pk},
    )

    assert response.url == reverse("order-detail", args=[open_order.pk])
    call = WorkOrder.objects.exclude(pk__in=[o.pk for o in history.values()]).get()
    assert call.status == Status.MERGED and call.merged_into == open_order  # the call is kept, not a new order
    assert WorkOrderEvent.objects.filter(order=open_order, action=Action.REMIND, reason_code=CITIZEN_REMINDER).exists()
