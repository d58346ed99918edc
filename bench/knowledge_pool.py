"""Candidate pool for the operator evaluation set of the knowledge panel (bench/data/knowledge_operator_set.md).

For each query (an appeal: a web message or a call transcript) it takes the top POOL_DEPTH past cases of
teddy2020c replies.csv from each of three methods and prints their union for a judge to read:

(a) ``bm25``: the project's search (knowledge/search.py SearchIndex over every reply article, built as
    bench/bench_knowledge.py ``build_index`` does, one passage per article);
(b) ``tfidf_all``: cosine of character-bigram TF-IDF over the case's title, message and reply;
(c) ``tfidf_message``: the same over the case's title and message only (without the reply).

    .venv/bin/python -m bench.knowledge_pool --draw-web web.csv        # the web queries, fixed seed
    .venv/bin/python -m bench.knowledge_pool queries.csv --start 0 --count 20   # print a batch's pool

A queries file has at least the columns ``query_id`` and ``text`` (the set's CSV has them too).
The article key of a past case is ``m<message_id>`` (replies_articles' source_ref is the message id).
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from bench.bench_knowledge import build_index, read_rows, stored_replies
from bench.common import teddy
from knowledge.documents import ArticleDraft, clean_message_text, replies_articles
from knowledge.search import SearchIndex

POOL_DEPTH = 10
METHODS = ("bm25", "tfidf_all", "tfidf_message")
DRAW_SEED = 2020
DEV_PER_LABEL = 10  # messages_dev.csv: this many per first-level label (7 labels)
HOTSPOT_DRAWN = 65
MIN_CHARS = 30  # shorter messages say too little to judge what an operator would want
SAME_AS_PAST_CASE = 0.9  # a drawn message this close to a replies.csv message is that message re-posted
NEAR_DUPLICATE_QUERY = 0.6  # at most one query per group of near-identical messages

# The preamble many replies open with ("现将网友在平台《问政西地省》栏目…答复如下：您好，…"): skipped when
# printing, so the first characters shown are what the reply says.
_REPLY_PREAMBLE = re.compile(r"^.{0,200}?(?:答复如下|回复如下)[：:，,]?\s*(?:您好[！!，,。]?)?", re.S)
_SALUTATION = re.compile(r"^(?:尊敬的)?(?:网友|网民)?\S{0,14}?[：:，, ]*(?:您好|你好)[！!，,。：:]*\s*")


def message_text(title: str, detail: str) -> str:
    """A message as a query: title and detail, without the data set's placeholders."""
    joined = "\n".join(p for p in (title, detail) if p and p.strip())
    return clean_message_text(joined.replace("_x000D_", "\n"))


@cache
def past_cases() -> dict[str, ArticleDraft]:
    """The reply articles by their key ``m<message_id>``."""
    return {f"m{d.source_ref}": d for d in replies_articles(teddy("replies.csv"))}


@cache
def bm25_index() -> SearchIndex:
    return build_index(past_cases())


@cache
def app_index() -> SearchIndex:
    """The index of the past cases as the knowledge base stores (masked) and indexes them, by ``m<message_id>``."""
    return build_index({f"m{d.source_ref}": d for d in stored_replies()})


def bm25_ranked(query: str, limit: int = POOL_DEPTH) -> list[str]:
    """Method (a): today's search, one passage per article."""
    return [hit.article_key for hit in bm25_index().search(query, limit=limit, per_article=1)]


class BigramCosine:
    """Cosine of sublinear character-bigram TF-IDF between a query and fixed documents."""

    def __init__(self, keys: Sequence[str], texts: Sequence[str]) -> None:
        self.keys = list(keys)
        self.vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(2, 2), sublinear_tf=True)
        self.matrix = self.vectorizer.fit_transform(texts)

    def similarities(self, query: str) -> np.ndarray:
        return (self.matrix @ self.vectorizer.transform([query]).T).toarray().ravel()

    def ranked(self, query: str, limit: int = POOL_DEPTH) -> list[str]:
        scores = self.similarities(query)
        order = np.argsort(-scores, kind="stable")[:limit]
        return [self.keys[i] for i in order if scores[i] > 0]


@cache
def tfidf(method: str) -> BigramCosine:
    cases = past_cases()
    if method == "tfidf_all":
        return BigramCosine(list(cases), [f"{d.question}\n{d.body}" for d in cases.values()])
    return BigramCosine(list(cases), [d.question for d in cases.values()])


def ranked_by(method: str, query: str, limit: int = POOL_DEPTH) -> list[str]:
    return bm25_ranked(query, limit) if method == "bm25" else tfidf(method).ranked(query, limit)


def pool(query: str, depth: int = POOL_DEPTH) -> dict[str, list[str]]:
    """The pooled candidates of a query: key -> the methods that returned it, in first-seen order."""
    found: dict[str, list[str]] = {}
    for method in METHODS:
        for key in ranked_by(method, query, depth):
            found.setdefault(key, []).append(method)
    return found


def reply_content(reply: str) -> str:
    """The reply without its standard preamble."""
    content = _SALUTATION.sub("", _REPLY_PREAMBLE.sub("", reply, count=1).strip(), count=1).strip()
    return content or reply


def one_line(text: str, chars: int) -> str:
    return re.sub(r"\s+", " ", text)[:chars]


