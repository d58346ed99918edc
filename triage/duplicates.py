"""Related and duplicate reports: the open orders about the same event as a new one, with a score.

Different citizens report the same local problem (a mixing plant's noise next to one compound, bundled
parking-space sales at one development, a blocked road); the operator should see the open orders about it
and merge. A candidate is scored 0–1 against the new report::

    z     = BIAS + W_TEXT * text + gate * (W_NAMES * names + W_TIME * recency + area) + penalty
    score = 1 / (1 + exp(-z)),        gate = min(1, text / TEXT_GATE)

``text`` (what happened)
    Cosine similarity of the two texts as TF-IDF vectors over character bigrams (plus latin/digit tokens
    such as ``a2`` or ``58``), leaving out each text's place names, which ``names`` scores. Bigrams need no
    word list, so words a segmenter has never seen (伊景园, 58车贷) still count. Weights are sublinear term
    frequency times IDF *squared*: a bigram found in 1 message in 1,000 weighs several times one found in 1
    in 10, so distinctive words (搅拌站, 捆绑, 车贷) dominate and generic ones (噪音, 物业, 投诉) barely move
    the score. The IDF comes from ``data/duplicates_df.tsv`` (messages of the public data set).
``names`` (where, from the texts)
    The place names in each text: the distinctive bigrams in front of a place suffix, sites (…小区, …新城,
    …苑, …公司, …学院) apart from areas (…路, …街道, …社区). When both texts name a site the sites decide,
    else any names do: ``names`` is the share of the shorter list found in the other (0–1).
``recency``
    ``exp(-days apart / 14)``: reports of one event cluster in time.
``area`` (where, from the gazetteer)
    Same community +1.5, same street +0.8, same district or unknown 0.
``penalty``
    OTHER_PLACE when both texts name places and share none (the same complaint at another compound);
    OTHER_DISTRICT when the gazetteer puts the two in different districts or, where it does not know both,
    their texts name different districts (A2区/A5区, 海淀区/朝阳区).

Agreeing places and closeness in time only count as far as the texts agree on what happened (``gate``):
two reports from one compound on one morning, one about cracked walls and one about a noisy restaurant,
are two events. A candidate with no evidence at all scores 0.12.

An emergency and a report that is not one (``Report.emergency``) are never the same event on shared places
alone: for such a pair the gate is closed (places and time do not count), and unless the texts agree well on what
happened (``text`` at least MIXED_URGENCY_TEXT, about the median of the labelled same-event pairs) the score stays
below DUPLICATE_THRESHOLD (MIXED_URGENCY_CAP), so the pair is shown as related, not as the same event: the bigrams
of a district or road name (龙湖区幸福路) still count a little in ``text``. An elevator complaint and a gas leak on
one road scored 0.98 before this rule. The labelled pairs carry no urgency, so the bench figures do not move.

W_TEXT and W_NAMES were fitted by logistic regression on one half of the hand-labelled pairs in bench/data/
(the other half kept for reporting) and rounded; the rest were set by hand (``bench.bench_duplicates.fit``
says why), the area terms because the labelled messages carry no gazetteer areas. The thresholds were
chosen on the same half. ``python -m bench.bench_duplicates`` reports precision and recall.

Which open orders are scored at all is decided by ``index_keys``: an order's rare terms (bigrams in fewer than about
1 message in 700) go into an inverted index when it is analysed, and a new report is scored only against the few
hundred orders that share the most of its own rare terms (``hotline.selectors.related_candidates``). On the
labelled pairs no related pair is lost that way (``python -m bench.bench_duplicates`` reports both).

Candidates outside the time window are never returned. A candidate from the same caller is scored like any
other but flagged ``same_caller``: a caller writing again is a repeat, not a new witness.

Pure code: no Django; the caller passes the open orders (or builds a ``DuplicateIndex`` once and reuses it).
"""

from __future__ import annotations

import math
import re
import threading
import zlib
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

import numpy as np
from scipy import sparse

from triage.tokenize import default_tokenizer

DATA = Path(__file__).resolve().parent / "data"

DUPLICATE_THRESHOLD = 0.55  # chosen on the tuning half of the labelled pairs (bench/bench_duplicates.py)
RELATED_THRESHOLD = 0.3  # shown to the operator as related: catches ~95 % of the labelled same-event pairs

# The score's weights (see the module docstring). W_TEXT and W_NAMES are fitted on the tuning half of the
# labelled pairs (`python -m bench.bench_duplicates --fit`, which says why the rest are set by hand).
BIAS = -2.0  # a candidate with no evidence at all scores 0.12, below the related line
W_TEXT = 11.3
W_NAMES = 2.8
W_TIME = 1.0
AREA_SAME_COMMUNITY = 1.5
AREA_SAME_STREET = 0.8
OTHER_PLACE = -2.7  # both texts name a place, none the same
OTHER_DISTRICT = -4.0  # the gazetteer, or failing it the texts, put the two in different districts
RECENCY_DAYS = 14.0
TEXT_GATE = 0.1  # text similarity from which agreeing places and closeness in time count in full
# An emergency and a non-emergency: the same event only when the texts agree at least this well (the median text
# similarity of the labelled same-event pairs is 0.33); below it the score is held under DUPLICATE_THRESHOLD.
MIXED_URGENCY_TEXT = 0.3
MIXED_URGENCY_CAP = 0.5

