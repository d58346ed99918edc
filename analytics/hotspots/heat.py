"""How hot a hotspot is (热度指数), how much it grew, and whether it is emerging (新发热点).

Heat index (``heat_index``). Points, log-scaled so that doubling a hotspot adds a constant, not double the
heat::

    heat = 10·ln(1 + reports) + 20·ln(1 + distinct callers) + 10·ln(1 + max(growth, 0))
           + 30·urgency share + 5·ln(1 + likes)

``reports`` is the hotspot's orders in the window; ``distinct callers`` the different caller keys among them
(a phone; reports without one count once per submitting account, ``services.caller_key``), weighing twice the raw count: ten people once is hotter
than one person ten times. ``growth`` = (reports − previous) / max(previous, 1) (``growth``), where
``previous`` is the number of orders of the previous window that would have joined the hotspot
(``clustering.sibling_counts``); a new hotspot's growth is its count, and a shrinking one adds nothing.
``urgency share`` is (urgent + 2 × emergency orders) / reports, capped at 1 (``urgency_share``); ``likes``
the public likes the members carried (web messages). Three callers, three new reports: about 55; the 丽发新城
mixing plant (56 reports, 50 callers, new): about 160. ``heat_index`` returns each term too (rounded to
0.01, and the heat is their sum): the hotspot page shows them.

Emerging (``is_emerging``): a spike against the hotspot's area and category. The hotspot's key is its area
(the deepest gazetteer area most members share: a community, a street, a district or the city) and its
level-1 category. An order counts under its own area and every area above it (``area_keys``). With λ the
usual number of reports per window for the hotspot's key (``usual_volumes``: ``baseline`` if given, a
missing key counting 0; otherwise the count of the previous window's orders with that key), a hotspot is
**emerging** when

    growth ≥ EMERGING_GROWTH (1: at least doubled, or new)                       and
    reports − previous ≥ max(min_reports, EMERGING_SIGMAS·√λ)

that is, the hotspot's new reports alone are more than its area and category's usual volume varies from
window to window (3 Poisson standard deviations). So a new spike raises an alert even when its absolute
heat is modest (6 reports where 1 is usual), while a large hotspot that recurs every month at the usual
level does not (its growth is low), nor does a small new one in a busy area. Comparing with the hotspot's
own area is what makes the rule work in a big city: 8 reports of a gas smell at one compound are lost in
the hundreds of reports its district sends in a month (3√300 ≈ 52), but they stand out against the
handful its community usually sends. Without a baseline and without a previous window nothing is emerging
(there is nothing to compare against).

Pure code: counts in, numbers out; no Django.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from analytics.hotspots.types import HotspotItem

HEAT_REPORTS = 10.0
HEAT_CALLERS = 20.0
HEAT_GROWTH = 10.0
HEAT_URGENCY = 30.0
HEAT_LIKES = 5.0
_URGENCY_WEIGHT = {"urgent": 1.0, "emergency": 2.0}

EMERGING_GROWTH = 1.0
EMERGING_SIGMAS = 3.0

AreaKey = tuple[int | None, str]  # (gazetteer area id, level-1 category); (None, category): no known place


def heat_index(
    *, reports: int, distinct_callers: int, growth: float = 0.0, urgency_share: float = 0.0, likes: int = 0
) -> tuple[float, dict[str, float]]:
    """The heat index and its parts (see the module docstring)."""
    parts = {
        "reports": HEAT_REPORTS * math.log1p(max(reports, 0)),
        "callers": HEAT_CALLERS * math.log1p(max(distinct_callers, 0)),
        "growth": HEAT_GROWTH * math.log1p(max(growth, 0.0)),
        "urgency": HEAT_URGENCY * min(max(urgency_share, 0.0), 1.0),
        "likes": HEAT_LIKES * math.log1p(max(likes, 0)),
    }
    parts = {name: round(value, 2) for name, value in parts.items()}
    return round(sum(parts.values()), 2), parts


def growth(count: int, previous_count: int) -> float:
    """How much a hotspot grew against the previous window: a new hotspot's growth is its count."""
    return (count - previous_count) / max(previous_count, 1)


def urgency_share(items: Iterable[HotspotItem]) -> float:
    """(urgent + 2 × emergency orders) / orders, capped at 1; 0 for no orders."""
    items = list(items)
    if not items:
        return 0.0
    return min(1.0, sum(_URGENCY_WEIGHT.get(item.urgency, 0.0) for item in items) / len(items))


def area_keys(area_path: Sequence[int], category: str) -> list[AreaKey]:
    """The keys an order counts under for the emerging rule: its area and every area above it, with its
    category (an order in a community counts for its community, street, district and city)."""
    return [(area, category) for area in area_path] if area_path else [(None, category)]


def area_counts(items: Iterable[HotspotItem]) -> Counter[AreaKey]:
    """Orders per (area, category) at every level of the gazetteer."""
    counts: Counter[AreaKey] = Counter()
    for item in items:
        counts.update(area_keys(item.area_path, item.category))
    return counts


def usual_volumes(
    baseline: Mapping[AreaKey, float] | None, previous: Sequence[HotspotItem]
) -> Mapping[AreaKey, float] | None:
    """The usual reports per window of each key: the ``baseline`` when there is one, else the previous
    window's orders counted per key; None when there is neither (nothing to compare against)."""
    if baseline is not None:
        return baseline
    return area_counts(previous) if previous else None


def is_emerging(
    *, count: int, previous_count: int, key: AreaKey, usual: Mapping[AreaKey, float] | None, min_reports: int
) -> bool:
    """Whether a hotspot of ``count`` reports (``previous_count`` in the previous window) is a spike against
    the usual volume of its area and category ``key`` (see the module docstring)."""
    if usual is None:
        return False
    level = usual.get(key, 0.0)
    new_reports = count - previous_count
    return growth(count, previous_count) >= EMERGING_GROWTH and new_reports >= max(
        min_reports, EMERGING_SIGMAS * math.sqrt(max(level, 0.0))
    )
