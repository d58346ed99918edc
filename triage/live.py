"""A call still going on, read as far as it has got: the transcript so far as the intake would receive it, and the
life and safety risk of what has been said (partial hypotheses of the ASR engine included). Pure: plain turns in,
plain data out."""

from __future__ import annotations

from collections.abc import Sequence

from triage.normalise import SPEAKER_LABELS, Turn, prepare
from triage.privacy import mask_dialogue
from triage.safety import SafetyAssessment, assess


def dialogue_text(turns: Sequence[Turn]) -> str:
    """The turns as labelled lines (``坐席：…`` / ``市民：…``), as the intake makes a transcript sent as turns into
    the order's appeal."""
    return "\n".join(f"{SPEAKER_LABELS.get(turn.speaker, turn.speaker)}：{turn.text}" for turn in turns)


def risk_of_dialogue(turns: Sequence[Turn]) -> SafetyAssessment:
    """The risk check of the triage (``triage.safety.assess``) on what the caller has said so far and the operator
    read back, masked as the triage reads it."""
    if not turns:
        return assess("", call=True)
    prepared = prepare(dialogue_text(turns), list(turns))
    _full, caller = mask_dialogue(prepared)
    return assess(caller.text, call=prepared.is_transcript)
