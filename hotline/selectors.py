"""Reads of intake data, and the triage pipeline built from the reference data and the active model."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from hotline import model_registry
from hotline.models import (
    LlmCall,
    ModelKind,
    ModelStatus,
    ModelVersion,
    OrderTextKey,
    Submission,
    SubmissionStatus,
    TriageSettings,
)
from triage.duplicates import DUPLICATE_THRESHOLD, INDEX_CANDIDATES, INDEX_MAX_POSTINGS, DuplicateFinder, Report
from triage.pipeline import TriagePipeline
from triage.types import CategoryRef, PlaceRef
from workorders import permissions
from workorders.choices import Status, Urgency
from workorders.models import Area, Category, DispatchRule, WorkOrder
from workorders.triage_record import RelatedOrder

logger = logging.getLogger(__name__)


def submissions_due_for_triage(now: datetime, *, broker_idle: bool = True) -> QuerySet[Submission]:
    """Submissions still waiting for analysis whose task was lost, failed, or is overdue for a retry.

    With a broker, a submission received long ago may simply be waiting its turn behind a backlog: it counts as
    lost only when the broker's triage queue is empty (``broker_idle``), and a failed one only when its retry is
    overdue by the stall period (the worker holds the retry itself). Without a broker (in-process mode) the sweep
    is what retries, as soon as a retry is due."""
    stall = timedelta(seconds=settings.HOTLINE["TRIAGE_STALL_SECONDS"])
    retry_overdue = now if settings.CELERY_TASK_ALWAYS_EAGER else now - stall
    lost = Q(next_attempt_at__lte=retry_overdue)
    if broker_idle:
        lost |= Q(next_attempt_at__isnull=True, received_at__lt=now - stall)
    return Submission.objects.filter(
        status__in=[SubmissionStatus.RECEIVED, SubmissionStatus.FAILED],
        attempts__lt=settings.HOTLINE["TRIAGE_MAX_ATTEMPTS"],
    ).filter(lost)


def submissions_waiting(*, limit: int, exclude: int | None = None) -> list[int]:
    """The ids of the submissions waiting for their first analysis, oldest first (a triage task's batch)."""
    waiting = Submission.objects.filter(status=SubmissionStatus.RECEIVED, next_attempt_at__isnull=True)
    if exclude is not None:
        waiting = waiting.exclude(pk=exclude)
    return list(waiting.order_by("received_at", "pk").values_list("pk", flat=True)[:limit])


def submissions_not_analysed(ids: list[int]) -> list[int]:
    """Those of ``ids`` not analysed yet, in the order given (a message's submissions: behind a backlog, most were
    analysed by another task's batch meanwhile, and are not locked and read one by one to find that out)."""
    left = set(
        Submission.objects.filter(pk__in=ids).exclude(status=SubmissionStatus.TRIAGED).values_list("pk", flat=True)
    )
    return [submission_id for submission_id in ids if submission_id in left]


@dataclass(frozen=True)
class TriageBacklog:
    """What waits for analysis: submissions not analysed yet (failed ones waiting for a retry included), the oldest
    one's age, and the broker's queues by purpose (None without a broker, or when it did not answer)."""

    waiting: int
    oldest_received_at: datetime | None
    oldest_age_seconds: float | None
    alert_seconds: int
    queues: dict[str, int | None]

    @property
    def alert(self) -> bool:
        return self.oldest_age_seconds is not None and self.oldest_age_seconds > self.alert_seconds


def triage_backlog(now: datetime | None = None) -> TriageBacklog:
    now = now or timezone.now()
    waiting = Submission.objects.filter(status__in=[SubmissionStatus.RECEIVED, SubmissionStatus.FAILED])
    figures = waiting.aggregate(n=Count("id"), oldest=Min("received_at"))
    oldest = figures["oldest"]
    queues: dict[str, int | None] = {}
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        names = settings.CELERY_QUEUES_BY_PURPOSE
        depths = broker_queue_depths(list(dict.fromkeys(names.values())))
        queues = {purpose: depths[name] for purpose, name in names.items()}
    return TriageBacklog(
        waiting=figures["n"],
        oldest_received_at=oldest,
        oldest_age_seconds=max(0.0, (now - oldest).total_seconds()) if oldest else None,
        alert_seconds=settings.HOTLINE["TRIAGE_ALERT_SECONDS"],
        queues=queues,
    )


def broker_queue_depth(queue: str) -> int | None:
    """Messages waiting in a queue of the broker (Redis or RabbitMQ), not counting those a worker has taken;
    None when the broker cannot be asked. A queue that was never used holds none."""
    return broker_queue_depths([queue])[queue]


def broker_queue_depths(queues: list[str]) -> dict[str, int | None]:
    """``broker_queue_depth`` of several queues over one connection."""
    from celery import current_app

    depths: dict[str, int | None] = dict.fromkeys(queues)
    try:
        with current_app.connection_for_read() as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, timeout=2)
            for queue in queues:
                channel = connection.channel()  # RabbitMQ closes a channel asked about a queue it does not have
                try:
                    depths[queue] = int(channel.queue_declare(queue=queue, passive=True).message_count)
                except connection.channel_errors:  # no such queue (yet): nothing ever waited in it
                    depths[queue] = 0
                finally:
                    with contextlib.suppress(Exception):
                        channel.close()
    except Exception:  # the broker is down or refused us; the caller says it could not tell
        logger.warning("could not read queue depths from the broker", exc_info=True)
    return depths