DISTINCTIVE_IDF = 6.5  # a bigram in fewer than ~1 in 250 messages: names, rarely generic words
DISPLAY_IDF = 5.5  # a word shown to the operator has a bigram in fewer than ~1 in 100 messages
UNSEEN_DF = 3  # terms missing from the table (it lists terms in at least 10 messages) count as this rare
_SHARED_TERMS = 6
_CACHE_SIZE = 50_000

_MASK = re.compile(r"\[[A-Z_]+\]|\*{2,}")  # privacy placeholders ([MOBILE]) and the data set's *** masks
_HAN = re.compile(r"[\u4e00-\u9fff]+")
_ALNUM = re.compile(r"[A-Za-z0-9]+")
# Names end in a place suffix. A site (a compound, a school, a company, a village) pins an event down; an
# area (a street office, a road, a community) only narrows it: two compounds on one road are two places.
_SITE_SUFFIXES = tuple(
    "小区 新城 之城 花园 家园 公寓 大厦 广场 山庄 公馆 华府 华庭 雅苑 苑 园 村 大桥 隧道 学院 大学 中学 小学 幼儿园 "  # noqa: SIM905
    "学校 医院 公司 集团 市场 公园 酒店 驾校 车站 地铁站 楼盘".split()
)
_AREA_SUFFIXES = frozenset("街道 社区 镇 乡 东路 西路 南路 北路 中路 路 大道 街 巷".split())  # noqa: SIM905
_SUFFIXES = "|".join(sorted([*_SITE_SUFFIXES, *_AREA_SUFFIXES], key=len, reverse=True))
# A suffix followed by one of these chars starts another word (城市, 城管, 园区, 园林 …), not a name's end.
_PLACE_SUFFIX = re.compile(f"(?:{_SUFFIXES})(?![市管区际建林艺])")
_NAME_WIDTH = 4  # how many characters before a suffix can belong to the name
# A name does not run back over a function word: "投诉在森宇家园" gives 森宇, not 在森宇. (和 is not one:
# 美和园, 和平路.)
_NAME_STOPS = frozenset("的了在是我你他她它这那说都就也还又被把从到给向往将让使要想请没很更最该其此每某些着过与及或")
# District mentions: the data set's pseudonymised codes (A2区, A7县) anywhere; real names after 市/省, a
# clause start or a lead-in (北京市海淀区, 反映朝阳区, 位于海淀区, 住在…), never the generic 小区/社区/园区 ….
_DISTRICT = re.compile(
    r"[A-Z]\d{1,2}[区县]|(?:(?<=[市省在于映诉报住是至从到])|(?<![\u4e00-\u9fff]))[\u4e00-\u9fff]{2,3}?[区县]"
)
_NOT_DISTRICT = tuple(
    "小区 社区 园区 校区 景区 片区 辖区 城区 街区 厂区 市区 郊区 山区 新区 老区 矿区 湾区 禁区 居民区 住宅区 商业区 "  # noqa: SIM905
    "生活区 办公区 开发区 示范区 功能区 停车区".split()
)
_TRIM_HEAD = frozenset("市区县省的在与是了诉我对把被")
_STOP_TABLE = np.zeros(0x10000, dtype=bool)  # _NAME_STOPS by code point, for batches
_STOP_TABLE[[ord(c) for c in _NAME_STOPS]] = True


@dataclass(frozen=True)
class Report:
    """An order as duplicate detection sees it."""

    id: int
    text: str  # title + appeal, normalised (may contain placeholders like [MOBILE])
    received_at: datetime  # aware
    area_ids: tuple[int, ...] = ()  # gazetteer path of its place, root first (city, district, street, community)
    caller: str = ""  # a caller key (phone or user id); the same caller again is a repeat, not a new witness
    emergency: bool = False  # a life or safety at risk now: places alone never make it one event with another


@dataclass(frozen=True)
class Match:
    id: int
    score: float  # 0–1; >= DUPLICATE_THRESHOLD means "same event"
    same_caller: bool
    shared_terms: tuple[str, ...]  # the distinctive words both share, for the operator to see why
    # "same_community", "same_street", "same_district", "place_in_text", "text", "time", and "urgency_differs"
    # when one of the two is an emergency and the other is not (places and time did not count)
    reasons: tuple[str, ...]


# --- terms and weights ---------------------------------------------------------------------------------------


def text_terms(text: str) -> list[str]:
    """The terms of a text: character bigrams inside runs of Chinese, and latin/digit tokens of 2+ characters."""
    text = _MASK.sub(" ", text)
    terms: list[str] = []
    for run in _HAN.findall(text):
        terms.extend(run[i : i + 2] for i in range(len(run) - 1))
    terms.extend(token for token in (t.lower() for t in _ALNUM.findall(text)) if len(token) >= 2)
    return terms


