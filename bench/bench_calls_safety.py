"""Safety first and intent in phone calls: how the triage finds life and safety risks in the call corpus
(bench/data/calls, described in its README), and how it reads the caller's request type, emotion, call-back
request and repeated call.

Per split (``tune``, on which the rules were written, and ``held_out``, the figures to report):

- emergency recall, overall and per kind (the missed call ids on ``tune`` only: held-out calls are not read);
- false emergencies on the calm calls with danger words (``set == "calm_danger"``) and on the regular calls;
- self-harm recall and false self-harm flags;
- the kind of risk among the emergencies found (accuracy);
- accuracy of request type, emotion, call-back requested and repeat call (with precision and recall for the
  two signals).

And on the web messages of ``messages_dev.csv`` (834): how many are flagged as emergencies by the urgency
lexicon alone (``intent.urgency``, the detector before this one) and by the safety detector the pipeline uses.

The pipeline is built as in ``bench_triage`` but without a gazetteer or a trained model (neither affects these
fields), so it needs neither the database nor training.

    .venv/bin/python -m bench.bench_calls_safety

``figures(split)`` returns the call figures of one split, for a combined calls benchmark.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from functools import cache
from typing import Any

from bench.bench_lexicon import taxonomy_refs
from bench.calls import Call, calls
from bench.common import report, teddy
from triage import intent
from triage.normalise import prepare
from triage.pipeline import TriagePipeline, TriageResult
from triage.privacy import mask_pii
from triage.safety import KINDS

EMERGENCY = "emergency"


@cache
def pipeline() -> TriagePipeline:
    return TriagePipeline(places=[], categories=taxonomy_refs())


@cache
def _results(split: str) -> tuple[tuple[Call, TriageResult], ...]:
    run = pipeline().run
    return tuple((call, run(call.text, turns=call.turns)) for call in calls(split))


def _rate(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def _signal(pairs: list[tuple[bool, bool]]) -> dict[str, Any]:
    """Accuracy, precision and recall of a yes/no signal from (labelled, found) pairs."""
    true_positive = sum(1 for gold, found in pairs if gold and found)
    return {
        "accuracy": _rate(sum(gold == found for gold, found in pairs), len(pairs)),
        "labelled": sum(gold for gold, _ in pairs),
        "found": sum(found for _, found in pairs),
        "precision": _rate(true_positive, sum(found for _, found in pairs)),
        "recall": _rate(true_positive, sum(gold for gold, _ in pairs)),
    }


def figures(split: str) -> dict[str, Any]:
    """The safety and intent figures of one split of the call corpus."""
    results = _results(split)
    show_ids = split == "tune"
    by_kind: dict[str, list[bool]] = defaultdict(list)
    missed: list[str] = []
    kind_right = detected = 0
    false_by_set: dict[str, list[str]] = defaultdict(list)
    totals = Counter(call.set for call, _ in results)
    self_harm_found = self_harm_total = 0
    false_self_harm: list[str] = []
    fields: dict[str, list[tuple[str, str]]] = defaultdict(list)
    signals: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    for call, result in results:
        labels = call.labels
        flagged = result.urgency.value == EMERGENCY
        kind = result.safety.get("kind")
        if call.is_emergency:
            by_kind[labels["emergency_kind"]].append(flagged)
            if flagged:
                detected += 1
                kind_right += kind == labels["emergency_kind"]
            else:
                missed.append(call.id)
        elif flagged:
            false_by_set[call.set].append(call.id)
        if labels["emergency_kind"] == "self_harm":
            self_harm_total += 1
            self_harm_found += bool(result.safety.get("self_harm"))
        elif result.safety.get("self_harm"):
            false_self_harm.append(call.id)
        fields["request_type"].append((labels["request_type"], result.request_type.value))
        fields["emotion"].append((labels["emotion"], result.emotion.value))
        fields["urgency"].append((labels["urgency"], result.urgency.value))
        signals["callback_requested"].append((bool(labels["callback_requested"]), result.callback_requested))
        signals["repeat_call"].append((bool(labels["repeat_call"]), result.repeat_call))
    emergencies = sum(len(flags) for flags in by_kind.values())
    figures: dict[str, Any] = {
        "calls": len(results),
        "emergencies": emergencies,
        "emergency_recall": _rate(sum(sum(flags) for flags in by_kind.values()), emergencies),
        "emergency_recall_per_kind": {
            kind: f"{sum(by_kind[kind])}/{len(by_kind[kind])}" for kind in KINDS if kind in by_kind
        },
        "false_emergencies_calm_danger": _rate(len(false_by_set["calm_danger"]), totals["calm_danger"]),
        "false_emergencies_calm_danger_count": f"{len(false_by_set['calm_danger'])}/{totals['calm_danger']}",
        "false_emergencies_regular": _rate(len(false_by_set["regular"]), totals["regular"]),
        "false_emergencies_regular_count": f"{len(false_by_set['regular'])}/{totals['regular']}",
        "self_harm_recall": f"{self_harm_found}/{self_harm_total}",
        "false_self_harm_flags": len(false_self_harm),
        "kind_accuracy_among_detected": _rate(kind_right, detected),
        "accuracy": {
            name: _rate(sum(gold == guess for gold, guess in pairs), len(pairs)) for name, pairs in fields.items()
        },
        "callback_requested": _signal(signals["callback_requested"]),
        "repeat_call": _signal(signals["repeat_call"]),
    }
    if show_ids:
        figures["missed_emergencies"] = missed
        figures["false_emergencies_ids"] = dict(false_by_set)
        figures["false_self_harm_ids"] = false_self_harm
    return figures


def web_messages() -> dict[str, Any]:
    """Emergencies flagged on the dev web messages: by the urgency lexicon alone and by the safety detector."""
    with teddy("messages_dev.csv").open(encoding="utf-8-sig", newline="") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)]
    run = pipeline().run
    lexicon = detector = 0
    kinds: Counter[str] = Counter()
    for text in texts:
        lexicon += intent.urgency(mask_pii(prepare(text).text).text).value == EMERGENCY
        result = run(text)
        if result.urgency.value == EMERGENCY:
            detector += 1
            kinds[str(result.safety.get("kind"))] += 1
    return {
        "messages": len(texts),
        "emergencies_by_urgency_lexicon": lexicon,
        "emergencies_by_safety_detector": detector,
        "kinds": dict(kinds.most_common()),
    }


def main() -> None:
    report(
        "calls_safety",
        {
            "tune": figures("tune"),
            "held_out": figures("held_out"),
            "web_messages_dev": web_messages(),
        },
    )


if __name__ == "__main__":
    main()
