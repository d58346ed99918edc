"""The safety development set (described in bench/data/safety_dev.md): caller utterances, mini-dialogues and
whole calls with a life at risk now (of each kind of ``triage.safety.KINDS``) or only danger words, in parts
(one per file, ``safety_dev.tsv`` split in two); since the detector's fourth round every part is tuning material.

    from bench.safety_dev import cases
    for case in cases("dev_test"): …

``safety_dev.tsv`` is split by a hash of a case's text alone (two in five to ``dev_test``, the rest to
``dev_tune``), so adding cases never moves one from a part to the other. ``safety_dev_tune2.tsv``, written later
(longer calls, more self-harm said indirectly, more calm calls), is tuning material only: every case of it is
in ``dev_tune2``, none is ever hashed into ``dev_test``. ``safety_dev_check.tsv`` is ``dev_check``: measured only
in the detector's third round. In its fourth round ``dev_test`` and ``dev_check`` became tuning material too (their
failures were read and tuned on, with the call corpus's parts 1-3), ``safety_dev_tune3.tsv`` (``dev_tune3``) was
written for the misses of those parts, by kind, and ``safety_dev_check2.tsv`` (``dev_check2``) was written before
any rule changed and measured blind before it was tuned on; ``safety_dev_check3.tsv`` (``dev_check3``) was
written after the first changes and measured blind in turn, and ``safety_dev_check4.tsv`` (``dev_check4``) after
the third was tuned on, ``safety_dev_check5.tsv`` (``dev_check5``) after the fourth, ``safety_dev_check6.tsv`` (``dev_check6``: read-backs,
ASR slips, dialects) last. The fifth round wrote ``safety_dev_check7.tsv`` (``dev_check7``: live wires said every
way, self-harm and its false friends, things stuck, emergencies stated only in the operator's summary) after the
sealed final2 was measured and read, and measured it blind before it was tuned on; ``safety_dev_tune4.tsv``
(``dev_tune4``) after that, new phrasings of the same kinds, and ``safety_dev_check8.tsv`` (``dev_check8``) after
those were tuned on, measured blind in turn, then ``safety_dev_check9.tsv`` (``dev_check9``: operators' summaries in
other words, other ways of saying each kind). The sixth round wrote ``safety_dev_check10.tsv`` (``dev_check10``)
after the sealed final3 was measured and its misses read, before any rule of round 6: dangers explained away and then
described growing, the operator's correction of what the caller named, threats to maim, a frail person stranded by a
carer's absence, dams leaking; praise of a rescue over and smoke reported again and again. ``safety_dev_check11.tsv``
(``dev_check11``) was written after check10 and final3 were tuned on, the same kinds in other words, and measured
blind in turn, and ``safety_dev_check12.tsv`` (``dev_check12``) after that: the same ways of saying carried over to
the other kinds.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FOLDER = Path(__file__).resolve().parent / "data"
FILE = FOLDER / "safety_dev.tsv"
TUNE2_FILE = FOLDER / "safety_dev_tune2.tsv"
CHECK_FILE = FOLDER / "safety_dev_check.tsv"
TUNE3_FILE = FOLDER / "safety_dev_tune3.tsv"
CHECK2_FILE = FOLDER / "safety_dev_check2.tsv"
CHECK3_FILE = FOLDER / "safety_dev_check3.tsv"
CHECK4_FILE = FOLDER / "safety_dev_check4.tsv"
CHECK5_FILE = FOLDER / "safety_dev_check5.tsv"
CHECK6_FILE = FOLDER / "safety_dev_check6.tsv"
CHECK7_FILE = FOLDER / "safety_dev_check7.tsv"
TUNE4_FILE = FOLDER / "safety_dev_tune4.tsv"
CHECK8_FILE = FOLDER / "safety_dev_check8.tsv"
CHECK9_FILE = FOLDER / "safety_dev_check9.tsv"
CHECK10_FILE = FOLDER / "safety_dev_check10.tsv"
CHECK11_FILE = FOLDER / "safety_dev_check11.tsv"
CHECK12_FILE = FOLDER / "safety_dev_check12.tsv"
PARTS = (
    "dev_tune",
    "dev_test",
    "dev_tune2",
    "dev_check",
    "dev_tune3",
    "dev_check2",
    "dev_check3",
    "dev_check4",
    "dev_check5",
    "dev_check6",
    "dev_check7",
    "dev_tune4",
    "dev_check8",
    "dev_check9",
    "dev_check10",
    "dev_check11",
    "dev_check12",
)
# the parts the rules are tuned on and the learned model trained on (all, since the fourth round)
TUNING_PARTS = PARTS
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


def _read(path: Path) -> list[tuple[str, str, str]]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip() or line.startswith("#"):
                continue
            try:
                kind, tag, said = line.rstrip("\n").split("\t")
            except ValueError:
                raise ValueError(f"{path.name} line {number}: expected kind, tag and text") from None
            rows.append((kind, tag, said))
    return rows


def _case(kind: str, tag: str, said: str, part: str | None = None) -> SafetyCase:
    digest = hashlib.sha1(said.encode()).hexdigest()
    if part is None:
        part = "dev_test" if int(digest, 16) % 5 in (0, 1) else "dev_tune"
    return SafetyCase(digest[:10], part, None if kind == CALM else kind, tag, _transcript(said))


@cache
def all_cases() -> tuple[SafetyCase, ...]:
    found = [_case(*row) for row in _read(FILE)]
    found += [_case(*row, part="dev_tune2") for row in _read(TUNE2_FILE)]
    found += [_case(*row, part="dev_check") for row in _read(CHECK_FILE)]
    found += [_case(*row, part="dev_tune3") for row in _read(TUNE3_FILE)]
    found += [_case(*row, part="dev_check2") for row in _read(CHECK2_FILE)]
    found += [_case(*row, part="dev_check3") for row in _read(CHECK3_FILE)]
    found += [_case(*row, part="dev_check4") for row in _read(CHECK4_FILE)]
    found += [_case(*row, part="dev_check5") for row in _read(CHECK5_FILE)]
    found += [_case(*row, part="dev_check6") for row in _read(CHECK6_FILE)]
    found += [_case(*row, part="dev_check7") for row in _read(CHECK7_FILE)]
    found += [_case(*row, part="dev_tune4") for row in _read(TUNE4_FILE)]
    found += [_case(*row, part="dev_check8") for row in _read(CHECK8_FILE)]
    found += [_case(*row, part="dev_check9") for row in _read(CHECK9_FILE)]
    found += [_case(*row, part="dev_check10") for row in _read(CHECK10_FILE)]
    found += [_case(*row, part="dev_check11") for row in _read(CHECK11_FILE)]
    found += [_case(*row, part="dev_check12") for row in _read(CHECK12_FILE)]
    ids = [case.id for case in found]
    if len(set(ids)) != len(ids):
        raise ValueError("a case is written twice in the safety development set")
    return tuple(found)


def cases(part: str | None = None) -> list[SafetyCase]:
    """The cases of one part (one of ``PARTS``), or all of them."""
    if part is not None and part not in PARTS:
        raise ValueError(f"unknown part {part!r}: one of {PARTS}")
    return [case for case in all_cases() if part is None or case.part == part]
