"""Rebuild the reply check's shipped files in triage/data/ from the teddy2020c data set.

    .venv/bin/python -m bench.train_reply_check              # both files
    .venv/bin/python -m bench.train_reply_check --words      # only reply_appeal_df.tsv (word document frequency)
    .venv/bin/python -m bench.train_reply_check --explains   # only reply_explains.json.gz (the explains model)
    .venv/bin/python -m bench.train_reply_check --choose-c   # cross-validated ROC-AUC for a few C, training split only

The explains model trains on ``explains_label_a`` of replies.csv, on the *training* split only:

- the 100 rows with ``explains_label_b`` (and any row whose reply text is the same as one of theirs) are never
  trained on, so they stay an independent check;
- of the rest, the rows whose reply text hashes to 0 mod 5 (sha1) are *held out* (~20 %); identical replies
  (re-posted messages) hash alike, so a reply never sits on both sides.

The word table counts content words in the citizen messages of messages_train, messages_dev,
messages_unlabelled and hotspot_messages (distinct texts), not replies.csv, on whose appeals relevance is
benchmarked. Words in fewer than 3 messages are left out (no rare strings, such as names, are shipped).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.common import teddy
from triage.reply_check import APPEAL_DF_FILE, EXPLAINS_FILE, AppealWeights, ExplainsModel, clean

C = 16.0  # the best cross-validated ROC-AUC of --choose-c on the training split (0.9885; 4.0: 0.9866, 64.0: 0.9876)
SEED = 0


@dataclass(frozen=True)
class ReplyRow:
    message_id: str
    appeal: str  # title + detail
    reply: str
    explains_a: int
    completeness_b: int | None
    explains_b: int | None
    split: str  # "training" | "held_out" | "label_b" | "excluded" (same reply text as a label_b row)


def _label(value: str) -> int | None:
    return int(float(value)) if value.strip() else None


def _reply_key(reply: str) -> str:
    return re.sub(r"\s+", "", clean(reply))


def _bucket(reply: str) -> int:
    return int(hashlib.sha1(_reply_key(reply).encode("utf-8")).hexdigest(), 16) % 5


def read_csv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def reply_rows() -> list[ReplyRow]:
    raw = list(read_csv(teddy("replies.csv")))
    label_b_replies = {_reply_key(row["reply"]) for row in raw if row["explains_label_b"].strip()}
    rows = []
    for row in raw:
        if row["explains_label_b"].strip() or _reply_key(row["reply"]) in label_b_replies:
            split = "label_b" if row["explains_label_b"].strip() else "excluded"
        else:
            split = "held_out" if _bucket(row["reply"]) == 0 else "training"
        rows.append(
            ReplyRow(
                message_id=row["message_id"],
                appeal=f"{row['title']}。{row['detail']}",
                reply=row["reply"],
                explains_a=int(row["explains_label_a"]),
                completeness_b=_label(row["completeness_label_b"]),
                explains_b=_label(row["explains_label_b"]),
                split=split,
            )
        )
    return rows


def citizen_messages() -> list[str]:
    texts: dict[str, None] = {}
    for name in ("messages_train.csv", "messages_dev.csv"):
        for row in read_csv(teddy(name)):
            texts.setdefault(row["text"] or f"{row['title']}。{row['detail']}", None)
    for name in ("messages_unlabelled.csv", "hotspot_messages.csv"):
        for row in read_csv(teddy(name)):
            texts.setdefault(re.sub(r"\s+", "", f"{row['title']}。{row['detail']}"), None)
    return [text for text in texts if text.strip()]


def build_words() -> AppealWeights:
    texts = citizen_messages()
    weights = AppealWeights.count(texts, min_df=3)
    header = (
        f"Document frequency of content words (jieba, stop words dropped) in {weights.documents} distinct citizen\n"
        "messages of teddy2020c (messages_train, messages_dev, messages_unlabelled, hotspot_messages; not\n"
        "replies.csv). Words in at least 3 messages. Derived counts, not the text. Used by\n"
        "triage/reply_check.py for relevance. Rebuild: .venv/bin/python -m bench.train_reply_check --words"
    )
    APPEAL_DF_FILE.write_text(weights.to_tsv(header), encoding="utf-8")
    print(f"{APPEAL_DF_FILE}: {len(weights.frequency)} words from {weights.documents} messages")
    return weights


def training_rows(rows: list[ReplyRow] | None = None) -> list[ReplyRow]:
    return [row for row in (rows or reply_rows()) if row.split == "training"]


def build_explains() -> ExplainsModel:
    rows = training_rows()
    model = ExplainsModel.fit([r.reply for r in rows], [r.explains_a for r in rows], C=C, seed=SEED)
    model.info["split"] = "replies.csv rows with sha1(reply) % 5 != 0, label_b rows and their duplicates excluded"
    EXPLAINS_FILE.write_bytes(model.to_bytes())
    size = EXPLAINS_FILE.stat().st_size
    print(f"{EXPLAINS_FILE}: {len(model.vocabulary)} terms, {size / 1024:.0f} KiB, threshold {model.threshold}")
    print(model.info)
    return model


def choose_c() -> None:
    """Cross-validated ROC-AUC and macro-F1 (threshold chosen out of fold) for a few C, on the training split."""
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold

    rows = training_rows()
    replies = [r.reply for r in rows]
    y = np.array([r.explains_a for r in rows])
    for c in (0.25, 1.0, 4.0, 16.0, 64.0):
        scores = np.zeros(len(y))
        for train, test in StratifiedKFold(5, shuffle=True, random_state=1).split(replies, y):
            model = ExplainsModel.fit([replies[i] for i in train], y[train], C=c, seed=SEED)
            scores[test] = model.probabilities([replies[i] for i in test])
        print(f"C={c:<5} cross-validated ROC-AUC {roc_auc_score(y, scores):.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", action="store_true")
    parser.add_argument("--explains", action="store_true")
    parser.add_argument("--choose-c", action="store_true")
    args = parser.parse_args()
    if args.choose_c:
        choose_c()
        return
    both = not (args.words or args.explains)
    if args.words or both:
        build_words()
    if args.explains or both:
        build_explains()


if __name__ == "__main__":
    main()
