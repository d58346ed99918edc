"""Request type, urgency and emotion of an appeal, by weighted cue lexicons and a few context rules.

There are no labels for these fields, so the method is deliberately transparent: every guess is a sum of
the weights of cue words found in the text, adjusted by rules a reader can check, and carries the cue
words as evidence.

Cues
    Each value has a lexicon of cue words (or short patterns) with weights: 2.5–3 for words that name the
    value outright (投诉, 举报, 燃气泄漏, 绝望), about 1 for words that lean towards it (不作为, 停水, 失望)
    and 0.3–0.8 for weak hints (希望, 是否, 至今). When cues overlap only the longest counts ("不满意" is
    not also "满意"), and each further mention of a cue adds half its weight (at most three mentions).

Context rules (applied within a clause, i.e. between Chinese punctuation marks)
    - Negation: a cue right after 不是/并非/没有/没/未/无人/不想/不要/别 … does not count, and a negated
      request-type word counts slightly against its type ("不是投诉，只是想咨询" is a consultation).
    - Request type: a type word in the opening clause (我要投诉, 举报, 建议, 请问) counts double; a clause
      ending in a question (…吗？) speaks for a consultation unless it is rhetorical (难道, 凭什么, 有没有人管,
      合理吗 …), which speaks for a complaint. 举报 with a named wrongdoing (违法, 偷排, 贪污, 无证 …) is a
      report. Praise needs 表扬/点赞/锦旗/感谢信 …, or 感谢 next to a named worker or department; a
      closing "谢谢" is not praise, and praise words next to complaint words count far less. 无法/不能 …
      together with a plea for help (帮忙, 帮助) is a request for help. 建议 followed by a demand to punish
      (建议严查) is not a suggestion.
    - Urgency: emergency cues (gas leak, fire, flooding into homes, people trapped, violence, collapse,
      electrocution, a missing child or elderly person, someone about to harm themselves) count fully only
      when they happen now. After a past marker (去年, 以前, 曾经, 着火过, 已经扑灭) they do not count; after
      a hypothetical or habitual marker (万一, 如果, 担心, 随时可能, 隐患, 经常) they count 40 %, and towards
      "urgent". A present marker (正在, 现在, 刚才, 快来) in the same clause overrides both. Urgent cues
      (停水/停电, 没有暖气, 井盖丢失, 道路塌陷, 危房, 安全隐患, a patient without medicine …) gain weight
      when the outage is long (三天, 一直, 至今) or wide (整个小区, 几百户), and a hazard near a school
      counts more.
    - Emotion: dissatisfaction (不满, 多次反映无果, 推诿, 踢皮球), anger (气愤, 忍无可忍, 欺人太甚, insults,
      投诉到底, 要曝光) and distress (绝望, 走投无路, 没钱看病, 求求你们) lexicons; intensity grows with
      repetition and intensifiers (非常, 极其); runs of exclamation or question marks (！！！, ？？？) make the
      strongest feeling expressed stronger, and alone show displeasure.
      Angry and distressed callers are flagged for priority handling.

Phone calls (what the models read: the caller's turns and the operator's read-backs)
    - The operator's read-back ends in a confirmation tag (…，对吗？ / 是吧？): it is not a question. A question
      needs a question word (吗, 什么, 怎么, 哪 …); a question mark alone is the caller's tone, and no question of
      an angry caller (气死, 凭什么, ？？) or next to a rhetorical one (你们到底管不管？ / 难道要等出了人命才管吗？
      / 你讲有这个道理冇？) speaks for a consultation.
    - ``callback_requested``: 打我电话 / 给我回个电话 / 有消息了回个电话给我 / 你让他们打给我 / the read-back's 并回电;
      not when someone else keeps calling (有个号码天天打我电话) — and 打我电话 is not "打我" (hitting).
    - ``repeat_call``: 第四次打了 / 我上次打过 / 已经打了三次 / 又打来 / the read-back's 您已多次反映; not calling
      someone else several times (快递员电话我打了五六次). A repeat call is dissatisfaction by itself, unless the
      caller calls again to praise.
    - A life at risk now (``triage.safety``, passed in by the pipeline) makes the caller distressed unless anger
      dominates, and the call a request for help (someone to rescue: trapped, missing, self-harm, locked in,
      flood) or a report (a hazard: gas, fire, violence, a road collapse, a fallen wire), whatever questions it
      asks.

Decision and confidence
    Each value gets a score (its summed cue weights, plus a prior for the default value: complaint, normal,
    calm). An emergency needs cues worth at least 2 (a single weak cue is not enough), and an urgent
    score also receives part of the emergency evidence (an emergency is at least urgent); anger includes
    part of the dissatisfaction. Confidences are a softmax of the scores, times 0.95 (a lexicon is never
    certain), so the top three sum to less than 1 and grow with the weight of the evidence.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from triage.types import Candidate, FieldGuess

__all__ = [
    "Emotion",
    "EmotionGuess",
    "RequestType",
    "Signal",
    "Urgency",
    "callback_requested",
    "emotion",
    "repeat_call",
    "request_type",
    "urgency",
]


class RequestType(StrEnum):
    COMPLAINT = "complaint"  # 投诉
    REPORT = "report"  # 举报
    HELP = "help"  # 求助
    CONSULT = "consult"  # 咨询
    SUGGESTION = "suggestion"  # 建议
    PRAISE = "praise"  # 表扬


class Urgency(StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"
    EMERGENCY = "emergency"


class Emotion(StrEnum):
    CALM = "calm"
    DISSATISFIED = "dissatisfied"
    ANGRY = "angry"
    DISTRESSED = "distressed"


PRIORITY_EMOTIONS = frozenset({Emotion.ANGRY, Emotion.DISTRESSED})
SOFTMAX_SCALE = 1.0
CONFIDENCE_CAP = 0.95  # a lexicon is never certain: at least 5 % is left for what it cannot see
EMERGENCY_THRESHOLD = 2.0
CALM_PRIOR = 1.3  # one clear word of feeling (失望, 气愤, 绝望) outweighs it; a passing hint does not
NORMAL_PRIOR = 1.4  # urgent cues worth 1.5 or more decide on their own; weaker ones need company
PRESENT_BONUS = 0.5  # an emergency cue marked as happening now (正在, 快来 …) gains this much, once per cue
HYPOTHETICAL_SHARE = 0.4  # an emergency cue that may happen (or keeps happening) counts this much towards "urgent"
REPEAT_SHARE = 0.5  # each further mention of a cue adds this share of its weight …
REPEAT_CAP = 3  # … up to this many mentions
EMERGENCY_TYPE_BONUS = 5.0
EMERGENCY_QUESTION_SHARE = 0.3  # an emergency call asks for a rescue or reports a hazard, whatever else it says
RESCUE_KINDS = frozenset({"trapped", "self_harm", "unresponsive_or_missing", "locked_in_alone", "flood"})
EMERGENCY_DISTRESS = 2.0  # a caller reporting a life at risk now is distressed unless anger clearly dominates
REPEAT_CALL_DISSATISFACTION = 1.5  # calling again about the same thing is dissatisfaction by itself


@dataclass(frozen=True)
class EmotionGuess:
    """The caller's emotion and whether the order should be handled first (angry or distressed)."""

    guess: FieldGuess
    priority: bool


# ------------------------------------------------------------------------------------------------- cues


@dataclass(frozen=True)
class Cue:
    value: str
    weight: float
    label: str  # the cue as shown in the evidence
    literal: str = ""
    pattern: re.Pattern[str] | None = None
    kind: str = ""  # a tag some rules look for: "type" (a word naming the type), "wrong", "thanks", "outage"


def _words(value: str, spec: str, *, kind: str = "") -> tuple[Cue, ...]:
    """Cues from "word weight, word weight, …"."""
    cues = []
    for item in spec.replace("\n", " ").split(","):
        if item.strip():
            word, weight = item.split()
            cues.append(Cue(value, float(weight), word, literal=word, kind=kind))
    return tuple(cues)


