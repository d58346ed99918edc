"""Search over the knowledge base's passages: character pairs and words, fused, with a relevance floor.

An article has two fields: its *question* (for a past case the citizen's title and message, for a policy or
FAQ its title and question: ``extra_text``) and its *text* (the passages). Two channels score a passage:

- **characters**, per article: the cosine of TF-IDF vectors of character pairs (sublinear counts, smoothed IDF
  over articles) between the query and each field of the article, averaged over the fields the article
  *has*. Pairs need no segmentation, so a place name jieba does not know, a compound split differently or a
  misheard neighbour character still count. A policy without a question, or a past reply stored without its
  message, is scored on its text alone instead of losing half its score to a missing field.
- **words**, per passage: BM25F over jieba content words (``knowledge.terms``): the passage's own text and,
  weighted by ``extra_weight``, its article's question, length-normalised per field and saturated together.
  It decides between the passages of one article, and its matched words are highlighted.

The two are fused linearly after each is divided by its best score for the query, and the result is
multiplied by the article's weight (``reply_weight``: a past case whose reply is a short form letter says
little to an operator). **Topics** then re-rank the best ``TOPIC_DEPTH`` articles: an LSA model of the
articles' character pairs (``_topics``, fitted at build time on the index's own articles) says what a query and an
article are about apart from the place they name, so that a case of the same problem elsewhere rises above cases
of the same estate about other problems. A call's query may come in two parts: the caller's words, and ``context`` (the
operator's turns), which counts at ``CONTEXT_WEIGHT``.

**The floor** has two parts, so that an unrelated question finds nothing in an index of any size:

- *Is the question the knowledge base's subject?* A word is the knowledge base's own as far as the index uses
  it more often than general Chinese does (jieba's dictionary frequencies, ``knowledge.terms``): 路灯, 物业,
  噪音 are used 40–500 times as often in the past cases, 笑话, 股票, 法国 less often than in general text. The
  question is answered only when at least ``DOMAIN_SHARE`` of what it says (each term's information in general
  Chinese; a term the index lacks counts as not its own) is said in the knowledge base's own words, or as much
  as ``DOMAIN_WORDS`` rare words (a long, ornate message still has many). "讲个笑话", "法国的首都是哪里",
  "What is the capital of France?" fail; "小区门口路灯坏了" passes in an index that knows only 路灯.
- *Does the passage match enough of it?* Its BM25 in one field (its text, or its article's question) must
  reach ``FLOOR_SHARE`` of the query's information (the IDF of the query's words the index knows), capped at
  ``FLOOR_CAP_WORDS`` words of the highest IDF: a short query must be mostly matched, a long one by about one
  rare word.

Every weight is computed at build time into sparse matrices; a query slices the columns of its terms and adds
them up (``_accumulate``): a few milliseconds at 30,000 passages. The figures that chose the constants are
in docs/llm-and-knowledge.md (tuned on the operator set's tune split and on own-reply samples with seeds
other than the reported one).
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from knowledge.passages import Passage
from knowledge.terms import fold, general_information, is_courtesy, rare_word_information, search_terms
from triage.normalise import CALLER, prepare

# The question field's weight against the passage's own text in the word channel (BM25F). Low, because the
# character channel already gives the question half of an article's score; here the passage's own words
# decide between the passages of one article.
EXTRA_WEIGHT = 0.15
WORD_WEIGHT = 0.5  # the word channel's share in the fusion, the character channel counting 1
# The operator's turns of a call against the caller's. The read-back and the department named say as much as
# the caller's words: on the operator set's tune split, calls' precision@3 was 0.54 at 0.5 and 0.58 at 1.
CONTEXT_WEIGHT = 1.0
# Of a query and of its context, this many characters are read: a longer message or call repeats itself, and
# the time a search takes grows with its length (at 100,000 articles, 4,000 characters took 280 ms).
QUERY_CHARS = 800
QUERY_SATURATION = 1.2  # a query term said twice counts more than once, but not twice as much (BM25's k3)
# A reply shorter than this (without spaces) is weighted down by the square root of its share of it. On the
# operator set's tune split none of 70 judged replies under 40 characters was relevant and 6 % of those of
# 40-80, against about 20 % of the longer ones; the same 80 characters mark a form letter in
# bench/bench_knowledge.py.
INFORMATIVE_REPLY_CHARS = 80
# The floor (see the module's docstring). A word is the knowledge base's own as far as the index uses it more
# often than general Chinese does: fully from DOMAIN_RATIO times as often. A query is answered only when at
# least DOMAIN_SHARE of what it says is said in such words, or as much as DOMAIN_WORDS rare words (a long
# message), and a passage shown only when its BM25 in one field reaches FLOOR_SHARE of the query's information
# (the IDF of its words the index knows), that capped at FLOOR_CAP_WORDS words of the highest IDF.
COMMON_PAIR_SHARE = 0.1  # see SearchIndex.build
COMMON_WORD_SHARE = 0.1
COMMON_LEAST = 100  # a term of fewer passages or articles than this is never common (a small index)
DOMAIN_RATIO = 10.0
DOMAIN_SHARE = 0.3
DOMAIN_WORDS = 3.0
FLOOR_SHARE = 0.6
FLOOR_CAP_WORDS = 1.75
# The topics (see SearchIndex.build): the best TOPIC_DEPTH articles of the lexical score are re-ranked by
# their score (divided by the best) plus TOPIC_WEIGHT times the cosine of the query's and the article's topic
# vectors, TOPIC_DIMENSIONS of them, from the TOPIC_VOCABULARY pairs most articles have, the model fitted on
# at most TOPIC_FIT_ARTICLES of the articles (a sample: the fit's time and memory do not grow with the index).
TOPIC_DIMENSIONS = 200
TOPIC_VOCABULARY = 30_000
TOPIC_FIT_ARTICLES = 20_000
TOPIC_DEPTH = 10
TOPIC_WEIGHT = 2.0

_RUN = re.compile(r"[\u4e00-\u9fffa-z0-9]+")
_INDEX_DTYPE = np.int32


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


def reply_weight(reply: str) -> float:
    """How much a past case counts by how much its reply says: 1 from INFORMATIVE_REPLY_CHARS characters
    on, less for a shorter one ("留言已收悉" weighs about 0.2)."""
    length = len(re.sub(r"\s", "", reply))
    return min(1.0, length / INFORMATIVE_REPLY_CHARS) ** 0.5 if length else 1.0


def call_parts(text: str) -> tuple[str, str]:
    """A call transcript's caller turns and operator turns (``坐席：`` / ``市民：`` lines); any other text is
    all caller. The operator's script says little of the appeal, but the operator's read-back and the
    department named are worth half the caller's words (``CONTEXT_WEIGHT``)."""
    prepared = prepare(text)
    if not prepared.turns:
        return prepared.text, ""
    operator = "\n".join(turn.text for turn in prepared.turns if turn.speaker != CALLER)
    return prepared.caller_text, operator


