"""A callback's "resolved" verdict stays countable from the event log although the event's changes are encrypted:
the dashboards' solved-callback counts read it in SQL (tests/analytics/dashboards/test_rollups.py checks the
counts), and the migration that added it fills it in for callbacks recorded before."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from tests.conftest import Personas
from workorders import services
from workorders.lifecycle import Action
from workorders.models import WorkOrder, WorkOrderEvent


@pytest.mark.django_db
@pytest.mark.parametrize("resolved", [True, False])
def test_a_callback_event_carries_the_citizens_verdict_in_the_clear(
    replied_order: WorkOrder, personas: Personas, resolved: bool
) -> None:
    services.callback_record(order=replied_order, by=personas.operator, satisfaction="satisfied", resolved=resolved)

    event = replied_order.events.get(action=Action.CALLBACK)
    assert event.resolved is resolved
    assert event.changes["resolved"] == ["", resolved]
    with connection.cursor() as cursor:
        cursor.execute("SELECT changes FROM workorders_workorderevent WHERE id = %s", [event.pk])
        assert "satisfied" not in str(cursor.fetchone()[0])  # the changes themselves stay encrypted
    assert {e.resolved for e in replied_order.events.exclude(action=Action.CALLBACK)} == {None}


@pytest.mark.django_db
def test_the_migration_fills_in_callbacks_recorded_before(replied_order: WorkOrder, personas: Personas) -> None:
    services.callback_record(order=replied_order, by=personas.operator, satisfaction="satisfied", resolved=True)
    event = replied_order.events.get(action=Action.CALLBACK)
    WorkOrderEvent.objects.filter(pk=event.pk).update(resolved=None)  # as it was before the column existed

    migration = importlib.import_module("workorders.migrations.0016_event_resolved")
    migration.fill_resolved(apps, SimpleNamespace(connection=connection))

    assert WorkOrderEvent.objects.get(pk=event.pk).resolved is True
