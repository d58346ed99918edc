"""What the ASR engine sends of one utterance (plain data: the replay and the benchmark use it without Django)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TurnIn:
    """One hypothesis of one utterance, as the ASR engine sends it; times in seconds from the call's start."""

    seq: int
    speaker: str  # "agent" or "caller"
    text: str
    start: float | None = None
    end: float | None = None
    final: bool = True
