"""Which open orders a new call is compared with: found through the index of rare terms, in the call's district,
never an order not analysed yet, at most a bounded number however large the backlog, and only for a month."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from hotline import selectors
from hotline.models import OrderTextKey
from hotline.services import duplicate_finder, order_text_keys_prune, order_text_keys_record
from tests.factories import AreaFactory, make_order
from triage.duplicates import index_keys
from workorders.choices import AreaKind, Status
from workorders.models import Area, WorkOrder

pytestmark = pytest.mark.django_db

PLANT = "枫林路阳光小区东侧的混凝土搅拌站每天夜里施工到凌晨两点，运料车进进出出，噪音太大，孩子没法睡觉。"
PLANT_AGAIN = "阳光小区旁边的搅拌站昼夜生产，机器轰鸣，粉尘很大，居民无法休息，要求关停搅拌站。"
PENSION = "请问公积金提取需要带什么材料，去哪个窗口办理？"


@pytest.fixture(autouse=True)
def no_common_keys_remembered() -> None:
    selectors.forget_common_keys()  # what another test's calls taught this process


@pytest.fixture
def districts() -> tuple[Area, Area]:
    city = AreaFactory(name="A市", code="CITY", kind=AreaKind.CITY)
    west = AreaFactory(name="A3区", code="A3", kind=AreaKind.DISTRICT, parent=city)
    east = AreaFactory(name="A7县", code="A7", kind=AreaKind.DISTRICT, parent=city)
    return west, east


def analysed(text: str, *, area: Area | None, status: str = Status.DRAFT, days_ago: float = 0) -> WorkOrder:
    """An order as triage leaves it: masked text, place, and its rare terms indexed."""
    order = make_order(
        appeal=text, appeal_masked=text, area=area, status=status, at=timezone.now() - timedelta(days=days_ago)
    )
    order_text_keys_record(order=order)
    return order


def new_call(text: str, *, area: Area | None) -> WorkOrder:
    return make_order(appeal=text, appeal_masked=text, area=area)


def candidates_of(order: WorkOrder) -> set[int]:
    found = selectors.related_candidates(order, keys=index_keys(f"\n{order.appeal_masked}"))
    return {report.id for report in found}


def test_an_open_order_about_the_same_plant_in_the_district_is_compared(districts) -> None:
    west, _east = districts
    first = analysed(PLANT, area=west)
    assert candidates_of(new_call(PLANT_AGAIN, area=west)) == {first.pk}


def test_an_order_with_no_shared_rare_term_is_not_read_at_all(districts) -> None:
    west, _east = districts
    analysed(PENSION, area=west)
    assert candidates_of(new_call(PLANT_AGAIN, area=west)) == set()


def test_the_same_words_in_another_district_are_not_compared(districts) -> None:
    west, east = districts
    analysed(PLANT, area=east)
    assert candidates_of(new_call(PLANT_AGAIN, area=west)) == set()


def test_an_order_not_analysed_yet_is_not_compared_in_any_district(districts) -> None:
    west, _east = districts
    make_order(appeal=PLANT)  # a draft waiting for triage: no place, no masked text, no keys
    unknown_place = analysed(PLANT, area=None)  # analysed, its place not found: still compared everywhere
    assert candidates_of(new_call(PLANT_AGAIN, area=west)) == {unknown_place.pk}


def test_closed_orders_and_orders_older_than_a_month_are_not_compared(districts) -> None:
    west, _east = districts
    analysed(PLANT, area=west, status=Status.CLOSED)
    analysed(PLANT, area=west, days_ago=31)
    recent = analysed(PLANT, area=west, days_ago=29)
    assert candidates_of(new_call(PLANT_AGAIN, area=west)) == {recent.pk}


def test_a_large_backlog_is_cut_to_the_orders_sharing_the_most_rare_terms(districts, monkeypatch) -> None:
    west, _east = districts
    monkeypatch.setattr(selectors, "RELATED_CANDIDATES", 3)
    same_words = [analysed(PLANT, area=west) for _ in range(3)]
    for n in range(5):  # share one rare place name only
        analysed(f"枫林路阳光小区第{n}栋楼道的灯坏了。", area=west)
    assert candidates_of(new_call(PLANT, area=west)) == {o.pk for o in same_words}


GREETING = "坐席：您好，请讲。市民："


def test_a_term_in_more_orders_than_a_rare_term_has_is_left_out(districts, monkeypatch) -> None:
    """The operator's greeting is in every call: its bigrams are rare in the written messages the IDF comes from,
    but common among the calls, so they must not rank every call above the report of the same event."""
    west, _east = districts
    monkeypatch.setattr(selectors, "RELATED_KEY_MAX_ORDERS", 3)
    monkeypatch.setattr(selectors, "RELATED_CANDIDATES", 1)
    plant = analysed(PLANT, area=west, days_ago=2)
    for n in range(4):  # newer, and sharing only the greeting
        analysed(f"{GREETING}第{n}号楼道的灯坏了，晚上看不见。", area=west)
    assert candidates_of(new_call(GREETING + PLANT_AGAIN, area=west)) == {plant.pk}


def test_a_term_found_common_is_not_read_again(districts, monkeypatch) -> None:
    west, _east = districts
    monkeypatch.setattr(selectors, "RELATED_KEY_MAX_ORDERS", 3)
    greeting_only = [analysed(f"{GREETING}第{n}号楼道的灯坏了。", area=west) for n in range(4)]
    assert candidates_of(new_call(GREETING + PLANT, area=west)) == set()
    OrderTextKey.objects.filter(order__in=greeting_only[1:]).delete()  # no longer common in the window
    # still left out by this process for a while: it reads none of the postings it found common
    assert candidates_of(new_call(GREETING + PLANT, area=west)) == set()
    selectors.forget_common_keys()
    assert candidates_of(new_call(GREETING + PLANT, area=west)) == {greeting_only[0].pk}


def test_keys_older_than_the_window_are_pruned_and_the_orders_kept(districts) -> None:
    west, _east = districts
    old = analysed(PLANT, area=west, days_ago=40)
    recent = analysed(PLANT, area=west, days_ago=1)
    assert order_text_keys_prune() == len(index_keys(f"\n{PLANT}", duplicate_finder().weights))
    assert not OrderTextKey.objects.filter(order=old).exists()
    assert OrderTextKey.objects.filter(order=recent).exists()
    assert WorkOrder.objects.filter(pk=old.pk).exists()


def test_an_import_of_the_past_indexes_only_orders_inside_the_window(districts) -> None:
    west, _east = districts
    old = make_order(appeal=PLANT, appeal_masked=PLANT, area=west, at=timezone.now() - timedelta(days=90))
    assert order_text_keys_record(order=old, now=timezone.now()) == 0
    assert not OrderTextKey.objects.filter(order=old).exists()
