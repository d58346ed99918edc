"""The corpus calls the call model trains on (``triage/data/spoken_calls.txt``) and the emergency prior counted
from them (``emergency_level1.tsv``), both derived by ``bench/derive_spoken_calls.py``: only the parts open for
tuning, never the held-out part whose figures are reported, each call with its label and read as the pipeline
reads a call."""

from __future__ import annotations

import re
from collections import Counter

from bench.calls import calls
from triage.classify import EMERGENCY_LEVEL1, emergency_level1_prior
from triage.datasets import SPOKEN_CALLS, read_styled_appeals, spoken_examples

TUNING_PARTS = ("tune", "final", "final2", "final3")
LEVEL1 = [
    "交通运输",
    "党务政务",
    "农村农业",
    "劳动和社会保障",
    "卫生计生",
    "商贸旅游",
    "国土资源",
    "城乡建设",
    "政法",
    "教育文体",
    "民政",
    "环境保护",
    "科技与信息产业",
    "纪检监察",
    "经济管理",
]


def ids_in_file() -> list[str]:
    return re.findall(r"^# (c\d+)$", SPOKEN_CALLS.read_text(encoding="utf-8"), flags=re.MULTILINE)


def test_no_held_out_call_is_trained_on_and_every_call_of_the_tuning_parts_is() -> None:
    trained = ids_in_file()
    assert len(trained) == len(set(trained))
    assert set(trained) & {call.id for call in calls("held_out")} == set()
    assert set(trained) == {call.id for part in TUNING_PARTS for call in calls(part)}


def test_each_call_keeps_its_label_and_its_part_can_be_left_out_whole() -> None:
    by_id = {call.id: call for part in TUNING_PARTS for call in calls(part)}
    styled = read_styled_appeals(SPOKEN_CALLS)
    assert len(styled) == len(ids_in_file())
    for (style, path, _text), call_id in zip(styled, ids_in_file(), strict=True):
        assert style == f"corpus_{by_id[call_id].split}" and path[0] == by_id[call_id].level1
    everything = spoken_examples(SPOKEN_CALLS)
    without = spoken_examples(SPOKEN_CALLS, leave_out_styles=("corpus_final2",))
    assert len(everything) - len(without) == len(calls("final2"))


def test_a_corpus_call_is_read_as_the_pipeline_reads_it_its_names_masked_and_the_operators_script_left_out() -> None:
    examples = spoken_examples(SPOKEN_CALLS)
    assert not any(line.startswith("您好，12345") for example in examples for line in example.text.splitlines())
    assert sum("您是说" in example.text or "对吗" in example.text for example in examples) > len(examples) / 3
    assert sum("[NAME]" in example.text for example in examples) > len(examples) / 2


def test_the_prior_of_an_emergencys_kind_favours_the_category_its_calls_fell_in() -> None:
    prior = emergency_level1_prior(LEVEL1)
    assert max(prior["gas"], key=prior["gas"].get) == "城乡建设"
    assert max(prior["violence"], key=prior["violence"].get) == "政法"
    assert prior["gas"]["城乡建设"] > 1.5 and prior["gas"]["教育文体"] < 0


def test_a_part_left_out_of_the_prior_is_not_counted() -> None:
    counted: Counter[str] = Counter()
    for line in EMERGENCY_LEVEL1.read_text(encoding="utf-8").splitlines()[1:]:
        kind, level1, part, number = line.split("\t")
        if kind == "gas" and level1 == "城乡建设":
            counted[part] += int(number)
    assert counted["final2"] > 0
    full, without = emergency_level1_prior(LEVEL1), emergency_level1_prior(LEVEL1, leave_out="final2")
    assert without["gas"]["城乡建设"] < full["gas"]["城乡建设"]