def print_pool(queries: Sequence[dict[str, str]], chars: int = 150) -> None:
    """Each query and its pooled candidates, in message-id order and without the methods that found them,
    so that the judge cannot favour one method."""
    cases = past_cases()
    for query in queries:
        print(f"\n=== {query['query_id']} ===\n{query['text'][:500]}")
        for key in sorted(pool(query["text"]), key=lambda k: int(k[1:])):
            case = cases[key]
            message = case.question[len(case.title) :] if case.question.startswith(case.title) else case.question
            print(f"- {key} {case.title} | {one_line(message, chars)} || {one_line(reply_content(case.body), chars)}")


# --- drawing the web queries ----------------------------------------------------------------------------------


def shared_message_text(source: str) -> str:
    """The text of a web query drawn from the shared data, by its ``source`` (``messages_dev.csv:<row_idx>`` or
    ``hotspot_messages.csv:<message_id>``), built exactly as when it was drawn: the evaluation set stores the
    source only, never the text (the data stays in ../shared)."""
    row = _shared_row(source)
    if source.startswith("messages_dev.csv:") and not row["title"]:
        return clean_message_text(row["text"])
    return message_text(row["title"], row["detail"])


def shared_message_parts(source: str) -> tuple[str, str]:
    """The title and the message of a web query (see ``shared_message_text``), as a web order has them apart."""
    row = _shared_row(source)
    if source.startswith("messages_dev.csv:") and not row["title"]:
        return "", clean_message_text(row["text"])
    title = clean_message_text((row["title"] or "").replace("_x000D_", "\n"))
    return title, clean_message_text((row["detail"] or "").replace("_x000D_", "\n"))


def _shared_row(source: str) -> dict[str, str]:
    name, _, key = source.partition(":")
    rows = {
        "messages_dev.csv": lambda: {row["row_idx"]: row for row in read_rows(teddy("messages_dev.csv"))},
        "hotspot_messages.csv": lambda: {row["message_id"]: row for row in read_rows(teddy("hotspot_messages.csv"))},
    }
    if name not in rows:
        raise ValueError(f"{source!r} is not a message of the shared data")
    return _rows_of(name, rows[name])[key]


_loaded: dict[str, dict[str, dict[str, str]]] = {}


def _rows_of(name: str, load: Callable[[], dict[str, dict[str, str]]]) -> dict[str, dict[str, str]]:
    if name not in _loaded:
        _loaded[name] = load()
    return _loaded[name]


def draw_web_queries(seed: int = DRAW_SEED) -> list[dict[str, str]]:
    """Messages not in replies.csv: DEV_PER_LABEL per label from messages_dev.csv and HOTSPOT_DRAWN from
    hotspot_messages.csv, drawn with a fixed seed; too short ones, re-posts of a past case and near-duplicates
    of an earlier draw are skipped (the next one in the shuffled order is taken)."""
    rng = random.Random(seed)
    past = BigramCosine(list(past_cases()), [d.question for d in past_cases().values()])
    past_titles = {d.title for d in past_cases().values()}
    drawn: list[dict[str, str]] = []
    drawn_texts: list[str] = []

    def acceptable(text: str, title: str) -> bool:
        if len(re.sub(r"\s", "", text)) < MIN_CHARS or (title and title in past_titles):
            return False
        if past.similarities(text).max() >= SAME_AS_PAST_CASE:
            return False
        if drawn_texts:
            earlier = BigramCosine(range(len(drawn_texts)), drawn_texts)  # type: ignore[arg-type]
            if earlier.similarities(text).max() >= NEAR_DUPLICATE_QUERY:
                return False
        return True

    dev = read_rows(teddy("messages_dev.csv"))
    by_label: dict[str, list[dict[str, str]]] = {}
    for row in dev:
        by_label.setdefault(row["label"], []).append(row)
    for label in sorted(by_label):
        rows = by_label[label][:]
        rng.shuffle(rows)
        taken = 0
        for row in rows:
            text = message_text(row["title"], row["detail"]) if row["title"] else clean_message_text(row["text"])
            if taken < DEV_PER_LABEL and acceptable(text, row["title"].strip()):
                drawn.append({"source": f"messages_dev.csv:{row['row_idx']}", "text": text, "label": label})
                drawn_texts.append(text)
                taken += 1
    hotspot = read_rows(teddy("hotspot_messages.csv"))
    rng.shuffle(hotspot)
    taken = 0
    for row in hotspot:
        if taken == HOTSPOT_DRAWN:
            break
        text = message_text(row["title"], row["detail"])
        if acceptable(text, row["title"].strip()):
            drawn.append({"source": f"hotspot_messages.csv:{row['message_id']}", "text": text, "label": ""})
            drawn_texts.append(text)
            taken += 1
    return drawn


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("queries", nargs="?", type=Path, help="a CSV with query_id and text")
    parser.add_argument("--draw-web", type=Path, help="write the drawn web queries to this CSV")
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--chars", type=int, default=150, help="characters of message and reply shown")
    args = parser.parse_args(argv)
    if args.draw_web:
        drawn = draw_web_queries()
        with args.draw_web.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=["query_id", "source", "label", "text"])
            writer.writeheader()
            for number, row in enumerate(drawn, start=1):
                writer.writerow({"query_id": f"w{number:03d}", **row})
        print(f"{len(drawn)} web queries written to {args.draw_web}")
        return
    if not args.queries:
        sys.exit("give a queries CSV or --draw-web")
    with args.queries.open(encoding="utf-8", newline="") as handle:
        queries = list(csv.DictReader(handle))
    print_pool(queries[args.start : args.start + args.count], args.chars)


if __name__ == "__main__":
    main()
