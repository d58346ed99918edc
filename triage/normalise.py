"""Text preparation: width and whitespace normalisation, traditional → simplified Chinese, and call transcripts
split into what the caller says (with what the operator confirms) and the operator's script.

A transcript arrives as speaker-labelled turns (JSON from the ASR engine: ``[{"speaker": "caller", "text":
…}]``), or as text with labelled lines (``坐席：您好… 市民：我家…`` / ``agent: … caller: …``, one turn per line
or several on one line). The operator's script (greetings, questions, closing formulas) says nothing about the
appeal, so the models read the caller's turns and the operator's read-backs (您是说书院路和劳动路交叉口是吧 /
我跟您确认一下…) and summaries of the call (我这边登记为… / 那就是说… / 您刚才说… / …对吗？我们马上通知… / 收到，
老人倒在卫生间叫不醒，我们马上联系120): they state a fact the caller has just confirmed, often more clearly than
the caller said it. The full transcript is kept for the order.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache

import opencc

AGENT, CALLER = "agent", "caller"
SPEAKER_LABELS = {AGENT: "坐席", CALLER: "市民"}

# Labels an ASR engine or an operator uses for each side of the call.
_AGENT_LABELS = ("坐席", "话务员", "接线员", "客服", "热线", "工作人员", "agent", "operator", "A")
_CALLER_LABELS = ("市民", "来电人", "来电者", "群众", "用户", "客户", "诉求人", "caller", "citizen", "customer", "B")
_LABEL = re.compile(
    r"(?:^|(?<=[\s。！？!?；;]))(?P<label>"
    + "|".join(re.escape(label) for label in sorted(_AGENT_LABELS + _CALLER_LABELS, key=len, reverse=True))
    + r")\s*[:：]\s*",
    re.IGNORECASE,
)
_SPEAKER_OF = {label.lower(): AGENT for label in _AGENT_LABELS} | {label.lower(): CALLER for label in _CALLER_LABELS}
_ROLE_WORDS = {
    AGENT: {"agent", "operator", "staff", "坐席", "客服", "话务员"},
    CALLER: {"caller", "citizen", "customer", "user", "市民", "来电人", "用户"},
}

# Full-width ASCII letters and digits → half-width; Chinese punctuation is kept as written.
_FULL_WIDTH = {
    code: code - 0xFEE0
    for start, end in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
    for code in range(start, end + 1)
}
_FULL_WIDTH |= {0x3000: 0x20, 0x00A0: 0x20, 0xFF0E: ord("."), 0xFF20: ord("@"), 0xFF0D: ord("-")}
_SPACES = re.compile(r"[ \t\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
# ASCII punctuation between Chinese characters is the Chinese mark typed on an English keyboard.
_CJK = r"[\u4e00-\u9fff]"
_ASCII_PUNCT = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}
_ASCII_BETWEEN_CJK = re.compile(rf"(?<={_CJK})([,;:!?])(?=\s*{_CJK}|\s*$)")
_REPEATED = re.compile(r"([。，、；！？!?.])\1{3,}")


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def normalise(text: str) -> str:
    """Half-width letters and digits, one space between words, no blank lines, Chinese punctuation where the
    text is Chinese, runs of the same mark cut to three (the emotion rules still see them)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_FULL_WIDTH)
    text = _ASCII_BETWEEN_CJK.sub(lambda m: _ASCII_PUNCT[m.group(1)], text)
    text = _REPEATED.sub(lambda m: m.group(1) * 3, text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n", "\n".join(line for line in lines if line))


# An operator's turn that repeats a fact back for the caller to confirm.
_READ_BACK = re.compile(
    r"您是说|您说的是|您的意思是|您反映的是|也就是说|我跟您确认|跟您确认|确认一下|我复述|复述一下|核实一下"
    r"|(?:是吧|对吧|是吗|对吗|是不是|对不对|没错吧)[？?。，,！!]*$"
)
# Script that ends like a question but asks rather than confirms.
_ASKING = re.compile(r"请问|贵姓|怎么称呼|哪里|哪个|什么|多少|几点|几号|多久|有没有|能不能")


# What sums up the call whatever follows it, a question or the next step (您刚才说楼顶有人要跳？ / 那就是说有人落水了
# … / 我这边登记为：楼道起火… / 我重复一下，… / 好，我记一下，井盖没了…).
_SUMMING_UP = re.compile(
    r"您刚才说|您刚刚说|(?:^|[，,。：:])(?:那|也)?就是说|登记为|这边登记|记录为|我记下了?[，,：:]|"
    # 我重复一下 / 我给您记录一下 / 我核对一下 / 我总结一下 / 我这边帮您梳理下
    r"(?:(?:我|这边)(?:这边)?(?:也)?(?:先|再)?(?:给您|帮您|跟您)?(?:记录|登记|记|核对|核实|重复|复述|总结|整理|梳理)(?:一)?下"
    r"|(?:重复|登记|记录|总结|核对)一下)[，,：:](?!让|转|请|给您|联系|反映|上报|交给|安排)|"
    # 情况我了解了，… / 简单说就是… / 您看我理解得对不对，…
    r"情况我?(?:了解|清楚|明白|知道)了[，,：:]|简单(?:说|来说|讲)|我理解(?:得|的)?(?:对不对|对吗|是)"
)
# A read-back confirmed with a question tag inside the turn, before the operator goes on (…有人拿刀砍人是吧，我们马上转
# 110 / …电缆低垂在公交站上方，对吗？我们马上通知供电公司。您贵姓？)
_CONFIRMED_THEN = re.compile(
    r"(?:是吧|对吧|是吗|对吗|是不是|对不对|没错吧)[？?。，,！!]+(?=我们|马上|请|您先|您贵姓|您怎么称呼|您的?电话|好的)"
)
# … or acknowledged and acted on (收到，老人倒在卫生间叫不醒，我们马上联系120 / 明白，电梯卡在十二楼和十三楼中间，
# …我们马上通知); not advice (好的，请您千万不要靠近…我们马上通知供电抢修).
_ACTED_ON = re.compile(
    r"^(?:好的?|嗯|明白了?|收到|了解|知道了)[，,。](?!请|您|千万|不要|别|麻烦)[^。？?]{6,}?[，,。]"
    r"(?:我们)?(?:马上|立即|立刻|现在就?)(?:转|通知|联系|派|安排)"
)


def is_read_back(text: str) -> bool:
    """Whether an operator's turn repeats back what the caller said (and so states a confirmed fact): a
    read-back asked to be confirmed (您是说…是吧？), a summary of the call (我这边登记为… / 那就是说… / 您刚才
    说…), or the facts acknowledged and acted on (收到，老人倒在卫生间叫不醒，我们马上联系120)."""
    if _SUMMING_UP.search(text) or _ACTED_ON.search(text):
        return True
    confirmed = _CONFIRMED_THEN.search(text)
    if confirmed and not _ASKING.search(text, 0, confirmed.start()):
        return True
    return bool(_READ_BACK.search(text)) and not (_ASKING.search(text) and not re.search(r"您是说|您说的是|确认", text))


@dataclass(frozen=True)
class Turn:
    speaker: str  # AGENT or CALLER
    text: str


@dataclass(frozen=True)
class PreparedText:
    """A message or call ready for the models: normalised, simplified, with the caller's words apart."""

    original: str  # as received (the transcript as text for turns)
    text: str  # normalised and in simplified Chinese: what the order shows and the models read
    caller_text: str  # the caller's turns only (the whole text when there are no speaker labels)
    turns: tuple[Turn, ...] = ()
    converted_from_traditional: bool = False
    model_text: str = ""  # what the models read: the caller's turns and the operator's read-backs, in order

    @property
    def is_transcript(self) -> bool:
        return bool(self.turns)


def _speaker_from_role(role: str) -> str | None:
    role = role.strip().lower()
    if role in _SPEAKER_OF:
        return _SPEAKER_OF[role]
    return next((speaker for speaker, words in _ROLE_WORDS.items() if role in words), None)


def turns_from_json(value: object) -> list[Turn] | None:
    """Turns from a parsed JSON transcript (a list of {speaker|role, text|content}), or None if it is not one."""
    if isinstance(value, dict):
        value = value.get("turns") or value.get("segments") or value.get("utterances")
    if not isinstance(value, list) or not value:
        return None
    turns = []
    for item in value:
        if not isinstance(item, dict):
            return None
        speaker = _speaker_from_role(str(item.get("speaker") or item.get("role") or item.get("channel") or ""))
        text = item.get("text") or item.get("content") or ""
        if speaker is None or not isinstance(text, str):
            return None
        if text.strip():
            turns.append(Turn(speaker, text.strip()))
    return turns or None


def turns_from_text(text: str) -> list[Turn] | None:
    """Turns from text with speaker labels (``坐席：… 市民：…``), or None when fewer than two labels appear."""
    labels = list(_LABEL.finditer(text))
    if len(labels) < 2 or len({_SPEAKER_OF[m.group("label").lower()] for m in labels}) < 2:
        return None
    turns = []
    for index, match in enumerate(labels):
        end = labels[index + 1].start() if index + 1 < len(labels) else len(text)
        said = text[match.end() : end].strip()
        if said:
            turns.append(Turn(_SPEAKER_OF[match.group("label").lower()], said))
    return turns or None


def _parse_turns(raw: str) -> list[Turn] | None:
    stripped = raw.strip()
    if stripped.startswith(("[", "{")):
        try:
            return turns_from_json(json.loads(stripped))
        except ValueError:
            pass
    return turns_from_text(raw)


def prepare(raw: str, turns: list[Turn] | None = None) -> PreparedText:
    """Normalise a message or transcript; ``turns`` (from a structured submission) win over parsing ``raw``."""
    turns = turns if turns is not None else _parse_turns(raw)
    if not turns:
        simplified = to_simplified(raw)
        text = normalise(simplified)
        return PreparedText(raw, text, text, (), simplified != raw, text)
    # A transcript is shown one labelled turn per line, however it arrived.
    clean = tuple(Turn(t.speaker, normalise(to_simplified(t.text))) for t in turns)
    original = raw if raw.strip() else "\n".join(f"{SPEAKER_LABELS[t.speaker]}：{t.text}" for t in turns)
    text = "\n".join(f"{SPEAKER_LABELS[t.speaker]}：{t.text}" for t in clean)
    caller = "\n".join(t.text for t in clean if t.speaker == CALLER)
    said = "\n".join(t.text for t in clean if t.speaker == CALLER or is_read_back(t.text))
    converted = any(to_simplified(t.text) != t.text for t in turns)
    return PreparedText(original, text, caller or text, clean, converted, said or text)