def place_refs() -> list[PlaceRef]:
    return [
        PlaceRef(id=pk, name=name, kind=kind, depth=path.count("/") - 1, aliases=tuple(aliases or ()), parent_id=parent)
        for pk, name, kind, path, aliases, parent in Area.objects.values_list(
            "pk", "name", "kind", "path", "aliases", "parent_id"
        )
    ]


def category_refs() -> list[CategoryRef]:
    return [
        CategoryRef(id=pk, level=level, name=name, parent_name=parent_name or "")
        for pk, level, name, parent_name in Category.objects.values_list("pk", "level", "name", "parent__name")
    ]


# --- the pipeline, built once per process and rebuilt when the reference data or the active model change --

_PIPELINE_TTL_SECONDS = 300  # another process's edits to the gazetteer or taxonomy show within this time
_pipeline_lock = threading.Lock()
_pipeline: dict[str, object] = {}


@dataclass(frozen=True)
class TriageReference:
    """The pipeline, the gazetteer's and taxonomy's rows it was built from by id, and the dispatch catalogue's
    active rules: what triage turns its guesses into without a query per call (read once per build)."""

    pipeline: TriagePipeline
    areas: Mapping[int, Area]
    categories: Mapping[int, Category]
    dispatch_rules: tuple[DispatchRule, ...]
    # the administrator's auto-dispatch settings as they are now (read with the signature, never cached)
    policy: TriageSettings = field(default_factory=TriageSettings)


