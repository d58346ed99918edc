"""Title and structured summary of an appeal (诉求人 / 诉求地点 / 诉求内容 / 诉求目的), without an LLM.

The text is cut into sentences and clauses (at ，： and paragraph breaks); greetings, thanks, 此致敬礼, "恳请领导
重视", form fields and masking placeholders are dropped. A clause is described by its character bigrams, which
need no word segmentation and, on this data, choose titles better than jieba words do, and faster.

Title, extractive: the candidates are the first twelve clauses, each alone and a short one joined to the next,
compressed (leading dates, connectives, "我是…", "向您反映…", asides in brackets dropped), each with and without
the place in front: the outermost gazetteer place the caller found (or else the first code like A3区 in the
text) and the town and village written right after it. A linear scorer weighs each candidate's TF-IDF
centrality, position, length, what it mentions (a place, a problem word, a request, a question, digits,
pronouns) and an estimate of its ROUGE-L against the title a citizen would write: the sum, over its bigrams, of
the chance that such a title contains the bigram. That chance is a small logistic model of the bigram's title
rate (how often citizens who wrote it in a message also put it in the title), idf, count, and the first clause
and sentence it appears in. A candidate that only names a place or the appellant ("A5区某小区的一名住户") is held
back by hand (NAMES_ONLY_PENALTY).

The word table (``data/summary_words.tsv``: how many messages have each of the 20,000 commonest bigrams, and
how many of their titles) and all weights were fitted on teddy2020c ``messages_unlabelled.csv`` only: the chance
model by logistic regression, the scorer by maximising the expected ROUGE-L F1 of a softmax over each message's
candidates, both against tables built without the message's own fold so that they do not trust the table more
than it deserves on new text. ``bench/bench_titles.py`` measures the titles on the other files as held-out data
and refits everything (``--build-table``, ``--fit``). On held-out citizen titles the character ROUGE-L F1 is
0.437 (7,322 messages), against 0.351 for the first 20 characters and 0.331 for the first sentence.

The other parts are rules. Appellant: "我是…/本人系…/我叫…，是…/作为一名…/…居民反映". Location: the longest run
of place names written together ("A3区枫林路阳光小区3栋"), starting at a known place, a district code or after
在/位于/家住, with the district in front when the text named it earlier. Content: the 1–3 most central factual
sentences (without "我是…" and without the request). Purpose: the most central request, from the clause with
希望/要求/请求/恳请/建议/呼吁/请… to the end of its sentence (later ones preferred), or else the first question.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
TITLE_LIMIT = 30
CONTENT_LIMIT = 150
PURPOSE_LIMIT = 80
APPELLANT_LIMIT = 30
LOCATION_LIMIT = 40
_ANALYSED_CHARS = 1500  # a long letter states its appeal early; reading further only costs time


@dataclass(frozen=True)
class Summary:
    title: str  # at most 30 characters: place + problem
    appellant: str  # 诉求人, "" when the text does not say
    location: str  # 诉求地点, as written
    content: str  # 诉求内容: the facts, at most 150 characters
    purpose: str  # 诉求目的: what the citizen wants done

    def as_text(self) -> str:
        parts = (
            ("诉求人", self.appellant),
            ("诉求地点", self.location),
            ("诉求内容", self.content),
            ("诉求目的", self.purpose),
        )
        return "\n".join(f"{label}：{value}" for label, value in parts if value)


# --- the word table -----------------------------------------------------------------------------------------

_PRIOR_STRENGTH = 5.0  # how many messages' worth of belief the title rate of rare bigrams gets


@dataclass(frozen=True)
class WordTable:
    """How many messages use a bigram, and in how many of them the citizen's title has it too."""

    documents: int
    rare_title_rate: float  # the title rate of bigrams too rare to be in the table
    frequency: dict[str, int]
    in_title: dict[str, int]

    def idf(self, gram: str) -> float:
        return math.log((self.documents + 1) / (self.frequency.get(gram, 1) + 0.5))

    def title_rate(self, gram: str) -> float:
        seen = self.frequency.get(gram)
        if seen is None:
            return self.rare_title_rate
        prior = self.rare_title_rate * _PRIOR_STRENGTH
        return (self.in_title.get(gram, 0) + prior) / (seen + _PRIOR_STRENGTH)

    @classmethod
    def read(cls, path: Path) -> WordTable:
        documents, rare = 1, 0.05
        frequency: dict[str, int] = {}
        in_title: dict[str, int] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line or line.startswith("#"):
                continue
            gram, seen, titled = line.split("\t")
            if gram == "documents":
                documents, rare = int(seen), float(titled)
            else:
                frequency[gram], in_title[gram] = int(seen), int(titled)
        return cls(documents, rare, frequency, in_title)

    def write(self, path: Path, header: str) -> None:
        lines = [f"# {line}" for line in header.splitlines()]
        lines.append(f"documents\t{self.documents}\t{self.rare_title_rate:.4f}")
        lines += [f"{gram}\t{n}\t{self.in_title.get(gram, 0)}" for gram, n in self.frequency.items()]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@cache