def char_pairs(text: str) -> list[str]:
    """The character pairs of a text (repeats kept): within runs of Chinese characters, latin letters and
    digits, folded to half width and lower case; punctuation and spaces break a run."""
    pairs: list[str] = []
    for run in _RUN.findall(fold(text, lower=True)):
        pairs.extend(run[i : i + 2] for i in range(len(run) - 1))
    return pairs


def _counts(texts: Iterable[str], vocabulary: dict[str, int], analyse: object) -> sp.csr_matrix:
    """A text × term matrix of term counts; new terms are added to the vocabulary."""
    indptr, indices, data = [0], [], []
    for text in texts:
        counts = Counter(analyse(text))  # type: ignore[operator]
        for term, count in counts.items():
            indices.append(vocabulary.setdefault(term, len(vocabulary)))
            data.append(count)
        indptr.append(len(indices))
    return sp.csr_matrix(
        (np.array(data, dtype=np.float64), np.array(indices, dtype=np.int64), np.array(indptr, dtype=np.int64)),
        shape=(len(indptr) - 1, len(vocabulary) or 1),
    )


def _average_length(counts: sp.csr_matrix) -> float:
    lengths = np.asarray(counts.sum(axis=1)).ravel()
    nonempty = lengths[lengths > 0]
    return float(nonempty.mean()) if len(nonempty) else 1.0


