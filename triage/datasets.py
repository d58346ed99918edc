"""Labelled messages for training and evaluating the level-1 classifier, read from CSV files.

- The shared Teddy Cup data: ``messages_train.csv`` (raw text) and ``messages_segmented_extra.csv``
  (pre-segmented words; the rows already in train or in dev are left out, so dev is never trained on).
- Any CSV with a ``label`` column and either ``text`` or ``title`` + ``detail``.
- The spoken appeals written for this project (``data/spoken_appeals.txt`` and, in named styles,
  ``data/spoken_appeals_styles.txt``; see ``data/README.md``): appeals as a caller says them, for every level-3
  category of all 15 level-1 categories. They train the call model (``Level1Classifier.fit(…, spoken=…)``),
  never the web-message model, and are not part of the gate.

A fixed tenth of the training messages (chosen by a hash of their key) is the *gate*: no model trains on
it, and a new model is promoted only if it does at least as well there as the active one.
"""

from __future__ import annotations

import csv
import hashlib
import random
from collections.abc import Iterator, Sequence
from pathlib import Path

from triage.classify import VARIANT_MARK
from triage.normalise import normalise, prepare, to_simplified
from triage.privacy import mask_dialogue, mask_pii
from triage.types import Example

DATA = Path(__file__).resolve().parent / "data"
SPOKEN_APPEALS = DATA / "spoken_appeals.txt"
SPOKEN_STYLES = DATA / "spoken_appeals_styles.txt"
# the calls of the corpus's parts open for tuning, as short calls (bench/derive_spoken_calls.py)
SPOKEN_CALLS = DATA / "spoken_calls.txt"
SPOKEN_FILES = (SPOKEN_APPEALS, SPOKEN_STYLES, SPOKEN_CALLS)
# In an appeals file, a line holding this mark is a short call: its turns (坐席：/市民：) separated by it.
TURN_MARK = "｜"


class DatasetError(ValueError):
    """A file cannot be used; the message names the file and what is wrong."""


def model_text(text: str) -> str:
    """What the models read: simplified, normalised, with personal data masked (as at intake); a call transcript
    masked as a dialogue, so a name said once is masked wherever it comes back."""
    prepared = prepare(text)
    if prepared.is_transcript:
        return mask_dialogue(prepared)[0].text
    return mask_pii(normalise(to_simplified(text))).text


def is_gate(key: str) -> bool:
    return int(hashlib.sha1(key.encode("utf-8")).hexdigest(), 16) % 10 == 0


def split_gate(examples: Sequence[Example]) -> tuple[list[Example], list[Example]]:
    """(training, gate) — pre-segmented examples always train (the gate is raw text, as at intake)."""
    training, gate = [], []
    for example in examples:
        (gate if example.words is None and is_gate(example.key) else training).append(example)
    return training, gate


def _rows(path: Path) -> Iterator[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            yield from csv.DictReader(handle)
    except FileNotFoundError:
        raise DatasetError(f"{path}: no such file") from None
    except UnicodeDecodeError as error:
        raise DatasetError(f"{path}: not UTF-8 text (byte {error.start})") from None


def read_labelled_csv(path: Path, *, key_prefix: str = "") -> list[Example]:
    """Examples from a CSV with ``label`` and ``text`` (or ``title`` and ``detail``) columns."""
    if not path.is_file():
        raise DatasetError(f"{path}: no such file")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle), [])
    columns = set(header)
    if "label" not in columns or not ({"text"} <= columns or {"title", "detail"} <= columns):
        raise DatasetError(
            f"{path}: needs a 'label' column and 'text' or 'title' + 'detail' columns (has {', '.join(header) or 'none'})"
        )
    examples = []
    for number, row in enumerate(_rows(path), start=2):
        label = (row.get("label") or "").strip()
        text = row.get("text") or f"{row.get('title') or ''}\n{row.get('detail') or ''}"
        if not label or not text.strip():
            continue
        key = row.get("row_idx") or row.get("message_id") or str(number)
        examples.append(Example(model_text(text), label, key=f"{key_prefix}{key}"))
    if not examples:
        raise DatasetError(f"{path}: no rows with both a label and a text")
    return examples


def teddy_examples(folder: Path) -> tuple[list[Example], list[Example]]:
    """(all training examples, dev examples) from the Teddy Cup files in ``folder``."""
    dev = read_labelled_csv(folder / "messages_dev.csv", key_prefix="teddy:")
    dev_rows = {example.key for example in dev}
    train = [e for e in read_labelled_csv(folder / "messages_train.csv", key_prefix="teddy:") if e.key not in dev_rows]
    seen = dev_rows | {example.key for example in train}
    for row in _rows(folder / "messages_segmented_extra.csv"):
        key = f"teddy:{row['row_idx']}"
        words = tuple(row["tokens"].split())
        if key not in seen and words and row["label"]:
            train.append(Example("", row["label"], words=words, key=key))
    return train, dev


