"""The spoken appeals that train the call model (``spoken_appeals.txt`` and, in named styles,
``spoken_appeals_styles.txt``): they cover the whole taxonomy, are read back exactly, copy neither the shared
data nor the call corpus, and become level-1 examples with call noise kept in their fold; a style can be left
out whole, and a short call is read as the pipeline reads a call."""

from __future__ import annotations

import csv
import os
import re
from collections import Counter
from pathlib import Path

import pytest

from bench.calls import calls
from triage.classify import VARIANT_MARK
from triage.datasets import (
    SPOKEN_APPEALS,
    SPOKEN_CALLS,
    SPOKEN_STYLES,
    DatasetError,
    read_spoken_appeals,
    read_styled_appeals,
    spoken_examples,
)

ROOT = Path(__file__).resolve().parents[2]
TEDDY = Path(os.environ.get("HOTLINE_DATASETS_DIR", ROOT.parent / "shared" / "datasets")) / "teddy2020c"
needs_shared = pytest.mark.skipif(not TEDDY.is_dir(), reason=f"the shared data set is not at {TEDDY}")
_SPACE = re.compile(r"\s+")
_SPEAKER = re.compile(r"[｜\n]?(?:坐席|市民)：")


@pytest.fixture(scope="module")
def first_round() -> list[tuple[tuple[str, ...], str]]:
    return read_spoken_appeals(SPOKEN_APPEALS)


@pytest.fixture(scope="module")
def styled() -> list[tuple[str, tuple[str, ...], str]]:
    return read_styled_appeals(SPOKEN_STYLES)


@pytest.fixture(scope="module")
def appeals(first_round, styled) -> list[tuple[tuple[str, ...], str]]:
    """Every appeal of both files."""
    return [*first_round, *((path, text) for _, path, text in styled)]


@needs_shared
def test_every_appeal_sits_under_a_real_level3_category_and_every_level3_category_has_one(appeals, first_round) -> None:
    with (TEDDY / "taxonomy.csv").open(encoding="utf-8-sig", newline="") as handle:
        taxonomy = {(row["level1"], row["level2"], row["level3"]) for row in csv.DictReader(handle)}
    assert {path for path, _ in appeals} - taxonomy == set()
    covered = {path for path, _ in first_round}
    assert [path for path in taxonomy if "其他" not in path and path not in covered] == []


def test_every_level1_category_has_dozens_of_appeals_the_eight_without_labelled_messages_included(appeals) -> None:
    counts = Counter(path[0] for path, _ in appeals)
    assert len(counts) == 15
    for name in ("政法", "民政", "农村农业", "党务政务", "国土资源", "纪检监察", "经济管理", "科技与信息产业"):
        assert counts[name] >= 40, (name, counts[name])
    assert min(counts.values()) >= 35, counts


def test_no_appeal_is_written_twice(appeals) -> None:
    texts = [text for _, text in appeals]
    assert [text for text, n in Counter(texts).items() if n > 1] == []


@needs_shared
def test_no_appeal_is_a_message_of_the_shared_data(appeals) -> None:
    shared: set[str] = set()
    for name in ("messages_train.csv", "messages_dev.csv", "messages_unlabelled.csv", "hotspot_messages.csv"):
        with (TEDDY / name).open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                for column in ("title", "detail", "text"):
                    if row.get(column):
                        shared.add(_SPACE.sub("", row[column]))
    assert [text for _, text in appeals if text in shared] == []


def test_no_appeal_shares_twelve_characters_in_a_row_with_a_call_of_the_corpus(appeals) -> None:
    """The corpus measures the call model; an appeal lifted from one of its calls would flatter it."""

    def runs(text: str) -> set[str]:
        """Twelve-character runs within each turn, without the speaker labels (坐席：/市民：) that every call and
        every short call of the appeals start their turns with."""
        found = set()
        for turn in _SPEAKER.split(text):
            turn = _SPACE.sub("", turn)
            found |= {turn[i : i + 12] for i in range(len(turn) - 11)}
        return found

    corpus = set().union(*(runs(call.text) for call in calls()))
    assert [text for _, text in appeals if runs(text) & corpus] == []


