"""Administrators maintain the reference data in the admin site; every list and form there opens."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_admin_list_and_add_form_opens(client, rf, personas, dispatched_order) -> None:
    client.force_login(personas.admin)
    request = rf.get("/admin/")
    request.user = personas.admin
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        changelist = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        assert changelist.status_code == 200, meta.label
        if model_admin.has_add_permission(request):
            add = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
            assert add.status_code == 200, meta.label
    order_page = client.get(reverse("admin:workorders_workorder_change", args=[dispatched_order.pk]))
    assert order_page.status_code == 200 and dispatched_order.number in order_page.content.decode()


def test_orders_and_submissions_cannot_be_changed_or_deleted_in_the_admin(client, personas, dispatched_order) -> None:
    client.force_login(personas.admin)
    delete = client.post(reverse("admin:workorders_workorder_delete", args=[dispatched_order.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert client.get(reverse("admin:workorders_workorder_add")).status_code == 403


def test_officers_cannot_enter_the_admin(client, personas) -> None:
    client.force_login(personas.officer_a)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_user_given_the_administrator_role_can_use_the_admin(client) -> None:
    from tests.factories import UserFactory

    administrator = UserFactory(role="admin")
    client.force_login(administrator)
    assert client.get(reverse("admin:workorders_dispatchrule_changelist")).status_code == 200
