"""Hotspot detection over the orders of the last 30 days, and keeping the hotspots found.

The grouping itself is pure (``analytics.hotspots.detection``); this module fetches the window's orders in a
few set-based queries, the baseline per district and category, stores the hotspots (a hotspot found again
keeps its identity: it is matched by its members), archives the ones that went quiet, and raises an alert —
a ``HotspotAlert`` row and the ``hotspot_emerged`` signal — for every newly emerging one.
"""

from __future__ import annotations

import logging
import resource
import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Case, Count, Value, When
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from analytics.hotspots.detection import detect_hotspots
from analytics.hotspots.heat import AreaKey, area_keys
from analytics.hotspots.types import DetectedHotspot, HotspotItem
from analytics.models import Hotspot, HotspotAlert, HotspotMember, HotspotRun, HotspotStatus
from analytics.signals import hotspot_emerged
from triage.datasets import model_text
from triage.privacy import mask_with
from workorders.choices import AreaKind, Status
from workorders.models import Area, Category, WorkOrder

logger = logging.getLogger(__name__)

WINDOW_DAYS = 30
BASELINE_WINDOWS = 6  # the usual level of an area and category: the mean of the six windows before
MATCH_SHARE = 0.5  # a detected group is a known hotspot when half of its members already belong to it
TEXT_CHARS = 400  # the start of an appeal is enough to tell what and where


def _path_ids(path: str | None, cities: frozenset[int]) -> tuple[int, ...]:
    """Gazetteer ids root→leaf with the city first, so that index 1 is always the district (a gazetteer
    whose districts have no city above them gets a placeholder city 0)."""
    ids = tuple(int(part) for part in (path or "").strip("/").split("/") if part)
    if ids and ids[0] not in cities:
        ids = (0, *ids)
    return ids


def _cities() -> frozenset[int]:
    return frozenset(Area.objects.filter(kind=AreaKind.CITY).values_list("pk", flat=True))


def _items(start: datetime, end: datetime, cities: frozenset[int]) -> list[HotspotItem]:
    """The orders received in [start, end) as plain items, in one query. Detection reads masked text only
    (its labels and terms are stored and shown to every manager and officer): the title, masked (an operator
    may have written a name or a phone into it), and the start of the masked appeal, which is triage's. An
    order triage has not reached yet has no masked appeal and its title is as the caller gave it: both are
    masked here (``_unanalysed_text``); only those few rows bring their whole appeal."""
    rows = (
        WorkOrder.objects.filter(created_at__gte=start, created_at__lt=end)
        .exclude(status=Status.CANCELLED)
        .annotate(
            masked_start=Substr("appeal_masked", 1, TEXT_CHARS),
            # the appeal is encrypted: decrypted (by its field) only for the few rows triage has not masked yet
            unmasked_appeal=Case(
                When(appeal_masked="", then="appeal"),
                default=Value(""),
                output_field=WorkOrder._meta.get_field("appeal"),
            ),
        )
        .values_list(
            "pk",
            "title",
            "masked_start",
            "unmasked_appeal",
            "created_at",
            "area__path",
            "category__full_name",
            "caller_name",
            "caller_phone",
            "caller_phone_hash",
            "source_submission__submitted_by_id",
            "urgency",
            "source_submission__likes",
            "lead_department__name",
        )
    )
    return [
        HotspotItem(
            id=pk,
            text=f"{_masked_title(title, name, phone)}\n{masked}" if masked else _unanalysed_text(title, appeal),
            created_at=timezone.localtime(created),
            area_path=_path_ids(path, cities),
            category=(category or "").split(" / ")[0],
            caller=caller_key(phone_hash, submitted_by),
            urgency=urgency,
            likes=likes or 0,
            department=department or "",
        )
        for (
            pk,
            title,
            masked,
            appeal,
            created,
            path,
            category,
            name,
            phone,
            phone_hash,
            submitted_by,
            urgency,
            likes,
            department,
        ) in rows.iterator(chunk_size=5000)
    ]


def caller_key(phone_hash: str, submitted_by: int | None) -> str:
    """Who reported, as a hotspot counts witnesses: the caller's phone (its keyed hash, ``caller_phone_hash``);
    without one, only the account that submitted it (a connected system or an operator), so that a flood of
    unidentified submissions from one system counts as one witness, never as hundreds (nor raises an emerging
    alert by itself)."""
    if phone_hash:
        return f"phone:{phone_hash}"
    return f"unidentified via {submitted_by}" if submitted_by else "unidentified"


