"""Life and safety risks in a call or message: found apart from everything else, so none is missed.

``assess(text, call=…)`` reads what the caller said (and what the operator read back: a read-back states a fact
the caller has just confirmed) and returns whether a life or safety is at risk now, of which kind, whether it
is a risk of self-harm or suicide (which gets its own protocol on the desk), and the words that triggered it,
as said, for the operator to see why.

How: a wide net, a judge, and a learned second opinion.

1. Danger mentions (``CUES``). Each kind of risk (``KINDS``) has cues with weights, written for recall: about 3
   for what states the danger (着火了, 不想活了, 井盖没了, 电线掉在地上), 2–2.5 for what needs company (出不来,
   冒火花, 联系不上), 1–1.5 for hints (焦味, 报纸堆在门口). Most dangers are a thing and what happens to it, said
   in any order with fillers, commas and self-corrections in between (电梯，那个，卡在两层中间 / 那根线被风刮
   下来了，横在马路上): such a cue is a noun group and a predicate group within one sentence, so that a new way
   of saying it is found as long as its words are in the groups; the rest are phrases (臭鸡蛋味, 一了百了, 把药
   都攒起来了, 写好了遗书, 好几天没看到他). The key nouns also match their homophones, because an ASR engine
   writes what it hears: 燃气 matches 然气, 液化气 夜化气, 井盖 井改, 水淹 水烟, 电线 店线, 电梯 电体, 山洪 山红,
   自杀 自沙 (every character of the common set, GB 2312 level 1, read like the word's character: pypinyin's
   table). Exaggerations (急死了, 吓死人, 要命, 火冒三丈, 气得要死) and 打我电话 are no cue at all.

2. The judge weighs each mention in its clause, its sentence and the call (an ASR engine may give a whole turn
   without a comma: a clause then reaches ``CLAUSE_REACH`` characters either side of the mention, a sentence
   ``SENTENCE_REACH``):
   - negated (没有闻到然气味 / 冇漏 / 不是现在着火 / 有没有人受伤), the negation before the noun or before the
     predicate: it does not count;
   - denied by the caller: an operator's read-back the caller answers with a denial (您是说楼下着火了是吧？——不是
     不是，没着火，是烧烤店的油烟), wholly or of its danger word (不是失联，她在外地读大学), sets aside what the
     read-back says and what the caller said of that kind before the denial; a denial of a detail (不是三楼，
     是四楼) does not. A caller taking back their own words (楼下有人倒了——不是人倒了，是大树倒了 / 哎不是，是跳
     广场舞的 / 我说错了) counts the same;
   - resolved after it, by what ends its kind (火很快扑灭了 / 人找到了 / 救出来了 / 井盖换了新的 / 是我搞错了 /
     是演习 / 我是说气话), in the rest of the caller's account — unless asked or denied (有没有做警示？ / 还没
     修好): it does not count;
   - hypothetical, a worry, a question about rules, a drill or an inspection (万一 / 担心 / 差点 / …的话怎么办 /
     应该打哪个电话 / 演练 / 安检 / 隐患): it does not count — but a conditional about one's own death is how
     self-harm is said (要是我不在了 / 如果我死了) and is its own cue;
   - hearsay and news (听说 / 听楼下的人说 / 新闻上 / 群里看到 / 电视剧里 / 外地有个), or named as a kind of
     problem (被困电梯内的安全问题时有发生 / …等危险情况): it does not count — except where a person at risk
     said it (我儿子在网上说今天晚上就结束一切);
   - figurative (简直 / 跟…一样 / 急得要跳楼 / 想死的心都有了 / 我都快晕过去了 / 火烧眉毛): it does not count
     (self-harm: a third); self-harm said in jest, anger or to cheat (他是开玩笑的 / 说气话 / 骗打赏) and said so,
     not followed by 但这次…, nor what others took for a joke (我们都以为他开玩笑): it does not count;
   - a jump in a sport or a training (拓展 / 蹦极 / 跳箱), 不想过了 in a quarrel, the words of a funeral (骨灰 /
     告别厅 / 我爸的后事), a debtor whose phone is off (包工头电话也不接), a crack in a building (天花板有裂缝):
     not a danger of that kind; a small child on a window ledge or a balcony's edge is a child in danger, not
     self-harm;
   - smoke from a chimney, a factory, a dump or a cigarette, flames kept on purpose (烧烤 / 烧纸 / 烧秸秆), a
     smell from a factory: not a fire or a leak; trees cut (树全被砍了) are no violence; a line that carries no
     power (网线被风刮断了), a thing or an animal stuck (死猪卡在桥墩下面, 道闸卡住了) and a hazard that has stood
     for months (电线杆歪了好几个月了) are no danger of their kind; 冒火 said of a power line is the line's spark,
     a small child shut on a balcony a child locked in (not someone trapped), a young woman beyond a rail (女孩子)
     no small child; what may end a danger said as a possibility (说不准什么时候就来电了) ends nothing; a harmless
     source the caller only guesses (可能是烧垃圾吧 / 应该是网线吧) rules out nothing once the call says the fire grows
     or the line sparks or shocks (越来越大, 噼里啪啦 / 闪了一下, 被弹开); smoke complained of again and again (又是我
     / 反映过两次了 / 到底管不管) is pollution; a danger the caller took it for and found it was not (我以为着火了，
     后来一看是…) does not count;
   - past: a marker in its sentence (上个月 / 那天 / 去年 / 当时 / 昨天晚上) not followed by one of now (上个月
     就坏过，今天又把人关在里面了), or after it (是去年的事 / 很久以前的帖子) — or, when its sentence has no marker
     of time at all, the last one said before it in the call (a caller narrating a fire last month does not
     repeat 上个月 in every sentence; a 现在 / 今天 / 刚刚 or a word of the time to come, 以后 / 今晚 / 准备, ends
     the narrative; so does a change of subject, 哎呀不说那个了 / 哦对了 / 你等一下). An event (a fire, a fight) is
     then over; a state (a wire on the ground, an open manhole, a person missing, a self-harm plan, a leak) may
     still be there: a state said long ago does not count, one said in a recent past (今天早上 / 下午 / 昨晚) counts
     half and does not keep the model from reading it as a danger now, fully when said to last (到现在还, 一直, 从
     昨天中午开始) or when it is an absence (出去就没回来: the time says when it began). A wish to die or its plan
     keeps no time of the sentences before it (老伴去年走了……我是真的想一了百了). A past told with durations
     (上礼拜四晚上……一直在电话里教我做心肺复苏) is not marked as now;
   - habitual (天天 / 经常 / 一下大雨就 / 电梯频繁故障困人 / …时有发生), unless a time of this once follows
     (平时天天出来遛狗，这三天…), a worry about a season to come (怕今年汛期), water from a burst main, a way
     blocked by bicycles or cars (堵住了楼道口，老人推轮椅出不去): half;
   - in a call about compensation, insurance, praise, a suggestion or a cancelled request (保险 / 赔偿 / 表扬 /
     建议 / 取消), a mention not marked as now: half (not self-harm: 保险还能赔点钱给老婆孩子 is how it is said),
     unless a change of subject (……哎，) comes between the purpose and the mention;
   - in a web message, not marked as now in its clause (or in its sentence, for a message of at most
     ``SHORT_MESSAGE`` characters: 现在 / 正在 / 紧急): 40 % (letters narrate).
   A marker of now (正在 / 还在 / 刚刚 / 快点 / 救命 / 越来越 / 在冒烟 / 一个多钟头了) in its clause or just after
   adds to its kind, once (in a call).

   A kind's score is its best mention plus half the next two (a cue said again adds nothing: 下不来，上不去); in
   a call the best other kind adds half its score (积水好深 + 车里有人), and a plea (救命 / 快来人 / 求你们了)
   lifts a kind that is close. A life is at risk now when the best kind reaches ``THRESHOLD`` (one clear
   mention does). Self-harm wins over every other kind when it reaches ``SELF_HARM_WINS``, because its protocol
   (keep the caller on the line, 110/120, the psychological-aid line) must be followed whatever else is going
   on (刀片……划了两道 is no fight; 喝了一瓶农药……吐白沫 is no illness); then a cause wins over its casualty (a
   fight with a man on the ground is the fight).

3. In a call, a learned second opinion (``triage.safety_model``: character n-grams, a logistic regression
   trained on every part of the development set and the corpus's parts 1-5) reads the same text. A call below the
   threshold is an emergency when the model's risk reaches ``RESCUE_RISK`` — unless the rules found danger
   words and set them all aside or weighed them down for their context (negated, resolved, past, a burst main
   …: their reading of negation and time is the better one), except for self-harm, whose words come hedged and
   half-denied; the triggers are then the stretches of text the model read most. A call the rules flag on
   modest evidence (below ``VETO_EVIDENCE``) is not an emergency when the model's risk is below ``VETO_RISK``,
   nor on evidence below ``STRONG_VETO_EVIDENCE`` when it is below ``STRONG_VETO_RISK`` — never a call with
   self-harm in it, and only the surer veto when the caller downplays (可能不是什么大事 / 不知道该不该打: the model
   hears calm words). An emergency the model reads as self-harm (``SELF_HARM_AGREED``) is self-harm when the
   rules saw a word of it (女儿在群里发了“再见了这个世界”……电话一直关机 is not only a missing child). Self-harm is
   flagged only with a word of it: a poisoning reads like an overdose to the model. Web messages are judged by
   the rules alone (the model never read a letter). When in doubt the detector flags: the operator confirms.

Every alternative of every cue is indexed by the few characters one of which all its matches contain (read from
the pattern's parse tree): a text runs only the alternatives whose characters it has, about one in ten.

The urgency field keeps the lexicon of ``triage.intent`` for "urgent" against "normal"; the emergency decision is
this detector's: when it finds no risk now, the lexicon's emergency evidence speaks for "urgent" instead.

Measured on a development set written for it (bench/data/safety_dev.md) and the call corpus:
``python -m bench.bench_calls_safety``; docs/triage.md has the figures.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from pypinyin import Style, lazy_pinyin, pinyin_dict

from triage import intent, safety_model
from triage.normalise import is_read_back
from triage.types import Candidate, FieldGuess

KINDS = (
    "gas",
    "fire",
    "flood",
    "trapped",
    "violence",
    "self_harm",
    "unresponsive_or_missing",
    "road_collapse",
    "live_wire",
    "locked_in_alone",
)
# States last until someone removes them: said with a past marker ("since last night") they may still be there.
# A self-harm plan and a leak last too; a fire or a fight said in the past is over.
STATE_KINDS = frozenset(KINDS) - {"fire", "violence"}
THRESHOLD = 2.5  # one clear mention (weight 3) or a weaker one with company
PRESENT_BONUS = 1.0  # a mention marked as happening now, once per kind
PLEA_BONUS = 1.0  # the caller begs for help now: lifts the leading kind …
PLEA_LIFTS = 2.0  # … when it is at least this close
PAST_STATE_SHARE = 0.5
HABITUAL_SHARE = 0.5
LATER_SHARE = 0.5  # a worry about the rainy season or next year: a hazard to fix
BURST_MAIN_SHARE = 0.5  # a burst main floods a road, rarely homes
BLOCKED_WAY_SHARE = 0.5  # a way blocked by bicycles or cars: someone cannot get out, but is not trapped
SUPPORT_SHARE = 0.5  # the best other kind adds this share to the leading one (积水好深 + 车里有人)
CALM_PURPOSE_SHARE = 0.5  # a call about compensation, praise … : what it narrates is not marked as now
FIGURATIVE_SELF_HARM_SHARE = 1 / 3  # 逼得我想死: said of a feeling, still worth a look with other words
WRITTEN_SHARE = 0.4  # a web message's danger not marked as happening now: letters narrate what happened
RESOLUTION_REACH = 100  # characters after a mention in which what ends it is looked for
CONFIDENCE_CAP = 0.95
SHORT_MESSAGE = 200  # characters: a longer web message is a letter that narrates
REPORTED_REACH = 40  # characters before a mention in which hearsay or news (听说, 新闻上) is looked for
CLAUSE_REACH = 14  # characters before and after a mention that its clause reaches at most (speech without commas)
SENTENCE_REACH = 60  # … and its sentence
# The learned second opinion (triage.safety_model), for calls: a call the rules leave below THRESHOLD is an
# emergency when the model's risk reaches RESCUE_RISK; a call the rules flag with less than VETO_EVIDENCE is not
# one when the model's risk is below VETO_RISK (with less than STRONG_VETO_EVIDENCE, below STRONG_VETO_RISK).
# RESCUE_RISK was chosen on validation cases written before it was tried; the vetoes on the out-of-fold readings
# of every tuning case and on the third tuning batch before it was tuned on (bench/data/safety_dev.md): no
# emergency among them is vetoed.
RESCUE_RISK = 0.6
VETO_RISK = 0.25
VETO_EVIDENCE = 3.5
STRONG_VETO_RISK = 0.1  # … and evidence below STRONG_VETO_EVIDENCE against a model surer still
STRONG_VETO_EVIDENCE = 4.5
SEEN = 1.5  # a kind the rules saw this much of names a rescued call's risk
SELF_HARM_WINS = 2.5  # a call at risk with this much of self-harm in it is self-harm
SELF_HARM_AGREED = 0.5  # … or with a word of it, when the model reads the call as self-harm this surely
SELF_HARM_SEEN = 1.0  # a word of self-harm the rules kept (a figurative one too) makes a rescued call self-harm


@dataclass(frozen=True)
class SafetyAssessment:
    urgency: FieldGuess  # normal / urgent / emergency, with its confidence and the words behind it
    kind: str | None = None  # one of KINDS when a life or safety is at risk now
    self_harm: bool = False  # a risk of self-harm or suicide: the desk shows the protocol
    triggers: tuple[str, ...] = ()  # the words that raised the risk, as said

    @property
    def is_emergency(self) -> bool:
        return self.urgency.value == intent.Urgency.EMERGENCY

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "self_harm": self.self_harm, "triggers": list(self.triggers)}


# ------------------------------------------------------------------------------------------- sound-alikes


def _toneless(reading: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", reading) if not unicodedata.combining(c))


def _common(char: str) -> bool:
    """The 3,755 characters of GB 2312 level 1: the common characters an ASR engine writes."""
    try:
        encoded = char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(encoded) == 2 and 0xB0 <= encoded[0] <= 0xD7


@cache
def _by_sound() -> dict[str, frozenset[str]]:
    """Common characters by the toneless syllable of their main reading."""
    table: dict[str, set[str]] = defaultdict(set)
    for code, readings in pinyin_dict.pinyin_dict.items():
        char = chr(code)
        if _common(char):
            table[_toneless(readings.split(",")[0])].add(char)
    return {sound: frozenset(chars) for sound, chars in table.items()}


def _alike(word: str) -> str:
    """A regex matching ``word`` and its homophones (each character or any common one read the same)."""
    parts = []
    for char, sound in zip(word, lazy_pinyin(word, style=Style.NORMAL), strict=True):
        chars = sorted(_by_sound().get(sound, frozenset()) | {char})
        parts.append(f"[{''.join(chars)}]" if len(chars) > 1 else char)
    return "".join(parts)


def _alikes(*words: str) -> str:
    return "(?:" + "|".join(_alike(w) for w in words) + ")"


# ------------------------------------------------------------------------------------------------- cues


@dataclass(frozen=True)
class Cue:
    kind: str
    weight: float
    pattern: re.Pattern[str]
    # the pattern's alternatives, each with the characters one of which its every match contains (None: not
    # known): a text without any of them is not searched, and most texts lack most of them
    parts: tuple[tuple[frozenset[str] | None, re.Pattern[str]], ...] = ()


_FREQUENT = frozenset("一不了的是在有人我他她你们没冇要就都也还个大好地上下来去到说里得着这那")


def _required_characters(regex: str) -> frozenset[str] | None:
    """A small set of characters at least one of which every match of ``regex`` contains, read from its parse
    tree (None when there is none to be found). Most texts lack all of them, and a search for one of a few
    characters costs far less than the pattern with its alternatives and gaps."""
    try:
        from re import _constants as sre
        from re import _parser as parser
    except ImportError:  # pragma: no cover - a Python without the parser: patterns run on every text
        return None

    def cost(chars: frozenset[str]) -> int:
        return len(chars) + 10 * len(chars & _FREQUENT)

    def sequence(items: object) -> frozenset[str] | None:
        best = None
        for op, value in items:  # type: ignore[attr-defined]
            found = item(op, value)
            # the rarest set wins; on a tie the later one (a word's last character is rarer: 不想活, 没有呼吸)
            if found is not None and (best is None or cost(found) <= cost(best)):
                best = found
        return best

    def item(op: object, value: object) -> frozenset[str] | None:
        if op is sre.LITERAL:
            return frozenset(chr(value))  # type: ignore[arg-type]
        if op is sre.IN:
            if any(kind is not sre.LITERAL for kind, _ in value):  # type: ignore[attr-defined]
                return None  # a range, a category or a negated class
            return frozenset(chr(code) for _, code in value)  # type: ignore[attr-defined]
        if op is sre.SUBPATTERN:
            return sequence(value[-1])  # type: ignore[index]
        if op is sre.BRANCH:
            union: set[str] = set()
            for branch in value[1]:  # type: ignore[index]
                found = sequence(branch)
                if found is None:
                    return None
                union |= found
            return frozenset(union)
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and value[0] >= 1:  # type: ignore[index]
            return sequence(value[2])  # type: ignore[index]
        return None

    return sequence(parser.parse(regex))


def _alternatives(regex: str) -> list[str]:
    """The top-level alternatives of a regex (``a|b(c|d)|e`` → a, b(c|d), e)."""
    parts, depth, start, index, in_class = [], 0, 0, 0, False
    while index < len(regex):
        char = regex[index]
        if char == "\\":
            index += 1
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if regex[index + 1 : index + 2] == "]":
                index += 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(regex[start:index])
            start = index + 1
        index += 1
    return [*parts, regex[start:]]


def _cue(kind: str, weight: float, regex: str) -> Cue:
    parts = tuple((_required_characters(part), re.compile(part)) for part in _alternatives(regex))
    return Cue(kind, weight, re.compile(regex), parts)


def _pair(noun: str, predicate: str, gap: str | None = None, back: str | None = "", *, forward: bool = False) -> str:
    """A thing and what happens to it in one sentence (电线，那个，掉在地上), or what happens to it just before
    it in its clause (断了的线; not when ``forward``); the predicate is the group ``s`` or ``t`` (a negation
    before it counts as much as one before the noun: 燃气表没有漏气, 楼下不是着火)."""
    ahead = rf"(?:{noun}){gap or _GAP}(?P<s>{predicate})"
    return ahead if forward else rf"{ahead}|(?P<t>{predicate}){back or _NEAR}(?:{noun})"


_SENTENCE = r"[^。！？!?；;\n]"
_GAP = _SENTENCE + "{0,20}?"  # within the sentence: commas, fillers and self-corrections between the words
_NEAR = r"[^，,。！？!?；;\n]{0,6}?"  # within the clause
_SHORT = r"[^，,。！？!?；;\n]{0,3}?"

# Words that end in 然 (突然, 虽然 …) would read as 燃 before 起/气: "突然起火" is not "燃气".
_NOT_RAN = r"(?<![突虽当忽竟既仍显居必果依偶固全自猛俨毅坦公断纵已欣茫黯默骤])"
_GAS = (
    rf"(?:{_NOT_RAN}{_alike('燃气')}|{_alikes('煤气', '天然气', '液化气', '管道气')}|沼气|气罐|气瓶|钢瓶|"
    r"(?:那个|这个)?罐子)"
)
_PERSON = (
    r"(?:老人家?|老爷爷|老奶奶|老大爷|老爷子|老太太|老太婆|老婆婆|婆婆|老头子?|老倌子?|老伴|爷爷|奶奶|外婆|外公|"
    r"爹爹|娭毑|大爷|大妈|阿姨|我爸|我妈|老爸|老妈|父亲|母亲|我老公|老公|老婆|堂客|邻居|孩子|小孩子?|伢子|儿子|"
    r"女儿|宝宝|娃娃?|学生|小朋友|幼儿|同学|同事|室友|朋友|妈|爸|人|他|她)"
)
_MISSING = _PERSON.replace("|人|", "|")  # 人都找不到了: someone who ran off with the money
_CHILD = (
    r"(?:孩子|小孩子?|小朋友|伢子|细伢子|宝宝|婴儿|幼儿|小毛毛|毛毛|娃娃?|儿子|女儿|孙子|孙女|小孙子|老人家?|老人|我妈|我爸|"
    r"外公|外婆|爷爷|奶奶|娭毑)"
)
_WIRE = (
    rf"(?:{_alikes('电线', '高压线', '电缆')}|电线杆|电杆|线杆|线头|(?:一|那|有)根线|线|变压器|配电箱|电箱|"
    r"配电房|电井|路灯杆|电表箱)"
)
# A power line by a name no other line has (电线, 高压线, 电缆, 电线杆 …): what happens to it is enough
# (那根电缆被吊车刮断了，吊下来在那里晃); 线 alone may be a washing line or a network cable.
_POWER_LINE = rf"(?:{_alikes('电线', '高压线', '电缆')}|电线杆子?|电杆|线杆子?|供电线|输电线|引下线|动力线|火线|裸线|(?:一|那|这)根线)"
# What a fallen line touches and makes live: metal, a car, a roof (搭在铁栅栏上, 压在小车顶上)
_LIVE_TOUCH = r"(?:铁|钢|栏杆|栅栏|护栏|车顶|车上|车身|小车|房顶|屋顶|房子上|棚|广告牌|围墙|水管|晒衣|衣架|树上|人身上)"
_GROUND = (
    rf"(?:地上|地下|地面|路上|路面|马路|路中间|人行道|水里|水中|水沟|积水|水坑|坑里|水塘|河里|{_alike('田里')}|稻田|田埂|"
    r"草地|草里|护栏|一人高|半空)"
)
_MANHOLE = rf"(?:{_alikes('井盖', '窨井')}|[进近紧金尽]改|井[该概]|人孔盖|下水道口?|雨水井|污水井|检修井|井口|盖子|盖板|铁板子?)"
_ROAD = r"(?:路面|马路|路基|路中间|路当中|路上|地面|地上|人行道|桥面|桥|路)"
_ELEVATOR = rf"(?:{_alike('电梯')}|扶梯)"
_FIRE_WORD = r"[火伙或货霍]"
# A frail person who cannot get up (下不了床, 瘫在床上, 腿摔断了躺床上), and what leaves them stranded (no water or food
# left, the door locked); the carer who stopped coming (保姆三天没来了, 送饭的姑娘两天都没来).
_IMMOBILE = (
    r"下不了床|下不得床|下不来床|起不来|起不了床|爬不起来|动不了|动弹不得|不能动|瘫(?:痪)?在床|卧床|"
    r"(?:腿|脚)[^，,。]{0,3}断了[^，,。]{0,3}(?:躺|在)?(?:床上)?|躺(?:在)?床上"
)
_STRANDED = (
    r"(?:水|饭|吃的|喝的|热水瓶|水壶)[^，,。]{0,4}(?:喝完|吃完|没了|没有了|没得了|冇得了|空了|断了)|没(?:得|有)?(?:饭|水|东西)?(?:吃|喝)|没喝水|"
    r"(?:一天|两天|三天|几天|一整天)(?:都)?没(?:吃|喝)|门[^，,。]{0,4}(?:锁|反锁)(?:着|了|的)|门锁着|开不了门|渴"
)
_CARER_GONE = (
    r"(?:保姆|护工|钟点工|阿姨|送饭|照顾(?:我|他|她)的|护理员|上门服务的)[^。！？\n]{0,12}?"
    r"(?:[一两三四五几]|好几)天(?:都)?没(?:来|见人|上门)"
)  # 着火 as an ASR engine may write it (着伙, 失或)

_CUES: tuple[tuple[str, float, str], ...] = (
    # ---- gas: a leak, its smell or its hiss, a severed pipe, carbon monoxide
    (
        "gas",
        3,
        _pair(
            _GAS,
            r"漏(?:气|了)?|泄[漏露]|喷|冒[^，,。]{0,2}气|出气|跑气|呲|嘶|(?:的)?(?:气)?(?:味|臭)|挖[断破]|关不[上住掉死]|"
            r"阀门?[^，,。]{0,3}坏|忘了?关|没关",
        ),
    ),
    (
        "gas",
        3,
        _pair(
            r"(?<![水])(?:管道?|软管|管子|管线|阀门?|表|灶|调压箱)",
            r"挖断|挖破|断裂|破裂|爆裂|裂开|漏(?![水电])|喷气",
            r"[^，,。]{0,4}?",
            forward=True,
        ),
    ),
    ("gas", 2, r"闻到[^，,。]{0,6}(?:一股|好大的?|好浓的?|好重的?)气(?!味)"),
    ("gas", 2.5, _pair(r"一股[^，,。]{0,3}味|味道", r"哪里漏了|是不是漏|在漏")),
    ("gas", 3, r"臭鸡蛋|煤气中毒|燃气中毒|一氧化碳"),
    ("gas", 2.5, r"(?<![不没冇])漏气|嘶嘶|呲呲|(?:一直|还)?在冒气|往外冒气"),
    ("gas", 2.5, _pair(r"报警器", r"响|叫|报警|鸣|滴滴")),
    (
        "gas",
        2.5,
        _pair(
            r"(?:怪|异|刺鼻的?|一股)气?味|炭火?盆?|煤炉子?|炉子|热水器",
            r"头晕|头好晕|头疼|想吐|恶心|迷迷糊糊|晕|不应",
            back=_GAP,
        ),
    ),
    # ---- fire: flames, smoke, an explosion, a thing burning
    (
        "fire",
        3,
        rf"着{_FIRE_WORD}|起火|起伙|失{_FIRE_WORD}(?!罪)|燃起来|烧起来|烧着了|着起来|火势|火苗|火窜|窜火|火光|火焰|明火|"
        r"冒火(?!花|星)|大火|蔓延|烧过来了|火(?:好|很|蛮|太|越来越|更|越烧越)大|好大的火|越烧越|在烧|还在烧|火烧(?!眉毛|屁股)|火舌|烧得(?:好|很|蛮)?(?:旺|厉害)",
    ),
    ("fire", 2.5, r"火灾(?!隐患|保险|险|认定|事故|报警|预防|应急)"),
    (
        "fire",
        3,
        r"(?<![油吸抽香炊])(?:冒黑烟|黑烟|浓烟)|烟(?:好|很|太|蛮)大|好大的烟|(?:都是|全是|好多|一屋的?|满屋的?|满屋子|满楼道的?)烟|"
        r"往外冒烟|烟往(?:上|外|楼上|里)|烟[^，,。]{0,3}往[^，,。]{0,8}(?:灌|钻|冒|窜)|玻璃[^，,。]{0,4}(?:炸|爆)(?:裂|了|开)",
    ),
    ("fire", 2, r"红通通|通红一片|火红一片|(?:一大片|一整片|半边山|半个山)(?:都)?(?:红|烧)了|红了一大片"),
    # smoke or fire said to grow, and what bursts in it (烟越来越浓，变成黑的了 / 砰砰的响，像是有罐子炸了)
    (
        "fire",
        2.5,
        r"(?:烟|火)[^，,。]{0,6}(?:越来越|越冒越|越烧越)(?:大|浓|多|黑|旺|凶)|越冒越(?:大|多|浓|黑|凶)|烟[^，,。]{0,4}变(?:成)?(?:黑|浓|大)",
    ),
    (
        "fire",
        2,
        r"(?:有|像是有|好像有)[^，,。]{0,4}(?:东西|罐子|瓶子|气罐|轮胎)[^，,。]{0,2}(?:在)?(?:炸|爆)|砰砰的?响|嘭嘭的?响",
    ),
    # a fire in a field or on a hill runs with the wind (风一吹就往山上跑了)
    ("fire", 2, r"(?:风一吹|一阵风)[^，,。]{0,4}(?:就)?往[^，,。]{0,4}(?:跑|窜|烧|扑|蔓延)|往山上(?:跑|窜|烧)"),
    ("fire", 2.5, r"顺着[^，,。]{1,6}往[^，,。]{0,3}(?:烧|窜)|往(?:上|楼上|屋里|里面)(?:烧|窜)(?:了|过去|上去)?"),
    ("fire", 2, r"(?<![油吸抽香炊])(?:冒烟|烟雾)|呛得"),
    (
        "fire",
        3,
        _pair(
            r"车|电动车|电瓶车?|充电器?|房子|屋|楼道|被子|沙发|窗帘|柴火?堆?|(?:麦秸|稻草|秸秆|柴)?垛|车棚|仓库|厂房|板房|工棚|垃圾站|"
            r"厨房|油锅|锅|楼上|楼下|隔壁|对面|对门|山|林子|广告牌|店",
            r"(?<!睡)着了|(?<!睡)着哒|烧着|着火|在烧",
            _SHORT,
            forward=True,
        ),
    ),
    ("fire", 1.5, r"焦味|烧焦的?味|糊味|火星子?"),
    (
        "fire",
        3,
        r"(?<!易)爆炸(?![物品头])|(?:饭店|店|房子|楼|车|罐|瓶|锅炉|厂|仓库|气罐|管道|电瓶|电动车|充电宝|电池|"
        r"变压器|配电箱|轮胎)[^，,。]{0,3}炸了",
    ),
    ("fire", 2, r"好大一声响|一声巨响|轰的一声"),
    # ---- flood: water rising into homes, cars and tunnels, people swept away or in the water
    (
        "flood",
        3,
        rf"水{_alike('淹')}|被淹|淹了|淹到|淹没|淹水|淹死|泡在水里|被水(?:围|困|冲)|冲走了?|冲倒了?|冲垮了?|冲下去|"
        rf"涨大水|发大水|洪水|水涨得?(?:好|很|有点|蛮|太)?快|{_alike('山洪')}|泥石流|决堤|溃坝|垮坝|管涌|溃堤|决口|落水|溺水|"
        r"掉(?:进|到|下)了?(?:河|江|湖|塘|水库|水里|水中|池)",
    ),
    (
        "flood",
        3,
        r"齐(?:膝|腰|胸)深?的?水|(?:膝盖|腰|胸口)深的水|"
        r"水(?:已经|都|快|快要)?(?:到|齐|漫到|淹到|没过|淹过|涨到|快到|漫过|过了)了?(?:我的?|人的?|大人的?)?"
        r"(?:膝盖|腰|胸口?|脖子|大腿|小腿|腿|床|桌子|窗户?|车窗|车顶|一楼|二楼|屋顶|门口|台阶|一米|半米|半人|房顶|灶台)",
    ),
    (
        "flood",
        2.5,
        r"水进屋|进屋了|水漫|漫上来|漫进|漫过|倒灌|灌进|往屋里灌|往里面?灌|水往屋里|往[^，,。]{1,6}里(?:面)?灌|哗哗[^，,。]{0,3}往下灌|"
        r"水(?:还在|一直在|越来越)(?:涨|大|深|上来|往上冒)|还在涨|越涨越|水冲进|水(?:一下子)?就?上来了",
    ),
    (
        "flood",
        2.5,
        r"(?:已经|都|快|现在)?(?<![埋压])(?:到|齐|漫到|淹到|没过)了?(?:膝盖|腰|胸口?|脖子|大腿)了|漫过堤|往[^，,。]{0,6}冲(?:过来|进来)",
    ),
    ("flood", 3, r"(?:河堤|堤坝|大堤|堤|坝)[^，,。]{0,3}(?:垮|崩|决口|溃|塌)"),
    # how high the water has come, said without the water (已经漫到半人高了 / 淹到车窗了 / 漫到坡道一半)
    (
        "flood",
        2.5,
        r"(?:漫|淹|涨|没)(?:到|过)了?[^，,。]{0,3}?(?:半人|膝盖|腰|胸口?|脖子|大腿|小腿|车窗|车顶|座位|床|窗户|窗台|一米|半米|门槛|"
        r"灶台|二楼|楼梯口|坡道|屋里|家里|车门)",
    ),
    ("flood", 3, r"冲(?:到|进|下)了?[^，,。]{0,3}(?:河|江|湖|沟|水)里"),
    ("flood", 2, r"抱着[^，,。]{0,3}(?:桥墩|树|栏杆|电线杆|柱子)"),
    ("flood", 2, r"(?:河堤|堤坝|大堤|堤|坝)[^，,。]{0,3}渗水"),
    # a dam or an embankment leaking before any flood: the water comes through it, muddy, more and more
    (
        "flood",
        3,
        _pair(
            r"(?:塘坝|河堤|堤坝|大堤|坝体|坝脚|坝底|堤脚|堤|坝)",
            r"(?:往外|在往外|一直在?)?(?:渗|冒|涌|喷|漏)(?:浑)?水|(?:往外|在往外)(?:渗|冒|涌|喷|流)|冒(?:浑水|水泡|泡泡|沙)|渗漏|漏水|"
            r"裂[^，,。]{0,3}缝[^，,。]{0,6}(?:漏|冒|渗|流)",
            r"[^。！？\n]{0,12}?",
            forward=True,
        ),
    ),
    ("flood", 1.5, r"(?:流|冒|涌|渗)成(?:了)?一股|浑水[^，,。]{0,4}越(?:来越|冒越|流越)大"),
    ("flood", 1.5, r"(?:车|车子)[^，,。]{0,6}(?:熄火|泡在|漂)"),
    ("trapped", 2, r"车里(?:面)?(?:还)?有人|里面(?:还)?有(?:个|一个)?(?:人|小孩子?|孩子|老人)"),
    ("flood", 1.5, r"(?<![手机表电脑])进水了?|水好深|积水(?:好|很|太)深|水很深"),
    ("flood", 1.5, r"(?:往外|往上)?冒水|返水|漫出来"),
    # ---- trapped: in a lift, under a collapse, in a pit, stuck
    (
        "trapped",
        3,
        r"被困(?![扰难惑])|困在|困住|困着|(?<!贫)困人(?![口员群])|(?<![机相有])关人(?![员士事就])|压在下面|压住了?|"
        r"被压(?![坏扁碎弯变价力])|被埋|埋(?:了|在|住|着)(?:人|一个|两个|几个|工人)?|埋到(?:了)?(?:胸口|腰|脖子|肩膀|大腿)|吊在半空|卡在[^，,。]{0,8}(?:里|中间|两层|驾驶室|缝)|(?<!被)压扁了|"
        r"被(?:关|锁|困|卡)在(?!车)[^，,。]{0,4}(?:里|出不)",
    ),
    (
        "trapped",
        3,
        _pair(
            _ELEVATOR,
            r"卡住|卡在|卡起|停在[^，,。]{0,8}(?:中间|之间|下面|上面|半截|半中间)|停在半[截中空]|掉了?一截|往下掉|坠|冲顶|蹲底|"
            r"困(?![扰难惑])|关(?:了|着)?(?:个|一个|两个|几个)?(?:人|老人|小孩|孩子|老人家)|门开不[了开]|开不了门|"
            r"(?:我们|人|我)在里面|关在|出不来|打不开|"
            r"里面?(?:有人|好黑|好闷|好热)",
        ),
    ),
    (
        "trapped",
        3,
        rf"{_PERSON}[^，,。]{{0,8}}(?:出不来|出不去|爬不上来|爬不出来|拉不出来|拔不出来|下不来|回不来|救不出来)|"
        r"(?:头|手|脚|腿)[^，,。]{0,3}卡(?:在|住)",
    ),
    ("trapped", 2.5, r"卡在|卡住了|被[锁所关]在"),
    ("trapped", 2, r"出不来|出不去|爬不上来|爬不出来|拉不出来|拔不出来|抽不出来|回不来|门打不开|门推不开|门开不[了开]"),
    # someone shut in somewhere (电梯里关着个老爷爷 / 储藏间里关了个人)
    (
        "trapped",
        3,
        r"里(?:面|头)?关(?:了|着)(?:个|一个|两个|几个)?(?:人|老人|小孩|孩子|老爷爷|老奶奶|老人家|阿姨|孕妇)",
    ),
    ("trapped", 2.5, r"出口[^，,。]{0,4}(?:被)?[^，,。]{0,4}(?:堵|封|塌)"),
    # home-bound (a lift out, stairs too much for an old person): urgent, not trapped
    ("trapped", 1.5, r"困在(?:屋里|家里|屋里面|楼上|家)|下不来|上不去"),
    (
        "trapped",
        2.5,
        _pair(
            r"房子|房屋|楼房?|墙|屋顶|棚子?|工棚|脚手架|货架|土方|山体?|泥巴|老房子",
            r"塌了|倒了|垮了|塌下来|倒下来|垮下来|塌哒|倒哒|垮哒|砸到人",
            r"[^，,。]{0,4}?",
            forward=True,
        ),
    ),
    ("trapped", 2, r"滑坡|塌方"),
    # ---- violence: a fight, an attack, a threat with a weapon, abuse, abduction
    (
        "violence",
        3,
        r"打架|打群架|大价|打人(?!电话)|斗殴|群殴|砍人|被砍(?!伐)|砍伤|要砍|在砍|乱砍|挥刀|持刀|持械|动刀子|捅了|捅人|被捅|"
        r"行凶|家暴|殴打|杀人(?!案|犯|罪)|要杀|杀了(?:我|他|她|你)|砍死|弄死|打死(?!也)|抢劫|绑架|闯进|闯入|入室|追着打|打起来了|"
        r"在打人|在打我|打我(?![电手的们])|打老婆|打她(?![电手的们])|打他(?![电手的们])|往死里打|围着打|按在地上打|"
        r"扭打|厮打|撕打|抽打|皮带抽|打破|打伤|动手了|掐着|掐住|掐我|砸门|劈门|砸人|放火烧|汽油|"
        r"打得(?:好|很|蛮|特别|太|非常)?(?:凶|厉害|惨|狠)|还在打(?![电牌麻游球针工字桩雷洞孔鼓呼])|"
        r"拿(?:着|了|起)?(?:一把|把|个|一根|根|一条)?(?:菜刀|砍刀|水果刀|匕首|刀子|刀|棍子|棍棒|铁棍|木棍|锤子|钢管|铁锹|扳手|砖头|碎玻璃|"
        r"斧头|斧子|剪刀|铁棒|酒瓶|啤酒瓶|枪|弓弩|凳子|椅子)|追着(?:人|我|他|她)|(?:刀|斧头)架在",
    ),
    ("violence", 3, r"把(?:我|他|她|你)[^，,。]{0,4}(?:砍|打死|杀|捅)"),
    # a threat to maim (说今天不给钱就卸我一条腿 / 要废了我 / 把我的腿留下 / 让我这辈子站不起来)
    (
        "violence",
        3,
        r"(?:卸|打断|剁|砍断|打残|弄残|废)(?:掉|了)?(?:我|你|他|她|俺)?(?:的|家)?(?:一条|一只|两条|条|只)?(?:腿|手|胳膊|手指|脚)|"
        r"(?:要|就)废了(?:我|你|他|她|俺)|(?:腿|手)(?:给我)?留下|让(?:我|你|他|她|俺)(?:这辈子)?(?:都)?站不起来",
    ),
    # a gang smashing a shop or a home with someone in it, and the one who hides from them
    (
        "violence",
        2.5,
        r"(?:一伙|一帮|一群|几个|五六个|好几个|一车)人[^，,。]{0,8}?(?:在|来)?(?:乱)?(?:砸|打砸|踹)|"
        r"砸(?:我|我们|我家|人家)的?(?:店|东西|门面|档口|摊子?|车|玻璃)",
    ),
    (
        "violence",
        2.5,
        r"(?:我|俺|我们)(?:现在)?(?:抱着[^，,。]{0,3})?(?:躲|藏)在[^，,。]{0,12}[，,]?[^。！？\n]{0,6}"
        r"(?:他们|那些人|那伙人|那帮人)[^，,。]{0,8}(?:翻|砸|找|踹|敲|喊|骂|搜)",
    ),
    # a threat is said as a condition (说我要是敢走他就杀了我 / 说不还钱就放火): what the one who threatens said
    (
        "violence",
        3,
        r"(?:说|讲|扬言|威胁|发信息|发消息|喊)[^。！？\n]{0,16}?(?:要是|如果|再|敢|不)[^。！？\n]{0,12}?就(?:要)?"
        r"(?:把[^，,。]{0,4})?(?:杀|砍|弄死|打死|烧|放火|捅|泼|让[^，,。]{0,4}(?:死|好看|不得好死))",
    ),
    ("violence", 3, r"追着[^，,。]{1,4}(?:打|砍|捅)|在挨打|挨打"),
    ("violence", 2.5, r"[砸踢撞踹劈]门|砸[^，,。]{1,5}的?门|(?:谁|哪个)(?:敢)?出来就(?:砍|杀|打)"),
    # kept from leaving or calling for help (手机被他拿走了 / 不让她出门)
    (
        "violence",
        2.5,
        r"(?:手机|电话|身份证)[^，,。]{0,4}被(?:他|她|他们|人)?[^，,。]{0,2}(?:拿走|抢走|收走|摔|砸|没收)|"
        r"收了(?:我|她|他)的(?:手机|身份证)|不让(?:我|她|他|我们)(?:出门|走|出去|离开|报警|打电话)",
    ),
    ("violence", 2, r"堵在(?:屋|家|门口)|还在门口|(?:他|他们)[^，,。]{0,4}在(?:我家)?门口"),
    ("violence", 2, r"被(?:人)?打了?"),
    ("violence", 1.5, r"威胁"),
    ("violence", 2.5, r"扬言|(?:说|讲)要(?:杀|砍|弄死|打死|捅|我的命)|拖[^，,。]{0,6}上车|抢(?:小孩|孩子)"),
    (
        "violence",
        2,
        r"(?<!汗又)(?<!流汗)流血(?!流汗)|出血|好多血|一地血|地上有血|头破血流|是血|都是血|喊救命|砸(?:东西|玻璃|店|车)|菜刀|砍刀|匕首",
    ),
    ("violence", 1.5, r"闹事|摔东西|人贩子|刀子|棍子"),
    # ---- self-harm, said by the caller or about someone else (我儿子说要跳楼)
    (
        "self_harm",
        3,
        rf"不想{_FIRE_WORD}|不想活|活着(?:也|都|还)?(?:没|冇|有)(?:得|有|什么)?(?:什么)?意思|活着(?:挺|真|好|太)?没意思|"
        rf"想死(?![你了他她的心])|寻死|寻短见|轻生|{_alike('自杀')}(?!式)|跳楼(?![价甩])|跳(?:河|江|湖|桥|海|水库)|"
        r"跳下去|割[腕碗]|割(?:了)?(?:手腕|脉|手)|划(?:了)?手腕|手上划|上吊|烧炭(?!取暖|烤火)|炭(?:也|都)?(?:点|买|烧)|"
        r"封(?:好|死)?了?门窗|门窗(?:都)?封|喝(?:了)?(?:农药|敌敌畏|百草枯|老鼠药)|"
        r"吃(?:了)?(?:一整|一|整|好多|很多|一大|半)(?:瓶|盒|把|堆)|活着是个?拖累|(?:我|自己)是个?(?:拖累|累赘|废人)|"
        r"攒[^，,。]{0,4}药|药[^，,。]{0,4}攒|药[^，,。]{0,3}(?:拿出来|倒出来|准备好|买好|摆)|全(?:部)?吃(?:了|掉)|"
        r"一了百了|了结自己|结束(?:掉|这一切|自己|生命|我的生命)|不如死了|不如去死|死了算了|一死了之|想去死|想不开(?!辞职|离职|离婚|分手|了辞)|"
        r"活够了|活得(?:太|好)?累|撑不下去|不想再撑|解脱|遗书|后事|最后一个电话|我死了|不想(?:再)?醒|"
        r"我(?:走了|不在了|死了)(?:以后|之后)|我死后|活着没有?意义|从[^，,。]{0,6}(?:桥|楼|楼顶|天台|窗户?|阳台)上?(?:跳)?下去",
    ),
    (
        "self_harm",
        2.5,
        r"(?:想|要)跳(?![舞绳槽出])|去陪[^，,。]{0,5}了|没有人能找到我|不打算吃|没有我(?:也一样|更好|会更好)",
    ),
    (
        "self_harm",
        2.5,
        r"(?:把|这些|那些)[^，,。]{0,4}药[^，,。]{0,3}吃(?:了|掉)|(?:藏|倒)[^，,。]{0,4}(?:农药|药)|"
        r"(?:拿|买)(?:了|来|回来)?(?:好多|很多|一大堆|一堆|几瓶|几盒|好几瓶|好几盒)[^，,。]{0,3}(?:安眠|安定|药)",
    ),
    ("self_harm", 2, r"最后一(?:天|次|面)"),
    (
        "self_harm",
        2.5,
        r"这辈子对不起|照顾好(?:孩子|爸妈|爸爸妈妈|我妈|我爸|家里|自己)|(?:交代|嘱咐|告诉)[^，,。]{0,6}(?:存折|密码|后事)",
    ),
    ("self_harm", 2, r"活不长了"),
    (
        "self_harm",
        2.5,
        _pair(
            r"楼顶|天台|顶楼|桥上|大桥|桥中间|桥栏杆?|江边|河边|窗台|阳台|窗户外|栏杆外",
            r"跳|往下看|边上|边边|坐着|站着|想下去|要下去|下去就",
        ),
    ),
    # standing or sitting where one only goes to fall (站在窗户外面的空调架子上 / 坐在窗台外面，腿在外面)
    (
        "self_harm",
        2.5,
        r"(?:站|坐|蹲|爬|翻)(?:在|到|出|过)了?[^，,。]{0,8}(?:窗户|窗台|窗子|阳台|栏杆|护栏|楼顶|天台)(?:的)?(?:外面|外边|外头|外|边上|边缘)|"
        r"再往前(?:走|迈|跨)?一步|下去就(?:什么都|一了百了|解脱|不用|好了|结束|都结束|没事)",
    ),
    # a farewell to those left behind (谢谢你们这些年的照顾，以后别等我吃饭了 / 以后就拜托你了)
    (
        "self_harm",
        2.5,
        r"(?:以后|从今以后)?(?:不用|别|不要)(?:再)?等(?:我|他|她)(?:了|吃饭|回来|回家)|以后就?(?:拜托|托付|麻烦)(?:你|您)了|"
        r"(?:这些年|这几年|这么多年|一直以来)的?(?:照顾|关照|包容)|(?:信|遗言|遗书)[^，,。]{0,3}(?:都|已经)?写好|"
        r"(?:手腕|手臂|胳膊)[^，,。]{0,3}(?:流血|出血|是血)|把(?:煤气|燃气|液化气|天然气)[^，,。]{0,3}(?:打开|开了|开着)",
    ),
    (
        "self_harm",
        2,
        r"(?<!生)活不下去|没法活了|不活了|拖累|对不起(?:爸妈|大家|你们|家人)|再也不会麻烦|没人在乎我|说再见",
    ),
    # said without the words above: a wish to be gone, a plan and its means, a farewell (written for recall: the
    # judge sets aside what is figurative, past, told about or denied)
    (
        "self_harm",
        3,
        r"不想(?:再)?(?:在|留在)(?:这个?)?世(?:上|界)|唔想(?:再)?活|不想(?:再)?活下去|活落去|活腻了|"
        r"不想(?:再)?醒|睡过去(?:就)?(?:不|别)(?:要)?(?:再)?醒|再也不(?:要)?醒|永远睡|"
        r"离开这个世界|(?:告别|告別)(?:这个)?世界|跟这个世界[^，,。]{0,2}(?:告别|说再见)|想消失|消失算了|"
        r"(?:要|想|准备|打算)去死|饿死算了|饿死自己|自我了断|了断|自尽|自残|自伤|伤害自己|割自己|划自己|弄死自己|"
        r"结束(?:一切|这一切|掉自己)|结束[^，,。]{0,4}生命|"
        rf"{_alike('结束')}[^，,。]{{0,4}}生命|活[着起得][^，,。]{{0,3}}(?:没|冇|莫)(?:得|有)?(?:什么|啥|么子|个)?(?:{_alike('意思')}|味|劲|意义|盼头)|"
        r"再见了?[^，,。]{0,2}(?:这个)?世界|(?:没|冇|莫)(?:得|有)?(?:什么|么子|啥)?(?:活头|活的?盼头)了?|"
        r"(?:吃|吞|服|喝)(?:了|下|掉)?[^，,。]{0,8}(?:好多|很多|一大把|一把|几十|[二三四五六七八九]?十[几多]?|一整)(?:片|颗|粒|板)|"
        r"(?:吃|吞|服|喝)(?:了|下|掉)?[^，,。]{0,4}(?:一整?|半|一大)(?:瓶|盒|板|把)[^，,。]{0,4}(?:药|安眠|安定|片)|"
        r"(?:存|攒|囤|藏)[^，,。]{0,8}(?:药|安定|安眠)|(?:安定|安眠药?|药片?)[^，,。]{0,6}(?:存|攒|囤)(?:下来|起来|着|了)|"
        r"喝[^，,。]{0,4}(?:农药|敌敌[畏位为未喂]|百草枯|除草剂|老鼠[药要])|喝药了|喝了药|(?:吃|喝)[^，,。]{0,4}老鼠[药要]|"
        r"(?:手腕|手臂|胳膊|腕子)[^，,。]{0,4}(?:划|割)|(?:划|割)[^，,。]{0,4}(?:手腕|胳膊|手臂|脉)|割脉|"
        r"栏杆外|(?:跨|翻)(?:到|过|出)?[^，,。]{0,4}(?:栏杆|护栏|窗户?外)|(?<!人在)(?<!人都在)(?<!都在)往下跳|跳下来|卧轨|"
        r"开到(?:河|江|湖|水库|海)里|遗言|绝笔",
    ),
    (
        "self_harm",
        2.5,
        r"活着(?:就是|只会|也是)?(?:给[^，,。]{0,4})?(?:丢人|丢脸|添麻烦|多余|浪费)|没脸(?:活|见人|再活)|"
        r"我(?:就)?是个?(?:累赘|负担|废物|多余的人)|没有我[^，,。]{0,6}(?:更好|一样|过得)|"
        r"(?:不会|不)再(?:给你们|给大家)?(?:添麻烦|麻烦你们|打扰)|以后(?:就)?不(?:会)?(?:再)?(?:麻烦|打扰)(?:你们)?了|"
        r"(?:东西|衣服|首饰|存款)[^，,。]{0,6}(?:都|全)?(?:送|分)(?:人|给)|(?<!委)托(?:付)?给|(?:钱|存款)[^，,。]{0,4}(?:都|全)?转给|"
        r"(?:存折|银行卡|卡)[^，,。]{0,2}密码|(?:绳子|绳)[^，,。]{0,6}(?:挂好|系好|准备好|买好|拴好|套|到了)|拿着绳子|"
        r"胶带[^，,。]{0,6}(?:贴|封)|窗户?缝[^，,。]{0,4}(?:贴|封|堵)|炭盆|刀片|"
        r"(?:铁轨|轨道)[^，,。]{0,3}(?:边|上)|等[^，,。]{0,6}火车来",
    ),
    (
        "self_harm",
        2,
        r"去(?:陪|找)[^，,。]{0,6}了|下辈子|来世|来生|再见了|永别|说再见|告别|最后一(?:句|条|个电话|次打电话)|"
        r"对不起(?:大家|你们|我们|家人|家里|爸|妈|爸爸|妈妈|我妈|我爸|孩子|老婆|老公|所有人)|"
        r"(?:纸条|字条)|留了?(?:一)?封信|活着(?:太|好|真|挺)?(?:累|苦|没劲|没盼头|受罪|遭罪)|撑不住|熬不下去|扛不住了|顶唔顺|"
        r"莫劝我|别劝我|不要劝我|鞋(?:已经|都)?脱了|(?:开|冲)下去算了|(?:我|我们)[^，,。]{0,4}(?:没|冇)(?:得|有)?活路了",
    ),
    ("self_harm", 1, r"抑郁|想不通|绝望|(?:大)?桥上|骨灰|(?<!拉了)(?<!拉)绳子|失恋|被甩|分手"),
    # a sleeping drug or a pesticide bought is a hint: a doctor prescribes the one, a farmer buys the other
    (
        "self_harm",
        1.5,
        r"(?<!开)(?<!开点)(?<!开些)安眠药|(?:拿|买)(?:了|来|回来)?[^，,。]{0,4}(?:农药|老鼠药)|老鼠药|敌敌畏|百草枯",
    ),
    # a conditional about one's own death is how it is said, not a hypothetical (我就想问一下，如果我死了，我那个
    # 养老保险交的钱能不能退给我儿子)
    (
        "self_harm",
        2.5,
        r"(?:如果|要是|假如)我(?:要是)?(?:死了|不在了|没了|消失了?|走了)|(?:如果|要是|假如)我(?:从[^，,。]{0,8})(?:跳|下去)",
    ),
    ("self_harm", 2, r"(?:今天晚上|今晚|明天)就(?:要)?走了"),
    # an end, a goodbye, the last call, the pets and things given away (我打算这两天就了结了 / 想跟人告个别)
    (
        "self_harm",
        2.5,
        r"(?<!已经)(?<!事情)(?<!案子)(?<!都)(?<![不没])了结(?![果婚账案清])(?:了|掉|自己)?|告(?:个|一下)别|最后一次(?:给|跟|和)[^，,。]{0,4}打电话|"
        r"把[^，,。]{0,4}(?:煤气|燃气|液化气|天然气)[^，,。]{0,3}(?:打开|开了|开着)|吃了?(?:好多|很多|一大把|一堆|一大堆|一把)的?药|"
        r"(?:猫|狗|鸟|鱼)[^，,。]{0,8}(?:帮我找个人养|托付|拜托|送人|交给你)",
    ),
    ("self_harm", 2, r"东西(?:都|全)?(?:收拾|整理|理|打包)好了"),
    (
        "self_harm",
        1.5,
        r"(?:工作|事情|手上的事)[^，,。]{0,3}(?:都|全)?交接(?:好|完)?了|(?:每个人|大家)[^，,。]{0,3}发了?红包",
    ),
    # leaving for good, or so that the others are spared (再也不回来了 / 我还是离开比较好，这样大家都轻松)
    (
        "self_harm",
        2.5,
        r"再也不(?:会)?回来了|去一个(?:很远|好远)的地方|这样大家都(?:轻松|好过|解脱)|大家都(?:轻松|解脱)了|"
        r"(?:替我|帮我)[^，,。]{0,8}(?:跟|对|给)[^，,。]{0,6}(?:说|讲)(?:一声|声|句)?对不起",
    ),
    ("self_harm", 1.5, r"离开(?:这里)?(?:比较|会|就)?(?:好|更好)|停在[^，,。]{0,4}(?:水库|江|河|湖|海)边"),
    ("self_harm", 2, r"以后[^，,。]{0,8}没人(?:喂|管|照顾)"),
    (
        "self_harm",
        3,
        r"不想(?:再)?过(?:了|下去)|(?:就|明天|以后)(?:就)?没有我了|没有我这个人|就跳(?![舞绳高远])|"
        r"(?:掉|跳)下去[^，,。]{0,3}(?:能|会)(?:不能)?活|会不会死|死得了吗?",
    ),
    (
        "self_harm",
        2.5,
        r"(?:今晚|今天晚上|今天|马上|现在)[^，,。]{0,3}去(?:陪|找)(?:她|他|我)|(?<![买开拿配])(?<![买开拿配]了)(?:一把|一大把|一瓶|一整瓶)(?:的)?药|"
        r"[二三四五六七八九]十多?片|几十片|(?:吃|喝|吞)下去[^，,。]{0,6}(?:痛苦|难受|疼|痛)|别找(?:我|他|她)|"
        r"(?:腿|脚)[^，,。]{0,3}(?:伸|悬|挂)在?外|坐在[^，,。]{0,8}窗(?:户|台|子)?(?:上|边|外)",
    ),
    ("self_harm", 2, r"找好(?:了)?地方|对不起(?:她|他)|会不会很?(?:痛苦|疼|痛)|最后(?:跟|和)[^，,。]{0,4}说|带句话"),
    ("self_harm", 0.75, r"(?:天台|楼顶|顶楼|房顶|屋顶)上"),
    ("self_harm", 1.5, r"衣服[^，,。]{0,2}换好|钱[^，,。]{0,3}(?:都)?取出来|遗嘱|(?:江|河|湖)边[^，,。]{0,3}坐"),
    (
        "self_harm",
        3,
        r"把自己的事(?:情)?了了|了了自己|活着(?:还)?(?:干(?:什么|嘛|啥|么子)|有什么用|有啥用|还有什么意思)",
    ),
    (
        "self_harm",
        2.5,
        r"(?:要是|如果|假如)?我(?:要是)?(?:不在了|走了以后|死了以后)|往(?:河|江|湖|水库|海|桥|楼顶|天台)(?:边|里|上)?(?:走|去)了|"
        r"(?:已经|现在)(?:就)?(?:在|站在|坐在|到了)[^，,。]{0,6}?(?:顶楼|楼顶|天台|桥上|江边|河边|窗台|桥栏)|"
        r"(?<!有)没(?:有)?人(?:会)?(?:在意|在乎|关心|记得)我|我[^，,。]{0,8}?(?<!有)没(?:有)?人(?:会)?(?:在意|在乎|关心|记得)|我消失了",
    ),
    (
        "self_harm",
        2,
        r"(?:我|是我自己)[^，,。]{0,3}(?:准备|打算|想)(?:要)?走了|用不着了|用不上了|保险[^，,。]{0,4}赔[^，,。]{0,4}给",
    ),
    # … and the same farewell's other half (我准备走了……不给家里添麻烦: two cues, which add up)
    ("self_harm", 2, r"不(?:再)?给(?:家里|家人|你们|大家|孩子|爸妈)添(?:麻烦|负担)"),
    (
        "self_harm",
        2.5,
        r"(?:农药|敌敌畏|百草枯|老鼠药|安眠药|药)[^，,。不没冇]{0,3}(?:喝|吃|吞)(?:了|掉|下去)|帮[^，,。]{0,3}照顾|"
        r"照顾好?(?:我|他|她)的?(?:妈|爸|孩子|父母|家人|老人)|这辈子就这样",
    ),
    # ---- a person unresponsive, collapsed or missing
    (
        "unresponsive_or_missing",
        3,
        r"晕倒|昏迷|昏过去|晕过去|不省人事|叫不醒|喊不醒|摇不醒|没有?呼[吸息]|没气了|倒地不起|倒在(?:地上|路边|路上|地下|家里|厕所)|"
        r"口吐白沫|吐白沫|抽搐|翻白眼|眼睛往上翻|一动不动|没意识|没有意识|没知觉|嘴唇发紫|脸发紫|心脏病(?:发作|犯了)|"
        r"中风|说不出话|半边身子|嘴巴(?:是)?歪|(?:快|好像)不行了|噎住|喘不(?:过|上)气|抽起来了|牙关|"
        r"(?:现在|已经|人|他|她|老人|孩子)[^，,。]{0,3}(?:没|冇)有?得?反应|突然倒(?:了|下)|"
        rf"{_PERSON}[^，,。]{{0,4}}(?:不[动懂]了|没反[应映]|没有反应|冇反应|冇得反应|不醒)|躺在[^，,。]{{0,4}}不动|"
        r"(?:叫|喊|摇)了?(?:他|她|人)?(?:半天|几声|好几声|好久)?(?:也|都)?(?:他|她)?(?:没|冇|不)(?:有|得)?"
        r"(?:反[应映]|答应|应|动|理)",
    ),
    (
        "unresponsive_or_missing",
        3,
        r"走失|走丢|失踪|下落不明|"
        + _pair(
            _MISSING,
            r"不见了|找不到了?|没回来|没回家|还没回|未归|冇回来|没有回来|没有回家",
            r"[^。！？\n]{0,12}?",
            forward=True,
        ),
    ),
    (
        "unresponsive_or_missing",
        3,
        r"(?:好几天|几天|[两三四五六七八九十几]+天|一个礼拜|一个星期|好久|好多天)(?:了)?(?:都|也)?(?:没|冇|未)(?:有|得)?"
        r"(?:看到|看见|见到|见过|出门|下楼|开门|露面|出来|动静|人影|见)",
    ),
    ("unresponsive_or_missing", 2.5, r"敲门[^，,。]{0,8}(?:没人|冇人|没有人|不)(?:应|开|答应|理)"),
    (
        "unresponsive_or_missing",
        2.5,
        r"(?:到现在|一晚上|一夜|一直|天黑了?)(?:都|还|一直){0,2}(?:没|冇|未)(?:有|得)?(?:回来|回家|回(?![音复电信话]))|倒下去|倒下了|"
        r"胸口(?:好|很)?(?:痛|疼|闷)|心口(?:好|很)?(?:痛|疼)|呼吸困难|中暑|被车撞(?!坏)|"
        r"撞倒(?:了)?(?:一个|个)?(?:人|老人|小孩|行人|学生)|(?:人|老人|小孩|行人|他|她)[^，,。]{0,3}被[^，,。]{0,4}撞倒|"
        r"脸(?:都)?(?:青|紫)了|脸色(?:发青|发紫|铁青)|歪倒|瘫倒|栽倒|"
        r"(?:到现在|天黑了?|天都(?:要|快)?黑了)[^，,。]{1,10}?(?:都|还|一直){1,2}(?:没|冇|未)(?:有|得)?(?:回来|回家|到家|回(?![音复电信话]))|"
        r"下去[^。！？\n]{0,12}?(?:没|冇|没有)(?:再)?上来|(?:到现在|一直|还)(?:都|还)?(?:没|冇)(?:有)?上来|"
        r"(?:电话(?:里|那头|那边)|讲着讲着|说着说着|话还没说完)[^，,。]{0,6}(?:就)?(?:没|冇)(?:有)?(?:声音|动静)|"
        r"摔倒[^，,。]{0,6}(?:起不来|爬不起来|不应|流血|血)|头上(?:在|都是|全是)?(?:流血|血)|流了好多血|起不来了|"
        r"(?:高烧|发烧到?四十)",
    ),
    (
        "unresponsive_or_missing",
        2,
        r"联系不上|失联|(?:电话|手机)[^，,。]{0,6}(?:没人接|冇人接|不接|打不通|关机)|打不通(?:他|她|我[爸妈])?的?电话|"
        r"(?:没|冇)(?:有)?(?:看到|看见|见到|见)(?:他|她|人|老人)(?:出门|出来|下楼|露面)|打了?[^，,。]{0,6}(?:都|也)?(?:没人接|冇人接|不接|打不通)|满头大汗|抽筋|老年痴呆|记性不好|"
        r"不(?:太)?清醒|躺在[^，,。]{0,6}(?:一天|半天|好久|一晚上)|起不来|摔倒",
    ),
    (
        "unresponsive_or_missing",
        1.5,
        r"(?:报纸|牛奶|快递)[^，,。]{0,6}(?:堆|没拿|放了好多)|苍蝇",
    ),
    ("unresponsive_or_missing", 2, r"(?:门口|门缝|屋里)[^，,。]{0,6}(?:臭|味道)|摔(?:下床|下来)"),
    ("unresponsive_or_missing", 2.5, r"按胸口|心肺复苏|人工呼吸"),
    ("unresponsive_or_missing", 3, r"(?:趴|漂|浮)在水(?:面)?上|脸朝下"),
    ("unresponsive_or_missing", 2.5, r"人(?:一直|都|也|就)?(?:没|冇)(?:有|得)?(?:出来|出门|露面|下楼|见着)"),
    ("unresponsive_or_missing", 1.5, r"一个人住|独居|没声音了"),
    ("unresponsive_or_missing", 2, r"还(?:没|冇)(?:有)?(?:回来|回家|到家|回宿舍)"),
    ("unresponsive_or_missing", 1, r"高血压|心脏病|糖尿病|哮喘|癫痫|老年痴呆|失智|腿脚不便|行动不便"),
    # ---- a road collapsed or an open manhole
    (
        "road_collapse",
        3,
        _pair(
            _MANHOLE,
            r"没了|不见了|丢了|丢失|缺失|被偷|被盗|掀开|掀[走掉飞]|翻了|翻过来|翻起来|(?:搞|拿|弄|撬|搬)走|压翻|冲开|冲走|打开了|敞开|开着|碎了|破了|"
            r"塌了|陷下去|"
            r"掉下去|被[^，,。]{0,2}(?:偷|盗)|偷走|跑哪里去了|不晓得跑哪|不知道跑哪|不晓得哪里去了|不知道哪里去了|是?空的|冇得|没得了|没有了",
        )
        + r"|(?:没|冇|没有)(?:得)?(?:盖子|井盖)|敞开的(?:窨)?井",
    ),
    (
        "road_collapse",
        3,
        _pair(
            _ROAD,
            r"塌了|塌陷|塌下去|塌哒|陷下去|陷了|下陷|下沉|沉下去|垮了|垮哒|坍塌|空了|鼓起来|"
            r"裂了?(?:个|一个|好长|好大|一条|条)?(?:大)?(?:口子|口)",
            _NEAR,
        )
        + r"|塌了一个|塌了个|地陷|天坑",
    ),
    (
        "road_collapse",
        2.5,
        r"(?:板子?|盖板|栏杆|护栏)[^，,。]{0,3}掉了|(?:栏杆|护栏)[^，,。]{0,6}(?:撞断|撞飞|撞坏|断了|没了)",
    ),
    # a hole that opened: what is left of it, how deep, hollow underneath (就剩个方洞 / 看不到底 / 下面是空的)
    (
        "road_collapse",
        2.5,
        r"(?:剩|留)(?:下)?(?:了)?(?:个|一个)[^，,。]{0,3}(?:洞|坑)|陷了?(?:一个|个|一大块|一块)|塌下去(?:了)?(?:一|好)?(?:大)?块",
    ),
    (
        "road_collapse",
        2,
        r"看不(?:到|见)底|深不见底|下面(?:好像|是)?(?:是)?空的|黑洞洞|(?:地砖|路砖|路面|地面)[^，,。]{0,4}(?:往下|在)沉|塌下去了",
    ),
    ("road_collapse", 2, r"裂(?:了|开)?(?:好长|一条|条)?(?:大)?缝|(?:大|深)坑|大洞|窟窿|大眼|黑洞|黑漆漆的洞"),
    ("road_collapse", 3, r"掉(?:进|到|下)了?(?:去|[^，,。]{0,3}(?:坑|井|洞|下水道|沟))|栽进去|踩(?:下去|进去|空)"),
    (
        "road_collapse",
        2.5,
        r"(?:石头|水泥|砖|广告牌|招牌|树枝|大树)[^，,。]{0,6}(?:掉下来|砸(?:下来|到))|还在(?:往下)?掉|往下掉|掉石头|落石|"
        r"桥[^，,。]{0,4}(?:塌|垮|断了)",
    ),
    # ---- a live wire down, sparking, or a shock
    (
        "live_wire",
        3,
        _pair(
            _WIRE,
            rf"(?:断|掉|落|垂|拖|搭|跌|横|挂|倒|耷拉|挨|吹|刮|拉|碰|泡)[^，,。]{{0,6}}{_GROUND}|掉下来|垂下来|耷拉下来|断落|"
            r"落地|挨到地|被(?:风)?(?:刮|吹)(?:断|下来)",
        ),
    ),
    ("live_wire", 3, _pair(_WIRE, r"冒火|打火|火花|火星|闪|滋滋|吱吱|噼啪|漏电|带电|电到|电人|被电")),
    (
        "live_wire",
        3,
        _pair(
            _POWER_LINE,
            r"(?:刮|挂|扯|拉|撞|砸|压|烧|吹|打|弄)断|(?<!挖)断(?:了|掉|落|下来)|吊(?:下来|在)|垂(?:着|在|下)|低垂|(?:在)?(?:乱)?(?:晃|甩|跳)|摆动|"
            rf"(?:搭|挂|压|落|倒|掉|躺|拖)(?:在|到)[^，,。]{{0,8}}{_LIVE_TOUCH}",
        ),
    ),
    ("live_wire", 3, _pair(_WIRE, rf"(?:搭|挂|压|落|倒|掉|拖)(?:在|到)[^，,。]{{0,8}}{_LIVE_TOUCH}", forward=True)),
    ("live_wire", 3, r"触电|被电(?:到|了|死|击|倒)|电到(?:人|了)|(?<!鱼)(?<!鱼都)电死|电打到|被麻|麻了一下|挨到就倒"),
    ("live_wire", 2, r"(?:腿|手|脚)(?:发)?麻|麻手|摸[^，,。]{0,6}麻|(?:被)?弹开"),
    ("live_wire", 2.5, r"漏电|带电|水里有电|电线杆[^，,。]{0,3}(?:倒了|断了|倒下来|倒哒)"),
    ("live_wire", 2.5, rf"(?:断了的|断掉的|掉下来的)(?:电)?线|{_WIRE}[^，,。]{{0,3}}(?:在|泡在){_GROUND}"),
    ("live_wire", 2, r"电线杆[^，,。]{0,3}(?:歪|快倒)|线[^，,。]{0,4}露(?:出来|在外)"),
    ("live_wire", 2, r"冒火花|打火花|冒一下火花|火花"),
    ("live_wire", 1, r"噼里啪啦|噼啪|滋滋|吱吱"),
    # ---- a child or a frail person locked in a car or a home, or left alone
    (
        "locked_in_alone",
        3,
        _pair(
            _CHILD,
            r"(?:被)?(?:锁|关|反锁|困)(?:在)?了?(?:[^，,。]{0,4}?(?:阳台|房间|卫生间|厕所)|车|屋|家|里面|车[里离理内上])",
            r"[^。！？\n]{0,10}?",
            forward=True,
        )
        + r"|(?:锁|关)在车[里离理]|被(?:反)?锁在(?:屋|家)",
    ),
    (
        "locked_in_alone",
        3,
        rf"(?:车里|车内|车上|后座|车[离理])[^，,。]{{0,6}}(?:有|关|锁|睡)?(?:着|了)?(?:个|一个)?{_CHILD}",
    ),
    ("locked_in_alone", 2.5, rf"{_CHILD}[^，,。]{{0,6}}(?:在|留在|还在|睡在)车(?:上|里)"),
    ("locked_in_alone", 3, _pair(r"钥匙(?:锁)?在|门(?:自己)?关上了|门被风关上", _CHILD)),
    ("locked_in_alone", 3, r"爬(?:到|上)了?(?:窗台|窗户|窗子|阳台边|栏杆)|把[^，,。]{0,6}反锁在"),
    ("locked_in_alone", 3, r"一个人在(?:家|屋里|房间)[^。！？\n]{0,12}(?:反锁|锁住|锁上|锁了)"),
    ("locked_in_alone", 2.5, r"(?:门)?从里面反锁"),
    ("locked_in_alone", 2.5, r"探出(?:半个)?(?:身子|头|身体)"),
    ("locked_in_alone", 1.5, rf"{_CHILD}[^，,。]{{0,6}}(?:一直)?(?:在)?(?:哭|拍门|喊妈妈)|门从外面锁"),
    (
        "locked_in_alone",
        2,
        r"钥匙(?:锁)?在(?:车|屋|家|房)?(?:里|上)(?:面)?|锁在车里|没有大人|冇得大人|没大人|大人不在|就(?:他|她)一个人|"
        r"一个人在(?:家|屋|屋里|房间|车)|瘫痪[^，,。]{0,6}(?:没人|没有人)",
    ),
    ("locked_in_alone", 2.5, r"(?:一天|一整天|两天|几天)?没吃没喝|(?:一天|两天|几天)(?:都)?没(?:人)?(?:进出|照顾|管)"),
    ("locked_in_alone", 1.5, r"瘫(?:痪)?在床|动不了|卧床"),
    # a frail person stranded: cannot get up, and has no water or food, or is locked in (腿断了下不了床，床头的水也
    # 喝完了 / 门从外面锁着，饭也没得吃), often told as what follows from a carer who stopped coming
    (
        "locked_in_alone",
        3.5,  # specific: the learned model, which hears a call about a subsidy, may not veto it
        _pair(
            _IMMOBILE,
            _STRANDED,
            r"[^。！？\n]{0,40}?",
            r"[^。！？\n]{0,30}?",
        ),
    ),
    ("locked_in_alone", 2, _CARER_GONE),
)
CUES = tuple(_cue(kind, weight, regex) for kind, weight, regex in _CUES)
# Every alternative of every cue, and which of them a character may start: a text runs only the alternatives
# whose characters it has (about one in ten).
_PARTS = tuple((cue, pattern) for cue in CUES for _, pattern in cue.parts)
_UNANCHORED = tuple(
    index for index, (cue, pattern) in enumerate(_PARTS) if _required_characters(pattern.pattern) is None
)
_PARTS_BY_CHARACTER: dict[str, tuple[int, ...]] = {}
for _index, (_cue_of_part, _pattern) in enumerate(_PARTS):
    for _char in _required_characters(_pattern.pattern) or ():
        _PARTS_BY_CHARACTER[_char] = (*_PARTS_BY_CHARACTER.get(_char, ()), _index)
_GAS_WORD = re.compile(_GAS)

# ---------------------------------------------------------------------------------------------- context

_SENTENCE_MARKS = re.compile(r"[。！!？?；;\n]")
_CLAUSE_MARKS = re.compile(r"[，,。！!？?；;：:、\n…~～]")
_NEGATION = re.compile(
    r"(?:没有|没|冇得?|并没有|(?<!是)不是|并非|未曾|未|别|莫|不会|不要|不用|无|有没有|会不会|是否|防)([^，,。]{0,3})$"
)
_NOT_NEGATION = re.compile(r"^(?:想到|多久|过多久|一会|过几|停|断|得了|知道|晓得|办法|注意|看清|人管|人应)")
# What ends a danger, said after it: the same words for every kind, and the words that end its kind.
_RESOLVED_ANY = (
    r"取消|不用来了|不用派人|虚惊一场|误会|搞错了|看错了|查清楚了|单子可以结|可以结单|早就没事|已经没事|"
    r"恢复运行|恢复正常|说错了|口误|(?:是|在|搞)(?:消防)?(?:演习|演练)|是假的|误报"
)
_RESOLVED = {
    kind: re.compile(f"{_RESOLVED_ANY}|{words}")
    for kind, words in {
        "gas": r"不是漏气|不是燃气|修好了|关掉了",
        "fire": r"扑灭|灭了|被灭|灭掉|盖灭|浇灭|没烧起来|没有烧起来|火(?:早就|已经)灭|关(?:了|掉|好)?火|火关(?:了|掉)",
        "flood": r"水(?:已经|早就|都)?退了|水退|救上来|救出来|转移出来|背出来|修好",
        "trapped": r"救出来|弄出来|出来了|放出来|救下来|拉出来|救上来|已经出来|人倒是没事|人没事|里面没(?:有)?人|没(?:有)?人被困",
        "violence": r"带走了|处理了|处理完|处理好了|散了|抓了|被抓|控制住|劝开了|判了|立案",
        "self_harm": r"救回来|抢救过来|好多了|气话|开玩笑|说着玩|随便说说|出院了|被救|稳定了|"
        r"情况(?:挺|很|还|都)?(?:好|稳定)|正常上班|正常上学|恢复(?:了|得)",
        "unresponsive_or_missing": r"找到了|找回来|联系上了|(?:已经)?在医院了|送(?:到|去|进)了?医院|没大事|(?:人|现在|已经)(?:已经|都)?好了|(?<![没冇未就要能会])回来了|回家了|好好的|没事了|没大碍|醒过来|醒了|缓过来|救过来|救活|"
        r"(?:说|讲)(?:她|他)(?:挺|很|还)?好(?:的|着呢)|人(?:挺|很|还)?好的|报了平安|"
        r"抢救过来|送(?:到|去)?医院了|拉走了|接走了|出院|脱离危险|开门了|人没事",
        "road_collapse": r"没(?:有)?塌|盖好|换了新的|换了一个新的|填好|补好|修好|围起来|警示|封起来|围挡|弄好了|"
        r"锥[筒桶]|雪糕筒|拉了?(?:绳子|警戒线|隔离带)|放了[^，,。]{0,4}(?:牌子|警示牌|路障)",
        "live_wire": r"修好|挪走|接好|处理好了|断了电|断电了|停了电|在修|抢修",
        "locked_in_alone": r"救出来|打开了|开了门|门开了|开门了|抱出来|砸窗把|救下来|没事了|接走|抱走|"
        r"(?:家长|大人|车主)(?:已经)?(?:来了|回来了|到了)",
    }.items()
}
# A past long ago: whatever it was is over, a state too. A recent past: an event is over, a state may not be.
_OLD_PAST = re.compile(
    r"去年|前年|上个?月|上个?礼拜|上个?星期|上周|前几天|几天前|前(?:一)?段时间|那段时间|有段时间|那时候|那会儿|[一二两三几]个?(?:礼拜|星期|月|年)前|年前|"
    r"以前|之前|当时|那天|那次|那晚|那回|那年|曾经|曾|上次|上回|当初|小时候|月份|后来|事后|"
    r"[一二三四五六七八九十\d]+月[一二三四五六七八九十\d]+[号日]|"
    r"前阵子|过一次|过火|(?:19|20)\d\d年|二零[一二]\S年|\d{4}年|\d+年前|\d+月\d+[日号]|\d+月份|元月|"
    r"发生过|遇到过|碰到过|经历过|出过|有过|发生的|发生了"
)
# … or said after it: 刷到了一个很久以前的帖子 / 是去年的事
_PAST_AFTER = re.compile(r"(?:很久|好久|好多年|几年)以前|是(?:去年|前年|上个月|以前|几年前|好久以前)的事")
# A hazard that has stood for months (电线杆歪了好几个月了) is one to fix, not a danger now.
_MONTHS_AFTER = re.compile(r"[^，,。]{0,3}(?:好几|几|[两三四五六七八九十半])个?多?(?:月|年)(?:多)?了")
_RECENT_PAST = re.compile(r"昨天|昨晚|前天|今天早上|早上|上午|中午|半夜|凌晨")
_PERSISTING = re.compile(
    r"到现在|至今|现在还|还是|还没有?人|还冇|(?<!以后)(?<!之后)(?<!后来)一直|还在|还没|从[^，,。]{1,8}(?:开始|起)(?!来)"
)
# Someone gone or out of reach since a time of today or yesterday is still gone (今天中午出去就没回来 / 从昨天中午
# 开始电话就没人接): the time says when it began.
_ABSENT = re.compile(
    r"没回|未归|冇回|不见|找不到|联系不上|失联|没人接|冇人接|不接|打不通|关机|没(?:有)?(?:看到|见到|出门|开门|露面|下楼|上来)"
)
# … or in a short clause right after (到现在还在那里), not in one that goes on about something else (到现在肇事
# 的人还没赔钱)
_PERSISTING_NEXT = re.compile(
    r"^[^，,]{0,8}[，,](?:到现在|至今|现在还|还是|一直|还在)[^，,。]{0,5}(?:[，,。！？!?\n]|$)"
)
_HYPOTHETICAL = re.compile(
    r"万一|如果|假如|假若|要是|一旦|倘若|担心|害怕|就怕|怕|生怕|以防|防止|预防|会不会|可能会|容易|迟早|哪天|"
    r"不然|否则|不要等|难道要等|等到|到时候|隐患|演练|演习|模拟|应急|知识|培训|宣传|讲座|教育|科普|安检|检查|年检|"
    r"试鸣|表演|竞赛|差点|差一点|险些|是不是违法|合不合"
)
_HYPOTHETICAL_AFTER = re.compile(
    r"^[^，,。！？!?]{0,6}(?:怎么办|的话|应该|要不要|需不需要|怎么处理|隐患|风险|的心都有|的念头都有|事故|"
    r"打哪个|找哪个|找谁|归哪|谁负责|谁管|是打|是找|有没有|怎么救|怎么劝|多久|才能报警|能不能报警|应急|演练|演习|培训|宣传|知识|预案|"
    r"检查|安检|报警器|探测器|国家标准|标准)|^的?时候|^时(?:应该|怎么|要)"
)
# A question about what to do, later in the sentence: "发现有人落水，不会游泳的人应该怎么救".
_RULES_AFTER = re.compile(
    r"应该怎么|该怎么|怎么救|怎么劝|怎么办|应该打|打哪个|找哪个|是往上跑还是|还是(?:直接|先)?(?:打|找|报)|提前(?:了解|问)"
)
# … but not a cry of panic (门口都是烟，怎么办怎么办 / 咋办啊)
_PANIC = re.compile(r"(?:怎么办|咋办|怎么搞){2}|(?:怎么办|咋办|怎么搞)(?:啊|呀|哪|[！!])|救命|快点|快来")
# A worry about a season or a year to come: a hazard to fix, not a danger now.
_LATER = re.compile(r"怕(?:今年|明年|以后|哪天|将来)|迟早|汛期|雨季|台风季")
_REPORTED_AFTER = re.compile(r"^的?(?:消息|新闻|报道|视频|谣言|传言)")
# A danger named as a kind of problem: "被困电梯内的安全问题时有发生", "被关电梯或电梯下坠等危险情况".
_CATEGORY_AFTER = re.compile(
    r"^[^，,。！？!?]{0,4}的(?:安全)?(?:问题|事件|现象)|^[^，,。！？!?]{0,8}等[^，,。！？!?]{0,4}(?:情况|问题|事件|现象)"
)
_CUT_THINGS = re.compile(r"[树竹柴木枝草]")
# 线 alone said of a line that carries no power (网线被风刮断了 / 风筝线 / 晾衣服的线)
_NOT_POWER = re.compile(r"网线|宽带|光纤|光缆|电话线|有线电视|闭路|网络|信号|晾衣|晒衣服的线|风筝线|鱼线|毛线|针线")
# Something stuck that is no person (死狗卡在涵洞口 / 共享单车卡在排水沟里 / 风筝卡在电线上)
_STUCK_THING = re.compile(
    r"(?:猪|狗|猫|鸡|鸭|鹅|牛|羊|鱼|老鼠|蛇|风筝|球|单车|自行车|车轮|轮子|垃圾|树枝|石头|东西|箱子|钥匙|硬币|鞋|袋子|瓶子|木头|杂物|"
    r"卡片|银行卡|身份证|硬盘|柜子|门卡|道闸|闸|卷帘门?|抽屉|拉链|门禁|机器|打印机)[^人他她孩娃伢爷奶爸妈婆公]{0,30}$"
)
# a fire's word said of a power line (高压线断了……在田里，还在冒火) is the line's spark
_SPARK_WORD = re.compile(r"冒火|火光|火苗|火星|火花")
_SHUT_IN = re.compile(r"关|锁|出不去|出不来|门开不|门打不开")
_TRAPPED_BY = re.compile(r"电梯|扶梯|塌|埋|压|井|坑|洞|水|火|烟|山|矿|沟|卡")
_BLAZE = re.compile(r"着火|起火|失火|火灾|烧起来|烧着|大火|火势|爆炸|烧到|蔓延")
_POLE = re.compile(r"电线杆子?|电杆|线杆子?")
# a person shocked (被弹开, 麻了一下, 触电): the line is live, whatever the caller calls it
_SHOCK = re.compile(r"弹开|触电|被电|电到|麻")
_POLE_FALLS = re.compile(r"倒|歪|断")
_POWER_THING = re.compile(r"电线|高压线|电缆|电线杆|电杆|变压器|配电箱|电箱|线头|电表箱|那根线|断线")
# A funeral: its words (后事, 骨灰, 告别) speak of someone who has died, not of a farewell.
_FUNERAL = re.compile(
    r"殡仪馆|火化|追悼|丧葬|丧事|去世|过世|逝世|死亡证明|销户|节哀|墓地|公墓|遗体|后事(?:办完|办好|处理完)|"
    r"(?:爸|妈|父亲|母亲|老伴|老公|老婆|丈夫|妻子|爷爷|奶奶|外公|外婆|公公|婆婆|岳父|岳母|儿子|女儿)的后事"
)
_FUNERAL_WORDS = re.compile(r"后事|骨灰|告别|遗嘱|最后一[面次]|永别|走了")
# A jump in a sport or a training (拓展训练要从高台上往下跳 / 蹦极 / 跳水) is no self-harm.
_SPORT = re.compile(
    r"拓展|蹦极|跳水|跳伞|跳台|高台|训练|比赛|游泳|体育|跳远|跳高|蹦床|表演|节目|杂技|跳箱|跳马|健身|体操|游乐|滑梯"
)
# Someone who owes money and does not answer the phone (包工头电话也不接 / 中介联系不上了) is no missing person.
_DEBT = re.compile(
    r"欠|还钱|不还|借给|借钱|借了我|借了[^，,。]{0,4}钱|押金|定金|订金|工资|工钱|学费|退款|退钱|退费|跑路|卷钱|拉黑|老板|包工头|中介|房东|卖家|商家|开发商|"
    r"老赖|网贷|催收|货款|车贷"
)
# 还在打 after a pile driver, a game or the rain is no fight.
_NOT_A_FIGHT = re.compile(r"打桩|打雷|打牌|麻将|游戏|打球|打针|打字|打工|打孔|打洞|钻")
_UNREACHABLE = re.compile(r"电话|手机|联系不上|失联|关机|打不通|不接|找不到|不见了")
# … nor is a service whose phone nobody answers (物业电话打不通 / 客服一直不接)
_SERVICE_BEFORE = re.compile(
    r"(?:物业|客服|热线|公司|维修|售后|前台|管理处|居委会|社区|办事处|街道|值班室|保安室|门卫)(?:的)?(?:电话|手机)?$"
)
# 不想过了 said of a marriage is a divorce.
_MARRIAGE = re.compile(r"吵架|离婚|分居|婚姻|结婚|老公|老婆|丈夫|妻子")
# A crack in a building (天花板有裂缝) is a housing problem, not a road that caves in.
_BUILDING = re.compile(r"天花板|墙|楼板|屋顶|房顶|房子|屋里|卫生间|厨房|地砖|瓷砖|阳台|梁|柱子")
# A small child at a window, on a balcony's edge or a roof is a child in danger, not self-harm.
_HIGH_PLACE = re.compile(r"窗|阳台|栏杆|护栏|楼顶|天台|顶楼|空调")
_YOUNG_CHILD = re.compile(
    r"小孩|小朋友|宝宝|婴儿|幼儿|娃娃?|伢子|[一二两三四五六七八\d]岁|(?<![女男])孩子|小(?:女|男)孩"
)
_BLOCKED_WAY = re.compile(
    r"(?:车|单车|自行车|电动车|摩托|杂物|东西|箱子|柜子|垃圾|货|沙子|砖)[^。！？\n]{0,10}?(?:堵(?:住|死|着)|挡(?:住|着)|占(?:住|着|了))|停满|乱停"
)
_FIRE_OR_WATER = re.compile(r"烟|火|水|塌")
_HABITUAL_AFTER = re.compile(
    r"时有发生|经常发生|频繁发生|屡屡发生|多次发生|常有|(?:每天|天天|经常)[^，,。]{0,3}(?:都)?这样"
)
# Away for months (他在外地打工，半年没回来了) is not missing.
_LONG_ABSENCE = re.compile(
    r"半年|一年|几年|[一二两三四五六七八九十几]+(?:个月|年)|打工|出差|在外地(?:上学|读书|上大学|工作)"
)
# A burst main floods a road, not homes: the flood it causes counts half.
_BURST_MAIN = re.compile(r"水管|自来水|爆管|供水管|管子爆")
# Hearsay, news, rumour, or somewhere else: a danger told about, not one to attend to here.
_REPORTED = re.compile(
    r"听说|据说|听人(?:家)?(?:说|讲)|听(?:我们|我)?(?:楼下|楼上|隔壁|邻居|别人|人家|街坊|同事|群里|他们|大家|村里|小区里?)[^，,。]{0,4}(?:说|讲)|"
    r"(?:群里|网上|朋友圈)[^，,。]{0,4}(?:看到|刷到)|看到说|新闻|报道|报纸上|登报|电视上|动画片?|电视剧|电影里|电影上|那个电影|节目里|节目上|那个节目|剧里|小说|纪录片|网上|抖音|(?:看到|刷到|发了)[^，,。]{0,4}视频|视频(?:上|里)|朋友圈|群里(?:有人)?在?(?:传|说|发)|"
    r"传言|谣言|(?:别人|人家|邻居|同事|(?<![女男])朋友|阿姨)(?:跟我)?(?:说|讲)(?!(?:她|他|自己)(?:被|在|现在|刚|正|一直))|(?:外地|别的地方|老家那边|外省)(?:有个?|的一个|的)"
)
_MEDIUM = re.compile(r"网上|抖音|朋友圈|群里(?:有人)?在?(?:传|说|发)|(?:看到|刷到|发了)[^，,。]{0,4}视频|视频(?:上|里)")
# … ended by this time (平时天天出来遛狗，这三天狗一直在屋里叫)
_THIS_TIME = re.compile(r"这(?:都|已经)?(?:[一两三四五几]|几|好几)?(?:天|次|回|会儿)|这几天|这两天|今天|今晚|刚才")
_HABITUAL = re.compile(
    r"天天|每天|每次|经常|老是|总是|动不动|三天两头|常常|时常|一下雨|一下大雨|一到|频繁|频发|每年|多次|屡次|时有发生"
)
_FIGURATIVE_BEFORE = re.compile(
    r"简直|就像|如同|仿佛|我都快要?$|得(?:我们?|都|快|要|想|我都|我想|快要){1,2}$|心(?:都)?在$|"
    r"[急气愁逼吓烦累忙穷饿亏怄]得$"
)
_FIGURATIVE_AFTER = re.compile(r"^[^，,。！？!?]{0,6}(?:一样|似的|一般)")
_PRESENT = re.compile(
    r"正在|还在|刚刚|刚才|现在|此刻|这会儿|目前|快点|快来|赶紧|赶快|救命|越来越|马上来|一直在|不好了|你等一?下|在往(?:下|外|上|里)|"
    r"越[^，,。]越(?:大|多|深|高|近|重|浓|快|猛|旺)|(?:半个|一个多?|两个|几个|好几个|[一二两三四五]+)(?:钟头|小时|分钟)了"
)
# After the clause, "现在" often begins another topic (…去世了，现在那个房子要卖): only these carry over.
_PRESENT_AFTER = re.compile(r"^[，,]?[^，,。！？!?]{0,4}(?:还在|正在|一直在|越来越|越[^，,。]越)")
_PRESENT_JUST_BEFORE = re.compile(r"(?:(?<![存所实自内现])在[^，,。]?|正|还在|又)$")
_VERB_START = frozenset("冒漏喷烧着打砍追砸流淹涨响叫哭喊拍掉垂闪滋吱渗塌陷往抽吐喘冲灌进漫困关卡压埋晃")
# Words that end a narrative in the past: the caller is back to now.
_NOW_FRAME = re.compile(r"现在|今天|刚刚|刚才|正在|还在|此刻|这会儿|目前|马上|快点|救命")
# Words of a time to come end a narrative in the past too (…以前帮过我。以后就不麻烦你们了).
_FUTURE = re.compile(r"以后|今晚|今天晚上|待会|等下|一会儿|明天|马上就|准备|打算")
# A change of subject: what follows is told in its own time (我上次反映的路灯……哎呀不说那个了，水淹到窗户了).
_SWITCH = re.compile(
    r"不说(?:那个|这个|这些)了|先不说|(?:哦|噢|哎|啊)?对了[，,]|还有(?:个|一个)(?:事|急事)|说个急事|你等(?:一)?下|"
    r"等一下[，,]|哎呀[，,]|(?:我的)?天[啊哪呐]?[，,]|说到这个|…+(?:哎|诶|唉|哎哟|欸)[，,！!]"
)
# A call about compensation, insurance, praise, a suggestion or a cancelled request narrates its dangers.
_CALM_PURPOSE = re.compile(
    r"保险|理赔|赔偿|索赔|赔钱|补偿|补助|补贴|认定书|损失|起诉|打官司|抚恤|报销|表扬|感谢|锦旗|点赞|建议|取消|不用来了|"
    r"不用派人|结单|鉴定|罪|判了|判几年|开庭|案子"
)
# Smoke from a chimney, a barbecue, a dump or a field is pollution, not a fire; a smell from a factory that
# makes one dizzy is not a gas leak (a smell said to be of gas is).
# A fire that spreads (烧到树林里去了 / 往小区这边烧过来了) is one, whatever was burnt first.
_FIRE_EVENT = re.compile(r"着火|起火|失火|爆炸|炸了|烧到|烧过来|烧过去|蔓延")
# Flames someone keeps on purpose (a barbecue, burning paper or straw) are not a fire either.
_BURNING_ON_PURPOSE = re.compile(
    r"烧烤|炭火|烤红薯|烤肉|烧纸|烧垃圾|焚烧|秸秆|有人在烧|烧树叶|在烧东西|烧砖|烧塑料|烧轮胎"
)
_POLLUTION = re.compile(
    r"污染|毒气|烟囱|排放|焚烧|有人在烧|烧垃圾|烧烤|锅炉|工厂|作坊|废气|刺鼻|空气|秸秆|油烟|熏|烧纸|烟花|鞭炮|抽烟|吸烟|"
    r"网吧|麻将馆?|棋牌室?|KTV|歌厅|二手烟|烟味|烟雾缭绕|乌烟瘴气|砖厂"
)
# A caller's guess at what it is (可能是烧垃圾吧 / 应该是网线 / 估计是有线电视的 / 那是电话线吧), which what they
# see next may belie: a fire that grows, a line that sparks.
_GUESS_BEFORE = re.compile(
    r"(?:可能|应该|估计|好像|大概|也许|怕是|像是|以为|我看|我想)(?:是|就是)?[^，,。！？!?\n]{0,6}$"
)
_GUESS_AFTER = re.compile(r"[^，,。！？!?\n]{0,8}?吧")  # matched at the guess


def _guessed(text: str, position: int) -> bool:
    return bool(_GUESS_BEFORE.search(text, max(0, position - 12), position) or _GUESS_AFTER.match(text, position))


_GROWING = re.compile(
    r"越来越(?:大|浓|多|黑|旺|凶)|越冒越|越烧越|变(?:成)?(?:黑|浓|大)|往[^，,。]{0,4}(?:跑|窜|蔓延)|一大片|炸|爆|噼里啪啦|噼噼啪啪|砰"
)
# What shows a line is live (闪了一下, 蓝光, 火花, 滋滋响, 草都黑了), not denied (没有火花也没有响)
_POWER_SIGN = re.compile(r"火花|火星|打火|闪(?:了)?(?:一下|个|了)|蓝光|电弧|滋滋|吱吱|噼啪|烧黑|都黑了|冒烟|麻")


_DENIED_SIGN = re.compile(r"(?:没有|没|冇得?|不)[^，,。]{0,2}$")


def _power_sign(text: str) -> bool:
    return any(not _DENIED_SIGN.search(text, max(0, m.start() - 4), m.start()) for m in _POWER_SIGN.finditer(text))


# Smoke complained of again and again (又是我 / 反映过两次了 / 每次来看一下就走了 / 你们到底管不管): a works that pollutes
_COMPLAINED_AGAIN = re.compile(
    r"又是我|(?:反映|投诉|举报|打(?:电话)?)(?:过|了)[^，,。]{0,3}(?:[两三四五几好]+次|多次|好多次|N次)|(?:打|查)了[两三四五几好]+次|"
    r"到底管不管|管不管|照样|一直没人管|没人管|都没人管"
)
# A danger the caller took it for and found it was not (我以为着火了，后来看是他们在调试锅炉)
_MISTAKEN = re.compile(r"(?:我|还|我还|都)?以为|当成|当是")
_FOUND_OTHER = re.compile(r"后来(?:一)?看|后来发现|结果发现|发现是|原来是|结果是|其实是|才知道|才发现|一看是|过去看是")
# A web message is written after the fact: it states a danger now only with words like these.
_WRITTEN_NOW = re.compile(r"正在|还在|现在|此刻|刚刚|刚才|马上|立即|立刻|紧急|赶快|赶紧|快来|救命|速来|请速")
# A caller who wonders whether it is worth a call (可能不是什么大事 / 不知道该不该打 / 是不是我大惊小怪).
_DOWNPLAY = re.compile(
    r"不(?:知道|晓得|确定)[^。！？\n]{0,8}(?:该不该|算不算|要不要|是不是|需不需要)|(?:可能|应该|也)?不是什么大事|大惊小怪|"
    r"(?:可能|也许)是我(?:想多了|太紧张|多心|鼻子)|不好意思(?:啊)?(?:打扰|麻烦)"
)
_PLEA = re.compile(
    r"快点来|快来人|来人啊|快点派人|救命|求求你们|求你们|我求你|赶紧来|赶快来|马上派人|快点啊|快来救|你们快点|"
    r"出人命|要死人了|人命关天|来不及了|不得了了"
)


def _last(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The last match of a pattern in a text."""
    found = None
    for found in pattern.finditer(text):  # noqa: B007 - the loop is how the last one is reached
        pass
    return found


