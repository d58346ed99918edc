"""Safety first and intent in phone calls: how the triage finds life and safety risks, measured on the safety
development set (bench/data/safety_dev.md) and the call corpus (bench/data/calls/README.md), and how it reads a
call's request type, emotion, call-back request and repeated call.

Parts measured:

- the parts of the safety development set (``bench.safety_dev.PARTS``: ``dev_tune``, ``dev_test``, ``dev_tune2``,
  ``dev_check``, ``dev_tune3`` and ``dev_check2`` to ``dev_check5``), written for the detector; since its fourth
  round every one is tuning material (the check files were each measured blind once before they were tuned on:
  bench/data/safety_dev.md);
- ``tune``, ``held_out`` and ``final``: the call corpus's parts 1-3, measured before and tuning material since the
  fourth round (their misses were read and fixed by kind, and the learned model is trained on them);
- ``final2`` (part4.jsonl) and ``final3`` (part5.jsonl): each sealed until it was measured once with the round
  before frozen (round 4 and round 5, 2026-12-07), tuning material since (their misses are listed like those of
  parts 1-3; final3's sealed figures stay in bench/results/calls_safety_final3.json);
- a sealed part (``SEALED``: the corpus's sealed parts not yet measured): measured only when named, once, with the
  methods frozen, written to bench/results/calls_safety_<part>.json; its ids are never listed.

Per part: emergency recall, overall and per kind; false emergencies on the calm calls with danger words (per
reason, e.g. past, drill, figurative) and on the regular calls; self-harm recall and false self-harm flags; the
kind of risk among the emergencies found; the same recall and false alarms for the rules alone (without the
learned second opinion), to show what each part of the method does; on the development set, the emergencies
missed and the self-harm not flagged counted by how they were said (indirect, asr …). The ids of what went wrong
are listed for every part but the sealed one. On the call corpus, also the accuracy of request type, emotion, call-back requested
and repeat call.

On the web messages (``messages_dev.csv``, 834, and ``messages_unlabelled.csv``): how many are flagged as
emergencies by the urgency lexicon alone (``intent.urgency``, what the triage had before the detector) and by the
safety detector. And its speed: milliseconds per 240-character web message and per call (best of five runs, with
the machine's load average, which several engineers share).

    .venv/bin/python -m bench.bench_calls_safety                  # every part but the sealed one, written
    .venv/bin/python -m bench.bench_calls_safety dev_tune tune    # some, printed only
    .venv/bin/python -m bench.bench_calls_safety final3           # one part, printed with its misses

The pipeline is built as in ``bench_triage`` but without a gazetteer or a trained model (neither affects these
fields), so it needs neither the database nor training. ``figures(split)`` returns the call figures of one part.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from bench.bench_lexicon import taxonomy_refs
from bench.calls import SEALED_SPLITS, SPLITS, Call, calls
from bench.common import report, teddy
from bench.safety_dev import PARTS, TUNING_PARTS, cases
from triage import intent, safety_model
from triage.normalise import prepare
from triage.pipeline import TriagePipeline, TriageResult
from triage.privacy import mask_dialogue, mask_pii
from triage.safety import KINDS, SafetyAssessment, assess

# the corpus's parts read to tune the detector: parts 1-3, and final2 and final3 since each was measured sealed once
CORPUS_PARTS = tuple(dict.fromkeys((*SPLITS, "final2", "final3")))
SEALED = tuple(split for split in SEALED_SPLITS if split not in CORPUS_PARTS)
EMERGENCY = "emergency"
CALM_SET = "calm_danger"
WEB_FILES = ("messages_dev.csv", "messages_unlabelled.csv")


@cache
def pipeline() -> TriagePipeline:
    return TriagePipeline(places=[], categories=taxonomy_refs())


def _rate(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


@dataclass(frozen=True)
class Judged:
    """One case or call: its labels and what the detector said, with and without the learned second opinion."""

    id: str
    kind: str | None  # the emergency kind labelled, None when not an emergency
    group: str  # "emergency", "calm_danger" or "regular"
    reason: str  # why a calm case is calm (past, drill …), how an emergency is said (indirect, asr …)
    found: SafetyAssessment
    rules_only: SafetyAssessment


def _safety_text(text: str, turns: Iterable[Any] | None = None) -> str:
    """What the pipeline gives the safety detector: the caller's words and the read-backs, masked."""
    return mask_dialogue(prepare(text, list(turns) if turns else None))[1].text


