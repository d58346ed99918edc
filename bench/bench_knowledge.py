"""Knowledge-base search: does a citizen's message find the government's reply to it, and how fast.

    .venv/bin/python -m bench.bench_knowledge            # about 15 minutes on 2 busy cores; --no-100k: 3

1. Retrieval. Every row of teddy2020c replies.csv is a reply article (hotline.knowledge.replies_articles).
   A fixed sample of 300 of them (random.Random(SAMPLE_SEED).sample over the articles in file order) is held
   out of the index's questions: for those the index has the reply only, not the message's title and detail;
   the other articles keep their question. Each held-out message (title + detail) is the query, and it counts
   as found when its own reply is among the hits; where the identical reply text was given to several
   messages, a hit on any of them counts (how many such cases there were is reported). Top-1, top-5, top-10
   and MRR@10 (one passage per article). The same figures are given apart for the held-out messages whose
   reply is a short form letter (under SHORT_REPLY characters: "留言已收悉", "已转…处理", "不属于我单位职责"),
   which share next to no words with the message and cannot be found by their text.
2. Latency at 10,000 articles: the reply articles plus message-only articles (title and detail as the body)
   from messages_unlabelled.csv, hotspot_messages.csv and messages_train.csv, in that order and without
   repeats, up to 10,000. Build time (passages cut, words segmented, matrix built), then 300 queries, one at
   a time: the title + detail of 300 messages of messages_dev.csv (long queries, the slow case) and their
   titles alone (short queries, like an operator's). The 10,000 articles make fewer than 30,000 passages at
   the default 300 characters, so the same articles are also cut at 120 characters to time a larger index.
   The size of the pickled index, and the time to load it, tell what caching a built index costs.
3. Scale: 100,000 articles. The shared data holds 19,784 distinct texts (the past cases, message-only articles
   of every message file, and the segmented-only messages of messages_segmented_extra.csv with their words
   joined); the rest are variants of them (``variant``: the same sentences in another order, the place codes
   moved along the alphabet), so the vocabulary is the shared data's and a real corpus of that size would know
   more terms. Build time, the memory the build and the loaded index take (growth of the process's resident
   memory), the pickled size, and the latency of the same long and short queries. Skipped with --no-100k.

Every index is built by ``build_index``, which calls the app's ``knowledge.search.build_knowledge_index`` with
the articles as the knowledge base stores them (past cases masked), as ``knowledge.index`` does. Search
constants were tuned on samples with other seeds (1–4) and on the operator set's tune split
(bench/knowledge_operator_score.py); SAMPLE_SEED 12345 is the reported sample.
"""

from __future__ import annotations

import csv
import gc
import os
import pickle
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence, Set
from pathlib import Path
from typing import Any

from bench.common import report, teddy
from knowledge.documents import ArticleDraft, clean_message_text, for_storage, replies_articles
from knowledge.passages import Passage, split_passages
from knowledge.search import IndexedArticle, SearchIndex, build_knowledge_index

SAMPLE_SEED = 12345
HELD_OUT = 300
ARTICLES_AT_SCALE = 10_000
ARTICLES_AT_LARGE_SCALE = 100_000
QUERIES = 300
SHORT_REPLY = 80


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def keyed(drafts: Sequence[ArticleDraft]) -> dict[str, ArticleDraft]:
    """The drafts by a key unique among them: the source and the source's reference (or the row number)."""
    return {f"{d.source}:{d.source_ref or n}": d for n, d in enumerate(drafts)}


def stored_replies() -> list[ArticleDraft]:
    """The past cases of replies.csv as the knowledge base keeps them (``for_storage``: personal data masked)."""
    return [for_storage(draft) for draft in replies_articles(teddy("replies.csv"))]


def build_index(
    articles: dict[str, ArticleDraft], *, without_question: Set[str] = frozenset(), max_chars: int = 300
) -> SearchIndex:
    """The index of the articles as the app builds it (``knowledge.search.build_knowledge_index``, as
    ``knowledge.index.build_index`` calls it); for the keys in without_question, only the body is searchable."""
    passages: list[Passage] = []
    indexed: list[IndexedArticle] = []
    for key, draft in articles.items():
        passages.extend(split_passages(key, draft.title, draft.body, max_chars=max_chars))
        hidden = key in without_question
        indexed.append(
            IndexedArticle(
                key=key,
                kind=draft.kind,
                title="" if hidden else draft.title,
                question="" if hidden else draft.question,
                body=draft.body,
            )
        )
    return build_knowledge_index(indexed, passages)


