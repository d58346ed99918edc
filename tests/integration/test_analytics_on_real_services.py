"""The dashboards' periodic work on PostgreSQL with a real Celery worker: rollups refreshed with the
database's own SQL (and its advisory lock), hotspots detected and stored by the worker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Sum
from django.utils import timezone

from analytics.models import Hotspot, OrderVolumeDaily, RollupRefresh
from tests.factories import make_order
from tests.integration.conftest import wait_for
from workorders import services

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_rows"),
]

REPORTS = [
    ("丽发新城搅拌站噪音扰民", "丽发新城小区旁边的搅拌站每天晚上施工到凌晨，搅拌站噪音太大，居民无法休息。"),
    ("投诉丽发新城附近搅拌站", "丽发新城搅拌站粉尘和噪音严重，晚上搅拌机一直响，孩子睡不着觉，请求处理。"),
    ("丽发新城搅拌站夜间施工", "暮云街道丽发新城小区对面的搅拌站夜间作业，噪音扰民，希望相关部门查处搅拌站。"),
    ("丽发新城旁搅拌站污染", "丽发新城业主反映：搅拌站灰尘大，噪音大，搅拌车进出频繁，严重影响生活。"),
]


# The same street lights out, reported in the district of the gazetteer: a second district block, so the
# worker's run searches pairs on more than one thread.
LIGHTS = [
    ("茶场村路灯不亮", "西湖街道茶场村主干道的路灯已经坏了两个星期，晚上漆黑一片，老人出行摔倒，请尽快修复路灯。"),
    ("茶场村路灯坏了", "茶场村路灯不亮快半个月，晚上村道漆黑，骑电动车很危险，希望修复茶场村路灯。"),
    ("茶场村晚上没有路灯", "西湖街道茶场村的路灯全部不亮，晚上出门看不见路，请相关部门修好茶场村路灯。"),
]


def test_the_worker_refreshes_rollups_and_detects_hotspots(city, personas, celery_worker) -> None:
    from analytics.tasks import detect_hotspots, refresh_rollups

    now = timezone.now()
    orders = [
        make_order(
            title=title,
            appeal=appeal,
            caller_phone=f"1380000{n:04d}",
            at=now - timedelta(days=n, hours=2),
            category=city.pollution,
        )
        for n, (title, appeal) in enumerate(REPORTS)
    ]
    lights = [
        make_order(
            title=title,
            appeal=appeal,
            caller_phone=f"1390000{n:04d}",
            at=now - timedelta(days=n, hours=5),
            category=city.construction,
            area=city.community_area,
        )
        for n, (title, appeal) in enumerate(LIGHTS)
    ]
    services.workorder_dispatch(order=orders[0], by=personas.operator, lead_department=city.housing)

    refresh_rollups.delay(days=10)
    detect_hotspots.delay()

    wait_for(lambda: RollupRefresh.objects.exists(), message="the rollup refresh")
    wait_for(lambda: Hotspot.objects.exists(), message="the hotspot run")
    assert OrderVolumeDaily.objects.aggregate(total=Sum("orders"))["total"] == len(orders) + len(lights)
    plant = Hotspot.objects.get(label__contains="搅拌")
    assert set(plant.members.values_list("order_id", flat=True)) == {o.pk for o in orders}
    street_lights = Hotspot.objects.get(label__contains="路灯")
    assert set(street_lights.members.values_list("order_id", flat=True)) == {o.pk for o in lights}
