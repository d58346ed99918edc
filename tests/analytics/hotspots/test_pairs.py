"""The pair search: orders are compared within their district, on threads, and the result does not depend on
how many."""

from __future__ import annotations

from dataclasses import replace

import pytest

from analytics.hotspots import pairs
from analytics.hotspots.detection import detect_hotspots
from analytics.hotspots.types import HotspotItem
from tests.analytics.hotspots.reports import END, WANGJING, month_window, plant_reports


def test_the_same_problem_in_another_district_is_another_hotspot() -> None:
    here = plant_reports()
    there = [replace(r, id=r.id + 100, area_path=WANGJING, caller=r.caller + "9") for r in plant_reports()]

    hotspots = detect_hotspots([*here, *there], window_end=END)

    assert sorted(sorted(h.member_ids) for h in hotspots) == [[r.id for r in here], [r.id for r in there]]


def test_the_hotspots_do_not_depend_on_the_number_of_threads(
    teddy: tuple[list[HotspotItem], dict[int, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    items, _ = teddy

    def november() -> list[tuple[tuple[int, ...], str, float, int]]:
        return [(h.member_ids, h.label, h.heat, h.previous_count) for h in month_window(items, 2019, 11)]

    monkeypatch.setattr(pairs, "THREADS", 1)
    one = november()
    monkeypatch.setattr(pairs, "THREADS", 3)
    three = november()

    assert len(one) >= 5
    assert three == one