def _pattern(value: str, label: str, regex: str, weight: float, *, kind: str = "") -> Cue:
    return Cue(value, weight, label, pattern=re.compile(regex), kind=kind)


@dataclass(frozen=True)
class Hit:
    cue: Cue
    start: int
    end: int
    word: str  # the text matched


class Lexicon:
    """Cues ready for a fast search: literal cues indexed by their first two characters."""

    def __init__(self, cues: Iterable[Cue]) -> None:
        self.cues = tuple(cues)
        self.patterns = tuple(c for c in self.cues if c.pattern is not None)
        by_prefix: dict[str, list[Cue]] = {}
        for cue in self.cues:
            if cue.pattern is None:
                by_prefix.setdefault(cue.literal[:2], []).append(cue)
        self.by_prefix = {prefix: tuple(cues) for prefix, cues in by_prefix.items()}

    def find(self, text: str) -> list[Hit]:
        """Every occurrence of every cue; where occurrences overlap, only the longest stays."""
        hits: list[Hit] = []
        for cue in self.patterns:
            hits += [Hit(cue, m.start(), m.end(), m.group(0)) for m in cue.pattern.finditer(text)]
        prefixes = {text[i : i + 2] for i in range(len(text) - 1)}
        for prefix in prefixes.intersection(self.by_prefix):
            for cue in self.by_prefix[prefix]:
                position = text.find(cue.literal)
                while position >= 0:
                    hits.append(Hit(cue, position, position + len(cue.literal), cue.literal))
                    position = text.find(cue.literal, position + 1)
        if len(hits) < 2:
            return hits
        hits.sort(key=lambda h: (h.start - h.end, -h.cue.weight))  # longest (then heaviest) first
        kept: list[Hit] = []
        for hit in hits:
            if not any(k.start <= hit.start and hit.end <= k.end for k in kept):
                kept.append(hit)
        kept.sort(key=lambda h: h.start)
        return kept


# --------------------------------------------------------------------------------------------- context

_PLACEHOLDER = re.compile(r"\[[A-Z_]+\]")
_CLAUSE_MARKS = re.compile(r"[，,。！!？?；;：:、\n…~～]")
_SENTENCE_MARKS = re.compile(r"[。！!？?；;\n]")
_NEGATION_BEFORE = re.compile(
    r"(?:不是|并非|并不是|并没有|没有|没|未曾|未|无人|不再|不会|不用|不需要|不想|不要|不必|无需|无意|不打算|别)"
    r"[\u4e00-\u9fff]{0,2}$|(?<![得能])不$"
)
_PAST = re.compile(  # a dated event is a narrated one: callers in danger say 现在, not the date
    r"(?:19|20)\d\d年|\d{1,2}月\d{1,2}[日号]|[一二三四五六七八九十元]+月[一二三四五六七八九十]+[日号]|当时|那天|事后|"
    r"此前|发生过|出过|有过|去年|前年|上个?月|上周|上星期|以前|之前|曾经|曾|当年|多年前|几年前|年前|那次|上次|"
    r"过去|昨天|昨晚|前天|前几天|几天前|那年"
)
_RESOLVED = re.compile(
    r"已经?(?:被)?(?:扑灭|修好|修复|恢复|解决|处理好|救出|找到|排除|抢修好|重建|换了)|被扑灭|被救出|后来"
)
_HYPOTHETICAL = re.compile(
    r"万一|如果|假如|假若|要是|一旦|倘若|若是|担心|害怕|恐怕|生怕|以防|以免|防止|预防|避免|容易|可能|随时|迟早|"
    r"会不会|难免|隐患|风险|演练|宣传|知识|培训|防范|应急预案|怎么预防|如何预防"
)
_HYPOTHETICAL_AFTER = re.compile(r"^[的]?(?:隐患|风险|危险|可能|事故隐患|预防|演练|的危险|的风险|的隐患)")
_HABITUAL = re.compile(r"经常|常常|时常|多次|屡次|频繁|频发|总是|老是|每次|每年|每到|一到|动不动|三天两头|事件")
_PRESENT = re.compile(
    r"正在|现在|此刻|目前|刚刚|刚才|马上|快来|赶快|赶紧|立即|立刻|还在|仍在|一直在|快点|救命|已经[^，。]{0,3}(?:烧|淹|困)"
)


_FIGURATIVE = re.compile(r"简直|就是|如同|好像|像是|等于|无异于|堪比|形同|变相")
LONG_TEXT = 200  # characters: beyond this a text is a letter that narrates …
OPENING = 120  # … and only its opening states an emergency in progress without a marker


class _Context:
    """A text with its clause and sentence boundaries, for rules that look around a cue."""

    def __init__(self, raw: str) -> None:
        self.text = _PLACEHOLDER.sub("某", raw)
        text = self.text
        self.clause_ends = [m.start() for m in _CLAUSE_MARKS.finditer(text)]
        self.sentence_ends = [m.start() for m in _SENTENCE_MARKS.finditer(text)]

    @staticmethod
    def _span(ends: list[int], position: int, length: int) -> tuple[int, int]:
        index = bisect_right(ends, position - 1)
        start = ends[index - 1] + 1 if index > 0 else 0
        end = ends[index] if index < len(ends) else length
        return start, end

    def clause(self, hit: Hit) -> tuple[int, int]:
        return self._span(self.clause_ends, hit.start, len(self.text))

    def sentence(self, hit: Hit) -> tuple[int, int]:
        return self._span(self.sentence_ends, hit.start, len(self.text))

    def before_in_clause(self, hit: Hit) -> str:
        return self.text[self.clause(hit)[0] : hit.start]

    def negated(self, hit: Hit) -> bool:
        if _NEGATION_BEFORE.search(self.before_in_clause(hit)):
            return True
        # a negation inside a gapped pattern: "燃气没有泄漏"
        return hit.cue.pattern is not None and bool(re.search(r"没|未|不|无", hit.word[1:-1]))

    def tense(self, hit: Hit) -> str:
        """When an event cue happens: "present" (marked as happening now), "now" (unmarked), "past",
        "hypothetical", "habitual" or "narrated" (unmarked, deep inside a long letter)."""
        clause_start, clause_end = self.clause(hit)
        sentence_start, sentence_end = self.sentence(hit)
        clause = self.text[clause_start:clause_end]
        after = self.text[hit.end : sentence_end]
        if _PRESENT.search(clause):
            return "present"
        before = self.text[sentence_start : hit.start]
        if after.startswith("过") and not after.startswith("过来") or _RESOLVED.search(after) or _PAST.search(before):
            return "past"
        if _HYPOTHETICAL.search(before) or _HYPOTHETICAL_AFTER.search(after):
            return "hypothetical"
        if _HABITUAL.search(clause) or _HABITUAL.search(before):
            return "habitual"
        if len(self.text) > LONG_TEXT and hit.start > OPENING:
            return "narrated"
        return "now"

    def figurative(self, hit: Hit) -> bool:
        """A comparison, not an event: "简直是抢劫"."""
        return bool(_FIGURATIVE.search(self.text[max(0, hit.start - 4) : hit.start]))


def _repeat(weights: list[float]) -> float:
    """The first mention counts fully, each further one adds REPEAT_SHARE of the weight."""
    ordered = sorted(weights, reverse=True)[:REPEAT_CAP]
    return ordered[0] + REPEAT_SHARE * sum(ordered[1:]) if ordered else 0.0


