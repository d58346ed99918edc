"""The periodic task's 催办 reminders and overdue marks: each recorded once per handling cycle."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import Personas
from workorders import services
from workorders.choices import Action, DeadlineStage
from workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


def _events(order: WorkOrder, action: str) -> list[str]:
    return list(order.events.filter(action=action).values_list("reason_code", flat=True))


def test_an_unsigned_order_past_its_sign_limit_gets_one_reminder(dispatched_order: WorkOrder) -> None:
    later = dispatched_order.sign_due_at + timedelta(minutes=1)
    counts = services.workorders_record_deadline_reminders(now=later)
    assert counts[DeadlineStage.SIGN_OVERDUE] == 1
    assert _events(dispatched_order, Action.REMIND) == ["sign_overdue"]
    services.workorders_record_deadline_reminders(now=later + timedelta(minutes=5))
    assert _events(dispatched_order, Action.REMIND) == ["sign_overdue"]  # not again


def test_an_order_near_its_deadline_gets_a_due_soon_reminder_then_an_overdue_mark(signed_order: WorkOrder) -> None:
    due = signed_order.resolve_due_at
    services.workorders_record_deadline_reminders(now=due - timedelta(hours=3))
    assert _events(signed_order, Action.REMIND) == ["due_soon"]
    services.workorders_record_deadline_reminders(now=due + timedelta(minutes=1))
    assert _events(signed_order, Action.MARK_OVERDUE) == ["overdue"]
    order = WorkOrder.objects.get(pk=signed_order.pk)
    assert order.deadline_stage == DeadlineStage.OVERDUE and order.is_overdue_at(due + timedelta(minutes=1))
    services.workorders_record_deadline_reminders(now=due + timedelta(days=2))
    assert len(_events(signed_order, Action.MARK_OVERDUE)) == 1


def test_replied_orders_are_never_marked_overdue(replied_order: WorkOrder) -> None:
    counts = services.workorders_record_deadline_reminders(now=replied_order.resolve_due_at + timedelta(days=3))
    assert counts[DeadlineStage.OVERDUE] == 0
    assert not replied_order.is_overdue_at(replied_order.resolve_due_at + timedelta(days=3))


def test_an_approved_extension_lifts_the_overdue_stage(signed_order: WorkOrder, personas: Personas) -> None:
    WorkOrder.objects.filter(pk=signed_order.pk).update(resolve_due_at=timezone.now() - timedelta(hours=1))
    services.workorders_record_deadline_reminders()
    assert WorkOrder.objects.get(pk=signed_order.pk).deadline_stage == DeadlineStage.OVERDUE
    request = services.extension_request(order=signed_order, by=personas.officer_a, working_days=5, reason="工程量大")
    services.extension_decide(request=request, by=personas.manager, approve=True)
    order = WorkOrder.objects.get(pk=signed_order.pk)
    assert order.resolve_due_at > timezone.now()
    assert order.deadline_stage == DeadlineStage.ON_TIME and not order.is_overdue


def test_a_reopened_order_starts_a_new_reminder_cycle(replied_order: WorkOrder, personas: Personas) -> None:
    WorkOrder.objects.filter(pk=replied_order.pk).update(deadline_stage=DeadlineStage.OVERDUE)
    services.callback_record(order=replied_order, by=personas.operator, satisfaction="dissatisfied", resolved=False)
    assert WorkOrder.objects.get(pk=replied_order.pk).deadline_stage == DeadlineStage.ON_TIME


def test_manual_reminder_by_an_operator_is_recorded(signed_order: WorkOrder, personas: Personas) -> None:
    services.workorder_remind(order=signed_order, by=personas.operator, reason="市民再次来电催促")
    event = signed_order.events.last()
    assert (event.action, event.actor, event.reason) == (Action.REMIND, personas.operator, "市民再次来电催促")
