"""Every view of personal data unmasked is recorded — who, when, where, which orders and which fields — on the order
page, the lists, the API, the exports and the admin site; administrators browse the record read-only, and nobody can
change or delete a row of it. A role that sees personal data masked leaves no record: it saw none."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.logs import MaskPersonalData
from tests.conftest import City, Personas
from tests.factories import make_order
from workorders import services
from workorders.models import PersonalDataAccess, WorkOrder

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(city: City, personas: Personas) -> WorkOrder:
    draft = make_order(
        title="路灯不亮", appeal="我叫周建国，电话13912345678，门口路灯坏了。", caller_name="周建国",
        caller_phone="13912345678", category=city.construction,
    )  # fmt: skip
    return services.workorder_dispatch(order=draft, by=personas.operator, lead_department=city.housing)


def test_an_operator_opening_an_order_page_is_recorded_with_the_order_and_the_fields(
    client: Client, personas: Personas, order: WorkOrder
) -> None:
    client.force_login(personas.operator)
    before = timezone.now()

    assert client.get(reverse("order-detail", args=[order.pk])).status_code == 200

    access = PersonalDataAccess.objects.get()
    assert access.user == personas.operator and access.role == "operator"
    assert access.order == order and access.order_numbers == order.number and access.order_count == 1
    assert access.channel == "page" and access.method == "GET" and access.path == f"/orders/{order.pk}/"
    assert {"appeal", "caller_name", "caller_phone"} <= set(access.fields)
    assert before <= access.at <= timezone.now()


def test_an_officer_reading_the_order_over_the_api_is_recorded(
    client: Client, personas: Personas, order: WorkOrder
) -> None:
    client.force_login(personas.officer_a)

    assert client.get(f"/api/v1/orders/{order.pk}/").json()["caller_phone"] == "13912345678"

    access = PersonalDataAccess.objects.get()
    assert (access.user, access.channel, access.order) == (personas.officer_a, "api", order)


def test_a_list_is_one_record_naming_every_order_it_showed(
    client: Client, personas: Personas, order: WorkOrder
) -> None:
    other = make_order(title="噪音扰民")
    client.force_login(personas.operator)

    client.get(reverse("order-list"))
    client.get(reverse("api:order-list"))

    page, api = PersonalDataAccess.objects.order_by("id")
    assert page.channel == "page" and api.channel == "api"
    for access in (page, api):
        assert set(access.order_numbers.split()) == {order.number, other.number} and access.order_count == 2
        assert access.order is None and access.fields == ["title", "address"]


def test_an_export_of_orders_is_recorded_as_an_export(client: Client, personas: Personas, order: WorkOrder) -> None:
    WorkOrder.objects.filter(pk=order.pk).update(resolve_due_at=timezone.now() - timedelta(days=1))
    client.force_login(personas.operator)

    assert client.get(reverse("dashboard-export", args=["overdue_orders", "csv"])).status_code == 200

    access = PersonalDataAccess.objects.get(channel="export")
    assert order.number in access.order_numbers.split() and access.user == personas.operator


def test_an_administrator_opening_an_order_in_the_admin_site_is_recorded(
    client: Client, personas: Personas, order: WorkOrder
) -> None:
    client.force_login(personas.admin)

    assert client.get(reverse("admin:workorders_workorder_change", args=[order.pk])).status_code == 200

    access = PersonalDataAccess.objects.get()
    assert (access.user, access.channel, access.order) == (personas.admin, "admin", order)


@pytest.mark.parametrize("role", ["manager", "integration"])
def test_a_role_that_sees_personal_data_masked_leaves_no_record(
    client: Client, personas: Personas, order: WorkOrder, role: str
) -> None:
    client.force_login(getattr(personas, role))

    client.get(reverse("order-detail", args=[order.pk]))
    client.get(f"/api/v1/orders/{order.pk}/")

    assert not PersonalDataAccess.objects.exists()


def test_a_redirect_after_an_action_records_the_request_that_read_the_order(
    client: Client, personas: Personas, order: WorkOrder
) -> None:
    """An action reads the order to act on it; what was read is recorded with the action's address."""
    client.force_login(personas.operator)

    client.post(reverse("order-remind", args=[order.pk]), {"reason": "请尽快处理"})

    assert PersonalDataAccess.objects.get().method == "POST"


def test_administrators_browse_the_record_and_nobody_adds_changes_or_deletes_a_row(
    client: Client, personas: Personas, order: WorkOrder
) -> None:
    client.force_login(personas.operator)
    client.get(reverse("order-detail", args=[order.pk]))
    access = PersonalDataAccess.objects.get()
    client.force_login(personas.admin)

    listing = client.get(reverse("admin:workorders_personaldataaccess_changelist"))
    assert listing.status_code == 200 and order.number in listing.content.decode()
    searched = client.get(reverse("admin:workorders_personaldataaccess_changelist"), {"q": order.number})
    assert order.number in searched.content.decode()
    view = client.get(reverse("admin:workorders_personaldataaccess_change", args=[access.pk]))
    assert view.status_code == 200 and 'type="submit"' not in view.content.decode().split('id="content"')[1]
    assert client.get(reverse("admin:workorders_personaldataaccess_add")).status_code == 403
    assert client.post(reverse("admin:workorders_personaldataaccess_delete", args=[access.pk])).status_code == 403
    assert PersonalDataAccess.objects.filter(pk=access.pk).exists()

    access.path = "/elsewhere/"
    with pytest.raises(ValidationError):
        access.save()
    with pytest.raises(ValidationError):
        access.delete()


def test_a_log_line_quoting_personal_data_is_written_masked() -> None:
    record = logging.LogRecord(
        "hotline", logging.WARNING, __file__, 1, "triage failed: %s", ("我叫周建国，电话13912345678",), None
    )

    assert MaskPersonalData().filter(record) is True
    assert record.getMessage() == "triage failed: 我叫[NAME]，电话[MOBILE]"
    handlers = logging.getLogger().handlers
    assert any(isinstance(f, MaskPersonalData) for handler in handlers for f in handler.filters)


def test_an_officers_inbox_is_recorded_with_the_orders_it_lists(
    client: Client, personas: Personas, order: WorkOrder
) -> None:
    client.force_login(personas.officer_a)

    assert client.get(reverse("inbox")).status_code == 200

    access = PersonalDataAccess.objects.get()
    assert (access.user, access.channel, access.order_numbers, access.fields) == (
        personas.officer_a, "page", order.number, ["title"],
    )  # fmt: skip