class _Tally:
    """Scores and evidence per value; repeated mentions of one cue word are damped."""

    def __init__(self, values: Iterable[str], prior: dict[str, float] | None = None) -> None:
        self.values = tuple(values)
        self.prior = dict.fromkeys(self.values, 0.0) | (prior or {})
        self.mentions: dict[tuple[str, str], list[float]] = {}
        self.extra: dict[str, float] = dict.fromkeys(self.values, 0.0)
        self.evidence: dict[str, dict[str, float]] = {v: {} for v in self.values}

    def add(self, value: str, word: str, weight: float) -> None:
        self.mentions.setdefault((value, word), []).append(weight)
        if weight > 0:
            self.evidence[value][word] = max(weight, self.evidence[value].get(word, 0.0))

    def bonus(self, value: str, weight: float, word: str = "") -> None:
        self.extra[value] += weight
        if word and weight > 0:
            self.evidence[value][word] = max(weight, self.evidence[value].get(word, 0.0))

    def cue_sum(self, value: str) -> float:
        return sum(_repeat(ws) for (v, _), ws in self.mentions.items() if v == value)

    def scores(self) -> dict[str, float]:
        return {v: self.prior[v] + self.cue_sum(v) + self.extra[v] for v in self.values}

    def words(self, value: str) -> tuple[str, ...]:
        found = self.evidence[value]
        return tuple(sorted(found, key=lambda w: (-found[w], w)))


def _guess(scores: dict[str, float], evidence: dict[str, tuple[str, ...]], *, keep: int = 3) -> FieldGuess:
    """A softmax over the scores; the top ``keep`` candidates with their evidence."""
    top = max(scores.values())
    exps = {v: math.exp(SOFTMAX_SCALE * (s - top)) for v, s in scores.items()}
    total = sum(exps.values())
    candidates = [Candidate(str(v), round(CONFIDENCE_CAP * e / total, 4), evidence.get(v, ())) for v, e in exps.items()]
    # equal confidences: the order of the values decides (more severe / more specific first)
    order = {str(v): i for i, v in enumerate(scores)}
    candidates.sort(key=lambda c: (-c.confidence, order[c.value]))
    return FieldGuess.from_ranked(candidates[:keep], keep=keep)


# ---------------------------------------------------------------------------------------- request type