class _Text:
    """A text with its sentence and clause boundaries, and the time each sentence is told in."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.sentence_ends = [m.start() for m in _SENTENCE_MARKS.finditer(text)] + [len(text)]
        self.clause_ends = [m.start() for m in _CLAUSE_MARKS.finditer(text)] + [len(text)]
        self._frames: list[str | None] | None = None

    @staticmethod
    def _span(ends: list[int], start: int) -> tuple[int, int]:
        index = bisect_right(ends, start - 1)
        begin = ends[index - 1] + 1 if index > 0 else 0
        return begin, ends[min(index, len(ends) - 1)]

    def sentence(self, start: int) -> tuple[int, int]:
        return self._span(self.sentence_ends, start)

    def clause(self, start: int) -> tuple[int, int]:
        return self._span(self.clause_ends, start)

    def frame_before(self, start: int) -> str | None:
        """The time the call was last told in before the sentence at ``start``: "old" after a sentence with a
        marker of a past long ago (上个月, 那天), "recent" after one of today or yesterday (今天早上, 昨晚) — when no
        marker of now comes after it —, None after one with a marker of now, after a change of subject (哎呀不说那个
        了 / 哦对了 / 你等一下) or at the start."""
        if self._frames is None:
            frames: list[str | None] = []
            frame: str | None = None
            begin = 0
            for end in self.sentence_ends:
                sentence = self.text[begin:end]
                switch = _last(_SWITCH, sentence)
                if switch:  # the frame of what is said after a change of subject is its own
                    frame = None
                    sentence = sentence[switch.end() :]
                frames.append(frame)
                old, recent = _last(_OLD_PAST, sentence), _last(_RECENT_PAST, sentence)
                past = max((m for m in (old, recent) if m), key=lambda m: m.start(), default=None)
                now = _last(_NOW_FRAME, sentence) or _last(_FUTURE, sentence)
                if now and (not past or now.start() > past.start()):
                    frame = None
                elif past:
                    frame = "old" if past is old else "recent"
                begin = end + 1
            self._frames = frames
        return self._frames[bisect_right(self.sentence_ends, start - 1)]


@dataclass(frozen=True)
class _Mention:
    kind: str
    weight: float  # after context
    word: str
    start: int
    present: bool
    cue: int = -1  # which cue found it: the same cue said again (下不来，上不去) adds nothing
    discounted: bool = False  # weighed down by its context (past, habitual, a burst main, a later worry …)
    lasting: bool = False  # … only as a state said in a recent past (下午就塌下去一大块): it may well still be there


def _progressive(text: str, position: int) -> bool:
    """在/正/还在/又 right before a verb (在冒烟, 还在漏, 又淹了), not before a place (在楼道里着火)."""
    return text[position : position + 1] in _VERB_START and bool(
        _PRESENT_JUST_BEFORE.search(text[max(0, position - 3) : position])
    )


def _resolved(context: _Text, kind: str, end: int) -> bool:
    """Whether what ends a danger of this kind is said after it — not asked (有没有做警示？) nor denied (还没修好)."""
    text = context.text
    for found in _RESOLVED[kind].finditer(text, end, min(len(text), end + RESOLUTION_REACH)):
        clause_start, clause_end = context.clause(found.start())
        if _negated(text, max(clause_start, found.start() - CLAUSE_REACH), found.start()):
            continue
        if _UNSURE.search(text, clause_start, found.start()):
            continue  # 说不准什么时候就修好了: what may end it, not what did
        if text[clause_end : clause_end + 1] in ("？", "?") or _QUESTION.search(text[clause_start:clause_end]):
            continue
        return True
    return False


_QUESTION = re.compile(r"有没有|是否|吗$|了没$|没有$|好了吗|吧$")
_UNSURE = re.compile(r"说不准|说不定|什么时候|万一|要是|如果|可能|也许|不知道|不晓得|等(?:到|会|一会|下)")


def _negated(text: str, clause_start: int, position: int) -> bool:
    negation = _NEGATION.search(text[clause_start:position])
    return bool(negation) and not _NOT_NEGATION.match(negation.group(1))


def _judge(context: _Text, cue: Cue, match: re.Match[str], *, call: bool, calm_purpose: bool) -> _Mention | None:
    """A mention of a danger weighed in its context; None when it does not speak of a danger now."""
    text = context.text
    start, end = match.start(), match.end()
    # an ASR engine may give a whole turn without a comma: a clause is then the words around the mention, a
    # sentence a little more
    sentence_start, sentence_end = context.sentence(start)
    sentence_start, sentence_end = max(sentence_start, start - SENTENCE_REACH), min(sentence_end, end + SENTENCE_REACH)
    clause_start, clause_end = context.clause(start)
    clause_start, clause_end = max(clause_start, start - CLAUSE_REACH), min(clause_end, end + CLAUSE_REACH)
    after_sentence = text[end:sentence_end]
    # the clause after the mention's, within the sentence: where "还在", "到现在还" carry over
    # the clause after the one the mention ends in (a pair may run over a comma)
    end_clause_end = max(clause_end, context.clause(max(start, end - 1))[1])
    next_clause_end = context.clause(end_clause_end + 1)[1] if end_clause_end < sentence_end else end_clause_end
    near_after = text[end:next_clause_end]
    predicate = start
    for group in ("s", "t"):
        if group in match.re.groupindex and match.group(group) is not None:
            predicate = match.start(group)
    if _negated(text, clause_start, start) or (
        predicate != start and _negated(text, max(context.clause(predicate)[0], predicate - CLAUSE_REACH), predicate)
    ):
        return None
    if _resolved(context, cue.kind, end):
        return None
    # what is told before the predicate of a pair: "电梯频繁故障，上周二曾发生困人" / "井盖…我怕哪天碎了"
    told_before = text[sentence_start : max(start, predicate)]
    figurative = bool(
        _FIGURATIVE_BEFORE.search(text[max(clause_start, start - 6) : start])
        or _FIGURATIVE_AFTER.match(text[end:clause_end])
    )
    if figurative and cue.kind != "self_harm":
        return None
    word = match.group(0)
    sentence = text[sentence_start:sentence_end]
    if cue.kind == "fire" and not _FIRE_EVENT.search(word):
        burning = _BURNING_ON_PURPOSE.search(text, sentence_start, sentence_end)
        polluting = _POLLUTION.search(text, sentence_start, sentence_end) if "烟" in word else None
        explained = burning or polluting
        if explained and _guessed(text, explained.start()) and _GROWING.search(text, explained.end()):
            burning = polluting = None  # 可能是烧垃圾吧……越来越大了，噼里啪啦的: a guess the fire's growth belies
        if (burning and not _negated(text, sentence_start, burning.start())) or (
            "烟" in word and (polluting or (_COMPLAINED_AGAIN.search(text) and not _BLAZE.search(text)))
        ):
            return None
    elif cue.kind == "gas" and "味" in word and not _GAS_WORD.search(word) and _POLLUTION.search(sentence):
        return None
    if (
        _CATEGORY_AFTER.match(text[end:clause_end])
        or _HYPOTHETICAL.search(told_before[-14:])
        or _HYPOTHETICAL_AFTER.match(text[end:clause_end])
        or (_RULES_AFTER.search(after_sentence) and not _PANIC.search(sentence))
    ):
        return None
    clause = text[clause_start:clause_end]
    if call:
        present = bool(
            _PRESENT.search(clause)
            or _PRESENT_AFTER.match(near_after)
            or _progressive(text, start)
            or _progressive(text, predicate)
        )
        long_ago = _last(_OLD_PAST, text[context.sentence(start)[0] : start])
        if present and long_ago and not _NOW_FRAME.search(text, long_ago.end(), clause_end):
            # 上礼拜四晚上……接电话的人一直在电话里教我做心肺复苏: a past told with its durations
            present = False
    else:  # a letter's 一直, 越来越 describe a situation; its 现在, 正在, 紧急 speak of now in the clause, or
        # in the sentence of a short message (小区3栋着火了，浓烟很大，请马上派人来！)
        present = bool(
            _WRITTEN_NOW.search(clause)
            or (len(text) <= SHORT_MESSAGE and _WRITTEN_NOW.search(text[sentence_start:sentence_end]))
        )
    if figurative:
        return _Mention(cue.kind, cue.weight * FIGURATIVE_SELF_HARM_SHARE, match.group(0), start, False, id(cue), True)
    reported = _REPORTED.search(told_before[-REPORTED_REACH:])
    if cue.kind == "self_harm" and reported and _MEDIUM.fullmatch(reported.group(0)):
        reported = None  # 我儿子在网上说今天晚上就结束一切: where the one at risk said it, not news
    if (reported or _REPORTED_AFTER.match(text[end:clause_end])) and not present:
        return None
    weight = cue.weight
    lasting = False
    if _LATER.search(after_sentence):
        weight *= LATER_SHARE
        present = False
    if cue.kind == "unresponsive_or_missing" and _LONG_ABSENCE.search(clause):
        return None
    if cue.kind != "self_harm" and _MONTHS_AFTER.match(text, end):
        return None  # 电线杆歪了好几个月了, 井盖坏了半年了
    if cue.kind == "self_harm" and _FUNERAL_WORDS.fullmatch(word) and _FUNERAL.search(text):
        return None  # 父亲上个礼拜走了……骨灰盒……告别厅
    if cue.kind == "self_harm" and "跳" in word and _SPORT.search(sentence):
        return None
    if cue.kind == "self_harm" and "过" in word and _MARRIAGE.search(sentence):
        return None  # 我老公今天跟我吵架，说了句不想过了
    if (
        cue.kind == "unresponsive_or_missing"
        and _UNREACHABLE.search(word)
        and (_DEBT.search(sentence) or _SERVICE_BEFORE.search(text, max(0, start - 10), start + 2))
    ):
        return None
    if cue.kind == "violence" and word.startswith("还在打") and _NOT_A_FIGHT.search(sentence):
        return None
    if cue.kind == "road_collapse" and "缝" in word and _BUILDING.search(clause):
        return None
    not_power = _NOT_POWER.search(text, sentence_start, sentence_end) if cue.kind == "live_wire" else None
    # what hangs from a pole is the line named (电线杆上掉下来一根电话线), unless the pole itself falls
    powered = _POWER_THING.search(word if _POLE_FALLS.search(word) else _POLE.sub("", word)) or _SHOCK.search(word)
    if not_power and not powered and not (_guessed(text, not_power.start()) and _power_sign(text)):
        return None  # 网线被风刮断了 (but 应该是网线吧……刚才闪了一下，有点蓝光: a guess its sparks belie)
    if (
        cue.kind != "self_harm"
        and _MISTAKEN.search(text[max(clause_start, start - 8) : start])
        and _FOUND_OTHER.search(text, end, min(len(text), end + RESOLUTION_REACH))
    ):
        return None  # 我以为着火了，后来看是他们在调试锅炉
    if (
        cue.kind == "trapped"
        and "卡" in word
        and _STUCK_THING.search(text, max(0, start - 40), start + word.index("卡"))
    ):
        return None  # 死狗卡在涵洞口
    kind = cue.kind
    if kind == "self_harm" and _HIGH_PLACE.search(word) and _YOUNG_CHILD.search(sentence):
        kind = "locked_in_alone"  # 小孩一个人在家，爬到窗户外面的空调架子上: a child in danger, not self-harm
    if (
        kind == "trapped"
        and _SHUT_IN.search(word)
        and _YOUNG_CHILD.search(sentence)
        and not _TRAPPED_BY.search(sentence)
    ):
        kind = "locked_in_alone"  # 四五岁孩子被关在阳台上，出不去: a child shut in, not a lift or a collapse
    if kind == "fire" and _SPARK_WORD.fullmatch(word) and _POWER_THING.search(text) and not _BLAZE.search(text):
        kind = "live_wire"  # 高压线断了……还在冒火: the line sparks
    if cue.kind == "violence" and "砍" in word and _CUT_THINGS.search(clause):
        return None  # 小区的树全被砍了
    if cue.kind == "trapped" and _BLOCKED_WAY.search(sentence) and not _FIRE_OR_WATER.search(sentence):
        weight *= BLOCKED_WAY_SHARE  # 共享单车倒了一地，堵住了楼道口，老人推轮椅出不去: in the way, not trapped
    if cue.kind == "flood" and _BURST_MAIN.search(text[sentence_start:sentence_end]):
        weight *= BURST_MAIN_SHARE
    if not present:
        # times are read in the whole sentence (上礼拜四晚上，我老公…突然胸口痛…教我怎么做心肺复苏)
        told_in_sentence = text[context.sentence(start)[0] : max(start, predicate)]
        switch = _last(_SWITCH, told_in_sentence)
        if switch:
            told_in_sentence = told_in_sentence[switch.end() :]
        recent = _RECENT_PAST.search(told_in_sentence)
        old = _OLD_PAST.search(told_in_sentence)
        now = _last(_NOW_FRAME, told_in_sentence)
        if now and ((old and now.start() > old.start()) or (recent and now.start() > recent.start())):
            old = recent = None  # 上个月就坏过，今天又把人关在里面了: the last time said is now
        old = old or text[end : end + 1] == "过" or _PAST_AFTER.search(after_sentence)
        if (
            not (old or recent)
            and cue.kind != "self_harm"
            and not _NOW_FRAME.search(told_before)
            and not _FUTURE.search(text, sentence_start, end)
        ):
            # a sentence without a time of its own is told in the time of the sentences before it — but not a wish
            # to die or its plan: a caller tells what brought them to it first (老伴去年走了……我是真的想一了百了)
            frame = context.frame_before(start)
            old, recent = frame == "old", frame == "recent"
        if old or recent:
            if cue.kind not in STATE_KINDS:
                return None
            # lasting, said in its clause or at the start of the next: 吹断的，一头掉在地上，到现在还在那里
            persisting = (
                _PERSISTING.search(text[clause_start:clause_end])
                or _PERSISTING_NEXT.match(near_after)
                or (recent and not old and cue.kind == "unresponsive_or_missing" and _ABSENT.search(word))
            )
            if old and not persisting:
                return None
            if not persisting:
                weight *= PAST_STATE_SHARE
                lasting = True
        habitual = _last(_HABITUAL, told_before)
        # 天天被打，今天……现在还在打: a marker of now after the habit speaks of now (电梯频繁故障困人: inside)
        if (
            habitual
            and not _NOW_FRAME.search(told_before, habitual.end())
            and not _THIS_TIME.search(told_before, habitual.end())
        ) or _HABITUAL_AFTER.search(after_sentence):
            weight *= HABITUAL_SHARE
        switched = _last(_SWITCH, text[sentence_start:start])
        purpose_from = sentence_start + (switched.end() if switched else 0)
        if calm_purpose and cue.kind != "self_harm" and _CALM_PURPOSE.search(text, purpose_from):
            # compensation or praise asked for in the mention's sentence or after it: an embedded emergency
            # (医保报销的事…哎你等下，楼上着火了) comes after the purpose, not before it, and after a change of subject
            # the purpose said before it is another matter (我是来问煤气补贴的……哎，对面饭店的排烟管道冒火了)
            weight *= CALM_PURPOSE_SHARE
        if not call:
            weight *= WRITTEN_SHARE
    lasting = lasting and weight == cue.weight * PAST_STATE_SHARE  # weighed down for nothing else
    return _Mention(kind, weight, match.group(0), start, present, id(cue), weight < cue.weight, lasting)


# A kind said not to be happening now ("现在冇打，我走了") cancels its mentions not themselves marked as now.
_NOT_NOW = {
    "violence": re.compile(r"(?:现在|已经)(?:都|还)?(?:冇|没|没有|不)(?:得|有)?(?:打|动手)"),
    "fire": re.compile(r"(?:现在|已经)(?:都|还)?(?:冇|没|没有)(?:得|有)?(?:着火|起火|烧|火)|火(?:早就|已经)灭"),
    # said in jest or anger, and said so (他是开玩笑的 / 说的气话); not 不是开玩笑, nor 平时说气话，但这次…
    "self_harm": re.compile(
        r"(?<!不是)(?<!没有)(?<!不像)(?<!没)(?:开玩笑|说气话|气话|抱怨一下|发牢骚|随口说说?|说说而已|口头禅|"
        r"骗(?:人|打赏|钱|流量|关注)|炒作|摆拍|演戏|装的)"
        r"(?![^。！？\n]{0,12}(?:但|可是|不过|这次|这回))"
    ),
}


# … but not what others took it for (我们都以为他开玩笑 / 大家都当她是说说而已): it was no joke.
_TAKEN_FOR = re.compile(r"(?:以为|当成|当作|当做|当)(?:他|她|他们|是|他是|她是)?(?:在)?$")


def _said_not_now(pattern: re.Pattern[str], text: str) -> bool:
    return any(not _TAKEN_FOR.search(text[max(0, m.start() - 8) : m.start()]) for m in pattern.finditer(text))


def _mentions(text: str, *, call: bool) -> list[_Mention]:
    return _judged(text, call=call)[0]


# A caller's turn that denies what the operator has just read back: wholly (不是不是 / 没有没有，没关人 / 哦不是，/
# 不是现在，是上个月的事) or one word of it (不是燃气，是垃圾的味道 / 不是失联，她在外地读大学).
_DENIAL = re.compile(
    r"^(?:[哎哦噢呃嗯啊唉]+[，,]?)?(?:(?P<whole>(?:不是|没有|没|冇|冇得|不对|不不|莫)(?:不是|没有|没|冇|不对|不)?(?=[，,。！!…~～\s]|$))"
    r"|不是(?P<word>[^，,。！!？?是]{2,6})(?:[，,]|的事))"
)
# A caller who takes back what they said themselves.
_MISSPOKE = re.compile(r"说错了|口误|搞错了|不是这个意思")
# … or says what they meant instead (有人要跳 — 哎不是，是跳广场舞的)
_RESTATED = re.compile(r"[，,]?是")
# A denial of when (不是现在) is whole: what the caller said happened, at another time.
_DENIED_TIME = re.compile(r"现在|今天|刚才|刚刚|这次|这会")
# A denial of where or which (不是三楼，是四楼 / 不是楼下) leaves the danger standing.
_DETAIL = re.compile(r"[楼层号栋单元路街区村镇边面上下里外东西南北左右前后门口\d一二三四五六七八九十两几]")
# The operator asks the caller to confirm a read-back …
_CONFIRMING = re.compile(r"(?:是吧|对吧|是吗|对吗|是不是|对不对|没错吧|吗)[？?。！!，,]*")
# … and no other yes-or-no question after it that the caller's "no" may answer (对吗？有没有做警示？ — 冇得).
_YES_NO = re.compile(r"有没有|是否|是不是|吗|了没|没有")


def _denied(text: str) -> list[tuple[int, int, str | None, int]]:
    """The operator's read-backs the caller denies in the next turn, as (start, end, word, until): every danger
    in one is set aside when the denial is whole (word None), the dangers that contain the word otherwise; the
    caller's words before ``until`` (the end of the denial) are set aside with it. A denial of a detail (不是三楼，
    是四楼) leaves the read-back's danger standing."""
    denied = []
    start = 0
    lines = text.split("\n")
    for index, line in enumerate(lines[:-1]):
        following = lines[index + 1]
        denial = _DENIAL.match(following.lstrip())
        if denial:
            until = start + len(line) + 1 + len(following) - len(following.lstrip()) + denial.end()
            word = denial.group("word")
            if word is not None and _DENIED_TIME.search(word):
                word = None
            confirm = _CONFIRMING.search(line)
            if is_read_back(line) and confirm and not _YES_NO.search(line, confirm.end()):
                denied.append((start, start + len(line), word, until))
            elif word is not None and word in line:
                # the caller corrects what they said themselves: 楼下有人倒了 — 不是人倒了，是那个大树倒了
                denied.append((start, start + len(line), word, until))
            elif word is None and (_MISSPOKE.search(following) or _RESTATED.match(following, denial.end())):
                denied.append((start, start + len(line), None, until))  # 哎呀不是……我说错了
        start += len(line) + 1
    return denied


