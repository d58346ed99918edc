"""How well and how fast personal data is masked.

Quality on the hand-written test set (tests/triage/pii_cases.py): recall per kind (planted values
found with their kind and exact offsets), precision (masked spans that were planted), and false positives
on the sentences that must stay untouched. Speed on the test set and on the first 2,000 real messages of
hotspot_messages.csv, where the spans found are listed with their context so that a false positive can be
seen (the data set already masks most values as ***, so few hits are expected).

    .venv/bin/python -m bench.bench_privacy
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Sequence

from bench.common import best_seconds, report, teddy
from tests.triage.pii_cases import PLANTED_CASES, UNTOUCHED
from triage.privacy import PiiKind, find_pii, mask_pii

REAL_ROWS = 2000
REPEATS = 5
TARGET_MS_PER_240_CHARS = 0.5


def speed(texts: Sequence[str]) -> dict[str, float]:
    seconds = best_seconds(lambda: [mask_pii(text) for text in texts], repeats=REPEATS)
    chars = sum(len(text) for text in texts)
    return {
        "texts": len(texts),
        "mean_chars": round(chars / len(texts), 1),
        "texts_per_second": round(len(texts) / seconds),
        "ms_per_text": round(1000 * seconds / len(texts), 4),
        "ms_per_1000_chars": round(1000 * seconds / chars * 1000, 4),
        "ms_per_240_chars": round(1000 * seconds / chars * 240, 4),
    }


def quality() -> dict[str, object]:
    planted = Counter()
    found = Counter()
    masked_spans = masked_planted = 0
    for case in PLANTED_CASES:
        spans = {(s.kind, s.start, s.end) for s in find_pii(case.text)}
        wanted = {(p.kind, p.start, p.end) for p in case.planted}
        for kind, _, _ in wanted:
            planted[kind] += 1
        for kind, _, _ in wanted & spans:
            found[kind] += 1
        masked_spans += len(spans)
        masked_planted += len(spans & wanted)
    false_positives = [(text, span.kind, span.value) for text in UNTOUCHED for span in find_pii(text)]
    masked_spans += len(false_positives)
    kinds = [kind.value for kind in PiiKind]
    return {
        "planted_sentences": len(PLANTED_CASES),
        "untouched_sentences": len(UNTOUCHED),
        "planted_per_kind": {kind: planted[kind] for kind in kinds},
        "recall_per_kind": {kind: round(found[kind] / planted[kind], 4) if planted[kind] else None for kind in kinds},
        "recall": round(sum(found.values()) / sum(planted.values()), 4),
        "precision": round(masked_planted / masked_spans, 4) if masked_spans else None,
        "false_positives_on_untouched": len(false_positives),
        "false_positive_examples": [f"{kind} {value!r} in {text!r}" for text, kind, value in false_positives[:20]],
    }


def real_messages() -> tuple[list[str], dict[str, object]]:
    with teddy("hotspot_messages.csv").open(encoding="utf-8", newline="") as handle:
        details = [row["detail"] for _, row in zip(range(REAL_ROWS), csv.DictReader(handle), strict=False)]
    counts: Counter[str] = Counter()
    hits = []
    for text in details:
        for span in find_pii(text):
            counts[span.kind] += 1
            context = text[max(0, span.start - 12) : span.end + 6].replace("\n", " ")
            hits.append(f"{span.kind} {span.value!r} in …{context}…")
    found = {"messages": len(details), "spans_per_kind": dict(counts), "spans": hits}
    return details, found


def main() -> None:
    figures: dict[str, object] = {"test_set": quality()}
    test_texts = [case.text for case in PLANTED_CASES] + list(UNTOUCHED)
    figures["test_set_speed"] = speed(test_texts)
    details, found = real_messages()
    figures["hotspot_messages"] = {**found, "speed": speed(details)}
    figures["target_ms_per_240_chars"] = TARGET_MS_PER_240_CHARS
    report("privacy", figures)


if __name__ == "__main__":
    main()
