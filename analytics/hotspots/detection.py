"""Hotspot detection (集中热点): many citizens reporting the same problem in the same place.

Pure code: plain ``HotspotItem`` rows in, ``DetectedHotspot`` rows out; no Django. The dashboard service
loads the window's orders, calls ``detect_hotspots`` and stores the result (``analytics.models.hotspots``).

Method
------
1. **Texts to vectors.** Each order's text becomes sparse vectors, as in ``triage.duplicates``:
   *what happened*: character bigrams (plus latin/digit tokens such as ``58``) weighted by sublinear term
   frequency times IDF **squared**, leaving out the text's place names and every bigram found in more than
   about 2 % of messages (IDF < ``PRUNE_IDF``: 的问, 小区, 投诉 …), L2-normalised. Squared IDF lets
   distinctive words (搅拌, 捆绑, 车贷) dominate and generic ones (噪音, 物业) barely count; dropping the
   commonest bigrams keeps the vectors short, which is what makes the similarity search cheap.
   *where*: the distinctive bigrams of the place names in the text (``duplicates.place_names``: sites such
   as …小区/…新城/…公司 apart from areas such as …路/…街道), each weighted by its IDF, and the districts the
   text names. The IDF table is the public one shipped with the duplicate finder.
   Only the first ``MAX_TEXT_CHARS`` characters are read (the service passes the title and 400 characters
   of the appeal): a long letter's asides would make it similar to everything, and cost time. The texts are
   read 5,000 at a time as one string: bigram codes with numpy, place names and districts with one scan
   of that string (``duplicates.place_name_bigrams``, ``district_mentions``: no per-text Python loop), and
   term frequencies come from one plain sort of packed (term, order) keys.
2. **Blocking.** Orders are compared only within their district (``area_path[1]``); orders whose district
   is unknown are compared with every order. Inside a block, rows are taken in chunks of ``CHUNK_ROWS`` and
   multiplied with the block as sparse matrices, keeping pairs whose text cosine reaches ``TEXT_FLOOR``; a
   chunk of a district meets only the rows from its own start on (each pair once). Memory is bounded by the
   chunk, never by n²; time grows with the square of the block sizes. The chunks run on ``THREADS``
   threads, one per core: the sparse products release the GIL, and the pairs are joined in chunk order,
   so the result is the same whatever the number of threads.
3. **Pair score.** Every candidate pair gets the duplicate finder's "same event" probability, recomputed
   with these vectors::

       z = BIAS + W_TEXT·text + gate·(W_NAMES·names + W_TIME·recency + area) + penalty,   p = 1/(1+e^-z)

   ``text`` the cosine above; ``names`` the share of the shorter place-name list found in the other (sites
   decide when both texts name one); ``recency`` = exp(-days apart / 14); ``area`` +1.5 same community,
   +0.8 same street; ``penalty`` when both texts name places and share none (another compound) or when
   their districts differ; ``gate`` = min(1, text / TEXT_GATE), so that one place or one morning does not
   make cracked walls and a noisy restaurant one event. W_TEXT was refitted for these (pruned) vectors on
   the tuning half of ``bench/data/hotspot_same_event_pairs.csv``; the other constants are the finder's.
4. **Clustering: average linkage on the sparse graph.** Pairs with p ≥ ``EDGE_P`` are edges. Starting from
   single orders, the two groups with the highest *average* pair probability over all their cross pairs
   (pairs without an edge count as 0) are merged, while that average is at least ``LINK_P``. Unlike
   connected components (single link), a chain a–b–c where a and c are unrelated does not merge: c joins
   only if it is close to the group as a whole. The merging is a heap over the sparse graph, so it costs
   O(E log E) for E edges.
5. **Hotspots.** A group is a hotspot when it has at least ``min_reports`` distinct callers: the same
   caller writing again is one witness (orders without a caller key count separately). ``area_id`` is the
   deepest gazetteer area a majority of members share. The label reads "place + problem", from up to
   ``_LABEL_SAMPLE`` members spread over the group, each read as its title (the text up to its first line or
   sentence break, at most 60 characters) and its start (300 characters):

   - *place*: the names ``duplicates.name_phrases`` finds, cut to whole words with the project's jieba
     tokenizer (``triage.tokenize``): walking back from the suffix (…小区, …路) over words that can
     belong to a name, stopping at a function word, verb, adverb, number or idiom (jieba's part-of-speech
     tags), and kept only if a word of the name is distinctive: "而凉塘路" → 凉塘路, "经开区泉星公园" →
     泉星公园, "于开展城镇" and "济技术开发集团" → nothing. The place most members name wins (a name in a
     title counts twice; a site over an area; the longer of two nested names when nearly as common; on a
     full tie, the name met first in the members' texts, so that every hourly run gives the same label).
   - *problem*: the one or two words of the titles (jieba words; runs of single characters jieba does not
     know joined: 车|贷 → 车贷, 58车贷) scored (share of titles using it + share of texts using it) ×
     distinctiveness capped at ``_IDF_CAP`` (so a rare aside does not beat the shared problem), × 1.5 for
     words of the problem lexicon (the category keywords of ``triage/data/category_keywords.tsv``,
     the tokenizer's domain words and ``_PROBLEM_WORDS``), × 0.4 for words that look like names (in a
     member's place, tagged a name, unknown to jieba). Left out: words of the places a quarter of the
     members name, generic words (投诉, 问题, 小区 …), idioms, adverbs, numbers and dates (2016年31日),
     district codes (A3), and words fewer than a quarter of the members use. The second word joins when
     it scores at least 40 % of the first, half the members use it, and it shares no two characters with
     the first; the two are written in the order most members write them: "丽发新城 搅拌站噪音",
     "伊景园滨河苑 捆绑车位", "凉塘路 旧城改造".

6. **Growth.** Orders of the previous window (``previous``) are matched to the hotspots with the same
   scores: an earlier order is a sibling of a hotspot when its average probability against the
   hotspot's members reaches ``LINK_P``. ``previous_count`` is the number of siblings and
   ``growth = (count - previous_count) / max(previous_count, 1)`` (a new hotspot's growth is its count).

Heat index (``heat_index``)
---------------------------
Points, log-scaled so that doubling a hotspot adds a constant, not double the heat::

    heat = 10·ln(1 + reports) + 20·ln(1 + distinct callers) + 10·ln(1 + max(growth, 0))
           + 30·urgency share + 5·ln(1 + likes)

``urgency share`` is (urgent + 2 × emergency orders) / reports, capped at 1. Distinct callers weigh twice
the raw count: ten people once is hotter than one person ten times. Three callers, three new reports: about
55; the 丽发新城 mixing plant (56 reports, 50 callers, new): about 160. ``heat_parts`` holds each term.

Emerging (a spike against the area + category baseline)
-------------------------------------------------------
The hotspot's key is its area (``area_id``: the deepest gazetteer area most members share: a community, a
street, a district or the city) and its category. An order counts under its own area and every area above
it (``area_keys``). With λ the usual number of reports per window for the hotspot's key — ``baseline`` if
given (a missing key counts 0), otherwise the count of ``previous`` orders with that key — a hotspot is
**emerging** when

    growth ≥ EMERGING_GROWTH (1: at least doubled, or new)                       and
    count − previous_count ≥ max(min_reports, EMERGING_SIGMAS·√λ)

that is, the hotspot's new reports alone are more than its area and category's usual volume varies from
window to window (3 Poisson standard deviations). So a new spike raises an alert even when its absolute
heat is modest (6 reports where 1 is usual), while a large hotspot that recurs every month at the usual
level does not (its growth is low), nor does a small new one in a busy area. Comparing with the
hotspot's own area is what makes the rule work in a big city: 8 reports of a gas smell at one compound are
lost in the hundreds of reports its district sends in a month (3√300 ≈ 52), but they stand out against the
handful its community usually sends. Without a baseline and without ``previous`` nothing is emerging
(there is nothing to compare against).

Monthly candidates (每月一题, ``monthly_candidates``)
----------------------------------------------------
Two hotspots are the same problem when they share orders, or when they lie in the same district (where
both districts are known: 人民路 in two districts is two roads), their places agree (one name contains the
other; or, both unnamed, the same area) and their problems agree (same problem phrase or a third of their
terms in common). Hottest first, each hotspot joins the first group whose hottest hotspot is the same
problem, else starts one: every member is like that anchor, so a chain of small likenesses (a ~ b, b ~ c)
never puts unrelated problems together. Groups seen in at least ``min_months`` months are candidates;
so is a single month's hotspot that is large and persistent (≥ LARGE_REPORTS reports from ≥ LARGE_CALLERS
callers over ≥ LARGE_DAYS days). Ranked by months seen, then total heat; each carries a one-line reason.
"""

