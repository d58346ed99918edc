"""Labelled messages for training and evaluating the level-1 classifier, read from CSV files.

- The shared Teddy Cup data: ``messages_train.csv`` (raw text) and ``messages_segmented_extra.csv``
  (pre-segmented words; the rows already in train or in dev are left out, so dev is never trained on).
- Any CSV with a ``label`` column and either ``text`` or ``title`` + ``detail``.

A fixed tenth of the training messages (chosen by a hash of their key) is the *gate*: no model trains on
it, and a new model is promoted only if it does at least as well there as the active one.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator, Sequence
from pathlib import Path

from triage.normalise import normalise, prepare, to_simplified
from triage.privacy import mask_dialogue, mask_pii
from triage.types import Example


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
