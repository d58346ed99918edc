"""Knowledge-base search: does a citizen's message find the government's reply to it, and how fast.

    .venv/bin/python -m bench.bench_knowledge

1. Retrieval. Every row of teddy2020c replies.csv is a reply article (hotline.knowledge.replies_articles).
   A fixed sample of 300 of them (random.Random(SAMPLE_SEED).sample over the articles in file order) is held
   out of the index's questions: for those the index has the reply only, not the message's title and detail;
   the other articles keep their question. Each held-out message (title + detail) is the query, and it counts
   as found when its own reply is among the hits; where the identical reply text was given to several
   messages, a hit on any of them counts (how many such cases there were is reported). Top-1, top-5, top-10
   and MRR@10 (one passage per article).
2. Latency at 10,000 articles: the reply articles plus message-only articles (title and detail as the body)
   from messages_unlabelled.csv, hotspot_messages.csv and messages_train.csv, in that order and without
   repeats, up to 10,000. Build time (passages cut, words segmented, matrix built), then 300 queries, one at
   a time: the title + detail of 300 messages of messages_dev.csv (long queries, the slow case) and their
   titles alone (short queries, like an operator's).
"""

from __future__ import annotations

import csv
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from bench.common import report, teddy
from hotline.knowledge.documents import ArticleDraft, clean_message_text, replies_articles
from hotline.knowledge.passages import Passage, split_passages
from hotline.knowledge.search import SearchIndex, extra_text_of

SAMPLE_SEED = 12345
HELD_OUT = 300
ARTICLES_AT_SCALE = 10_000
QUERIES = 300


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def keyed(drafts: Sequence[ArticleDraft]) -> dict[str, ArticleDraft]:
    """The drafts by a key unique among them: the source and the source's reference (or the row number)."""
    return {f"{d.source}:{d.source_ref or n}": d for n, d in enumerate(drafts)}


def build_index(articles: dict[str, ArticleDraft], *, without_question: set[str] = frozenset()) -> SearchIndex:
    """The index of the articles; for the keys in without_question, only the body is searchable."""
    passages: list[Passage] = []
    extra: dict[str, str] = {}
    for key, draft in articles.items():
        passages.extend(split_passages(key, draft.title, draft.body))
        if key not in without_question:
            extra[key] = extra_text_of(draft.title, draft.question)
    return SearchIndex.build(passages, extra_text=extra)


def held_out_retrieval(sample_size: int = HELD_OUT, seed: int = SAMPLE_SEED) -> dict[str, Any]:
    """Figure 1 (see the module's docstring); also used by the tests with a smaller sample."""
    articles = keyed(replies_articles(teddy("replies.csv")))
    held_out = random.Random(seed).sample(list(articles), sample_size)
    index = build_index(articles, without_question=set(held_out))
    by_reply: dict[str, set[str]] = defaultdict(set)
    for key, draft in articles.items():
        by_reply[draft.body].add(key)
    ranks: list[int | None] = []
    shared_reply = 0
    for key in held_out:
        draft = articles[key]
        accepted = by_reply[draft.body]
        shared_reply += len(accepted) > 1
        hits = index.search(draft.question, limit=10, per_article=1)
        ranks.append(next((r for r, hit in enumerate(hits, start=1) if hit.article_key in accepted), None))

    def share(within: int) -> float:
        return round(sum(r is not None and r <= within for r in ranks) / len(ranks), 3)

    return {
        "articles": len(articles),
        "passages": len(index),
        "held_out": sample_size,
        "sample_seed": seed,
        "top1": share(1),
        "top5": share(5),
        "top10": share(10),
        "mrr_at_10": round(sum(1 / r for r in ranks if r is not None) / len(ranks), 3),
        "held_out_sharing_their_reply_text_with_other_messages": shared_reply,
        "missed_in_top10_message_ids": sorted(
            articles[k].source_ref for k, r in zip(held_out, ranks, strict=True) if r is None
        ),
    }


def message_articles(name: str) -> Iterator[ArticleDraft]:
    for row in read_rows(teddy(name)):
        title = clean_message_text(row.get("title") or "")
        body = clean_message_text("\n".join(p for p in (row.get("title"), row.get("detail")) if p) or row["text"])
        reference = row.get("message_id") or row.get("row_idx") or ""
        yield ArticleDraft(title=title or body[:30], body=body, kind="reply", source=name, source_ref=reference)


def articles_at_scale(count: int = ARTICLES_AT_SCALE) -> dict[str, ArticleDraft]:
    articles = keyed(replies_articles(teddy("replies.csv")))
    seen = {d.body for d in articles.values()}
    for name in ("messages_unlabelled.csv", "hotspot_messages.csv", "messages_train.csv"):
        for draft in message_articles(name):
            if len(articles) >= count:
                return articles
            if draft.body not in seen:
                seen.add(draft.body)
                articles[f"{name}:{draft.source_ref}"] = draft
    return articles


def milliseconds(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 2),
        "max_ms": round(ordered[-1], 2),
    }


def latency() -> dict[str, Any]:
    """Figure 2 (see the module's docstring)."""
    articles = articles_at_scale()
    began = time.perf_counter()
    index = build_index(articles)
    build_seconds = time.perf_counter() - began
    rows = random.Random(SAMPLE_SEED).sample(read_rows(teddy("messages_dev.csv")), QUERIES)
    long_queries = [clean_message_text(f"{r['title']}\n{r['detail']}") or r["text"] for r in rows]
    short_queries = [clean_message_text(r["title"]) or r["text"][:20] for r in rows]
    index.search(long_queries[0])  # anything loaded lazily is loaded before the clock runs
    figures: dict[str, Any] = {
        "articles": len(articles),
        "passages": len(index),
        "terms": index.term_count,
        "build_seconds": round(build_seconds, 2),
    }
    for name, queries in (("long_queries_title_and_detail", long_queries), ("short_queries_title", short_queries)):
        times = []
        for query in queries:
            start = time.perf_counter()
            index.search(query, limit=5, per_article=1)
            times.append((time.perf_counter() - start) * 1000)
        mean_chars = round(statistics.mean(len(q) for q in queries))
        figures[name] = {"queries": len(queries), "mean_chars": mean_chars, **milliseconds(times)}
    return figures


def main() -> None:
    report("knowledge", {"retrieval": held_out_retrieval(), "latency_at_10000_articles": latency()})


if __name__ == "__main__":
    main()
