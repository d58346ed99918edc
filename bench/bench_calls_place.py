"""Place from speech: how well the triage finds where a call's problem is, on the call corpus (bench/calls.py).

Each call goes through the whole pipeline as a worker runs it (the demo city's gazetteer, masking first, the
caller's turns and the operator's read-backs). What it stores — the gazetteer area and the free address — is
compared with ``labels.place`` (district, street, address, venue) by one rule, written here so it can be read:

- The labelled address without its district and street is cut into its *key place* and its *numbers*. The key
  place is the labelled venue when the address contains it; otherwise every named road of the address (two for
  an intersection); otherwise the first place word of what is left (a village, a compound); otherwise, when the
  address is only a district and a street, the street. The numbers are the house, building, unit, room, floor
  and group numbers (12号, 三栋, 2单元, 703, 六组), spoken numerals read as digits.
- **found**: the district is right (the area's district, else a district code the address starts with), the
  stored address holds the key place (a street key may be held by the area instead) and every number;
- **partial**: the address holds the key place, but a number is missing or the district is wrong;
- **missed**: otherwise. A call with no place is found when nothing is stored as its address, missed if
  something is. A deictic or movement phrase stored as the address (我们小区, 这边, 到…去) is never found.
The brief's looser rule also counts a call as partial when only its district is right; that figure is reported
too (``found_or_partial_rate_district_counts``), but a department cannot find a spot from its district alone.
"Holds" means: contained in the address once both are written the same way (numerals as digits, no spaces or
punctuation), or, for a key of four characters or more, at least 80 % of its character pairs found in it.

Also reported: the area (gazetteer place id) accuracy where the label names a street (the stored area is that
street or a community under it), and how many stored addresses are deictic or movement phrases (我们小区, 这边,
到…去), which must be none. For web messages (``hotspot_messages.csv``, 4,309 real messages) how many get an area
and an address, with a sample to read.

    .venv/bin/python -m bench.bench_calls_place             # tune, held-out and web messages; writes the JSON
    .venv/bin/python -m bench.bench_calls_place tune        # while developing: tune only, every call printed
    .venv/bin/python -m bench.bench_calls_place final2      # the fourth writer's part (tuning material now), written apart
    .venv/bin/python -m bench.bench_calls_place final3      # the sealed part, once: written apart, no ids listed

``figures(split)`` is imported by the combined calls bench.
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter
from functools import cache
from typing import Any

from bench import place_dev
from bench.bench_triage import reference  # sets up Django for the demo city's gazetteer
from bench.calls import SEALED_SPLITS, Call, calls
from bench.common import report, teddy
from triage.location import spoken_numbers_to_digits
from triage.pipeline import TriagePipeline, TriageResult

_PUNCTUATION = re.compile(r"[\s，,。、；;：:！!？?“”\"'（）()《》·\-—…]+")
_NUMBER = re.compile(
    r"[A-Za-z]?\d+(?:号楼|号院|号摊位|号门面|号|栋|幢|单元|室|楼|层|组|片|区|期)|(?<=[栋幢楼层单元])\d{3,4}"
)
_ROAD = re.compile(r"[^与和跟至到过穿往旁约]{2,5}?(?:大道|大街|路|街|巷)(?![道])")
_CONNECTOR = re.compile(r"与|和|跟|至|到|交叉口|交汇处|路口|之间|交界")
_PLACE_WORD = re.compile(r".{2,8}?(?:社区|村|小区|花园|苑|新村|山庄|家园|城|广场|大厦|中心|站|馆|处|厅|市场|网点)")
_DEICTIC = re.compile(r"我们|我家|咱们|这边|那边|这里|那里|这儿|那儿|^到|^去|^从|过来$|那个")


def _plain(text: str) -> str:
    return _PUNCTUATION.sub("", spoken_numbers_to_digits(text or ""))


def label_key(place: dict[str, Any]) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """The kind of key place (venue, road, place, street, district, none), the key place and the numbers of a
    labelled place."""
    address = _plain(place.get("address") or "")
    if not address:
        return "none", (), ()
    district, street = place.get("district") or "", place.get("street") or ""
    rest = address
    # the prefixes written as the address is (四方坪街道 → 4方坪街道), or a street with a numeral stays in the key
    for prefix in (_plain(district), _plain(street)):
        if prefix and rest.startswith(prefix):
            rest = rest[len(prefix) :]
    # 17号摊位 is number 17号 of the market, 8号楼 building 8号: the number is what a caller says
    # (a district code inside a venue's name, A4区图书馆, is no number)
    plain_rest = re.sub(r"[A-Z]\d[区县市]", "", rest)
    numbers = tuple(re.sub(r"号(?:楼|院|摊位|门面)$", "号", number) for number in _NUMBER.findall(plain_rest))
    venue = _plain(place.get("venue") or "")
    if venue.startswith(district):
        venue = venue[len(district) :] or venue
    if venue and venue in rest:
        return "venue", (venue,), numbers
    before_numbers = _NUMBER.split(rest)[0] if rest else ""
    roads = tuple(
        road
        for piece in _CONNECTOR.split(rest)
        for road in _ROAD.findall(piece)[:1]
        if not road.endswith(("公路", "马路"))
    )
    if roads:
        return "road", roads, numbers
    if before_numbers:
        word = _PLACE_WORD.match(before_numbers)
        return "place", ((word.group(0) if word else _CONNECTOR.split(before_numbers)[0]),), numbers
    if street:
        return "street", (street,), numbers
    return "district", (), numbers


def _pairs(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def holds(address: str, key: str) -> bool:
    """Whether a stored address (written plain) holds a key place: contained, or 80 % of its character pairs."""
    if not key:
        return True
    if key in address:
        return True
    pairs = _pairs(key)
    return len(key) >= 4 and len(pairs & _pairs(address)) >= 0.8 * len(pairs)


@cache
def pipeline() -> TriagePipeline:
    places, categories = reference()
    return TriagePipeline(places=places, categories=categories)


def _chain(result: TriageResult) -> tuple[str, ...]:
    return result.places[1:] if result.places and result.places[0].endswith("市") and len(result.places) > 1 else ()


def judge(call: Call, result: TriageResult) -> dict[str, Any]:
    """The verdict on one call (found / partial / missed) with what was expected and what was stored."""
    return judge_place(call.id, call.labels.get("place") or {}, result)


def judge_place(case_id: str, place: dict[str, Any], result: TriageResult) -> dict[str, Any]:
    """The verdict on one labelled place (district, street, address, venue) and what the triage stored."""
    kind, keys, numbers = label_key(place)
    address = _plain(result.address)
    chain = _chain(result)
    district = chain[0] if chain else next(iter(re.findall(r"^A\d[区县市]", address)), "")
    verdict: str
    district_only = False
    if kind == "none":
        verdict = "found" if not address else "missed"
    else:
        district_right = not place.get("district") or district == place.get("district")
        if kind in ("street", "place"):
            key_held = all(holds(address, key) or key in chain for key in keys)
        else:
            key_held = all(holds(address, key) for key in keys)
        numbers_held = all(number in address for number in numbers)
        deictic = bool(address and _DEICTIC.search(result.address))
        if district_right and key_held and numbers_held and not deictic:
            verdict = "found"
        elif key_held and not deictic:
            verdict = "partial"
        else:
            verdict = "missed"
        district_only = verdict == "missed" and district_right
    return {
        "id": case_id,
        "verdict": verdict,
        "exact": address == _plain(place.get("address") or ""),
        "key": f"{kind}: {'+'.join(keys)}{' ' + ' '.join(numbers) if numbers else ''}",
        "expected": place.get("address") or "",
        "stored": result.address,
        "area": "/".join(chain),
        "street_expected": place.get("street") or "",
        "area_right": bool(place.get("street")) and place.get("street") in chain,
        "deictic": bool(result.address and _DEICTIC.search(result.address)),
        "district_only": district_only,
    }


def figures(split: str, *, verbose: bool = False) -> dict[str, Any]:
    """Found / partial / missed over the calls of one part of the corpus, and the area accuracy."""
    judged = []
    for call in calls(split):
        result = pipeline().run(call.text, turns=list(call.turns) if call.turns else None)
        judged.append(judge(call, result))
    counts = Counter(item["verdict"] for item in judged)
    with_street = [item for item in judged if item["street_expected"]]
    if verbose:
        for item in judged:
            print(
                f"{item['id']} {item['verdict']:7} {item['key']:32} | {item['stored']} | {item['area']}"
                f"{'' if item['area_right'] or not item['street_expected'] else ' ≠ ' + item['street_expected']}"
            )
    total = len(judged)
    return {
        "calls": total,
        "found": counts["found"],
        "partial": counts["partial"],
        "missed": counts["missed"],
        "found_rate": round(counts["found"] / total, 3),
        "found_or_partial_rate": round((counts["found"] + counts["partial"]) / total, 3),
        "found_or_partial_rate_district_counts": round(
            (counts["found"] + counts["partial"] + sum(item["district_only"] for item in judged)) / total, 3
        ),
        "area_right_where_the_label_names_a_street": f"{sum(i['area_right'] for i in with_street)}/{len(with_street)}",
        "area_accuracy_where_the_label_names_a_street": round(
            sum(i["area_right"] for i in with_street) / max(1, len(with_street)), 3
        ),
        "deictic_or_movement_addresses_stored": sum(item["deictic"] for item in judged),
        "not_found": [
            {key: item[key] for key in ("id", "verdict", "key", "stored", "area")}
            for item in judged
            if item["verdict"] != "found"
        ],
    }


def dev_figures(part: str, *, verbose: bool = False) -> dict[str, Any]:
    """Found / partial / missed and exact addresses on one part of the place development set, per class."""
    places, _ = reference()
    streets = frozenset(place.name for place in places if place.depth == 3)
    judged = []
    for case in place_dev.cases(part):
        item = judge_place(case.id, case.label(streets), pipeline().run(case.text))
        judged.append({**item, "class": case.kind, "expected": case.address})
    if verbose:
        for item in judged:
            if item["verdict"] != "found" or not item["exact"]:
                print(f"{item['id']} {item['class']:9} {item['verdict']:7} {item['expected']} | {item['stored']}")
    counts = Counter(item["verdict"] for item in judged)
    by_class: dict[str, Counter[str]] = {}
    for item in judged:
        by_class.setdefault(item["class"], Counter())[item["verdict"]] += 1
    total = len(judged)
    return {
        "cases": total,
        "found": counts["found"],
        "partial": counts["partial"],
        "missed": counts["missed"],
        "found_or_partial_rate": round((counts["found"] + counts["partial"]) / max(1, total), 3),
        "exact_addresses": sum(item["exact"] for item in judged),
        "by_class": {
            kind: f"{c['found']} found, {c['partial']} partial, {c['missed']} missed"
            for kind, c in sorted(by_class.items())
        },
    }


def web_messages(sample: int = 25) -> dict[str, Any]:
    """How many real web messages get an area and an address, with a sample of addresses to read."""
    with teddy("hotspot_messages.csv").open(encoding="utf-8") as handle:
        texts = [f"{row['title']}\n{row['detail']}".strip() for row in csv.DictReader(handle)]
    results = [pipeline().run(text) for text in texts]
    with_address = [(text, r.address) for text, r in zip(texts, results, strict=True) if r.address]
    step = max(1, len(with_address) // sample)
    return {
        "messages": len(texts),
        "with_an_area": sum(1 for r in results if r.area.value is not None),
        "with_an_address": len(with_address),
        "address_sample": [address for _text, address in with_address[::step][:sample]],
    }


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] in place_dev.PARTS:
        print(dev_figures(sys.argv[1], verbose=True))
        return
    if len(sys.argv) > 1 and sys.argv[1] in SEALED_SPLITS:  # a part named on its own: measured and written apart
        part = sys.argv[1]
        measured = figures(part)
        if part in SEALED_SPLITS and part != "final2":  # sealed (final2 is tuning material now): no ids listed
            measured.pop("not_found")
        report(f"calls_place_{part}", {part: measured})
        return
    if len(sys.argv) > 1 and sys.argv[1] == "tune":
        tune = figures("tune", verbose=True)
        print({key: value for key, value in tune.items() if key != "not_found"})
        return
    report(
        "calls_place",
        {
            "rule": "found: district right, the address holds the key place and every number; partial: district "
            "right or the key place held; missed otherwise (see the module docstring)",
            "held_out": figures("held_out"),
            "final": figures("final"),  # the third writer's calls, measured with the method frozen
            "tune": figures("tune"),
            "web_messages_hotspot_messages_csv": web_messages(),
        },
    )


if __name__ == "__main__":
    main()