from __future__ import annotations

import heapq
import math
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

import numpy as np
from scipy import sparse

from triage.duplicates import (
    AREA_SAME_COMMUNITY,
    AREA_SAME_STREET,
    BIAS,
    DISTINCTIVE_IDF,
    OTHER_DISTRICT,
    OTHER_PLACE,
    TEXT_GATE,
    W_NAMES,
    W_TEXT,
    W_TIME,
    BatchText,
    TermWeights,
    bigram_codes,
    default_weights,
    distinctiveness,
    district_mentions,
    name_phrases,
    place_name_bigrams,
)
from triage.taxonomy import read_keywords
from triage.tokenize import default_tokenizer, domain_words, stop_words

# --- constants (see the module docstring) --------------------------------------------------------------------

_TOKEN_BASE = 0xA000_0000  # codes of latin/digit tokens start above every bigram code (two chars ≤ U+9FFF)
_ROW_BITS = 24  # term-frequency keys pack (code << 24 | row)
_BIGRAM_BATCH = 5000  # texts turned into bigram codes at once
MAX_TEXT_CHARS = 600  # what is read of a text: its what and where come early (the service passes ~430)
PRUNE_IDF = 4.9  # bigrams in more than ~2 % of messages carry no event information and are left out
TEXT_FLOOR = 0.05  # candidate pairs: text cosine at least this
RECENCY_DAYS = 14.0
EDGE_P = 0.2  # pairs at least this probable are edges of the graph
LINK_P = 0.5  # average linkage: merge while the mean pair probability of two groups is at least this
CHUNK_ROWS = 1000  # rows multiplied at once against a block: bounds memory to chunk × block candidates
MAX_NEIGHBOURS = 200  # per order, the most probable edges kept (a safety cap for template floods)
THREADS = min(4, len(os.sched_getaffinity(0)))  # pair search threads: one per core, up to four

MIN_REPORTS = 3  # a hotspot has at least this many distinct callers (in a month, for the monthly topics)

HEAT_REPORTS = 10.0
HEAT_CALLERS = 20.0
HEAT_GROWTH = 10.0
HEAT_URGENCY = 30.0
HEAT_LIKES = 5.0

EMERGING_GROWTH = 1.0
EMERGING_SIGMAS = 3.0

LARGE_REPORTS = 20
LARGE_CALLERS = 10
LARGE_DAYS = 14

LABEL_MAX = 40
_LABEL_SAMPLE = 40  # members read per hotspot for its label and terms
_TERMS = 6
_TITLE_CHARS = 60  # a text without a line or sentence break in its first 60 characters has no title
_BODY_CHARS = 300  # where a problem word counts as used: the title and the start of the appeal
_PLACE_CHARS = 300  # where place names are looked for
_IDF_CAP = 7.0  # distinctiveness counts up to a word in ~1 in 600 messages; rarer is no better a label
_LEXICON_BONUS = 1.5  # a word of the problem lexicon (噪音, 油烟, 拆迁 …) over another as common and rare
_NAME_PENALTY = 0.4  # a word that is (part of) a name: in a member's place, a name by jieba, or unknown to it
_SECOND_WORD = 0.4  # a second problem word joins the label when it scores at least this share of the first
_SECOND_SHARE = 0.5  # … and at least half the members use it
_TITLE_END = re.compile(r"[\n。！？!?]")
_URGENCY_WEIGHT = {"urgent": 1.0, "emergency": 2.0}

_ALNUM = re.compile(r"[A-Za-z0-9]{2,}")
_DISTRICT_CODE = re.compile(r"^[A-Z]\d{1,2}[区县市]?$")  # the data's pseudonymised districts: A3区, A3
# Words that say nothing about which problem it is; never a hotspot's problem phrase.
_GENERIC = frozenset(
    [
        "投诉",
        "反映",
        "反应",
        "举报",
        "咨询",
        "建议",
        "请求",
        "希望",
        "要求",
        "恳请",
        "请问",
        "问题",
        "情况",
        "严重",
        "相关",
        "部门",
        "领导",
        "政府",
        "书记",
        "市长",
        "局长",
        "县长",
        "您好",
        "你好",
        "尊敬",
        "感谢",
        "谢谢",
        "解决",
        "处理",
        "关注",
        "重视",
        "管理",
        "影响",
        "附近",
        "周边",
        "小区",
        "居民",
        "业主",
        "市民",
        "百姓",
        "群众",
        "我们",
        "大家",
        "本人",
        "现在",
        "目前",
        "已经",
        "一直",
        "多次",
        "长期",
        "每天",
        "晚上",
        "白天",
        "时间",
        "今年",
        "去年",
        "时候",
        "为什么",
        "怎么",
        "是否",
        "能否",
        "何时",
        "什么",
        "没有",
        "不能",
        "无法",
        "可以",
        "需要",
        "进行",
        "存在",
        "导致",
        "造成",
        "发生",
        "出现",
        "希望",
        "尽快",
        "及时",
        "正常",
        "生活",
        "工作",
        "休息",
        "身体",
        "健康",
        "环境",
        "安全",
        "隐患",
        "合法",
        "违法",
        "违规",
        "规定",
        "国家",
        "法律",
        "社区",
        "街道",
        "地方",
        "位置",
        "旁边",
        "对面",
        "门口",
        "楼下",
        "附件",
        "原帖",
        "链接",
    ]
)

