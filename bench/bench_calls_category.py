"""Level-1 category of phone calls over all 15 level-1 categories, on the call corpus (bench/data/calls).

Builds the pipeline as a worker does (the demo city's gazetteer, the taxonomy, a level-1 model trained by the
production recipe: the web-message model on the Teddy Cup training messages, the call model on the spoken
appeals of triage/data/spoken_appeals.txt; no call of the corpus is trained on) and triages every call of one
part of the corpus. Reports accuracy, macro-F1 over the 15 classes, per-class precision/recall/F1/support, the
confusion of the errors and how reliable the confidence is.

    .venv/bin/python -m bench.bench_calls_category               # held-out part (the reported figures)
    .venv/bin/python -m bench.bench_calls_category tune          # the tuning part
    .venv/bin/python -m bench.bench_calls_category final         # the third writer's part, read once
    .venv/bin/python -m bench.bench_calls_category tune --save /tmp/level1.joblib   # keep the model trained
    .venv/bin/python -m bench.bench_calls_category tune --model /tmp/level1.joblib  # reuse it

A combined calls benchmark imports ``figures(split, pipeline)`` and ``build_pipeline()``.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.bench_triage import reference
from bench.calls import SPLITS, calls
from bench.common import report, teddy
from triage.classify import Level1Classifier, evaluate
from triage.datasets import split_gate, spoken_examples, teddy_examples
from triage.pipeline import TriagePipeline


def train_model() -> Level1Classifier:
    """The production recipe (``manage.py train_models``): Teddy Cup training messages minus the gate for the
    web-message model, the spoken appeals for the call model."""
    training, _dev = teddy_examples(teddy("taxonomy.csv").parent)
    return Level1Classifier().fit(split_gate(training)[0], spoken=spoken_examples())


def build_pipeline(model: Level1Classifier | None = None) -> TriagePipeline:
    places, categories = reference()
    model = model if model is not None else train_model()
    return TriagePipeline(places=places, categories=categories, level1_model=model, level1_version="bench")


def figures(split: str = "held_out", pipeline: TriagePipeline | None = None) -> dict[str, Any]:
    """Level-1 figures of the pipeline on one part of the call corpus."""
    pipeline = pipeline if pipeline is not None else build_pipeline()
    names = {pk: name for name, pk in pipeline.level1_ids.items()}
    truth, decided, confidence, errors = [], [], [], []
    by_set: dict[str, Counter[str]] = {}
    for call in calls(split):
        result = pipeline.run(call.text, turns=call.turns)
        got = names.get(result.level1.value, "")
        truth.append(call.level1)
        decided.append(got)
        confidence.append(result.level1.confidence)
        counts = by_set.setdefault(call.set, Counter())
        counts["calls"] += 1
        counts["right"] += got == call.level1
        if got != call.level1:
            errors.append(f"{call.id} {call.level1} → {got or '—'} ({result.level1.confidence:.2f})")
    result_ = evaluate(truth, decided, confidence)
    return {
        "split": split,
        "calls": result_.size,
        "accuracy": result_.accuracy,
        "macro_f1": result_.macro_f1,
        "classes": len(result_.labels),
        "per_class": result_.per_class,
        "accuracy_by_set": {name: round(c["right"] / c["calls"], 4) for name, c in sorted(by_set.items())},
        "reliability": result_.reliability,
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("split", nargs="?", default="held_out", choices=SPLITS)
    parser.add_argument("--model", type=Path, help="a saved Level1Classifier (joblib) instead of training one")
    parser.add_argument("--save", type=Path, help="save the model trained here (joblib) for later --model runs")
    options = parser.parse_args()
    started = time.perf_counter()
    model = Level1Classifier.from_bytes(options.model.read_bytes()) if options.model else train_model()
    trained = time.perf_counter()
    if options.save:
        options.save.write_bytes(model.to_bytes())
    pipeline = build_pipeline(model)
    measured = figures(options.split, pipeline)
    name = "calls_category" if options.split == "held_out" else f"calls_category_{options.split}"
    report(
        name,
        {
            **measured,
            "target_accuracy": 0.9,
            "seconds": {"train": round(trained - started, 1), "triage": round(time.perf_counter() - trained, 1)},
        },
    )


if __name__ == "__main__":
    main()
