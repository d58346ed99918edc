"""BM25 search over the knowledge base's passages.

Every passage is scored as a document with two fields (BM25F): its own text, and its article's extra text
(the title and, for replies and FAQs, the question), which every passage of the article shares. Each field's
term counts are normalised by the field's length against its average, the extra field is weighted by
``extra_weight``, and the sum is saturated with ``k1`` and multiplied by the term's IDF.

All of that is computed once, at build time, into a sparse passage × term matrix of final weights, so a query
is a slice of the columns of its terms and a weighted sum of them: a few milliseconds at 30,000 passages.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from knowledge.passages import Passage
from knowledge.terms import fold, search_terms

# How much an article's title and question count against the passage's own text. Chosen low: a question
# that is a citizen's message resembles the next citizen's message far more than any reply does, so a high
# weight lets the replies to similar messages crowd out a reply whose own question is not stored. On the
# held-out replies of bench/bench_knowledge.py (samples other than the reported one), top-5 was 0.74 at
# 0.05, 0.72 at 0.15, 0.68 at 0.3 and 0.64 at 0.6; at 0.15 a title still decides between passages that
# match equally, and a word found only in a title or question still finds its article.
EXTRA_WEIGHT = 0.15
QUERY_SATURATION = 1.2  # a query term said twice counts more than once, but not twice as much (BM25's k3)


@dataclass(frozen=True)
class Hit:
    key: str  # the passage's key
    article_key: str
    score: float
    text: str
    highlighted: str  # the passage HTML-escaped, with the matched query words wrapped in <mark>…</mark>
    matched: tuple[str, ...]  # the query's terms found in the passage or in its article's title or question


def extra_text_of(title: str, question: str = "") -> str:
    """An article's searchable text besides its passages: the title, and the question unless it already
    starts with the title (a past reply's question is the message's title and detail)."""
    title, question = title.strip(), question.strip()
    return question if title and question.startswith(title) else "\n".join(p for p in (title, question) if p)


def _counts(texts: Iterable[str], vocabulary: dict[str, int]) -> sp.csr_matrix:
    """A text × term matrix of term counts; new terms are added to the vocabulary."""
    indptr, indices, data = [0], [], []
    for text in texts:
        counts = Counter(search_terms(text))
        for term, count in counts.items():
            indices.append(vocabulary.setdefault(term, len(vocabulary)))
            data.append(count)
        indptr.append(len(indices))
    return sp.csr_matrix(
        (np.array(data, dtype=np.float64), np.array(indices, dtype=np.int64), np.array(indptr, dtype=np.int64)),
        shape=(len(indptr) - 1, len(vocabulary) or 1),
    )


def _length_normalised(counts: sp.csr_matrix, b: float) -> sp.csr_matrix:
    """Term counts divided by BM25's length factor 1 - b + b * length / average length."""
    lengths = np.asarray(counts.sum(axis=1)).ravel()
    nonempty = lengths[lengths > 0]
    average = nonempty.mean() if len(nonempty) else 1.0
    return sp.diags(1.0 / np.maximum(1.0 - b + b * lengths / average, 1e-3)) @ counts


def _inside_latin_word(folded: str, start: int, end: int) -> bool:
    """Whether a latin or digit term found at start:end is part of a longer latin word (a2 in ba23)."""
    before = folded[start - 1] if start > 0 else " "
    after = folded[end] if end < len(folded) else " "
    return (before.isascii() and before.isalnum()) or (after.isascii() and after.isalnum())


def highlight(text: str, terms: Iterable[str]) -> str:
    """The text HTML-escaped, with each occurrence of the terms (case- and width-insensitive) wrapped in
    <mark>; longer terms win where occurrences overlap."""
    folded = fold(text, lower=True)
    taken = [False] * len(text)
    spans = []
    for term in sorted(set(terms), key=lambda t: (-len(t), t)):
        latin = term.isascii()
        start = folded.find(term)
        while start >= 0:
            end = start + len(term)
            if not any(taken[start:end]) and not (latin and _inside_latin_word(folded, start, end)):
                taken[start:end] = [True] * len(term)
                spans.append((start, end))
            start = folded.find(term, start + 1)
    parts, last = [], 0
    for start, end in sorted(spans):
        parts.append(html.escape(text[last:start]))
        parts.append(f"<mark>{html.escape(text[start:end])}</mark>")
        last = end
    parts.append(html.escape(text[last:]))
    return "".join(parts)