def held_out_retrieval(sample_size: int = HELD_OUT, seed: int = SAMPLE_SEED) -> dict[str, Any]:
    """Figure 1 (see the module's docstring); also used by the tests with a smaller sample."""
    articles = keyed(stored_replies())
    held_out = random.Random(seed).sample(list(articles), sample_size)
    index = build_index(articles, without_question=set(held_out))
    by_reply: dict[str, set[str]] = defaultdict(set)
    for key, draft in articles.items():
        by_reply[draft.body].add(key)
    ranks: dict[str, int | None] = {}
    shared_reply = 0
    for key in held_out:
        draft = articles[key]
        accepted = by_reply[draft.body]
        shared_reply += len(accepted) > 1
        hits = index.search(draft.question, limit=10, per_article=1)
        ranks[key] = next((r for r, hit in enumerate(hits, start=1) if hit.article_key in accepted), None)
    short = [k for k in held_out if len(articles[k].body) < SHORT_REPLY]
    return {
        "articles": len(articles),
        "passages": len(index),
        "held_out": sample_size,
        "sample_seed": seed,
        **rank_figures(list(ranks.values())),
        "held_out_sharing_their_reply_text_with_other_messages": shared_reply,
        f"held_out_with_replies_of_{SHORT_REPLY}_chars_or_more": {
            "count": sample_size - len(short),
            **rank_figures([r for k, r in ranks.items() if k not in short]),
        },
        f"held_out_with_replies_under_{SHORT_REPLY}_chars": {
            "count": len(short),
            **rank_figures([ranks[k] for k in short]),
        },
        "missed_in_top10_message_ids": sorted((articles[k].source_ref for k, r in ranks.items() if r is None), key=int),
    }


def rank_figures(ranks: Sequence[int | None]) -> dict[str, float]:
    """Top-1, top-5, top-10 shares and MRR@10 of the ranks of the right article (None: not in the top 10)."""

    def share(within: int) -> float:
        return round(sum(r is not None and r <= within for r in ranks) / len(ranks), 3) if ranks else 0.0

    mrr = sum(1 / r for r in ranks if r is not None) / len(ranks) if ranks else 0.0
    return {"top1": share(1), "top5": share(5), "top10": share(10), "mrr_at_10": round(mrr, 3)}


def message_articles(name: str) -> Iterator[ArticleDraft]:
    for row in read_rows(teddy(name)):
        title = clean_message_text(row.get("title") or "")
        body = clean_message_text("\n".join(p for p in (row.get("title"), row.get("detail")) if p) or row["text"])
        reference = row.get("message_id") or row.get("row_idx") or ""
        yield ArticleDraft(title=title or body[:30], body=body, kind="reply", source=name, source_ref=reference)


def articles_at_scale(count: int = ARTICLES_AT_SCALE) -> dict[str, ArticleDraft]:
    articles = keyed(stored_replies())
    seen = {d.body for d in articles.values()}
    for name in ("messages_unlabelled.csv", "hotspot_messages.csv", "messages_train.csv"):
        for draft in message_articles(name):
            if len(articles) >= count:
                return articles
            if draft.body not in seen:
                seen.add(draft.body)
                articles[f"{name}:{draft.source_ref}"] = draft
    return articles


def distinct_articles() -> dict[str, ArticleDraft]:
    """Every distinct text of the shared data as an article: the past cases, then message-only articles of
    every message file, then the segmented-only messages of messages_segmented_extra.csv (their words joined)."""
    articles = articles_at_scale(count=10**9)
    seen = {d.body for d in articles.values()}
    for draft in message_articles("messages_dev.csv"):
        if draft.body not in seen:
            seen.add(draft.body)
            articles[f"messages_dev.csv:{draft.source_ref}"] = draft
    for row in read_rows(teddy("messages_segmented_extra.csv")):
        body = "".join(row["tokens"].split())
        if body and body not in seen:
            seen.add(body)
            articles[f"segmented:{row['row_idx']}"] = ArticleDraft(
                title=body[:20], body=body, kind="policy", source="segmented", source_ref=row["row_idx"]
            )
    return articles


_PLACE_CODE = re.compile(r"(?<![A-Za-z])([A-N])(?=\d{0,2}(?:市|区|县|州))")
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")


def variant(draft: ArticleDraft, number: int) -> ArticleDraft:
    """Another article made of the same text: its sentences in another order (a fixed shuffle per article and
    number) and its pseudonymised place codes moved along the alphabet (A市 → B市 for number 1), so that the
    vocabulary is the shared data's but the articles and their passages are new."""

    def moved(text: str) -> str:
        return _PLACE_CODE.sub(lambda m: chr((ord(m.group(1)) - 65 + number) % 14 + 65), text)

    sentences = [part for part in _SENTENCE_END.split(draft.body) if part]
    random.Random(f"{draft.source}:{draft.source_ref}:{number}").shuffle(sentences)
    return ArticleDraft(
        title=moved(draft.title),
        body=moved("".join(sentences)),
        kind=draft.kind,
        source=draft.source,
        source_ref=f"{draft.source_ref}~{number}",
        question=moved(draft.question),
    )