def _reference_signature() -> tuple[object, ...]:
    """What the cached reference depends on, in one statement (it is read before every analysis): the active
    level-1 model (id, version); the gazetteer's and taxonomy's sizes and last ids; and sums over the dispatch
    catalogue's rules and their assisting departments that any added, removed or edited rule changes. The same
    statement reads the administrator's triage settings (the last element: a TriageSettings not saved), so an
    analysis needs no query of its own for them."""
    from django.db import connection

    quote = connection.ops.quote_name
    models_table, areas, categories, rules, policies = (
        quote(m._meta.db_table) for m in (ModelVersion, Area, Category, DispatchRule, TriageSettings)
    )
    assisting = quote(DispatchRule.assisting_departments.through._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT m.id, m.version, a.n, a.last, c.n, c.last, r.n, r.l, r.c, r.a, r.act, d.n, d.s,"
            f" t.auto_dispatch, t.min_category_confidence, t.min_department_confidence"
            f" FROM (SELECT COUNT(*) AS n, MAX(id) AS last FROM {areas}) a"
            f" CROSS JOIN (SELECT COUNT(*) AS n, MAX(id) AS last FROM {categories}) c"
            f" CROSS JOIN (SELECT COUNT(*) AS n, SUM(id * lead_department_id) AS l, SUM(id * category_id) AS c,"
            f" SUM(id * COALESCE(area_id, 0)) AS a, SUM(CASE WHEN is_active THEN id ELSE 0 END) AS act"
            f" FROM {rules}) r"
            f" CROSS JOIN (SELECT COUNT(*) AS n, SUM(dispatchrule_id * department_id) AS s FROM {assisting}) d"
            f" LEFT JOIN (SELECT id, version FROM {models_table} WHERE kind = %s AND status = %s"
            f" ORDER BY created_at DESC LIMIT 1) m ON 1 = 1"
            f" LEFT JOIN {policies} t ON t.id = 1",
            [ModelKind.CATEGORY_LEVEL1, ModelStatus.ACTIVE],
        )
        model_id, model_version, *sizes, auto_dispatch, min_category, min_department = cursor.fetchone()
    active = (model_id, model_version) if model_id is not None else None
    policy = TriageSettings(pk=1)  # the defaults, until an administrator saves the settings
    if auto_dispatch is not None:
        policy.auto_dispatch = bool(auto_dispatch)
        policy.min_category_confidence = min_category
        policy.min_department_confidence = min_department
    return (active, tuple(sizes[:4]), tuple(sizes[4:]), policy)


def forget_pipeline(**_kwargs: object) -> None:
    """Drop the cached pipeline (the gazetteer, taxonomy or dispatch catalogue changed in this process)."""
    with _pipeline_lock:
        _pipeline.clear()


for _model in (Area, Category, DispatchRule):
    post_save.connect(forget_pipeline, sender=_model, dispatch_uid=f"forget-pipeline-save-{_model.__name__}")
    post_delete.connect(forget_pipeline, sender=_model, dispatch_uid=f"forget-pipeline-delete-{_model.__name__}")
m2m_changed.connect(
    forget_pipeline, sender=DispatchRule.assisting_departments.through, dispatch_uid="forget-pipeline-assisting"
)


def current_pipeline() -> TriagePipeline:
    """The triage pipeline for the current gazetteer, taxonomy and active level-1 model."""
    return current_reference().pipeline


def current_reference() -> TriageReference:
    """``current_pipeline`` with the areas, categories and dispatch rules it goes with: the pipeline is rebuilt
    when the reference data or the active model change (checked in one statement on every call) or after
    _PIPELINE_TTL_SECONDS, the rules alone are read again when the catalogue changes."""
    active, sizes, catalogue, policy = _reference_signature()
    with _pipeline_lock:
        cached = _pipeline.get("reference")
        fresh = time.monotonic() - float(_pipeline.get("built_at", 0.0)) < _PIPELINE_TTL_SECONDS  # type: ignore[arg-type]
        same = cached is not None and fresh and _pipeline.get("key") == (active, sizes)
        if same and _pipeline.get("catalogue") == catalogue:
            return replace(cached, policy=policy)  # type: ignore[type-var]
    rules = tuple(
        DispatchRule.objects.filter(is_active=True)
        .select_related("category", "lead_department", "area")
        .prefetch_related("assisting_departments")
    )
    if same:
        reference = replace(cached, dispatch_rules=rules, policy=policy)  # type: ignore[type-var]
        with _pipeline_lock:
            _pipeline.update({"reference": reference, "catalogue": catalogue})
        return reference
    model = model_registry.load_level1(active[0]) if active else None
    reference = TriageReference(
        pipeline=TriagePipeline(
            places=place_refs(),
            categories=category_refs(),
            level1_model=model,
            level1_version=active[1] if active else "",
        ),
        areas=Area.objects.in_bulk(),
        categories=Category.objects.in_bulk(),
        dispatch_rules=rules,
        policy=policy,
    )
    with _pipeline_lock:
        _pipeline.update(
            {"reference": reference, "key": (active, sizes), "catalogue": catalogue, "built_at": time.monotonic()}
        )
    return reference