def _length_normalised(counts: sp.csr_matrix, b: float, average: float | None = None) -> sp.csr_matrix:
    """Term counts divided by BM25's length factor 1 - b + b * length / average length (by default the
    average of these rows)."""
    lengths = np.asarray(counts.sum(axis=1)).ravel()
    average = _average_length(counts) if average is None else average
    return sp.diags(1.0 / np.maximum(1.0 - b + b * lengths / average, 1e-3)) @ counts


def _unit_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Each row divided by its Euclidean length (empty rows stay empty)."""
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    return (sp.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ matrix).tocsr()


def _by_term(matrix: sp.spmatrix) -> sp.csc_matrix:
    """The matrix as float32 CSC with 32-bit indices: a query reads whole columns, and the index is half
    the size of float64/int64."""
    csc = sp.csc_matrix(matrix, dtype=np.float32)
    csc.sum_duplicates()
    csc.eliminate_zeros()
    csc.indices = csc.indices.astype(_INDEX_DTYPE)
    csc.indptr = csc.indptr.astype(np.int64)
    return csc


def _accumulate(matrix: sp.csc_matrix, columns: np.ndarray, weights: np.ndarray, rows: int) -> np.ndarray:
    """matrix[:, columns] @ weights, by adding up the columns' entries (faster than slicing a CSC matrix)."""
    if not len(columns):
        return np.zeros(rows, dtype=np.float64)
    starts, ends = matrix.indptr[columns], matrix.indptr[columns + 1]
    lengths = ends - starts
    if not lengths.sum():
        return np.zeros(rows, dtype=np.float64)
    positions = np.repeat(ends - lengths.cumsum(), lengths) + np.arange(lengths.sum())
    values = matrix.data[positions] * np.repeat(weights, lengths)
    return np.bincount(matrix.indices[positions], weights=values, minlength=rows)


class _RowColumns:
    """The column numbers of each row of a sparse matrix, without the values: which words a passage has."""

    def __init__(self, indptr: np.ndarray, indices: np.ndarray) -> None:
        self._indptr, self._indices = indptr, indices

    def __getitem__(self, row: int) -> list[int]:
        return self._indices[self._indptr[row] : self._indptr[row + 1]].tolist()


def _row_columns(matrix: sp.csc_matrix) -> _RowColumns:
    rows = matrix.tocsr()
    return _RowColumns(rows.indptr, rows.indices.astype(_INDEX_DTYPE))


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


def _domain_weights(words: Sequence[str], uses: np.ndarray) -> np.ndarray:
    """Per word, how much it is the knowledge base's own: the log of how many times more often the index uses
    it than general Chinese does (``general_share``), over log DOMAIN_RATIO, within [0, 1]. On the past cases
    路灯 (47 times), 物业 and 噪音 count 1, 孩子 (2.3 times) 0.36, 笑话 (0.8), 股票 and 法国 0. A courtesy
    (``knowledge.terms.is_courtesy``: 辛苦, 新年快乐) counts 0 whatever its use."""
    if not len(words):
        return np.zeros(0)
    here = uses / max(float(uses.sum()), 1.0)
    general = np.exp(-np.fromiter((general_information(w) for w in words), dtype=np.float64, count=len(words)))
    ratio = np.maximum(here / general, 1e-12)
    courtesy = np.fromiter((is_courtesy(w) for w in words), dtype=bool, count=len(words))
    return np.where(courtesy, 0.0, np.clip(np.log(ratio) / math.log(DOMAIN_RATIO), 0.0, 1.0))


def _saturated(count: float) -> float:
    return count * (QUERY_SATURATION + 1.0) / (count + QUERY_SATURATION)


@dataclass(frozen=True)
class _Topics:
    """A latent semantic model of the articles' character pairs: what an article is about, apart from the
    place it names. ``rows``: per pair column, its row in ``components`` (-1: not in the model's vocabulary);
    ``components``: vocabulary × dimensions; ``texts`` and ``questions``: per article, the topic vector (of
    unit length; zeros for a missing question) of its text and of its question. All half precision: enough
    for a cosine, and half the size."""

    rows: np.ndarray
    components: np.ndarray
    texts: np.ndarray
    questions: np.ndarray

    def of_pairs(self, columns: np.ndarray, weights: np.ndarray) -> np.ndarray | None:
        """The topic vector (unit length) of a pair vector; None when none of its pairs is in the model."""
        rows = self.rows[columns] if len(columns) else np.zeros(0, dtype=_INDEX_DTYPE)
        kept = rows >= 0
        if not kept.any():
            return None
        vector = weights[kept].astype(np.float32) @ self.components[rows[kept]].astype(np.float32)
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm > 0 else None

    def cosines(self, articles: np.ndarray, topic: np.ndarray) -> np.ndarray:
        """Per article, the mean of the cosines of the query's topic and its fields' (its text, and its
        question if it has one), as the character channel averages its fields: a policy without a question
        or a case stored without its message is not set back."""
        questions = self.questions[articles].astype(np.float32)
        has_question = np.abs(questions).sum(axis=1) > 0
        text = self.texts[articles].astype(np.float32) @ topic
        return (text + questions @ topic) / (1.0 + has_question)