def _masked_title(title: str, caller_name: str, caller_phone: str) -> str:
    """A title as an operator may have written it, masked: what the masker finds, and the caller's name and phone
    written with no cue word (周建国反映路灯不亮)."""
    return mask_with(title, values=(("NAME", caller_name), ("MOBILE", caller_phone))).text


def _unanalysed_text(title: str, appeal: str) -> str:
    """The title and the start of the appeal of an order triage has not reached yet, masked as the order masks
    its appeal for the models (``WorkOrder.text_for_models``). The whole appeal is masked before it is cut:
    a phone or ID number cut in half at the cut would no longer be recognised."""
    return f"{model_text(title)}\n{model_text(appeal)[:TEXT_CHARS]}"


def _baseline(end: datetime, cities: frozenset[int]) -> dict[AreaKey, float]:
    """Reports per window per (area, level-1 category) at every level of the gazetteer (``area_keys``),
    averaged over the windows before this one: one grouped query, the areas above each path added here."""
    start = end - timedelta(days=WINDOW_DAYS * (BASELINE_WINDOWS + 1))
    stop = end - timedelta(days=WINDOW_DAYS)
    rows = (
        WorkOrder.objects.filter(created_at__gte=start, created_at__lt=stop)
        .values("area__path", "category__full_name")
        .annotate(n=Count("id"))
    )
    baseline: dict[AreaKey, float] = defaultdict(float)
    for row in rows:
        category = (row["category__full_name"] or "").split(" / ")[0]
        for key in area_keys(_path_ids(row["area__path"], cities), category):
            baseline[key] += row["n"] / BASELINE_WINDOWS
    return dict(baseline)


def hotspots_detect(*, now: datetime | None = None, window_days: int = WINDOW_DAYS) -> HotspotRun:
    """Detect the hotspots of the last ``window_days`` and store them. Returns the run with its figures."""
    end = now or timezone.now()
    start = end - timedelta(days=window_days)
    started = time.perf_counter()
    run = HotspotRun.objects.create(window_start=start, window_end=end)
    cities = _cities()
    items = _items(start, end, cities)
    previous = _items(start - timedelta(days=window_days), start, cities)
    detected = detect_hotspots(
        items, window_end=end, window_days=window_days, baseline=_baseline(end, cities), previous=previous
    )
    emerging = hotspots_store(detected=detected, run=run, now=end)
    run.finished_at = timezone.now()
    run.orders, run.hotspots, run.emerging = len(items), len(detected), emerging
    run.seconds = round(time.perf_counter() - started, 2)
    run.peak_memory_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    run.save()
    logger.info(
        "hotspot run: %s orders, %s hotspots, %s emerging, %.1f s", len(items), len(detected), emerging, run.seconds
    )
    return run