# Problems and their objects that the category lexicon (triage/data/category_keywords.tsv) lacks.
_PROBLEM_WORDS = frozenset(
    "捆绑 车位 停车 停车场 乱停 改道 兑付 逾期 跑路 车贷 延期 停工 质量 夜宵 麻将 游戏机 普惠 公办 实习 进厂 "  # noqa: SIM905
    "分拣 转运站 无证 围挡 封路".split()
)
_OFFICE_ENDINGS = ("局", "部门", "厅", "委", "委员会", "政府", "办公室", "公司", "集团")
# jieba tags of words that are no part of a place's name (verbs, adverbs, prepositions, pronouns, numbers,
# idioms …) and, with fewer exclusions, of words that do not name a problem.
_NOT_NAME_TAGS = frozenset("v vd vg vi d dg df p c u uj ul uv ud uz ug r rr rz m mq q t tg f i l y e o z zg ad".split())  # noqa: SIM905
_NOT_PROBLEM_TAGS = frozenset("d dg df p c u uj ul uv ud uz ug r rr rz m mq q tg f i l y e o z zg ad".split())  # noqa: SIM905
# Single characters that end a place's name rather than belong to it (于开展城镇, 而凉塘路, 走木莲中路, 经开区泉星公园).
_NOT_IN_NAME = frozenset(
    "的了在是我你他她它这那说都就也还又被把从到给向往将让使要想请没很更最该其此每某些着过与及或于而且为对和等以由因"
    "如若但并则即所已才再均仍上下里内外旁边前后区市县省走读去来住进近离沿临朝自号栋幢楼层室"
)
_NAME_TAGS = frozenset("nr nrt nrfg ns nt".split())  # noqa: SIM905


# --- the dataclasses -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HotspotItem:
    """One order as detection sees it."""

    id: int
    text: str  # title + appeal (masked)
    created_at: datetime  # aware
    area_path: tuple[int, ...] = ()  # gazetteer ids root→leaf (city, district, street, community); () unknown
    category: str = ""  # level-1 category name
    caller: str = ""  # caller key (same caller ≠ new witness)
    urgency: str = "normal"  # normal | urgent | emergency
    likes: int = 0  # public likes (web messages)
    department: str = ""  # lead department name


@dataclass(frozen=True)
class DetectedHotspot:
    member_ids: tuple[int, ...]
    label: str  # "place + problem", e.g. "丽发新城小区 搅拌站噪音" (≤ 40 chars)
    place: str
    problem: str
    terms: tuple[str, ...]
    area_id: int | None
    category: str
    first_seen: datetime
    last_seen: datetime
    count: int
    distinct_callers: int
    previous_count: int
    growth: float
    urgency_share: float
    likes: int
    heat: float
    heat_parts: dict[str, float]
    emerging: bool
    timeline: tuple[tuple[date, int], ...]
    departments: tuple[tuple[str, int], ...]
    district_id: int | None = None  # the district most members lie in (None: unknown)


@dataclass(frozen=True)
class Candidate:
    """A 每月一题 candidate: one problem at one place, over the months it was a hotspot."""

    label: str
    place: str
    problem: str
    months: tuple[str, ...]
    reports: int  # summed over the months
    distinct_callers: int  # the most in any one month (callers are not comparable across months)
    heat: float  # summed over the months
    reason: str
    hotspots: tuple[DetectedHotspot, ...]


# --- heat ----------------------------------------------------------------------------------------------------


def heat_index(
    *, reports: int, distinct_callers: int, growth: float = 0.0, urgency_share: float = 0.0, likes: int = 0
) -> tuple[float, dict[str, float]]:
    """The heat index and its parts (see the module docstring)."""
    parts = {
        "reports": HEAT_REPORTS * math.log1p(max(reports, 0)),
        "callers": HEAT_CALLERS * math.log1p(max(distinct_callers, 0)),
        "growth": HEAT_GROWTH * math.log1p(max(growth, 0.0)),
        "urgency": HEAT_URGENCY * min(max(urgency_share, 0.0), 1.0),
        "likes": HEAT_LIKES * math.log1p(max(likes, 0)),
    }
    parts = {name: round(value, 2) for name, value in parts.items()}
    return round(sum(parts.values()), 2), parts


def urgency_share(items: Iterable[HotspotItem]) -> float:
    items = list(items)
    if not items:
        return 0.0
    return min(1.0, sum(_URGENCY_WEIGHT.get(item.urgency, 0.0) for item in items) / len(items))


# --- featurisation -------------------------------------------------------------------------------------------


@cache
def _weights() -> TermWeights:
    return default_weights()


@dataclass
class _Vectors:
    """Sparse rows for a batch of items; columns shared by every matrix of the batch."""

    text: sparse.csr_matrix  # pruned TF-IDF², place names left out, L2-normalised
    site_bin: sparse.csr_matrix  # 1 for each distinctive bigram of a site name (…小区, …公司)
    site_idf: sparse.csr_matrix  # the same bigrams weighted by IDF
    name_bin: sparse.csr_matrix  # every place-name bigram (sites and areas such as …路, …街道)
    name_idf: sparse.csr_matrix
    site_total: np.ndarray
    name_total: np.ndarray
    district_text: sparse.csr_matrix  # districts named in the text (one column each)
    district_count: np.ndarray
    district: np.ndarray  # gazetteer district id, -1 unknown
    street: np.ndarray
    community: np.ndarray
    days: np.ndarray  # created_at in days since the epoch
    caller: np.ndarray  # caller key as an int code, -1 - row when unknown (never equal to another row)


def _idf(codes: np.ndarray, tokens: Mapping[int, str], weights: TermWeights) -> np.ndarray:
    """The IDF of sorted term codes: bigram codes by table look-up, latin/digit tokens (``tokens``, codes
    from ``_TOKEN_BASE``) one by one."""
    idf = np.empty(len(codes))
    bigrams = codes < _TOKEN_BASE
    idf[bigrams] = weights.bigram_idf(codes[bigrams])
    idf[~bigrams] = [weights(tokens[int(c)]) for c in codes[~bigrams]]
    return idf


@dataclass
class _Terms:
    """What the texts of a batch are made of, as flat (row, code) arrays."""

    keys: np.ndarray  # (code << _ROW_BITS | row) of every character bigram inside runs of Chinese and every
    # latin/digit token, in no particular order
    tokens: dict[str, int]  # latin/digit token → its code (from _TOKEN_BASE)
    name_rows: np.ndarray  # the distinctive bigrams of place names (duplicates.place_name_bigrams)
    name_codes: np.ndarray
    name_idf: np.ndarray
    name_site: np.ndarray
    district_rows: np.ndarray  # districts named in the texts
    district_cols: np.ndarray
    district_width: int


def _terms(texts: Sequence[str], weights: TermWeights) -> _Terms:
    """Bigrams, tokens, place names and district mentions of every text, ``_BIGRAM_BATCH`` texts at a time
    (one regular-expression scan and a few array operations per batch, no loop over texts or bigrams)."""
    parts: dict[str, list[np.ndarray]] = defaultdict(list)
    tokens: dict[str, int] = {}
    districts_seen: dict[str, int] = {}
    for first in range(0, len(texts), _BIGRAM_BATCH):
        batch = BatchText.of(texts[first : first + _BIGRAM_BATCH])
        chars = batch.chars
        han = (chars >= 0x4E00) & (chars <= 0x9FFF)
        at = np.flatnonzero(han[:-1] & han[1:])
        keys = bigram_codes(chars[at], chars[at + 1])
        keys <<= _ROW_BITS
        keys |= first + batch.row[at]
        parts["keys"].append(keys)
        found = [(m.start(), m.group().lower()) for m in _ALNUM.finditer(batch.joined)]
        keys = np.array([tokens.setdefault(t, _TOKEN_BASE + len(tokens)) for _, t in found], dtype=np.int64)
        keys <<= _ROW_BITS
        keys |= first + batch.row[np.array([p for p, _ in found], dtype=np.int64)]
        parts["keys"].append(keys)
        rows, codes, idf, site = place_name_bigrams(batch, weights)
        parts["name_rows"].append(first + rows)
        parts["name_codes"].append(codes)
        parts["name_idf"].append(idf)
        parts["name_site"].append(site)
        rows, mentions = district_mentions(batch)
        parts["district_rows"].append(first + rows)
        parts["district_cols"].append(
            np.array([districts_seen.setdefault(m, len(districts_seen)) for m in mentions], dtype=np.int64)
        )

    def joined(name: str, dtype: type) -> np.ndarray:
        return np.concatenate(parts[name]).astype(dtype, copy=False) if parts[name] else np.zeros(0, dtype=dtype)

    return _Terms(
        keys=joined("keys", np.int64),
        tokens=tokens,
        name_rows=joined("name_rows", np.int64),
        name_codes=joined("name_codes", np.int64),
        name_idf=joined("name_idf", np.float64),
        name_site=joined("name_site", bool),
        district_rows=joined("district_rows", np.int64),
        district_cols=joined("district_cols", np.int64),
        district_width=max(len(districts_seen), 1),
    )


