"""A transparent keyword triage: normalisation, title and summary by leading sentences, request type and
urgency by cue words, place by the gazetteer, category by overlap with the taxonomy's names.

It is the baseline the trained classifiers replace; every guess carries the words that produced it."""

from __future__ import annotations

import re

from hotline.triage.types import CategoryRef, FieldGuess, PlaceRef, TriageReference, TriageResult

ENGINE_VERSION = "keywords-1"

_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")
_SPACES = re.compile(r"[ \t\u3000]+")
_ADDRESS = re.compile(
    r"[\u4e00-\u9fa5A-Za-z0-9]{2,20}?(?:路|街|大道|巷|道)[\u4e00-\u9fa5A-Za-z0-9]{0,6}?\d+号"
    r"|[\u4e00-\u9fa5A-Za-z0-9]{2,16}?(?:小区|花园|公寓|大厦|新村|家园|苑)(?:[\u4e00-\u9fa5A-Za-z0-9]{0,4}?\d+(?:栋|幢|号楼))?"
)

# Cue words per request type, strongest first; the first type with a cue wins.
_REQUEST_TYPE_CUES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("praise", ("表扬", "感谢", "点赞", "致谢", "锦旗")),
    ("report", ("举报", "检举", "揭发")),
    ("complaint", ("投诉", "扰民", "不作为", "乱收费", "违规", "违法")),
    ("suggestion", ("建议", "提议", "希望能", "呼吁")),
    ("help", ("求助", "帮忙", "帮助", "救助", "请求解决")),
    ("consult", ("咨询", "请问", "是否", "怎么办理", "如何办理", "能否", "可不可以", "什么时候")),
)
_URGENCY_CUES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "emergency",
        (
            "燃气泄漏",
            "煤气泄漏",
            "天然气泄漏",
            "闻到煤气",
            "着火",
            "火灾",
            "起火",
            "被困",
            "困在电梯",
            "坍塌",
            "触电",
            "持刀",
            "打人",
            "家暴",
            "爆炸",
        ),
    ),
    (
        "urgent",
        (
            "停水",
            "停电",
            "断水",
            "断电",
            "漏水严重",
            "水管爆裂",
            "井盖丢失",
            "内涝",
            "积水严重",
            "没有暖气",
            "危房",
            "安全隐患",
        ),
    ),
)


# Full-width digits and Latin letters become ASCII; Chinese punctuation stays as the citizen wrote it.
_FULL_WIDTH_ALNUM = {
    code: code - 0xFEE0
    for start, end in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
    for code in range(start, end + 1)
}


def normalise(text: str) -> str:
    """Full-width letters and digits to half-width, unified spaces, no blank lines."""
    folded = text.translate(_FULL_WIDTH_ALNUM).replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in folded.split("\n")]
    return "\n".join(line for line in lines if line)


def _sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text.replace("\n", "")) if part.strip()]


def _title(text: str, hint: str) -> str:
    if hint.strip():
        return hint.strip()[:60]
    first = next(iter(_sentences(text)), text)
    first = re.split(r"[，,。！？!?；;]", first)[0] if len(first) > 40 else first
    return first.rstrip("。！？!?；;，,")[:40]


def _summary(text: str, limit: int = 160) -> str:
    summary = ""
    for sentence in _sentences(text):
        if len(summary) + len(sentence) > limit and summary:
            break
        summary += sentence
    return summary[:limit]


def _first_cue(text: str, table: tuple[tuple[str, tuple[str, ...]], ...], default: str) -> FieldGuess:
    for value, cues in table:
        found = tuple(cue for cue in cues if cue in text)
        if found:
            return FieldGuess(value, min(0.9, 0.55 + 0.1 * len(found)), found)
    return FieldGuess(default, 0.4)


def _place(text: str, places: tuple[PlaceRef, ...]) -> FieldGuess:
    best: tuple[int, int, PlaceRef, str] | None = None
    for place in places:
        for name in (place.name, *place.aliases):
            if len(name) >= 2 and name in text:
                key = (place.depth, len(name))
                if best is None or key > best[:2]:
                    best = (*key, place, name)
    if best is None:
        return FieldGuess(None, 0.0)
    depth, _length, place, name = best
    return FieldGuess(place.id, min(0.95, 0.6 + 0.1 * depth), (name,))


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _category(text: str, categories: tuple[CategoryRef, ...]) -> FieldGuess:
    text_bigrams = _bigrams(text)
    best: tuple[float, CategoryRef, tuple[str, ...]] | None = None
    for category in categories:
        if category.level != 3 or category.name in {"其他", "其它"}:
            continue
        own = _bigrams(category.name) & text_bigrams
        parent = _bigrams(category.parent_name) & text_bigrams
        score = 2.0 * len(own) + len(parent)
        if category.name in text:
            score += 3.0
        if score > 0 and (best is None or score > best[0]):
            best = (score, category, tuple(sorted(own | parent)))
    if best is None or best[0] < 3:
        return FieldGuess(None, 0.0)
    score, category, evidence = best
    return FieldGuess(category.id, min(0.8, 0.2 + score / 20), evidence)


_ADDRESS_LEAD = re.compile(r"^(?:.*?(?:地址是|地址为|地址|位于|我家在|住在|家住|在))")


def _address(text: str) -> str:
    match = _ADDRESS.search(text)
    if not match:
        return ""
    address = _ADDRESS_LEAD.sub("", match.group(0))
    return address if len(address) >= 4 else match.group(0)


def triage_text(text: str, reference: TriageReference, *, title_hint: str = "") -> TriageResult:
    clean = normalise(text)
    flat = clean.replace("\n", "")
    return TriageResult(
        engine=ENGINE_VERSION,
        normalised_text=clean,
        title=_title(flat, title_hint),
        summary=_summary(flat),
        request_type=_first_cue(flat, _REQUEST_TYPE_CUES, "complaint"),
        urgency=_first_cue(flat, _URGENCY_CUES, "normal"),
        category=_category(flat, reference.categories),
        area=_place(flat, reference.places),
        address=_address(flat),
    )