def _areas_under(path: str) -> list[int]:
    """The ids of the areas at or under ``path`` (a district's), from the rows the pipeline was built with."""
    reference = _pipeline.get("reference")
    if isinstance(reference, TriageReference):
        return [pk for pk, area in reference.areas.items() if area.path.startswith(path)]
    return list(Area.objects.filter(path__startswith=path).values_list("pk", flat=True))


# --- related orders -----------------------------------------------------------------------------------

RELATED_WINDOW = timedelta(days=30)
RELATED_CANDIDATES = INDEX_CANDIDATES  # the open orders sharing the most rare terms are scored, no more
OPEN_FOR_MERGING = (Status.DRAFT, Status.DISPATCHED, Status.SIGNED, Status.RETURNED, Status.REPLIED)


@cache
def duplicate_finder() -> DuplicateFinder:
    """One finder per process: it keeps the candidates' vectors between intakes and order pages."""
    return DuplicateFinder()


def related_candidates(order: WorkOrder, *, keys: Mapping[int, float], around: bool = False) -> list[Report]:
    """The open orders of the 30 days before ``order`` (``around``: also of the 30 days after it, for an order
    page read later) that share the most of its rare terms (``keys``, from ``triage.duplicates.index_keys``), in
    its district or of unknown place (all districts when its own place is unknown), newest first, as plain
    reports for duplicate detection.

    The cost does not grow with the backlog: the inverted index (``OrderTextKey``) names at most
    RELATED_CANDIDATES orders, and only their id, title, masked text, time, place and caller are read. An order
    not analysed yet has no keys, so it is not a candidate anywhere (it had no place to be judged by)."""
    return [report for report, _number in related_candidates_numbered(order, keys=keys, around=around)]


def related_candidates_numbered(
    order: WorkOrder, *, keys: Mapping[int, float], around: bool = False
) -> list[tuple[Report, str]]:
    """``related_candidates`` with each order's number, read in the same statement (triage records the numbers of
    the related orders it finds)."""
    if not keys:
        return []
    district = None
    if order.area_id:
        district = _areas_under("/".join(order.area.path.split("/")[:3]) + "/")  # "/<city>/<district>/"
    rows = _candidate_rows(
        keys,
        since=order.created_at - RELATED_WINDOW,
        until=order.created_at + RELATED_WINDOW if around else order.created_at,
        exclude=order.pk,
        areas=district,
    )
    rows.sort(key=lambda row: (row[4], row[0]), reverse=True)  # newest first
    return [
        (
            Report(
                id=pk,
                text=f"{title}\n{masked}",
                received_at=created_at,
                area_ids=_area_ids(path),
                caller=phone,
                emergency=urgency == Urgency.EMERGENCY,
            ),
            number,
        )
        for pk, number, title, masked, created_at, path, phone, urgency in rows
    ]


RELATED_KEY_MAX_ORDERS = INDEX_MAX_POSTINGS  # postings of one key in the window above which it is not rare there
COMMON_KEY_SECONDS = 600
_common_keys: dict[int, float] = {}  # key -> when this process found it common (monotonic seconds)
_common_lock = threading.Lock()
# what is read of each candidate: id, number, title, masked appeal, time, its area's path, caller's hash, urgency
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_CANDIDATE_COLUMNS = ("id", "number", "title", "appeal_masked", "created_at", "caller_phone_hash", "urgency")