def word_table() -> WordTable:
    return WordTable.read(DATA / "summary_words.tsv")


# --- cleaning and splitting ---------------------------------------------------------------------------------

_NOISE = re.compile(r"\[[A-Z][A-Z0-9_]*\]|\*{2,}|_x000D_|\[政府发文\]|https?://[\x21-\x7e]+")
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;\n]*")
_CLAUSE_SPLIT = re.compile(r"[，,：:~～…\u3000\t]+|\s{2,}")
_NOT_TEXT = re.compile(r"[^\u4e00-\u9fffA-Za-z0-9]+")
_EDGE = re.compile(r"^[^\u4e00-\u9fffA-Za-z0-9《“]+|[^\u4e00-\u9fffA-Za-z0-9》”）)]+$")
_OFFICIAL = (
    r"(?:领导|书记|市长|县长|区长|局长|厅长|省长|镇长|乡长|主任|部长|处长|同志|工作人员|老师|政府|先生|女士|大人)"
)
_GREETING = re.compile(
    r"^(?:尊敬|敬爱|亲爱)的?[^，,]{0,16}$"
    rf"|^(?:各位|上级|政府|市|县|区)?[\u4e00-\u9fa5]{{0,6}}{_OFFICIAL}们?(?:同志|大人|先生)?(?:(?:您|你)们?)?好?[啊呀]?$"
    r"|^(?:喂|哎|嗯|您|你|大家)*(?:您|你|大家)们?好[啊呀]?(?:领导)?$|^(?:喂|嗯|呃|啊|哦|对|是的|好的|好)+$"
    r"|^(?:很抱歉|冒昧)?(?:在)?(?:您|你)?(?:的)?百忙之中.{0,10}$|^(?:很抱歉)?打扰(?:您|你|一下)"
)
_CLOSING = re.compile(
    r"^(?:谢谢|感谢|多谢|万分感谢|非常感谢|十分感谢|深表感谢|此致|敬礼|此致敬礼|不胜感激|感激不尽|盼复|盼回复|望回复|切盼|急盼"
    r"|期待.{0,6}回复|麻烦了|辛苦了|拜托|为感|为盼|祝.{0,8}(?:顺利|健康|愉快)|身体健康|工作顺利|特此.{0,4}|原帖链接|相关帖文|不胜感谢)"
    r"|^(?:期盼|期待|盼望|恳请|希望|望)(?:您|你|领导|各位领导)?(?:的|能)?(?:关注|重视|回复|答复)(?:此事)?$|敬礼$"
    r"|^(?:恳请|望|请|希望|还请|敬请)?(?:各位|上级|有关|市|县|区)?领导(?:给予)?(?:高度)?(?:重视|关注|明查)(?:为盼|为谢)?$"
    r"|谢谢(?:各位|您|你|你们|领导|政府)*[了啦]?$|^(?:我们)?(?:万分)?感谢"
)
_FORM_FIELD = re.compile(
    r"^(?:报告人|申请人|举报人|实名举报人|申诉人|控告人|受害人|联系电话|电话|联系方式|身份证号?|日期|性别|男|女|汉族)$"
)


_CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])")
_ELLIPSIS = re.compile(r"…{1,}|\.{3,}|。{2,}")


def clean(text: str) -> str:
    """Masking placeholders and data-set artefacts removed, an ellipsis ends a sentence, a lone space between
    Chinese characters dropped; runs of spaces stay, they separate paragraphs."""
    return _ELLIPSIS.sub("。", _CJK_SPACE.sub("", _NOISE.sub("", text)))


def _is_boilerplate(clause: str) -> bool:
    return bool(_GREETING.search(clause) or _CLOSING.search(clause) or _FORM_FIELD.match(clause))


def _bigrams(text: str) -> list[str]:
    letters = _NOT_TEXT.sub("", text)
    return [letters[k : k + 2] for k in range(len(letters) - 1)]


_QUESTION = re.compile(r"吗|为何|为什么|何时|怎么|怎样|如何|是否|能否|可否|请问|哪里|什么时候|有没有|可不可以|能不能")


@dataclass(frozen=True)
class _Clause:
    text: str
    sentence: int  # index of its sentence among sentences with something left
    grams: tuple[str, ...]
    question: bool  # its sentence has a question word
    asks: bool  # its sentence ends with a question mark