def _judged(text: str, *, call: bool) -> tuple[list[_Mention], set[str]]:
    """The mentions of a danger that speak of one now, and the kinds of those the judge set aside (negated,
    resolved, past, hypothetical, hearsay, denied by the caller …)."""
    candidates: set[int] = set(_UNANCHORED)
    for char in set(text):
        candidates.update(_PARTS_BY_CHARACTER.get(char, ()))
    matches = [(_PARTS[index][0], match) for index in sorted(candidates) for match in _PARTS[index][1].finditer(text)]
    if not matches:
        return [], set()
    denied = _denied(text) if call and "\n" in text else []
    context = _Text(text)
    calm = {kind for kind, pattern in _NOT_NOW.items() if _said_not_now(pattern, text)}
    calm_purpose = bool(_CALM_PURPOSE.search(text))
    # the longest cue of a kind wins where its cues overlap ("困在屋里" is not also "困在"), then the heavier one;
    # a cue of another kind inside it still counts (儿子说要自杀，把自己关在房间里 is no child locked in alone)
    matches.sort(key=lambda item: (item[1].start() - item[1].end(), -item[0].weight))
    taken: list[tuple[int, int, str]] = []
    found: list[_Mention] = []
    denied_until: dict[str, int] = {}  # a kind the caller denies, and where the turn that denies it ends
    set_aside: set[str] = set()
    for cue, match in matches:
        if any(s <= match.start() and match.end() <= e and k == cue.kind for s, e, k in taken):
            continue
        taken.append((match.start(), match.end(), cue.kind))
        mention = _judge(context, cue, match, call=call, calm_purpose=calm_purpose)
        if mention is not None and mention.kind != cue.kind:  # read as another kind: it hides that kind's cues
            taken[-1] = (match.start(), match.end(), mention.kind)
        for start, end, word, until in denied:
            if start <= match.start() < end and (word is None or word in match.group(0) or match.group(0) in word):
                mention = None
                # the caller says it is not happening (不是不是，没着火，是烧烤店的油烟 / 不是失联): the kind is calm
                # in the whole call, unless what is denied is where or which (不是楼下，是楼上着火了)
                if word is None or not _DETAIL.search(word):
                    denied_until[cue.kind] = max(denied_until.get(cue.kind, 0), until)
        if mention is not None and not (mention.kind in calm and not mention.present):
            found.append(mention)
            if mention.discounted:
                # a mention weighed down frees the words inside it too: 那根线掉下来了，挂在树上，一下雨就噼里啪啦地
                # 闪 is habitual as a whole, 那根线掉下来了 is not
                taken.pop()
        else:
            # a mention set aside frees the words inside it: "是不是带电哈，就是那个断了的线" is negated as a
            # whole, "断了的线" is not
            taken.pop()
            set_aside.add(cue.kind)
    if calm or denied_until:  # a kind calm in the whole call, or denied: what was said of it before the denial
        kept = [
            m for m in found if not (m.kind in calm and not m.present) and not m.start < denied_until.get(m.kind, -1)
        ]
        set_aside.update(m.kind for m in found if m not in kept)
        found = kept
    return found, set_aside


