"""The department inbox's "next order" on PostgreSQL: officers of one department who press it at the same moment
each get a different order to sign (the candidate row is locked and skipped by the others, the claim taken by compare
and swap), and none gets an order a colleague already holds or one the department only assists on."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from accounts.models import Role
from tests.factories import UserFactory, make_order
from workorders import services
from workorders.models import OrderClaim, WorkOrder

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_rows"),
]


def test_officers_pressing_next_at_the_same_moment_get_different_orders(city, personas) -> None:
    officers = [UserFactory(username=f"zjj{n}", role=Role.OFFICER, department=city.housing) for n in range(4)]
    orders = []
    for n in range(7):
        order = services.workorder_dispatch(
            order=make_order(title=f"工单{n}", category=city.construction),
            by=personas.operator,
            lead_department=city.housing,
        )
        WorkOrder.objects.filter(pk=order.pk).update(sign_due_at=timezone.now() + timedelta(minutes=10 + n))
        orders.append(order)
    services.workorder_claim(order=orders[0], by=personas.officer_a)  # the soonest is a colleague's already
    assisted = services.workorder_dispatch(  # sooner still, but the housing bureau only assists on it
        order=make_order(title="协办工单", category=city.construction),
        by=personas.operator,
        lead_department=city.environment,
        assisting_departments=[city.housing],
    )
    WorkOrder.objects.filter(pk=assisted.pk).update(sign_due_at=timezone.now())
    taken: dict[str, int | None] = {}
    barrier = threading.Barrier(len(officers))

    def press_next(officer) -> None:
        barrier.wait()
        order = services.workorder_claim_next_in_inbox(by=officer)
        taken[officer.username] = order.pk if order else None
        connections.close_all()

    threads = [threading.Thread(target=press_next, args=(officer,)) for officer in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert None not in taken.values()
    assert len(set(taken.values())) == len(officers)  # no two officers on one order
    assert set(taken.values()) == {order.pk for order in orders[1:5]}  # the next four by sign deadline
    claims = {c.order_id: c.user.username for c in OrderClaim.objects.select_related("user")}
    assert claims == {orders[0].pk: personas.officer_a.username, **{pk: name for name, pk in taken.items()}}