def _run_starts(values: np.ndarray) -> np.ndarray:
    """True where a sorted array's value differs from the one before (and at its start)."""
    starts = np.empty(len(values), dtype=bool)
    if len(values):
        starts[0] = True
        np.not_equal(values[1:], values[:-1], out=starts[1:])
    return starts


def _vectorise(items: Sequence[HotspotItem], weights: TermWeights) -> _Vectors:
    n = len(items)
    if n >= 1 << _ROW_BITS:
        raise ValueError(f"at most {(1 << _ROW_BITS) - 1} orders at once")
    found = _terms([item.text[:MAX_TEXT_CHARS] for item in items], weights)
    name_rows_a, name_codes_a = found.name_rows, found.name_codes

    # Term frequency per (term, row) from one plain sort of packed keys (an argsort would be ~10× slower),
    # built in place: these are the largest arrays of a run.
    keys, found.keys = found.keys, np.zeros(0, dtype=np.int64)
    keys.sort()
    starts = np.flatnonzero(_run_starts(keys))
    counts = np.diff(starts, append=len(keys))
    keys = keys[starts]
    del starts
    # A text's own place names are not part of what happened.
    keep = np.ones(len(keys), dtype=bool)
    if len(name_rows_a) and len(keys):
        named = np.unique(name_codes_a << _ROW_BITS | name_rows_a)
        at = np.minimum(np.searchsorted(keys, named), len(keys) - 1)
        keep[at[keys[at] == named]] = False
    pair_rows = (keys & ((1 << _ROW_BITS) - 1)).astype(np.int32)
    keys >>= _ROW_BITS  # the term codes, sorted
    new_term = _run_starts(keys)
    vocabulary = keys[new_term]
    del keys
    column = np.cumsum(new_term, dtype=np.int32) - 1
    width = max(len(vocabulary), 1)
    # The commonest terms carry no event information.
    idf = _idf(vocabulary, {code: token for token, code in found.tokens.items()}, weights)
    keep &= idf[column] >= PRUNE_IDF
    values = (1.0 + np.log(counts[keep])) * idf[column[keep]] ** 2
    # The pairs are sorted by term, then row: a CSC matrix as they stand.
    indptr = np.concatenate([[0], np.cumsum(np.bincount(column[keep], minlength=width))])
    text = sparse.csc_matrix((values, pair_rows[keep], indptr), shape=(n, width)).tocsr()
    del values, pair_rows, column, keep, counts
    norms = np.sqrt(np.asarray(text.multiply(text).sum(axis=1)).ravel())
    text = sparse.diags(np.divide(1.0, norms, out=np.zeros(n), where=norms > 0)) @ text

    name_vocab, name_col = np.unique(name_codes_a, return_inverse=True)
    width = max(len(name_vocab), 1)
    site, idfs = found.name_site, found.name_idf

    def names(mask: np.ndarray, values: np.ndarray) -> sparse.csr_matrix:
        return sparse.csr_matrix((values[mask], (name_rows_a[mask], name_col[mask])), shape=(n, width))

    everything = np.ones(len(site), dtype=bool)
    site_idf = names(site, idfs)
    name_idf = names(everything, idfs)
    district_text = sparse.csr_matrix(
        (np.ones(len(found.district_rows)), (found.district_rows, found.district_cols)),
        shape=(n, found.district_width),
    )
    district_text.data[:] = 1.0

    def depth(d: int) -> np.ndarray:
        return np.fromiter((it.area_path[d] if len(it.area_path) > d else -1 for it in items), np.int64, count=n)

    callers: dict[str, int] = {}
    caller = np.fromiter(
        (callers.setdefault(it.caller, len(callers)) if it.caller else -1 - row for row, it in enumerate(items)),
        dtype=np.int64,
        count=n,
    )
    site_bin = site_idf.copy()
    site_bin.data[:] = 1.0
    name_bin = name_idf.copy()
    name_bin.data[:] = 1.0
    return _Vectors(
        text=text.tocsr(),
        site_bin=site_bin,
        site_idf=site_idf,
        name_bin=name_bin,
        name_idf=name_idf,
        site_total=np.asarray(site_idf.sum(axis=1)).ravel(),
        name_total=np.asarray(name_idf.sum(axis=1)).ravel(),
        district_text=district_text,
        district_count=np.diff(district_text.indptr),
        district=depth(1),
        street=depth(2),
        community=depth(3),
        days=np.fromiter((it.created_at.timestamp() / 86400.0 for it in items), np.float64, count=n),
        caller=caller,
    )


# --- pair scores ---------------------------------------------------------------------------------------------


def _row_dots(x: sparse.csr_matrix, y: sparse.csr_matrix) -> np.ndarray:
    """The dot product of each row of x with the same row of y."""
    if not x.shape[0]:
        return np.zeros(0)
    return np.asarray(x.multiply(y).sum(axis=1)).ravel()


def pair_probability(
    text: np.ndarray,
    names: np.ndarray,
    other_place: np.ndarray,
    other_district: np.ndarray,
    recency: np.ndarray,
    area: np.ndarray,
) -> np.ndarray:
    """The same-event probability of pairs from their evidence (see the module docstring, step 3)."""
    gate = np.minimum(1.0, text / TEXT_GATE)
    penalty = np.where(other_district, OTHER_DISTRICT, np.where(other_place, OTHER_PLACE, 0.0))
    z = BIAS + W_TEXT * text + gate * (W_NAMES * names + W_TIME * recency + area) + penalty
    return 1.0 / (1.0 + np.exp(-z))