class TermWeights:
    """Inverse document frequency of terms; terms it has never seen count as rare (they are mostly names)."""

    def __init__(self, idf: Mapping[str, float], unseen: float) -> None:
        self._idf = idf
        self.unseen = unseen
        self._bigram_table: tuple[np.ndarray, np.ndarray] | None = None

    def __call__(self, term: str) -> float:
        return self._idf.get(term, self.unseen)

    def bigram_idf(self, codes: np.ndarray) -> np.ndarray:
        """The IDF of Chinese character bigrams given as codes (``bigram_codes``), all at once."""
        if self._bigram_table is None:
            table = sorted(
                (ord(t[0]) << 16 | ord(t[1]), w) for t, w in self._idf.items() if len(t) == 2 and _HAN.fullmatch(t)
            )
            self._bigram_table = (
                np.array([c for c, _ in table], dtype=np.int64),
                np.array([w for _, w in table], dtype=np.float64),
            )
        table_codes, table_idf = self._bigram_table
        if not len(table_codes) or not len(codes):
            return np.full(len(codes), self.unseen)
        at = np.minimum(np.searchsorted(table_codes, codes), len(table_codes) - 1)
        return np.where(table_codes[at] == codes, table_idf[at], self.unseen)

    @classmethod
    def from_mapping(cls, idf: Mapping[str, float]) -> TermWeights:
        return cls(idf, max(idf.values(), default=1.0))

    @classmethod
    def from_frequencies(
        cls, documents: int, frequency: Mapping[str, int], *, unseen_df: int = UNSEEN_DF
    ) -> TermWeights:
        def weight(df: int) -> float:
            return math.log((documents + 1) / (df + 1)) + 1.0

        return cls({term: weight(df) for term, df in frequency.items()}, weight(unseen_df))


