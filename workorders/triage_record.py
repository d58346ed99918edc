"""What triage stored on an order (``WorkOrder.triage``), read and written through one typed record.

The JSON is written at intake (the classical pipeline's result, the catalogue's department, the related
orders and where each field came from) and amended by the LLM's draft. Orders analysed by older versions miss
some keys; ``TriageRecord.from_json`` fills them with empty values, so nothing else reads the JSON by key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from triage.types import Candidate, FieldGuess

if TYPE_CHECKING:
    from triage.pipeline import TriageResult

# The fields whose guesses the record keeps, with their candidates.
GUESS_FIELDS = ("level1", "category", "department", "request_type", "urgency", "emotion", "area")
# Guesses whose values are ids of reference rows (categories, departments, areas).
ID_FIELDS = frozenset({"level1", "category", "department", "area"})


def guess_from_json(data: Any) -> FieldGuess:
    if not isinstance(data, Mapping):
        return FieldGuess(None, 0.0)
    ranked = tuple(
        Candidate(c.get("value"), float(c.get("confidence") or 0.0), tuple(c.get("evidence") or ()))
        for c in data.get("ranked") or ()
        if isinstance(c, Mapping)
    )
    return FieldGuess(
        data.get("value"), float(data.get("confidence") or 0.0), tuple(data.get("evidence") or ()), ranked
    )


def guess_to_json(guess: FieldGuess) -> dict[str, Any]:
    return {
        "value": guess.value,
        "confidence": guess.confidence,
        "evidence": list(guess.evidence),
        "ranked": [{"value": c.value, "confidence": c.confidence, "evidence": list(c.evidence)} for c in guess.ranked],
    }


def candidates_of(guess: FieldGuess) -> tuple[Candidate, ...]:
    """The guess's candidates, best first; a guess stored without candidates stands for itself."""
    if guess.ranked:
        return guess.ranked
    return (Candidate(guess.value, guess.confidence, guess.evidence),) if guess.value not in (None, "") else ()


@dataclass(frozen=True)
class SafetyRecord:
    """The life and safety risk triage found (``triage.safety``): its kind, whether it is a risk of self-harm
    or suicide (the desk shows the protocol), and the words that triggered it."""

    kind: str | None = None
    self_harm: bool = False
    triggers: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: Any) -> SafetyRecord:
        if not isinstance(data, Mapping):
            return cls()
        return cls(data.get("kind"), bool(data.get("self_harm")), tuple(data.get("triggers") or ()))

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "self_harm": self.self_harm, "triggers": list(self.triggers)}

    @property
    def at_risk(self) -> bool:
        """A life or safety at risk now: the order is an emergency whatever else it is."""
        return bool(self.kind) or self.self_harm

    @property
    def kind_label(self) -> str:
        from workorders.choices import RiskKind

        return str(RiskKind(self.kind).label) if self.kind in RiskKind.values else str(self.kind or "")


@dataclass(frozen=True)
class RelatedOrder:
    """An open order that looked like a report of the same event when this one was analysed."""

    id: int
    number: str = ""
    score: float = 0.0
    duplicate: bool = False
    same_caller: bool = False
    shared_terms: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RelatedOrder:
        return cls(
            id=int(data["id"]),
            number=str(data.get("number") or ""),
            score=float(data.get("score") or 0.0),
            duplicate=bool(data.get("duplicate")),
            same_caller=bool(data.get("same_caller")),
            shared_terms=tuple(data.get("shared_terms") or ()),
            reasons=tuple(data.get("reasons") or ()),
        )

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "shared_terms": list(self.shared_terms), "reasons": list(self.reasons)}


@dataclass(frozen=True)
class FieldSource:
    """Where a field's value came from: ``llm`` (with its model, prompt version, time and tokens), or the
    classical pipeline's ``extractive`` summary, ``rules``, ``classifier``, ``dispatch catalogue`` or
    ``gazetteer`` with their version."""

    source: str
    version: str = ""
    model: str = ""
    prompt: str = ""
    latency_ms: float = 0.0
    tokens: int = 0
    calls: int = 0

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FieldSource:
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})

    def to_json(self) -> dict[str, Any]:
        if self.source == "llm":
            return {
                "source": self.source,
                "model": self.model,
                "prompt": self.prompt,
                "latency_ms": self.latency_ms,
                "tokens": self.tokens,
                "calls": self.calls,
            }
        return {"source": self.source, "version": self.version}

    @property
    def is_llm(self) -> bool:
        return self.source == "llm"