def _clauses(text: str) -> list[_Clause]:
    clauses: list[_Clause] = []
    sentence_index = 0
    for match in _SENTENCE.finditer(text[:_ANALYSED_CHARS]):
        sentence = match.group(0)
        asks = sentence.rstrip().endswith(("？", "?"))
        question = asks or bool(_QUESTION.search(sentence))
        parts = [_EDGE.sub("", part) for part in _CLAUSE_SPLIT.split(sentence)]
        kept = [part for part in parts if part and not _is_boilerplate(part)]
        clauses += [_Clause(part, sentence_index, tuple(_bigrams(part)), question, asks) for part in kept]
        sentence_index += bool(kept)
    return clauses


def vocabulary(text: str) -> set[str]:
    """The bigrams summarise reads in a message: what the word table counts."""
    return {gram for clause in _clauses(clean(text)) for gram in clause.grams}


# --- places -------------------------------------------------------------------------------------------------

_DISTRICT = re.compile(r"[A-Z]\d{0,2}(?:市|区|县|州)")
_CHAIN_TAIL = re.compile(
    r"(?:[\u4e00-\u9fa5]{2,5}?(?:镇|乡|街道(?:办事处)?))?(?:[\u4e00-\u9fa5]{1,5}?(?:村|社区)(?![民委]|干部|书记|主任))?"
)


def _title_place(text: str, places: Sequence[str]) -> tuple[str, str]:
    """The place a title starts with: the outermost place the caller found in the text (or else the first code
    like A3区 written in it; "A市A3区" gives A3区), and the town and village written right after it, e.g.
    ("A7县", "黄兴镇长轴社区")."""
    found = [place for place in places if place and place in text]
    if found:
        district = found[0]
    else:
        code = _DISTRICT.search(text)
        if not code:
            return "", ""
        inner = _DISTRICT.match(text, code.end())
        district = (inner or code).group(0)
    tails = (_CHAIN_TAIL.match(text, m.end()) for m in re.finditer(re.escape(district), text))
    tail = max((m.group(0) for m in tails if m), key=len, default="")
    return district, tail


_LONG_SUFFIX = (
    r"(?:街道|办事处|社区|大道|胡同|小区|花园|公寓|大厦|新村|家园|新城|广场|市场|商场|学校|小学|中学|大学|学院|幼儿园|医院"
    r"|卫生院|公园|工业园|园区|大桥|车站)"
)
_SHORT_SUFFIX = r"(?:省|市|区|县|州|镇|乡|村|路|街|巷|苑|桥|站)"
_NUMBER = r"[\d一二三四五六七八九十]{1,5}"
_NUMBERED_SUFFIX = r"(?:号院|号楼|栋|幢|单元|号|楼|层|室|期|组)"
_NAME_CHAR = r"(?:(?![的了在我是和与把被向从到给就都也有这那该此其对将为于个由])[\u4e00-\u9fa5])"
_SEGMENT = re.compile(
    rf"[A-Z]\d{{0,2}}(?:市|区|县|州)|第?{_NUMBER}{_NUMBERED_SUFFIX}"
    rf"|{_NAME_CHAR}{{2,8}}?{_LONG_SUFFIX}|{_NAME_CHAR}{{2,5}}?{_SHORT_SUFFIX}"
)
_HAS_REGION = re.compile(r"[省市县州]|(?<![小社园城])区")
_LOCATION_LEAD = re.compile(r"位于|地址[是为]?|住在|家住|居住在|坐落在|地点[是为]?|在")


def _location(text: str, places: Sequence[str], district: str) -> str:
    """The longest run of place names written together (most names, then most characters), starting at a known
    place, a district code or after 在/位于/家住…; the district in front when the text named it earlier."""
    text = text[:_ANALYSED_CHARS]
    known = tuple(place for place in places if place)
    starts = {m.end() for m in _LOCATION_LEAD.finditer(text)}
    starts.update(m.start() for m in _DISTRICT.finditer(text))
    for place in known:
        starts.update(m.start() for m in re.finditer(re.escape(place), text))
    best, best_key = "", (0, 0)
    for start in sorted(starts):
        end, segments = start, 0
        while True:
            place = next((p for p in known if text.startswith(p, end)), None)
            match = None if place else _SEGMENT.match(text, end)
            if not place and not match:
                break
            end = end + len(place) if place else match.end()
            segments += 1
        key = (segments, end - start)
        if segments and (segments >= 2 or end - start >= 4 or _DISTRICT.match(text, start)) and key > best_key:
            best, best_key = text[start:end], key
    named_before = best and district and district not in best and 0 <= text.find(district) < text.find(best)
    if named_before and not _HAS_REGION.search(best):
        best = district + best
    return best[:LOCATION_LIMIT]


# --- appellant ----------------------------------------------------------------------------------------------