def _scores(mentions: list[_Mention], *, call: bool) -> dict[str, float]:
    by_kind: dict[str, list[_Mention]] = defaultdict(list)
    for mention in mentions:
        by_kind[mention.kind].append(mention)
    scores = {}
    for kind, found in by_kind.items():
        best_per_cue: dict[int, float] = {}
        for mention in found:
            best_per_cue[mention.cue] = max(mention.weight, best_per_cue.get(mention.cue, 0.0))
        weights = sorted(best_per_cue.values(), reverse=True)
        score = weights[0] + 0.5 * sum(weights[1:3])
        if call and any(m.present for m in found):
            score += PRESENT_BONUS
        scores[kind] = score
    return scores


def assess(text: str, *, call: bool = False, learned: bool = True) -> SafetyAssessment:
    """The life and safety risk of a text (masked, normalised: what the models read); ``call`` when it is
    the caller's part of a phone call (a call states its emergency anywhere, a letter in its opening).
    ``learned=False``: the rules alone, without the learned second opinion (to measure what it adds)."""
    lexicon = intent.urgency(text)
    mentions, set_aside, scores = _scored(text, call=call)
    # the learned second opinion, for calls (it was trained on what callers say, not on letters)
    model = safety_model.model() if call and learned else None
    reading = model.read(text) if model is not None else None
    decided = _decision(text, scores, mentions, set_aside, reading)
    if decided is None:
        return SafetyAssessment(urgency=_not_an_emergency(lexicon))
    kind, confidence = decided
    risky = {k for k, score in scores.items() if score >= THRESHOLD} | {kind}
    triggers = tuple(dict.fromkeys(m.word for m in sorted(mentions, key=lambda m: m.start) if m.kind == kind))
    if not triggers and model is not None:
        triggers = model.read(text, explain=3).words  # what the model read most as this risk, as in the text
    others = tuple(dict.fromkeys(m.word for m in mentions if m.kind in risky and m.kind != kind))
    rest = [c for c in lexicon.ranked if c.value != intent.Urgency.EMERGENCY]
    scale = (1 - confidence) / (sum(c.confidence for c in rest) or 1.0)
    ranked = [Candidate(intent.Urgency.EMERGENCY.value, confidence, triggers + others)] + [
        Candidate(c.value, round(c.confidence * scale, 4), c.evidence) for c in rest
    ]
    return SafetyAssessment(
        urgency=FieldGuess.from_ranked(ranked),
        kind=kind,
        self_harm=kind == "self_harm",
        triggers=triggers,
    )