def _evidence(a: _Vectors, b: _Vectors, ra: np.ndarray, rb: np.ndarray, text: np.ndarray) -> dict[str, np.ndarray]:
    """Place, area and time evidence for pairs (a[ra[k]], b[rb[k]]) whose text cosine is known."""
    site_shared = _row_dots(a.site_bin[ra], b.site_idf[rb])
    name_shared = _row_dots(a.name_bin[ra], b.name_idf[rb])
    sa, sb = a.site_total[ra], b.site_total[rb]
    na, nb = a.name_total[ra], b.name_total[rb]
    both_sited = (sa > 0) & (sb > 0)
    both_named = (na > 0) & (nb > 0)
    site_share = np.divide(site_shared, np.minimum(sa, sb), out=np.zeros(len(ra)), where=both_sited)
    name_share = np.divide(name_shared, np.minimum(na, nb), out=np.zeros(len(ra)), where=both_named)
    names = np.where(both_sited, site_share, name_share)
    other_place = np.where(both_sited, site_shared == 0, both_named & (name_shared == 0))

    da, db = a.district[ra], b.district[rb]
    known = (da >= 0) & (db >= 0)
    other_district = known & (da != db)
    same_street = known & ~other_district & (a.street[ra] >= 0) & (a.street[ra] == b.street[rb])
    same_community = same_street & (a.community[ra] >= 0) & (a.community[ra] == b.community[rb])
    area = np.where(same_community, AREA_SAME_COMMUNITY, np.where(same_street, AREA_SAME_STREET, 0.0))
    # Districts named in the texts stand in where the gazetteer does not know both places.
    if a.district_text.shape[1] == b.district_text.shape[1] and len(ra):
        shared = _row_dots(a.district_text[ra], b.district_text[rb])
        named = (a.district_count[ra] > 0) & (b.district_count[rb] > 0)
        other_district |= ~known & named & (shared == 0)
    recency = np.exp(-np.abs(a.days[ra] - b.days[rb]) / RECENCY_DAYS)
    return {
        "text": text,
        "names": names,
        "other_place": other_place,
        "other_district": other_district,
        "recency": recency,
        "area": area,
    }


_Pairs = tuple[np.ndarray, np.ndarray, np.ndarray]
_NO_PAIRS: _Pairs = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))


def _pair_tasks(
    a: _Vectors, b: _Vectors, rows: np.ndarray, cols: np.ndarray, *, upper: bool
) -> list[Callable[[], _Pairs]]:
    """The work of finding the pairs (row of a, row of b, probability) with p ≥ EDGE_P among rows × cols, as
    one task per chunk of ``CHUNK_ROWS`` rows (``_run_pairs`` runs them on every core).

    ``upper``: a and b are one batch and ``rows`` is ``cols`` (ascending); each unordered pair is kept once,
    and a chunk is multiplied only with the rows from its own start on, which halves the work."""
    if not len(rows) or not len(cols):
        return []
    others = b.text[cols]

    def chunk_pairs(start: int) -> _Pairs:
        chunk = rows[start : start + CHUNK_ROWS]
        offset = start if upper else 0
        # others × chunk rather than chunk × others: only the small chunk is transposed.
        product = (others[offset:] @ a.text[chunk].T.tocsr()).tocoo()
        keep = product.data >= TEXT_FLOOR
        ra, rb, text = chunk[product.col[keep]], cols[offset + product.row[keep]], product.data[keep]
        if upper:
            keep = ra < rb
            ra, rb, text = ra[keep], rb[keep], text[keep]
        if not len(ra):
            return _NO_PAIRS
        p = pair_probability(**_evidence(a, b, ra, rb, text))
        keep = p >= EDGE_P
        return ra[keep], rb[keep], p[keep]

    return [lambda start=start: chunk_pairs(start) for start in range(0, len(rows), CHUNK_ROWS)]


def _run_pairs(tasks: Sequence[Callable[[], _Pairs]]) -> _Pairs:
    """Run pair tasks on ``THREADS`` threads (the sparse products and array operations release the GIL, so
    two cores take about half the time) and join their pairs in task order: the result does not depend on
    the number of threads."""
    if THREADS > 1 and len(tasks) > 1:
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            found = list(pool.map(lambda task: task(), tasks))
    else:
        found = [task() for task in tasks]
    found = [f for f in found if len(f[0])]
    if not found:
        return _NO_PAIRS
    return (
        np.concatenate([f[0] for f in found]),
        np.concatenate([f[1] for f in found]),
        np.concatenate([f[2] for f in found]),
    )