_PERSON = (
    r"(?:业主|居民|村民|市民|住户|租户|家长|学生|教师|老师|职工|员工|工人|农民工|农民|司机|驾驶员|车主|患者|病人|党员|群众|老人"
    r"|代表|股东|组员|店主|商户|个体户|退伍军人|军人|志愿者|消费者|乘客|游客|考生|毕业生|研究生|大学生|医生|护士|工作人员"
    r"|村干部|老百姓|百姓|购房者|业委会成员|居委会成员|骑手|网友|顾客|租客|人员|一员|之一"
    r"|人|户|者|民|工|生|师|员|主|长|属|手|客|友|妈妈|爸爸|母亲|父亲)"
)
_APPELLANT_PATTERNS = (
    re.compile(
        rf"(?:我|本人|我们)(?:都)?(?:是|系|乃)(?P<who>[^，。,！？!?；;：:\s]{{2,40}}?{_PERSON})(?:们)?(?=[，。,！？!?；;：:\s]|$|[,，]?(?:现|今|特|想|要|因|在|于))"
    ),
    re.compile(rf"(?:我|本人)叫[^，。,；;\s]{{0,6}}[，,\s]*(?:是|系)(?P<who>[^，。,！？!?；;：:\s]{{2,40}}?{_PERSON})"),
    re.compile(rf"作为(?P<who>(?:一名|一位|一个)?[^，。,！？!?；;：:\s]{{1,30}}?{_PERSON})[，,]"),
    re.compile(
        r"(?:^|[，。,！？!?；;：:\s])(?P<who>[^，。,！？!?；;：:\s]{2,24}?(?:业主|居民|村民|市民|住户|家长|职工|员工|群众|老人|学生|司机|商户))"
        r"(?:们)?(?:投诉|反映|反应|举报|求助|联名|强烈|请求|要求)"
    ),
)


def _appellant(text: str) -> str:
    head = text[:400]
    for pattern in _APPELLANT_PATTERNS:
        match = pattern.search(head)
        if match:
            who = match.group("who").strip()
            who = re.sub(r"^(?:来自|住在|居住在|家住)", "", who)
            if len(who) >= 2 and not who.startswith(("否", "不是", "想", "说", "因为", "这样")):
                return who[:APPELLANT_LIMIT]
    return ""


# --- title --------------------------------------------------------------------------------------------------

_PAREN = re.compile(r"（[^（）]{0,40}）|\([^()]{0,40}\)")
_UNBALANCED = re.compile(r"[（(《“][^）)》”]*$|^[^（(《“]*[）)》”]")
_LEADING_FILLER = re.compile(
    r"^(?:近日|近期|最近|近段时间|近来|近年来|目前|现在|如今|今年|去年|前年|前段时间|前几天|日前|今天|昨天|前天|当时|其中|此外|同时"
    r"|另外|还有|并且|而且|但是|可是|但|因为|因|由于|所以|因此|据悉|据了解|听说|众所周知|首先|其次|再次|最后|其一|其二|就是说?|那就是"
    r"|早上|上午|中午|下午|晚上|每天|自从|自|从|在|位于|关于|对于|请问|我想问|想问|问一下|问下|我们|我家|我|本人|咱们|笔者|话说"
    r"|您好|你好|领导好"
    r"|家住|住在|居住在|住|家是|家在|网上看到|看到|据|经|发现|得知|针对|鉴于|喂|嗯|呃|啊|那个|然后|是这样的|这样的|这个"
    r"|[\u4e00-\u9fa5]{2,3}省(?=[A-Z]\d{0,2}[市州]|[\u4e00-\u9fa5]{1,4}[市州])|[A-Z]市(?=[A-Z]\d{1,2}[区县市])"
    r"|\d{2,4}年(?:\d{1,2}月份?)?(?:\d{1,2}[日号])?(?:以来|开始|起|左右|至今)?|\d{1,2}月份?(?:\d{1,2}[日号])?(?:以来|开始|起|左右)?"
    r"|\d+[、.．)）]|[一二三四五六七八九十]+[、是]"
    r"|(?:想|要|特|现|特此|在此|再次)?(?:向|给|跟)?(?:您|你|你们|领导|各位领导|上级|政府|有关部门|相关部门)?(?:反映|反应|投诉|举报|求助|汇报)"
    r"(?:一下|一个|一件)?(?:事|事情|情况|问题)?)+"
)
_LEADING_PARTICLE = re.compile(r"^(?:的|于|是(?!否)|就|也|又|还|都|才|而|则|并|及|和|与|对此)")
_TRAILING = re.compile(r"(?:了|啊|呀|吧|呢|的|等)+$")
_SELF_INTRO = re.compile(
    r"^(?:我|本人|我们)?(?:是|系|叫|乃)(?!否)|^(?:我|本人|我们)(?:家住|住在|居住)|^作为(?:一名|一位|一个)"
)
_ASK_LEAD = re.compile(r"^(?:我|本人)?(?:想|要|特|特地|特此)?(咨询|了解)(?:一下|下)?")
_STARTS_PURPOSE = re.compile(r"^(?:希望|请|要求|恳请|建议|呼吁|强烈|望|盼)")
_PROBLEM = re.compile(
    r"问题|扰民|噪音|噪声|违规|违法|违章|严重|不作为|拖欠|乱|污染|隐患|无法|不能|没有|难|投诉|举报|反映|收费|拆迁|补偿|漏水|停水|停电|油烟|垃圾"
)
_PLACE_WORD = re.compile(r"小区|路|街|村|镇|乡|社区|学校|小学|中学|医院|公司|市场|广场|公园|大道|花园|工地|车站")
_PRONOUN = re.compile(r"我|你|您|他|她")


