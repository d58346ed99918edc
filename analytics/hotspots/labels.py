"""Readable hotspot labels: "place + problem", such as "丽发新城 搅拌站噪音" or "凉塘路 旧城改造".

A hotspot's label is read from up to ``_LABEL_SAMPLE`` of its members spread evenly over the group (oldest
first), each read as its title (the text up to its first line or sentence break, at most ``_TITLE_CHARS``
characters) and its start (``_BODY_CHARS`` characters). *Place*: the names ``duplicates.name_phrases``
finds, cut to whole words with the project's jieba tokenizer (``triage.tokenize``): walking back from the
suffix (…小区, …路) over words that can belong to a name, stopping at a function word, verb, adverb, number
or idiom (jieba's part-of-speech tags), and kept only if a word of the name is distinctive: "而凉塘路" →
凉塘路, "经开区泉星公园" → 泉星公园, "于开展城镇" and "济技术开发集团" → nothing. The place most members
name wins (a name in a title counts twice; a site over an area; the longer of two nested names when nearly
as common; on a full tie, the name met first in the members' texts, so that every hourly run gives the same
label). *Problem*: the one or two words of the titles (jieba words; runs of single characters jieba does
not know joined: 车|贷 → 车贷, 58车贷) scored (share of titles using it + share of texts using it) ×
distinctiveness capped at ``_IDF_CAP`` (so a rare aside does not beat the shared problem), × 1.5 for words
of the problem lexicon (the category keywords of ``triage/data/category_keywords.tsv``, the tokenizer's
domain words and ``_PROBLEM_WORDS``), × 0.4 for words that look like names (in a member's place, tagged a
name, unknown to jieba). Left out: words of the places a quarter of the members name, generic words (投诉,
问题, 小区 …), idioms, adverbs, numbers and dates (2016年31日), district codes (A3), and words fewer than a
quarter of the members use. The second word joins when it scores at least 40 % of the first, half the
members use it, and it shares no two characters with the first; the two are written in the order most
members write them. The hotspot's terms are its place and the next best problem words (``_TERMS`` in all);
the monthly topics compare them.

Pure code: texts in, strings out; no Django.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import cache
from typing import NamedTuple

from triage.duplicates import DISTINCTIVE_IDF, TermWeights, distinctiveness, name_phrases
from triage.taxonomy import read_keywords
from triage.tokenize import default_tokenizer, domain_words, stop_words

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


class Label(NamedTuple):
    """What a hotspot is called: ``label`` is "place problem", cut to ``LABEL_MAX`` characters."""

    label: str
    place: str
    problem: str
    terms: tuple[str, ...]


def hotspot_label(texts: Sequence[str], weights: TermWeights) -> Label:
    """The label of a group from its members' texts, oldest first (read from up to ``_LABEL_SAMPLE`` of
    them, spread evenly over the group)."""
    place, problem, terms = _describe(_spread(texts, _LABEL_SAMPLE), weights)
    return Label(_compose_label(place, problem), place, problem, terms)


def _spread(texts: Sequence[str], limit: int) -> list[str]:
    """At most ``limit`` texts spread evenly over the group (it is sorted by time)."""
    if len(texts) <= limit:
        return list(texts)
    step = len(texts) / limit
    return [texts[int(i * step)] for i in range(limit)]


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


def _describe(texts: Sequence[str], weights: TermWeights) -> tuple[str, str, tuple[str, ...]]:
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
