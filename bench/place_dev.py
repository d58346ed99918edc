"""The place development set (bench/data/place_dev.tsv, described in bench/data/place_dev.md): caller utterances
and mini-dialogues with the address a department needs, split once and for all into a part the place finder is
tuned on and a part it is only measured on.

    from bench.place_dev import cases
    for case in cases("dev_tune"): …

A case's part is decided by a hash of its text alone (two in five to ``dev_test``), so adding cases never moves
one from a part to the other.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

FILE = Path(__file__).resolve().parent / "data" / "place_dev.tsv"
PARTS = ("dev_tune", "dev_test")
HELLO = "坐席：您好，12345热线，请讲。"
_DISTRICT = re.compile(r"^A\d[区县市]")


@dataclass(frozen=True)
class PlaceCase:
    id: str
    part: str
    kind: str  # what the case is about: shop, market, road, junction, number, choice, deictic, junk …
    address: str  # the address expected ("" when the call names no spot)
    venue: str  # the named venue the address must hold ("" when the key is a road or a village)
    text: str  # a transcript: the operator's greeting, then the turns

    def label(self, streets: frozenset[str]) -> dict[str, Any]:
        """The case as a corpus place label (district, street, address, venue), for ``bench_calls_place.judge``;
        ``streets`` are the gazetteer's street and town names."""
        district = next(iter(_DISTRICT.findall(self.address)), "")
        rest = self.address[len(district) :]
        street = next((name for name in sorted(streets, key=len, reverse=True) if rest.startswith(name)), "")
        return {"district": district, "street": street, "address": self.address, "venue": self.venue}


def _transcript(said: str) -> str:
    turns = said.replace("\\n", "\n").split("\n")
    if not turns[0].startswith(("市民：", "坐席：")):
        turns[0] = "市民：" + turns[0]
    return "\n".join([HELLO, *turns])


@cache
def all_cases() -> tuple[PlaceCase, ...]:
    found = []
    with FILE.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip() or line.startswith("#"):
                continue
            try:
                kind, address, venue, said = line.rstrip("\n").split("\t")
            except ValueError:
                raise ValueError(f"{FILE.name} line {number}: expected class, address, venue and text") from None
            digest = hashlib.sha1(said.encode()).hexdigest()
            part = "dev_test" if int(digest, 16) % 5 in (0, 1) else "dev_tune"
            venue = "" if venue == "-" else venue
            found.append(PlaceCase(digest[:10], part, kind, address, venue, _transcript(said)))
    return tuple(found)


def cases(part: str | None = None) -> list[PlaceCase]:
    """The cases of one part (``dev_tune`` or ``dev_test``), or all of them."""
    if part is not None and part not in PARTS:
        raise ValueError(f"unknown part {part!r}: one of {PARTS}")
    return [case for case in all_cases() if part is None or case.part == part]
