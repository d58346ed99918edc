"""Duplicate and related reports: citizens reporting one event are found, other events are not."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.conf import settings

from triage.duplicates import (
    DUPLICATE_THRESHOLD,
    RELATED_THRESHOLD,
    BatchText,
    DuplicateFinder,
    DuplicateIndex,
    Match,
    Report,
    default_weights,
    district_mentions,
    districts,
    place_name_bigrams,
    place_names,
)

NOW = datetime(2024, 6, 12, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
# Gazetteer paths: 北京市 / 海淀区 / 清河街道 / (翠湖家园社区 | 美和园社区); 朝阳区 / 望京街道 / 望京西园社区.
CUIHU = (1, 10, 102, 1002)
MEIHE = (1, 10, 102, 1003)
WANGJING = (1, 20, 201, 2001)

NEW = Report(
    id=100,
    text="反映海淀区清河街道翠湖家园小区东侧的搅拌站每天夜里施工到凌晨两点，运料车进进出出，噪音太大，"
    "孩子没法睡觉，请相关部门尽快处理。联系电话[MOBILE]",
    received_at=NOW,
    area_ids=CUIHU,
    caller="13900000001",
)
SAME_PLANT = Report(
    id=1,
    text="翠湖家园小区旁边新建的混凝土搅拌站昼夜生产，机器轰鸣，粉尘也很大，居民无法休息，投诉多次无人管，"
    "要求关停搅拌站。",
    received_at=NOW - timedelta(days=2),
    area_ids=CUIHU,
    caller="13900000002",
)
OTHER_COMPOUND = Report(
    id=2,
    text="清河街道美和园小区北门外有个搅拌站晚上一直施工，噪音很大影响休息，请城管查处。",
    received_at=NOW - timedelta(days=1),
    area_ids=MEIHE,
    caller="13900000003",
)
PARKING_FEES = Report(
    id=3,
    text="翠湖家园小区物业擅自把地面停车费从每月150元涨到300元，没有经过业主大会表决，要求物业公开收费依据。",
    received_at=NOW - timedelta(days=1),
    area_ids=CUIHU,
    caller="13900000004",
)
SAME_CALLER_AGAIN = Report(
    id=4,
    text="翠湖家园东边的搅拌站又开始夜间施工了，吵得整栋楼睡不着，上次反映后只停了两天。",
    received_at=NOW - timedelta(days=5),
    area_ids=CUIHU,
    caller="13900000001",
)
OTHER_DISTRICT = Report(
    id=5,
    text="望京西园三区北侧的搅拌站夜间施工，噪音扰民，粉尘很大，请尽快处理。",
    received_at=NOW - timedelta(days=1),
    area_ids=WANGJING,
    caller="13900000005",
)


def scores_by_id(new: Report, candidates: list[Report]) -> dict[int, float]:
    score, _ = DuplicateIndex.build(candidates).scores(new)
    return {c.id: float(s) for c, s in zip(candidates, score, strict=True)}


def by_id(matches: list[Match]) -> dict[int, Match]:
    return {m.id: m for m in matches}


def without_areas(report: Report) -> Report:
    return replace(report, area_ids=())


def test_two_callers_reporting_the_same_compounds_mixing_plant_match() -> None:
    [match] = DuplicateFinder().matches(NEW, [SAME_PLANT])

    assert match.id == SAME_PLANT.id
    assert match.score >= DUPLICATE_THRESHOLD
    assert not match.same_caller
    assert "same_community" in match.reasons
    assert "time" in match.reasons


def test_the_same_problem_at_another_compound_is_not_a_duplicate() -> None:
    scores = scores_by_id(NEW, [SAME_PLANT, OTHER_COMPOUND])

    assert scores[OTHER_COMPOUND.id] < DUPLICATE_THRESHOLD
    assert scores[OTHER_COMPOUND.id] < scores[SAME_PLANT.id]


def test_a_different_problem_at_the_same_compound_scores_lower_and_is_not_a_duplicate() -> None:
    scores = scores_by_id(NEW, [SAME_PLANT, PARKING_FEES])

    assert scores[PARKING_FEES.id] < scores[SAME_PLANT.id]
    assert scores[PARKING_FEES.id] < DUPLICATE_THRESHOLD


def test_a_report_in_another_district_is_not_a_duplicate_even_with_the_same_words() -> None:
    copied_elsewhere = replace(SAME_PLANT, id=6, area_ids=WANGJING)

    scores = scores_by_id(NEW, [copied_elsewhere, OTHER_DISTRICT])

    assert max(scores.values()) < RELATED_THRESHOLD


def test_a_report_outside_the_window_is_ignored() -> None:
    long_ago = replace(SAME_PLANT, received_at=NOW - timedelta(days=45))

    assert DuplicateFinder(window=timedelta(days=30)).matches(NEW, [long_ago]) == []
    assert DuplicateFinder(window=timedelta(days=60)).matches(NEW, [long_ago]) != []


def test_the_same_caller_reporting_again_is_flagged() -> None:
    matches = by_id(DuplicateFinder().matches(NEW, [SAME_PLANT, SAME_CALLER_AGAIN]))

    assert matches[SAME_CALLER_AGAIN.id].same_caller
    assert matches[SAME_CALLER_AGAIN.id].score >= DUPLICATE_THRESHOLD
    assert not matches[SAME_PLANT.id].same_caller


def test_without_gazetteer_areas_the_place_names_in_the_texts_decide() -> None:
    new = without_areas(NEW)
    candidates = [without_areas(r) for r in (SAME_PLANT, OTHER_COMPOUND, PARKING_FEES, OTHER_DISTRICT)]

    matches = DuplicateFinder().matches(new, candidates)
    scores = scores_by_id(new, candidates)

    assert [m.id for m in matches if m.score >= DUPLICATE_THRESHOLD] == [SAME_PLANT.id]
    assert "place_in_text" in matches[0].reasons
    assert scores[OTHER_COMPOUND.id] < DUPLICATE_THRESHOLD
    assert scores[OTHER_DISTRICT.id] < RELATED_THRESHOLD  # 海淀区 and 朝阳区 named in the texts


def test_shared_terms_show_the_distinctive_names_not_the_generic_words() -> None:
    [match] = DuplicateFinder().matches(NEW, [SAME_PLANT])

    assert match.shared_terms[0] == "翠湖家园"
    assert "搅拌站" in match.shared_terms
    assert not {"小区", "噪音", "居民", "投诉"} & set(match.shared_terms)


def test_matches_come_best_first_and_only_above_the_related_line() -> None:
    unrelated = Report(7, "建议在清河地铁站增设共享单车停放点，早高峰经常找不到车。", NOW, CUIHU, "13900000007")
    candidates = [PARKING_FEES, unrelated, SAME_PLANT, OTHER_COMPOUND, SAME_CALLER_AGAIN]
    finder = DuplicateFinder()

    matches = finder.matches(NEW, candidates, limit=10)

    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    assert all(m.score >= RELATED_THRESHOLD for m in matches)
    assert unrelated.id not in by_id(matches)
    assert finder.matches(NEW, candidates, limit=2) == matches[:2]


def test_an_index_built_once_scores_many_new_reports_like_the_finder() -> None:
    candidates = [SAME_PLANT, OTHER_COMPOUND, PARKING_FEES, SAME_CALLER_AGAIN]
    finder = DuplicateFinder()
    index = finder.index(candidates)

    for new in (NEW, without_areas(NEW), replace(OTHER_COMPOUND, id=200, received_at=NOW)):
        assert index.matches(new) == finder.matches(new, candidates)


def test_a_report_is_never_its_own_duplicate() -> None:
    assert DuplicateFinder().matches(NEW, [NEW]) == []


def test_a_custom_idf_table_decides_which_words_are_distinctive() -> None:
    # A city where mixing plants are everyday news: 搅拌站 is common, any word the table lacks is rare.
    finder = DuplicateFinder(idf={"搅拌": 1.0, "拌站": 1.0, "噪音": 2.0, "翠湖": 9.0})

    [match] = finder.matches(NEW, [SAME_PLANT])

    assert "翠湖家园" in match.shared_terms
    assert "搅拌站" not in match.shared_terms


def test_on_the_hand_labelled_hotspot_pairs_precision_and_recall_are_at_least_0_8() -> None:
    if not (settings.HOTLINE["DATASETS_DIR"] / "teddy2020c" / "hotspot_messages.csv").is_file():
        pytest.skip("the teddy2020c data set is not in HOTLINE_DATASETS_DIR (../shared/datasets)")
    from bench.bench_duplicates import WINDOW, confusion, hotspot_reports, labelled_pairs, pair_scores

    pairs = labelled_pairs()
    scores = pair_scores(DuplicateFinder(window=WINDOW), hotspot_reports(), pairs)
    labels = np.array([int(p["same_event"]) for p in pairs])

    figures = confusion(labels, scores, DUPLICATE_THRESHOLD)

    assert figures["positives"] >= 100
    assert figures["precision"] >= 0.8, figures
    assert figures["recall"] >= 0.8, figures


def _public_texts() -> list[str]:
    folder = settings.HOTLINE["DATASETS_DIR"] / "teddy2020c"
    if not (folder / "hotspot_messages.csv").is_file():
        pytest.skip("the teddy2020c data set is not in HOTLINE_DATASETS_DIR (../shared/datasets)")
    texts = []
    for name in ("hotspot_messages.csv", "messages_unlabelled.csv"):
        with (folder / name).open(encoding="utf-8") as handle:
            texts += [" ".join(row)[:600] for row in csv.reader(handle)]
    return texts


def test_place_names_of_a_batch_are_those_of_each_text_read_alone() -> None:
    texts = [*_public_texts(), "[MOBILE]翠湖家园小区东侧**搅拌站", "在森宇家园", "劳动东路魅力之城", "", "A3区"]
    weights = default_weights()
    batch = BatchText.of(texts)

    rows, codes, idf, site = place_name_bigrams(batch, weights)

    found: list[tuple[dict[str, float], dict[str, float]]] = [({}, {}) for _ in texts]
    for row, code, weight, is_site in zip(rows.tolist(), codes.tolist(), idf.tolist(), site.tolist(), strict=True):
        found[row][0 if is_site else 1][chr(code >> 16) + chr(code & 0xFFFF)] = weight
    expected = [place_names(text, weights) for text in texts]
    assert sum(bool(sites or areas) for sites, areas in expected) > len(texts) / 2
    assert found == expected


def test_districts_of_a_batch_are_those_of_each_text_read_alone() -> None:
    texts = [*_public_texts(), "北京市海淀区朝阳区", "反映朝阳区小区", "A2区A5县", "居民区", "区"]
    batch = BatchText.of(texts)

    rows, mentions = district_mentions(batch)

    found: list[set[str]] = [set() for _ in texts]
    for row, mention in zip(rows.tolist(), mentions, strict=True):
        found[row].add(mention)
    expected = [districts(text) for text in texts]
    assert sum(bool(d) for d in expected) > 100
    assert found == expected


@pytest.mark.parametrize("texts", [[], [""], ["没有地名也没有区县"], ["[MOBILE]", "**"]])
def test_a_batch_without_names_or_districts_has_none(texts: list[str]) -> None:
    batch = BatchText.of(texts)

    assert len(place_name_bigrams(batch, default_weights())[0]) == 0
    assert len(district_mentions(batch)[0]) == 0