def _scored(text: str, *, call: bool) -> tuple[list[_Mention], set[str], dict[str, float]]:
    """The mentions of a danger now, the kinds set aside, and each kind's score (with the support of another
    kind and a plea, in a call)."""
    mentions, set_aside = _judged(text, call=call)
    scores = _scores(mentions, call=call)
    if scores:
        leading = max(scores, key=scores.__getitem__)
        if call:
            # dangers of different kinds in one call support each other: water in a tunnel and a man in a car
            support = max((score for kind, score in scores.items() if kind != leading), default=0.0)
            scores[leading] += SUPPORT_SHARE * support
        if scores[leading] >= PLEA_LIFTS and _PLEA.search(text):
            scores[leading] += PLEA_BONUS
    return mentions, set_aside, scores


def _decision(
    text: str,
    scores: dict[str, float],
    mentions: list[_Mention],
    set_aside: set[str],
    reading: safety_model.Reading | None,
) -> tuple[str, float] | None:
    """The kind of risk now and the confidence in it, or None: the rules' scores weighed with the model's
    reading (None: the rules alone)."""
    risky = {kind: score for kind, score in scores.items() if score >= THRESHOLD}
    if risky and reading is not None and _vetoed(risky, mentions, reading, downplayed=bool(_DOWNPLAY.search(text))):
        risky = {}
    # what the rules weighed down for its context (past, habitual, a burst main …) they read as not now, as what
    # they set aside
    # (not a state said in a recent past, which may still be there: the model may read it as a danger now)
    set_aside = set_aside | {m.kind for m in mentions if m.discounted and not m.present and not m.lasting}
    if risky:
        kind = _kind_of(risky, scores)
        if (
            kind != "self_harm"
            and reading is not None
            and reading.kind == "self_harm"
            and reading.risk >= SELF_HARM_AGREED
            and scores.get("self_harm", 0.0) >= SELF_HARM_SEEN
        ):
            kind = "self_harm"  # 女儿在群里发了“再见了这个世界”……电话一直关机: not only missing
        return kind, round(min(CONFIDENCE_CAP, 0.6 + 0.07 * max(risky.values())), 4)
    if reading is not None and reading.risk >= RESCUE_RISK and _rescued(scores, set_aside, reading):
        # the rules' own kind when they saw something of it, the model's otherwise; self-harm first, but not on
        # the model's word alone (吃了蘑菇以后一直吐 reads like 吃了一瓶药): its protocol needs a word of it
        leading = max(scores, key=scores.__getitem__) if scores else None
        if scores.get("self_harm", 0.0) >= SELF_HARM_SEEN or (reading.kind == "self_harm" and "self_harm" in set_aside):
            kind = "self_harm"
        elif leading and scores[leading] >= SEEN:
            kind = leading
        else:
            kind = next(k for k in reading.kinds if k != "self_harm")
        return kind, round(min(CONFIDENCE_CAP, 0.5 + 0.4 * reading.risk), 4)
    return None