@dataclass(frozen=True)
class LlmRecord:
    """The LLM's draft of the order and what became of it (the draft policy, ``workorders.services``):

    - ``pending``: asked for, no answer yet (``requested_at``, based on order version ``based_on_version``);
    - ``applied``: filled the fields nobody had touched, before anyone opened the order (``applied``/``kept``);
    - ``suggested``: an operator had opened the order, so the draft waits beside the fields (``suggested``) to be
      accepted or dismissed; then ``accepted`` or ``dismissed``;
    - ``stale``: the order changed after the draft was asked for, so it was discarded; ``late``: the order had
      left the desk; ``skipped``, ``invalid``, ``circuit_open``, ``over_budget`` or the client's error: no draft.
    ``reason`` says why where a draft was not used."""

    status: str
    reason: str = ""
    model: str = ""
    prompt: str = ""
    latency_ms: float = 0.0
    tokens: int = 0
    calls: int = 0
    applied: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    draft: dict[str, Any] | None = None
    requested_at: str = ""  # ISO time the draft was asked for
    based_on_version: int | None = None  # the order's version the draft was asked for
    # Per field, the draft's value (ids for relations) and how to show it, while it waits beside the fields.
    suggested: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LlmRecord:
        known = {f.name for f in fields(cls)} - {"applied", "kept", "suggested"}
        values = {key: value for key, value in data.items() if key in known}
        return cls(
            **values,
            applied=tuple(data.get("applied") or ()),
            kept=tuple(data.get("kept") or ()),
            suggested=dict(data.get("suggested") or {}),
        )

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"status": self.status}
        if self.reason:
            data["reason"] = self.reason
        if self.model or self.prompt or self.calls:
            data.update(
                model=self.model,
                prompt=self.prompt,
                latency_ms=self.latency_ms,
                tokens=self.tokens,
                calls=self.calls,
            )
        if self.draft is not None:
            data["draft"] = self.draft
        if self.applied or self.kept or self.status == "applied":
            data.update(applied=list(self.applied), kept=list(self.kept))
        if self.requested_at:
            data["requested_at"] = self.requested_at
        if self.based_on_version is not None:
            data["based_on_version"] = self.based_on_version
        if self.suggested:
            data["suggested"] = dict(self.suggested)
        return data

    @property
    def used(self) -> bool:
        return self.status in ("applied", "accepted")

    @property
    def waiting(self) -> bool:
        """Suggestions an operator has not accepted or dismissed yet."""
        return self.status == "suggested" and bool(self.suggested)


@dataclass(frozen=True)
class TriageRecord:
    """The triage result kept on an order. An order not analysed yet has an empty record (``analysed`` False)."""

    versions: dict[str, str] = field(default_factory=dict)
    text: str = ""  # what the models read: the caller's part of a call, normalised and masked
    masked_appeal: str = ""
    personal_data: tuple[dict[str, Any], ...] = ()  # kind, start, end (never the values)
    is_transcript: bool = False
    converted_from_traditional: bool = False
    title: str = ""
    summary: str = ""
    summary_parts: dict[str, str] = field(default_factory=dict)
    level1: FieldGuess = FieldGuess(None, 0.0)
    category: FieldGuess = FieldGuess(None, 0.0)
    department: FieldGuess = FieldGuess(None, 0.0)
    request_type: FieldGuess = FieldGuess(None, 0.0)
    urgency: FieldGuess = FieldGuess(None, 0.0)
    emotion: FieldGuess = FieldGuess(None, 0.0)
    area: FieldGuess = FieldGuess(None, 0.0)
    safety: SafetyRecord = SafetyRecord()
    priority: bool = False
    callback_requested: bool = False  # the caller asked to be called back (打我电话 / 给我回个电话)
    repeat_call: bool = False  # the caller says they called about this before (第四次打了)
    address: str = ""
    places: tuple[str, ...] = ()
    unmatched_places: tuple[str, ...] = ()
    elapsed_ms: float = 0.0
    notes: tuple[str, ...] = ()
    related: tuple[RelatedOrder, ...] = ()
    sources: dict[str, FieldSource] = field(default_factory=dict)
    llm: LlmRecord | None = None

    @property
    def analysed(self) -> bool:
        return bool(self.versions)

    def guess(self, name: str) -> FieldGuess:
        """The guess for one of ``GUESS_FIELDS``."""
        if name not in GUESS_FIELDS:
            raise KeyError(name)
        return getattr(self, name)

    def guessed_id(self, name: str) -> int | None:
        """The id triage chose for a reference field (category, department, area), or None."""
        value = self.guess(name).value
        return value if isinstance(value, int) else None

    def classical_value(self, name: str) -> Any:
        """What the classical triage put in an order field (ids for relations), to tell untouched values apart
        from an operator's; None for a field triage does not guess."""
        if name in GUESS_FIELDS:
            return self.guess(name).value
        if name in ("title", "summary", "address"):
            return getattr(self, name)
        return None

    def with_llm(self, llm: LlmRecord, *, sources: Mapping[str, FieldSource] | None = None) -> TriageRecord:
        return replace(self, llm=llm, sources=dict(self.sources if sources is None else sources))

    @classmethod
    def from_result(
        cls,
        result: TriageResult,
        *,
        department: FieldGuess,
        related: tuple[RelatedOrder, ...] = (),
        sources: Mapping[str, FieldSource] | None = None,
        llm: LlmRecord | None = None,
    ) -> TriageRecord:
        """The record of a fresh pipeline result, with the department the catalogue gave and the related orders."""
        names = {f.name for f in fields(cls)} - {"safety"}
        values = {f.name: getattr(result, f.name) for f in fields(result) if f.name in names}
        safety = SafetyRecord.from_json(result.safety)
        return cls(
            **values, safety=safety, department=department, related=related, sources=dict(sources or {}), llm=llm
        )

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> TriageRecord:
        data = data if isinstance(data, Mapping) else {}
        llm = data.get("llm")
        return cls(
            versions=dict(data.get("versions") or {}),
            text=str(data.get("text") or ""),
            masked_appeal=str(data.get("masked_appeal") or ""),
            personal_data=tuple(data.get("personal_data") or ()),
            is_transcript=bool(data.get("is_transcript")),
            converted_from_traditional=bool(data.get("converted_from_traditional")),
            title=str(data.get("title") or ""),
            summary=str(data.get("summary") or ""),
            summary_parts=dict(data.get("summary_parts") or {}),
            **{name: guess_from_json(data.get(name)) for name in GUESS_FIELDS},
            safety=SafetyRecord.from_json(data.get("safety")),
            priority=bool(data.get("priority")),
            callback_requested=bool(data.get("callback_requested")),
            repeat_call=bool(data.get("repeat_call")),
            address=str(data.get("address") or ""),
            places=tuple(data.get("places") or ()),
            unmatched_places=tuple(data.get("unmatched_places") or ()),
            elapsed_ms=float(data.get("elapsed_ms") or 0.0),
            notes=tuple(data.get("notes") or ()),
            related=tuple(RelatedOrder.from_json(r) for r in data.get("related") or () if isinstance(r, Mapping)),
            sources={
                name: FieldSource.from_json(source)
                for name, source in (data.get("sources") or {}).items()
                if isinstance(source, Mapping) and source.get("source")
            },
            llm=LlmRecord.from_json(llm) if isinstance(llm, Mapping) and llm.get("status") else None,
        )

    def to_json(self) -> dict[str, Any]:
        if not self.analysed and self.llm is None:
            return {}
        data: dict[str, Any] = {
            "versions": dict(self.versions),
            "text": self.text,
            "masked_appeal": self.masked_appeal,
            "personal_data": [dict(item) for item in self.personal_data],
            "is_transcript": self.is_transcript,
            "converted_from_traditional": self.converted_from_traditional,
            "title": self.title,
            "summary": self.summary,
            "summary_parts": dict(self.summary_parts),
            **{name: guess_to_json(self.guess(name)) for name in GUESS_FIELDS},
            "safety": self.safety.to_json(),
            "priority": self.priority,
            "callback_requested": self.callback_requested,
            "repeat_call": self.repeat_call,
            "address": self.address,
            "places": list(self.places),
            "unmatched_places": list(self.unmatched_places),
            "elapsed_ms": self.elapsed_ms,
            "notes": list(self.notes),
            "related": [r.to_json() for r in self.related],
            "sources": {name: source.to_json() for name, source in self.sources.items()},
        }
        if self.llm is not None:
            data["llm"] = self.llm.to_json()
        return data