def _compress(text: str) -> str:
    text = _ASK_LEAD.sub(r"\1", _UNBALANCED.sub("", _PAREN.sub("", text)))
    previous = None
    while previous != text:
        previous = text
        text = _TRAILING.sub("", _LEADING_PARTICLE.sub("", _LEADING_FILLER.sub("", text)))
    return text


# A logistic model of "this bigram of the message is also in the citizen's title", fitted on messages_unlabelled.
# Weights of: the bigram's title rate as log-odds, its idf, log of its count in the message, 1/(1 + index of the
# first clause it is in), whether that is the first clause, 1/(1 + index of its first sentence), whether it
# has a digit, whether it is in the table; then the intercept.
CHANCE_MODEL = (0.7413, 0.0992, 0.8568, 4.163, -1.1188, 0.7616, -0.1005, 0.1503, -3.2411)

FEATURES = (
    "centrality",
    "most_central",
    "first",
    "second",
    "third",
    "early",
    "first_sentence",
    "joined",
    "self_intro",
    "has_district",
    "place_word",
    "problem",
    "purpose",
    "question",
    "digits",
    "pronoun",
    "length",
    "short",
    "long",
    "prefixed_district",
    "prefixed_tail",
    "estimated_precision",
    "estimated_recall",
    "estimated_f1",
)
# The title scorer's weights for the features above (in the order _candidates computes them), fitted on
# messages_unlabelled by maximising the expected ROUGE-L F1 of a softmax over each message's candidates
# (bench/bench_titles.py --fit).
TITLE_WEIGHTS: dict[str, float] = {
    "centrality": 9.362,
    "most_central": -0.334,
    "first": 0.275,
    "second": 1.051,
    "third": 1.549,
    "early": 2.283,
    "first_sentence": -0.994,
    "joined": -5.337,
    "self_intro": 0.209,
    "has_district": 4.451,
    "place_word": 2.765,
    "problem": 1.69,
    "purpose": 3.792,
    "question": 2.2,
    "digits": -0.784,
    "pronoun": -2.799,
    "length": -2.942,
    "short": -1.217,
    "long": -2.553,
    "prefixed_district": 2.947,
    "prefixed_tail": 2.584,
    "estimated_precision": 7.722,
    "estimated_recall": 11.646,
    "estimated_f1": 8.759,
}


class _GramModel:
    """The word table and the chance model together, with the part of each bigram's score that does not depend
    on the message worked out once: (idf, the message-independent part of the chance's log-odds)."""

    def __init__(self, table: WordTable, chance_model: Sequence[float]) -> None:
        self.table = table
        *coefficients, self.intercept = chance_model
        self.coefficients = tuple(coefficients)
        self.fixed = {gram: self._fixed(gram) for gram in table.frequency}
        # any bigram not in the table, without and with a digit (private-use characters are in no table)
        self.unknown = self._fixed("\ue000\ue000"), self._fixed("0\ue000")

    def _fixed(self, gram: str) -> tuple[float, float]:
        a, b, _, _, _, _, g, h = self.coefficients
        rate = self.table.title_rate(gram)
        idf = self.table.idf(gram)
        digit = gram[0].isdigit() or gram[1].isdigit()
        in_table = gram in self.table.frequency
        return idf, self.intercept + a * math.log(rate / (1.0 - rate)) + b * idf + g * digit + h * in_table


@cache
def _default_model() -> _GramModel:
    return _GramModel(word_table(), CHANCE_MODEL)


@dataclass(frozen=True)
class _Statistics:
    """Per bigram of the message: its TF-IDF weight and the chance that the title has it."""

    grams: dict[str, tuple[float, float]]  # bigram -> (weight, chance)
    expected: float  # how many of the message's bigrams the title is expected to have