def _candidate_rows(
    keys: Mapping[int, float], *, since: datetime, until: datetime, exclude: int | None, areas: list[int] | None
) -> list[tuple[Any, ...]]:
    """The RELATED_CANDIDATES open orders sharing the most weight of ``keys`` among the postings of ``since``..
    ``until`` (in ``areas`` or of unknown place, when given), as rows of (id, number, title, masked appeal,
    created_at, area path, caller's phone hash, urgency), in no particular order.

    A key with more than RELATED_KEY_MAX_ORDERS postings in the window is left out: it is not rare among these
    orders, whatever the data set's IDF says (the operator's greeting in every call, 请讲 or 坐席, is in a third of
    them), so it would rank every call that has it above the reports of the same event, and reading its postings
    would grow with the backlog. So a call reads at most RELATED_KEY_MAX_ORDERS + 1 postings per key, and a key
    found common is not read again by this process for COMMON_KEY_SECONDS (it stays common: its postings leave the
    window a month later).

    On PostgreSQL one statement: each key's postings read from the covering index, summed per order, then the
    orders joined best first for their status, place and the columns read, so the join stops at the
    RELATED_CANDIDATES-th order that qualifies: a plan that neither scans the window per order nor reads every open
    order, whatever the statistics (materialised CTEs keep that order)."""
    from django.db import connection

    wanted = [key for key in keys if not _known_common(key)]
    if not wanted:
        return []
    if connection.vendor == "postgresql":
        rows, common = _candidate_rows_postgresql(wanted, since=since, until=until, exclude=exclude, areas=areas)
    else:
        rows, common = _candidate_rows_portable(wanted, since=since, until=until, exclude=exclude, areas=areas)
    _remember_common(common)
    return rows


def _known_common(key: int) -> bool:
    seen = _common_keys.get(key)
    return seen is not None and time.monotonic() - seen < COMMON_KEY_SECONDS


def _remember_common(keys: list[int]) -> None:
    if not keys:
        return
    now = time.monotonic()
    with _common_lock:
        for key in [k for k, seen in _common_keys.items() if now - seen >= COMMON_KEY_SECONDS]:
            del _common_keys[key]
        _common_keys.update(dict.fromkeys(keys, now))


def forget_common_keys() -> None:
    """Forget the keys this process found common (tests; a window that changed at once)."""
    with _common_lock:
        _common_keys.clear()


def _place_filter(areas: list[int] | None) -> tuple[str, list[int]]:
    if areas is None:
        return "", []
    if not areas:
        return " AND o.area_id IS NULL", []
    return f" AND (o.area_id IN ({', '.join(['%s'] * len(areas))}) OR o.area_id IS NULL)", list(areas)


