"""Life and safety risks in a call or message: found apart from everything else, so none is missed.

``assess(text, call=…)`` reads what the caller said (and what the operator read back: a read-back states a fact
the caller has just confirmed) and returns whether a life or safety is at risk now, of which kind, whether it
is a risk of self-harm or suicide (which gets its own protocol on the desk), and the words that triggered it,
as said, for the operator to see why.

How
    Each kind of risk (``KINDS``) has cue patterns with weights: about 3 for words that state the danger
    (燃气漏气, 着火了, 被困, 不想活了, 井盖没了, 电线掉在地上), 1.5–2.5 for words that need company
    (冒烟, 进水, 流血, 敲门没人应). The key nouns of the patterns also match their homophones, because an
    ASR engine writes what it hears: 燃气 matches 然气, 液化气 夜化气, 井盖 井改, 水淹 水烟, 电线 店线, 田里
    天里 (every character of the common set, GB 2312 level 1, that is read like the word's character: the
    sound table is pypinyin's).

    Each mention is judged in its sentence (calls join a speaker's words with commas, so a sentence is a turn
    or a part of it) and clause:
    - negated (没有闻到然气味 / 冇漏 / 不是现在着火): it does not count;
    - resolved after it (…后来消防来了才把她弄出来 / 120已经送医院了 / 火很快扑灭了 / 坑早就填好了 / 人好好的):
      it does not count;
    - past (上个月 / 前天晚上 / 去年 / 当时 before it): an event (fire, gas, violence, self-harm) is over and does
      not count; a state (a wire on the ground since last night, a manhole open, a person not seen for
      days, water rising) may still be there and counts half;
    - hypothetical or a question about rules (万一 / 如果 / 担心 / 隐患 / …的话怎么办 / 演练): it does not count;
    - habitual (天天 / 经常 / 一下大雨就): half;
    - a comparison (简直 / 像…一样): it does not count;
    - in a web message, not marked as happening now in its sentence (现在 / 正在 / 马上 / 紧急): 40 % (a message
      is written after the fact: letters narrate what happened);
    - smoke from a chimney, a barbecue or a dump (污染 / 烟囱 / 焚烧 in the sentence) is not a fire.
    A marker of now in the sentence (正在 / 还在 / 刚刚 / 快点 / 救命 / 越来越) adds to the mention's kind, once.

    A kind's score is its best mention plus half the next two. A life is at risk now when the best kind
    reaches ``THRESHOLD`` (a single clear mention does); a caller's plea (快点来 / 快来人 / 求你们了) lifts
    a kind that is close. Self-harm wins over every other kind when it reaches the threshold, because its
    protocol (keep the caller on the line, 110/120, the psychological-aid line) must be followed whatever
    else is going on. Exaggerations (热死了 / 气死我了 / 吵得要命) and call-me-back phrases (打我电话) are not
    cues at all.

    Each cue is first tested by a cheap search for the few characters one of which every match contains (read
    from the pattern's parse tree), so most texts never run most patterns.

    The urgency field keeps the lexicon of ``triage.intent`` for "urgent" against "normal"; the emergency
    decision is this detector's: when it finds no risk now, the lexicon's emergency evidence speaks for
    "urgent" instead.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from pypinyin import Style, lazy_pinyin, pinyin_dict

from triage import intent
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
STATE_KINDS = frozenset(
    {"flood", "trapped", "unresponsive_or_missing", "road_collapse", "live_wire", "locked_in_alone"}
)
THRESHOLD = 2.5  # one clear mention (weight 3) or a weaker one with company
PRESENT_BONUS = 1.0  # a mention marked as happening now, once per kind
PLEA_BONUS = 1.0  # the caller begs for help now: lifts the leading kind …
PLEA_LIFTS = 2.0  # … when it is at least this close
PAST_STATE_SHARE = 0.5
HABITUAL_SHARE = 0.5
WRITTEN_SHARE = 0.4  # a web message's danger not marked as happening now: letters narrate what happened
CONFIDENCE_CAP = 0.95


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
    anchor: re.Pattern[str] | None = None  # characters one of which every match contains: a cheap first test


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


def _cue(kind: str, weight: float, regex: str) -> Cue:
    required = _required_characters(regex)
    anchor = re.compile(f"[{''.join(sorted(required))}]") if required else None
    return Cue(kind, weight, re.compile(regex), anchor)


# Words that end in 然 (突然, 虽然 …) would read as 燃 before 起/气: "突然起火" is not "燃气".
_NOT_RAN = r"(?<![突虽当忽竟既仍显居必果依偶固全自猛俨毅坦公断纵已欣茫黯默骤])"
_GAS = rf"(?:{_NOT_RAN}{_alike('燃气')}|{_alikes('煤气', '天然气', '液化气', '管道气')}|气罐|煤气罐|液化罐)"
_NOW_GAP = r"[^，,。！？!?；;\n]{0,8}?"  # within the clause
_SHORT_GAP = r"[^，,。！？!?；;\n]{0,4}?"
_PERSON = (
    r"(?:老人家?|老爷爷|老奶奶|老大爷|老太太|老太婆|老头子?|老倌子?|老伴|爷爷|奶奶|爹爹|娭毑|大爷|大妈|婆婆|公公|"
    r"外婆|外公|我爸|我妈|老爸|老妈|父亲|母亲|老父亲|老母亲|邻居|孩子|小孩子?|伢子|儿子|女儿|宝宝|娃娃?|学生|"
    r"他|她)"
)
_CHILD = r"(?:孩子|小孩子?|小朋友|伢子|宝宝|婴儿|娃娃?|儿子|女儿|小孙子|孙子|孙女|细伢子|老人家?|老人|我妈|我爸)"
_WIRE = rf"(?:{_alikes('电线', '高压线', '电缆')}|电线杆上的那个线|线头)"
_GROUND = rf"(?:地上|地下|路上|路面|马路上|人行道|水里|水中|{_alike('田里')}|稻田|草地|草里)"
_MANHOLE = rf"(?:{_alikes('井盖', '窨井')}|下水道口|下水井|盖子)"

_CUES: tuple[tuple[str, float, str], ...] = (
    # gas
    ("gas", 3, rf"{_GAS}{_NOW_GAP}(?:泄漏|泄露|漏气|漏了|在漏|外泄|喷气|在喷|嘶嘶|呲呲|味道?)"),
    ("gas", 3, rf"(?:闻到|一股|好大的?|很大的?|很浓的?|浓浓的|好浓的?){_SHORT_GAP}{_GAS}味"),
    ("gas", 3, rf"{_GAS}(?:管道?|管子|管线|阀门?|表|灶)?{_SHORT_GAP}(?:挖断|挖破|断裂|破裂|爆裂|断了|破了)"),
    ("gas", 2.5, r"(?<![不没冇])漏气了?|嘶嘶(?:嘶|地|的)?响|呲呲(?:地|的)?响|煤气中毒|一氧化碳中毒|臭鸡蛋味"),
    # fire
    ("fire", 3, r"着火|起火|失火|燃起来|烧起来|烧着了|火势|火苗|火窜|窜火|火好大|好大的火|大火|冒火|明火"),
    ("fire", 2, r"火灾(?!事故|认定|保险|险|隐患|报警)"),
    ("fire", 3, r"(?<!油)(?:冒黑烟|好大的烟|烟好大|浓烟|黑烟滚滚)"),
    ("fire", 2, r"(?<![油吸抽香])(?:冒烟|黑烟)|(?:都是|全是|好多|一屋的?|满屋的?|满屋子)烟|烟雾"),
    ("fire", 3, r"(?:车|电动车|电瓶车?|充电器?|房子|屋|楼道|被子|沙发|窗帘|柴|草垛)[^，,。]{0,3}着了"),
    ("fire", 1.5, r"焦味|烧焦的?味|糊味|烧焦"),
    ("fire", 3, r"(?<!易)爆炸(?!物|品)"),
    # flood
    ("flood", 3, rf"水{_alike('淹')}|被淹|淹了|淹到|淹没|淹水|涨大水|发大水|洪水|决堤|溃坝|山洪|被水冲走|冲走了"),
    ("flood", 3, r"水(?:已经|都)?(?:到|齐|漫到|淹到|没过)(?:了)?(?:膝盖|腰|胸口?|脖子|大腿|车窗|车顶|窗户|一米)"),
    ("flood", 2.5, r"水进屋|水漫|漫上来|漫进|倒灌进|灌进屋|水往屋里|水还在涨|还在涨|水越来越深|落水|水冲进"),
    ("flood", 3, r"(?:河堤|堤坝|大堤|堤)[^，,。]{0,3}(?:垮|崩|决口|溃|塌)|溃堤|决口"),
    ("flood", 1.5, r"(?<![手机表])进水了?|水好深|积水好深"),
    # trapped
    (
        "trapped",
        3,
        r"被困(?!扰|难|惑)|困在|困住|(?<!贫)困人(?![口员群])|(?<![机相有])关人(?![员士事])|关在电梯|卡在电梯|电梯里(?:面)?出不来|压在下面|压住了|被压|被埋|(?:人|工人|孩子|小孩|老人)[^，,。]{0,4}埋在",
    ),
    ("trapped", 2, r"出不来|门推不开|拉不出来"),
    (
        "trapped",
        3,
        r"(?:人|孩子|小孩|老人|我|我们|我妈|我爸)[^，,。]{0,4}(?:在|困在|关在|卡在)电梯里|电梯里(?:面)?(?:有人|有个|关着|困着)|"
        r"(?:锁|关|卡|困)在[^，,。]{0,10}出不来|埋了(?:人|一个|两个|几个)",
    ),
    ("trapped", 2.5, r"(?:房子|房屋|楼房?|墙|屋顶|棚子?|工棚|脚手架)[^，,。]{0,3}(?:塌了|倒了|垮了|塌下来|倒下来)"),
    ("trapped", 1.5, r"困在(?:屋里|家里|屋里面|楼上)"),
    # violence
    (
        "violence",
        3,
        r"打架|打人(?!电话)|斗殴|群殴|砍人|被砍|砍伤|持刀|拿刀|拿着刀|拿着棍子|动刀|捅了|捅人|行凶|家暴|殴打|杀人|"
        r"要杀|杀了(?:我|他|她|你)|砍死|弄死|抢劫|追着打|打起来了|在打人|在打我|往死里打|打得(?:好|很|蛮)?(?:凶|厉害)|"
        r"拿(?:着)?(?:一把|把)?(?:菜刀|砍刀|水果刀|匕首|刀子|刀|棍子|棍棒|铁棍|锤子|钢管)",
    ),
    ("violence", 1.5, r"流血|好多血|地上有血|头破血流|刀子|棍子"),
    ("violence", 2, r"喊救命|在喊救命"),
    # self-harm: said by the caller or about someone else (我儿子说要跳楼)
    (
        "self_harm",
        3,
        r"不想活|活着(?:也|都|还)?(?:没|冇|有)(?:得|有|什么)?(?:什么)?意思|想死(?![你了他她])|寻死|寻短见|轻生|"
        r"自杀(?!式)|跳楼(?![价甩])|要跳河|跳江|跳湖|跳桥|割腕|上吊|烧炭|喝农药|喝了农药|吃安眠药|安眠药|"
        r"吃了(?:一|半|好多|很多|一大)(?:瓶|盒|把|堆)(?:的)?药|药都拿出来|全吃了算了|死了算了|一了百了|了结自己|"
        r"结束(?:自己的?)?生命|不如死了|不如去死|想不开|活够了|一死了之|想去死|遗书|老鼠药|敌敌畏|百草枯|"
        r"割(?:了)?(?:手腕|脉|手)|划(?:了)?手腕|(?:想|要|准备)(?:从这里|从楼上|从桥上)?跳下去",
    ),
    ("self_harm", 3, r"(?:站|坐|爬|在)(?:在)?(?:楼顶|天台|顶楼|桥上|楼顶上|天台上)(?:的|上)?(?:边边?|边上|边缘|要跳)"),
    ("self_harm", 2, r"活不下去|没法活了|不活了"),
    # a person unresponsive or missing
    (
        "unresponsive_or_missing",
        3,
        rf"{_PERSON}[^。！？\n]{{0,12}}?(?:不见了|走失|走丢|失踪)|走失|走丢|失踪",
    ),
    ("unresponsive_or_missing", 2, rf"{_PERSON}[^。！？\n]{{0,12}}?(?:找不到了|找不到人|联系不上|找遍了)"),
    (
        "unresponsive_or_missing",
        3,
        r"(?:好几天|几天|[两三四五六七八九十几]+天|一个礼拜|一个星期|好久)(?:了)?(?:都|也)?(?:没|冇|未)(?:有|得)?"
        r"(?:看到|看见|见到|见过|出门|下楼|开门|露面|出来|动静|人影)",
    ),
    (
        "unresponsive_or_missing",
        2.5,
        r"敲门(?:敲了好久|敲了半天)?[^，,。]{0,4}(?:没人|冇人|没有人|不)(?:应|开|答应|理)",
    ),
    (
        "unresponsive_or_missing",
        3,
        r"晕倒|昏迷|昏过去|晕过去|不省人事|叫不醒|喊不醒|没有呼吸|没呼吸|没气了|倒地不起|口吐白沫|抽搐|"
        r"(?:人|他|她|老人|孩子)(?:已经|也|都)?(?:没|冇)(?:有|得)?(?:反应|知觉|意识)|倒在(?:路边|地上|路上|地下|家里)",
    ),
    ("unresponsive_or_missing", 2.5, r"摔倒了?起不来|爬不起来"),
    ("unresponsive_or_missing", 2.5, r"(?:到现在|一晚上|一夜|一直)(?:都|还)?(?:没|冇|未)(?:有)?(?:回来|回家|回)"),
    (
        "unresponsive_or_missing",
        1.5,
        r"(?:电话|手机)[^，,。]{0,4}(?:没人接|冇人接|不接|打不通|关机)|喘不过气|呼吸困难|一个人住|独居",
    ),
    (
        "unresponsive_or_missing",
        2,
        rf"(?:打{_PERSON}的?|{_PERSON}的?)(?:电话|手机)[^，,。]{{0,4}}(?:没人接|冇人接|不接|打不通|关机)",
    ),
    # road collapse or open manhole
    (
        "road_collapse",
        3,
        rf"{_MANHOLE}{_NOW_GAP}(?:没了|不见了|丢了|丢失|缺失|被偷|被盗|掀开|翻了|冲开|冲走|打开了|敞开|跑哪里去了|"
        r"不晓得跑哪|不知道跑哪|碎了|塌了|陷下去)|没有井盖|井盖缺失|敞开的窨井|敞开的井",
    ),
    (
        "road_collapse",
        3,
        r"(?:路面?|马路|地面|路中间|人行道)[^，,。]{0,4}(?:塌了|塌陷|塌下去|陷下去|下陷|垮了|坍塌)|塌了一个|"
        r"塌了个|地陷|天坑|塌陷",
    ),
    ("road_collapse", 2, r"(?:一个|个)(?:大)?(?:洞|窟窿)|路中间有个洞|黑漆漆的洞"),
    (
        "road_collapse",
        3,
        r"(?:没|冇|没有)(?:得)?盖子|(?:车|人|孩子|小孩|电动车|轮子)[^，,。]{0,4}掉(?:进|下)(?:去|坑|井|洞)",
    ),
    # fallen live wire
    (
        "live_wire",
        3,
        rf"{_WIRE}{_NOW_GAP}(?:断|掉|落|垂|跌|拖|吹断|耷拉)[^，,。]{{0,6}}{_GROUND}|{_WIRE}{_SHORT_GAP}(?:掉下来|垂下来|耷拉下来|断了|断落|落地|挨到地)",
    ),
    ("live_wire", 3, r"触电|被电到|电到人|电死|被电击|电倒了|挨到就倒"),
    ("live_wire", 2.5, r"一头(?:掉|落|拖|垂|挂)?(?:在)?(?:地上|路上|路面|水里|田里)"),
    (
        "live_wire",
        2.5,
        r"电线杆[^，,。]{0,3}(?:倒了|断了|倒下来)|(?:一根|根|有根)(?:电)?线[^，,。]{0,6}(?:垂|掉|断|耷拉|拖)",
    ),
    ("live_wire", 2, r"冒火花|打火花|冒一下火花|火花|噼啪"),
    # a child or frail person locked in a car or a home alone
    (
        "locked_in_alone",
        3,
        rf"{_CHILD}[^。！？\n]{{0,10}}?(?:锁在|关在|反锁在|困在|锁)(?:了)?(?:车里|车内|车上|屋里|家里|房间|里面|屋里面)|"
        r"(?:锁|关)在车里",
    ),
    (
        "locked_in_alone",
        3,
        rf"(?:车里|车内|车上|屋里|家里)[^，,。]{{0,4}}(?:锁|关)(?:了|着)(?:个|一个)?{_CHILD}",
    ),
    ("locked_in_alone", 3, r"一个人在(?:家|屋里|房间)[^。！？\n]{0,12}(?:反锁|锁住|锁上|锁了)"),
    ("locked_in_alone", 2, r"钥匙(?:在|锁在)(?:车|屋|家|房)?里(?:面)?|没有大人|冇得大人|没大人|就他一个人|就她一个人"),
    ("locked_in_alone", 2, rf"{_CHILD}[^，,。]{{0,4}}(?:还)?(?:在|留在)车(?:上|里)"),
)
CUES = tuple(_cue(kind, weight, regex) for kind, weight, regex in _CUES)

# ---------------------------------------------------------------------------------------------- context

_SENTENCE_MARKS = re.compile(r"[。！!？?；;\n]")
_CLAUSE_MARKS = re.compile(r"[，,。！!？?；;：:、\n…~～]")
_NEGATION = re.compile(r"(?:没有|没|冇得?|并没有|不是|并非|未曾|未|别|莫|不会|不要|不用|无)([^，,。]{0,3})$")
_NOT_NEGATION = re.compile(r"^(?:想到|多久|过多久|一会|过几|停|断|得了|知道|晓得|办法|注意|看清)")
_RESOLVED = re.compile(
    r"扑灭|灭了|被灭|救出来|救出|弄出来|救下|劝下|送到医院|送医院|送去医院|送医|已经没事|没事了|人没事|人倒是没事|"
    r"脱离危险|修好|修复了|填好|补好|换了新的|换好了|盖好了|找到了|找回来|(?<![没冇未])回来了|回家了|人好好的|"
    r"才晓得|才知道|抢救过来|醒过来|醒了|处理好了|已经解决|排除了|早就灭|已经灭|早就填|恢复了"
)
# A past long ago: whatever it was is over, a state too. A recent past: an event is over, a state may not be.
_OLD_PAST = re.compile(
    r"去年|前年|上个?月|上个?礼拜|上个?星期|上周|前几天|几天前|[一二两三几]个?(?:礼拜|星期|月|年)前|年前|"
    r"以前|之前|当时|那天|那次|那晚|曾经|上次|那年|小时候|月份|[一二三四五六七八九十\d]+月[一二三四五六七八九十\d]+[号日]|"
    r"前阵子|过一次|过火|(?:19|20)\d\d年|\d{4}年|\d+年前|\d+月\d+[日号]|\d+月份|元月|发生过|遇到过|碰到过|出过|有过"
)
_RECENT_PAST = re.compile(r"昨天|昨晚|前天|今天早上|早上|上午|半夜")
_PERSISTING = re.compile(r"到现在|至今|现在还|还是|还没有?人|还冇|一直")
_HYPOTHETICAL = re.compile(
    r"万一|如果|假如|假若|要是|一旦|倘若|担心|害怕|就怕|怕|生怕|以防|防止|预防|会不会|可能会|容易|迟早|哪天|"
    r"不然|否则|不要等|难道要等|等到|隐患|演练|报警器|应急|知识|培训|宣传"
)
_HYPOTHETICAL_AFTER = re.compile(
    r"^[^，,。！？!?]{0,6}(?:怎么办|的话|应该打|要不要|需不需要|怎么处理|隐患|风险|的心都有|的念头都有|事故)"
)
# Smoke from a chimney, a barbecue or a dump is pollution, not a fire.
_POLLUTION = re.compile(r"污染|烟囱|排放|焚烧|烧垃圾|烧烤|锅炉|工厂|作坊|废气|刺鼻|空气|楼顶24小时|熏")
_HABITUAL = re.compile(r"天天|每天|每次|经常|老是|总是|动不动|三天两头|常常|时常|一下雨|一下大雨|一到|频繁|每年")
_FIGURATIVE = re.compile(r"简直|就像|好像|像是|如同|跟[^，,。]{0,4}一样|一样的|压得")
_PRESENT = re.compile(r"正在|还在|刚刚|刚才|快点|快来|赶紧|赶快|救命|越来越|马上来|一直在|现在水|现在火")
# A web message is written after the fact: it states a danger now only with words like these.
_WRITTEN_NOW = re.compile(r"正在|还在|现在|此刻|刚刚|刚才|马上|立即|立刻|紧急|赶快|赶紧|快来|救命|速来|请速")
_PLEA = re.compile(r"快点来|快来人|快点派人|救命|求求你们|求你们|我求你|赶紧来|赶快来|马上派人|快点啊|快来救|你们快点")


class _Text:
    """A text with its sentence and clause boundaries."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.sentence_ends = [m.start() for m in _SENTENCE_MARKS.finditer(text)] + [len(text)]
        self.clause_ends = [m.start() for m in _CLAUSE_MARKS.finditer(text)] + [len(text)]

    @staticmethod
    def _span(ends: list[int], start: int) -> tuple[int, int]:
        begin = 0
        for end in ends:
            if end >= start:
                return begin, end
            begin = end + 1
        return begin, ends[-1]

    def sentence(self, start: int) -> tuple[int, int]:
        return self._span(self.sentence_ends, start)

    def clause(self, start: int) -> tuple[int, int]:
        return self._span(self.clause_ends, start)


