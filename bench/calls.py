"""The call corpus (bench/data/calls/*.jsonl, described in bench/data/calls/README.md): realistic 12345 phone
calls with their labels, split into a tuning part and a held-out part nobody tunes on.

    from bench.calls import calls
    for call in calls("held_out"): …

The split is fixed and stratified: within each group of calls of the same kind (an emergency kind, calm calls
with danger words, or a level-1 category for the regular calls), ordered by a hash of the id, two calls in five
go to ``tune`` and three to ``held_out``, the first of each group to ``held_out`` (so a kind with two calls has
one in each part). Calls that name their split themselves keep it: ``final`` (part3.jsonl) is a third part,
written later by another writer, used once to report the final figures after the methods were frozen.
``final2`` (part4.jsonl) is a second final part written after every other part had been used for tuning; it is
sealed: ``calls()`` without a split and the benches' default runs (which go over ``SPLITS``) leave it out, and only
``calls("final2")`` reads it, once, to report methods frozen before it. ``final3`` (part5.jsonl) is a third final
part, written after final2 had been measured and become tuning material, and sealed the same way: only
``calls("final3")`` reads it. ``final4`` (part6.jsonl) is a fourth final part, written blind to the detectors by a
sixth writer once final3 had been read, and sealed the same way: only ``calls("final4")`` reads it. ``final5``
(part7.jsonl) is a fifth final part, written blind to the detectors by a seventh writer once final4 had been read,
and sealed the same way: only ``calls("final5")`` reads it.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from triage.normalise import Turn, turns_from_json

FOLDER = Path(__file__).resolve().parent / "data" / "calls"
SPLITS = ("tune", "held_out", "final")
SEALED_SPLITS = ("final2", "final3", "final4", "final5")  # read only when asked for by name, never in a default run


@dataclass(frozen=True)
class PersonalValue:
    kind: str  # NAME, MOBILE, LANDLINE, ID_CARD, BANK_CARD, PLATE, EMAIL, BIRTH_DATE
    value: str
    as_said: tuple[str, ...]  # every literal string of the transcript that reveals it


@dataclass(frozen=True)
class Call:
    id: str
    split: str
    set: str  # regular, emergency, calm_danger
    text: str  # the transcript as labelled lines (坐席：/市民：), whatever format it came in
    turns: tuple[Turn, ...] | None  # the structured turns for calls that came as JSON turns
    traditional: bool
    labels: dict[str, Any] = field(hash=False)
    personal: tuple[PersonalValue, ...] = ()

    @property
    def level1(self) -> str:
        return self.labels["level1"]

    @property
    def is_emergency(self) -> bool:
        return self.labels["urgency"] == "emergency"


def _stratum(record: dict[str, Any]) -> str:
    labels = record["labels"]
    if record["set"] == "emergency":
        return f"emergency:{labels.get('emergency_kind')}"
    if record["set"] == "calm_danger":
        return "calm_danger"
    return f"regular:{labels['level1']}"


def _order(call_id: str) -> str:
    return hashlib.sha1(call_id.encode()).hexdigest()


def _records() -> Iterator[dict[str, Any]]:
    for path in sorted(FOLDER.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    try:
                        yield json.loads(line)
                    except json.JSONDecodeError as error:
                        raise ValueError(f"{path.name} line {number}: {error}") from None


@cache
def all_calls() -> tuple[Call, ...]:
    records = list(_records())
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        if not record.get("split"):
            groups[_stratum(record)].append(record)
    split_of: dict[str, str] = {}
    for members in groups.values():
        for position, record in enumerate(sorted(members, key=lambda r: _order(r["id"]))):
            split_of[record["id"]] = "tune" if position % 5 in (1, 3) else "held_out"
    split_of |= {record["id"]: record["split"] for record in records if record.get("split")}
    calls = []
    for record in records:
        turns = turns_from_json(record["turns"]) if record.get("format") == "turns" else None
        text = record.get("transcript") or "\n".join(
            f"{'坐席' if turn.speaker == 'agent' else '市民'}：{turn.text}" for turn in turns or ()
        )
        personal = tuple(
            PersonalValue(item["kind"], item["value"], tuple(item.get("as_said") or (item["value"],)))
            for item in record["labels"].get("personal") or ()
        )
        calls.append(
            Call(
                id=record["id"],
                split=split_of[record["id"]],
                set=record["set"],
                text=text,
                turns=tuple(turns) if turns else None,
                traditional=bool(record.get("traditional")),
                labels=record["labels"],
                personal=personal,
            )
        )
    return tuple(sorted(calls, key=lambda call: call.id))


def calls(split: str | None = None) -> list[Call]:
    """The calls of one part (``tune``, ``held_out``, ``final`` or the sealed ``final2``, ``final3``, ``final4`` and
    ``final5``), or all of them but the sealed parts."""
    if split is not None and split not in (*SPLITS, *SEALED_SPLITS):
        raise ValueError(f"split must be one of {(*SPLITS, *SEALED_SPLITS)}")
    if split is None:
        return [call for call in all_calls() if call.split not in SEALED_SPLITS]
    return [call for call in all_calls() if call.split == split]
