"""Level-1 category classifier on messages_dev.csv, with a model that never saw it.

Trains the production recipe (triage.classify, as `manage.py train_models` does: Teddy Cup training
messages minus dev, the gate tenth held out; the call model on the spoken appeals) and reports macro-F1,
accuracy, per-class F1 and the confusion matrix on dev, plus the gate and cross-validated figures the registry
keeps, and the call model's cross-validated figures on the spoken appeals (its figures on phone calls are
bench.bench_calls_category's).

    .venv/bin/python -m bench.bench_classifier
"""

from __future__ import annotations

import time

from bench.common import report, teddy
from triage.classify import ALGORITHM, CALL_ALGORITHM, Level1Classifier, evaluate, evaluate_model
from triage.datasets import split_gate, spoken_examples, teddy_examples


def main() -> None:
    started = time.perf_counter()
    training_all, dev = teddy_examples(teddy("messages_dev.csv").parent)
    training, gate = split_gate(training_all)
    spoken = spoken_examples()
    loaded = time.perf_counter()
    cpu = time.process_time()
    model = Level1Classifier().fit(training, spoken=spoken)
    trained = time.perf_counter()
    train_cpu = time.process_time() - cpu
    dev_result = evaluate_model(model, dev)
    evaluated = time.perf_counter()
    gate_result = evaluate_model(model, gate)
    raw = [i for i, e in enumerate(training) if e.words is None]
    proba = model.out_of_fold_proba_[raw]
    cross = evaluate(
        list(model.out_of_fold_labels_[raw]),
        list(model.stacker_.classes_[proba.argmax(axis=1)]),
        list(proba.max(axis=1)),
    )
    call_model = model.call_model
    assert call_model is not None
    call_proba = call_model.out_of_fold_proba_
    call_cross = evaluate(
        list(call_model.out_of_fold_labels_),
        list(call_model.stacker_.classes_[call_proba.argmax(axis=1)]),
        list(call_proba.max(axis=1)),
    )
    dev_keys = {e.key for e in dev}
    assert not dev_keys & {e.key for e in training_all}, "dev leaked into training"
    report(
        "classifier",
        {
            "algorithm": ALGORITHM,
            "training_messages": len(training),
            "of_which_pre_segmented": sum(1 for e in training if e.words is not None),
            "gate_messages": len(gate),
            "dev": {
                "messages": dev_result.size,
                "macro_f1": dev_result.macro_f1,
                "accuracy": dev_result.accuracy,
                "per_class_f1": {label: row["f1"] for label, row in dev_result.per_class.items()},
                "labels": dev_result.labels,
                "confusion": dev_result.confusion,
                "reliability": dev_result.reliability,
                "thresholds": dev_result.thresholds,
            },
            "gate": {"messages": gate_result.size, "macro_f1": gate_result.macro_f1, "accuracy": gate_result.accuracy},
            "cross_validated_raw": {"messages": cross.size, "macro_f1": cross.macro_f1, "accuracy": cross.accuracy},
            "call_model": {
                "algorithm": CALL_ALGORITHM,
                "examples": len(spoken),
                "classes": len(call_model.classes_),
                # folds keep an appeal and its noisy copy together
                "cross_validated_on_spoken_appeals": {"macro_f1": call_cross.macro_f1, "accuracy": call_cross.accuracy},
            },
            "target_dev_macro_f1": 0.94,
            "seconds": {
                "load_data": round(loaded - started, 1),
                "train": round(trained - loaded, 1),
                "train_cpu": round(train_cpu, 1),
                "predict_dev_ms_per_message": round((evaluated - trained) / dev_result.size * 1000, 3),
            },
            "artifact_mb": round(len(model.to_bytes()) / 1e6, 2),
        },
    )


if __name__ == "__main__":
    main()