def _judge(case_id: str, kind: str | None, group: str, reason: str, text: str) -> Judged:
    found = assess(text, call=True)
    return Judged(case_id, kind, group, reason, found, assess(text, call=True, learned=False))


def safety_figures(judged: list[Judged], *, show_ids: bool) -> dict[str, Any]:
    """Recall per kind, false emergencies per group and reason, self-harm flags, kind accuracy; the rules alone."""
    by_kind: dict[str, list[bool]] = defaultdict(list)
    missed: list[str] = []
    false: dict[str, list[str]] = defaultdict(list)
    false_reasons: Counter[str] = Counter()
    totals = Counter(j.group for j in judged)
    kind_right = detected = self_harm_found = self_harm_total = 0
    false_self_harm: list[str] = []
    rules_found = rules_false = 0
    for j in judged:
        flagged = j.found.is_emergency
        if j.kind:
            by_kind[j.kind].append(flagged)
            rules_found += j.rules_only.is_emergency
            if flagged:
                detected += 1
                kind_right += j.found.kind == j.kind
            else:
                missed.append(f"{j.id} ({j.kind}/{j.reason})")
        else:
            rules_false += j.group == CALM_SET and j.rules_only.is_emergency
            if flagged:
                false[j.group].append(f"{j.id} ({j.reason}: {j.found.kind} {'/'.join(j.found.triggers)})")
                if j.group == CALM_SET:
                    false_reasons[j.reason] += 1
        if j.kind == "self_harm":
            self_harm_total += 1
            self_harm_found += j.found.self_harm
        elif j.found.self_harm:
            false_self_harm.append(j.id)
    emergencies = sum(len(flags) for flags in by_kind.values())
    calm = totals[CALM_SET]
    figures: dict[str, Any] = {
        "cases": len(judged),
        "emergencies": emergencies,
        "emergency_recall": _rate(sum(sum(flags) for flags in by_kind.values()), emergencies),
        "emergency_recall_per_kind": {
            kind: f"{sum(by_kind[kind])}/{len(by_kind[kind])}" for kind in KINDS if kind in by_kind
        },
        "false_emergencies_calm_danger": _rate(len(false[CALM_SET]), calm),
        "false_emergencies_calm_danger_count": f"{len(false[CALM_SET])}/{calm}",
        "false_emergencies_calm_danger_by_reason": dict(false_reasons.most_common()),
    }
    if totals["regular"]:
        figures["false_emergencies_regular"] = _rate(len(false["regular"]), totals["regular"])
        figures["false_emergencies_regular_count"] = f"{len(false['regular'])}/{totals['regular']}"
    figures |= {
        "self_harm_recall": f"{self_harm_found}/{self_harm_total}",
        "false_self_harm_flags": len(false_self_harm),
        "kind_accuracy_among_detected": _rate(kind_right, detected),
        "rules_alone": {
            "emergency_recall": _rate(rules_found, emergencies),
            "false_emergencies_calm_danger": _rate(rules_false, calm),
            "false_emergencies_calm_danger_count": f"{rules_false}/{calm}",
        },
    }
    how_missed = Counter(j.reason for j in judged if j.kind and not j.found.is_emergency)
    how_not_flagged = Counter(j.reason for j in judged if j.kind == "self_harm" and not j.found.self_harm)
    if any(j.group != j.reason for j in judged):  # the development set says how each case is said
        figures["missed_emergencies_by_how_said"] = dict(how_missed.most_common())
        figures["self_harm_not_flagged_by_how_said"] = dict(how_not_flagged.most_common())
    if show_ids:
        figures["missed_emergencies"] = missed
        figures["false_emergencies_ids"] = dict(false)
        figures["false_self_harm_ids"] = false_self_harm
    return figures


def dev_figures(part: str) -> dict[str, Any]:
    """The safety figures on one part of the development set (every case is a call: the detector reads it so)."""
    judged = [
        _judge(
            case.id,
            case.kind,
            EMERGENCY if case.is_emergency else CALM_SET,
            case.tag,
            _safety_text(case.text),
        )
        for case in cases(part)
    ]
    return safety_figures(judged, show_ids=part in TUNING_PARTS)