def _first_seen(clauses: list[_Clause]) -> dict[str, list[int]]:
    """Per bigram: [count, index of the first clause with it, index of that clause's sentence]."""
    seen: dict[str, list[int]] = {}
    for k, clause in enumerate(clauses):
        for gram in clause.grams:
            known = seen.get(gram)
            if known is None:
                seen[gram] = [1, k, clause.sentence]
            else:
                known[0] += 1
    return seen


def chance_examples(text: str, table: WordTable) -> list[tuple[str, tuple[float, ...]]]:
    """Each bigram of a message with the features of the chance model (for fitting it): the bigram's title rate
    as log-odds, its idf, log of its count in the message, 1/(1 + index of the first clause it is in), whether
    that is the first clause, 1/(1 + index of its first sentence), whether it has a digit, whether it is in
    the table."""
    examples = []
    for gram, (n, k, s) in _first_seen(_clauses(clean(text))).items():
        rate = table.title_rate(gram)
        digit = gram[0].isdigit() or gram[1].isdigit()
        features = (
            math.log(rate / (1.0 - rate)),
            table.idf(gram),
            math.log(n),
            1.0 / (1 + k),
            float(k == 0),
            1.0 / (1 + s),
            float(digit),
            float(gram in table.frequency),
        )
        examples.append((gram, features))
    return examples


def _statistics(clauses: list[_Clause], model: _GramModel) -> _Statistics:
    _, _, c, d, e, f, _, _ = model.coefficients
    fixed, (plain, digit) = model.fixed, model.unknown
    log, exp = math.log, math.exp
    grams = {}
    expected = 0.0
    for gram, (n, k, s) in _first_seen(clauses).items():
        known = fixed.get(gram)
        if known is None:
            known = digit if gram[0].isdigit() or gram[1].isdigit() else plain
        log_n = log(n)
        z = known[1] + c * log_n + d / (1 + k) + f / (1 + s)
        if k == 0:
            z += e
        chance = 1.0 / (1.0 + exp(-z))
        grams[gram] = (known[0] * (1.0 + log_n), chance)
        expected += chance
    return _Statistics(grams, expected)


TITLE_CLAUSES = 12  # titles come from the opening: later clauses cost time and win rarely


def _bodies(clauses: list[_Clause]) -> list[tuple[int, str, bool]]:
    """(clause index, compressed text, joined): each clause alone, and a short clause with the next one of its
    sentence."""
    bodies = []
    for i, clause in enumerate(clauses[:TITLE_CLAUSES]):
        spans = [(clause.text, False)]
        following = clauses[i + 1] if i + 1 < len(clauses) else None
        if following and following.sentence == clause.sentence and len(clause.text) < 16:
            spans.append((clause.text + following.text, True))
        for text, joined in spans:
            body = _compress(text)
            if not body:
                continue
            bodies.append((i, body, joined))
    return bodies


def _sums(text: str, grams: dict[str, tuple[float, float]]) -> tuple[float, float]:
    """The summed TF-IDF weight and title chance of the distinct bigrams of a text."""
    weight = chance = 0.0
    for gram in set(_bigrams(text)):
        known = grams.get(gram)
        if known:
            weight += known[0]
            chance += known[1]
    return weight, chance


_Variants = list[tuple[str, tuple[float, ...]]]


def _candidates(
    clauses: list[_Clause], stats: _Statistics, place: tuple[str, str]
) -> list[tuple[str, tuple[float, ...], _Variants]]:
    """Every body with its features, and the titles made of it (with and without the place in front) with
    theirs."""
    described = []
    for i, body, joined in _bodies(clauses):
        weight, chance = _sums(body, stats.grams)
        described.append((i, body, joined, weight / math.sqrt(len(body) + 8), chance))
    if not described:
        return []
    top = max(row[3] for row in described) or 1.0
    district, tail = place
    prefixes = [("", 0.0, 0.0)]
    if district:
        prefixes.append((district, 1.0, 0.0))
        if tail:
            prefixes.append((district + tail, 1.0, 1.0))
    prefix_hits = {prefix: _sums(prefix, stats.grams)[1] for prefix, _, _ in prefixes}
    expected = stats.expected + 1.0
    first_sentence = clauses[0].sentence
    candidates: list[tuple[str, tuple[float, ...], _Variants]] = []
    for i, body, joined, central, hits in described:
        clause = clauses[i]
        shared = (
            central / top,
            float(central == top),
            float(i == 0),
            float(i == 1),
            float(i == 2),
            1.0 / (1.0 + i),
            float(clause.sentence == first_sentence),
            float(joined),
            float(bool(_SELF_INTRO.match(clause.text))),
            float(bool(_DISTRICT.search(body))),
            float(bool(_PLACE_WORD.search(body))),
            float(bool(_PROBLEM.search(body))),
            float(bool(_STARTS_PURPOSE.match(body))),
            float(clause.question),
            sum(map(str.isdigit, body)) / len(body),
            float(bool(_PRONOUN.search(body))),
        )
        titles: _Variants = []
        for prefix, prefixed, tailed in prefixes:
            if prefix and (district in body or (tailed and tail[:2] in body) or _DISTRICT.match(body)):
                continue
            title = (prefix + body)[:TITLE_LIMIT].rstrip()
            n = len(title)
            found = min(hits + prefix_hits[prefix], float(n))
            variant = (
                n / TITLE_LIMIT,
                float(n < 10),
                float(n > 25),
                prefixed,
                tailed,
                found / n,
                found / expected,
                2.0 * found / (n + expected),
            )
            titles.append((title, variant))
        candidates.append((body, shared, titles))
    return candidates