# --- spoken appeals ----------------------------------------------------------------------------------------

# What a call says besides the appeal: the caller's name and number, a place, assent and thanks. Each spoken
# appeal is also trained with two of these around it, so that the call model learns they say nothing about the
# category (without them, words like 小区 or 街道 lean towards the categories whose appeals mention them most).
_CALL_NOISE_BEFORE = (
    "喂，你好，",
    "你好，我想反映一下，",
    "嗯，那个，",
    "我想咨询一下，",
    "你好，我要投诉，",
    "喂，是12345吧，",
    "我姓[NAME]，",
    "我上次打过的，",
)
_CALL_NOISE_AFTER = (
    "我姓[NAME]，电话[MOBILE]。",
    "在A3区西湖街道那边。",
    "就在我们小区门口，A5区圭塘街道。",
    "对对，就是这个意思。",
    "你们帮忙问一下，谢谢。",
    "我复述一下，您反映的情况是这样，对吗？对。",
    "A7县星沙街道，开元路那里。",
    "好的，麻烦你们快点处理。",
    "你们到底管不管？",
    "处理了给我回个电话。",
)


def read_styled_appeals(path: Path = SPOKEN_STYLES) -> list[tuple[str, tuple[str, ...], str]]:
    """(style, category path, appeal) triples from a spoken appeals file: ``@style NAME`` lines name the style
    of the appeals after them (``""`` before any), ``[level1/level2/level3]`` lines open a category, each
    other line is one appeal (a short call when it holds ``｜``); ``#`` starts a comment line."""
    if not path.is_file():
        raise DatasetError(f"{path}: no such file")
    triples: list[tuple[str, tuple[str, ...], str]] = []
    style = ""
    category: tuple[str, ...] = ()
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@style"):
            style = line.removeprefix("@style").strip()
            if not style or " " in style:
                raise DatasetError(f"{path.name}:{number}: a style needs one name ({line!r})")
            continue
        if line.startswith("[") and line.endswith("]"):
            category = tuple(part.strip() for part in line[1:-1].split("/"))
            if not all(category) or len(category) > 3:
                raise DatasetError(f"{path.name}:{number}: bad category path {line!r}")
            continue
        if not category:
            raise DatasetError(f"{path.name}:{number}: an appeal before any [category] line")
        if TURN_MARK in line and not all(turn.strip()[:3] in ("坐席：", "市民：") for turn in line.split(TURN_MARK)):
            raise DatasetError(f"{path.name}:{number}: every turn of a call starts with 坐席： or 市民：")
        triples.append((style, category, line))
    return triples


def read_spoken_appeals(path: Path = SPOKEN_APPEALS) -> list[tuple[tuple[str, ...], str]]:
    """(category path, appeal) pairs from a spoken appeals file (see ``read_styled_appeals``)."""
    return [(category, appeal) for _style, category, appeal in read_styled_appeals(path)]


def appeal_text(appeal: str) -> str:
    """What the call model reads of an appeal: as ``model_text`` for a said appeal; for a short call (turns
    separated by ``｜``) what the pipeline reads of a call: the caller's turns and the operator's read-backs."""
    if TURN_MARK in appeal:
        return mask_dialogue(prepare(appeal.replace(TURN_MARK, "\n")))[1].text
    return model_text(appeal)


def spoken_examples(
    path: Path | Sequence[Path] = SPOKEN_FILES,
    *,
    with_call_noise: bool = True,
    seed: int = 0,
    leave_out_styles: Sequence[str] = (),
) -> list[Example]:
    """The spoken appeals of one file or several as level-1 examples (as the models read them: masked,
    normalised); with ``with_call_noise`` each said appeal a second time wrapped in what calls say besides the
    appeal (a short call has that already). ``leave_out_styles``: styles not to read (to measure on them)."""
    rng = random.Random(seed)
    examples = []
    paths = [path] if isinstance(path, Path) else list(path)
    for index, source in enumerate(paths):
        prefix = "spoken" if index == 0 else f"spoken{index + 1}"
        for number, (style, category, appeal) in enumerate(read_styled_appeals(source)):
            if style in leave_out_styles:
                continue
            key = f"{prefix}:{number}"
            examples.append(Example(appeal_text(appeal), category[0], key=key))
            if with_call_noise and TURN_MARK not in appeal:
                noisy = f"{rng.choice(_CALL_NOISE_BEFORE)}{appeal}\n{rng.choice(_CALL_NOISE_AFTER)}"
                examples.append(Example(model_text(noisy), category[0], key=f"{key}{VARIANT_MARK}noise"))
    return examples