_TYPE_WORDS = (
    _words(RequestType.COMPLAINT, "投诉 3, 控诉 2", kind="type")
    + _words(RequestType.REPORT, "举报 3, 检举 3, 揭发 3, 实名举报 3.5", kind="type")
    + _words(RequestType.HELP, "求助 3, 求救 3", kind="type")
    + _words(RequestType.CONSULT, "咨询 3, 请问 2.5, 请教 2, 想问 2, 问一下 2, 想了解 2, 打听 1.5", kind="type")
    + _words(RequestType.SUGGESTION, "建议 2.5, 提议 2.5, 倡议 2, 提建议 3, 提个建议 3", kind="type")
    + _words(RequestType.PRAISE, "表扬 3, 点赞 3, 赞扬 3, 称赞 2.5, 锦旗 3, 感谢信 3, 表彰 2", kind="type")
)
_COMPLAINT = _words(
    RequestType.COMPLAINT,
    """太差 1, 很差 0.8, 极差 1.2, 差劲 1.2, 态度恶劣 1.5, 态度差 1.2, 态度很差 1.2, 不作为 1.5, 乱作为 1.2,
    乱收费 1.5, 违规收费 1.5, 扰民 1.5, 严重影响 1, 影响休息 1, 影响睡眠 1, 影响生活 0.8, 影响出行 0.8,
    不合理 1, 不公平 1, 不公 0.6, 拒不 1, 拖欠 1, 克扣 1.2, 无人管 1.2, 没人管 1.2, 不管不问 1.2, 不闻不问 1.2,
    置之不理 1.2, 推诿 1.2, 踢皮球 1.2, 敷衍 1, 欺骗 1, 霸王条款 1.5, 强制 0.6, 强行 0.8, 侵害 0.8, 侵占 0.8,
    多次反映 1, 反映多次 1, 至今没有 0.8, 一直没有 0.6, 迟迟 0.8, 要求处理 0.8, 要求整改 0.8, 要求赔偿 1,
    要求退款 1, 要求退还 1, 要求道歉 1, 维权 0.8, 不满 0.8, 噪音 0.5, 脏乱差 1, 占道 0.6, 刁难 1.2, 黑心 1,
    欺负 0.8, 乱象 0.8, 无果 0.8, 不给退 1, 拒绝退 1, 不退 0.5, 严重 0.3, 长期 0.4, 坑人 1.2, 宰客 1.2,
    损害 0.6, 恶劣 0.8, 差评 1.2, 太慢 0.8, 不负责任 1.2, 乱停 0.6, 堵塞 0.5, 污染 0.5, 油烟 0.5,
    没有解决 0.8, 没解决 0.8, 未解决 0.8, 仍未解决 1, 得不到解决 1, 依然没有 0.8, 还是没有 0.6, 管理混乱 1,
    混乱 0.5, 不达标 0.6, 失望 0.8, 我要反映 1.2, 反映一下 1, 我反映 1, 想反映 1, 讨个说法 1, 要个说法 1,
    给个说法 1, 说法 0.4, 冇人管 1.2, 冇得用 1, 和稀泥 1.2, 走过场 1.2, 爱理不理 1.2, 不给换 1,
    不给赔 1, 拒不承认 1.2, 坑老人 1.5, 官僚主义 1.5, 形式主义 1.2, 乱扣费 1.5, 乱收 1.2, 不打表 1.2,
    一分钱都没 1, 一分钱补偿 1, 跑路 1, 卷款 1.2, 到现在都没 0.8, 到现在都冇 0.8""",
)
_WRONGDOING = _words(
    RequestType.REPORT,
    """违法 0.8, 非法 0.8, 偷排 1.2, 偷偷排放 1.2, 贪污 1.5, 受贿 1.5, 行贿 1.5, 索贿 1.5, 挪用 1.2, 侵吞 1.2,
    中饱私囊 1.2, 无证 0.8, 无照 0.8, 黑作坊 1.2, 地沟油 1, 传销 1.2, 赌博 1.2, 赌场 1.2, 吸毒 1.2, 贩毒 1.5,
    卖淫 1.5, 嫖娼 1.2, 涉黄 1.2, 假冒 0.8, 售假 1, 制假 1.2, 造假 1, 骗取 1, 骗保 1.2, 套取 1, 偷税 1.2,
    漏税 1, 逃税 1.2, 非法集资 1.5, 私屠滥宰 1.2, 私宰 1, 以权谋私 1.2, 滥用职权 1, 保护伞 1.2, 黑社会 1.2,
    涉黑 1.2, 恶势力 1, 盗采 1.2, 非法开采 1.2, 盗伐 1.2, 无证行医 1.2, 非法行医 1.2, 冒领 1.2, 吃空饷 1.2,
    虚报 1, 违规发放 0.8, 偷电 1, 偷水 1, 走私 1.2, 诈骗 0.8, 违规 0.4, 违章建筑 0.4, 违建 0.4, 超生 0.6""",
    kind="wrong",
)
_HELP = _words(
    RequestType.HELP,
    """救救 2.5, 帮帮我 3, 帮帮我们 3, 帮帮忙 2.5, 请帮忙 2, 帮忙 1.2, 请帮助 2, 帮助 0.8, 请求帮助 2.5,
    寻求帮助 2.5, 需要帮助 2, 救助 1.5, 援助 1.2, 无助 1, 困难 0.8, 生活困难 1.5, 家庭困难 1.5, 经济困难 1.2,
    走投无路 1.5, 无家可归 1.5, 没钱 0.8, 看不起病 1.5, 无钱 1, 不知道怎么办 1.5, 不知所措 1.2, 该怎么办 0.8,
    怎么办才好 1.2, 没办法 0.8, 没有办法 0.8, 急需 1, 被困 1.5, 走失 1.2, 走丢 1.2, 救命 2, 求求 1.5,
    恳请 0.5, 恳求 0.8, 请求解决 0.6, 帮我 1.2, 帮我们 1, 帮忙解决 1.5, 协调解决 0.6, 寻找 0.6, 能否帮 1.5,
    能不能帮 1.5, 可否帮 1.5, 找不到 0.4, 联系不上 0.8, 进不去 0.6, 打不开 0.6, 无法 0.4, 派人 1.2,
    快来 1.5, 赶紧来 1.5, 请速 1""",
)
_CONSULT = _words(
    RequestType.CONSULT,
    """是否 0.8, 能否 0.6, 可否 0.6, 可不可以 0.8, 能不能 0.4, 是不是 0.3, 有没有 0.4, 怎么办理 2.5,
    如何办理 2.5, 怎样办理 2.5, 怎么申请 2, 如何申请 2, 怎么报名 2, 如何报名 2, 在哪里办 2, 去哪里办 2,
    哪里办理 2, 在哪办 2, 到哪里办 2, 需要什么材料 2.5, 需要哪些材料 2.5, 需要什么资料 2.5, 需要哪些资料 2.5,
    需要什么手续 2.5, 需要带什么 2, 需要准备 1.5, 需要哪些 1.2, 什么条件 1.5, 哪些条件 1.5, 符合条件 0.8,
    办理流程 1.5, 流程 0.8, 手续 0.5, 标准是什么 1.5, 标准是 1, 什么时候 0.8, 何时 0.5, 多少钱 1,
    收费标准 0.8, 相关政策 1, 有什么规定 1.5, 怎么计算 1.5, 如何计算 1.5, 怎么算 1.2, 怎么收费 1.5,
    能报销 1, 可以报销 1, 电话是多少 1.5, 哪个部门 1.5, 归哪里管 1.5, 归谁管 1, 怎么查 1.5, 如何查询 1.5,
    怎么查询 1.5, 在哪里查 1.5, 可以吗 1, 行吗 0.8, 有哪些 0.8, 了解一下 1.5, 只是想 0.8, 单纯 0.5, 政策 0.4""",
)
_SUGGESTION = _words(
    RequestType.SUGGESTION,
    """意见和建议 1, 合理化建议 1, 希望能 0.6, 希望 0.3, 呼吁 1.5, 可否考虑 2, 能否考虑 2, 是否可以考虑 2,
    考虑 0.5, 应该 0.4, 应当 0.3, 最好 0.6, 增设 1.5, 增加 0.5, 加装 1, 增开 1.2, 开通 0.6, 设立 0.8, 设置 0.5,
    改进 1, 改善 0.6, 完善 0.8, 优化 1, 推广 0.8, 借鉴 1.5, 参考 0.8, 出台 0.6, 提高 0.4, 延长 0.6,
    延迟 0.5, 调整 0.5, 多建 1, 新建 0.5, 规划建设 0.6""",
)
_PRAISE = _words(
    RequestType.PRAISE,
    """赞美 2.5, 好评 2, 五星好评 2.5, 非常满意 2, 很满意 1.5, 满意 0.5, 尽职尽责 2, 认真负责 1.5,
    负责任 1, 热心 1, 热情 0.8, 耐心 0.8, 及时 0.3, 辛苦了 1.2, 为民办实事 1.5, 好样的 2, 了不起 1.2,
    值得学习 1.5, 榜样 1, 雷锋 1.5, 暖心 1.5, 贴心 1, 感动 1, 拾金不昧 2.5, 见义勇为 2.5, 高效 0.8""",
)
_THANKS = _words(RequestType.PRAISE, "感谢 0, 谢谢 0, 致谢 0, 感激 0, 多谢 0", kind="thanks")
_RHETORICAL = re.compile(
    r"难道|凭什么|还有没有|有没有人管|谁来管|到底谁管|谁管|怎么能|怎能|岂能|天理|王法|合理吗|合法吗|正常吗|对吗|"
    r"不管吗|管不管|何时才能|什么时候才能|到底要|究竟要|没人管吗|还要等|为何|为什么|"
    # spoken: 你讲有这个道理冇？/ 你一次讲清楚会死啊？/ 要等出了人命才管吗？/ 你们教育局是怎么审批的？
    r"你讲|你说说|道理冇|道理没有|会死啊|出了人命|出人命|才管|怎么审批|像话吗|到底什么时候|要等到什么时候|搞什么|"
    r"这叫什么|满意个鬼|有什么用|都能开|还能这样|就不管|不管了吗|有人管没有|管得了"
)
# An operator's read-back ends in a tag that asks the caller to confirm: not a question about anything.
_CONFIRMATION = re.compile(r"(?:对吗|对吧|是吧|是吗|对不对|没错吧|是不是|好不好|好吗|行不行)$")
# Words of anger that make every question of the caller's rhetorical.
_ANGRY_WORDS = re.compile(
    r"气死|气愤|愤怒|忍无可忍|欺人太甚|岂有此理|太过分|混蛋|王八蛋|他妈|妈的|满意个鬼|屁都|会死啊|投诉到底|绝不罢休|"
    r"决不罢休|凭什么|[！!]{2,}|[？?]{2,}"
)
# A genuine question asks with a question word; a question mark alone is the caller's tone.
_QUESTION_WORDS = re.compile(
    r"吗|呢|么|什么|怎么|怎样|如何|哪|几|多少|多久|能不能|可不可以|可以不|是不是|有没有|要不要|需不需要|是否|谁|何|"
    r"行不行|冇得|啵|不$"
)
_QUESTION_WORD_END = re.compile(r"(?:吗|呢)$")
_WORKER = re.compile(
    r"师傅|民警|警官|交警|消防员|消防|医生|护士|大夫|老师|工作人员|同志|书记|主任|局长|所长|科长|队长|社区|"
    r"街道|居委会|村委|物业|部门|政府|12345|热线|话务员|接线员|客服|环卫|城管|司机|派出所|医院|[局所队站办部委区院]"
)
_ACHIEVED = re.compile(r"解决了|修好了|处理了|帮我|帮助我|帮我们|帮助|找回|送回|救了|及时|热心|耐心|负责|辛苦")
_REQUEST_AFTER_THANKS = re.compile(r"请|尽快|希望|麻烦|望|盼|恳请|务必")
_POLITE_THANKS = re.compile(r"百忙|关心|关注|阅读|抽空|支持|重视|倾听|聆听|平台")
_BUT = re.compile(r"但|可是|然而|却|不过")
_PRAISE_TYPE_WORDS = frozenset(c.label for c in _TYPE_WORDS if c.value == RequestType.PRAISE)
_PUNISH_AFTER_SUGGEST = re.compile(
    r"^[^，。！？]{0,6}(?:严查|查处|处理|取缔|整改|处罚|依法|严惩|追责|调查|制止|拆除|关停)"
)
_HELP_INABILITY = re.compile(r"无法|不能|没法|没有办法|进不去|打不开|办不了|动不了|看不起")
_HELP_PLEA = re.compile(r"帮忙|帮助|帮帮|求助|救救")
_CONSULT_DONE = re.compile(r"^(?:过|了)")
_OPENING_CHARS = 12

_REQUEST_CUES = Lexicon(_TYPE_WORDS + _COMPLAINT + _WRONGDOING + _HELP + _CONSULT + _SUGGESTION + _PRAISE + _THANKS)