def _candidate_rows_postgresql(
    keys: list[int], *, since: datetime, until: datetime, exclude: int | None, areas: list[int] | None
) -> tuple[list[tuple[Any, ...]], list[int]]:
    """``_candidate_rows`` in one statement: each key's postings read through the covering index, at most
    RELATED_KEY_MAX_ORDERS + 1 (enough to tell a common key); the common keys come back as rows of their own."""
    from django.db import connection

    quote = connection.ops.quote_name
    place, place_params = _place_filter(areas)
    statuses = ", ".join(["%s"] * len(OPEN_FOR_MERGING))
    columns = ", ".join(f"o.{quote(column)}" for column in _CANDIDATE_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH per_key AS MATERIALIZED ("
            f"SELECT k.key, p.order_id, p.weight, p.orders FROM unnest(%s::bigint[]) AS k(key) CROSS JOIN LATERAL ("
            f"SELECT s.order_id, s.weight, COUNT(*) OVER () AS orders FROM ("
            f"SELECT t.order_id, t.weight FROM {quote(OrderTextKey._meta.db_table)} t"
            f" WHERE t.{quote('key')} = k.key AND t.created_at >= %s AND t.created_at <= %s LIMIT %s) s) p),"
            f" postings AS MATERIALIZED (SELECT order_id, SUM(weight) AS shared FROM per_key"
            f" WHERE orders <= %s AND order_id <> %s GROUP BY order_id),"
            f" best AS MATERIALIZED (SELECT {columns}, o.area_id FROM ("
            f"SELECT order_id, shared FROM postings ORDER BY shared DESC, order_id DESC OFFSET 0) p"
            f" JOIN {quote(WorkOrder._meta.db_table)} o ON o.id = p.order_id"
            f" WHERE o.status IN ({statuses}){place} ORDER BY p.shared DESC, p.order_id DESC LIMIT %s)"
            # the time as microseconds since the epoch: 200 timestamps turned into datetimes by the database
            # driver cost more than the rest of the rows
            f" SELECT b.id, b.number, b.title, b.appeal_masked,"
            f" (EXTRACT(EPOCH FROM b.created_at) * 1000000)::bigint, b.caller_phone_hash, b.urgency, b.area_id,"
            f" a.path, NULL::bigint FROM best b LEFT JOIN {quote(Area._meta.db_table)} a ON a.id = b.area_id"
            f" UNION ALL SELECT {', '.join(['NULL'] * (len(_CANDIDATE_COLUMNS) + 2))}, c.key"
            f" FROM (SELECT DISTINCT key FROM per_key WHERE orders > %s) c",
            [
                keys,
                since,
                until,
                RELATED_KEY_MAX_ORDERS + 1,
                RELATED_KEY_MAX_ORDERS,
                exclude if exclude is not None else -1,
                *OPEN_FOR_MERGING,
                *place_params,
                RELATED_CANDIDATES,
                RELATED_KEY_MAX_ORDERS,
            ],
        )
        found = cursor.fetchall()
    rows = [
        (*row[:4], _EPOCH + timedelta(microseconds=row[4]), row[8], *row[5:7]) for row in found if row[0] is not None
    ]
    return rows, [row[-1] for row in found if row[0] is None]


def _candidate_rows_portable(
    keys: list[int], *, since: datetime, until: datetime, exclude: int | None, areas: list[int] | None
) -> tuple[list[tuple[Any, ...]], list[int]]:
    """``_candidate_rows`` on a database without lateral joins (SQLite in development and tests): the postings
    counted per key in Python, then the orders read."""
    postings = list(
        OrderTextKey.objects.filter(key__in=keys, created_at__gte=since, created_at__lte=until).values_list(
            "key", "order_id", "weight"
        )
    )
    per_key = Counter(key for key, _order, _weight in postings)
    common = [key for key, count in per_key.items() if count > RELATED_KEY_MAX_ORDERS]
    shared: dict[int, float] = {}
    for key, order_id, weight in postings:
        if per_key[key] <= RELATED_KEY_MAX_ORDERS and order_id != exclude:
            shared[order_id] = shared.get(order_id, 0.0) + weight
    open_orders = WorkOrder.objects.filter(pk__in=list(shared), status__in=OPEN_FOR_MERGING)
    if areas is not None:
        open_orders = open_orders.filter(Q(area_id__in=areas) | Q(area__isnull=True))
    best = sorted(open_orders.values_list("pk", flat=True), key=lambda pk: (-shared[pk], -pk))[:RELATED_CANDIDATES]
    rows = WorkOrder.objects.filter(pk__in=best).values_list(
        "pk", "number", "title", "appeal_masked", "created_at", "area__path", "caller_phone_hash", "urgency"
    )
    return list(rows), common


def _area_ids(path: str | None) -> tuple[int, ...]:
    return tuple(int(part) for part in path.strip("/").split("/")) if path else ()


def order_as_report(order: WorkOrder) -> Report:
    """An analysed order as duplicate detection reads it: the same text its index keys were made from."""
    return Report(
        id=order.pk,
        text=f"{order.title}\n{order.text_for_models}",
        received_at=order.created_at,
        area_ids=_area_ids(order.area.path if order.area_id else None),
        caller=order.caller_phone_hash,  # the phone's keyed hash: the phone is encrypted (and masked for display)
        emergency=order.urgency == Urgency.EMERGENCY,
    )


@dataclass(frozen=True)
class RelatedRow:
    """One open order about the same event (or a related one) as the order page shows it: what the operator
    needs to judge it without opening it."""

    id: int
    number: str
    title: str
    status: str
    status_label: str
    created_at: datetime
    score: float
    same_event: bool  # "likely the same event" (score at DUPLICATE_THRESHOLD, and not on places alone)
    same_caller: bool
    shared_terms: tuple[str, ...]
    urgency_differs: bool  # one is an emergency and the other not: judged on what happened only
    newer: bool  # arrived after this order


RELATED_SHOWN = 5


def related_rows(order: WorkOrder, user: object) -> list[RelatedRow]:
    """The open orders about the same event as ``order`` that ``user`` may see, best first, scored now.

    Read at page time from the index of rare terms (``OrderTextKey``), before and after the order, so an order
    shows the reports that arrived after it too, with today's urgencies and statuses. An order the index no
    longer holds (older than the window, or never analysed live) shows what triage found when it arrived, with
    the urgency rule applied to today's urgencies."""
    keys = dict(OrderTextKey.objects.filter(order=order).values_list("key", "weight"))
    if keys:
        new = order_as_report(order)
        candidates = related_candidates(order, keys=keys, around=True)
        matches = duplicate_finder().matches(new, candidates, limit=RELATED_SHOWN)
        found = [
            RelatedOrder(
                id=m.id,
                score=round(m.score, 3),
                duplicate=m.score >= DUPLICATE_THRESHOLD,
                same_caller=m.same_caller,
                shared_terms=m.shared_terms,
                reasons=m.reasons,
            )
            for m in matches
        ]
    else:
        found = list(order.triage_record.related)
    shown = {
        o.pk: o
        for o in permissions.orders_visible_to(user)
        .filter(pk__in=[r.id for r in found], status__in=OPEN_FOR_MERGING)
        .only("pk", "number", "title", "status", "created_at", "urgency")
    }
    emergency = order.urgency == Urgency.EMERGENCY
    rows = []
    for r in found:
        other = shown.get(r.id)
        if other is None:
            continue
        differs = "urgency_differs" in r.reasons or (other.urgency == Urgency.EMERGENCY) != emergency
        # a relation found before the urgency rule (or before an urgency changed) is not "the same event" when
        # the urgencies differ now: triage could not have judged it on what happened alone
        same_event = r.duplicate and ("urgency_differs" in r.reasons or not differs)
        rows.append(
            RelatedRow(
                id=other.pk,
                number=other.number,
                title=other.title,
                status=other.status,
                status_label=str(other.get_status_display()),
                created_at=other.created_at,
                score=r.score,
                same_event=same_event,
                same_caller=r.same_caller,
                shared_terms=r.shared_terms,
                urgency_differs=differs,
                newer=other.created_at > order.created_at,
            )
        )
    return rows


def sender_ids_received(*, prefix: str) -> set[str]:
    """The sender ids already received that start with ``prefix`` (an import's own ids), on any channel."""
    return set(Submission.objects.filter(sender_id__startswith=prefix).values_list("sender_id", flat=True))


# --- the LLM: drafts waiting for an answer, and the call log ------------------------------------------------


def orders_with_pending_llm_draft() -> QuerySet[WorkOrder]:
    """Orders whose LLM draft was asked for and has no outcome yet (``triage["llm"]["status"] == "pending"``).

    A key filter on the triage JSON rather than a second table: the pending state is part of the order's LLM
    record (``workorders.triage_record.LlmRecord``), which the order page, the draft policy and the task read
    together, and a separate row would have to be kept in step with it in every write. The filter scans the
    orders; that is a fraction of a second at a hundred thousand orders and the sweep runs every few minutes. At
    millions of orders on PostgreSQL, a partial expression index (``(triage->'llm'->>'status')`` where it is
    ``pending``, a workorders migration) keeps it an index read without changing this query."""
    return WorkOrder.objects.filter(triage__llm__status="pending").order_by("pk")


@dataclass(frozen=True)
class LlmCallFigures:
    """The endpoint's calls over a period (the health page)."""

    calls: int
    errors: int  # failed or unusable answers; a refused output format is not counted
    p50_ms: float | None
    p95_ms: float | None
    tokens: int

    @property
    def error_rate(self) -> float | None:
        return self.errors / self.calls if self.calls else None


def _percentile(ordered: list[float], share: float) -> float | None:
    if not ordered:
        return None
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def llm_call_figures(since: datetime) -> LlmCallFigures:
    calls = LlmCall.objects.filter(at__gte=since)
    totals = calls.aggregate(
        calls=Count("id"),
        errors=Count("id", filter=~Q(status__in=["ok", "format_rejected"])),
        tokens=Coalesce(Sum("prompt_tokens"), 0) + Coalesce(Sum("completion_tokens"), 0),
    )
    latencies = sorted(calls.values_list("latency_ms", flat=True))
    return LlmCallFigures(
        totals["calls"], totals["errors"], _percentile(latencies, 0.5), _percentile(latencies, 0.95), totals["tokens"]
    )


def llm_usage_since(since: datetime) -> tuple[int, int]:
    """Calls and tokens since a moment, every process's (the hour's budget)."""
    totals = LlmCall.objects.filter(at__gte=since).aggregate(
        calls=Count("id"), tokens=Coalesce(Sum("prompt_tokens"), 0) + Coalesce(Sum("completion_tokens"), 0)
    )
    return totals["calls"], totals["tokens"]


@dataclass(frozen=True)
class LlmDay:
    day: date
    calls: int
    errors: int
    tokens: int


def llm_days(days: int = 7, now: datetime | None = None) -> list[LlmDay]:
    """Calls, errors and tokens per local day, for the last ``days`` days (today included), oldest first."""
    today = timezone.localdate(now or timezone.now())
    first = today - timedelta(days=days - 1)
    start = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    rows = (
        LlmCall.objects.filter(at__gte=start)
        .annotate(day=TruncDate("at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(
            calls=Count("id"),
            errors=Count("id", filter=~Q(status__in=["ok", "format_rejected"])),
            tokens=Coalesce(Sum("prompt_tokens"), 0) + Coalesce(Sum("completion_tokens"), 0),
        )
    )
    by_day = {row["day"]: row for row in rows}
    result = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        row = by_day.get(day, {})
        result.append(LlmDay(day, row.get("calls", 0), row.get("errors", 0), row.get("tokens", 0)))
    return result


@dataclass(frozen=True)
class IntakeFlow:
    """Intake and analysis over the last minutes (the health and metrics endpoints)."""

    window_seconds: int
    received: int  # submissions received in the window
    analysed: int  # submissions analysed in the window
    p50_seconds: float | None  # from receipt to analysis, of those analysed in the window
    p95_seconds: float | None
    last_analysed_at: datetime | None  # the last analysis anywhere: a worker is alive when this moves

    @property
    def received_per_second(self) -> float:
        return self.received / self.window_seconds


def intake_flow(*, window_seconds: int = 300, now: datetime | None = None) -> IntakeFlow:
    now = now or timezone.now()
    since = now - timedelta(seconds=window_seconds)
    received = Submission.objects.filter(received_at__gte=since).count()
    # Read through the index on received_at: what was analysed in the window among what arrived in the last day.
    recent = Submission.objects.filter(received_at__gte=now - timedelta(days=1))
    analysed = recent.filter(triaged_at__gte=since, status=SubmissionStatus.TRIAGED)
    waits = sorted(
        (triaged - received_at).total_seconds()
        for received_at, triaged in analysed.values_list("received_at", "triaged_at")[:5000]
    )
    return IntakeFlow(
        window_seconds=window_seconds,
        received=received,
        analysed=len(waits),
        p50_seconds=_percentile(waits, 0.5),
        p95_seconds=_percentile(waits, 0.95),
        last_analysed_at=recent.aggregate(last=Max("triaged_at"))["last"],
    )