@dataclass(frozen=True)
class _Mention:
    kind: str
    weight: float  # after context
    word: str
    start: int
    present: bool


def _judge(context: _Text, cue: Cue, match: re.Match[str], *, call: bool) -> _Mention | None:
    """A mention of a danger weighed in its context; None when it does not speak of a danger now."""
    text = context.text
    start, end = match.start(), match.end()
    sentence_start, sentence_end = context.sentence(start)
    clause_start, clause_end = context.clause(start)
    before_clause = text[clause_start:start]
    before_sentence = text[sentence_start:start]
    after_sentence = text[end:sentence_end]
    negation = _NEGATION.search(before_clause)
    if negation and not _NOT_NEGATION.match(negation.group(1)):
        return None
    if _RESOLVED.search(after_sentence) or _FIGURATIVE.search(text[max(clause_start, start - 6) : start]):
        return None
    if cue.kind == "fire" and "烟" in match.group(0) and _POLLUTION.search(text[sentence_start:sentence_end]):
        return None
    if _HYPOTHETICAL.search(before_sentence[-14:]) or _HYPOTHETICAL_AFTER.match(text[end:clause_end]):
        return None
    weight = cue.weight
    present = bool(_PRESENT.search(text[clause_start:clause_end]) or _PRESENT.search(after_sentence[:12]))
    if not present:
        clause = text[clause_start:clause_end]
        if _OLD_PAST.search(before_sentence) or text[end : end + 1] == "过":
            if cue.kind not in STATE_KINDS or not _PERSISTING.search(clause):
                return None
            weight *= PAST_STATE_SHARE
        elif _RECENT_PAST.search(before_sentence):
            if cue.kind not in STATE_KINDS:
                return None
            if not _PERSISTING.search(clause + after_sentence):
                weight *= PAST_STATE_SHARE
        if _HABITUAL.search(before_sentence):
            weight *= HABITUAL_SHARE
        if not call and not _WRITTEN_NOW.search(text[sentence_start:sentence_end]):
            weight *= WRITTEN_SHARE
    return _Mention(cue.kind, weight, match.group(0), start, present)


