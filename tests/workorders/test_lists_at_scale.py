"""Order lists that stay fast on a big table: a filter form without a list of every category, department and area,
no DISTINCT for a status filter, and counts that stop at a limit."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests.conftest import City, Personas
from tests.factories import CategoryFactory, make_order
from workorders.models import Category

pytestmark = pytest.mark.django_db


def login(client: Client, user: object) -> Client:
    client.force_login(user)
    return client


def test_the_filter_form_lists_no_category_department_or_area_however_many_there_are(
    client: Client, city: City, personas: Personas
) -> None:
    for n in range(200):
        CategoryFactory(name=f"细类{n}", parent=city.construction)
    page = login(client, personas.manager).get(reverse("order-list")).content.decode()
    assert "细类" not in page
    assert len(re.findall(r"<option\b", page)) < 30  # channel, request type, urgency and ordering only
    for name in ("department", "category", "area"):
        assert re.search(rf'<input type="search" name="{name}"[^>]*list="{name}-options"', page), name


def test_typing_part_of_a_name_offers_the_full_names(client: Client, city: City, personas: Personas) -> None:
    login(client, personas.operator)
    response = client.get(reverse("order-filter-options", args=["category"]), {"category": "公共设施"})
    assert response.status_code == 200
    assert f'<option value="{city.street_lights.full_name}">' in response.content.decode()
    areas = client.get(reverse("order-filter-options", args=["area"]), {"area": "茶场"}).content.decode()
    assert re.findall(r'value="([^"]*)"', areas) == [city.community_area.full_name]


def test_the_options_are_few_and_only_for_the_three_reference_filters(
    client: Client, city: City, personas: Personas
) -> None:
    for n in range(50):
        CategoryFactory(name=f"细类{n}", parent=city.construction)
    login(client, personas.operator)
    many = client.get(reverse("order-filter-options", args=["category"]), {"category": "细类"}).content.decode()
    assert many.count("<option") == 20
    assert client.get(reverse("order-filter-options", args=["status"])).status_code == 404
    assert Client().get(reverse("order-filter-options", args=["category"])).status_code == 302  # login first


def test_a_category_chosen_by_its_full_name_filters_like_its_id(client: Client, city: City, personas: Personas) -> None:
    lights = make_order(title="路灯不亮", category=city.street_lights)
    make_order(title="噪音", category=city.pollution)
    login(client, personas.manager)
    url = reverse("order-list")
    by_id = client.get(url, {"category": city.construction.pk})
    by_name = client.get(url, {"category": city.construction.full_name})
    assert {o.number for o in by_id.context["page"].object_list} == {lights.number}
    assert {o.number for o in by_name.context["page"].object_list} == {lights.number}
    # a link with the id shows the name in the box
    assert f'value="{city.construction.full_name}"' in by_id.content.decode()


def test_a_name_no_category_has_is_refused_with_a_message(client: Client, city: City, personas: Personas) -> None:
    make_order(title="路灯不亮", category=city.street_lights)
    page = login(client, personas.manager).get(reverse("order-list"), {"category": "没有这个分类"})
    assert "没有这个分类" in page.content.decode()  # the error names what was typed
    api = APIClient()
    api.force_authenticate(personas.manager)
    assert api.get("/api/v1/orders/", {"category": "没有这个分类"}).status_code == 400


def test_a_name_two_categories_share_must_be_given_in_full(client: Client, city: City, personas: Personas) -> None:
    CategoryFactory(name="其他", parent=city.construction)
    CategoryFactory(name="其他", parent=Category.objects.get(pk=city.pollution.parent_id))
    api = APIClient()
    api.force_authenticate(personas.manager)
    assert api.get("/api/v1/orders/", {"category": "其他"}).status_code == 400
    assert api.get("/api/v1/orders/", {"category": f"{city.construction.full_name} / 其他"}).status_code == 200


def test_a_status_filter_adds_no_distinct(client: Client, city: City, personas: Personas) -> None:
    make_order(title="路灯不亮")
    login(client, personas.manager)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("order-list"), {"status": ["draft", "dispatched"]})
    api = APIClient()
    api.force_authenticate(personas.manager)
    with CaptureQueriesContext(connection) as api_queries:
        api.get("/api/v1/orders/", {"status": ["draft", "dispatched"]})
    sql = " ".join(q["sql"] for q in [*queries.captured_queries, *api_queries.captured_queries])
    assert "workorders_workorder" in sql and "DISTINCT" not in sql.upper()


def test_past_the_count_limit_the_list_says_more_than_and_offers_older_orders(
    client: Client, city: City, personas: Personas, settings
) -> None:
    settings.HOTLINE = {**settings.HOTLINE, "LIST_COUNT_LIMIT": 3}
    for days in range(5):
        make_order(title=f"工单{days}", at=timezone.now() - timedelta(days=days))
    page = login(client, personas.manager).get(reverse("order-list")).content.decode()
    assert "超过 3 件工单" in page
    oldest_shown = timezone.localdate() - timedelta(days=2)  # the pages stop at the limit: three rows here
    assert f"created_before={oldest_shown:%Y-%m-%d}" in page  # the list goes on from the last row's day

    api = APIClient()
    api.force_authenticate(personas.manager)
    body = api.get("/api/v1/orders/").json()
    assert body["count"] == 3 and body["count_capped"] is True and len(body["results"]) == 3


def test_below_the_count_limit_the_count_is_exact(client: Client, city: City, personas: Personas) -> None:
    for n in range(4):
        make_order(title=f"工单{n}")
    page = login(client, personas.manager).get(reverse("order-list")).content.decode()
    assert "共 4 件工单" in page and "超过" not in page
    api = APIClient()
    api.force_authenticate(personas.manager)
    body = api.get("/api/v1/orders/").json()
    assert body["count"] == 4 and body["count_capped"] is False
