"""Train the safety detector's learned second opinion (triage/safety_model.py) and write
triage/data/safety_model.json.gz.

Training data, each text read as the pipeline reads it (prepared, the caller's words and the operator's read-backs,
masked): every part of the safety development set (bench/data/safety_dev.md: ``TUNING_PARTS``, all of them since
the detector's fourth round) and the call corpus's parts 1-5 (bench/data/calls/part1.jsonl to part5.jsonl: the
``tune``, ``held_out`` and ``final`` calls, usable for tuning since the fourth round, ``final2`` and ``final3``, each
since it was measured sealed once after the round before), read from those five files by name. Never any other part
of the corpus: a part written later and sealed (part6.jsonl, ``final4``) is never read here.

    .venv/bin/python -m bench.train_safety_model

Prints the training figures (and checks that the pure-Python scorer gives scikit-learn's probabilities).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from bench.calls import FOLDER
from bench.safety_dev import TUNING_PARTS, cases
from triage.normalise import prepare, turns_from_json
from triage.privacy import mask_dialogue
from triage.safety_model import CALM, MODEL_FILE, train

# the call corpus's files trained on, by name: never a part written later and sealed
CALL_FILES = ("part1.jsonl", "part2.jsonl", "part3.jsonl", "part4.jsonl", "part5.jsonl")


def model_text(text: str, turns: object = None) -> str:
    """What the pipeline gives the safety detector: the masked caller's words and read-backs."""
    return mask_dialogue(prepare(text, list(turns) if turns else None))[1].text  # type: ignore[call-overload]


def corpus_calls() -> Iterator[tuple[str, object, str]]:
    """The transcript, the JSON turns (or None) and the label (a kind of risk or "calm") of every call of the
    corpus files trained on."""
    for name in CALL_FILES:
        with (FOLDER / name).open(encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                record = json.loads(line)
                turns = turns_from_json(record["turns"]) if record.get("format") == "turns" else None
                text = record.get("transcript") or "\n".join(
                    f"{'坐席' if turn.speaker == 'agent' else '市民'}：{turn.text}" for turn in turns or ()
                )
                labels = record["labels"]
                yield text, turns, labels["emergency_kind"] if labels["urgency"] == "emergency" else CALM


def training_data(parts: tuple[str, ...] = TUNING_PARTS) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for part in parts:
        for case in cases(part):
            texts.append(model_text(case.text))
            labels.append(case.kind or CALM)
    for text, turns, label in corpus_calls():
        texts.append(model_text(text, turns))
        labels.append(label)
    return texts, labels


def main() -> None:
    texts, labels = training_data()
    model = train(texts, labels)
    model.save(MODEL_FILE)
    right = sum((model.read(text).risk >= 0.5) == (label != CALM) for text, label in zip(texts, labels, strict=True))
    print(
        f"trained on {len(texts)} texts ({sum(label != CALM for label in labels)} with a risk), "
        f"{len(model.idf)} n-grams; training accuracy (risk ≥ 0.5) {right / len(texts):.3f}"
    )
    print(f"written to {MODEL_FILE}")


if __name__ == "__main__":
    main()
