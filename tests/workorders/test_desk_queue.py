"""The dispatch desk's queue: risk first, then the longest waiting; every order reachable; claims (认领), "next
order" and the way on after dispatch."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import City, Personas
from tests.factories import UserFactory, make_order
from tests.workorders.conftest import signed_in
from workorders import selectors, services
from workorders.choices import Action, Status
from workorders.models import OrderClaim, WorkOrder, WorkOrderEvent
from workorders.triage_record import SafetyRecord, TriageRecord

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("deadline_policies")]


def queue_numbers(response: object) -> list[str]:
    return [order.number for order in response.context["queue_rows"]]


def draft(title: str, minutes_ago: int, **fields: object) -> WorkOrder:
    return make_order(title=title, at=timezone.now() - timedelta(minutes=minutes_ago), **fields)


@pytest.fixture
def mixed_queue(city: City) -> dict[str, WorkOrder]:
    """Orders awaiting dispatch of every risk, received at different times."""
    orders = {
        "old_normal": draft("路灯不亮", 300, category=city.construction),
        "new_normal": draft("噪音扰民", 5, category=city.pollution),
        "urgent": draft("水管漏水", 30, urgency="urgent"),
        "priority": draft("投诉三次没人管", 20, is_priority=True),
        "emergency": draft("闻到燃气味", 2, urgency="emergency"),
    }
    self_harm = draft("情绪低落", 10)
    record = TriageRecord(versions={"pipeline": "test"}, safety=SafetyRecord("self_harm", True, ("不想活了",)))
    services.workorder_apply_triage(order=self_harm, fields={}, record=record)
    orders["self_harm"] = self_harm
    return orders


def test_the_queue_puts_lives_at_risk_first_then_priority_callers_then_urgent_then_the_longest_waiting(
    personas: Personas, mixed_queue: dict[str, WorkOrder]
) -> None:
    response = signed_in(personas.operator).get(reverse("desk"))

    expected = ["self_harm", "emergency", "priority", "urgent", "old_normal", "new_normal"]
    assert queue_numbers(response) == [mixed_queue[name].number for name in expected]
    page = response.content.decode()
    assert page.index(mixed_queue["emergency"].number) < page.index(mixed_queue["old_normal"].number)
    assert "生命安全风险" in page and "优先处理的来电人" in page
    assert "5小时前" in page or "5 小时前" in page  # the oldest has waited five hours, in words
    assert "电话" in page  # the channel


def test_every_waiting_order_is_reachable_page_by_page_and_the_count_matches(personas: Personas) -> None:
    made = {make_order(title=f"工单{n}").number for n in range(120)}
    client = signed_in(personas.operator)

    seen: list[str] = []
    for page in (1, 2, 3):
        response = client.get(reverse("desk"), {"page": page})
        assert response.context["queue_page"].paginator.count == 120
        seen += queue_numbers(response)
    assert len(seen) == 120 and set(seen) == made
    first = client.get(reverse("desk")).content.decode()
    assert "下一页" in first and "第 1/3 页" in first


def test_the_refresh_returns_the_queue_only_with_what_the_operator_typed_applied(
    personas: Personas, mixed_queue: dict[str, WorkOrder]
) -> None:
    response = signed_in(personas.operator).get(reverse("desk"), {"q": "燃气"}, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert queue_numbers(response) == [mixed_queue["emergency"].number]
    assert 'id="queue-q"' not in page  # the filter box is outside what the refresh replaces
    assert "<html" not in page


def test_opening_an_order_claims_it_and_other_operators_see_who_has_it(
    personas: Personas, mixed_queue: dict[str, WorkOrder]
) -> None:
    other = UserFactory(username="operator2", role="operator", first_name="小李")
    order = mixed_queue["emergency"]
    signed_in(personas.operator).get(reverse("order-detail", args=[order.pk]))

    claim = OrderClaim.objects.get(order=order)
    assert claim.user == personas.operator
    second = signed_in(other)
    queue = second.get(reverse("desk")).content.decode()
    assert f"由 {personas.operator} 处理中" in queue
    page = second.get(reverse("order-detail", args=[order.pk])).content.decode()
    assert f"由 {personas.operator} 处理中" in page
    assert OrderClaim.objects.get(order=order).user == personas.operator  # opening it did not take it away
    assert WorkOrderEvent.objects.filter(order=order, action=Action.CLAIM).count() == 1


def test_next_takes_the_first_order_nobody_holds_and_two_operators_get_different_orders(
    personas: Personas, mixed_queue: dict[str, WorkOrder]
) -> None:
    other = UserFactory(username="operator2", role="operator")

    first = signed_in(personas.operator).post(reverse("desk-next"))
    second = signed_in(other).post(reverse("desk-next"))

    assert first.url == reverse("order-detail", args=[mixed_queue["self_harm"].pk])
    assert second.url == reverse("order-detail", args=[mixed_queue["emergency"].pk])
    assert OrderClaim.objects.get(order=mixed_queue["self_harm"]).user == personas.operator
    assert OrderClaim.objects.get(order=mixed_queue["emergency"]).user == other


def test_next_again_moves_on_and_frees_the_order_left_behind(
    personas: Personas, mixed_queue: dict[str, WorkOrder]
) -> None:
    first = services.workorder_claim_next(by=personas.operator)
    second = services.workorder_claim_next(by=personas.operator)

    assert (first, second) == (mixed_queue["self_harm"], mixed_queue["emergency"])
    assert not OrderClaim.objects.filter(order=first).exists()  # one order at a time


def test_a_claim_lapses_after_ten_minutes_without_activity(
    personas: Personas, mixed_queue: dict[str, WorkOrder]
) -> None:
    other = UserFactory(username="operator2", role="operator")
    order = mixed_queue["self_harm"]
    services.workorder_claim(order=order, by=personas.operator, at=timezone.now() - timedelta(minutes=11))

    taken = services.workorder_claim_next(by=other)

    assert taken == order
    assert OrderClaim.objects.get(order=order).user == other


def test_activity_on_the_order_page_keeps_the_claim_and_idle_polls_do_not(
    personas: Personas, mixed_queue: dict[str, WorkOrder]
) -> None:
    order = mixed_queue["urgent"]
    long_ago = timezone.now() - timedelta(minutes=8)
    services.workorder_claim(order=order, by=personas.operator, at=long_ago)
    client = signed_in(personas.operator)

    idle = client.post(reverse("order-claim", args=[order.pk]), {"active": ""})
    assert OrderClaim.objects.get(order=order).active_at == long_ago
    assert "你正在处理此工单" in idle.content.decode()
    client.post(reverse("order-claim", args=[order.pk]), {"active": "1"})
    assert OrderClaim.objects.get(order=order).active_at > long_ago


def test_going_back_to_the_queue_frees_the_order(personas: Personas, mixed_queue: dict[str, WorkOrder]) -> None:
    order = mixed_queue["urgent"]
    client = signed_in(personas.operator)
    client.get(reverse("order-detail", args=[order.pk]))

    response = client.post(reverse("order-release", args=[order.pk]))

    assert response.url == reverse("desk")
    assert not OrderClaim.objects.filter(order=order).exists()


def test_after_dispatch_the_operator_is_taken_to_the_next_unclaimed_order(
    city: City, personas: Personas, mixed_queue: dict[str, WorkOrder]
) -> None:
    other = UserFactory(username="operator2", role="operator")
    services.workorder_claim(order=mixed_queue["self_harm"], by=other)  # someone else has the first one
    order = mixed_queue["old_normal"]
    client = signed_in(personas.operator)
    client.get(reverse("order-detail", args=[order.pk]))

    response = client.post(
        reverse("order-dispatch", args=[order.pk]), {"lead_department": city.housing.pk, "version": order.version}
    )

    assert response.status_code == 302
    assert response.url == reverse("order-detail", args=[mixed_queue["emergency"].pk])
    assert WorkOrder.objects.get(pk=order.pk).status == Status.DISPATCHED
    assert set(OrderClaim.objects.filter(user=personas.operator).values_list("order_id", flat=True)) == {
        mixed_queue["emergency"].pk
    }


def test_a_manager_sees_the_queue_but_claims_nothing(personas: Personas, mixed_queue: dict[str, WorkOrder]) -> None:
    client = signed_in(personas.manager)
    assert client.get(reverse("desk")).status_code == 200
    client.get(reverse("order-detail", args=[mixed_queue["urgent"].pk]))

    assert not OrderClaim.objects.exists()
    assert client.post(reverse("desk-next")).status_code == 403


def test_next_with_nothing_left_says_so(personas: Personas) -> None:
    response = signed_in(personas.operator).post(reverse("desk-next"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("desk")
    assert "没有其他待派单的工单" in response.content.decode()


def test_the_queue_reads_a_fixed_number_of_queries_for_a_full_page(
    personas: Personas, django_assert_max_num_queries: object
) -> None:
    for n in range(60):
        make_order(title=f"工单{n}")
    client = signed_in(personas.operator)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("desk"), HTTP_HX_REQUEST="true")
    assert len(response.context["queue_rows"]) == 50


def test_the_queue_selector_ranks_without_a_page(personas: Personas, mixed_queue: dict[str, WorkOrder]) -> None:
    ranks = {o.pk: o.risk_rank for o in selectors.desk_queue(personas.operator)}
    assert ranks[mixed_queue["self_harm"].pk] == selectors.RISK_LIFE
    assert ranks[mixed_queue["priority"].pk] == selectors.RISK_PRIORITY
    assert ranks[mixed_queue["urgent"].pk] == selectors.RISK_URGENT
    assert ranks[mixed_queue["old_normal"].pk] == selectors.RISK_NONE