def request_type(text: str, *, emergency_kind: str | None = None) -> FieldGuess:
    """投诉/举报/求助/咨询/建议/表扬 as complaint/report/help/consult/suggestion/praise (see the module doc).

    ``emergency_kind``: the kind of life risk found now (``triage.safety``): someone to rescue (trapped, missing,
    self-harm …) makes the call a request for help, a hazard (gas, fire, a fallen wire …) a report."""
    context = _Context(text)
    text = context.text
    tally = _Tally(RequestType, {RequestType.COMPLAINT: 0.5})
    if emergency_kind is not None:
        rescue = emergency_kind in RESCUE_KINDS
        tally.bonus(RequestType.HELP if rescue else RequestType.REPORT, EMERGENCY_TYPE_BONUS, "险情")
    opening_end = min(context.clause_ends[0] if context.clause_ends else len(text), _OPENING_CHARS)
    opening_end = max(opening_end, min(len(text), 6))
    explicit_report = False
    wrongdoing = 0.0
    thanks: list[Hit] = []
    for hit in _REQUEST_CUES.find(text):
        cue = hit.cue
        if context.negated(hit):
            if cue.kind == "type":
                tally.bonus(cue.value, -0.5)
            continue
        weight = cue.weight
        if cue.kind == "thanks":
            thanks.append(hit)
            continue
        if cue.kind == "type":
            if cue.value == RequestType.CONSULT and cue.label == "咨询" and _CONSULT_DONE.match(text[hit.end :]):
                weight = 0.5  # "咨询过/咨询了" tells what was tried before, it is not the request
            elif cue.value == RequestType.SUGGESTION and _PUNISH_AFTER_SUGGEST.match(text[hit.end :]):
                weight = 0.8  # "建议严查" demands action against someone: not a suggestion
            elif hit.start < opening_end:
                weight *= 2
            explicit_report = explicit_report or cue.value == RequestType.REPORT
        if cue.kind == "wrong":
            wrongdoing += weight
        tally.add(cue.value, hit.word, weight)
    # a named wrongdoing makes 举报 a report; wrongdoing alone leans towards one, at most so much
    if explicit_report and wrongdoing:
        tally.bonus(RequestType.REPORT, 1.5)
    if wrongdoing > 3.0:
        tally.bonus(RequestType.REPORT, 3.0 - wrongdoing)
    _question_rules(context, tally)
    if _HELP_INABILITY.search(text) and _HELP_PLEA.search(text):
        tally.bonus(RequestType.HELP, 1.5, "无法…请帮忙")
    _praise_rules(context, tally, thanks)
    scores = tally.scores()
    if emergency_kind is not None:
        for value in (RequestType.CONSULT, RequestType.SUGGESTION):
            scores[value] *= EMERGENCY_QUESTION_SHARE  # "我想问一下…在漏气" is a plea, not a consultation
    return _guess(scores, {v: tally.words(v) for v in tally.values})


def _question_rules(context: _Context, tally: _Tally) -> None:
    """Questions ask for information, unless they are rhetorical ("难道没人管吗？")."""
    text = context.text
    genuine = rhetorical = 0
    start = 0
    for end in [*context.clause_ends, len(text)]:
        clause = text[start:end].strip()
        mark = text[end] if end < len(text) else ""
        start = end + 1
        if not clause or not (mark in "？?" and mark or _QUESTION_WORD_END.search(clause)):
            continue
        if _CONFIRMATION.search(clause):
            continue  # the operator's read-back asks the caller to confirm
        if _RHETORICAL.search(clause):
            rhetorical += 1
        elif _QUESTION_WORDS.search(clause):
            genuine += 1
    if rhetorical or _ANGRY_WORDS.search(text):
        genuine = 0  # an angry caller's questions are not requests for information
    if genuine:
        tally.bonus(RequestType.CONSULT, 1.0 * min(genuine, 2), "？")
    if rhetorical:
        tally.bonus(RequestType.COMPLAINT, 1.0 * min(rhetorical, 2), "反问")


def _praise_rules(context: _Context, tally: _Tally, thanks: list[Hit]) -> None:
    text = context.text
    for hit in thanks:
        clause_start, clause_end = context.clause(hit)
        clause = text[clause_start:clause_end]
        after = text[hit.end : clause_end]
        closing = clause_end >= len(text.rstrip("。！!.~ ")) - 1 and not _WORKER.search(after[:12])
        sentence_after = text[hit.end : context.sentence(hit)[1]]
        if _REQUEST_AFTER_THANKS.search(text[max(0, clause_start - 12) : hit.start]) or closing:
            continue  # "请尽快处理，谢谢" / "先谢谢了": politeness, not praise
        if _POLITE_THANKS.search(after) or _BUT.search(sentence_after):
            continue  # "感谢您百忙之中…" / "感谢…，但问题…": a courtesy before the request
        if _WORKER.search(after[:12]) or _WORKER.search(text[max(clause_start, hit.start - 8) : hit.start]):
            weight = 2.0 if _ACHIEVED.search(clause + text[clause_end : clause_end + 20]) else 1.5
            if hit.start < _OPENING_CHARS:
                weight += 1.0  # thanks in the title or first words are what the message is about
            tally.bonus(RequestType.PRAISE, weight, hit.word)
    praise_words = [w for (value, w) in tally.mentions if value == RequestType.PRAISE]
    if not tally.extra[RequestType.PRAISE] and not any(w in _PRAISE_TYPE_WORDS for w in praise_words):
        # kind words alone (耐心, 为民办实事) are not praise without 表扬/点赞/thanks to someone
        tally.bonus(RequestType.PRAISE, -0.7 * tally.cue_sum(RequestType.PRAISE))
    complaint_evidence = tally.cue_sum(RequestType.COMPLAINT) + max(0.0, tally.extra[RequestType.COMPLAINT])
    praise = tally.cue_sum(RequestType.PRAISE) + tally.extra[RequestType.PRAISE]
    if complaint_evidence >= 1.5 and praise > 0:
        tally.bonus(RequestType.PRAISE, -0.6 * praise)  # praise words beside complaints are irony or politeness


# ------------------------------------------------------------------------------------ call signals


@dataclass(frozen=True)
class Signal:
    """A yes/no signal of a call with the words that raised it."""

    value: bool
    evidence: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.value


# The caller asks to be called back: 打我电话 / 给我回个电话 / 有消息了回个电话给我 / 你们打给我 / 这次给我打这个号码;
# and the operator's read-back of it: 要求…并回电.
_CALLBACK = re.compile(
    r"打我(?:的)?(?:电话|手机|这个电话|这个号码?|这个手机)|(?:给|跟)我(?:回|打|来)(?:个|一个)?电话|"
    r"(?:回|打)(?:个|一个)电话(?:给我|回来|过来)|回(?:个)?电话给我|打(?:个)?电话(?:回来|告诉我|通知我)|"
    r"给我回电|给我(?:打|回)(?:这个|个)?(?:号码?|手机)|你们打给我|打给我|(?:电话|手机)联系我|联系我一下|"
    r"给我(?:个)?回话|回个话给我|并回电|回电告知|希望回电|请回电|要求回电|回电(?:话)?给我"
)
# … unless someone else keeps calling (有个号码天天打我电话; but 你让他们打我电话 is a request), or it is what the
# caller was promised every time (每次都讲回电).
_NOT_A_REQUEST_BEFORE = re.compile(
    r"(?:天天|每天|一直|老是|总是|经常|又在|号码|骚扰|推销|(?<![让叫请要])(?:他们?|她们?)|对方|别人|陌生人|快递员?|"
    r"每次都)[^，,。！？!?]{0,4}$"
)

