"""Life and safety risks in a call or message: found apart from everything else, so none is missed.

``assess(text)`` reads what the caller said (and what the operator read back) and returns whether a life or
safety is at risk now, of which kind, whether it is a risk of self-harm or suicide (which gets its own protocol
on the desk), and the words that triggered it, for the operator to see why.

This first version reads the urgency lexicon of ``triage.intent``; the kinds and the self-harm flag are being
built on the call corpus (bench/data/calls).
"""

from __future__ import annotations

from dataclasses import dataclass

from triage import intent
from triage.types import FieldGuess

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


def assess(text: str) -> SafetyAssessment:
    """The life and safety risk of a text (masked, normalised: what the models read)."""
    urgency = intent.urgency(text)
    triggers = urgency.evidence if urgency.value == intent.Urgency.EMERGENCY else ()
    return SafetyAssessment(urgency=urgency, triggers=tuple(triggers))
