from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PlaceRef:
    """One gazetteer entry as triage sees it."""

    id: int
    name: str
    kind: str
    depth: int
    aliases: tuple[str, ...] = ()
    parent_id: int | None = None


@dataclass(frozen=True)
class CategoryRef:
    id: int
    level: int
    name: str
    parent_name: str = ""


@dataclass(frozen=True)
class Candidate:
    """One possible value of a field, how likely it is (0–1), and the words that speak for it."""

    value: Any
    confidence: float
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class FieldGuess:
    """The chosen value of a field with its confidence and evidence, and the top candidates (the chosen one
    first) for the operator to pick from."""

    value: Any
    confidence: float
    evidence: tuple[str, ...] = ()
    ranked: tuple[Candidate, ...] = ()

    @classmethod
    def from_ranked(cls, candidates: Sequence[Candidate], *, keep: int = 3) -> FieldGuess:
        """The best of ``candidates`` (sorted here by confidence) as the value; None when there are none."""
        ordered = sorted(candidates, key=lambda c: c.confidence, reverse=True)[:keep]
        if not ordered:
            return cls(None, 0.0)
        best = ordered[0]
        return cls(best.value, best.confidence, best.evidence, tuple(ordered))


@dataclass(frozen=True)
class Example:
    """One labelled message for training or evaluation. ``words`` is given for pre-segmented data (then
    there is no raw text)."""

    text: str
    label: str
    words: tuple[str, ...] | None = None
    key: str = ""