# The caller says they called before about this: 第四次打了 / 我上次打过 / 打了好几次 / 又打来 / 上个月打过一次;
# and the operator's read-back of it: 您已第四次反映 / 此前已反映过 / 已多次反映.
_REPEAT = re.compile(
    r"第[二三四五六七八九十两几\d]+次(?:打|来电|打电话|反映|找你们|投诉|报)|"
    r"(?:已经|都|我|前后)(?:打|反映)(?:了|过)(?:好)?[两三四五六七八九十几\d]+次|打了(?:好)?几次(?:你们|12345|热线)|"
    r"(?:上次|上回|之前|以前|前几天|前天|昨天|上个?月|上个?礼拜|上周|半个月前|已经|我)(?:就|也)?(?:打过|来过电话|反映过|打了)|"
    r"(?:上次|上回)(?:就|也)?(?:反映|讲|说|报|打)|打过(?:一次|两次|几次|的|了)|又打(?:来|过来|电话|你们)|"
    r"再次(?:来电|反映|打)|多次来电|又来反映|已第[二三四五六七八九十两几\d]+次反映|已多次反映|此前已反映|前已反映|"
    r"已反映过|曾反映过|反映过多次|月已反映"
)
_SOMEONE_ELSES_PHONE_BEFORE = re.compile(
    r"(?:的)?电话$|(?:他|她|物业|客服|老板|快递员?|房东|商家|对方|老师)[^，,。！？!?]{0,4}$"
)
_NOT_OURS_AFTER = re.compile(r"^(?:电话)?(?:给|打给)?(?:物业|他|她|老板|客服|社区|老师|快递|商家|对方|房东)")


def _found(pattern: re.Pattern[str], text: str, *, skip_before: tuple[re.Pattern[str], ...] = ()) -> Signal:
    text = _PLACEHOLDER.sub("某", text)
    words = []
    for match in pattern.finditer(text):
        before = text[max(0, match.start() - 12) : match.start()]
        if any(rule.search(before) for rule in skip_before):
            continue
        if pattern is _REPEAT and _NOT_OURS_AFTER.match(text[match.end() : match.end() + 6]):
            continue
        words.append(match.group(0))
    return Signal(bool(words), tuple(dict.fromkeys(words)))


def callback_requested(text: str) -> Signal:
    """Whether the caller asks to be called back (打我电话 is a request, not a threat)."""
    return _found(_CALLBACK, text, skip_before=(_NOT_A_REQUEST_BEFORE,))


def repeat_call(text: str) -> Signal:
    """Whether the caller says they called (or reported this) before."""
    return _found(_REPEAT, text, skip_before=(_SOMEONE_ELSES_PHONE_BEFORE,))


# --------------------------------------------------------------------------------------------- urgency

_EMERGENCY = (
    _pattern(
        Urgency.EMERGENCY,
        "燃气泄漏",
        r"(?:燃气|煤气|天然气|液化气|气罐|煤气罐)[^，。！？!?]{0,4}(?:泄漏|泄露|漏气|外泄)",
        3,
    ),
    _pattern(
        Urgency.EMERGENCY,
        "燃气管断",
        r"(?:燃气|煤气|天然气)(?:管道|管线|管子|管)[^，。！？]{0,4}(?:挖断|挖破|断裂|破裂|爆裂|断了)",
        3,
    ),
    _pattern(
        Urgency.EMERGENCY, "燃气味", r"(?:闻到|有|一股|很大的?|很浓的?|浓浓的|浓烈的)(?:煤气|燃气|天然气|液化气)味", 3
    ),
    _pattern(
        Urgency.EMERGENCY,
        "冒烟",
        r"(?:电线|电表|电箱|配电箱|插座|电瓶|电动车|楼道|屋里|家里|厨房|房子|房间|窗户|楼上|楼下|变压器|电梯)[^，。！？]{0,4}冒(?:烟|火)",
        2.5,
    ),
    _pattern(
        Urgency.EMERGENCY,
        "淹水",
        r"(?:家里|屋里|房间|室内|地下室|车库|一楼|楼道|电梯井|店里|家中)[^，。！？]{0,4}(?:进水|灌水|被淹|淹了|水淹)",
        3,
    ),
    _pattern(Urgency.EMERGENCY, "水管爆裂", r"水管(?:爆裂|爆了|破裂|爆管)", 1.5),
    _pattern(Urgency.EMERGENCY, "被困", r"被困(?!扰|难|惑)", 3),
    _pattern(Urgency.EMERGENCY, "困在电梯", r"(?:困|关|卡)在[^，。！？]{0,3}电梯|电梯里出不来|电梯困人|困在里面", 3),
    _pattern(
        Urgency.EMERGENCY, "威胁杀人", r"威胁[^，。！？]{0,4}(?:杀|砍|弄死|打死)|(?:要|扬言)(?:杀了|砍死|弄死|打死)", 3
    ),
    _pattern(
        Urgency.EMERGENCY,
        "人员走失",
        r"(?:孩子|小孩|儿子|女儿|老人|父亲|母亲|爸爸|妈妈|我爸|我妈|老爸|老妈|爷爷|奶奶|外婆|外公|姥姥|姥爷|老父亲|老母亲)"
        r"[^。！？!?]{0,15}?(?:走失|走丢|失踪|不见了|找不到了)|(?:走失|走丢)了?(?:一个|一名|一位)?(?:孩子|小孩|老人)",
        3,
    ),
    _pattern(
        Urgency.EMERGENCY, "房屋倒塌", r"(?:房子|房屋|墙|楼|屋顶|天花板|围墙|棚)[^，。！？]{0,3}(?:塌了|倒了|塌下来)", 3
    ),
    _pattern(
        Urgency.EMERGENCY,
        "电线落地",
        r"(?:电线|高压线)[^，。！？]{0,4}(?:掉|断|垂)[^，。！？]{0,4}(?:地上|路上|路面|水里)",
        2.5,
    ),
    _pattern(Urgency.EMERGENCY, "轻生", r"(?:要|想|准备|扬言|站在楼顶)[^，。！？]{0,2}(?:跳楼|自杀|轻生|跳河)", 2.5),
    _pattern(
        Urgency.EMERGENCY, "毒气泄漏", r"(?:化学品|毒气|有毒气体|氨气|氯气|硫化氢)[^，。！？]{0,4}(?:泄漏|泄露)", 3
    ),
    _pattern(Urgency.EMERGENCY, "救命", r"救命(?!钱|稻草|恩人)", 3),
) + _words(
    Urgency.EMERGENCY,
    """着火 3, 起火 3, 失火 3, 火灾 2.5, 大火 2.5, 火势 3, 烧起来 3, 爆炸 3, 淹水 2.5, 水淹 2.5, 被淹 2.5,
    水漫 2.5, 漫进 2.5, 倒灌 2.5, 决堤 3, 溃坝 3, 打人 2.5, 持刀 3, 拿刀 3, 砍人 3, 行凶 3, 家暴 2.5,
    家庭暴力 2.5, 斗殴 2.5, 群殴 3, 打架 2, 杀人 3, 抢劫 2.5, 被打 2, 殴打 2, 坍塌 3, 倒塌 3, 垮塌 3, 塌方 2.5,
    触电 3, 被电击 3, 被电到 3, 电死 3, 昏迷 2.5, 晕倒 2.5, 不省人事 3, 呼吸困难 2.5, 生命垂危 3, 心脏病发作 3,
    食物中毒 2.5, 一氧化碳中毒 3, 煤气中毒 3, 走失 1.5, 走丢 1.5, 失踪 1.5, 跳楼 1.5, 自杀 1.5, 洪水 2,
    快来人 2, 有人落水 3, 落水 2""",
)
_URGENT_OUTAGE = _words(
    Urgency.URGENT, "停水 1, 断水 1, 没水 0.8, 没有水 0.8, 停电 1, 断电 1, 没电 0.6, 停气 1, 没有气 0.6", kind="outage"
)
_URGENT = _words(
    Urgency.URGENT,
    """没有暖气 1.5, 没暖气 1.5, 不供暖 1.5, 没有供暖 1.5, 没供暖 1.5, 没有供热 1.5, 停暖 1.5, 暖气不热 1,
    暖气不暖 1, 井盖丢失 2, 井盖被盗 2, 井盖缺失 2, 没有井盖 2, 井盖破损 1.6, 井盖塌陷 2, 井盖松动 1.2, 井盖 0.5,
    道路塌陷 1.8, 路面塌陷 1.8, 地面塌陷 1.8, 路面下陷 1.6, 塌陷 1.5, 天坑 1.5, 大坑 0.6, 危房 1.5, 危楼 1.5,
    危房改造 0, 危改 0, 墙体开裂 0.8, 裂缝 0.5, 重大安全隐患 1.6, 安全隐患 1, 消防隐患 1.2, 火灾隐患 1.2, 隐患 0.5, 漏电 1.8, 高空坠物 1.2,
    大树倒 1.5, 树倒了 1.5, 倒伏 1, 爆管 1.5, 水管破裂 1.5, 污水倒灌 1.5, 积水严重 1, 严重积水 1, 积水 0.5,
    内涝 1.6, 断药 1.8, 没药 1.2, 缺药 1.2, 急需用药 1.8, 急需手术 1.8, 急需治疗 1.6, 急需救治 1.8, 等着救命 1.8,
    病危 1.8, 病重 1, 无钱救命 1.6, 透析 0.8, 抢救 1.5, 无家可归 1, 露宿街头 1.2, 独居老人 0.5, 瘫痪在床 0.8,
    电梯故障 0.6, 电梯坏了 0.6, 电梯停运 0.8, 燃气管道 0.6, 漏水严重 1, 来不及 0.6, 即将 0.4, 消防通道 0.6,
    堵塞消防通道 1.2, 占用消防通道 1.2, 没有水喝 1.5, 吃水难 1, 围堵 1, 堵路 1, 聚集 0.6, 上访 0.4""",
)
_LONG = re.compile(
    r"(?:\d+|[一二两三四五六七八九十几多半]+)(?:天|日|周|个?星期|个?月)|好几天|多天|多日|连续|长期|长时间|一直|至今|"
    r"整整|一整天|24小时|十几个小时|二十多个小时|一天一夜|到现在"
)
_WIDE = re.compile(
    r"整个小区|全小区|整栋|全楼|整条街|全村|整个村|几百户|上百户|上千户|数百户|数千户|\d{2,}户|家家户户|大面积|整片|片区"
)
_SCHOOL = re.compile(r"学校|小学|幼儿园|中学|校门|学生")
_DEADLINE = re.compile(r"(?:今天|明天|后天|马上|下周|这周|本周|月底)(?:就要|就得|必须|截止|到期)")

