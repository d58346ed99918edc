"""Claims (认领) on PostgreSQL: operators who press "next order" at the same moment each get a different order
(the candidate row is locked and skipped by the others, the claim taken by compare and swap)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from tests.factories import UserFactory, make_order
from workorders import services
from workorders.models import OrderClaim

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_rows"),
]


def test_operators_pressing_next_at_the_same_moment_get_different_orders(city, personas) -> None:
    operators = [UserFactory(username=f"op{n}") for n in range(6)]
    orders = [make_order(title=f"工单{n}", at=timezone.now() - timedelta(minutes=60 - n)) for n in range(8)]
    taken: dict[str, int | None] = {}
    barrier = threading.Barrier(len(operators))

    def press_next(operator) -> None:
        barrier.wait()
        order = services.workorder_claim_next(by=operator)
        taken[operator.username] = order.pk if order else None
        connections.close_all()

    threads = [threading.Thread(target=press_next, args=(operator,)) for operator in operators]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert None not in taken.values()
    assert len(set(taken.values())) == len(operators)  # no two operators on one order
    # the six longest waiting went out, each to the operator who holds it now
    assert set(taken.values()) == {order.pk for order in orders[:6]}
    assert {c.order_id: c.user.username for c in OrderClaim.objects.select_related("user")} == {
        pk: name for name, pk in taken.items()
    }