@cache
def _results(split: str) -> tuple[tuple[Call, TriageResult], ...]:
    run = pipeline().run
    return tuple((call, run(call.text, turns=call.turns)) for call in calls(split))


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
    """The safety and intent figures of one part of the call corpus."""
    results = _results(split)
    judged = []
    fields: dict[str, list[tuple[str, str]]] = defaultdict(list)
    signals: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    for call, result in results:
        labels = call.labels
        # the pipeline's own assessment, and the rules alone on the same text
        found = SafetyAssessment(
            urgency=result.urgency,
            kind=result.safety.get("kind"),
            self_harm=bool(result.safety.get("self_harm")),
            triggers=tuple(result.safety.get("triggers") or ()),
        )
        rules_only = assess(result.text, call=result.is_transcript, learned=False)
        kind = labels["emergency_kind"] if call.is_emergency else None
        judged.append(Judged(call.id, kind, call.set, call.set, found, rules_only))
        fields["request_type"].append((labels["request_type"], result.request_type.value))
        fields["emotion"].append((labels["emotion"], result.emotion.value))
        fields["urgency"].append((labels["urgency"], result.urgency.value))
        signals["callback_requested"].append((bool(labels["callback_requested"]), result.callback_requested))
        signals["repeat_call"].append((bool(labels["repeat_call"]), result.repeat_call))
    figures = {"calls": len(results), **safety_figures(judged, show_ids=split not in SEALED)}
    figures.pop("cases")
    figures.pop("false_emergencies_calm_danger_by_reason")  # the corpus labels no reason
    figures |= {
        "accuracy": {
            name: _rate(sum(gold == guess for gold, guess in pairs), len(pairs)) for name, pairs in fields.items()
        },
        "callback_requested": _signal(signals["callback_requested"]),
        "repeat_call": _signal(signals["repeat_call"]),
    }
    return figures


def _web_texts(name: str) -> list[str]:
    with teddy(name).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [row.get("text") or f"{row.get('title', '')}{row.get('detail', '')}" for row in rows]


def web_messages(name: str) -> dict[str, Any]:
    """Emergencies flagged on web messages: by the urgency lexicon alone and by the safety detector."""
    lexicon = detector = 0
    kinds: Counter[str] = Counter()
    for raw in _web_texts(name):
        text = mask_pii(prepare(raw).text).text
        lexicon += intent.urgency(text).value == EMERGENCY
        result = assess(text)
        if result.is_emergency:
            detector += 1
            kinds[str(result.kind)] += 1
    return {
        "messages": len(_web_texts(name)),
        "emergencies_by_urgency_lexicon": lexicon,
        "emergencies_by_safety_detector": detector,
        "kinds": dict(kinds.most_common()),
    }


def _best_ms(run: Any, items: list[str], repeats: int = 5) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        for item in items:
            run(item)
        best = min(best, time.perf_counter() - started)
    return round(best / len(items) * 1000, 3)


def speed() -> dict[str, Any]:
    """Milliseconds per 240-character web message and per call (the corpus's tuning calls), best of five."""
    messages = [mask_pii(prepare(raw).text).text[:240] for raw in _web_texts("messages_dev.csv")]
    messages = [text for text in messages if len(text) == 240]
    texts = [_safety_text(call.text, call.turns) for call in calls("tune")]
    model = safety_model.model()
    return {
        "load_average_1_min": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
        "web_message_240_characters_ms": _best_ms(assess, messages),
        "web_messages_timed": len(messages),
        "call_ms": _best_ms(lambda text: assess(text, call=True), texts),
        "call_rules_alone_ms": _best_ms(lambda text: assess(text, call=True, learned=False), texts),
        "call_learned_model_alone_ms": _best_ms(model.read, texts) if model else None,
        "call_mean_characters": round(sum(map(len, texts)) / len(texts)),
        "calls_timed": len(texts),
    }


def main(parts: list[str]) -> None:
    sealed = [part for part in parts if part in SEALED]
    for part in sealed:  # measured once, with the methods frozen, and written apart
        report(f"calls_safety_{part}", {part: figures(part)})
    parts = [part for part in parts if part not in SEALED]
    if sealed and not parts:
        return
    chosen = parts or [*PARTS, *CORPUS_PARTS]
    results: dict[str, Any] = {}
    for part in chosen:
        results[part] = dev_figures(part) if part in PARTS else figures(part)
    if parts:  # a look at some parts while working: printed, not written
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return
    results |= {f"web_{name.removesuffix('.csv')}": web_messages(name) for name in WEB_FILES}
    results["speed"] = speed()
    report("calls_safety", results)


if __name__ == "__main__":
    main(sys.argv[1:])
