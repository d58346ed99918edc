"""The plain rows hotspot detection takes and gives back; no Django.

``HotspotItem`` is one order as detection sees it: the service builds them from the window's orders
(``analytics.hotspots.services``), the benchmark from the public messages. ``DetectedHotspot`` is one
hotspot found by ``analytics.hotspots.detection.detect_hotspots``, with everything the service stores and
the pages show; the monthly topics (``analytics.hotspots.monthly``) compare them across months. Both are
frozen: detection never changes an item, and a hotspot is a finished result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class HotspotItem:
    """One order as detection sees it."""

    id: int
    text: str  # title + appeal (masked)
    created_at: datetime  # aware
    area_path: tuple[int, ...] = ()  # gazetteer ids root→leaf (city, district, street, community); () unknown
    category: str = ""  # level-1 category name
    caller: str = ""  # caller key (same caller ≠ new witness)
    urgency: str = "normal"  # normal | urgent | emergency
    likes: int = 0  # public likes (web messages)
    department: str = ""  # lead department name


@dataclass(frozen=True)
class DetectedHotspot:
    """One hotspot: its orders, its label (``labels``), its heat and whether it is emerging (``heat``)."""

    member_ids: tuple[int, ...]  # oldest first
    label: str  # "place + problem", e.g. "丽发新城小区 搅拌站噪音" (≤ 40 chars)
    place: str
    problem: str
    terms: tuple[str, ...]
    area_id: int | None  # the deepest gazetteer area most members share
    category: str
    first_seen: datetime
    last_seen: datetime
    count: int
    distinct_callers: int
    previous_count: int  # orders of the previous window that would have joined it
    growth: float
    urgency_share: float
    likes: int
    heat: float
    heat_parts: dict[str, float]
    emerging: bool
    timeline: tuple[tuple[date, int], ...]  # reports per day, every day from the first to the last
    departments: tuple[tuple[str, int], ...]  # lead departments, most orders first
    district_id: int | None = None  # the district most members lie in (None: unknown)
