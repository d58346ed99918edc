"""The heat index (热度指数): more callers, growth, urgency and likes make a hotspot hotter, on a log scale;
growth is against the previous window; a spike against its area and category's usual volume is emerging."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from analytics.hotspots.detection import detect_hotspots
from analytics.hotspots.heat import heat_index
from analytics.hotspots.types import HotspotItem
from tests.analytics.hotspots.reports import BASELINE_KEY, CUIHU, END, cluster, month_window, only, plant_reports

# --- heat index ----------------------------------------------------------------------------------------------


def test_more_distinct_callers_make_a_hotspot_hotter() -> None:
    many, _ = heat_index(reports=6, distinct_callers=6)
    few, _ = heat_index(reports=6, distinct_callers=2)

    assert many > few


def test_ten_people_once_are_hotter_than_one_person_ten_times() -> None:
    ten_people, _ = heat_index(reports=10, distinct_callers=10)
    one_person, _ = heat_index(reports=10, distinct_callers=1)

    assert ten_people > one_person


def test_growth_against_the_previous_window_makes_a_hotspot_hotter_and_decline_does_not_cool_it_below_zero() -> None:
    growing, parts = heat_index(reports=6, distinct_callers=6, growth=2.0)
    steady, _ = heat_index(reports=6, distinct_callers=6, growth=0.0)
    shrinking, shrinking_parts = heat_index(reports=6, distinct_callers=6, growth=-0.5)

    assert growing > steady == shrinking
    assert parts["growth"] > 0 and shrinking_parts["growth"] == 0


def test_urgency_and_likes_add_heat_and_the_parts_add_up() -> None:
    plain, _ = heat_index(reports=6, distinct_callers=6)
    urgent, parts = heat_index(reports=6, distinct_callers=6, urgency_share=0.5, likes=40)

    assert urgent > plain
    assert urgent == pytest.approx(sum(parts.values()), abs=0.05)


def test_growth_counts_the_previous_windows_reports_of_the_same_problem() -> None:
    earlier = plant_reports(first_id=101, end=END - timedelta(days=30))[:2]

    hotspot = only(detect_hotspots(plant_reports(), window_end=END, previous=earlier))

    assert hotspot.previous_count == 2
    assert hotspot.growth == pytest.approx((6 - 2) / 2)


# --- emerging ------------------------------------------------------------------------------------------------


def test_a_spike_against_the_area_and_category_baseline_is_emerging() -> None:
    hotspot = only(detect_hotspots(plant_reports(), window_end=END, baseline={BASELINE_KEY: 1.0}))

    assert hotspot.emerging


def test_a_new_problem_at_one_compound_is_emerging_even_in_a_busy_district() -> None:
    """Three hundred environmental reports a month in the district hide six from one compound; against the
    compound's own usual level (one a month) they are a spike."""
    baseline = {(CUIHU[1], "环境保护"): 300.0, (CUIHU[2], "环境保护"): 40.0, BASELINE_KEY: 1.0}

    hotspot = only(detect_hotspots(plant_reports(), window_end=END, baseline=baseline))

    assert hotspot.area_id == CUIHU[-1]
    assert hotspot.emerging


def test_a_compound_that_always_reports_this_much_is_not_emerging() -> None:
    baseline = {(CUIHU[1], "环境保护"): 300.0, (CUIHU[2], "环境保护"): 40.0, BASELINE_KEY: 6.0}

    assert not only(detect_hotspots(plant_reports(), window_end=END, baseline=baseline)).emerging


def test_a_problem_recurring_at_its_usual_level_is_not_emerging() -> None:
    last_month = plant_reports(first_id=101, end=END - timedelta(days=30))

    hotspot = only(detect_hotspots(plant_reports(), window_end=END, previous=last_month, baseline={BASELINE_KEY: 6.0}))

    assert hotspot.previous_count == 6
    assert not hotspot.emerging


def test_the_previous_window_stands_in_for_a_missing_baseline() -> None:
    quiet_month = [replace(r, id=r.id + 100, created_at=r.created_at - timedelta(days=30)) for r in plant_reports()]

    spike = only(detect_hotspots(plant_reports(), window_end=END, previous=quiet_month[:1]))
    steady = only(detect_hotspots(plant_reports(), window_end=END, previous=quiet_month))

    assert spike.emerging
    assert not steady.emerging


def test_without_a_baseline_or_a_previous_window_nothing_is_emerging() -> None:
    assert not only(detect_hotspots(plant_reports(), window_end=END)).emerging


def test_on_the_public_data_the_alerts_are_few_and_the_parking_surge_is_one(
    teddy: tuple[list[HotspotItem], dict[int, str]],
) -> None:
    """Month by month over the whole sample (each month against the one before, as no baseline is kept for
    it), the 伊景园滨河苑 bundled parking sales jump from a handful of reports to dozens in August 2019: an
    emerging hotspot. The data has no categories and places only by district, so the rule compares a
    hotspot with its whole district: few others stand out."""
    items, gold = teddy
    first = min(it.created_at for it in items)
    last = max(it.created_at for it in items)
    months = [
        (y, m)
        for y in range(first.year, last.year + 1)
        for m in range(1, 13)
        if (first.year, first.month) <= (y, m) <= (last.year, last.month)
    ]

    emerging = {(y, m): [h for h in month_window(items, y, m) if h.emerging] for y, m in months}

    parking = cluster(gold, "伊景园滨河苑捆绑车位")
    [surge] = emerging[(2019, 8)]
    assert len(parking & set(surge.member_ids)) >= 30 and surge.growth >= 1
    assert sum(len(found) for found in emerging.values()) <= 3