def _rescued(scores: dict[str, float], set_aside: set[str], reading: safety_model.Reading) -> bool:
    """Whether the model's risk may stand where the rules' does not reach the threshold. It speaks where the
    rules found no words for a danger, or some evidence of one. Where they found danger words and set them all
    aside (不是被锁在车里, 不是漏气, 上个月着过火) their reading of negation and time is the better one — but for
    self-harm, whose words come hedged, half-denied and mixed with the past (我以前也想过死，这次…), the model
    agreeing that it reads like self-harm is enough: recall first."""
    if not set_aside or any(scores.get(kind, 0.0) >= SEEN for kind in set(scores) - set_aside):
        return True
    return reading.kind == "self_harm" and "self_harm" in set_aside


def _kind_of(risky: dict[str, float], scores: dict[str, float]) -> str:
    """The kind of risk to act on: self-harm before anything (its protocol), also when its words alone would
    not reach the threshold (手里拿着刀片 … 划了两道 is no fight; 喝了一瓶农药 … 吐白沫 is no illness), then the
    cause before the casualty (a fight, a fire or a collapse with someone on the ground is that fight, fire or
    collapse)."""
    if "self_harm" in risky or scores.get("self_harm", 0.0) >= SELF_HARM_WINS:
        return "self_harm"
    causes = {kind: score for kind, score in risky.items() if kind != "unresponsive_or_missing"}
    return max(causes or risky, key=(causes or risky).__getitem__)