def title_candidates(
    text: str, *, places: Sequence[str] = (), table: WordTable | None = None, chance_model: Sequence[float] = ()
) -> list[tuple[str, tuple[float, ...]]]:
    """Every title candidate of a message with its features (for fitting TITLE_WEIGHTS)."""
    body = clean(text)
    clauses = _clauses(body)
    model = _GramModel(table, chance_model or CHANCE_MODEL) if table else _default_model()
    stats = _statistics(clauses, model)
    candidates = _candidates(clauses, stats, _title_place(body, places))
    return [(title, shared + variant) for _, shared, titles in candidates for title, variant in titles]


# A title that only names a place or the appellant ("A5区某小区的一名住户") says nothing about the problem. The
# fitted scorer likes such titles (they share the place with the citizen's title), so they are held back by hand:
# on the held-out files this takes them from 13 % to 7 % of titles for 0.004 of ROUGE-L F1 (bench_titles).
NAMES_ONLY_PENALTY = 4.0
# Only words that name people ("一名…", "一位…" too): "扰民", "施工", "发生" end in 民/工/生 as well.
_ENDS_WITH_PERSON = re.compile(
    r"(?:业主|居民|村民|市民|住户|租户|家长|职工|员工|工人|农民工|农民|司机|驾驶员|车主|患者|党员|群众|股东|组员|店主|商户"
    r"|个体户|退伍军人|志愿者|消费者|考生|毕业生|研究生|大学生|工作人员|老百姓|购房者|骑手|网友|租客|人员|一员|乡民|村民代表"
    r"|经营户|住户代表|业主代表)(?:们|之一)?$|(?:一名|一位)[\u4e00-\u9fa5]{1,6}$"
)


def _names_only(body: str) -> bool:
    if _ENDS_WITH_PERSON.search(body):
        return True
    end = 0
    while match := _SEGMENT.match(body, end):
        end = match.end()
    return end >= len(body) - 1


@cache
def _weight_vectors() -> tuple[tuple[float, ...], tuple[float, ...]]:
    weights = tuple(TITLE_WEIGHTS[name] for name in FEATURES)
    split = len(FEATURES) - 8  # the last eight describe the whole title, the others its body
    return weights[:split], weights[split:]


def _title(clauses: list[_Clause], stats: _Statistics, place: tuple[str, str]) -> str:
    shared_weights, variant_weights = _weight_vectors()
    best, best_score = "".join(place)[:TITLE_LIMIT], -math.inf
    for body, shared, titles in _candidates(clauses, stats, place):
        base = sum(map(operator.mul, shared_weights, shared))
        if _names_only(body):
            base -= NAMES_ONLY_PENALTY
        for title, variant in titles:
            score = base + sum(map(operator.mul, variant_weights, variant))
            if score > best_score:
                best, best_score = title, score
    return best


# --- content and purpose ------------------------------------------------------------------------------------

_PURPOSE_CUE = re.compile(
    r"^(?:[\u4e00-\u9fa5]{0,4}?(?<![没了的有去])(?:希望|要求|请求|恳请|建议|呼吁|敦促|盼望|期望|期盼)"
    r"|请(?!问)|望|务必|敬请|烦请|麻烦|求(?=各位|领导|政府|有关|相关|上级))"
)


def _sentences(clauses: list[_Clause]) -> list[list[_Clause]]:
    grouped: list[list[_Clause]] = []
    for clause in clauses:
        if grouped and grouped[-1][0].sentence == clause.sentence:
            grouped[-1].append(clause)
        else:
            grouped.append([clause])
    return grouped


def _join(clauses: Sequence[_Clause], limit: int, *, cut: bool = True, whole: bool = True) -> str:
    """Clauses back into one sentence, ended as it was when ``whole`` (they reach its end); cut at a clause when it
    would be longer than the limit (and inside the first clause only when ``cut``, else nothing)."""
    text = ""
    for clause in clauses:
        addition = clause.text if not text else "，" + clause.text
        if len(text) + len(addition) + 1 > limit:
            if not text and cut:
                text = clause.text[: limit - 1]
            break
        text += addition
    if not text:
        return ""
    return text + ("？" if whole and clauses[-1].asks and text.endswith(clauses[-1].text) else "。")


