"""Monthly topics (每月一题): problems that come back month after month, candidates for proactive governance.

Input: each month's hotspots (the pages rebuild them from the stored hotspots' daily timelines,
``analytics.hotspots.selectors.monthly_topics``). Two hotspots are the same problem when they share orders,
or when they lie in the same district (where both districts are known: 人民路 in two districts is two
roads), their places agree (one name contains the other; or, both unnamed, the same area) and their
problems agree (same problem phrase or a third of their terms in common). Hottest first, each hotspot joins
the first group whose hottest hotspot is the same problem, else starts one: every member is like that
anchor, so a chain of small likenesses (a ~ b, b ~ c) never puts unrelated problems together. Groups seen
in at least ``min_months`` months are candidates; so is a single month's hotspot that is large and
persistent (≥ ``LARGE_REPORTS`` reports from ≥ ``LARGE_CALLERS`` callers over ≥ ``LARGE_DAYS`` days). Ranked
by months seen, then total heat; each carries a one-line reason.

Pure code: hotspots in, candidates out; no Django.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from analytics.hotspots.types import DetectedHotspot

LARGE_REPORTS = 20
LARGE_CALLERS = 10
LARGE_DAYS = 14


@dataclass(frozen=True)
class Candidate:
    """A 每月一题 candidate: one problem at one place, over the months it was a hotspot."""

    label: str
    place: str
    problem: str
    months: tuple[str, ...]
    reports: int  # summed over the months
    distinct_callers: int  # the most in any one month (callers are not comparable across months)
    heat: float  # summed over the months
    reason: str
    hotspots: tuple[DetectedHotspot, ...]


def _same_problem(a: DetectedHotspot, b: DetectedHotspot) -> bool:
    """Whether two hotspots (of different months) are the same problem at the same place."""
    if set(a.member_ids) & set(b.member_ids):
        return True
    if a.district_id is not None and b.district_id is not None and a.district_id != b.district_id:
        return False  # 人民路 in two districts is two roads
    if a.place and b.place:
        same_place = a.place in b.place or b.place in a.place
    else:
        same_place = not a.place and not b.place and a.area_id is not None and a.area_id == b.area_id
    if not same_place:
        return False
    if a.problem and a.problem == b.problem:
        return True
    terms_a = set(a.terms) - {a.place}
    terms_b = set(b.terms) - {b.place}
    if not terms_a or not terms_b:
        return False
    return len(terms_a & terms_b) / min(len(terms_a), len(terms_b)) >= 1 / 3


def monthly_candidates(
    hotspots_by_month: Mapping[str, Sequence[DetectedHotspot]], *, min_months: int = 2
) -> list[Candidate]:
    """每月一题: problems that were hotspots in at least ``min_months`` months, or one month's large and
    persistent hotspots; ranked by months seen, then total heat."""
    entries = [(month, h) for month in sorted(hotspots_by_month) for h in hotspots_by_month[month]]
    # Hottest first, each hotspot joins the first group whose hottest hotspot (its anchor) is the same
    # problem, else starts a group: every member is like the anchor, so no chain of small likenesses
    # (a ~ b, b ~ c) puts unrelated problems together.
    groups: list[list[tuple[str, DetectedHotspot]]] = []
    for month, hotspot in sorted(entries, key=lambda entry: (-entry[1].heat, entry[0])):
        for group in groups:
            _, anchor = group[0]
            if _same_problem(anchor, hotspot):
                group.append((month, hotspot))
                break
        else:
            groups.append([(month, hotspot)])

    candidates = []
    for group in groups:
        months = tuple(sorted({month for month, _ in group}))
        hotspots = tuple(h for _, h in group)
        reports = sum(h.count for h in hotspots)
        callers = max(h.distinct_callers for h in hotspots)
        heat = round(sum(h.heat for h in hotspots), 2)
        hottest = max(hotspots, key=lambda h: h.heat)
        if len(months) >= min_months:
            reason = f"{len(months)} months ({', '.join(months)}): {reports} reports, up to {callers} callers a month"
        else:
            persistent = [
                h
                for h in hotspots
                if h.count >= LARGE_REPORTS
                and h.distinct_callers >= LARGE_CALLERS
                and (h.last_seen - h.first_seen) >= timedelta(days=LARGE_DAYS)
            ]
            if not persistent:
                continue
            big = max(persistent, key=lambda h: h.count)
            days = (big.last_seen - big.first_seen).days
            reason = f"large and persistent in {months[0]}: {big.count} reports from {big.distinct_callers} callers over {days} days"
        candidates.append(
            Candidate(
                label=hottest.label,
                place=hottest.place,
                problem=hottest.problem,
                months=months,
                reports=reports,
                distinct_callers=callers,
                heat=heat,
                reason=reason,
                hotspots=hotspots,
            )
        )
    candidates.sort(key=lambda c: (-len(c.months), -c.heat, c.label))
    return candidates
