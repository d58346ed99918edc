"""The safety development set (bench/data/safety_dev.tsv, described in bench/data/safety_dev.md): caller
utterances and mini-dialogues with a life at risk now (of each kind of ``triage.safety.KINDS``) or only danger
words, split once and for all into a part the detector is tuned on and a part it is only measured on.

    from bench.safety_dev import cases
    for case in cases("dev_test"): …

A case's part is decided by a hash of its text alone (two in five to ``dev_test``), so adding cases never moves
one from a part to the other.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FILE = Path(__file__).resolve().parent / "data" / "safety_dev.tsv"
PARTS = ("dev_tune", "dev_test")
CALM = "calm"
HELLO = "坐席：您好，12345热线，请讲。"


@dataclass(frozen=True)
class SafetyCase:
    id: str
    part: str
    kind: str | None  # the emergency kind, None for a calm case
    tag: str  # how it is said (indirect, downplay, asr …) or why it is calm (past, drill, figurative …)
    text: str  # a transcript: the operator's greeting, then the turns

    @property
    def is_emergency(self) -> bool:
        return self.kind is not None


def _transcript(said: str) -> str:
    turns = said.replace("\\n", "\n").split("\n")
    if not turns[0].startswith(("市民：", "坐席：")):
        turns[0] = "市民：" + turns[0]
    return "\n".join([HELLO, *turns])


@cache
def all_cases() -> tuple[SafetyCase, ...]:
    found = []
    with FILE.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip() or line.startswith("#"):
                continue
            try:
                kind, tag, said = line.rstrip("\n").split("\t")
            except ValueError:
                raise ValueError(f"{FILE.name} line {number}: expected kind, tag and text") from None
            digest = hashlib.sha1(said.encode()).hexdigest()
            part = "dev_test" if int(digest, 16) % 5 in (0, 1) else "dev_tune"
            found.append(SafetyCase(digest[:10], part, None if kind == CALM else kind, tag, _transcript(said)))
    return tuple(found)


def cases(part: str | None = None) -> list[SafetyCase]:
    """The cases of one part (``dev_tune`` or ``dev_test``), or all of them."""
    if part is not None and part not in PARTS:
        raise ValueError(f"unknown part {part!r}: one of {PARTS}")
    return [case for case in all_cases() if part is None or case.part == part]