def _blocks(district: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Rows per known district, and the rows whose district is unknown."""
    order = np.argsort(district, kind="stable")
    values, starts = np.unique(district[order], return_index=True)
    groups = np.split(order, starts[1:])
    known = [g for v, g in zip(values, groups, strict=True) if v >= 0]
    unknown = next((g for v, g in zip(values, groups, strict=True) if v < 0), np.zeros(0, np.int64))
    return known, unknown


def _edges(vectors: _Vectors) -> _Pairs:
    """All pairs of one batch with p ≥ EDGE_P (i < j), blocked by district."""
    n = len(vectors.days)
    known, unknown = _blocks(vectors.district)
    tasks = [task for block in known for task in _pair_tasks(vectors, vectors, block, block, upper=True)]
    if len(unknown):
        tasks += _pair_tasks(vectors, vectors, unknown, np.arange(n), upper=False)
    ia, ib, pp = _run_pairs(tasks)
    # An unknown-unknown pair is found from both ends: keep it once (pairs within a district have ia < ib).
    keep = (vectors.district[ib] >= 0) | (ia < ib)
    return _cap(np.minimum(ia, ib)[keep], np.maximum(ia, ib)[keep], pp[keep], n)


def _cap(ia: np.ndarray, ib: np.ndarray, p: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Keep, for every order, at most MAX_NEIGHBOURS of its most probable edges (both ends must agree)."""
    if not len(p):
        return ia, ib, p
    degree = np.bincount(np.concatenate([ia, ib]), minlength=n)
    if degree.max() <= MAX_NEIGHBOURS:
        return ia, ib, p
    ends = np.concatenate([ia, ib])
    edge = np.concatenate([np.arange(len(p)), np.arange(len(p))])
    order = np.lexsort((-np.concatenate([p, p]), ends))
    rank = np.empty(len(order), dtype=np.int64)
    starts = np.searchsorted(ends[order], np.arange(n))
    rank[order] = np.arange(len(order)) - starts[ends[order]]
    within = np.zeros(len(p), dtype=np.int64)
    np.add.at(within, edge, rank < MAX_NEIGHBOURS)
    keep = within == 2
    return ia[keep], ib[keep], p[keep]


# --- average linkage on a sparse graph -----------------------------------------------------------------------


def average_linkage(n: int, ia: np.ndarray, ib: np.ndarray, weight: np.ndarray, threshold: float) -> list[list[int]]:
    """Groups of nodes 0..n-1 merged while the mean weight over all cross pairs (absent pairs count as 0)
    of the best pair of groups is at least ``threshold``. Returns the groups of two or more nodes."""
    adjacency: list[dict[int, float] | None] = [{} for _ in range(n)]
    for a, b, w in zip(ia.tolist(), ib.tolist(), weight.tolist(), strict=True):
        if a == b:
            continue
        adj_a = adjacency[a]
        adj_a[b] = adj_a.get(b, 0.0) + w  # type: ignore[union-attr]
        adjacency[b][a] = adjacency[b].get(a, 0.0) + w  # type: ignore[index,union-attr]
    size = [1] * n
    version = [0] * n
    members: list[list[int] | None] = [[i] for i in range(n)]
    heap = [
        (-w, a, b, 0, 0) for a, b, w in zip(ia.tolist(), ib.tolist(), weight.tolist(), strict=True) if w >= threshold
    ]
    heapq.heapify(heap)
    while heap:
        negative, a, b, va, vb = heapq.heappop(heap)
        if members[a] is None or members[b] is None or version[a] != va or version[b] != vb:
            continue
        if -negative < threshold:
            break
        if size[a] < size[b]:
            a, b = b, a
        # Merge b into a: cross sums add up, sizes add up.
        adj_a, adj_b = adjacency[a], adjacency[b]
        assert adj_a is not None and adj_b is not None
        adj_a.pop(b, None)
        adj_b.pop(a, None)
        for c, w in adj_b.items():
            adj_a[c] = adj_a.get(c, 0.0) + w
            adj_c = adjacency[c]
            assert adj_c is not None
            adj_c[a] = adj_c.get(a, 0.0) + adj_c.pop(b)
        adjacency[b] = None
        members[a].extend(members[b])  # type: ignore[union-attr]
        members[b] = None
        size[a] += size[b]
        version[a] += 1
        for c, w in adj_a.items():
            mean = w / (size[a] * size[c])
            if mean >= threshold:
                heapq.heappush(
                    heap, (-mean, a, c, version[a], version[c]) if a < c else (-mean, c, a, version[c], version[a])
                )
    return [group for group in members if group is not None and len(group) > 1]


# --- labels --------------------------------------------------------------------------------------------------


@cache
def _word_tags() -> Mapping[str, str]:
    """jieba's part-of-speech tag of each dictionary word (loaded once, about a second)."""
    import jieba.posseg

    return jieba.posseg.dt.word_tag_tab


@cache
def _problem_lexicon() -> frozenset[str]:
    """Words that name a problem or its object: the category keywords and the hotline domain words, without
    the names of offices (…局, …部门) that say who handles a problem rather than what it is."""
    words = {w for keywords in read_keywords().values() for w in keywords} | set(domain_words()) | _PROBLEM_WORDS
    return frozenset(w for w in words if not w.endswith(_OFFICE_ENDINGS))


def _title(text: str) -> str:
    """The title: the text up to its first line or sentence break (``title + appeal`` as the service joins
    them), or its first ``_TITLE_CHARS`` characters. An order without a title starts with its appeal."""
    text = text.lstrip()
    match = _TITLE_END.search(text, 0, _TITLE_CHARS + 1)
    return text[: match.start()] if match else text[:_TITLE_CHARS]


def _segments(text: str) -> list[tuple[int, str]]:
    """(offset, word) of every word jieba finds in ``text``, punctuation left out."""
    out = []
    position = 0
    for word in default_tokenizer().words(text):
        position = text.find(word, position)
        out.append((position, word))
        position += len(word)
    return out


def _single(word: str) -> bool:
    """A single character that may belong to a word jieba does not know (丽|发, 车|贷)."""
    return len(word) == 1 and not word.isascii() and word not in _NOT_IN_NAME


def _joined(words: Sequence[tuple[int, str]]) -> list[str]:
    """The words with each run of single characters joined into one word (车|贷 → 车贷), a latin or digit
    token right in front joining it (58车贷). jieba, without its HMM, leaves unknown words in pieces."""
    out: list[str] = []
    end, open_run = -1, False
    for offset, word in words:
        if _single(word) and offset == end and (open_run or out[-1].isascii()):
            out[-1] += word
            open_run = True
        else:
            out.append(word)
            open_run = _single(word)
        end = offset + len(word)
    return out


def _name_like(word: str) -> bool:
    """Whether a word can be part of a place's name: not a function word, verb, adverb, number, idiom …"""
    if len(word) == 1:
        return word not in _NOT_IN_NAME
    return _word_tags().get(word, "n") not in _NOT_NAME_TAGS


def _clean_place(phrase: str, text: str, weights: TermWeights) -> str:
    """The place name in a phrase found by ``name_phrases``: the longest run of name-like words before its
    last word (the suffix), cut at word boundaries ("而凉塘路" → 凉塘路, "经开区泉星公园" → 泉星公园); "" when
    that run has no distinctive word ("于开展城镇", "济技术开发集团": 技术开发 is no name)."""
    at = text.find(phrase)
    if at < 0:
        return ""
    start = max(0, at - 4)  # a few characters of context, so that a word across the phrase's start shows
    inside = [(start + o, w) for o, w in _segments(text[start : at + len(phrase)]) if start + o >= at]
    if len(inside) < 2:
        return ""
    *core, _suffix = inside
    name: list[tuple[int, str]] = []
    for offset, word in reversed(core):
        if not _name_like(word):
            break
        name.insert(0, (offset, word))
    if max((distinctiveness(w, weights) for w in _joined(name) if len(w) >= 2), default=0.0) < DISTINCTIVE_IDF:
        return ""
    return text[name[0][0] : at + len(phrase)]


def _place(texts: Sequence[str], titles: Sequence[str], weights: TermWeights) -> tuple[str, set[str], set[str]]:
    """(the place most members name, the places a quarter of them name, every place any of them names). A
    name in a title counts twice; a site (…小区, …公司) beats an area (…路) named as often; a longer name
    beats the shorter one it contains when it is nearly as common (伊景园滨河苑 over 伊景园)."""
    counts: Counter[str] = Counter()
    members: Counter[str] = Counter()
    cleaned: dict[str, str] = {}
    for text, title in zip(texts, titles, strict=True):
        found: dict[str, None] = {}  # in the order of the text, so that ties go the same way in every run
        for phrase in name_phrases(text[:_PLACE_CHARS], weights):
            if phrase not in cleaned:
                cleaned[phrase] = _clean_place(phrase, text, weights)
            if cleaned[phrase]:
                found[cleaned[phrase]] = None
        members.update(found.keys())
        counts.update({place: 1 + (place in title) for place in found})
    needed = _needed(len(texts), 0.2)
    best, best_key = "", (0, 0, 0)
    for place, count in counts.items():
        key = (count, int(place[-1] not in "路街道巷"), len(place))
        if members[place] >= needed and key > best_key:
            best, best_key = place, key
    for place in counts:
        if best and best in place and place != best and members[place] >= 0.7 * members[best]:
            best = place
    common = {place for place, count in members.items() if count >= _needed(len(texts), 0.25)}
    return best, common | ({best} if best else set()), set(members)


def _needed(members: int, share: float) -> int:
    """How many members must use a word or name for it to speak for the group."""
    return max(2, math.ceil(share * members)) if members > 2 else 1


def _problem_words(
    texts: Sequence[str], titles: Sequence[str], places: set[str], names: set[str], weights: TermWeights
) -> list[tuple[str, float, float]]:
    """(word, score, share of members using it) for the words of the members' titles that say what the
    problem is, best first: score = (share of titles using it + share of texts using it) × distinctiveness
    (capped, so a rare aside does not beat the shared problem), more for words of the problem lexicon, less for words that look like names (in some member's place
    ``names``, tagged as a name by jieba, or unknown to it). Left out: words of the group's ``places``,
    generic words, idioms, adverbs, numbers, district codes, and words used by fewer than a quarter of the
    members."""
    bodies = [text[:_BODY_CHARS] for text in texts]
    needed = _needed(len(texts), 0.25)
    lexicon = _problem_lexicon()
    tags = _word_tags()
    stops = stop_words()
    for sources in (titles, [body[:_TITLE_CHARS] for body in bodies]):
        candidates = {w for source in sources for w in _joined(_segments(source))}
        scored = []
        for word in candidates:
            if (
                len(word) < 2
                or word in stops
                or word in _GENERIC
                or _DISTRICT_CODE.match(word)
                or _number_like(word)
                or tags.get(word, "n") in _NOT_PROBLEM_TAGS
                or any(word in place for place in places)
            ):
                continue
            in_bodies = sum(word in body for body in bodies)
            if in_bodies < needed:
                continue
            in_titles = sum(word in title for title in titles)
            weight = min(distinctiveness(word, weights), _IDF_CAP)
            if word in lexicon or any(part in lexicon for part in _parts(word)):
                weight *= _LEXICON_BONUS
            elif word not in tags or tags[word] in _NAME_TAGS or any(word in name for name in names):
                weight *= _NAME_PENALTY
            scored.append((word, (in_titles + in_bodies) / len(texts) * weight, in_bodies / len(texts)))
        if scored:
            scored.sort(key=lambda item: (-item[1], item[0]))
            return scored
    return []


_NUMBER_PARTS = "0123456789０１２３４５６７８９.．%％年月日号时点分秒元万亿千百个岁次天周楼栋层室"


def _number_like(word: str) -> bool:
    """A number, a date or an amount (2016, 2016年31日, 3000元, 5号楼): never the problem."""
    return any(c.isdigit() for c in word) and not word.strip(_NUMBER_PARTS)


def _parts(word: str) -> list[str]:
    """The Chinese part of a word joined to a number (58车贷 → 车贷), to look it up in the lexicon."""
    stripped = word.lstrip("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return [stripped] if stripped and stripped != word else []


def _reading_order(words: list[str], texts: Sequence[str]) -> list[str]:
    """The words in the order most members write them (搅拌站 before 噪音)."""

    def before(a: str, b: str) -> int:
        votes = 0
        for text in texts:
            i, j = text.find(a), text.find(b)
            if i >= 0 and j >= 0:
                votes += 1 if i < j else -1
        return votes

    if len(words) == 2 and before(words[1], words[0]) > 0:
        return [words[1], words[0]]
    return words


def _bigram_set(word: str) -> set[str]:
    return {word[i : i + 2] for i in range(len(word) - 1)}


def _label(texts: Sequence[str], weights: TermWeights) -> tuple[str, str, tuple[str, ...]]:
    """(place, problem, terms) of a group of texts."""
    titles = [_title(text) for text in texts]
    place, places, names = _place(texts, titles, weights)
    words = _problem_words(texts, titles, places, names, weights)
    chosen: list[str] = []
    for word, score, share in words:
        if chosen and (score < _SECOND_WORD * words[0][1] or share < _SECOND_SHARE):
            break
        # A second word that overlaps the first says the same again (高压线, 高压电).
        if not any(_bigram_set(word) & _bigram_set(other) for other in chosen):
            chosen.append(word)
        if len(chosen) == 2:
            break
    problem = "".join(_reading_order(chosen, [*titles, *texts]))
    terms: list[str] = [place] if place else []
    for word, _, _ in words:
        if len(terms) == _TERMS:
            break
        if not any(word in t or t in word for t in terms):
            terms.append(word)
    return place, problem, tuple(terms)


def _compose_label(place: str, problem: str) -> str:
    label = f"{place} {problem}".strip() if place and problem else (place or problem or "未命名热点")
    return label[:LABEL_MAX]


# --- detection -----------------------------------------------------------------------------------------------


def _deepest_area(items: Sequence[HotspotItem]) -> int | None:
    """The deepest gazetteer area that a majority of the members lie in."""
    area: int | None = None
    depth = 0
    while True:
        prefixes = Counter(it.area_path[: depth + 1] for it in items if len(it.area_path) > depth)
        if not prefixes:
            return area
        prefix, count = prefixes.most_common(1)[0]
        if count * 2 <= len(items) or (area is not None and prefix[:-1] and prefix[-2] != area):
            return area
        area = prefix[-1]
        depth += 1


AreaKey = tuple[int | None, str]  # (gazetteer area id, level-1 category); (None, category): no known place


def area_keys(area_path: Sequence[int], category: str) -> list[AreaKey]:
    """The keys an order counts under for the emerging rule: its area and every area above it, with its
    category (an order in a community counts for its community, street, district and city)."""
    return [(area, category) for area in area_path] if area_path else [(None, category)]


def area_counts(items: Iterable[HotspotItem]) -> Counter[AreaKey]:
    """Orders per (area, category) at every level of the gazetteer."""
    counts: Counter[AreaKey] = Counter()
    for item in items:
        counts.update(area_keys(item.area_path, item.category))
    return counts


def _district_key(item: HotspotItem) -> int | None:
    return item.area_path[1] if len(item.area_path) > 1 else None


def _distinct_callers(items: Sequence[HotspotItem]) -> int:
    return len({it.caller for it in items if it.caller}) + sum(1 for it in items if not it.caller)


def _timeline(items: Sequence[HotspotItem]) -> tuple[tuple[date, int], ...]:
    days = Counter(it.created_at.date() for it in items)
    first, last = min(days), max(days)
    span = (last - first).days
    return tuple((first + timedelta(days=d), days.get(first + timedelta(days=d), 0)) for d in range(span + 1))


def _siblings(current: _Vectors, previous: _Vectors, groups: Sequence[Sequence[int]], n_previous: int) -> list[int]:
    """For each group of current rows, how many previous orders belong to it (mean probability ≥ LINK_P)."""
    if not n_previous or not groups:
        return [0] * len(groups)
    member_rows = np.array(sorted({r for g in groups for r in g}), dtype=np.int64)
    group_of = np.full(len(current.days), -1, dtype=np.int64)
    for g, rows in enumerate(groups):
        group_of[rows] = g
    known, unknown = _blocks(previous.district)
    tasks = []
    for block in known:
        district = previous.district[block[0]]
        cols = member_rows[(current.district[member_rows] == district) | (current.district[member_rows] < 0)]
        tasks += _pair_tasks(previous, current, block, cols, upper=False)
    if len(unknown):
        tasks += _pair_tasks(previous, current, unknown, member_rows, upper=False)
    pa, pc, pp = _run_pairs(tasks)
    sums: dict[tuple[int, int], float] = defaultdict(float)
    for a, c, p in zip(pa.tolist(), group_of[pc].tolist(), pp.tolist(), strict=True):
        sums[(a, c)] += p
    best: dict[int, tuple[float, int]] = {}
    for (a, g), total in sums.items():
        mean = total / len(groups[g])
        if mean >= LINK_P and mean > best.get(a, (0.0, -1))[0]:
            best[a] = (mean, g)
    counts = Counter(g for _, g in best.values())
    return [counts.get(g, 0) for g in range(len(groups))]


def detect_hotspots(
    items: Sequence[HotspotItem],
    *,
    window_end: datetime,
    window_days: int = 30,
    min_reports: int = MIN_REPORTS,
    baseline: Mapping[AreaKey, float] | None = None,
    previous: Sequence[HotspotItem] = (),
) -> list[DetectedHotspot]:
    """The hotspots among the orders created in (window_end - window_days, window_end], hottest first."""
    window_start = window_end - timedelta(days=window_days)
    current = [it for it in items if window_start < it.created_at <= window_end]
    earlier = [it for it in previous if window_start - timedelta(days=window_days) < it.created_at <= window_start]
    if not current:
        return []
    weights = _weights()
    batch = _vectorise([*current, *earlier], weights)
    n = len(current)
    vectors = _take(batch, np.arange(n))
    ia, ib, p = _edges(vectors)
    groups = [
        sorted(g, key=lambda r: (current[r].created_at, current[r].id)) for g in average_linkage(n, ia, ib, p, LINK_P)
    ]
    groups = [g for g in groups if _distinct_callers([current[r] for r in g]) >= min_reports]
    siblings = _siblings(vectors, _take(batch, np.arange(n, n + len(earlier))), groups, len(earlier))

    previous_counts = area_counts(earlier) if baseline is None else Counter()  # only stands in for a baseline
    hotspots = []
    for rows, previous_count in zip(groups, siblings, strict=True):
        members = [current[r] for r in rows]
        hotspots.append(_hotspot(members, previous_count, weights, previous_counts, baseline, min_reports, earlier))
    hotspots.sort(key=lambda h: (-h.heat, -h.count, h.first_seen))
    return hotspots


def _take(vectors: _Vectors, rows: np.ndarray) -> _Vectors:
    return _Vectors(
        text=vectors.text[rows],
        site_bin=vectors.site_bin[rows],
        site_idf=vectors.site_idf[rows],
        name_bin=vectors.name_bin[rows],
        name_idf=vectors.name_idf[rows],
        site_total=vectors.site_total[rows],
        name_total=vectors.name_total[rows],
        district_text=vectors.district_text[rows],
        district_count=vectors.district_count[rows],
        district=vectors.district[rows],
        street=vectors.street[rows],
        community=vectors.community[rows],
        days=vectors.days[rows],
        caller=vectors.caller[rows],
    )


def _hotspot(
    members: Sequence[HotspotItem],
    previous_count: int,
    weights: TermWeights,
    previous_counts: Mapping[AreaKey, int],
    baseline: Mapping[AreaKey, float] | None,
    min_reports: int,
    earlier: Sequence[HotspotItem],
) -> DetectedHotspot:
    count = len(members)
    callers = _distinct_callers(members)
    growth = (count - previous_count) / max(previous_count, 1)
    urgency = urgency_share(members)
    likes = sum(max(it.likes, 0) for it in members)
    heat, parts = heat_index(reports=count, distinct_callers=callers, growth=growth, urgency_share=urgency, likes=likes)
    sample = _spread(members, _LABEL_SAMPLE)
    place, problem, terms = _label([it.text for it in sample], weights)
    category = Counter(it.category for it in members if it.category).most_common(1)
    district = Counter(_district_key(it) for it in members).most_common(1)[0][0]
    area = _deepest_area(members)
    key = (area, category[0][0] if category else "")
    emerging = _is_emerging(count, previous_count, growth, key, previous_counts, baseline, min_reports, earlier)
    return DetectedHotspot(
        member_ids=tuple(it.id for it in members),
        label=_compose_label(place, problem),
        place=place,
        problem=problem,
        terms=terms,
        area_id=area,
        category=key[1],
        first_seen=min(it.created_at for it in members),
        last_seen=max(it.created_at for it in members),
        count=count,
        distinct_callers=callers,
        previous_count=previous_count,
        growth=round(growth, 3),
        urgency_share=round(urgency, 3),
        likes=likes,
        heat=heat,
        heat_parts=parts,
        emerging=emerging,
        timeline=_timeline(members),
        departments=tuple(Counter(it.department for it in members if it.department).most_common()),
        district_id=district,
    )


def _spread(members: Sequence[HotspotItem], limit: int) -> list[HotspotItem]:
    """At most ``limit`` members spread evenly over the group (it is sorted by time)."""
    if len(members) <= limit:
        return list(members)
    step = len(members) / limit
    return [members[int(i * step)] for i in range(limit)]


def _is_emerging(
    count: int,
    previous_count: int,
    growth: float,
    key: AreaKey,
    previous_counts: Mapping[AreaKey, int],
    baseline: Mapping[AreaKey, float] | None,
    min_reports: int,
    earlier: Sequence[HotspotItem],
) -> bool:
    if baseline is not None:
        usual = baseline.get(key, 0.0)
    elif earlier:
        usual = float(previous_counts.get(key, 0))
    else:
        return False
    new_reports = count - previous_count
    return growth >= EMERGING_GROWTH and new_reports >= max(min_reports, EMERGING_SIGMAS * math.sqrt(max(usual, 0.0)))


# --- 每月一题 --------------------------------------------------------------------------------------------------


def _same_problem(a: DetectedHotspot, b: DetectedHotspot) -> bool:
    if set(a.member_ids) & set(b.member_ids):
        return True
    if a.district_id is not None and b.district_id is not None and a.district_id != b.district_id:
        return False  # 人民路 in two districts is two roads
    if a.place and b.place:
        same_place = a.place in b.place or b.place in a.place
    else:
        same_place = not a.place and not b.place and a.area_id is not None and a.area_id == b.area_id
    if not same_place:
        return False
    if a.problem and a.problem == b.problem:
        return True
    terms_a = set(a.terms) - {a.place}
    terms_b = set(b.terms) - {b.place}
    if not terms_a or not terms_b:
        return False
    return len(terms_a & terms_b) / min(len(terms_a), len(terms_b)) >= 1 / 3


def monthly_candidates(
    hotspots_by_month: Mapping[str, Sequence[DetectedHotspot]], *, min_months: int = 2
) -> list[Candidate]:
    """每月一题: problems that were hotspots in at least ``min_months`` months, or one month's large and
    persistent hotspots; ranked by months seen, then total heat."""
    entries = [(month, h) for month in sorted(hotspots_by_month) for h in hotspots_by_month[month]]
    # Hottest first, each hotspot joins the first group whose hottest hotspot (its anchor) is the same
    # problem, else starts a group: every member is like the anchor, so no chain of small likenesses
    # (a ~ b, b ~ c) puts unrelated problems together.
    groups: list[list[tuple[str, DetectedHotspot]]] = []
    for month, hotspot in sorted(entries, key=lambda entry: (-entry[1].heat, entry[0])):
        for group in groups:
            anchor_month, anchor = group[0]
            if _same_problem(anchor, hotspot):
                group.append((month, hotspot))
                break
        else:
            groups.append([(month, hotspot)])

    candidates = []
    for group in groups:
        months = tuple(sorted({month for month, _ in group}))
        hotspots = tuple(h for _, h in group)
        reports = sum(h.count for h in hotspots)
        callers = max(h.distinct_callers for h in hotspots)
        heat = round(sum(h.heat for h in hotspots), 2)
        hottest = max(hotspots, key=lambda h: h.heat)
        if len(months) >= min_months:
            reason = f"{len(months)} months ({', '.join(months)}): {reports} reports, up to {callers} callers a month"
        else:
            persistent = [
                h
                for h in hotspots
                if h.count >= LARGE_REPORTS
                and h.distinct_callers >= LARGE_CALLERS
                and (h.last_seen - h.first_seen) >= timedelta(days=LARGE_DAYS)
            ]
            if not persistent:
                continue
            big = max(persistent, key=lambda h: h.count)
            days = (big.last_seen - big.first_seen).days
            reason = f"large and persistent in {months[0]}: {big.count} reports from {big.distinct_callers} callers over {days} days"
        candidates.append(
            Candidate(
                label=hottest.label,
                place=hottest.place,
                problem=hottest.problem,
                months=months,
                reports=reports,
                distinct_callers=callers,
                heat=heat,
                reason=reason,
                hotspots=hotspots,
            )
        )
    candidates.sort(key=lambda c: (-len(c.months), -c.heat, c.label))
    return candidates