def _centrality(clauses: Sequence[_Clause], stats: _Statistics) -> float:
    grams = {gram for clause in clauses for gram in clause.grams}
    length = sum(len(clause.text) for clause in clauses)
    return sum(stats.grams[gram][0] for gram in grams) / math.sqrt(length + 20)


_ASKING = re.compile(r"^(?:我|本人|我们)?(?:想|特|特地)?(?:请问|问一下|问下|咨询|了解一下|打听)")
_REQUEST_LEAD = re.compile(
    r"^(?:我们|我|本人|大家|全体[\u4e00-\u9fa5]{0,6}|特此|在此|因此|所以|故|现|并|再次|强烈|真诚|诚恳)+"
)


def _request_start(sentence: list[_Clause]) -> int | None:
    """The index of the clause where a request (希望/要求/请…, not 不希望) begins, if the sentence makes one."""
    for k, clause in enumerate(sentence):
        text = _REQUEST_LEAD.sub("", clause.text)
        if _PURPOSE_CUE.match(text) and not text.startswith(("不", "别", "没")):
            return k
    return None


def _purpose(sentences: list[list[_Clause]], stats: _Statistics) -> tuple[str, tuple[int, int] | None]:
    """The request the citizen makes, from the clause with 希望/要求/请… to the end of its sentence: the most
    central one, later ones preferred. Without one, the first question asked, and where it starts (sentence,
    clause)."""
    best: tuple[float, str] | None = None
    for s, sentence in enumerate(sentences):
        k = _request_start(sentence)
        if k is not None:
            request = sentence[k:]
            score = _centrality(request, stats) * (1.0 + 0.5 * s / len(sentences))
            if best is None or score > best[0]:
                best = (score, _join(request, PURPOSE_LIMIT))
    if best is not None:
        return best[1], None
    for s, sentence in enumerate(sentences):
        for k, clause in enumerate(sentence):
            if _ASKING.match(clause.text) or (clause.asks and _QUESTION.search(clause.text)):
                return _join(sentence[k:], PURPOSE_LIMIT), (s, k)
    return "", None


def _content(sentences: list[list[_Clause]], stats: _Statistics, question: tuple[int, int] | None) -> str:
    """The 1–3 most central factual sentences (what comes before a request, without "我是…"), in the order
    written, within 150 characters."""
    facts = []
    for s, sentence in enumerate(sentences):
        k = question[1] if question and question[0] == s else _request_start(sentence)
        kept = [c for c in sentence[:k] if len(c.text) > 1 and not _SELF_INTRO.match(c.text) and _compress(c.text)]
        if not kept or sum(len(c.text) for c in kept) < 4:
            continue
        score = _centrality(kept, stats) * (1.0 + 1.0 / (1 + s))
        facts.append((score, s, kept, k is None))
    chosen: list[tuple[int, str]] = []
    used = 0
    for _, s, kept, whole in sorted(facts, key=lambda row: row[0], reverse=True):
        text = _join(kept, CONTENT_LIMIT - used, cut=not chosen, whole=whole)
        if len(text) < 4 or (chosen and used + len(text) > CONTENT_LIMIT):
            continue
        chosen.append((s, text))
        used += len(text)
        if len(chosen) == 3 or used > CONTENT_LIMIT - 10:
            break
    return "".join(text for _, text in sorted(chosen))[:CONTENT_LIMIT]


# --- entry point --------------------------------------------------------------------------------------------


def summarise(text: str, *, places: Sequence[str] = (), title_hint: str = "", location: str | None = None) -> Summary:
    """A title and the four parts of a work-order summary, from the normalised (and masked) appeal text.

    ``places`` are the gazetteer names the caller found in the text, outermost first; ``title_hint`` is the
    sender's own title, which then becomes the title; ``location``, when given, is the 诉求地点 as the triage found
    it (a call's address: in a dialogue the place is not the words after 在 or 位于, and 我们小区 is no place)."""
    body = clean(text)
    clauses = _clauses(body)
    stats = _statistics(clauses, _default_model())
    hint = re.sub(r"\s+", " ", clean(title_hint)).strip()
    place = _title_place(body, places)
    title = hint[:TITLE_LIMIT].rstrip() if hint else _title(clauses, stats, place)
    sentences = _sentences(clauses)
    purpose, purpose_sentence = _purpose(sentences, stats)
    return Summary(
        title=title,
        appellant=_appellant(body),
        location=location[:LOCATION_LIMIT] if location is not None else _location(body, places, place[0]),
        content=_content(sentences, stats, purpose_sentence),
        purpose=purpose,
    )