def read_frequencies(path: Path) -> tuple[int, dict[str, int]]:
    """A ``term<TAB>count`` table whose ``documents`` row gives the number of messages counted."""
    documents, frequency = 1, {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        term, count = line.rsplit("\t", 1)
        if term == "documents":
            documents = int(count)
        else:
            frequency[term] = int(count)
    return documents, frequency


@cache
def default_weights() -> TermWeights:
    return TermWeights.from_frequencies(*read_frequencies(DATA / "duplicates_df.tsv"))


def place_names(text: str, weights: TermWeights) -> tuple[dict[str, float], dict[str, float]]:
    """Distinctive bigrams of the names in front of place suffixes, with their IDF: (sites, areas)."""
    sites: dict[str, float] = {}
    areas: dict[str, float] = {}
    for run in _HAN.findall(_MASK.sub(" ", text)):
        for suffix in _PLACE_SUFFIX.finditer(run):
            core = run[max(0, suffix.start() - _NAME_WIDTH) : suffix.start()]
            for i in range(len(core) - 1, -1, -1):
                if core[i] in _NAME_STOPS:
                    core = core[i + 1 :]
                    break
            names = areas if suffix.group() in _AREA_SUFFIXES else sites
            for i in range(len(core) - 1):
                bigram = core[i : i + 2]
                weight = weights(bigram)
                if weight >= DISTINCTIVE_IDF:
                    names[bigram] = weight
    for bigram in sites:
        areas.pop(bigram, None)
    return sites, areas


def districts(text: str) -> set[str]:
    return {m for m in _DISTRICT.findall(_MASK.sub(" ", text)) if not m.endswith(_NOT_DISTRICT)}


# --- keys of an inverted index of open orders ----------------------------------------------------------------

# A term is a key when fewer than ~1 message in 700 has it (IDF 7.5 of the table's 13,756 messages): names of
# compounds, roads and companies, and rare words (搅拌站, 车贷). Same-event reports share some, other reports
# rarely do, and each key's list of orders stays short whatever the backlog. bench.bench_duplicates measures
# what a lower or higher line loses on the labelled pairs.
INDEX_MIN_IDF = 7.5
INDEX_MAX_KEYS = 256  # a very long transcript keeps its rarest keys, the same ones for the same terms
# How many open orders are scored against a new one: those sharing the most rare terms (summed IDF). On the
# labelled pairs no related pair ranks below 100th among 7,000 messages (bench.bench_duplicates), so 200 leaves room.
INDEX_CANDIDATES = 200
# A key with more postings than this among the open orders of the window is not rare there, whatever the data
# set's IDF says (the operator's greeting, 请讲 and 坐席, is in every call), and is left out of the search: it would
# rank every order that has it above the reports of the same event, and its postings grow with the backlog. The
# labelled pairs' largest cluster has 71 reports of one event (bench.bench_duplicates --retrieval).
INDEX_MAX_POSTINGS = 500
_LATIN_KEY = 1 << 42  # above every bigram key (two code points of 21 bits)


def term_key(term: str) -> int:
    """A term as a 64-bit integer: a Chinese bigram by its two code points, any other term by a CRC-32."""
    if len(term) == 2 and _HAN.fullmatch(term):
        return ord(term[0]) << 21 | ord(term[1])
    return _LATIN_KEY | zlib.crc32(term.encode("utf-8"))


def index_keys(text: str, weights: TermWeights | None = None) -> dict[int, float]:
    """The rare terms of a text as integer keys with their IDF, for an inverted index that finds the candidates
    worth scoring (``hotline.selectors.related_candidates``): two reports of one event share some of them, and
    the candidates sharing the most (summed IDF) are the ones to score. At most INDEX_MAX_KEYS, rarest first,
    ties broken by the key's CRC, so two texts keep the same keys for the terms they share."""
    weights = weights or default_weights()
    found = {term: weights(term) for term in set(text_terms(text))}
    rare = [(idf, term) for term, idf in found.items() if idf >= INDEX_MIN_IDF]
    if len(rare) > INDEX_MAX_KEYS:
        rare.sort(key=lambda item: (-item[0], zlib.crc32(item[1].encode("utf-8"))))
        rare = rare[:INDEX_MAX_KEYS]
    return {term_key(term): round(idf, 3) for idf, term in rare}


# --- the same for a batch of texts at once (hotspot detection reads tens of thousands) ----------------------


@dataclass(frozen=True)
class BatchText:
    """Texts (privacy placeholders blanked) joined by line breaks, and each character's text."""

    joined: str
    chars: np.ndarray  # uint32 code points of ``joined``
    row: np.ndarray  # the text each character belongs to (the separator counts with the text before)

    @classmethod
    def of(cls, texts: Sequence[str]) -> BatchText:
        cleaned = [_MASK.sub(" ", text) if "[" in text or "**" in text else text for text in texts]
        joined = "\n".join(cleaned)
        chars = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
        lengths = np.fromiter((len(text) + 1 for text in cleaned), dtype=np.int64, count=len(cleaned))
        return cls(joined, chars, np.repeat(np.arange(len(cleaned)), lengths)[: len(chars)])


def bigram_codes(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Two characters as one int64 code (first << 16 | second); every Chinese bigram stays below 0xA0000000."""
    return first.astype(np.int64) << 16 | second


def place_name_bigrams(batch: BatchText, weights: TermWeights) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``place_names`` of every text of a batch at once: (row, bigram code, IDF, is a site), one entry per
    distinct (row, bigram), a bigram of a site's name counted as a site only. One regular-expression scan of
    the whole batch; the names' cores are cut with array operations."""
    found = [(suffix.start(), suffix.group() in _AREA_SUFFIXES) for suffix in _PLACE_SUFFIX.finditer(batch.joined)]
    ends = np.array([start for start, _ in found], dtype=np.int64)
    areas = np.array([area for _, area in found], dtype=bool)
    chars = batch.chars
    # the core in front of a suffix: up to _NAME_WIDTH characters of its run of Chinese, after the last stop
    core = np.maximum(ends - _NAME_WIDTH, 0)
    cut = np.zeros(len(ends), dtype=bool)
    for back in range(1, _NAME_WIDTH + 1):
        at = ends - back
        inside = ~cut & (at >= core)
        char = chars[np.maximum(at, 0)]
        edge = inside & ((char < 0x4E00) | (char > 0x9FFF) | _STOP_TABLE[np.minimum(char, 0xFFFF)])
        core = np.where(edge, at + 1, core)
        cut |= edge
    rows, codes, sites = [], [], []
    for offset in range(_NAME_WIDTH - 1):
        first = ends - _NAME_WIDTH + offset
        keep = (first >= core) & (first + 1 < ends)
        rows.append(batch.row[first[keep]])
        codes.append(bigram_codes(chars[first[keep]], chars[first[keep] + 1]))
        sites.append(~areas[keep])
    row, code, site = np.concatenate(rows), np.concatenate(codes), np.concatenate(sites)
    idf = weights.bigram_idf(code)
    keep = idf >= DISTINCTIVE_IDF
    row, code, idf, site = row[keep], code[keep], idf[keep], site[keep]
    # one entry per (row, bigram), a site when any of its mentions is one
    order = np.lexsort((~site, code, row))
    row, code, idf, site = row[order], code[order], idf[order], site[order]
    first = np.ones(len(row), dtype=bool)
    first[1:] = (row[1:] != row[:-1]) | (code[1:] != code[:-1])
    return row[first], code[first], idf[first], site[first]


def district_mentions(batch: BatchText) -> tuple[np.ndarray, list[str]]:
    """``districts`` of every text of a batch at once: (row, mention) pairs, repeats included. A mention ends
    in 区 or 县 and starts at most three characters before it, so only the stretches in front of those two
    characters are scanned (the pattern's look-behind still sees the character before a stretch)."""
    chars = batch.chars
    ends = np.flatnonzero((chars == ord("区")) | (chars == ord("县"))) + 1
    if not len(ends):
        return np.zeros(0, dtype=np.int64), []
    starts = np.maximum(ends - 4, 0)
    # stretches that overlap are scanned as one, so that a scan never starts inside a mention
    opens = np.ones(len(ends), dtype=bool)
    opens[1:] = starts[1:] >= ends[:-1]
    closes = np.append(opens[1:], True)
    positions, mentions = [], []
    scan = _DISTRICT.finditer
    for start, end in zip(starts[opens].tolist(), ends[closes].tolist(), strict=True):
        for match in scan(batch.joined, start, end):
            if not match.group().endswith(_NOT_DISTRICT):
                positions.append(match.start())
                mentions.append(match.group())
    return batch.row[np.array(positions, dtype=np.int64)], mentions


# --- featurised reports --------------------------------------------------------------------------------------


_RECENT_CODES = 8192  # new vocabulary codes kept apart before they join the sorted arrays (_Featuriser._columns)
_CODE_BITS = 33  # term codes: Chinese bigrams below 2**32 (bigram_codes), latin/digit tokens from 2**32
_TOKEN_CODES = 1 << 32
_CODE_MASK = (1 << _CODE_BITS) - 1


_NAME_CODES = 1 << 40  # place-name bigrams and district names are columns of their own, apart from the text's
_DISTRICT_CODES = 1 << 41


@dataclass(frozen=True)
class _Features:
    text_cols: np.ndarray  # int32 column ids in the featuriser's vocabulary
    text_vals: np.ndarray  # float64, L2-normalised TF-IDF² weights
    site_cols: np.ndarray
    site_vals: np.ndarray  # IDF of each bigram of a site's name (…小区, …公司)
    name_cols: np.ndarray
    name_vals: np.ndarray  # IDF of each bigram of any place name, sites and areas (…路, …街道)
    district_cols: np.ndarray


class _Featuriser:
    """Turns texts into sparse rows over one growing vocabulary, a batch at a time, caching them by (id, text).

    A batch of texts is read as one string with numpy (bigram codes, term counts) and one scan of it for place
    names and districts (``place_name_bigrams``, ``district_mentions``), not a Python loop per term: scoring a
    new report against a few hundred open orders never seen before costs milliseconds. One vocabulary (term
    code to column) for every index built by a finder means a cached row can be reused as it is. The
    vocabulary only grows; it is bounded by the character bigrams of the language (a few hundred thousand
    in practice), and a finder that lives for years can simply be replaced."""

    def __init__(self, weights: TermWeights) -> None:
        self.weights = weights
        # the vocabulary: term codes, sorted, and the column of each (numbered in the order the codes first appear)
        self._codes = np.zeros(0, dtype=np.int64)
        self._code_columns = np.zeros(0, dtype=np.int32)
        self._tokens: dict[str, int] = {}
        self._districts: dict[str, int] = {}
        # codes first seen since the sorted arrays were last rebuilt: inserting into arrays of hundreds of thousands
        # of codes for each new report's few new terms would copy them every time
        self._recent: dict[int, int] = {}
        self._cache: OrderedDict[tuple[int, str], _Features] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        return len(self._codes) + len(self._recent)

    def _columns(self, codes: np.ndarray) -> np.ndarray:
        """The vocabulary's column of each code, adding the codes it has not seen (a sorted-array look-up: a few
        hundred candidates' tens of thousands of terms at once). New codes take the next columns in code order;
        they wait in a dict until there are _RECENT_CODES of them, then join the sorted arrays in one copy."""
        codes = codes.astype(np.int64, copy=False)
        if not len(codes):
            return np.zeros(0, dtype=np.int32)
        with self._lock:
            known, columns, recent = self._codes, self._code_columns, self._recent
            at = np.minimum(np.searchsorted(known, codes), max(len(known) - 1, 0))
            found = columns[at] if len(known) else np.zeros(len(codes), dtype=np.int32)
            unseen = np.flatnonzero(known[at] != codes) if len(known) else np.arange(len(codes))
            if len(unseen):
                missing = codes[unseen].tolist()
                new = sorted({code for code in missing if code not in recent})
                recent.update(zip(new, range(self.size, self.size + len(new)), strict=True))
                found[unseen] = [recent[code] for code in missing]
                if len(recent) >= _RECENT_CODES:
                    self._merge_recent()
            return found

    def _merge_recent(self) -> None:
        """The recent codes joined to the sorted arrays (with the lock held)."""
        new = np.fromiter(self._recent, dtype=np.int64, count=len(self._recent))
        new_columns = np.fromiter(self._recent.values(), dtype=np.int32, count=len(self._recent))
        order = np.argsort(new)
        where = np.searchsorted(self._codes, new[order])
        self._codes = np.insert(self._codes, where, new[order])
        self._code_columns = np.insert(self._code_columns, where, new_columns[order])
        self._recent = {}

    def features(self, report: Report) -> _Features:
        return self.features_of([report])[0]

    def features_of(self, reports: Sequence[Report]) -> list[_Features]:
        with self._lock:
            cache = self._cache
            found = [cache.get((r.id, r.text)) for r in reports]
        missing = [i for i, f in enumerate(found) if f is None]
        if missing:
            computed = self._compute([reports[i].text for i in missing])
            with self._lock:
                for i, features in zip(missing, computed, strict=True):
                    found[i] = features
                    self._cache[(reports[i].id, reports[i].text)] = features
                while len(self._cache) > _CACHE_SIZE:
                    self._cache.popitem(last=False)
        return found  # type: ignore[return-value]

    def _number(self, table: dict[str, int], name: str) -> int:
        with self._lock:
            return table.setdefault(name, len(table))

    def _compute(self, texts: Sequence[str]) -> list[_Features]:
        """The features of each text, as ``place_names``, ``districts`` and ``text_terms`` define them."""
        weights = self.weights
        batch = BatchText.of(texts)
        chars, char_row = batch.chars, batch.row
        count = len(texts)
        # Place names: the text vector leaves them out; the names' part of the score reads them.
        name_row, name_code, name_idf, name_site = place_name_bigrams(batch, weights)
        name_keys = name_row << _CODE_BITS | name_code
        # What happened: character bigrams inside runs of Chinese and latin/digit tokens of 2+ characters.
        han = (chars >= 0x4E00) & (chars <= 0x9FFF)
        at = np.flatnonzero(han[:-1] & han[1:])
        bigram_keys = char_row[at] << _CODE_BITS | bigram_codes(chars[at], chars[at + 1])
        bigram_keys = bigram_keys[~np.isin(bigram_keys, name_keys)]
        tokens = [(m.start(), m.group().lower()) for m in _ALNUM.finditer(batch.joined) if m.end() - m.start() >= 2]
        token_names = {token for _start, token in tokens}
        token_code = {token: _TOKEN_CODES + self._number(self._tokens, token) for token in token_names}
        token_keys = np.fromiter(
            (int(char_row[start]) << _CODE_BITS | token_code[token] for start, token in tokens),
            dtype=np.int64,
            count=len(tokens),
        )
        keys, counts = np.unique(np.concatenate([bigram_keys, token_keys]), return_counts=True)
        rows, codes = keys >> _CODE_BITS, keys & _CODE_MASK
        idf = np.empty(len(codes))
        bigram = codes < _TOKEN_CODES
        idf[bigram] = weights.bigram_idf(codes[bigram])
        token_idf = {code: weights(token) for token, code in token_code.items()}
        idf[~bigram] = [token_idf[int(c)] for c in codes[~bigram]]
        vals = (1.0 + np.log(counts)) * idf**2
        norms = np.sqrt(np.bincount(rows, weights=vals**2, minlength=count))
        vals = vals / np.where(norms[rows] > 0, norms[rows], 1.0)
        # Districts named in the text.
        district_row, mentions = district_mentions(batch)
        district_keys = np.unique(
            np.fromiter(
                (
                    int(row) << _CODE_BITS | self._number(self._districts, mention)
                    for row, mention in zip(district_row.tolist(), mentions, strict=True)
                ),
                dtype=np.int64,
                count=len(mentions),
            )
        )
        text_cols = self._columns(codes)
        name_cols = self._columns(_NAME_CODES | name_code)
        district_cols = self._columns(_DISTRICT_CODES | (district_keys & _CODE_MASK))
        text_at = _row_bounds(rows, count)
        name_at = _row_bounds(name_row, count)
        district_at = _row_bounds(district_keys >> _CODE_BITS, count)
        found = []
        for row in range(count):
            names = slice(name_at[row], name_at[row + 1])
            sites = names.start + np.flatnonzero(name_site[names])
            found.append(
                _Features(
                    text_cols=text_cols[text_at[row] : text_at[row + 1]],
                    text_vals=vals[text_at[row] : text_at[row + 1]],
                    site_cols=name_cols[sites],
                    site_vals=name_idf[sites],
                    name_cols=name_cols[names],
                    name_vals=name_idf[names],
                    district_cols=district_cols[district_at[row] : district_at[row + 1]],
                )
            )
        return found


def _row_bounds(rows: np.ndarray, count: int) -> np.ndarray:
    """Where each row's entries start in an array sorted by row (and where the last ends)."""
    return np.searchsorted(rows, np.arange(count + 1))


def _rows(cols: list[np.ndarray], vals: list[np.ndarray] | None, width: int) -> sparse.csr_matrix:
    """Stack sparse rows given as column ids and values (all ones when ``vals`` is None)."""
    indptr = np.zeros(len(cols) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, cols), dtype=np.int64, count=len(cols)), out=indptr[1:])
    flat_cols = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int32)
    flat_vals = np.concatenate(vals) if vals else np.ones(len(flat_cols))
    return sparse.csr_matrix((flat_vals, flat_cols, indptr), shape=(len(cols), width))


