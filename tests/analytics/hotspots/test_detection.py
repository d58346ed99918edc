"""Hotspot detection (集中热点): many citizens reporting one problem at one place come out as one hotspot with
its orders, witnesses, area, timeline and departments; nothing outside the window, nothing from one caller.

The real-data tests run the detection once per module on teddy2020c/hotspot_messages.csv (in
HOTLINE_DATASETS_DIR, ../shared/datasets) and score it against the hand-labelled clusters of
bench/data/hotspot_clusters.csv (how they were built: bench/data/README.md)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from analytics.hotspots.detection import detect_hotspots
from analytics.hotspots.types import DetectedHotspot, HotspotItem
from tests.analytics.hotspots.reports import CUIHU, END, SHANGHAI, cluster, holding, month_window, only, plant_reports


def test_the_same_caller_reporting_again_counts_once_as_a_witness() -> None:
    repeat_callers = ["13900000000", "13900000000", "13900000000", "13900000000", "13900000004", "13900000005"]

    everyone = only(detect_hotspots(plant_reports(), window_end=END))
    repeats = only(detect_hotspots(plant_reports(callers=repeat_callers), window_end=END))

    assert (everyone.count, everyone.distinct_callers) == (6, 6)
    assert (repeats.count, repeats.distinct_callers) == (6, 3)
    assert repeats.heat < everyone.heat


def test_one_caller_writing_six_times_is_not_a_hotspot() -> None:
    assert detect_hotspots(plant_reports(callers=["13900000000"] * 6), window_end=END) == []


def test_a_hotspot_shows_its_orders_a_label_a_timeline_and_the_departments_involved() -> None:
    reports = plant_reports()

    hotspot = only(detect_hotspots(reports, window_end=END))

    assert sorted(hotspot.member_ids) == [r.id for r in reports]
    assert "翠湖家园" in hotspot.label and "搅拌站" in hotspot.label
    assert sum(count for _, count in hotspot.timeline) == 6
    assert hotspot.timeline[0][0] == reports[0].created_at.date()
    assert dict(hotspot.departments) == {"生态环境局": 4, "城管局": 2}
    assert hotspot.area_id == CUIHU[-1]
    assert hotspot.category == "环境保护"


def test_orders_outside_the_window_are_left_out() -> None:
    late = plant_reports()

    assert detect_hotspots(late, window_end=END - timedelta(days=12)) == []


def test_the_mixing_plant_complaints_come_out_as_one_hotspot_with_no_other_problem_in_it(
    teddy: tuple[list[HotspotItem], dict[int, str]], whole_span: list[DetectedHotspot]
) -> None:
    _, gold = teddy
    plant = cluster(gold, "丽发新城搅拌站")

    found = holding(whole_span, plant)

    assert len(plant) >= 50
    assert len(found) == 1
    held, hotspot = found[0]
    assert held >= 0.9 * len(plant)
    assert {gold[i] for i in hotspot.member_ids if i in gold} == {"丽发新城搅拌站"}
    assert "丽发新城" in hotspot.label and "搅拌站" in hotspot.label


def test_the_bundled_parking_sales_come_out_as_one_hotspot_holding_most_of_them(
    teddy: tuple[list[HotspotItem], dict[int, str]], whole_span: list[DetectedHotspot]
) -> None:
    _, gold = teddy
    parking = cluster(gold, "伊景园滨河苑捆绑车位")

    (held, hotspot), *rest = holding(whole_span, parking)

    assert len(parking) >= 50
    assert held >= 0.85 * len(parking)
    assert all(count <= 0.1 * len(parking) for count, _ in rest)
    assert {gold[i] for i in hotspot.member_ids if i in gold} == {"伊景园滨河苑捆绑车位"}
    assert "伊景园滨河苑" in hotspot.label and ("捆绑" in hotspot.label or "车位" in hotspot.label)


def test_the_two_big_clusters_are_the_hottest_hotspots(whole_span: list[DetectedHotspot]) -> None:
    labels = [h.label for h in whole_span[:2]]

    assert any("丽发新城" in label for label in labels)
    assert any("伊景园滨河苑" in label for label in labels)


def test_unrelated_messages_written_into_the_same_month_do_not_join_the_mixing_plant_hotspot(
    teddy: tuple[list[HotspotItem], dict[int, str]],
) -> None:
    items, gold = teddy
    posted = datetime(2019, 11, 20, 10, 0, tzinfo=SHANGHAI)
    a2 = (0, 2)  # the bench's gazetteer path of A2区, where 丽发新城 is
    unrelated = [
        HotspotItem(
            id=-1,
            text="A2区丽发新城小区物业乱收停车费\n丽发新城小区物业从本月起把地面停车费从每月150元涨到300元，没有经过业主大会表决，"
            "要求物业公开收费依据。",
            created_at=posted,
            area_path=a2,
            caller="u1",
        ),
        HotspotItem(
            id=-2,
            text="A2区金桂苑小区北门搅拌站噪音扰民\n金桂苑小区北门外新开了一个搅拌站，晚上运料车来回跑，噪音很大，"
            "请城管部门查处。",
            created_at=posted,
            area_path=a2,
            caller="u2",
        ),
        HotspotItem(
            id=-3,
            text="A2区暮云街道一路段井盖缺失\n暮云街道一条路上的井盖丢了好几天，晚上很危险，请尽快补上。",
            created_at=posted,
            area_path=a2,
            caller="u3",
        ),
    ]
    plant = cluster(gold, "丽发新城搅拌站")

    (_, hotspot), *_ = holding(month_window(items, 2019, 11, unrelated), plant)

    assert not {-1, -2, -3} & set(hotspot.member_ids)
    assert {gold.get(i) for i in hotspot.member_ids} == {"丽发新城搅拌站"}


def test_purity_and_completeness_over_the_labelled_sample_stay_above_their_floors(
    teddy: tuple[list[HotspotItem], dict[int, str]], whole_span: list[DetectedHotspot]
) -> None:
    from bench.bench_hotspots import scores, summarise

    items, gold = teddy
    callers = {it.id: it.caller for it in items}

    figures = summarise(Counter(scores([h.member_ids for h in whole_span], gold, [it.id for it in items], callers)))

    # Measured 0.972 / 0.769 / 0.853 (bench/results/hotspots.json, quality.one_window).
    assert figures["labelled_messages"] >= 1000
    assert figures["purity"] >= 0.95, figures
    assert figures["completeness"] >= 0.72, figures
    assert figures["bcubed_f1"] >= 0.8, figures