# A kind said not to be happening now ("现在冇打，我走了") cancels its mentions not themselves marked as now.
_NOT_NOW = {
    "violence": re.compile(r"(?:现在|已经|暂时)(?:都|还)?(?:冇|没|没有|不)(?:得|有)?(?:打|动手)"),
    "fire": re.compile(r"(?:现在|已经)(?:都|还)?(?:冇|没|没有)(?:得|有)?(?:着火|起火|烧|火)|火(?:早就|已经)灭"),
}


def _mentions(text: str, *, call: bool) -> list[_Mention]:
    matches = [
        (cue, match)
        for cue in CUES
        if cue.anchor is None or cue.anchor.search(text)
        for match in cue.pattern.finditer(text)
    ]
    if not matches:
        return []
    context = _Text(text)
    calm = {kind for kind, pattern in _NOT_NOW.items() if pattern.search(text)}
    # the longest cue wins where cues overlap ("困在屋里" is not also "困在"), then the heavier one
    matches.sort(key=lambda item: (item[1].start() - item[1].end(), -item[0].weight))
    taken: list[tuple[int, int]] = []
    found: list[_Mention] = []
    for cue, match in matches:
        if any(s <= match.start() and match.end() <= e for s, e in taken):
            continue
        taken.append((match.start(), match.end()))
        mention = _judge(context, cue, match, call=call)
        if mention is not None and not (mention.kind in calm and not mention.present):
            found.append(mention)
    return found


