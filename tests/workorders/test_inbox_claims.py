"""The department inbox works like the desk: an officer who opens an assigned order takes it (认领), the others of
the department see who has it, and the inbox refreshes itself."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.conftest import City, Personas
from tests.factories import UserFactory
from tests.workorders.conftest import signed_in
from workorders import services
from workorders.choices import Action
from workorders.models import OrderClaim, WorkOrder, WorkOrderEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("deadline_policies")]


def test_an_officer_takes_the_order_they_open_and_colleagues_see_it(
    city: City, personas: Personas, dispatched_order: WorkOrder
) -> None:
    colleague = UserFactory(username="officer_a2", first_name="小赵", role=Role.OFFICER, department=city.housing)
    signed_in(personas.officer_a).get(reverse("order-detail", args=[dispatched_order.pk]))

    assert OrderClaim.objects.get(order=dispatched_order).user == personas.officer_a
    assert WorkOrderEvent.objects.filter(order=dispatched_order, action=Action.CLAIM).count() == 1
    second = signed_in(colleague)
    inbox = second.get(reverse("inbox")).content.decode()
    assert f"由 {personas.officer_a} 处理中" in inbox
    page = second.get(reverse("order-detail", args=[dispatched_order.pk])).content.decode()
    assert f"由 {personas.officer_a} 处理中" in page
    assert OrderClaim.objects.get(order=dispatched_order).user == personas.officer_a


def test_signing_ends_the_claim_of_the_status_it_was_taken_in_and_the_officer_takes_it_again(
    personas: Personas, dispatched_order: WorkOrder
) -> None:
    services.workorder_claim(order=dispatched_order, by=personas.officer_a)

    services.assignment_sign(order=dispatched_order, by=personas.officer_a)
    assert not OrderClaim.objects.filter(order=dispatched_order).exists()
    signed_in(personas.officer_a).get(reverse("order-detail", args=[dispatched_order.pk]))
    assert OrderClaim.objects.get(order=dispatched_order).user == personas.officer_a


def test_the_inbox_refresh_returns_the_sections_only(personas: Personas, dispatched_order: WorkOrder) -> None:
    response = signed_in(personas.officer_a).get(reverse("inbox"), HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert dispatched_order.number in page
    assert "<html" not in page and 'id="to-sign"' in page


def test_roles_that_do_not_work_an_assignment_take_nothing(
    personas: Personas, dispatched_order: WorkOrder, draft_order: WorkOrder
) -> None:
    for user in (personas.operator, personas.manager, personas.officer_b):  # B only assists: A leads
        signed_in(user).get(reverse("order-detail", args=[dispatched_order.pk]))
    assert not OrderClaim.objects.exists()
    assert signed_in(personas.officer_a).post(reverse("desk-next")).status_code == 403
