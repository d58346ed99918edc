"""Where the appeal is: gazetteer places (district → street/town → community/village) and a free address.

Every name and alias of the gazetteer is searched in the text at once (one compiled pattern, longest names
first). Of the places found, the deepest one wins, preferring a place whose ancestors were named too
(``A3区西湖街道茶场村`` → 茶场村 under 西湖街道 under A3区, not another 茶场村 elsewhere). Place-like words
that are not in the gazetteer (``…街道``, ``…镇``, ``…社区``, ``…村``) are kept as free text, as is the free
address (``…路…号``, ``…小区…栋``) for the department to find the spot.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from triage.types import Candidate, FieldGuess, PlaceRef

_ADDRESS = re.compile(
    r"[\u4e00-\u9fa5A-Za-z0-9]{2,20}?(?:路|街|大道|巷|道)[\u4e00-\u9fa5A-Za-z0-9]{0,6}?\d+号(?:[\u4e00-\u9fa5A-Za-z0-9]{0,6}?\d+(?:栋|幢|号楼|室))?"
    r"|[\u4e00-\u9fa5A-Za-z0-9]{2,16}?(?:小区|花园|公寓|大厦|新村|家园|苑|广场)(?:[\u4e00-\u9fa5A-Za-z0-9]{0,4}?\d+(?:栋|幢|号楼|单元))*"
)
_ADDRESS_LEAD = re.compile(r"^(?:.*?(?:地址是|地址为|地址|位于|我家在|住在|家住|我在|我是|本人是|在))")
_PLACE_SUFFIX = re.compile(r"(?:街道|居委会|村委会|社区|镇|乡|村)")
_STEM_CHAR = re.compile(r"[\u4e00-\u9fa5]")
# Characters that end a phrase before a place name rather than belong to it (…另外桂花坪街道 → 桂花坪街道).
_NOT_IN_NAME = set("我你他在的是和及到从对被把向该本这那了也还又与或另外个各市区县省镇乡村")
_NOT_A_PLACE = ("农村", "城乡", "乡村", "新农村", "城镇", "乡镇", "社区", "本村", "全村", "各村", "该村")


@dataclass(frozen=True)
class Location:
    area: FieldGuess  # value: the gazetteer place id
    address: str  # the free address found, "" if none
    places: tuple[str, ...]  # the gazetteer names found, outermost first (for titles and summaries)
    unmatched: tuple[str, ...]  # place-like words not in the gazetteer


class Gazetteer:
    def __init__(self, places: Sequence[PlaceRef]) -> None:
        self.places = {place.id: place for place in places}
        self._by_name: dict[str, list[PlaceRef]] = {}
        for place in places:
            for name in {place.name, *place.aliases}:
                if len(name) >= 2:
                    self._by_name.setdefault(name, []).append(place)
        names = sorted(self._by_name, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, names))) if names else None

    def ancestors(self, place: PlaceRef) -> list[int]:
        chain, current = [], place.parent_id
        while current is not None and current in self.places and len(chain) < 10:
            chain.append(current)
            current = self.places[current].parent_id
        return chain

    def locate(self, text: str) -> Location:
        found: dict[int, str] = {}  # place id -> the name it was found by
        if self._pattern is not None:
            for match in self._pattern.finditer(text):
                for place in self._by_name[match.group(0)]:
                    found.setdefault(place.id, match.group(0))
        candidates = []
        for place_id, name in found.items():
            place = self.places[place_id]
            ancestors = self.ancestors(place)
            named_ancestors = sum(1 for ancestor in ancestors if ancestor in found)
            # deeper is more precise; a place whose parents were named too is the one meant
            support = min(1.0, 0.45 + 0.12 * place.depth + 0.15 * named_ancestors)
            candidates.append(Candidate(place_id, round(support, 3), (name,)))
        # among equally supported places, the deeper one
        candidates.sort(key=lambda c: (c.confidence, self.places[c.value].depth), reverse=True)
        area = FieldGuess.from_ranked(candidates)
        if area.value is not None:
            area = FieldGuess(area.value, area.confidence, area.evidence, tuple(candidates[:3]))
        chosen = self.places.get(area.value) if area.value is not None else None
        chain = [*reversed(self.ancestors(chosen)), chosen.id] if chosen else []
        names = tuple(self.places[i].name for i in chain)
        known = set(self._by_name)
        unmatched = tuple(
            dict.fromkeys(word for word in place_words(text) if not any(word in k or k in word for k in known))
        )[:5]
        return Location(area, find_address(text), names, unmatched)


def find_address(text: str) -> str:
    """The first free address in the text (``枫林路12号``, ``阳光小区3栋``), without lead-in words."""
    match = _ADDRESS.search(text)
    if not match:
        return ""
    address = _ADDRESS_LEAD.sub("", match.group(0))
    return address if len(address) >= 4 else match.group(0)


def place_words(text: str) -> list[str]:
    """Place-like words: two or three name characters before a suffix such as 街道, 镇, 社区 or 村."""
    words = []
    for match in _PLACE_SUFFIX.finditer(text):
        stem = ""
        for char in reversed(text[max(0, match.start() - 3) : match.start()]):
            if not _STEM_CHAR.match(char) or char in _NOT_IN_NAME:
                break
            stem = char + stem
        word = stem + match.group(0)
        if len(stem) >= 2 and word not in _NOT_A_PLACE:
            words.append(word)
    return words