@transaction.atomic
def hotspots_store(*, detected: Sequence[DetectedHotspot], run: HotspotRun, now: datetime) -> int:
    """Create or update the hotspots found; cool down or archive the ones not found again. Returns the
    number of new alerts. A few set-based statements whatever the number of hotspots (thousands at city
    scale): one read of the current memberships, one bulk insert and one bulk update of hotspots, one bulk
    insert of members and one of alerts."""
    live = [HotspotStatus.ACTIVE, HotspotStatus.COOLING]
    member_of: dict[int, int] = dict(
        HotspotMember.objects.filter(hotspot__status__in=live).values_list("order_id", "hotspot_id")
    )
    categories = dict(Category.objects.filter(level=1).values_list("name", "pk"))
    areas = set(Area.objects.filter(pk__in={d.area_id for d in detected if d.area_id}).values_list("pk", flat=True))
    matches: list[int | None] = []
    claimed: set[int] = set()
    for found in detected:
        votes: dict[int, int] = defaultdict(int)
        for member in found.member_ids:
            if member in member_of:
                votes[member_of[member]] += 1
        known_id = max(votes, key=votes.__getitem__) if votes else None
        if known_id is None or known_id in claimed or votes[known_id] < MATCH_SHARE * len(found.member_ids):
            known_id = None
        else:
            claimed.add(known_id)
        matches.append(known_id)
    known = Hotspot.objects.in_bulk(claimed) if claimed else {}
    fresh: list[Hotspot] = []
    updated: list[Hotspot] = []
    pairs: list[tuple[Hotspot, DetectedHotspot, bool]] = []
    for found, known_id in zip(detected, matches, strict=True):
        if known_id is not None:
            hotspot = known[known_id]
            was_emerging = hotspot.is_emerging
            updated.append(hotspot)
        else:
            hotspot, was_emerging = Hotspot(first_seen=found.first_seen, last_seen=found.last_seen), False
            fresh.append(hotspot)
        _fill(hotspot, found, run, categories, areas)
        pairs.append((hotspot, found, was_emerging))
    Hotspot.objects.bulk_create(fresh, batch_size=500)
    # an upsert on the primary key: one INSERT … ON CONFLICT (id) DO UPDATE per batch (bulk_update's
    # CASE WHEN per row and field takes minutes for thousands of hotspots)
    Hotspot.objects.bulk_create(
        updated, update_conflicts=True, unique_fields=["id"], update_fields=STORED_FIELDS, batch_size=500
    )
    HotspotMember.objects.bulk_create(
        [
            HotspotMember(hotspot=hotspot, order_id=order_id)
            for hotspot, found, _ in pairs
            for order_id in found.member_ids
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )
    alerts = [
        HotspotAlert(
            hotspot=hotspot,
            message=_("Emerging hotspot: %(label)s — %(count)s reports from %(callers)s callers")
            % {"label": hotspot.label, "count": found.count, "callers": found.distinct_callers},
            created_at=now,
        )
        for hotspot, found, was_emerging in pairs
        if found.emerging and not was_emerging
    ]
    # hotspots not found this time cool down, and are archived when nothing came in for a whole window
    stale = Hotspot.objects.filter(status__in=live).exclude(last_run=run)
    stale.filter(last_seen__lt=now - timedelta(days=WINDOW_DAYS)).update(
        status=HotspotStatus.ARCHIVED, is_emerging=False
    )
    stale.filter(status=HotspotStatus.ACTIVE).update(status=HotspotStatus.COOLING, is_emerging=False)
    created = HotspotAlert.objects.bulk_create(alerts)
    for alert in created:
        transaction.on_commit(
            lambda alert=alert: hotspot_emerged.send(sender=Hotspot, hotspot=alert.hotspot, alert=alert)
        )
    return len(created)


# what a run writes on a hotspot it found again
STORED_FIELDS = [
    "label", "problem", "place_name", "area", "category", "status", "first_seen", "last_seen", "order_count",
    "distinct_callers", "growth", "heat", "heat_parts", "is_emerging", "terms", "timeline", "departments",
    "last_run", "updated_at",
]  # fmt: skip


def _fill(
    hotspot: Hotspot, found: DetectedHotspot, run: HotspotRun, categories: dict[str, int], areas: set[int]
) -> None:
    hotspot.label = found.label[:120]
    hotspot.problem = found.problem[:120]
    hotspot.place_name = found.place[:120]
    hotspot.area_id = found.area_id if found.area_id in areas else None
    hotspot.category_id = categories.get(found.category)
    hotspot.status = HotspotStatus.ACTIVE
    hotspot.first_seen = min(hotspot.first_seen or found.first_seen, found.first_seen)
    hotspot.last_seen = max(hotspot.last_seen or found.last_seen, found.last_seen)
    hotspot.order_count = found.count
    hotspot.distinct_callers = found.distinct_callers
    hotspot.growth = round(found.growth, 3)
    hotspot.heat = round(found.heat, 3)
    hotspot.heat_parts = {key: round(value, 3) for key, value in found.heat_parts.items()}
    hotspot.is_emerging = found.emerging
    hotspot.terms = list(found.terms)
    # the timeline keeps the days before this window from earlier runs: a hotspot that goes on for months
    # shows every month (the monthly topics read it)
    window_first = timezone.localtime(run.window_start).date().isoformat()
    timeline = {day: count for day, count in hotspot.timeline or [] if day < window_first}
    timeline.update((day.isoformat(), count) for day, count in found.timeline)
    hotspot.timeline = sorted([day, count] for day, count in timeline.items())
    hotspot.departments = [[name, count] for name, count in found.departments]
    hotspot.last_run = run
    hotspot.updated_at = timezone.now()


def hotspot_alert_acknowledge(*, alert: HotspotAlert, by: object) -> HotspotAlert:
    if alert.acknowledged_at is None:
        alert.acknowledged_at = timezone.now()
        alert.acknowledged_by = by  # type: ignore[assignment]
        alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
    return alert
