"""Score a ranking of past cases against the operator evaluation set (bench/data/knowledge_operator_set.md).

``score(ranked, split)`` takes query_id -> article keys best first (``m<message_id>``) and returns:

- ``success_at_3``: share of the answerable queries (at least one relevant case) with a relevant case in the top 3;
- ``precision_at_3``: mean over the answerable queries of (relevant cases in the top 3) / 3;
- ``precision_at_3_ceiling``: the best precision@3 any ranking could reach (a query with one relevant case counts
  at most 1/3);
- ``unjudged_top3``: share of all top-3 results (every query of the split) that nobody read when the set was judged:
  a high share means the figures above are lower bounds, and the new results need reading.

    .venv/bin/python -m bench.knowledge_operator_score      # today's BM25 search on both splits (the baseline)
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bench.knowledge_pool import shared_message_text

SET_CSV = Path(__file__).resolve().parent / "data" / "knowledge_operator_set.csv"
SPLITS = ("tune", "held_out")
TOP = 3


@dataclass(frozen=True)
class Query:
    query_id: str
    split: str
    channel: str
    text: str
    relevant: frozenset[str]
    judged: frozenset[str]


def _keys(cell: str) -> frozenset[str]:
    return frozenset(key.strip() for key in cell.split(";") if key.strip())


@cache
def queries(path: Path = SET_CSV) -> tuple[Query, ...]:
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(
            Query(
                query_id=row["query_id"],
                split=row["split"],
                channel=row["channel"],
                text=row["text"] or shared_message_text(row["source"]),
                relevant=_keys(row["relevant"]),
                judged=_keys(row["judged"]) | _keys(row["relevant"]),
            )
            for row in csv.DictReader(handle)
        )


def score(ranked: Mapping[str, Sequence[str]], split: str) -> dict[str, float | int]:
    """The figures of a ranking on one split ("tune" or "held_out"); a query missing from ``ranked`` got nothing."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, not {split!r}")
    chosen = [query for query in queries() if query.split == split]
    answerable = [query for query in chosen if query.relevant]
    hits = [sum(key in query.relevant for key in ranked.get(query.query_id, [])[:TOP]) for query in answerable]
    shown = [key for query in chosen for key in ranked.get(query.query_id, [])[:TOP]]
    unjudged = sum(key not in query.judged for query in chosen for key in ranked.get(query.query_id, [])[:TOP])
    return {
        "queries": len(chosen),
        "answerable": len(answerable),
        "success_at_3": round(sum(hit > 0 for hit in hits) / len(answerable), 3),
        "precision_at_3": round(sum(hits) / (TOP * len(answerable)), 3),
        "precision_at_3_ceiling": round(
            sum(min(TOP, len(query.relevant)) for query in answerable) / (TOP * len(answerable)), 3
        ),
        "unjudged_top3": round(unjudged / len(shown), 3) if shown else 0.0,
    }


def main() -> None:
    from bench.knowledge_pool import bm25_ranked  # builds the BM25 index over every replies.csv article

    ranked = {query.query_id: bm25_ranked(query.text, TOP) for query in queries()}
    figures = {split: score(ranked, split) for split in SPLITS}
    print(json.dumps({"method": "bm25 (knowledge/search.py SearchIndex)", **figures}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
