"""The spoken appeals that train the call model: they cover the whole taxonomy, are read back exactly, copy
neither the shared data nor the call corpus, and become level-1 examples with call noise kept in their fold."""

from __future__ import annotations

import csv
import os
import re
from collections import Counter
from pathlib import Path

import pytest

from bench.calls import calls
from triage.classify import VARIANT_MARK
from triage.datasets import DatasetError, read_spoken_appeals, spoken_examples

ROOT = Path(__file__).resolve().parents[2]
TEDDY = Path(os.environ.get("HOTLINE_DATASETS_DIR", ROOT.parent / "shared" / "datasets")) / "teddy2020c"
needs_shared = pytest.mark.skipif(not TEDDY.is_dir(), reason=f"the shared data set is not at {TEDDY}")
_SPACE = re.compile(r"\s+")


@pytest.fixture(scope="module")
def appeals() -> list[tuple[tuple[str, ...], str]]:
    return read_spoken_appeals()


@needs_shared
def test_every_appeal_sits_under_a_real_level3_category_and_every_level3_category_has_one(appeals) -> None:
    with (TEDDY / "taxonomy.csv").open(encoding="utf-8-sig", newline="") as handle:
        taxonomy = {(row["level1"], row["level2"], row["level3"]) for row in csv.DictReader(handle)}
    assert {path for path, _ in appeals} <= taxonomy
    covered = {path for path, _ in appeals}
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
        text = _SPACE.sub("", text)
        return {text[i : i + 12] for i in range(len(text) - 11)}

    corpus = set().union(*(runs(call.text) for call in calls()))
    assert [text for _, text in appeals if runs(text) & corpus] == []


def test_each_appeal_becomes_an_example_and_a_noisy_variant_of_it_with_its_level1_label(appeals) -> None:
    examples = spoken_examples()
    assert len(examples) == 2 * len(appeals)
    original, variant = examples[0], examples[1]
    assert original.label == variant.label == appeals[0][0][0]
    assert variant.key == original.key + VARIANT_MARK + "noise"
    assert appeals[0][1] in variant.text and variant.text != original.text
    assert len(spoken_examples(with_call_noise=False)) == len(appeals)


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
    with pytest.raises(DatasetError, match="no such file"):
        read_spoken_appeals(tmp_path / "missing.txt")