def _topics(
    question_counts: sp.csr_matrix, text_counts: sp.csr_matrix, pair_idf: np.ndarray, pair_df: np.ndarray
) -> _Topics | None:
    """LSA (a truncated SVD) over the articles' pair TF-IDF, question and text together: the dimensions are the
    pairs that come together across articles (路灯, 不亮, 维修), so two cases of one problem in different places
    are close and two cases of one estate about different problems are not. Fitted on a fixed sample of at
    most TOPIC_FIT_ARTICLES articles over the TOPIC_VOCABULARY pairs most articles have (two or more); each
    article's text and question are then placed in it apart."""
    from sklearn.decomposition import TruncatedSVD

    articles = question_counts.shape[0]
    candidates = np.flatnonzero(pair_df >= 2)
    vocabulary = candidates[np.argsort(-pair_df[candidates], kind="stable")[:TOPIC_VOCABULARY]]
    dimensions = min(TOPIC_DIMENSIONS, articles - 1, len(vocabulary) - 1)
    if dimensions < 2:
        return None
    vocabulary.sort()
    idf = pair_idf[vocabulary]

    def weighted(counts: sp.csr_matrix) -> sp.csr_matrix:
        chosen = counts[:, vocabulary].tocsr()
        chosen.sum_duplicates()
        chosen.eliminate_zeros()
        chosen.data = (1.0 + np.log(chosen.data)) * idf[chosen.indices]
        return _unit_rows(chosen)

    both = weighted((question_counts + text_counts).tocsr())
    if articles > TOPIC_FIT_ARTICLES:
        both = both[np.sort(np.random.default_rng(0).choice(articles, TOPIC_FIT_ARTICLES, replace=False))]
    model = TruncatedSVD(dimensions, algorithm="randomized", n_iter=5, random_state=0).fit(both)
    components = np.ascontiguousarray(model.components_.T, dtype=np.float32)  # vocabulary × dimensions

    def placed(counts: sp.csr_matrix) -> np.ndarray:
        vectors = np.asarray(weighted(counts) @ components, dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return (vectors / np.where(norms > 0, norms, 1.0)).astype(np.float16)

    rows = np.full(len(pair_df), -1, dtype=_INDEX_DTYPE)
    rows[vocabulary] = np.arange(len(vocabulary), dtype=_INDEX_DTYPE)
    return _Topics(
        rows=rows,
        components=components.astype(np.float16),
        texts=placed(text_counts),
        questions=placed(question_counts),
    )


@dataclass(frozen=True)
class _Query:
    """A query prepared for one index: its word and pair columns with their weights, and its floor."""

    word_columns: np.ndarray
    word_weights: np.ndarray
    words: tuple[str, ...]  # the known query words, for ``Hit.matched``
    pair_columns: np.ndarray
    pair_weights: np.ndarray
    floor: float  # the word score a passage needs to be shown
    topic: np.ndarray | None  # the query's topic vector, of unit length (None: no topics, or no pair known)


class SearchIndex:
    """An immutable index of passages; build it with ``SearchIndex.build``. Safe to share between threads,
    and picklable."""

    def __init__(
        self,
        passages: Sequence[Passage],
        *,
        article_of: np.ndarray,
        article_weight: np.ndarray,
        words: dict[str, int],
        own_words: sp.csc_matrix,
        question_words: sp.csc_matrix,
        extra_weight: float,
        word_idf: np.ndarray,
        word_domain: np.ndarray,
        word_uses: float,
        k1: float,
        pairs: dict[str, int],
        pair_idf: np.ndarray,
        article_pairs: sp.csc_matrix,
        topics: _Topics | None = None,
    ) -> None:
        self._passages = tuple(passages)
        self._article_of = article_of  # passage index → article number
        self._article_weight = article_weight  # per article number, in (0, 1]
        self._articles = len(article_weight)
        self._words = words
        self._own_words = own_words  # passages × words: BM25 weights of the passage's own text, CSC
        self._question_words = question_words  # articles × words: the same of the question
        self._extra_weight = extra_weight
        # Which words each passage and each question has (for ``Hit.matched``): the rows' columns only.
        self._own_rows = _row_columns(own_words)
        self._question_rows = _row_columns(question_words)
        self._word_idf = word_idf
        self._word_domain = word_domain  # per word, in [0, 1]: how much it is the knowledge base's own
        self._word_uses = word_uses  # how many words the index holds, repeats counted
        self._k1 = k1
        self._pairs = pairs
        self._pair_idf = pair_idf
        # articles × pairs, CSC: the mean of the unit TF-IDF vectors of the article's fields (its passages
        # together, and its question if it has one), so that one product gives the mean of the cosines.
        self._article_pairs = article_pairs
        self._topics = topics
        # Per article, the number of fields it has (text, and question if any): the average's divisor.

    @classmethod
    def build(
        cls,
        passages: Sequence[Passage],
        *,
        extra_text: Mapping[str, str] | None = None,
        article_weight: Mapping[str, float] | None = None,
        k1: float = 1.5,
        b: float = 0.75,
        extra_weight: float = EXTRA_WEIGHT,
    ) -> SearchIndex:
        """Index the passages. ``extra_text``: per article key, more searchable text that is not a passage
        (the article's title and question), shared by each of the article's passages. ``article_weight``:
        per article key, a factor in (0, 1] on its passages' scores (``reply_weight`` for past cases)."""
        keys = [p.key for p in passages]
        if len(set(keys)) != len(keys):
            duplicate = next(k for k, n in Counter(keys).items() if n > 1)
            raise ValueError(f"passage keys must be unique; {duplicate!r} is repeated")
        numbers: dict[str, int] = {}
        article_of = np.array([numbers.setdefault(p.article_key, len(numbers)) for p in passages], dtype=np.int64)
        articles = sorted(numbers, key=numbers.__getitem__)
        extra = extra_text or {}
        questions = [extra.get(a, "") for a in articles]
        given = article_weight or {}
        weights = np.array([min(1.0, max(given.get(a, 1.0), 1e-3)) for a in articles], dtype=np.float64)
        spread = sp.csr_matrix(
            (np.ones(len(passages)), article_of, np.arange(len(passages) + 1)), shape=(len(passages), len(articles))
        )

        # Words: BM25 of each field (the passage's own text; the article's question), the IDF over passages
        # with the question counting as part of each of its article's passages.
        words: dict[str, int] = {}
        own = _counts((p.text for p in passages), words, search_terms)
        shared = _counts(questions, words, search_terms)
        word_count = max(len(words), 1)
        own.resize((own.shape[0], word_count))
        shared.resize((shared.shape[0], word_count))
        anywhere = (own + spread @ shared).tocsr()
        anywhere.sum_duplicates()
        anywhere.eliminate_zeros()
        df = np.bincount(anywhere.indices, minlength=word_count)
        word_idf = np.log(1.0 + (len(passages) - df + 0.5) / (df + 0.5))
        # The words' uses here (the passages, each question once) against their share of general Chinese.
        uses = np.asarray(own.sum(axis=0)).ravel() + np.asarray(shared.sum(axis=0)).ravel()
        word_domain = _domain_weights(sorted(words, key=words.__getitem__), uses[: len(words)])

        # Both fields' lengths are compared with the average passage: a title or a short FAQ question
        # matched is strong evidence, a word somewhere in a long message weak (the floor relies on it).
        average = _average_length(own)

        # A word in more than COMMON_WORD_SHARE of the passages (问题, 小区) is scored at IDF 0: it decides
        # little and would be most of what a long query adds up. It still tells the floor the question is the
        # knowledge base's subject.
        word_idf = np.where(df > max(COMMON_WORD_SHARE * len(passages), COMMON_LEAST), 0.0, word_idf)

        def bm25(counts: sp.csr_matrix) -> sp.csr_matrix:
            weighted = _length_normalised(counts, b, average).tocsr()
            weighted.sum_duplicates()
            weighted.eliminate_zeros()
            tf = weighted.data
            weighted.data = word_idf[weighted.indices] * tf * (k1 + 1.0) / (tf + k1)
            weighted.eliminate_zeros()
            return weighted

        # Character pairs, per article: TF-IDF with sublinear counts and the IDF over articles (a pair counts
        # for an article when its question or any passage has it), each field's vector of unit length.
        pairs: dict[str, int] = {}
        question_counts = _counts(questions, pairs, char_pairs)
        text_counts = spread.T @ _counts((p.text for p in passages), pairs, char_pairs)
        pair_count = max(len(pairs), 1)
        question_counts.resize((question_counts.shape[0], pair_count))
        text_counts = sp.csr_matrix(text_counts)
        text_counts.resize((text_counts.shape[0], pair_count))
        present = (question_counts + text_counts).tocsr()
        present.sum_duplicates()
        present.eliminate_zeros()
        pair_df = np.bincount(present.indices, minlength=pair_count)
        pair_idf = np.log((1.0 + len(articles)) / (1.0 + pair_df)) + 1.0

        fields = 1.0 + (np.diff(question_counts.tocsr().indptr) > 0)  # the text, and the question if any
        # A pair in more than COMMON_PAIR_SHARE of the articles (您好, 反映, 小区) adds little to any cosine but
        # most of the entries a query would add up: it counts in each vector's length, and is then left out.
        common = pair_df > max(COMMON_PAIR_SHARE * len(articles), COMMON_LEAST)

        def tfidf(counts: sp.csr_matrix) -> sp.csr_matrix:
            counts = counts.tocsr(copy=True)
            counts.sum_duplicates()
            counts.eliminate_zeros()
            counts.data = (1.0 + np.log(counts.data)) * pair_idf[counts.indices]
            unit = _unit_rows(counts)
            unit.data[common[unit.indices]] = 0.0
            unit.eliminate_zeros()
            return unit

        return cls(
            passages,
            article_of=article_of,
            article_weight=weights,
            words=words,
            own_words=_by_term(bm25(own)),
            question_words=_by_term(bm25(shared)),
            extra_weight=extra_weight,
            word_idf=word_idf.astype(np.float32),
            word_domain=word_domain.astype(np.float32),
            word_uses=float(uses.sum()),
            k1=k1,
            pairs=pairs,
            pair_idf=pair_idf.astype(np.float32),
            article_pairs=_by_term(sp.diags(1.0 / fields) @ (tfidf(question_counts) + tfidf(text_counts))),
            topics=_topics(question_counts, text_counts, pair_idf, pair_df) if TOPIC_WEIGHT > 0 else None,
        )

    def __len__(self) -> int:
        return len(self._passages)

    @property
    def term_count(self) -> int:
        """The words and the character pairs the index knows."""
        return len(self._words) + len(self._pairs)

    def query_terms(self, query: str, context: str = "") -> dict[str, float]:
        """The query's words that the index knows, with their weights (repeats count, with saturation; the
        context's words at CONTEXT_WEIGHT)."""
        prepared = self._prepare(query, context)
        return dict(zip(prepared.words, prepared.word_weights.tolist(), strict=True)) if prepared else {}

    def _prepare(self, query: str, context: str) -> _Query | None:
        """The query's columns and weights in both channels, and its floor; None when it has no words."""
        parts = [
            (text[:QUERY_CHARS], share) for text, share in ((query, 1.0), (context, CONTEXT_WEIGHT)) if text.strip()
        ]
        said: dict[str, float] = {}  # every term of the query, known to the index or not
        for text, share in parts:
            for term, count in Counter(search_terms(text)).items():
                said[term] = said.get(term, 0.0) + share * _saturated(count)
        word_weights = {term: weight for term, weight in said.items() if term in self._words}
        if not word_weights:
            return None
        word_columns = np.fromiter((self._words[t] for t in word_weights), dtype=np.int64, count=len(word_weights))
        weights = np.fromiter(word_weights.values(), dtype=np.float64, count=len(word_weights))
        domain = self._word_domain[word_columns].astype(np.float64)
        # Is the question the knowledge base's subject at all? The share of what it says (each term's
        # information in general Chinese) that is said in the knowledge base's own words.
        general = {term: general_information(term) for term in said}
        in_domain = sum(general[t] * word_weights[t] * float(d) for t, d in zip(word_weights, domain, strict=True))
        said_all = sum(
            general[t] * weight * (1.0 if t in word_weights else self._would_know(general[t]))
            for t, weight in said.items()
        )
        on_subject = in_domain >= DOMAIN_SHARE * said_all
        if in_domain <= 0.0 or not (on_subject or in_domain >= DOMAIN_WORDS * rare_word_information()):
            floor = math.inf  # words the knowledge base has only in passing, or not at all: an unrelated question
        else:
            # The passage must match enough of the query's information (IDF) in one field.
            highest_idf = math.log(1.0 + (len(self._passages) - 0.5) / 1.5)  # a word of one passage only
            information = float(weights @ self._word_idf[word_columns])
            floor = FLOOR_SHARE * min(information, FLOOR_CAP_WORDS * highest_idf)

        # The pair vector: each part's TF-IDF vector of unit length, weighted by its share, then all of unit
        # length (a cosine).
        pair_vector: dict[int, float] = {}
        for text, share in parts:
            counts = Counter(self._pairs[p] for p in char_pairs(text) if p in self._pairs)
            if not counts:
                continue
            columns = np.fromiter(counts, dtype=np.int64, count=len(counts))
            values = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64))) * self._pair_idf[columns]
            values *= share / np.linalg.norm(values)
            for column, value in zip(columns.tolist(), values.tolist(), strict=True):
                pair_vector[column] = pair_vector.get(column, 0.0) + value
        pair_weights = np.fromiter(pair_vector.values(), dtype=np.float64, count=len(pair_vector))
        if len(pair_weights):
            pair_weights /= np.linalg.norm(pair_weights)
        pair_columns = np.fromiter(pair_vector, dtype=np.int64, count=len(pair_vector))
        topics = self._topics
        return _Query(
            word_columns=word_columns,
            word_weights=weights,
            words=tuple(word_weights),
            pair_columns=pair_columns,
            pair_weights=pair_weights,
            floor=floor,
            topic=topics.of_pairs(pair_columns, pair_weights) if topics is not None else None,
        )

    def _would_know(self, information: float) -> float:
        """How surely this index would know a word of this general information had it been one of its own:
        one its words used as often as DOMAIN_RATIO times its share of general Chinese would be used about
        ``uses × DOMAIN_RATIO × share`` times. A word an index of past cases lacks (李白, 首都) says the question
        is off its subject; one that an index of six policies lacks (楼下, 扰民) says nothing."""
        return 1.0 - math.exp(-self._word_uses * DOMAIN_RATIO * math.exp(-information))

    def word_scores(self, query: str, context: str = "") -> np.ndarray:
        """The word channel alone, with no floor: every passage's BM25 of its own text plus ``extra_weight``
        times its article's question's (zeros if no word matches)."""
        prepared = self._prepare(query, context) if self._passages else None
        if prepared is None:
            return np.zeros(len(self._passages))
        own, question = self._word_fields(prepared)
        return own + self._extra_weight * question[self._article_of]

    def _word_fields(self, query: _Query) -> tuple[np.ndarray, np.ndarray]:
        """The query's BM25 of every passage's own text, and of every article's question."""
        own = _accumulate(self._own_words, query.word_columns, query.word_weights, len(self._passages))
        question = _accumulate(self._question_words, query.word_columns, query.word_weights, self._articles)
        return own, question

    def scores(self, query: str, context: str = "") -> np.ndarray:
        """The score of every passage: the channels fused and weighted, zero under the floor."""
        prepared = self._prepare(query, context) if self._passages else None
        if prepared is None:
            return np.zeros(len(self._passages))
        return self._scores_for(prepared)

    def search(
        self, query: str, *, limit: int = 5, per_article: int = 1, context: str = "", floor: bool = True
    ) -> list[Hit]:
        """The best passages for the query, best first, at most ``per_article`` of any one article, and only
        those above the floor: an unrelated query finds nothing. ``context``: more text of the same appeal
        that counts less (the operator's turns of a call, see ``call_parts``). ``floor=False`` shows what the
        floor holds back (benchmarks)."""
        if limit < 1 or per_article < 1 or not self._passages:
            return []
        prepared = self._prepare(query, context)
        if prepared is None:
            return []
        scores = self._scores_for(prepared, floor=floor)
        return [self._hit(index, float(scores[index]), prepared) for index in self._top(scores, limit, per_article)]

    def _scores_for(self, query: _Query, *, floor: bool = True) -> np.ndarray:
        scores = np.zeros(len(self._passages))
        if floor and math.isinf(query.floor):
            return scores
        own, question_words = self._word_fields(query)
        question_here = question_words[self._article_of]
        # The floor asks enough of the query of one field (the passage, or its article's question).
        shown = np.flatnonzero(np.maximum(own, question_here) >= (query.floor if floor else 1e-9))
        if not len(shown):
            return scores
        words = own + self._extra_weight * question_here
        pairs = _accumulate(self._article_pairs, query.pair_columns, query.pair_weights, self._articles)
        # Each channel divided by its best score for this query, so that neither dominates by its scale; the
        # fused score is only worked out for the passages above the floor.
        article = self._article_of[shown]
        scores[shown] = (
            pairs[article] / max(pairs.max(), 1e-12) + (WORD_WEIGHT / max(words.max(), 1e-12)) * words[shown]
        ) * self._article_weight[article]
        if query.topic is not None:
            self._rerank_by_topic(scores, shown, article, query.topic)
        return scores

    def _rerank_by_topic(self, scores: np.ndarray, shown: np.ndarray, article: np.ndarray, topic: np.ndarray) -> None:
        """The best TOPIC_DEPTH articles re-ranked by their score over the best one's plus TOPIC_WEIGHT times
        the cosine of their topics and the query's; each gets TOPIC_WEIGHT × (cosine + 1) × the best score
        more, so that they stay above the articles not re-ranked and every score stays positive."""
        leaders = self._top(scores, TOPIC_DEPTH, 1)
        if len(leaders) < 2:
            return
        best = scores[leaders[0]]
        chosen = self._article_of[leaders]
        cosine = self._topics.cosines(chosen, topic)  # type: ignore[union-attr]
        bonus = np.zeros(self._articles)
        bonus[chosen] = TOPIC_WEIGHT * best * (np.clip(cosine, -1.0, 1.0) + 1.0)
        scores[shown] += bonus[article]

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

    def _hit(self, index: int, score: float, query: _Query) -> Hit:
        passage = self._passages[index]
        article = int(self._article_of[index])
        present = {*self._own_rows[index], *self._question_rows[article]}
        matched = tuple(t for t in query.words if self._words[t] in present)  # in the query's order
        return Hit(
            key=passage.key,
            article_key=passage.article_key,
            score=score,
            text=passage.text,
            highlighted=highlight(passage.text, matched),
            matched=matched,
        )


