"""Personal data is found and masked in hotline text, and the numbers that are not personal stay as they are."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.triage.pii_cases import (
    CARD_CCB_16,
    ID_BEIJING,
    ID_CHANGSHA,
    KINDS,
    PLANTED_CASES,
    UNTOUCHED,
    Case,
    failing_luhn,
    fullwidth,
    grouped,
    id_number,
    with_wrong_check_digit,
)
from triage import privacy
from triage.privacy import MaskedText, PiiKind, PiiSpan, find_pii, mask_pii


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


def _found(text: str) -> set[tuple[str, int, int]]:
    return {(span.kind, span.start, span.end) for span in find_pii(text)}


def _shown(text: str, spans: set[tuple[str, int, int]]) -> list[str]:
    return [f"{kind} {text[start:end]!r} at {start}" for kind, start, end in sorted(spans, key=lambda s: s[1])]


planted_cases = pytest.mark.parametrize("case", PLANTED_CASES, ids=[_short(c.text) for c in PLANTED_CASES])
untouched_sentences = pytest.mark.parametrize("text", UNTOUCHED, ids=[_short(t) for t in UNTOUCHED])


def test_the_test_set_plants_every_kind_in_at_least_220_sentences() -> None:
    assert len(PLANTED_CASES) >= 220
    assert {p.kind for case in PLANTED_CASES for p in case.planted} == set(KINDS) == {k.value for k in PiiKind}


@planted_cases
def test_every_planted_value_is_masked(case: Case) -> None:
    missed = {(p.kind, p.start, p.end) for p in case.planted} - _found(case.text)
    assert not missed, f"in {case.text!r} these were not found: {_shown(case.text, missed)}"


@planted_cases
def test_nothing_but_the_planted_values_is_masked(case: Case) -> None:
    extra = _found(case.text) - {(p.kind, p.start, p.end) for p in case.planted}
    assert not extra, f"in {case.text!r} these were masked but not planted: {_shown(case.text, extra)}"


@untouched_sentences
def test_dates_amounts_house_numbers_and_bus_routes_are_left_alone(text: str) -> None:
    assert mask_pii(text).text == text, f"{text!r} was masked as {mask_pii(text).text!r}"


@planted_cases
def test_offsets_point_at_the_original_text(case: Case) -> None:
    for span in find_pii(case.text):
        assert case.text[span.start : span.end] == span.value, f"{case.text!r}: {span}"


@planted_cases
def test_each_value_is_replaced_by_its_kind_in_brackets(case: Case) -> None:
    masked = mask_pii(case.text)
    for planted in case.planted:
        assert planted.value not in masked.text, f"{case.text!r} still shows {planted.value!r}: {masked.text!r}"
    assert sum(masked.counts().values()) == len(case.planted), f"{case.text!r}: {masked.counts()}"
    for planted in case.planted:
        assert f"[{planted.kind}]" in masked.text, f"{case.text!r} has no [{planted.kind}]: {masked.text!r}"


@planted_cases
def test_masking_twice_changes_nothing(case: Case) -> None:
    once = mask_pii(case.text).text
    assert mask_pii(once) == MaskedText(once, ()), f"{case.text!r} masked again: {mask_pii(once).text!r}"


def test_an_id_number_with_a_wrong_check_digit_is_not_masked() -> None:
    wrong = with_wrong_check_digit(ID_CHANGSHA)
    assert find_pii(f"身份证号{wrong}") == []
    assert [s.kind for s in find_pii(f"身份证号{ID_CHANGSHA}")] == ["ID_CARD"]


def test_an_id_number_born_in_the_future_or_on_a_day_that_does_not_exist_is_not_masked() -> None:
    assert find_pii(id_number("430102", "20990101", "123")) == []
    assert find_pii(id_number("430102", "19870229", "123")) == []  # 1987 was no leap year
    assert find_pii(id_number("430102", "18990101", "123")) == []


def test_a_card_number_failing_the_luhn_check_is_not_masked() -> None:
    assert find_pii(f"卡号{failing_luhn(CARD_CCB_16)}") == []
    assert find_pii(f"卡号{grouped(failing_luhn(CARD_CCB_16))}") == []
    assert [s.kind for s in find_pii(f"卡号{CARD_CCB_16}")] == ["BANK_CARD"]


def test_an_old_fifteen_digit_id_needs_the_word_id_card_before_it() -> None:
    old = "430102850314271"
    assert [s.value for s in find_pii(f"身份证号：{old}")] == [old]
    assert find_pii(f"编号：{old}") == []


def test_a_bare_seven_or_eight_digit_number_is_a_phone_number_only_after_a_phone_word() -> None:
    assert [s.kind for s in find_pii("电话：84567890")] == ["LANDLINE"]
    assert find_pii("欠款84567890，至今未还") == []
    assert find_pii("发票号码84567890") == []


def test_a_mobile_number_inside_a_longer_run_of_digits_is_not_masked() -> None:
    assert find_pii("编号913800138000") == []
    assert find_pii("编号138001380001") == []
    assert find_pii("13800138000.5") == []


def test_full_width_digits_are_found_and_reported_as_written() -> None:
    text = f"手机{fullwidth('13800138000')}，身份证{fullwidth(ID_BEIJING)}"
    spans = find_pii(text)
    assert [(s.kind, s.value) for s in spans] == [
        ("MOBILE", fullwidth("13800138000")),
        ("ID_CARD", fullwidth(ID_BEIJING)),
    ]
    assert mask_pii(text).text == "手机[MOBILE]，身份证[ID_CARD]"


def test_only_the_name_is_masked_never_the_cue_words() -> None:
    assert mask_pii("我叫王小明，联系人：李女士，我姓张。").text == "我叫[NAME]，联系人：[NAME]女士，我姓[NAME]。"


def test_self_introductions_that_are_not_names_are_left_alone() -> None:
    for text in ("我是业主", "我是A3区居民", "我是一名教师", "我是黄兴路的业主", "本人于2019年起诉"):
        assert find_pii(text) == [], text


def test_counts_tell_how_many_values_of_each_kind_were_masked() -> None:
    masked = mask_pii("电话13800138000、13900001111，邮箱a@qq.com")
    assert masked.counts() == {"MOBILE": 2, "EMAIL": 1}
    assert mask_pii("没有个人信息").counts() == {}


def test_spans_are_sorted_and_do_not_overlap() -> None:
    for case in PLANTED_CASES:
        spans = mask_pii(case.text).spans
        assert all(a.end <= b.start for a, b in zip(spans, spans[1:], strict=False)), case.text


def test_a_span_knows_its_placeholder() -> None:
    assert PiiSpan("ID_CARD", 0, 18, ID_BEIJING).placeholder == "[ID_CARD]"
    assert PiiKind.BANK_CARD.placeholder == "[BANK_CARD]"


def test_empty_text_and_text_without_personal_data_come_back_unchanged() -> None:
    assert mask_pii("") == MaskedText("", ())
    assert mask_pii("小区门口垃圾堆积，无人清运。") == MaskedText("小区门口垃圾堆积，无人清运。", ())


def test_the_privacy_module_imports_nothing_but_the_standard_library_and_triage() -> None:
    tree = ast.parse(Path(privacy.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    outside = {
        name for name in imported if name.split(".")[0] not in {"__future__", "re", "dataclasses", "datetime", "enum"}
    }
    assert all(name.startswith("triage") for name in outside), outside


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("本人王秀英，女，1967年5月出生，现为某酒店员工", "1967年5月"),
        ("孩子生于2015年10月12日，户口在A市", "2015年10月12日"),
        ("出生日期：1990-03-07，身份证丢了", "1990-03-07"),
    ],
)
def test_a_date_of_birth_is_masked(text: str, masked: str) -> None:
    result = mask_pii(text)
    assert masked not in result.text and "[BIRTH_DATE]" in result.text


@pytest.mark.parametrize(
    "text", ["该规定自2019年5月生效", "2019年5月12日小区停水一天", "2015年10月出生率统计", "本人1965年出生"]
)
def test_other_dates_stay(text: str) -> None:
    assert "[BIRTH_DATE]" not in mask_pii(text).text
