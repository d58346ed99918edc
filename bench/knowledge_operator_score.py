"""Score a ranking of past cases against the operator evaluation set (bench/data/knowledge_operator_set.md), and
the knowledge search as the app runs it against that set and against unrelated queries.

``score(ranked, split)`` takes query_id -> article keys best first (``m<message_id>``) and returns:

- ``success_at_3``: share of the answerable queries (at least one relevant case) with a relevant case in the top 3;
- ``precision_at_3``: mean over the answerable queries of (relevant cases in the top 3) / 3;
- ``precision_at_3_ceiling``: the best precision@3 any ranking could reach (a query with one relevant case counts
  at most 1/3);
- ``unjudged_top3``: share of all top-3 results (every query of the split) that nobody read when the set was judged:
  a high share means the figures above are lower bounds, and the new results need reading.

``main`` measures the app's search (``knowledge.search``): the index of every replies.csv case as the knowledge
base stores it (masked) and builds it (``bench.bench_knowledge.build_index``, the app's ``build_knowledge_index``),
and each query as the order page asks it (``knowledge.search.appeal_query``: the order's title and the caller's
masked words, a call's operator turns as context; the title of a call is the one triage's summariser gives, with
no gazetteer). Besides the figures above, per split:

- the relevance floor: answerable queries whose top 3 without the floor held a relevant case and with it holds
  none (``answerable_losing_all_relevant_to_floor``), and queries that find nothing at all;
- short queries: the titles alone of the answerable web queries (an operator typing a few words), success@3 and
  how many find nothing;
- unrelated queries (bench/data/knowledge_unrelated_queries.csv: chat, general knowledge, other domains,
  English, noise): how many find anything (the target is none).

    .venv/bin/python -m bench.knowledge_operator_score      # writes bench/results/knowledge_operator.json
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from bench.knowledge_pool import shared_message_parts, shared_message_text

SET_CSV = Path(__file__).resolve().parent / "data" / "knowledge_operator_set.csv"
UNRELATED_CSV = Path(__file__).resolve().parent / "data" / "knowledge_unrelated_queries.csv"
SPLITS = ("tune", "held_out")
TOP = 3


@dataclass(frozen=True)
class Query:
    query_id: str
    split: str
    channel: str
    source: str
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
                source=row["source"],
                text=row["text"] or shared_message_text(row["source"]),
                relevant=_keys(row["relevant"]),
                judged=_keys(row["judged"]) | _keys(row["relevant"]),
            )
            for row in csv.DictReader(handle)
        )


@cache
def unrelated_queries(path: Path = UNRELATED_CSV) -> tuple[dict[str, str], ...]:
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


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


# --- the app's search ----------------------------------------------------------------------------------------


def app_query(query: Query) -> tuple[str, str]:
    """The query (text, context) the order page would send for this appeal (``knowledge.search.appeal_query``
    on what triage makes of it: masked, with its title)."""
    from knowledge.search import appeal_query
    from triage.normalise import prepare
    from triage.privacy import mask_dialogue
    from triage.summary import summarise

    if query.channel == "web":
        title, appeal = shared_message_parts(query.source)
    else:
        title, appeal = "", query.text
    full, caller = mask_dialogue(prepare(appeal))
    order_title = summarise(caller.text, title_hint=title).title
    return appeal_query(title=order_title, appeal=full.text, caller_text=caller.text)


def app_search(text: str, context: str = "", *, floor: bool = True) -> list[str]:
    from bench.knowledge_pool import app_index

    return [hit.article_key for hit in app_index().search(text, limit=TOP, context=context, floor=floor)]


def _floor_figures(split: str, ranked: Mapping[str, Sequence[str]], unfloored: Mapping[str, Sequence[str]]) -> dict:
    chosen = [query for query in queries() if query.split == split]
    answerable = [query for query in chosen if query.relevant]
    lost = [
        query.query_id
        for query in answerable
        if query.relevant & set(unfloored[query.query_id]) and not query.relevant & set(ranked[query.query_id])
    ]
    return {
        "answerable_losing_all_relevant_to_floor": len(lost),
        "lost_query_ids": lost,
        "answerable_finding_nothing": sum(not ranked[query.query_id] for query in answerable),
        "unanswerable": len(chosen) - len(answerable),
        "unanswerable_finding_nothing": sum(not ranked[query.query_id] for query in chosen if not query.relevant),
    }


def _short_figures(split: str) -> dict[str, Any]:
    """The answerable web queries asked by their title alone."""
    chosen = [q for q in queries() if q.split == split and q.relevant and q.channel == "web"]
    titled = [(q, shared_message_parts(q.source)[0]) for q in chosen]
    titled = [(q, title) for q, title in titled if title]
    found = {q.query_id: app_search(title) for q, title in titled}
    return {
        "queries": len(titled),
        "mean_chars": round(sum(len(title) for _, title in titled) / max(len(titled), 1), 1),
        "success_at_3": round(sum(bool(q.relevant & set(found[q.query_id])) for q, _ in titled) / len(titled), 3),
        "finding_nothing": sum(not found[q.query_id] for q, _ in titled),
    }


def _unrelated_figures(split: str) -> dict[str, Any]:
    chosen = [row for row in unrelated_queries() if row["split"] == split]
    finding = [row for row in chosen if app_search(row["text"])]
    return {
        "queries": len(chosen),
        "finding_anything": len(finding),
        "which": [f"{row['query_id']} {row['text']}" for row in finding],
    }


def app_figures(splits: Sequence[str] = SPLITS) -> dict[str, Any]:
    """Every figure of the app's search (see the module's docstring), per split."""
    composed = {query.query_id: app_query(query) for query in queries() if query.split in splits}
    ranked = {key: app_search(text, context) for key, (text, context) in composed.items()}
    unfloored = {key: app_search(text, context, floor=False) for key, (text, context) in composed.items()}
    figures: dict[str, Any] = {}
    for split in splits:
        figures[split] = {
            **score(ranked, split),
            "by_channel": {channel: _channel_score(ranked, split, channel) for channel in ("web", "phone")},
            "floor": _floor_figures(split, ranked, unfloored),
            "short_title_queries": _short_figures(split),
            "unrelated_queries": _unrelated_figures(split),
        }
    return figures


def _channel_score(ranked: Mapping[str, Sequence[str]], split: str, channel: str) -> dict[str, float]:
    chosen = [q for q in queries() if q.split == split and q.channel == channel and q.relevant]
    hits = [sum(key in q.relevant for key in ranked[q.query_id][:TOP]) for q in chosen]
    return {
        "answerable": len(chosen),
        "success_at_3": round(sum(h > 0 for h in hits) / len(chosen), 3),
        "precision_at_3": round(sum(hits) / (TOP * len(chosen)), 3),
    }


def main() -> None:
    import os

    from bench.common import report

    before = os.getloadavg()
    figures = app_figures()
    load = [round(x, 2) for x in (*before, *os.getloadavg())]
    report(
        "knowledge_operator",
        {"method": "knowledge.search as the app builds and asks it", **figures, "load_average_before_after": load},
    )


if __name__ == "__main__":
    main()
