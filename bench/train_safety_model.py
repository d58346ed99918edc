"""Train the safety detector's learned second opinion (triage/safety_model.py) and write
triage/data/safety_model.json.gz.

Training data: the tuning parts of the safety development set (``dev_tune`` of bench/data/safety_dev.tsv and
``dev_tune2``, bench/data/safety_dev_tune2.tsv) and the tuning part of the call corpus (``calls("tune")``), each
read as the pipeline reads it: prepared, the caller's words and the operator's read-backs, masked. Never
``dev_test``, ``held_out`` or ``final``.

    .venv/bin/python -m bench.train_safety_model

Prints the training figures (and checks that the pure-Python scorer gives scikit-learn's probabilities).
"""

from __future__ import annotations

from bench.calls import calls
from bench.safety_dev import TUNING_PARTS, cases
from triage.normalise import prepare
from triage.privacy import mask_dialogue
from triage.safety_model import CALM, MODEL_FILE, train


def model_text(text: str, turns: object = None) -> str:
    """What the pipeline gives the safety detector: the masked caller's words and read-backs."""
    return mask_dialogue(prepare(text, list(turns) if turns else None))[1].text  # type: ignore[call-overload]


def training_data() -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for part in TUNING_PARTS:
        for case in cases(part):
            texts.append(model_text(case.text))
            labels.append(case.kind or CALM)
    for call in calls("tune"):
        texts.append(model_text(call.text, call.turns))
        labels.append(call.labels["emergency_kind"] if call.is_emergency else CALM)
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