# --- the knowledge base's index and an appeal's query, as the app builds them -------------------------------


@dataclass(frozen=True)
class IndexedArticle:
    """What the index reads of an article besides its passages: its title and question (the shared field),
    and for a past case (``kind`` "reply") its reply, whose length weighs the case (``reply_weight``)."""

    key: str
    kind: str = "policy"
    title: str = ""
    question: str = ""
    body: str = ""


def build_knowledge_index(articles: Iterable[IndexedArticle], passages: Sequence[Passage]) -> SearchIndex:
    """The knowledge base's index: the one function the app (``knowledge.index``) and the benchmarks use, so
    that what is measured is what operators search."""
    extra: dict[str, str] = {}
    weights: dict[str, float] = {}
    for article in articles:
        extra[article.key] = extra_text_of(article.title, article.question)
        if article.kind == "reply":
            weights[article.key] = reply_weight(article.body)
    return SearchIndex.build(passages, extra_text=extra, article_weight=weights)


def appeal_query(*, title: str, appeal: str, caller_text: str = "") -> tuple[str, str]:
    """What the knowledge base is asked for an appeal: the title and the caller's words at full weight, and
    for a call the operator's turns as context (``CONTEXT_WEIGHT``): the read-back and the department named
    help, the script does not mislead at that weight. ``caller_text``: the caller's words as triage read them
    (masked), else taken from the appeal."""
    caller, operator = call_parts(appeal)
    caller = caller_text or caller
    return "\n".join(part for part in (title, caller) if part), operator
