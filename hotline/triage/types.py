from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class PlaceRef:
    """One gazetteer entry as triage sees it."""

    id: int
    name: str
    kind: str
    depth: int
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class CategoryRef:
    id: int
    level: int
    name: str
    parent_name: str = ""


@dataclass(frozen=True)
class TriageReference:
    places: tuple[PlaceRef, ...] = ()
    categories: tuple[CategoryRef, ...] = ()


@dataclass(frozen=True)
class FieldGuess:
    """A value with how sure triage is (0–1) and the words that led to it."""

    value: Any
    confidence: float
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class TriageResult:
    engine: str
    normalised_text: str
    title: str
    summary: str
    request_type: FieldGuess
    urgency: FieldGuess
    category: FieldGuess
    area: FieldGuess
    address: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
