"""Level-1 category of phone calls over all 15 level-1 categories, on the call corpus (bench/data/calls).

Builds the pipeline as a worker does (the demo city's gazetteer, the taxonomy, a level-1 model trained by the
production recipe: the web-message model on the Teddy Cup training messages, the call model on the spoken
appeals of triage/data/spoken_appeals.txt and spoken_appeals_styles.txt and on the calls of the corpus's parts
open for tuning, triage/data/spoken_calls.txt) and triages every call of one part of the corpus. ``held_out`` and
any sealed part are never trained on. A part open for tuning (tune, final, final2, final3) is read by a call
model trained without that part's calls and an emergency prior counted without them (leave-one-part-out), so its
figures are of calls the model did not see. Reports accuracy, macro-F1 over the 15 classes, per-class
precision/recall/F1/support, the confusion of the errors and how reliable the confidence is.

``styles`` measures on the written appeals instead, leaving one style of the second round out at a time: a call
model trained on every appeal but that style's reads that style's appeals through the pipeline's call path (an
appeal as the caller's turn after the operator's greeting, a short call as it is), beside a call model trained on the first round alone.
This is what the method was tuned on (the corpus's tuning part was fitted by the first round already).

    .venv/bin/python -m bench.bench_calls_category               # held-out part (the reported figures)
    .venv/bin/python -m bench.bench_calls_category tune          # the tuning part
    .venv/bin/python -m bench.bench_calls_category final         # the third writer's part, read once
    .venv/bin/python -m bench.bench_calls_category final2        # the fourth writer's part (tuning material now)
    .venv/bin/python -m bench.bench_calls_category final3        # the fifth writer's part (tuning material now)
    .venv/bin/python -m bench.bench_calls_category styles        # leave-one-style-out on the written appeals
    .venv/bin/python -m bench.bench_calls_category tune --save /tmp/level1.joblib   # keep the model trained
    .venv/bin/python -m bench.bench_calls_category tune --model /tmp/level1.joblib  # reuse it

A combined calls benchmark imports ``figures(split, pipeline)`` and ``build_pipeline()``.
"""

from __future__ import annotations

import argparse
import copy
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.bench_triage import reference
from bench.calls import SEALED_SPLITS, SPLITS, calls
from bench.common import report, teddy
from triage.classify import Level1Classifier, emergency_level1_prior, evaluate
from triage.datasets import (
    SPOKEN_APPEALS,
    SPOKEN_STYLES,
    TURN_MARK,
    read_styled_appeals,
    split_gate,
    spoken_examples,
    teddy_examples,
)
from triage.pipeline import TriagePipeline

# the parts whose calls the call model trains on (triage/data/spoken_calls.txt, one style each)
TRAINED_PARTS = ("tune", "final", "final2", "final3")


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
    """Level-1 figures of the pipeline on one part of the call corpus; a part the call model trains on is read
    by a call model trained without it (``without_part``)."""
    pipeline = without_part(pipeline if pipeline is not None else build_pipeline(), split)
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


def without_part(pipeline: TriagePipeline, split: str) -> TriagePipeline:
    """The pipeline with a call model trained without the calls of ``split`` and an emergency prior counted
    without them (the web-message model unchanged), to measure on that part as on unseen calls."""
    model = pipeline.level1_model
    if split not in TRAINED_PARTS or model is None or model.call_model is None:
        return pipeline
    variant = copy.copy(model)
    variant.__dict__["call_model_"] = model.train_call_model(spoken_examples(leave_out_styles=(f"corpus_{split}",)))
    places, categories = reference()
    left_out = TriagePipeline(places=places, categories=categories, level1_model=variant, level1_version="bench")
    left_out.emergency_prior = emergency_level1_prior(left_out.level1_ids, leave_out=split)
    return left_out


def _as_call(appeal: str) -> str:
    """An appeal as a call: a short call's turns one a line, a said appeal as the caller's turn after the
    operator's greeting."""
    return appeal.replace(TURN_MARK, "\n") if TURN_MARK in appeal else f"坐席：您好，12345热线，请讲。\n市民：{appeal}"


def style_figures(model: Level1Classifier) -> dict[str, Any]:
    """Leave-one-style-out accuracy of the call path on the second round's appeals, per style: the call model
    trained on every other appeal (both rounds), and for comparison on the first round only."""
    styled = read_styled_appeals(SPOKEN_STYLES)
    first_round = model.train_call_model(spoken_examples(SPOKEN_APPEALS))
    places, categories = reference()
    per_style: dict[str, Any] = {}
    for style in dict.fromkeys(style for style, _, _ in styled):
        appeals = [(path[0], _as_call(text)) for s, path, text in styled if s == style]
        left_out = model.train_call_model(spoken_examples(leave_out_styles=(style,)))
        figures_: dict[str, Any] = {"appeals": len(appeals)}
        for name, call_model in (("first_round_only", first_round), ("all_other_appeals", left_out)):
            variant = copy.copy(model)
            variant.__dict__["call_model_"] = call_model
            pipeline = TriagePipeline(
                places=places, categories=categories, level1_model=variant, level1_version="bench"
            )
            names = {pk: level1 for level1, pk in pipeline.level1_ids.items()}
            truth = [label for label, _ in appeals]
            decided = [names.get(pipeline.run(text).level1.value, "") for _, text in appeals]
            result = evaluate(truth, decided, [1.0] * len(truth))
            figures_[name] = {"accuracy": result.accuracy, "macro_f1": result.macro_f1}
        per_style[style] = figures_
    total = sum(f["appeals"] for f in per_style.values())
    return {
        "split": "styles (leave-one-style-out on the second round of spoken appeals)",
        "styles": per_style,
        "mean_accuracy": {
            name: round(sum(f[name]["accuracy"] for f in per_style.values()) / len(per_style), 4)
            for name in ("first_round_only", "all_other_appeals")
        },
        "pooled_accuracy": {
            name: round(sum(f[name]["accuracy"] * f["appeals"] for f in per_style.values()) / total, 4)
            for name in ("first_round_only", "all_other_appeals")
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("split", nargs="?", default="held_out", choices=(*SPLITS, *SEALED_SPLITS, "styles"))
    parser.add_argument("--model", type=Path, help="a saved Level1Classifier (joblib) instead of training one")
    parser.add_argument("--save", type=Path, help="save the model trained here (joblib) for later --model runs")
    options = parser.parse_args()
    started = time.perf_counter()
    model = Level1Classifier.from_bytes(options.model.read_bytes()) if options.model else train_model()
    trained = time.perf_counter()
    if options.save:
        options.save.write_bytes(model.to_bytes())
    if options.split == "styles":
        measured = style_figures(model)
    else:
        measured = figures(options.split, build_pipeline(model))
        measured["trained_on_this_part"] = False  # held_out and a sealed part never; a tuning part left out
    if options.split in SEALED_SPLITS and options.split not in TRAINED_PARTS:  # sealed (final2, 3 are tuning now)
        measured.pop("errors")  # figures only: the ids of a sealed part's errors are never listed
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
