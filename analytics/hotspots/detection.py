"""Hotspot detection (集中热点): many citizens reporting the same problem in the same place.

Pure code: plain ``HotspotItem`` rows in, ``DetectedHotspot`` rows out (``types``); no Django. The service
(``analytics.hotspots.services``) loads the window's orders, calls ``detect_hotspots`` and stores the
result. ``detect_hotspots`` runs the steps, each written up in the docstring of its module:

1. ``vectors``: each order's text (the first ``vectors.MAX_TEXT_CHARS`` characters) becomes sparse vectors
   of what happened (distinctive character pairs) and where (place-name bigrams, districts named, the
   gazetteer's district, street and community).
2. ``pairs``: orders are compared within their district, chunk by chunk as sparse products on every core,
   and each candidate pair gets the duplicate finder's "same event" probability.
3. ``clustering``: average linkage on the graph of probable pairs groups them, so a chain a–b–c with a
   and c unrelated is not one group; the previous window's orders that would have joined each group are
   counted (its ``previous_count``).
4. Here: a group is a hotspot when it has at least ``min_reports`` distinct callers (``MIN_REPORTS``): the
   same caller writing again is one witness; reports without a phone count once per submitting account. Its area is
   the deepest gazetteer area a majority of its members share, its district the one most members lie in,
   its timeline the reports of every day from its first to its last.
5. ``labels``: "place + problem", e.g. "丽发新城 搅拌站噪音".
6. ``heat``: the heat index from reports, distinct callers, growth, urgency and likes, and whether the
   hotspot is emerging against its area and category's usual volume.

The hotspots come back hottest first. Problems that recur over months are found from the monthly hotspots
by ``monthly``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

import numpy as np

from analytics.hotspots.clustering import LINK_P, average_linkage, sibling_counts
from analytics.hotspots.heat import AreaKey, growth, heat_index, is_emerging, urgency_share, usual_volumes
from analytics.hotspots.labels import hotspot_label
from analytics.hotspots.pairs import edges
from analytics.hotspots.types import DetectedHotspot, HotspotItem
from analytics.hotspots.vectors import vectorise
from triage.duplicates import TermWeights, default_weights

MIN_REPORTS = 3  # a hotspot has at least this many distinct callers (in a month, for the monthly topics)


def detect_hotspots(
    items: Sequence[HotspotItem],
    *,
    window_end: datetime,
    window_days: int = 30,
    min_reports: int = MIN_REPORTS,
    baseline: Mapping[AreaKey, float] | None = None,
    previous: Sequence[HotspotItem] = (),
) -> list[DetectedHotspot]:
    """The hotspots among the orders created in (window_end - window_days, window_end], hottest first.

    ``previous``: orders of the window before, for each hotspot's growth; ``baseline``: the usual reports per
    window of each (area, category) key, for the emerging rule (the previous window's volume stands in when
    there is none)."""
    window_start = window_end - timedelta(days=window_days)
    current = [it for it in items if window_start < it.created_at <= window_end]
    earlier = [it for it in previous if window_start - timedelta(days=window_days) < it.created_at <= window_start]
    if not current:
        return []
    weights = default_weights()
    # both windows in one batch, so that their vectors share columns
    batch = vectorise([*current, *earlier], weights)
    n = len(current)
    vectors = batch.take(np.arange(n))
    ia, ib, p = edges(vectors)
    groups = [
        sorted(g, key=lambda r: (current[r].created_at, current[r].id)) for g in average_linkage(n, ia, ib, p, LINK_P)
    ]
    groups = [g for g in groups if _distinct_callers([current[r] for r in g]) >= min_reports]
    siblings = sibling_counts(vectors, batch.take(np.arange(n, n + len(earlier))), groups)

    usual = usual_volumes(baseline, earlier)
    hotspots = [
        _hotspot([current[r] for r in rows], previous_count, weights, usual, min_reports)
        for rows, previous_count in zip(groups, siblings, strict=True)
    ]
    hotspots.sort(key=lambda h: (-h.heat, -h.count, h.first_seen))
    return hotspots


def _hotspot(
    members: Sequence[HotspotItem],
    previous_count: int,
    weights: TermWeights,
    usual: Mapping[AreaKey, float] | None,
    min_reports: int,
) -> DetectedHotspot:
    """One group of orders (oldest first) as a hotspot: its label, heat, area and whether it is emerging."""
    count = len(members)
    callers = _distinct_callers(members)
    grown = growth(count, previous_count)
    urgency = urgency_share(members)
    likes = sum(max(it.likes, 0) for it in members)
    heat, parts = heat_index(reports=count, distinct_callers=callers, growth=grown, urgency_share=urgency, likes=likes)
    label = hotspot_label([it.text for it in members], weights)
    category = Counter(it.category for it in members if it.category).most_common(1)
    district = Counter(_district_key(it) for it in members).most_common(1)[0][0]
    area = _deepest_area(members)
    key = (area, category[0][0] if category else "")
    return DetectedHotspot(
        member_ids=tuple(it.id for it in members),
        label=label.label,
        place=label.place,
        problem=label.problem,
        terms=label.terms,
        area_id=area,
        category=key[1],
        first_seen=min(it.created_at for it in members),
        last_seen=max(it.created_at for it in members),
        count=count,
        distinct_callers=callers,
        previous_count=previous_count,
        growth=round(grown, 3),
        urgency_share=round(urgency, 3),
        likes=likes,
        heat=heat,
        heat_parts=parts,
        emerging=is_emerging(count=count, previous_count=previous_count, key=key, usual=usual, min_reports=min_reports),
        timeline=_timeline(members),
        departments=tuple(Counter(it.department for it in members if it.department).most_common()),
        district_id=district,
    )


def _distinct_callers(items: Sequence[HotspotItem]) -> int:
    """Witnesses: different caller keys (``services.caller_key``: a phone, or the account that submitted an
    unidentified report); an order with no key at all (made by hand, no phone) counts as its own caller."""
    return len({it.caller for it in items if it.caller}) + sum(1 for it in items if not it.caller)


def _deepest_area(items: Sequence[HotspotItem]) -> int | None:
    """The deepest gazetteer area that a majority of the members lie in."""
    area: int | None = None
    depth = 0
    while True:
        prefixes = Counter(it.area_path[: depth + 1] for it in items if len(it.area_path) > depth)
        if not prefixes:
            return area
        prefix, count = prefixes.most_common(1)[0]
        if count * 2 <= len(items) or (area is not None and prefix[:-1] and prefix[-2] != area):
            return area
        area = prefix[-1]
        depth += 1


def _district_key(item: HotspotItem) -> int | None:
    return item.area_path[1] if len(item.area_path) > 1 else None


def _timeline(items: Sequence[HotspotItem]) -> tuple[tuple[date, int], ...]:
    """Reports per day, every day from the first report's to the last's (days without any count 0)."""
    days = Counter(it.created_at.date() for it in items)
    first, last = min(days), max(days)
    span = (last - first).days
    return tuple((first + timedelta(days=d), days.get(first + timedelta(days=d), 0)) for d in range(span + 1))
