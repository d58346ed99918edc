"""How sensible and how fast the transparent lexicons are: categories (triage/taxonomy.py) and
request type, urgency and emotion (triage/intent.py).

- Quality check of the category lexicon on messages_dev.csv: accuracy and macro-F1 of the argmax of
  ``level1_scores`` over the 7 labelled level-1 classes. This checks the lexicon, it is not a target: a
  trained classifier does better on these classes, and the lexicon exists for the other 8 and for levels 2-3.
- Plausibility on the first 1,000 messages of messages_unlabelled.csv (title + detail): the distribution of
  the lexicon's level-1 picks over all 15 categories, and of request types, urgency and emotion, with a few
  example titles for the rare, consequential values (emergency, praise), so that absurd rates show.
- Speed in ms per message for each function on messages cut to 240 characters (the category functions take
  words, so tokenisation is timed separately and excluded from them).

    .venv/bin/python -m bench.bench_lexicon
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from bench.common import best_seconds, report, teddy
from triage.intent import emotion, request_type, urgency
from triage.taxonomy import CategoryLexicon
from triage.tokenize import default_tokenizer
from triage.types import CategoryRef

LABELLED = ("城乡建设", "劳动和社会保障", "教育文体", "商贸旅游", "环境保护", "卫生计生", "交通运输")
UNLABELLED_ROWS = 1000
SPEED_CHARS = 240
REPEATS = 3


def read_csv(name: str) -> list[dict[str, str]]:
    with teddy(name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def taxonomy_refs() -> list[CategoryRef]:
    """The taxonomy as CategoryRef rows, created parents first and branch by branch like the taxonomy import."""
    ids: dict[tuple[str, ...], int] = {}
    refs = []
    for row in read_csv("taxonomy.csv"):
        path = (row["level1"], row["level2"], row["level3"])
        for depth in (1, 2, 3):
            key = path[:depth]
            if key not in ids:
                ids[key] = len(ids) + 1
                refs.append(CategoryRef(ids[key], depth, key[-1], key[-2] if depth > 1 else ""))
    return refs


def share(counts: Counter[str], total: int, order: Sequence[str] = ()) -> dict[str, float]:
    keys = list(order) or [key for key, _ in counts.most_common()]
    return {key: round(counts[key] / total, 4) for key in keys}


def dev_quality(lexicon: CategoryLexicon) -> dict[str, Any]:
    tokenizer = default_tokenizer()
    pairs = []
    outside = Counter()
    no_evidence = 0
    for row in read_csv("messages_dev.csv"):
        scores = lexicon.level1_scores(tokenizer.words(row["text"]))
        best = max(LABELLED, key=lambda name: scores[name])
        no_evidence += scores[best] == 0
        overall = max(scores, key=scores.get)
        if overall not in LABELLED and scores[overall] > scores[best]:
            outside[overall] += 1
        pairs.append((row["label"], best))
    per_class = {}
    for label in LABELLED:
        tp = sum(1 for gold, guess in pairs if gold == label == guess)
        fp = sum(1 for gold, guess in pairs if guess == label != gold)
        fn = sum(1 for gold, guess in pairs if gold == label != guess)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}
    return {
        "messages": len(pairs),
        "accuracy": round(sum(gold == guess for gold, guess in pairs) / len(pairs), 4),
        "macro_f1": round(sum(c["f1"] for c in per_class.values()) / len(per_class), 4),
        "per_class": per_class,
        "no_evidence": no_evidence,
        "ranked_first_outside_the_7": dict(outside.most_common()),
    }


def unlabelled_distributions(lexicon: CategoryLexicon) -> dict[str, Any]:
    tokenizer = default_tokenizer()
    rows = read_csv("messages_unlabelled.csv")[:UNLABELLED_ROWS]
    level1, types, urgencies, emotions = Counter(), Counter(), Counter(), Counter()
    priority = 0
    examples: dict[str, list[str]] = {"emergency": [], "praise": []}
    for row in rows:
        text = f"{row['title']}。{row['detail']}".strip()
        scores = lexicon.level1_scores(tokenizer.words(text))
        best = max(scores, key=scores.get)
        level1[best if scores[best] > 0 else "(no evidence)"] += 1
        kind, danger, feeling = request_type(text), urgency(text), emotion(text)
        types[kind.value] += 1
        urgencies[danger.value] += 1
        emotions[feeling.guess.value] += 1
        priority += feeling.priority
        for value, guess in (("emergency", danger), ("praise", kind)):
            if guess.value == value and len(examples[value]) < 8:
                examples[value].append(f"{row['title'][:40]} {list(guess.evidence[:3])}")
    total = len(rows)
    return {
        "messages": total,
        "level1_picks": share(level1, total),
        "request_type": share(types, total, ("complaint", "report", "help", "consult", "suggestion", "praise")),
        "urgency": share(urgencies, total, ("normal", "urgent", "emergency")),
        "emotion": share(emotions, total, ("calm", "dissatisfied", "angry", "distressed")),
        "priority_callers": round(priority / total, 4),
        "examples": examples,
    }


def speed(lexicon: CategoryLexicon) -> dict[str, Any]:
    tokenizer = default_tokenizer()
    rows = read_csv("messages_unlabelled.csv")
    texts = [text[:SPEED_CHARS] for text in (f"{r['title']}。{r['detail']}" for r in rows) if len(text) >= SPEED_CHARS]
    texts = texts[:1000]
    words = [tokenizer.words(text) for text in texts]
    level1 = lexicon.level1_names[0]

    def per_message(run: Callable[[str | list[str]], object], inputs: Sequence[Any]) -> float:
        return round(1000 * best_seconds(lambda: [run(item) for item in inputs], repeats=REPEATS) / len(inputs), 4)

    timings = {
        "tokenise (words)": per_message(tokenizer.words, texts),
        "request_type": per_message(request_type, texts),
        "urgency": per_message(urgency, texts),
        "emotion": per_message(emotion, texts),
        "level1_scores": per_message(lexicon.level1_scores, words),
        "rank_within": per_message(lambda w: lexicon.rank_within(w, level1), words),
        "rank_all": per_message(lexicon.rank_all, words),
        # as triage calls them: the level-1 scores, then the ranking within one level-1 on the same words
        "level1_scores + rank_within": per_message(
            lambda w: (lexicon.level1_scores(w), lexicon.rank_within(w, level1)), words
        ),
    }
    after_tokenising = ("request_type", "urgency", "emotion", "level1_scores + rank_within")
    return {
        "messages": len(texts),
        "chars_per_message": SPEED_CHARS,
        "ms_per_message": timings,
        "ms_per_message_all_but_tokenising": round(sum(timings[name] for name in after_tokenising), 4),
        "build_ms": round(1000 * best_seconds(lambda: CategoryLexicon.build(taxonomy_refs()), repeats=1), 1),
    }


def main() -> None:
    lexicon = CategoryLexicon.build(taxonomy_refs())
    report(
        "lexicon",
        {
            "keywords": len(lexicon.keywords),
            "dev_level1_among_the_7_labelled": dev_quality(lexicon),
            "unlabelled_first_1000": unlabelled_distributions(lexicon),
            "speed": speed(lexicon),
        },
    )


if __name__ == "__main__":
    main()
