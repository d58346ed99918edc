"""Hotspots as the centre sees them: detection over the stored orders, alerts for emerging ones, the
hotspot pages and who may see what."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from analytics.hotspots.services import hotspots_detect
from analytics.models import Hotspot, HotspotAlert, HotspotStatus
from analytics.signals import hotspot_emerged
from analytics.tasks import detect_hotspots
from tests.factories import AreaFactory, make_order
from workorders import services
from workorders.choices import AreaKind

NOW = timezone.make_aware(datetime(2026, 6, 30, 17, 0))

# One problem in one place, told by six different callers in their own words.
MIXING_PLANT = [
    ("丽发新城搅拌站噪音扰民", "丽发新城小区旁边的搅拌站每天晚上施工到凌晨，搅拌站噪音太大，居民无法休息。"),
    ("投诉丽发新城附近搅拌站", "丽发新城搅拌站粉尘和噪音严重，晚上搅拌机一直响，孩子睡不着觉，请求处理。"),
    ("丽发新城搅拌站夜间施工", "暮云街道丽发新城小区对面的搅拌站夜间作业，噪音扰民，希望相关部门查处搅拌站。"),
    ("丽发新城旁搅拌站污染", "丽发新城业主反映：搅拌站灰尘大，噪音大，搅拌车进出频繁，严重影响生活。"),
    ("请求关停丽发新城搅拌站", "丽发新城小区附近的搅拌站违规生产，夜里噪音扰民，请求关停搬迁搅拌站。"),
    ("丽发新城搅拌站扰民", "住在丽发新城，隔壁搅拌站天天半夜施工噪音很大，投诉多次没有结果。"),
]
UNRELATED = [
    ("公交站牌损坏", "西湖街道茶场村公交站的站牌被撞坏了，等车的人看不到线路。"),
    ("幼儿园收费过高", "星沙某民办幼儿园每学期收费上涨一千元，家长负担太重。"),
    ("小区停水三天", "恒大华府小区已经停水三天，物业没有任何通知。"),
    ("路灯不亮", "岳麓大道辅路的路灯坏了一个星期，晚上很黑，请尽快修理。"),
]


@pytest.fixture
def plant_orders(city):  # noqa: ANN001, ANN201
    """Six reports of the mixing plant over the last five days, and four unrelated orders."""
    orders = []
    for n, (title, appeal) in enumerate(MIXING_PLANT):
        orders.append(
            make_order(
                title=title,
                appeal=appeal,
                caller_phone=f"1380000{n:04d}",
                at=NOW - timedelta(days=5 - n % 5, hours=n),
                area=city.community_area,
                category=city.pollution,
            )
        )
    others = [
        make_order(title=title, appeal=appeal, caller_phone=f"1390000{n:04d}", at=NOW - timedelta(days=n + 1))
        for n, (title, appeal) in enumerate(UNRELATED)
    ]
    return orders, others


def test_reports_of_one_problem_become_one_hotspot_named_by_place_and_problem(plant_orders) -> None:  # noqa: ANN001
    plant, others = plant_orders

    run = hotspots_detect(now=NOW)

    assert run.orders == len(plant) + len(others)
    [hotspot] = Hotspot.objects.all()
    assert set(hotspot.members.values_list("order_id", flat=True)) == {order.pk for order in plant}
    assert "丽发新城" in hotspot.label and "搅拌" in hotspot.label
    assert hotspot.distinct_callers == 6
    assert sum(count for _day, count in hotspot.timeline) == 6
    assert run.hotspots == 1 and run.seconds is not None


def test_a_new_spike_raises_one_alert_and_the_signal(plant_orders, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    received = []

    def listener(sender, hotspot, alert, **kwargs) -> None:  # noqa: ANN001, ANN003
        received.append((hotspot.pk, alert.pk))

    hotspot_emerged.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            first = hotspots_detect(now=NOW)
        with django_capture_on_commit_callbacks(execute=True):
            hotspots_detect(now=NOW + timedelta(hours=1))
    finally:
        hotspot_emerged.disconnect(listener)

    [hotspot] = Hotspot.objects.all()
    [alert] = HotspotAlert.objects.all()
    assert first.emerging == 1 and hotspot.is_emerging
    assert "丽发新城" in alert.message
    assert received == [(hotspot.pk, alert.pk)]  # the second run found the same hotspot: no new alert


def test_a_new_problem_at_one_compound_raises_an_alert_even_in_a_busy_district(plant_orders, city) -> None:  # noqa: ANN001
    """Another compound of the same district sends twelve pollution reports every month; the plant's six new
    ones do not lift the district above its usual level, but their own community has never reported."""
    street = AreaFactory(name="东湖街道", code="A3-DH", kind=AreaKind.STREET, parent=city.district_area)
    busy = AreaFactory(name="东湖社区", code="A3-DH-1", kind=AreaKind.COMMUNITY, parent=street)
    for month in range(0, 7):
        for n in range(12):
            make_order(
                title=f"东湖社区{n + 1}号楼下水道堵塞",
                appeal=f"东湖社区{n + 1}号楼的下水道又堵了，污水漫到路面，请处理。",
                caller_phone="13500000000",
                at=NOW - timedelta(days=30 * month + 2 + n),
                area=busy,
                category=city.pollution,
            )

    run = hotspots_detect(now=NOW)

    plant = Hotspot.objects.get(label__contains="丽发新城")
    assert plant.area_id == city.community_area.pk and plant.is_emerging
    assert run.emerging == 1 and HotspotAlert.objects.get().hotspot == plant


def test_a_problem_reported_at_the_usual_level_is_not_emerging(plant_orders, city) -> None:  # noqa: ANN001
    # The same compound complained about the plant every month of the last half year, as many times.
    for month in range(1, 7):
        for n, (title, appeal) in enumerate(MIXING_PLANT):
            make_order(
                title=title,
                appeal=appeal,
                caller_phone=f"1370{month:02d}00{n:03d}",
                at=NOW - timedelta(days=30 * month + 3 + n % 4),
                area=city.community_area,
                category=city.pollution,
            )

    run = hotspots_detect(now=NOW)

    assert run.hotspots >= 1
    assert run.emerging == 0 and not HotspotAlert.objects.exists()


def test_a_hotspot_found_again_keeps_its_identity_then_cools_and_is_archived(plant_orders) -> None:  # noqa: ANN001
    hotspots_detect(now=NOW)
    [hotspot] = Hotspot.objects.all()

    hotspots_detect(now=NOW + timedelta(days=10))
    assert list(Hotspot.objects.values_list("pk", "status")) == [(hotspot.pk, HotspotStatus.ACTIVE)]

    hotspots_detect(now=NOW + timedelta(days=31))  # nothing reported for a whole window
    hotspot.refresh_from_db()
    assert hotspot.status == HotspotStatus.ARCHIVED and not hotspot.is_emerging


def test_the_periodic_task_groups_the_last_30_days(city) -> None:  # noqa: ANN001
    now = timezone.now()
    for n, (title, appeal) in enumerate(MIXING_PLANT):
        make_order(title=title, appeal=appeal, caller_phone=f"1380000{n:04d}", at=now - timedelta(days=n + 1))
    make_order(title=UNRELATED[0][0], appeal=UNRELATED[0][1], at=now - timedelta(days=40))  # before the window

    result = detect_hotspots.delay().get()

    assert result["orders"] == len(MIXING_PLANT)
    assert result["hotspots"] == 1 and Hotspot.objects.get().members.count() == len(MIXING_PLANT)


# --- pages ------------------------------------------------------------------------------------------------


@pytest.fixture
def detected(plant_orders, city, personas):  # noqa: ANN001, ANN201
    plant, _others = plant_orders
    # one of the reports went to the environment bureau
    services.workorder_dispatch(order=plant[0], by=personas.operator, lead_department=city.environment)
    hotspots_detect(now=NOW)
    return Hotspot.objects.get()


def test_manager_sees_the_hotspot_its_alert_orders_and_timeline(client, city, personas, detected, plant_orders) -> None:  # noqa: ANN001
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


def test_officer_sees_a_hotspot_only_through_their_departments_orders(client, personas, detected, plant_orders) -> None:  # noqa: ANN001
    plant, _others = plant_orders
    client.force_login(personas.officer_b)
    page = client.get(reverse("hotspot-detail", args=[detected.pk])).content.decode()
    assert plant[0].number in page
    assert plant[1].number not in page  # not dispatched to them

    client.force_login(personas.outsider)
    assert detected.label not in client.get(reverse("hotspot-list")).content.decode()
    assert client.get(reverse("hotspot-detail", args=[detected.pk])).status_code == 404


def test_manager_acknowledges_an_alert_and_an_officer_cannot(client, personas, detected) -> None:  # noqa: ANN001
    alert = HotspotAlert.objects.get()
    url = reverse("hotspot-alert-acknowledge", args=[alert.pk])

    client.force_login(personas.officer_b)
    assert client.post(url).status_code == 403

    client.force_login(personas.manager)
    client.post(url)
    alert.refresh_from_db()
    assert alert.acknowledged_by == personas.manager
    assert alert.message not in client.get(reverse("hotspot-list")).content.decode()


def test_integration_accounts_cannot_open_hotspots(client, personas, detected) -> None:  # noqa: ANN001
    client.force_login(personas.integration)
    assert client.get(reverse("hotspot-list")).status_code == 403


def test_a_problem_back_every_month_is_a_monthly_topic_candidate(client, city, personas) -> None:  # noqa: ANN001
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


def test_a_hotspot_reaching_back_over_a_month_end_by_one_report_is_no_monthly_topic(client, city, personas) -> None:  # noqa: ANN001
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


STREET_LIGHTS = [
    ("茶场村路灯不亮", "西湖街道茶场村主干道的路灯已经坏了两个星期，晚上漆黑一片，老人出行摔倒，请尽快修复路灯。"),
    ("茶场村路灯坏了", "茶场村路灯不亮快半个月，晚上村道漆黑，骑电动车很危险，希望修复茶场村路灯。"),
    ("茶场村晚上没有路灯", "西湖街道茶场村的路灯全部不亮，晚上出门看不见路，请相关部门修好茶场村路灯。"),
    ("茶场村路灯一直没修", "茶场村的路灯坏了很久，晚上黑灯瞎火，请尽快派人修复茶场村路灯。"),
]


def test_the_monthly_topics_look_at_the_six_months_up_to_the_newest_hotspot(
    client, city, personas, django_assert_max_num_queries
) -> None:  # noqa: ANN001
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


def test_the_detect_hotspots_command_runs_now_and_says_what_it_found(city) -> None:  # noqa: ANN001
    now = timezone.now()
    for n, (title, appeal) in enumerate(MIXING_PLANT):
        make_order(title=title, appeal=appeal, caller_phone=f"1380000{n:04d}", at=now - timedelta(days=n + 1))
    out = StringIO()

    call_command("detect_hotspots", stdout=out)

    assert out.getvalue().startswith(f"{len(MIXING_PLANT)} orders, 1 hotspots")
    assert Hotspot.objects.get().members.count() == len(MIXING_PLANT)
