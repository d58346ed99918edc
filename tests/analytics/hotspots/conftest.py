"""Fixtures of the hotspot tests: the public data as orders with its hand-labelled clusters, its hotspots
over the whole span, and stored orders of the mixing plant among unrelated ones."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings

from analytics.hotspots.detection import detect_hotspots
from analytics.hotspots.types import DetectedHotspot, HotspotItem
from tests.analytics.hotspots.reports import MIXING_PLANT, NOW, UNRELATED, PlantOrders
from tests.conftest import City
from tests.factories import make_order


@pytest.fixture(scope="session")
def teddy() -> tuple[list[HotspotItem], dict[int, str]]:
    """The messages of hotspot_messages.csv as orders (at their real dates) and the hand-labelled clusters."""
    if not (settings.HOTLINE["DATASETS_DIR"] / "teddy2020c" / "hotspot_messages.csv").is_file():
        pytest.skip("the teddy2020c data set is not in HOTLINE_DATASETS_DIR (../shared/datasets)")
    from bench.bench_hotspots import gold_clusters, hotspot_items

    return hotspot_items(), gold_clusters()


@pytest.fixture(scope="session")
def whole_span(teddy: tuple[list[HotspotItem], dict[int, str]]) -> list[DetectedHotspot]:
    """One window over the whole span (2017-06 to 2020-01): a problem reported over months comes out whole."""
    items, _ = teddy
    first = min(it.created_at for it in items)
    last = max(it.created_at for it in items)
    return detect_hotspots(items, window_end=last + timedelta(days=1), window_days=(last - first).days + 2)


@pytest.fixture
def plant_orders(city: City) -> PlantOrders:
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