def _scores(mentions: list[_Mention]) -> dict[str, float]:
    by_kind: dict[str, list[_Mention]] = defaultdict(list)
    for mention in mentions:
        by_kind[mention.kind].append(mention)
    scores = {}
    for kind, found in by_kind.items():
        weights = sorted((m.weight for m in found), reverse=True)
        score = weights[0] + 0.5 * sum(weights[1:3])
        if any(m.present for m in found):
            score += PRESENT_BONUS
        scores[kind] = score
    return scores


def assess(text: str, *, call: bool = False) -> SafetyAssessment:
    """The life and safety risk of a text (masked, normalised: what the models read); ``call`` when it is
    the caller's part of a phone call (a call states its emergency anywhere, a letter in its opening)."""
    lexicon = intent.urgency(text)
    mentions = _mentions(text, call=call)
    scores = _scores(mentions)
    if scores and _PLEA.search(text):
        leading = max(scores, key=scores.__getitem__)
        if scores[leading] >= PLEA_LIFTS:
            scores[leading] += PLEA_BONUS
    risky = {kind: score for kind, score in scores.items() if score >= THRESHOLD}
    if not risky:
        return SafetyAssessment(urgency=_not_an_emergency(lexicon))
    kind = "self_harm" if "self_harm" in risky else max(risky, key=risky.__getitem__)
    triggers = tuple(dict.fromkeys(m.word for m in sorted(mentions, key=lambda m: m.start) if m.kind == kind))
    others = tuple(dict.fromkeys(m.word for m in mentions if m.kind in risky and m.kind != kind))
    confidence = round(min(CONFIDENCE_CAP, 0.6 + 0.07 * risky[kind]), 4)
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
