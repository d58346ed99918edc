"""The order workspace's transcript: a call split into the operator's and the caller's turns, with the places, the
words that raised a risk and the masked personal values marked, for the template to show. Pure: no database."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from triage.normalise import AGENT, CALLER, SPEAKER_LABELS, turns_from_text
from triage.privacy import PiiKind

PLACE, RISK, MASKED = "place", "risk", "masked"

# What a masked value stood for, in words (the placeholder itself, [MOBILE], is a code).
MASKED_LABELS = {
    PiiKind.MOBILE: _("mobile number"),
    PiiKind.LANDLINE: _("phone number"),
    PiiKind.ID_CARD: _("ID card number"),
    PiiKind.BANK_CARD: _("bank card number"),
    PiiKind.EMAIL: _("e-mail address"),
    PiiKind.PLATE: _("number plate"),
    PiiKind.NAME: _("person's name"),
    PiiKind.BIRTH_DATE: _("date of birth"),
    PiiKind.ROOM: _("room number"),
    PiiKind.PASSPORT: _("passport number"),
    PiiKind.WECHAT: _("WeChat id"),
    PiiKind.QQ: _("QQ number"),
}
_PLACEHOLDER = re.compile(r"\[(" + "|".join(kind.name for kind in PiiKind) + r")\]")


@dataclass(frozen=True)
class Segment:
    text: str
    mark: str = ""  # "", PLACE, RISK or MASKED


@dataclass(frozen=True)
class TranscriptLine:
    speaker: str  # AGENT, CALLER or "" for a written message
    label: str  # 坐席 / 市民
    segments: tuple[Segment, ...]

    @property
    def is_caller(self) -> bool:
        return self.speaker == CALLER


def transcript_lines(text: str, *, places: Iterable[str] = (), risk_words: Iterable[str] = ()) -> list[TranscriptLine]:
    """The text as lines to show: one per turn of a call (a written message is one line per paragraph), each cut
    into segments with the places, risk words and masked values marked."""
    terms = {word: RISK for word in risk_words if word} | {
        place: PLACE for place in places if place and len(place) >= 2
    }
    turns = turns_from_text(text)
    if turns:
        return [TranscriptLine(t.speaker, SPEAKER_LABELS[t.speaker], _segments(t.text, terms)) for t in turns]
    return [TranscriptLine("", "", _segments(line, terms)) for line in text.splitlines() if line.strip()]


def _segments(text: str, terms: dict[str, str]) -> tuple[Segment, ...]:
    marks: list[tuple[int, int, str, str]] = []  # start, end, mark, shown text
    for match in _PLACEHOLDER.finditer(text):
        marks.append((match.start(), match.end(), MASKED, str(MASKED_LABELS[PiiKind[match.group(1)]])))
    for term in sorted(terms, key=len, reverse=True):
        start = text.find(term)
        while start >= 0:
            end = start + len(term)
            if not any(s < end and start < e for s, e, _m, _t in marks):
                marks.append((start, end, terms[term], term))
            start = text.find(term, end)
    segments: list[Segment] = []
    at = 0
    for start, end, mark, shown in sorted(marks):
        if start > at:
            segments.append(Segment(text[at:start]))
        segments.append(Segment(shown, mark))
        at = end
    if at < len(text):
        segments.append(Segment(text[at:]))
    return tuple(segments)


def masked_in_words(text: str) -> str:
    """Text with each masked value's code ([MOBILE]) replaced by what it was in words (〔手机号〕)."""
    if not text or "[" not in text:
        return text
    return _PLACEHOLDER.sub(lambda m: f"〔{MASKED_LABELS[PiiKind[m.group(1)]]}〕", text)


_IN_WORDS = re.compile("〔(" + "|".join(re.escape(str(label)) for label in MASKED_LABELS.values()) + ")〕")


def masked_as_codes(text: str) -> str:
    """The inverse of ``masked_in_words``, for a field shown in words and sent back: what is stored keeps codes."""
    if not isinstance(text, str) or "〔" not in text:
        return text
    codes = {str(label): f"[{kind.name}]" for kind, label in MASKED_LABELS.items()}
    return _IN_WORDS.sub(lambda m: codes[m.group(1)], text)


__all__ = [
    "AGENT",
    "CALLER",
    "MASKED",
    "PLACE",
    "RISK",
    "Segment",
    "TranscriptLine",
    "masked_as_codes",
    "masked_in_words",
    "transcript_lines",
]