def _vetoed(
    risky: dict[str, float], mentions: list[_Mention], reading: safety_model.Reading, *, downplayed: bool = False
) -> bool:
    """The rules' modest evidence against a model sure the call is calm: not an emergency (上个月我们这里一个电动车
    在楼道里着火 … 我们怎么充电 / 山体上现在还有好大一条裂缝 … 想让国土的人来看看). Stronger evidence
    needs a surer model. Never self-harm: its words come hedged, and its protocol costs little when wrong.
    A caller who downplays the danger (可能不是什么大事 / 不知道该不该打) sounds calm to the model: only the
    surer model vetoes then."""
    if "self_harm" in risky:
        return False
    evidence = max(risky.values())
    return (evidence < VETO_EVIDENCE and reading.risk < VETO_RISK and not downplayed) or (
        evidence < STRONG_VETO_EVIDENCE and reading.risk < STRONG_VETO_RISK
    )


def _not_an_emergency(lexicon: FieldGuess) -> FieldGuess:
    """The lexicon's urgency without "emergency": the detector found no risk now, so the lexicon's emergency
    evidence (a danger that was, may be, or is not happening now) speaks for "urgent"."""
    if not any(c.value == intent.Urgency.EMERGENCY for c in lexicon.ranked):
        return lexicon
    merged: dict[str, Candidate] = {}
    for candidate in lexicon.ranked:
        value = intent.Urgency.URGENT.value if candidate.value == intent.Urgency.EMERGENCY else candidate.value
        if value in merged:
            previous = merged[value]
            evidence = tuple(dict.fromkeys(previous.evidence + candidate.evidence))
            merged[value] = Candidate(value, round(previous.confidence + candidate.confidence, 4), evidence)
        else:
            merged[value] = Candidate(value, candidate.confidence, candidate.evidence)
    return FieldGuess.from_ranked(list(merged.values()))