def test_each_appeal_becomes_an_example_and_a_noisy_variant_of_it_with_its_level1_label(first_round) -> None:
    examples = spoken_examples(SPOKEN_APPEALS)
    assert len(examples) == 2 * len(first_round)
    original, variant = examples[0], examples[1]
    assert original.label == variant.label == first_round[0][0][0]
    assert variant.key == original.key + VARIANT_MARK + "noise"
    assert first_round[0][1] in variant.text and variant.text != original.text
    assert len(spoken_examples(SPOKEN_APPEALS, with_call_noise=False)) == len(first_round)


def test_the_call_model_reads_every_file_by_default_and_short_calls_get_no_second_copy(first_round, styled) -> None:
    calls_written = sum("｜" in text for _, _, text in styled)
    assert calls_written >= 100
    corpus_calls = read_styled_appeals(SPOKEN_CALLS)
    examples = spoken_examples()
    assert len(examples) == 2 * len(first_round) + 2 * len(styled) - calls_written + len(corpus_calls)
    assert len({example.key for example in examples}) == len(examples)


def test_the_second_round_has_styles_unlike_the_first_each_with_many_level1_categories(styled) -> None:
    styles = Counter(style for style, _, _ in styled)
    assert len(styles) >= 8 and min(styles.values()) >= 30, styles
    for style in styles:
        assert len({path[0] for s, path, _ in styled if s == style}) >= 8, style
    assert "" not in styles, "every appeal of the second round names its style"


def test_a_style_can_be_left_out_whole_to_measure_on_it(styled) -> None:
    everything = spoken_examples(SPOKEN_STYLES)
    without = spoken_examples(SPOKEN_STYLES, leave_out_styles=("dialect_asr",))
    left_out = [text for style, _, text in styled if style == "dialect_asr"]
    assert len(everything) - len(without) == 2 * len(left_out)
    assert not any(left_out[0][:8] in example.text for example in without)


def test_a_short_call_is_read_as_the_pipeline_reads_a_call_the_callers_words_and_the_read_back(tmp_path) -> None:
    path = tmp_path / "appeals.txt"
    path.write_text(
        "@style dialogue\n[城乡建设/城市建设和市政管理/燃气供应]\n"
        "坐席：您好，请问是燃气泄漏吗？｜市民：不是，我是问燃气费，我姓蔡｜坐席：您是问燃气费怎么交，对吗？｜市民：对\n",
        encoding="utf-8",
    )
    (example,) = spoken_examples(path)
    assert "请问是燃气泄漏吗" not in example.text  # the operator's script is not read
    assert "您是问燃气费怎么交" in example.text  # the operator's read-back is
    assert "蔡" not in example.text and example.label == "城乡建设"
    path.write_text("[城乡建设/城市建设和市政管理/燃气供应]\n坐席：您好｜燃气费怎么交\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="appeals.txt:2: every turn of a call starts with"):
        read_styled_appeals(path)


def test_personal_data_in_an_appeal_is_masked_as_at_intake(tmp_path) -> None:
    path = tmp_path / "appeals.txt"
    path.write_text("[政法/户籍证件/身份证管理]\n身份证丢了要补办，你们打13807315566找我\n", encoding="utf-8")
    (example,) = spoken_examples(path, with_call_noise=False)
    assert "13807315566" not in example.text and "[MOBILE]" in example.text


def test_a_malformed_file_is_refused_with_the_line_that_is_wrong(tmp_path) -> None:
    path = tmp_path / "appeals.txt"
    path.write_text("路灯坏了\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"appeals.txt:1: an appeal before any \[category\] line"):
        read_spoken_appeals(path)
    path.write_text("# comment\n[城乡建设//路灯]\n路灯坏了\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="appeals.txt:2: bad category path"):
        read_spoken_appeals(path)
    path.write_text("@style\n[城乡建设/城市建设和市政管理/路灯]\n路灯坏了\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="appeals.txt:1: a style needs one name"):
        read_spoken_appeals(path)
    with pytest.raises(DatasetError, match="no such file"):
        read_spoken_appeals(tmp_path / "missing.txt")
