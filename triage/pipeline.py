"""The whole triage of one call or message, without an LLM: text in, ``TriageResult`` out.

1. ``normalise.prepare``: width, spaces, punctuation, traditional → simplified, the caller's turns apart.
2. ``privacy.mask_dialogue``: personal data masked, in a call a name found once masked everywhere; everything
   below reads the masked text only.
3. ``location``: gazetteer place, free address, unmatched place names.
4. Level-1 category: the trained classifier (``classify``) for the categories it was trained on, the
   category lexicon (``taxonomy``) for the others — a level-1 category the model does not know wins when
   the lexicon's evidence for it is strong and clearly above its evidence for any known one. A call is read by
   the model's call model (trained on spoken appeals for all 15) and the lexicon together.
5. Level-2/3 category ranked within the chosen level-1 by the lexicon.
6. Request type, urgency and emotion by transparent rules (``intent``).
7. Title and structured summary (``summary``).

Each field carries its confidence, its top-3 candidates and the words behind it. The department, related
orders and auto-dispatch need the database and are added by ``hotline.services``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from triage import intent
from triage.classify import Level1Classifier, emergency_level1_prior
from triage.location import Gazetteer
from triage.normalise import Turn, prepare
from triage.privacy import mask_dialogue
from triage.safety import assess as assess_safety
from triage.summary import summarise
from triage.taxonomy import CategoryLexicon
from triage.tokenize import default_tokenizer
from triage.types import Candidate, CategoryRef, FieldGuess, PlaceRef

PIPELINE_VERSION = "triage-2"
LEXICON_SOURCE = "lexicon-1"
RULES_SOURCE = "rules-1"
# A level-1 category unknown to the model wins when the lexicon's score for it reaches this, is at least this
# many times its best score for a category the model knows, and the model is not itself confident.
UNKNOWN_LEVEL1_MIN_SCORE = 3.0
UNKNOWN_LEVEL1_MARGIN = 2.0
UNKNOWN_LEVEL1_MODEL_BELOW = 0.9
# A call's level-1 combines the call model's log-probability (floored, so one class the model finds unlikely is
# not ruled out) with the lexicon's evidence times this weight, and for a call the safety detector finds an
# emergency, the prior of its kind (classify.emergency_level1_prior) times the other: both chosen on the tuning
# calls, each part read by a call model trained without it (docs/triage.md).
CALL_LEXICON_WEIGHT = 0.5
CALL_EMERGENCY_WEIGHT = 0.5
CALL_PROBABILITY_FLOOR = 1e-3
# The combined scores are divided by this before the softmax, so that a call's confidence is about as often
# right as it says (fitted on the tuning calls by log-loss); it changes no decision.
CALL_TEMPERATURE = 1.25


@dataclass(frozen=True)
class TriageResult:
    versions: dict[str, str]
    text: str  # normalised, simplified, masked: what the models read (the caller's part of a call)
    masked_appeal: str  # the whole message or transcript, normalised and masked
    personal_data: tuple[dict[str, Any], ...]  # kind, start, end in the normalised full text (no values)
    is_transcript: bool
    converted_from_traditional: bool
    title: str
    summary: str
    summary_parts: dict[str, str]
    level1: FieldGuess  # value: level-1 category id
    category: FieldGuess  # value: the most specific category id (level 3, else 2, else 1)
    request_type: FieldGuess
    urgency: FieldGuess
    safety: dict[str, Any]  # kind of risk, self-harm flag and the triggering words (triage.safety)
    emotion: FieldGuess
    priority: bool
    area: FieldGuess  # value: gazetteer place id
    address: str
    places: tuple[str, ...]
    unmatched_places: tuple[str, ...]
    elapsed_ms: float = 0.0
    notes: tuple[str, ...] = field(default_factory=tuple)
    callback_requested: bool = False  # the caller asks to be called back (打我电话 / 给我回个电话)
    repeat_call: bool = False  # the caller says they called before about this (第四次打了 / 上次打过)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class TriagePipeline:
    """Built once per process from the reference data and the active model; ``run`` is thread-safe."""

    def __init__(
        self,
        *,
        places: Sequence[PlaceRef],
        categories: Sequence[CategoryRef],
        level1_model: Level1Classifier | None = None,
        level1_version: str = "",
    ) -> None:
        self.gazetteer = Gazetteer(places)
        self.lexicon = CategoryLexicon.build(categories)
        self.level1_model = level1_model
        self.level1_version = level1_version if level1_model is not None else ""
        self.level1_ids = {c.name: c.id for c in categories if c.level == 1}
        self.emergency_prior = emergency_level1_prior(self.level1_ids)
        self.tokenizer = default_tokenizer()
        self.tokenizer.add_words([p.name for p in places] + [c.name for c in categories])

    @property
    def versions(self) -> dict[str, str]:
        return {
            "pipeline": PIPELINE_VERSION,
            "level1": self.level1_version or LEXICON_SOURCE,
            "category": LEXICON_SOURCE,
            "rules": RULES_SOURCE,
        }

    def run(self, raw: str, *, turns: Sequence[Turn] | None = None, title_hint: str = "") -> TriageResult:
        started = time.perf_counter()
        prepared = prepare(raw, list(turns) if turns else None)
        full, caller = mask_dialogue(prepared)
        text = caller.text
        words = self.tokenizer.words(text)
        location = self.gazetteer.locate(text)
        safety = assess_safety(text, call=prepared.is_transcript)
        level1, notes = self._level1(text, words, call=prepared.is_transcript, emergency=safety.kind)
        level1_name = next((name for name, pk in self.level1_ids.items() if pk == level1.value), "")
        category = self._category(words, level1, level1_name)
        repeat_call = intent.repeat_call(text)
        emotion = intent.emotion(text, emergency=safety.is_emergency, repeat=bool(repeat_call))
        urgency = safety.urgency
        # a call's 诉求地点 is the address found (or the gazetteer place), never a phrase like 我们小区 read from it
        found = (location.address or "".join(location.places[1:])) if prepared.is_transcript else None
        summary = summarise(text, places=location.places[1:] or location.places, title_hint=title_hint, location=found)
        return TriageResult(
            versions=self.versions,
            text=text,
            masked_appeal=full.text,
            personal_data=tuple({"kind": str(s.kind), "start": s.start, "end": s.end} for s in full.spans),
            is_transcript=prepared.is_transcript,
            converted_from_traditional=prepared.converted_from_traditional,
            title=summary.title,
            summary=summary.as_text(),
            summary_parts={
                "appellant": summary.appellant,
                "location": summary.location,
                "content": summary.content,
                "purpose": summary.purpose,
            },
            level1=level1,
            category=category,
            request_type=intent.request_type(text, emergency_kind=safety.kind),
            urgency=urgency,
            safety=safety.as_dict(),
            emotion=emotion.guess,
            priority=emotion.priority or urgency.value == "emergency",
            area=location.area,
            address=location.address,
            places=location.places,
            unmatched_places=location.unmatched,
            elapsed_ms=round((time.perf_counter() - started) * 1000, 2),
            notes=tuple(notes),
            callback_requested=bool(intent.callback_requested(text)),
            repeat_call=bool(repeat_call),
        )

    def _level1(
        self, text: str, words: Sequence[str], *, call: bool = False, emergency: str | None = None
    ) -> tuple[FieldGuess, list[str]]:
        scores = self.lexicon.level1_scores(words)
        notes: list[str] = []
        call_model = self.level1_model.call_model if call and self.level1_model is not None else None
        if call_model is not None:
            notes.append("level-1 of a call: the call model and the category lexicon together")
            prior = self.emergency_prior.get(emergency or "", {})
            if prior:
                notes.append(f"level-1 of a call: the emergency's kind ({emergency}) weighs in")
            return self._level1_of_call(text, words, scores, call_model, prior), notes
        if self.level1_model is None:
            total = sum(scores.values())
            candidates = [
                Candidate(self.level1_ids[name], round(score / (total + 1.0), 4), self._lexicon_evidence(words, name))
                for name, score in scores.items()
                if score > 0 and name in self.level1_ids
            ]
            notes.append("level-1 by lexicon: no trained model is active")
            return FieldGuess.from_ranked(candidates), notes
        ranked = self.level1_model.rank(text, words=words, keep=len(self.level1_model.classes_))
        known = {c.value for c in ranked}
        best_known = max((scores.get(name, 0.0) for name in known), default=0.0)
        unknown = max(((score, name) for name, score in scores.items() if name not in known), default=(0.0, ""))
        share = 0.0
        model_sure = ranked[0].confidence >= UNKNOWN_LEVEL1_MODEL_BELOW if ranked else False
        strong = unknown[0] >= UNKNOWN_LEVEL1_MIN_SCORE and unknown[0] >= UNKNOWN_LEVEL1_MARGIN * max(best_known, 0.5)
        if strong and not model_sure:
            share = round(min(0.9, unknown[0] / (unknown[0] + best_known + 1.0)), 4)
            notes.append(f"level-1 {unknown[1]} by lexicon: the trained model does not know this category")
        candidates = [
            Candidate(self.level1_ids[c.value], round(c.confidence * (1 - share), 4), c.evidence)
            for c in ranked
            if c.value in self.level1_ids
        ]
        if share and unknown[1] in self.level1_ids:
            candidates.append(Candidate(self.level1_ids[unknown[1]], share, self._lexicon_evidence(words, unknown[1])))
        return FieldGuess.from_ranked(candidates), notes

    def _level1_of_call(
        self,
        text: str,
        words: Sequence[str],
        scores: dict[str, float],
        call_model: Level1Classifier,
        prior: dict[str, float] | None = None,
    ) -> FieldGuess:
        """A call's level-1: the call model's log-probability plus the lexicon's evidence, weighted, per
        level-1 category (both cover all 15), plus for an emergency the prior of its kind (``prior``: a gas leak
        is 城乡建设 whatever else the caller was calling about), turned into probabilities by a softmax. The
        lexicon knows the objects and places callers name (井盖, 派出所, 宅基地 …), the model how they tell the
        rest; together they are right more often than either alone (docs/triage.md). The evidence shown is the
        lexicon's keywords, then the model's words."""
        prior = prior or {}
        ranked = call_model.rank(text, words=words, keep=len(call_model.classes_))
        probability = {c.value: c.confidence for c in ranked}
        model_words = {c.value: c.evidence for c in ranked}
        names = [name for name in dict.fromkeys([*probability, *scores]) if name in self.level1_ids]
        combined = np.array(
            [
                math.log(probability.get(name, 0.0) + CALL_PROBABILITY_FLOOR)
                + CALL_LEXICON_WEIGHT * scores.get(name, 0.0)
                + CALL_EMERGENCY_WEIGHT * prior.get(name, 0.0)
                for name in names
            ]
        )
        share = np.exp((combined - combined.max()) / CALL_TEMPERATURE)
        share /= share.sum()
        candidates = []
        for index in np.argsort(share)[::-1][:3]:
            name = names[index]
            evidence = (*self._lexicon_evidence(words, name), *model_words.get(name, ()))
            candidates.append(
                Candidate(self.level1_ids[name], round(float(share[index]), 4), tuple(dict.fromkeys(evidence))[:5])
            )
        return FieldGuess.from_ranked(candidates)

    def _lexicon_evidence(self, words: Sequence[str], level1_name: str) -> tuple[str, ...]:
        ranked = self.lexicon.rank_within(words, level1_name, keep=1)
        return ranked[0].evidence if ranked else ()

    def _category(self, words: Sequence[str], level1: FieldGuess, level1_name: str) -> FieldGuess:
        """The most specific category under the chosen level-1, its confidence the product of both levels."""
        if level1.value is None:
            return FieldGuess(None, 0.0)
        within = self.lexicon.rank_within(words, level1_name, keep=3)
        if not within:
            return FieldGuess(
                level1.value,
                level1.confidence,
                level1.evidence,
                (Candidate(level1.value, level1.confidence, level1.evidence),),
            )
        candidates = [Candidate(c.value, round(level1.confidence * c.confidence, 4), c.evidence) for c in within]
        return FieldGuess.from_ranked(candidates)