def _dense(cols: np.ndarray, vals: np.ndarray | float, width: int) -> np.ndarray:
    """A query row as a dense vector over the index's columns (terms the index has never seen drop out)."""
    vector = np.zeros(width)
    inside = cols < width
    vector[cols[inside]] = vals[inside] if isinstance(vals, np.ndarray) else vals
    return vector


def _area(path: tuple[int, ...], depth: int) -> int:
    return path[depth] if len(path) > depth else -1


# --- the index -----------------------------------------------------------------------------------------------


@dataclass
class DuplicateIndex:
    """Candidate reports featurised once, scored against any number of new reports."""

    reports: tuple[Report, ...]
    finder: DuplicateFinder
    _text: sparse.csr_matrix = field(repr=False)
    _sites: sparse.csr_matrix = field(repr=False)
    _site_totals: np.ndarray = field(repr=False)
    _names: sparse.csr_matrix = field(repr=False)
    _name_totals: np.ndarray = field(repr=False)
    _districts: sparse.csr_matrix = field(repr=False)
    _district_counts: np.ndarray = field(repr=False)
    _areas: np.ndarray = field(repr=False)  # (n, 3): district, street, community ids; -1 unknown
    _times: np.ndarray = field(repr=False)  # seconds since the epoch
    _ids: np.ndarray = field(repr=False)
    _emergency: np.ndarray = field(repr=False)  # bool: the candidate is an emergency

    @classmethod
    def build(cls, reports: Iterable[Report], *, finder: DuplicateFinder | None = None) -> DuplicateIndex:
        finder = finder or DuplicateFinder()
        reports = tuple(reports)
        featuriser = finder.featuriser
        found = featuriser.features_of(reports)
        width = featuriser.size
        sites = _rows([f.site_cols for f in found], [f.site_vals for f in found], width)
        names = _rows([f.name_cols for f in found], [f.name_vals for f in found], width)
        district_rows = _rows([f.district_cols for f in found], None, width)
        areas = np.full((len(reports), 3), -1, dtype=np.int64)
        for row, report in enumerate(reports):
            if len(report.area_ids) > 1:
                known = report.area_ids[1:4]
                areas[row, : len(known)] = known
        return cls(
            reports=reports,
            finder=finder,
            _text=_rows([f.text_cols for f in found], [f.text_vals for f in found], width),
            _sites=sites,
            _site_totals=np.asarray(sites.sum(axis=1)).ravel(),
            _names=names,
            _name_totals=np.asarray(names.sum(axis=1)).ravel(),
            _districts=district_rows,
            _district_counts=np.diff(district_rows.indptr),
            _areas=areas,
            _times=np.fromiter((r.received_at.timestamp() for r in reports), dtype=np.float64, count=len(reports)),
            _ids=np.fromiter((r.id for r in reports), dtype=np.int64, count=len(reports)),
            _emergency=np.fromiter((r.emergency for r in reports), dtype=bool, count=len(reports)),
        )

    def __len__(self) -> int:
        return len(self.reports)

    def scores(self, new: Report) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """The score of every candidate (0 outside the window) and the evidence behind it."""
        finder = self.finder
        query = finder.featuriser.features(new)
        width = self._text.shape[1]

        text = self._text @ _dense(query.text_cols, query.text_vals, width)

        # Sites decide when both texts name one; otherwise any names (roads, streets) do.
        both_sited = (self._site_totals > 0) & (query.site_vals.sum() > 0)
        site_share, site_none = self._agreement(self._sites, self._site_totals, query.site_cols, query.site_vals)
        name_share, name_none = self._agreement(self._names, self._name_totals, query.name_cols, query.name_vals)
        names = np.where(both_sited, site_share, name_share)
        other_place = np.where(both_sited, site_none, name_none)

        q_district, q_street, q_community = (_area(new.area_ids, depth) for depth in (1, 2, 3))
        district, street, community = self._areas.T
        districts_known = (district >= 0) & (q_district >= 0)
        other_district = districts_known & (district != q_district)
        same_district = districts_known & ~other_district
        same_street = same_district & (street >= 0) & (street == q_street)
        same_community = same_street & (community >= 0) & (community == q_community)
        area = np.where(same_community, AREA_SAME_COMMUNITY, np.where(same_street, AREA_SAME_STREET, 0.0))
        # Districts named in the texts stand in only where the gazetteer does not know both places.
        if len(query.district_cols):
            district_shared = self._districts @ _dense(query.district_cols, 1.0, width)
            other_district |= (self._district_counts > 0) & (district_shared == 0) & ~districts_known

        days = np.abs(self._times - new.received_at.timestamp()) / 86400.0
        recency = np.exp(-days / RECENCY_DAYS)

        # Agreeing places and closeness in time count only as far as the texts also agree on what happened:
        # reports from one compound, or one morning, about cracked walls and about a noisy restaurant are not
        # one event. Disagreeing places count in full.
        gate = np.minimum(1.0, text / TEXT_GATE)
        # An emergency and a non-emergency: shared places and time say nothing about whether it is one event.
        urgency_differs = self._emergency != new.emergency
        gate = np.where(urgency_differs, 0.0, gate)
        penalty = np.where(other_district, OTHER_DISTRICT, np.where(other_place, OTHER_PLACE, 0.0))
        z = BIAS + W_TEXT * text + gate * (W_NAMES * names + W_TIME * recency + area) + penalty
        score = 1.0 / (1.0 + np.exp(-z))
        score = np.where(urgency_differs & (text < MIXED_URGENCY_TEXT), np.minimum(score, MIXED_URGENCY_CAP), score)
        in_window = (days <= finder.window.total_seconds() / 86400.0) & (self._ids != new.id)
        score = np.where(in_window, score, 0.0)
        evidence = {
            "text": text,
            "names": names,
            "gate": gate,
            "recency": recency,
            "area": area,
            "penalty": penalty,
            "days": days,
            "same_district": same_district,
            "same_street": same_street,
            "same_community": same_community,
            "urgency_differs": urgency_differs,
        }
        return score, evidence

    def _agreement(
        self, rows: sparse.csr_matrix, totals: np.ndarray, cols: np.ndarray, vals: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per candidate: the share of the shorter name list found in the other (0 when either has none),
        and whether both have names but share none."""
        query_total = float(vals.sum())
        shared = rows @ _dense(cols, 1.0, rows.shape[1])
        both = (totals > 0) & (query_total > 0)
        share = np.divide(shared, np.minimum(totals, query_total), out=np.zeros_like(shared), where=both)
        return share, both & (shared == 0)

    def matches(self, new: Report, *, limit: int = 5) -> list[Match]:
        """The candidates scoring at least RELATED_THRESHOLD, best first."""
        if not self.reports or limit <= 0:
            return []
        score, evidence = self.scores(new)
        related = np.flatnonzero(score >= min(RELATED_THRESHOLD, self.finder.threshold))
        best = related[np.argsort(-score[related], kind="stable")][:limit]
        words = default_tokenizer().content_words(new.text) if len(best) else []
        return [self._match(new, int(i), float(score[i]), evidence, words) for i in best]

    def _match(self, new: Report, i: int, score: float, evidence: dict[str, np.ndarray], words: Sequence[str]) -> Match:
        candidate = self.reports[i]
        reasons = []
        if evidence["same_community"][i]:
            reasons.append("same_community")
        elif evidence["same_street"][i]:
            reasons.append("same_street")
        elif evidence["same_district"][i]:
            reasons.append("same_district")
        if evidence["names"][i] > 0:
            reasons.append("place_in_text")
        if evidence["text"][i] >= TEXT_GATE:
            reasons.append("text")
        if evidence["days"][i] <= 3:
            reasons.append("time")
        if evidence["urgency_differs"][i]:
            reasons.append("urgency_differs")
        return Match(
            id=candidate.id,
            score=round(score, 4),
            same_caller=bool(new.caller) and new.caller == candidate.caller,
            shared_terms=shared_terms(new.text, candidate.text, self.finder.weights, words=words),
            reasons=tuple(reasons),
        )


def name_phrases(text: str, weights: TermWeights) -> dict[str, float]:
    """The place names of a text as the operator would write them (丽发新城, 伊景园滨河苑, 劳动东路), each
    with the IDF of its rarest bigram."""
    phrases: dict[str, float] = {}
    for run in _HAN.findall(_MASK.sub(" ", text)):
        ends = {m.end(): m.group() for m in _PLACE_SUFFIX.finditer(run)}
        for suffix in _PLACE_SUFFIX.finditer(run):
            start = suffix.start()
            # Walk back over distinctive bigrams (and up to _NAME_WIDTH characters of anything else), but not
            # over a function word or into the place before (劳动东路|魅力之城), except across a one-character
            # site suffix inside a name (伊景园滨河苑).
            while (
                start > 0
                and run[start - 1] not in _NAME_STOPS
                and (suffix.start() - start < _NAME_WIDTH or weights(run[start - 1 : start + 1]) >= DISTINCTIVE_IDF)
            ):
                before = ends.get(start)
                if before and (len(before) > 1 or before in _AREA_SUFFIXES):
                    break
                start -= 1
            while start < suffix.start() and run[start] in _TRIM_HEAD:
                start += 1
            core = run[start : suffix.start()]
            rarest = max((weights(core[i : i + 2]) for i in range(len(core) - 1)), default=0.0)
            if rarest >= DISTINCTIVE_IDF:
                phrases[run[start : suffix.end()]] = rarest
    return phrases


def distinctiveness(term: str, weights: TermWeights) -> float:
    """How rare a word is: the IDF of its rarest bigram (of itself, for latin/digit tokens)."""
    if len(term) < 2 or not _HAN.fullmatch(term):
        return weights(term.lower())
    return max(weights(term[i : i + 2]) for i in range(len(term) - 1))


def shared_terms(
    text: str,
    other: str,
    weights: TermWeights,
    *,
    words: Sequence[str] | None = None,
    limit: int = _SHARED_TERMS,
) -> tuple[str, ...]:
    """What the two texts share that says they are about one event: place names first (丽发新城), then
    distinctive words (搅拌站, 捆绑销售), rarest first. ``words`` are the text's words if already segmented."""
    other = _MASK.sub(" ", other)
    found: list[tuple[int, float, str]] = []
    for phrase, weight in name_phrases(text, weights).items():
        if phrase in other:
            found.append((0, weight, phrase))
    if words is None:
        words = default_tokenizer().content_words(text)
    for word in dict.fromkeys(words):
        if len(word) >= 2 and word in other and (weight := distinctiveness(word, weights)) >= DISPLAY_IDF:
            found.append((1, weight, word))
    kept: list[str] = []
    for _, _, term in sorted(found, key=lambda item: (item[0], -item[1], -len(item[2]), item[2])):
        if not any(term in longer or longer in term for longer in kept):
            kept.append(term)
        if len(kept) == limit:
            break
    return tuple(kept)


# --- the finder ----------------------------------------------------------------------------------------------


class DuplicateFinder:
    """Scores a new report against candidate reports; keeps featurised candidates between calls."""

    def __init__(
        self,
        *,
        window: timedelta = timedelta(days=30),
        threshold: float = DUPLICATE_THRESHOLD,
        idf: Mapping[str, float] | None = None,
    ) -> None:
        self.window = window
        self.threshold = threshold
        self.weights = TermWeights.from_mapping(idf) if idf is not None else default_weights()
        self.featuriser = _Featuriser(self.weights)
        self._last: DuplicateIndex | None = None

    def index(self, candidates: Iterable[Report]) -> DuplicateIndex:
        return DuplicateIndex.build(candidates, finder=self)

    def matches(self, new: Report, candidates: Sequence[Report], *, limit: int = 5) -> list[Match]:
        """The candidates about the same event as ``new``, best first, scoring at least RELATED_THRESHOLD.

        Candidates already seen (same id and text) are not featurised again, and the index of the last call
        is reused when the candidates are the same; for many new reports against one set, use ``index``."""
        last = self._last
        if last is None or last.reports != tuple(candidates):
            last = self._last = self.index(candidates)
        return last.matches(new, limit=limit)

    def is_duplicate(self, match: Match) -> bool:
        return match.score >= self.threshold