_URGENCY_CUES = Lexicon(_EMERGENCY + _URGENT_OUTAGE + _URGENT)


def urgency(text: str) -> FieldGuess:
    """normal / urgent / emergency (see the module doc)."""
    context = _Context(text)
    text = context.text
    tally = _Tally(Urgency, {Urgency.NORMAL: NORMAL_PRIOR})
    outages: list[Hit] = []
    hazard = False
    for hit in _URGENCY_CUES.find(text):
        if context.negated(hit):
            continue
        cue = hit.cue
        tense = context.tense(hit)
        if cue.value == Urgency.EMERGENCY:
            if tense == "past" or context.figurative(hit):
                continue
            if tense in {"now", "present"}:
                tally.add(Urgency.EMERGENCY, hit.word, cue.weight)
                if tense == "present":
                    tally.bonus(
                        Urgency.EMERGENCY, PRESENT_BONUS, _PRESENT.search(text[slice(*context.clause(hit))]).group(0)
                    )
            else:  # hypothetical, habitual or narrated: a danger to handle soon, not an emergency now
                tally.add(Urgency.URGENT, hit.word, HYPOTHETICAL_SHARE * cue.weight)
            continue
        if _RESOLVED.search(text[hit.end : context.sentence(hit)[1]]):
            continue
        weight = cue.weight * (0.5 if tense == "hypothetical" and cue.kind == "outage" else 1.0)
        tally.add(Urgency.URGENT, hit.word, weight)
        if cue.kind == "outage":
            outages.append(hit)
        elif "隐患" in hit.word or "危" in hit.word or "塌" in hit.word or "井盖" in hit.word:
            hazard = True
    if outages:
        sentence_text = "".join(text[slice(*context.sentence(h))] for h in outages)
        long = _LONG.search(sentence_text)
        wide = _WIDE.search(sentence_text)
        if long:
            tally.bonus(Urgency.URGENT, 1.0, long.group(0))
        if wide:
            tally.bonus(Urgency.URGENT, 1.0, wide.group(0))
    if hazard and (near_school := _SCHOOL.search(text)):
        tally.bonus(Urgency.URGENT, 0.8, near_school.group(0))
    if deadline := _DEADLINE.search(text):
        tally.bonus(Urgency.URGENT, 0.6, deadline.group(0))
    live = tally.cue_sum(Urgency.EMERGENCY) + tally.extra[Urgency.EMERGENCY]
    scores = tally.scores()
    # an emergency needs enough evidence; below that, its evidence speaks for "urgent"
    if live < EMERGENCY_THRESHOLD:
        scores[Urgency.EMERGENCY] = 0.5 * live
    scores[Urgency.URGENT] += 0.5 * live
    return _guess(scores, {v: tally.words(v) for v in tally.values})


# --------------------------------------------------------------------------------------------- emotion