# --- where a value came from, in words ----------------------------------------------------------------------

# A trained model's version is its kind and the local time it was trained (hotline.model_registry): l1-20261207-074124.
_TRAINED = re.compile(r"^(?P<kind>[a-z0-9_]+)-(?P<day>\d{8})-\d{6}(?:-\d+)?$")
_CLASSIFIER = re.compile(r"^l1-")  # any version of the level-1 classifier (tests name theirs l1-test)
_NUMBERED = re.compile(r"^(?P<name>[a-z]+)-\d+$")


def source_in_words(code: str) -> str:
    """A source or version code of the automatic analysis as a person reads it: ``l1-20261207-074124`` is the
    classification model trained on 2026-12-07, ``lexicon-1`` the category keywords, ``rules-1`` the keyword
    rules, ``gazetteer`` the gazetteer; several joined by "+" are read one by one. An unknown code reads as
    "automatic analysis" (a code is for the log and the admin, not for the order page)."""
    parts = [part.strip() for part in str(code or "").split("+") if part.strip()]
    words = []
    for part in parts:
        trained = _TRAINED.match(part)
        numbered = _NUMBERED.match(part)
        name = numbered.group("name") if numbered else part
        if trained:
            day = trained.group("day")
            words.append(_("classification model (trained %(date)s)") % {"date": f"{day[:4]}-{day[4:6]}-{day[6:]}"})
        elif _CLASSIFIER.match(part):
            words.append(str(_SOURCE_WORDS["classifier"]))
        elif name in _SOURCE_WORDS:
            words.append(str(_SOURCE_WORDS[name]))
        else:
            words.append(_("automatic analysis"))
    return "、".join(dict.fromkeys(words))


_SOURCE_WORDS: dict[str, Any] = {
    "lexicon": _lazy("category keywords"),
    "rules": _lazy("keyword rules"),
    "gazetteer": _lazy("gazetteer"),
    "triage": _lazy("extractive summary"),
    "extractive": _lazy("extractive summary"),
    "classifier": _lazy("classification model"),
    "dispatch catalogue": _lazy("dispatch catalogue"),
    "catalogue": _lazy("dispatch catalogue"),
    "llm": _lazy("LLM"),
}
