"""Pure triage: text in, a result dataclass out. Never imports the ORM; callers pass reference data."""

from hotline.triage.rules import ENGINE_VERSION, triage_text
from hotline.triage.types import CategoryRef, FieldGuess, PlaceRef, TriageReference, TriageResult

__all__ = ["ENGINE_VERSION", "CategoryRef", "FieldGuess", "PlaceRef", "TriageReference", "TriageResult", "triage_text"]