_DISSATISFIED = _words(
    Emotion.DISSATISFIED,
    """不满 1.5, 不满意 1.5, 失望 1.5, 寒心 1.5, 心寒 1.5, 无奈 1, 无语 1, 郁闷 1, 烦死 1.5, 很烦 1, 烦恼 0.8,
    困扰 0.8, 苦恼 0.8, 苦不堪言 1.5, 不堪其扰 1.5, 受不了 1.2, 无法忍受 1.5, 难以忍受 1.5, 一直没人管 1.5,
    没人管 1, 无人管 1, 无人问津 1.2, 多次反映 1.2, 反映多次 1.2, 反映了多次 1.2, 多次投诉 1.2, 投诉多次 1.2,
    无果 1.2, 未果 1, 石沉大海 1.5, 没有下文 1.2, 没有回复 1, 没有答复 1, 推诿 1.2, 踢皮球 1.5, 推来推去 1.5,
    敷衍 1.2, 不作为 1.2, 不负责任 1.2, 不合理 0.6, 太慢 0.8, 一拖再拖 1.5, 迟迟 0.8, 至今 0.4, 仍然没有 0.8,
    还是没有 0.8, 为什么 0.4, 何时才能 1, 到底 0.5, 究竟 0.5, 难道 0.8, 不公平 0.8, 不公 0.6, 吐槽 1,
    差评 1.5, 质疑 0.8, 怨言 1, 抱怨 1, 怨声载道 1.5, 意见很大 1.2, 不理不睬 1.2, 置之不理 1.2, 不闻不问 1.2,
    冇人管 1.2, 冇得用 1.2, 打了冇用 1.2, 没有用 0.6, 和稀泥 1.2, 走过场 1.2, 爱理不理 1.5, 坑老人 1.5, 坑人 1.2,
    丢人 1.2, 不像话 1.2, 名堂 0.8, 官僚主义 1.5, 形式主义 1.2, 乱七八糟 0.8, 冇个准信 1.2, 没个准信 1.2,
    拖着 0.8, 拖到现在 1.2, 还是老样子 1.2, 照样 0.8, 一点变化都没有 1.5, 变化都没有 1.2, 冇人给我回话 1.5,
    没人给我回话 1.5, 没有回音 1.2, 冇得回音 1.2, 没回音 1.2, 就是不认 1.2, 不给退也不给换 1.5, 拒不退还 1.2,
    乱扣费 1.2, 太敷衍 1.5, 麻烦死了 1.2, 好麻烦 0.8, 骗了 0.8, 不负责 1.2, 太慢了 1, 搞不清 0.6, 脑壳疼 1,
    烦 0.5, 气人 1.5, 凶我 1.2, 还骂我 1.2, 这不是坑 1.5, 管不管 1.5""",
)
_ANGRY = _words(
    Emotion.ANGRY,
    """愤怒 2.5, 气愤 2.5, 愤慨 2.5, 愤恨 2.5, 生气 1.5, 恼火 2, 火大 2, 怒不可遏 3, 忍无可忍 3, 太过分 2,
    过分 1, 欺人太甚 3, 岂有此理 2.5, 无法无天 2.5, 丧心病狂 2.5, 天理何在 2.5, 天理难容 2.5, 王法 1.5,
    无耻 2, 可恶 2, 可耻 2, 混蛋 3, 王八蛋 3, 狗官 3, 黑心 1, 流氓 1.5, 强盗 1.5, 土匪 1.5, 畜生 3,
    他妈 3, 妈的 3, 去死 2.5, 人渣 3, 败类 2.5, 不要脸 2.5, 缺德 2, 投诉到底 2.5, 告到底 2.5, 追究到底 1.5,
    曝光 1.2, 媒体曝光 1.5, 找媒体 1.5, 上告 1, 绝不罢休 2.5, 决不罢休 2.5, 没完 1.5, 要个说法 1.5,
    讨个说法 1.5, 给个说法 1, 凭什么 1.5, 简直 0.8, 荒唐 1.5, 荒谬 1.5, 离谱 1.2, 可笑 1, 霸道 1.2, 嚣张 1.2,
    猖狂 1.2, 肆无忌惮 1.2, 目无王法 2, 强烈谴责 2, 严惩 1, 罪魁祸首 1.5, 骗子 1, 气死 2, 滚蛋 2.5,
    满意个鬼 3, 屁都 2.5, 会死啊 2.5, 有天理没有 2.5, 道理冇 1.5, 找电视台 2, 去找电视台 2,
    到市里去 1.2, 卷钱跑路 1.5, 卷款跑路 1.5, 一分不能少 1.2, 必须给我们一个说法 2, 到底管不管 2,
    越想越气 2""",
)
_DISTRESSED = _words(
    Emotion.DISTRESSED,
    """绝望 3, 走投无路 3, 活不下去 3, 不想活 3, 没法活 2.5, 无法生存 1.2, 生不如死 3, 求求你们 2.5, 求求 2,
    救救 2.5, 欲哭无泪 2.5, 以泪洗面 2.5, 哭诉 2, 哭着 2, 痛哭 2, 泪流 2, 流泪 1.5, 眼泪 1, 我哭 1.5,
    心急如焚 2.5, 着急 1, 焦急 1.5, 急死 2, 害怕 1.2, 恐惧 1.5, 担惊受怕 1.5, 提心吊胆 1, 无助 1.5,
    无依无靠 2, 孤苦伶仃 2, 没钱看病 2.5, 看不起病 2, 无钱医治 2.5, 无钱救治 2.5, 无钱救命 2.5, 救命钱 1.5,
    倾家荡产 2, 家破人亡 2.5, 妻离子散 2, 孩子没人管 2, 没人照顾 1.5, 无人照顾 1.5, 无家可归 2, 露宿街头 2,
    揭不开锅 2, 吃不上饭 2, 生活无着 2, 雪上加霜 1.5, 度日如年 2, 崩溃 2, 撑不下去 2.5, 扛不住 1.5,
    没有活路 3, 逼上绝路 3, 逼死 2.5, 跳楼 1.5, 自杀 1.5, 轻生 2, 可怜 0.6, 苦苦哀求 2, 万般无奈 1.5,
    迫于无奈 1,
    实在没有办法 1.5, 实在没办法 1.5, 病危 2, 救命 2.5, 怎么活 2, 失去了生活来源 2, 没有生活来源 1.5,
    快来人 2, 吓坏 2, 吓死 2, 吓得 1.5, 好怕 1.5, 很怕 1.5, 打我 1.5, 杀了我 2.5, 家暴我 2.5,
    走丢 1.5, 走失 1.5, 失踪 1.5, 找不到孩子 2, 快点来 2, 快点啊 1.5, 好吓人 2, 吓人 1.2,
    求你们了 2.5, 我求你们 2.5, 怎么办啊 1.5, 不晓得怎么办 1.5, 不知道怎么办 1.2, 睡不着 1, 棺材本 1.5,
    活着没意思 3""",
)
_CALL_ME = re.compile(r"(?:的)?(?:电话|手机|这个)")
_NUMBER_AFTER = re.compile(r"[\d一二两三四五六七八九十百半]")
_PRAISING = re.compile(r"表扬|点赞|赞扬|锦旗|感谢信")  # a caller who calls again to praise is not dissatisfied
_INTENSIFIER = re.compile(r"(?:非常|十分|极其|特别|极度|太|很|超级|万分|相当)$")
_EXCLAIM_RUN = re.compile(r"[！!]{2,}")
_QUESTION_RUN = re.compile(r"[？?]{2,}")
_EMOTION_CUES = Lexicon(_DISSATISFIED + _ANGRY + _DISTRESSED)


def _punctuation(text: str, tally: _Tally) -> None:
    """Runs of ！ and ？ make the feeling already expressed stronger; on their own they show displeasure."""
    exclaims = [m.group(0) for m in _EXCLAIM_RUN.finditer(text)]
    questions = [m.group(0) for m in _QUESTION_RUN.finditer(text)]
    runs = exclaims[:3] + questions[:3]
    if not runs:
        return
    loudest = max(
        (Emotion.ANGRY, Emotion.DISTRESSED, Emotion.DISSATISFIED), key=lambda v: (tally.cue_sum(v), v == Emotion.ANGRY)
    )
    target = loudest if tally.cue_sum(loudest) > 0 else Emotion.DISSATISFIED
    for run in runs:
        tally.bonus(target, 0.5 if len(run) == 2 else 0.8, run)
    if text.count("！") + text.count("!") >= 5 and target == Emotion.ANGRY:
        tally.bonus(Emotion.ANGRY, 0.5)


def emotion(text: str, *, emergency: bool = False, repeat: bool = False) -> EmotionGuess:
    """calm / dissatisfied / angry / distressed, and whether to handle the order first (see the module doc).

    ``emergency``: a life is at risk now (``triage.safety``): the caller is distressed unless anger dominates.
    ``repeat``: the caller says they called before about this (``repeat_call``): dissatisfaction grows."""
    context = _Context(text)
    text = context.text
    tally = _Tally(Emotion, {Emotion.CALM: CALM_PRIOR})
    if emergency:
        tally.bonus(Emotion.DISTRESSED, EMERGENCY_DISTRESS, "险情")
    if repeat and not _PRAISING.search(text):
        tally.bonus(Emotion.DISSATISFIED, REPEAT_CALL_DISSATISFACTION, "再次来电")
    for hit in _EMOTION_CUES.find(text):
        if context.negated(hit) and hit.cue.label not in {"没人管", "无人管"}:
            continue  # (but "是不是没人管" still complains that nobody cares)
        if hit.cue.label == "打我" and _CALL_ME.match(text, hit.end):
            continue  # "打我电话" asks for a call back: nobody is hitting the caller
        if hit.cue.label == "不满" and _NUMBER_AFTER.match(text, hit.end):
            continue  # "交了十一年，不满十五年" is a count, not a feeling
        weight = hit.cue.weight
        if _INTENSIFIER.search(text[max(0, hit.start - 2) : hit.start]):
            weight *= 1.3
        tally.add(hit.cue.value, hit.word, weight)
    _punctuation(text, tally)
    scores = tally.scores()
    dissatisfied = scores[Emotion.DISSATISFIED]
    if scores[Emotion.ANGRY] > 0:
        scores[Emotion.ANGRY] += 0.3 * dissatisfied  # anger grows out of dissatisfaction
    order = (Emotion.DISTRESSED, Emotion.ANGRY, Emotion.DISSATISFIED, Emotion.CALM)
    guess = _guess({v: scores[v] for v in order}, {v: tally.words(v) for v in tally.values})
    return EmotionGuess(guess=guess, priority=guess.value in PRIORITY_EMOTIONS)