def articles_at_100k(count: int = ARTICLES_AT_LARGE_SCALE) -> dict[str, ArticleDraft]:
    """The distinct articles, then their variants (number 1, 2, …) until there are ``count``."""
    base = distinct_articles()
    articles = dict(base)
    number = 1
    while len(articles) < count:
        for key, draft in base.items():
            if len(articles) >= count:
                break
            articles[f"{key}~{number}"] = variant(draft, number)
        number += 1
    return articles


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def milliseconds(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 2),
        "max_ms": round(ordered[-1], 2),
    }


def query_latency(index: SearchIndex, queries: Sequence[str]) -> dict[str, Any]:
    index.search(queries[0])  # anything loaded lazily is loaded before the clock runs
    times = []
    for query in queries:
        start = time.perf_counter()
        index.search(query, limit=5, per_article=1)
        times.append((time.perf_counter() - start) * 1000)
    return {
        "queries": len(queries),
        "mean_chars": round(statistics.mean(len(q) for q in queries)),
        **milliseconds(times),
        "load_average_1_min_after": round(os.getloadavg()[0], 2),
    }


def timed_build(articles: dict[str, ArticleDraft], max_chars: int) -> tuple[SearchIndex, float]:
    began = time.perf_counter()
    index = build_index(articles, max_chars=max_chars)
    return index, time.perf_counter() - began


def latency() -> dict[str, Any]:
    """Figure 2 (see the module's docstring)."""
    articles = articles_at_scale()
    rows = random.Random(SAMPLE_SEED).sample(read_rows(teddy("messages_dev.csv")), QUERIES)
    long_queries = [clean_message_text(f"{r['title']}\n{r['detail']}") or r["text"] for r in rows]
    short_queries = [clean_message_text(r["title"]) or r["text"][:20] for r in rows]
    figures: dict[str, Any] = {"articles": len(articles)}
    for max_chars in (300, 120):
        index, seconds = timed_build(articles, max_chars)
        began = time.perf_counter()
        pickled = pickle.dumps(index)
        pickle_seconds = time.perf_counter() - began
        began = time.perf_counter()
        pickle.loads(pickled)
        figures[f"passages_of_{max_chars}_chars"] = {
            "passages": len(index),
            "terms": index.term_count,
            "build_seconds": round(seconds, 2),
            "pickled_mb": round(len(pickled) / 1e6, 1),
            "pickle_seconds": round(pickle_seconds, 2),
            "unpickle_seconds": round(time.perf_counter() - began, 2),
            "long_queries_title_and_detail": query_latency(index, long_queries),
            "short_queries_title": query_latency(index, short_queries),
        }
    return figures


def latency_at_100k() -> dict[str, Any]:
    """Figure 3 (see the module's docstring): build, size, memory and latency at 100,000 articles."""
    articles = articles_at_100k()
    rows = random.Random(SAMPLE_SEED).sample(read_rows(teddy("messages_dev.csv")), QUERIES)
    long_queries = [clean_message_text(f"{r['title']}\n{r['detail']}") or r["text"] for r in rows]
    short_queries = [clean_message_text(r["title"]) or r["text"][:20] for r in rows]
    gc.collect()
    before = rss_mb()
    index, seconds = timed_build(articles, 300)
    gc.collect()
    built = rss_mb()
    pickled = pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)
    del index
    gc.collect()
    freed = rss_mb()
    began = time.perf_counter()
    index = pickle.loads(pickled)
    unpickle_seconds = time.perf_counter() - began
    gc.collect()
    loaded = rss_mb()
    return {
        "articles": len(articles),
        "distinct_articles": len(distinct_articles()),
        "passages": len(index),
        "terms": index.term_count,
        "build_seconds": round(seconds, 1),
        "memory_growth_while_built_mb": round(built - before),
        "pickled_mb": round(len(pickled) / 1e6, 1),
        "unpickle_seconds": round(unpickle_seconds, 2),
        "memory_of_loaded_index_mb": round(loaded - freed),
        "long_queries_title_and_detail": query_latency(index, long_queries),
        "short_queries_title": query_latency(index, short_queries),
    }


def main() -> None:
    load = os.getloadavg()
    figures = {"retrieval": held_out_retrieval(), "latency_at_10000_articles": latency()}
    if "--no-100k" not in sys.argv:
        figures["latency_at_100000_articles"] = latency_at_100k()
    figures["load_average_1_5_15_min"] = [round(x, 2) for x in (*load, *os.getloadavg())]
    report("knowledge", figures)


if __name__ == "__main__":
    main()
