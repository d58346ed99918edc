"""The hotspot pages: the list with alerts, one hotspot with its orders and timeline, the monthly topics;
who may see what, and who acknowledges an alert."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from analytics.hotspots.services import hotspots_detect
from analytics.models import Hotspot, HotspotAlert
from tests.analytics.hotspots.reports import MIXING_PLANT, NOW, STREET_LIGHTS, UNRELATED, PlantOrders
from tests.conftest import City, Personas
from tests.factories import make_order
from workorders import services


@pytest.fixture
def detected(plant_orders: PlantOrders, city: City, personas: Personas) -> Hotspot:
    plant, _others = plant_orders
    # one of the reports went to the environment bureau
    services.workorder_dispatch(order=plant[0], by=personas.operator, lead_department=city.environment)
    hotspots_detect(now=NOW)
    return Hotspot.objects.get()


def test_manager_sees_the_hotspot_its_alert_orders_and_timeline(
    client: Client, city: City, personas: Personas, detected: Hotspot, plant_orders: PlantOrders
) -> None:
    plant, _others = plant_orders
    client.force_login(personas.manager)

    listing = client.get(reverse("hotspot-list")).content.decode()
    page = client.get(reverse("hotspot-detail", args=[detected.pk])).content.decode()

    assert detected.label in listing
    assert HotspotAlert.objects.get().message in listing
    for order in plant:
        assert order.number in page
    assert "市生态环境局" in page  # departments involved
    assert NOW.strftime("%Y-%m-%d") in page or (NOW - timedelta(days=1)).strftime("%Y-%m-%d") in page
    # the reports per day as a chart (drawn by static/js/dashboard.js) and as a table
    figure = json.loads(re.search(r'id="dashboard-figures"[^>]*>(.*?)</script>', page, re.S)[1])["timeline"]
    assert sum(figure["data"][0]["y"]) == len(plant)
    assert "plotly/plotly.min.js" in page
    assert "热度指数构成" in page and "不同来电人数" in page  # the heat index's parts, named in Chinese
    assert city.community_area.name in listing  # where each hotspot is


def test_officer_sees_a_hotspot_only_through_their_departments_orders(
    client: Client, personas: Personas, detected: Hotspot, plant_orders: PlantOrders
) -> None:
    plant, _others = plant_orders
    client.force_login(personas.officer_b)
    page = client.get(reverse("hotspot-detail", args=[detected.pk])).content.decode()
    assert plant[0].number in page
    assert plant[1].number not in page  # not dispatched to them

    client.force_login(personas.outsider)
    assert detected.label not in client.get(reverse("hotspot-list")).content.decode()
    assert client.get(reverse("hotspot-detail", args=[detected.pk])).status_code == 404


def test_manager_acknowledges_an_alert_and_an_officer_cannot(
    client: Client, personas: Personas, detected: Hotspot
) -> None:
    alert = HotspotAlert.objects.get()
    url = reverse("hotspot-alert-acknowledge", args=[alert.pk])

    client.force_login(personas.officer_b)
    assert client.post(url).status_code == 403

    client.force_login(personas.manager)
    client.post(url)
    alert.refresh_from_db()
    assert alert.acknowledged_by == personas.manager
    assert alert.message not in client.get(reverse("hotspot-list")).content.decode()


def test_integration_accounts_cannot_open_hotspots(client: Client, personas: Personas, detected: Hotspot) -> None:
    client.force_login(personas.integration)
    assert client.get(reverse("hotspot-list")).status_code == 403


def test_a_problem_back_every_month_is_a_monthly_topic_candidate(
    client: Client, city: City, personas: Personas
) -> None:
    for month in (3, 2, 1):
        end = NOW - timedelta(days=30 * (month - 1))
        for n, (title, appeal) in enumerate(MIXING_PLANT[:4]):
            make_order(
                title=title,
                appeal=appeal,
                caller_phone=f"1360{month:02d}00{n:03d}",
                at=end - timedelta(days=n + 2),
                area=city.community_area,
                category=city.pollution,
            )
        make_order(title=UNRELATED[month][0], appeal=UNRELATED[month][1], at=end - timedelta(days=3))
        hotspots_detect(now=end)
    client.force_login(personas.manager)

    page = client.get(reverse("hotspot-monthly")).content.decode()

    assert Hotspot.objects.count() == 3  # one per month: no order in common
    assert "丽发新城" in page
    assert "2026-04、2026-05、2026-06" in page  # the months it was a hotspot in
    assert UNRELATED[1][0] not in page


def test_a_hotspot_reaching_back_over_a_month_end_by_one_report_is_no_monthly_topic(
    client: Client, city: City, personas: Personas
) -> None:
    """Thirty days always span two calendar months; one report on 30 May does not make June's mixing plant
    a problem of two months."""
    end = timezone.make_aware(datetime(2026, 6, 20, 12, 0))
    for n, (title, appeal) in enumerate(MIXING_PLANT):
        at = timezone.make_aware(datetime(2026, 5, 30, 10, 0)) if n == 0 else end - timedelta(days=n + 1)
        make_order(
            title=title,
            appeal=appeal,
            caller_phone=f"1380000{n:04d}",
            at=at,
            area=city.community_area,
            category=city.pollution,
        )
    hotspots_detect(now=end)
    client.force_login(personas.manager)

    page = client.get(reverse("hotspot-monthly")).content.decode()

    assert Hotspot.objects.get().order_count == len(MIXING_PLANT)
    assert "2026-05" not in page and "丽发新城" not in page


def test_the_monthly_topics_look_at_the_six_months_up_to_the_newest_hotspot(
    client: Client, city: City, personas: Personas, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    """The mixing plant was a hotspot in January and February; the street lights in February, May and
    September. Up to September, six months reach back to April: the plant is no topic any more, the lights
    are (May and September)."""

    def month_of_reports(reports: list[tuple[str, str]], end: datetime, key: str) -> None:
        for n, (title, appeal) in enumerate(reports[:4]):
            make_order(
                title=title,
                appeal=appeal,
                caller_phone=f"13{key}{end.month:02d}{n:05d}",
                at=end - timedelta(days=n + 2),
                area=city.community_area,
                category=city.pollution,
            )

    for month in (1, 2, 5, 9):
        end = timezone.make_aware(datetime(2026, month, 25, 12, 0))
        if month <= 2:
            month_of_reports(MIXING_PLANT, end, "60")
        if month >= 2:
            month_of_reports(STREET_LIGHTS, end, "70")
        hotspots_detect(now=end)
    client.force_login(personas.manager)

    with django_assert_max_num_queries(12):
        page = client.get(reverse("hotspot-monthly")).content.decode()

    assert Hotspot.objects.filter(label__contains="搅拌").count() == 2
    assert "路灯" in page and "2026-05、2026-09" in page
    assert "丽发新城" not in page