class SearchIndex:
    """An immutable BM25F index of passages; build it with ``SearchIndex.build``. Safe to share between
    threads, and picklable."""

    def __init__(
        self,
        passages: Sequence[Passage],
        vocabulary: dict[str, int],
        weights: sp.csc_matrix,
        article_of: np.ndarray,
    ) -> None:
        self._passages = tuple(passages)
        self._vocabulary = vocabulary
        self._by_term = weights  # passages × terms, CSC: a query takes the columns of its terms
        self._by_passage = weights.tocsr()  # the same, CSR: which terms a passage has
        self._article_of = article_of  # passage index → article number, for the per-article limit

    @classmethod
    def build(
        cls,
        passages: Sequence[Passage],
        *,
        extra_text: Mapping[str, str] | None = None,
        k1: float = 1.5,
        b: float = 0.75,
        extra_weight: float = EXTRA_WEIGHT,
    ) -> SearchIndex:
        """Index the passages. ``extra_text``: per article key, more searchable text that is not a passage
        (the article's title and question), weighted into each of the article's passages."""
        keys = [p.key for p in passages]
        if len(set(keys)) != len(keys):
            duplicate = next(k for k, n in Counter(keys).items() if n > 1)
            raise ValueError(f"passage keys must be unique; {duplicate!r} is repeated")
        article_numbers: dict[str, int] = {}
        article_of = np.array(
            [article_numbers.setdefault(p.article_key, len(article_numbers)) for p in passages], dtype=np.int64
        )
        vocabulary: dict[str, int] = {}
        own = _counts((p.text for p in passages), vocabulary)
        extra = extra_text or {}
        articles = sorted(article_numbers, key=article_numbers.__getitem__)
        shared = _counts((extra.get(a, "") for a in articles), vocabulary)
        terms = max(len(vocabulary), 1)
        own.resize((own.shape[0], terms))
        shared.resize((shared.shape[0], terms))

        # BM25F: the fields' length-normalised counts summed, the shared field spread to every passage.
        spread = sp.csr_matrix(
            (np.ones(len(passages)), article_of, np.arange(len(passages) + 1)),
            shape=(len(passages), len(articles)),
        )
        combined = (_length_normalised(own, b) + extra_weight * (spread @ _length_normalised(shared, b))).tocsr()
        combined.sum_duplicates()
        combined.eliminate_zeros()

        documents = len(passages)
        df = np.bincount(combined.indices, minlength=terms)
        idf = np.log(1.0 + (documents - df + 0.5) / (df + 0.5))
        tf = combined.data
        combined.data = idf[combined.indices] * tf * (k1 + 1.0) / (tf + k1)
        return cls(passages, vocabulary, combined.astype(np.float32).tocsc(), article_of)

    def __len__(self) -> int:
        return len(self._passages)

    @property
    def term_count(self) -> int:
        return len(self._vocabulary)

    def query_terms(self, query: str) -> dict[str, float]:
        """The query's terms that the index knows, with their weights (repeats count, with saturation)."""
        counts = Counter(t for t in search_terms(query) if t in self._vocabulary)
        return {t: n * (QUERY_SATURATION + 1.0) / (n + QUERY_SATURATION) for t, n in counts.items()}

    def scores(self, query: str) -> np.ndarray:
        """The BM25 score of every passage for the query (zeros if nothing matches)."""
        weighted = self.query_terms(query)
        if not weighted or not self._passages:
            return np.zeros(len(self._passages), dtype=np.float32)
        return self._scores_for(weighted)

    def search(self, query: str, *, limit: int = 5, per_article: int = 1) -> list[Hit]:
        """The best passages for the query, best first, at most ``per_article`` of any one article."""
        if limit < 1 or per_article < 1 or not self._passages:
            return []
        weighted = self.query_terms(query)
        if not weighted:
            return []
        scores = self._scores_for(weighted)
        return [self._hit(index, float(scores[index]), weighted) for index in self._top(scores, limit, per_article)]

    def _scores_for(self, weighted: Mapping[str, float]) -> np.ndarray:
        columns = np.fromiter((self._vocabulary[t] for t in weighted), dtype=np.int64, count=len(weighted))
        weights = np.fromiter(weighted.values(), dtype=np.float32, count=len(weighted))
        return self._by_term[:, columns] @ weights

    def _top(self, scores: np.ndarray, limit: int, per_article: int) -> list[int]:
        """Indices of the best-scoring passages, ties by position in the index, with the per-article limit.

        Only the best few candidates are sorted; if the limit per article leaves too few of them, more are
        taken."""
        positive = np.flatnonzero(scores > 0)
        wanted = limit * per_article
        while True:
            if len(positive) > wanted * 4:
                cut = np.partition(scores[positive], len(positive) - wanted * 4)[len(positive) - wanted * 4]
                candidates = positive[scores[positive] >= cut]
            else:
                candidates = positive
            ordered = candidates[np.lexsort((candidates, -scores[candidates]))]
            chosen: list[int] = []
            taken: Counter[int] = Counter()
            for index in ordered:
                article = int(self._article_of[index])
                if taken[article] < per_article:
                    taken[article] += 1
                    chosen.append(int(index))
                    if len(chosen) == limit:
                        return chosen
            if len(candidates) == len(positive):
                return chosen
            wanted *= 4

    def _hit(self, index: int, score: float, weighted: Mapping[str, float]) -> Hit:
        passage = self._passages[index]
        row = self._by_passage
        present = set(row.indices[row.indptr[index] : row.indptr[index + 1]].tolist())
        matched = tuple(t for t in weighted if self._vocabulary[t] in present)  # in the query's order
        return Hit(
            key=passage.key,
            article_key=passage.article_key,
            score=score,
            text=passage.text,
            highlighted=highlight(passage.text, matched),
            matched=matched,
        )
