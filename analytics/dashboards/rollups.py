"""Refreshing the rollup tables the dashboards read (see analytics.models.rollups).

Each refresh recomputes whole local days: it deletes the rollup rows of those days and inserts them again
with one ``INSERT … SELECT … GROUP BY`` per table, all in one transaction, so a dashboard never sees half a
refresh. The SQL is written once for SQLite and PostgreSQL: only the local-date expression differs, and
Django's database operations supply it.

The department work (the three rates) is counted from the append-only event log, handling round by handling
round (analytics.dashboards.rounds): a past day's counts never change. The volumes follow the orders as they
are: orders created earlier but dispatched again within the window (a return re-dispatched, a late dispatch)
change which departments hold them, so the days they were created on are recomputed too.

The periodic task recomputes the last three days every ten minutes and the last DEEP_DAYS once a day;
``manage.py refresh_rollups --all`` rebuilds everything."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from analytics.dashboards import rounds
from analytics.dashboards.sql import DayRange, Sql, day_start, local_day, merge_days, stamp, within
from analytics.models import (
    AiReviewDaily,
    DepartmentDaily,
    DepartmentVolumeDaily,
    OrderVolumeDaily,
    ReturnDaily,
    RollupRefresh,
    SubmissionDaily,
)
from hotline.models import Submission
from workorders.choices import VISIBLE_ASSIGNMENT_STATUSES, Action, AreaKind
from workorders.models import AiFieldReview, Area, Assignment, Category, Department, WorkOrder, WorkOrderEvent

logger = logging.getLogger(__name__)

DEFAULT_DAYS = 3
VACUUM_AFTER_DAYS = 31  # a refresh of more days than this cleans up after itself (see _vacuum)
DEEP_DAYS = 62  # the daily refresh: late edits to older orders' category or area are rare after two months
KEEP_REFRESH_RECORDS = timedelta(days=30)
_LOCK_KEY = 0x12345  # PostgreSQL advisory lock: one refresh at a time, so two never insert the same days

T_ORDER = WorkOrder._meta.db_table
T_ASSIGNMENT = Assignment._meta.db_table
T_EVENT = WorkOrderEvent._meta.db_table
T_REVIEW = AiFieldReview._meta.db_table
T_SUBMISSION = Submission._meta.db_table


_VISIBLE = ", ".join(f"'{status}'" for status in VISIBLE_ASSIGNMENT_STATUSES)


def _pairs(first: str, second: str, pairs: Iterable[tuple[int, int]]) -> str:
    """A small table of id pairs written into the query (VALUES), e.g. each category and its level-1
    category. Read from the reference tables, which hold hundreds of rows, and given to the database as
    data rather than as a join on the materialised paths: with a LIKE join the planners cannot estimate
    the rows and fall back to comparing every order with every category (5 s instead of 0.1 s at 1M
    orders). A (0, 0) row keeps the list valid when a table is empty; no id is 0."""
    rows = ", ".join(f"({int(a)}, {int(b)})" for a, b in [*pairs, (0, 0)])
    return f"SELECT column1 AS {first}, column2 AS {second} FROM (VALUES {rows}) AS pairs"


@dataclass(frozen=True)
class Trees:
    """Each category's level-1 category, each area's district, each department's ancestors (itself too)."""

    level1: str
    district: str
    scope: str

    @classmethod
    def read(cls) -> Trees:
        def ids(path: str) -> list[int]:
            return [int(part) for part in path.strip("/").split("/") if part]

        level1 = [(pk, ids(path)[0]) for pk, path in Category.objects.values_list("pk", "path") if path]
        districts = set(Area.objects.filter(kind=AreaKind.DISTRICT).values_list("pk", flat=True))
        district = []
        for pk, path in Area.objects.values_list("pk", "path"):
            found = next((ancestor for ancestor in ids(path) if ancestor in districts), None)
            if found is not None:
                district.append((pk, found))
        scope = [(pk, ancestor) for pk, path in Department.objects.values_list("pk", "path") for ancestor in ids(path)]
        return cls(
            _pairs("category_id", "level1_id", level1),
            _pairs("area_id", "district_id", district),
            _pairs("department_id", "scope_id", scope),
        )


def _order_volume(ranges: list[DayRange], trees: Trees) -> Sql:
    return (
        Sql(f"INSERT INTO {OrderVolumeDaily._meta.db_table} (day, channel, category_id, district_id, orders) SELECT ")
        + local_day("o.created_at")
        + f", o.channel, l1.level1_id, di.district_id, COUNT(*) FROM {T_ORDER} o "
        f"LEFT JOIN ({trees.level1}) l1 ON l1.category_id = o.category_id "
        f"LEFT JOIN ({trees.district}) di ON di.area_id = o.area_id WHERE "
        + within(ranges, "o.created_at")
        + " GROUP BY 1, 2, 3, 4"
    )


def _department_volume(ranges: list[DayRange], trees: Trees) -> Sql:
    # An order counts for every department at or above one of its current assignments' departments,
    # once per department (COUNT DISTINCT), which is exactly the department's officers' scope.
    return (
        Sql(
            f"INSERT INTO {DepartmentVolumeDaily._meta.db_table} "
            "(day, department_id, channel, category_id, district_id, orders) SELECT "
        )
        + local_day("o.created_at")
        + f", t.scope_id, o.channel, l1.level1_id, di.district_id, COUNT(DISTINCT o.id) FROM {T_ORDER} o "
        f"JOIN {T_ASSIGNMENT} a ON a.order_id = o.id AND a.status IN ({_VISIBLE}) "
        f"JOIN ({trees.scope}) t ON t.department_id = a.department_id "
        f"LEFT JOIN ({trees.level1}) l1 ON l1.category_id = o.category_id "
        f"LEFT JOIN ({trees.district}) di ON di.area_id = o.area_id WHERE "
        + within(ranges, "o.created_at")
        + " GROUP BY 1, 2, 3, 4, 5"
    )


def _submissions(ranges: list[DayRange]) -> Sql:
    return (
        Sql(f"INSERT INTO {SubmissionDaily._meta.db_table} (day, channel, submissions) SELECT ")
        + local_day("s.received_at")
        + f", s.channel, COUNT(*) FROM {T_SUBMISSION} s WHERE "
        + within(ranges, "s.received_at")
        + " GROUP BY 1, 2"
    )


_DEPARTMENT_COLUMNS = (
    "dispatched",
    "sign_due",
    "signed_on_time",
    "signed",
    "replied",
    "callbacks",
    "resolved",
    "satisfied",
)


def _branch(day_column: str, department: str, values: dict[str, str], source: Sql | str, where: Sql | str) -> Sql:
    """One part of the department rollup: counts of one kind, each dated by its own moment."""
    columns = ", ".join(f"{values.get(name, '0')} AS {name}" for name in _DEPARTMENT_COLUMNS)
    return (
        Sql("SELECT ")
        + local_day(day_column)
        + f" AS day, {department} AS department_id, {columns} FROM "
        + source
        + " WHERE "
        + where
        + " GROUP BY 1, 2"
    )


def _department_work(ranges: list[DayRange], now: datetime, *, whole_history: bool = False) -> Sql:
    """Each department's own work per day, from the event log (see analytics.dashboards.rounds): what a
    department did in a handling round stays counted on its day when a later round begins."""
    events = f"{T_EVENT} e"
    branches = [
        # Assignments are made once and never deleted: each counts on the day it was made.
        _branch("a.assigned_at", "a.department_id", {"dispatched": "COUNT(*)"}, f"{T_ASSIGNMENT} a",
                within(ranges, "a.assigned_at")),
        _branch(
            "k.sign_due_at", "k.department_id",
            {"sign_due": "COUNT(*)", "signed_on_time": "SUM(CASE WHEN k.signed_at <= k.sign_due_at THEN 1 ELSE 0 END)"},
            Sql("(") + rounds.sign_cohort(ranges, now=now, whole_history=whole_history) + ") k", "1 = 1",
        ),
        # Signatures and replies, in one pass over the events of the days.
        _branch(
            "e.created_at", "e.department_id",
            {"signed": f"SUM(CASE WHEN e.action IN ({rounds.SIGNATURES}) THEN 1 ELSE 0 END)",
             "replied": f"SUM(CASE WHEN e.action IN ({rounds.REPLIES}) THEN 1 ELSE 0 END)"},
            events, Sql(f"e.action IN ({rounds.SIGNATURES}, {rounds.REPLIES}) AND ") + within(ranges, "e.created_at"),
        ),
        _branch(
            "c.created_at", "c.department_id",
            {"callbacks": "COUNT(*)", "resolved": "SUM(c.resolved)", "satisfied": "SUM(c.satisfied)"},
            Sql("(") + rounds.credited_callbacks(ranges) + ") c", "1 = 1",
        ),
    ]  # fmt: skip
    sums = ", ".join(f"SUM({name})" for name in _DEPARTMENT_COLUMNS)
    return (
        Sql(
            f"INSERT INTO {DepartmentDaily._meta.db_table} (day, department_id, {', '.join(_DEPARTMENT_COLUMNS)}) "
            f"SELECT day, department_id, {sums} FROM ("
        )
        + Sql.join(" UNION ALL ", branches)
        + ") work GROUP BY day, department_id"
    )


def _returns(ranges: list[DayRange]) -> Sql:
    return (
        Sql(f"INSERT INTO {ReturnDaily._meta.db_table} (day, department_id, reason, returns) SELECT ")
        + local_day("e.created_at")
        + f", e.department_id, e.reason_code, COUNT(*) FROM {T_EVENT} e "
        f"WHERE e.action = '{Action.RETURN.value}' AND e.department_id IS NOT NULL AND "
        + within(ranges, "e.created_at")
        + " GROUP BY 1, 2, 3"
    )


def _ai_reviews(ranges: list[DayRange]) -> Sql:
    return (
        Sql(f"INSERT INTO {AiReviewDaily._meta.db_table} (day, field, category_level1, reviewed, accepted) SELECT ")
        + local_day("r.created_at")
        + Sql(
            f", r.field, r.category_level1, COUNT(*), SUM(CASE WHEN r.accepted THEN 1 ELSE 0 END) FROM {T_REVIEW} r "
            "WHERE r.automatic = %s AND ",
            [False],
        )
        + within(ranges, "r.created_at")
        + " GROUP BY 1, 2, 3"
    )


def _dispatched_again(window: DayRange) -> list[date]:
    """Earlier days whose orders got new assignments within the window: their department scope changed."""
    query = (
        Sql("SELECT DISTINCT ")
        + local_day("o.created_at")
        + f" FROM {T_ASSIGNMENT} a JOIN {T_ORDER} o ON o.id = a.order_id "
        "WHERE a.assigned_at >= %s AND o.created_at < %s"
    )
    query.params += [stamp(day_start(window.first)), stamp(day_start(window.first))]
    with connection.cursor() as cursor:
        cursor.execute(query.text, query.params)
        found = [row[0] for row in cursor.fetchall()]
    return [day if isinstance(day, date) else date.fromisoformat(str(day)) for day in found]


def first_day_with_data() -> date | None:
    moments = [
        WorkOrder.objects.aggregate(first=Min("created_at"))["first"],
        Submission.objects.aggregate(first=Min("received_at"))["first"],
    ]
    moments = [moment for moment in moments if moment is not None]
    return timezone.localdate(min(moments)) if moments else None


def rollups_refresh(*, days: int | None = DEFAULT_DAYS, now: datetime | None = None) -> RollupRefresh:
    """Recompute the last ``days`` local days (today included) of every rollup, or all of them with
    ``days=None``. Returns the record of the refresh."""
    started = time.perf_counter()
    moment = now or timezone.now()
    today = timezone.localdate(moment)
    if days is None:
        first = first_day_with_data() or today
    else:
        if days < 1:
            raise ValueError("days must be at least 1")
        first = today - timedelta(days=days - 1)
    window = DayRange(min(first, today), today)
    rows: dict[str, int] = {}
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
                cursor.execute("SET LOCAL work_mem = '64MB'")
                # The planner sees a rebuild's scans of millions of events as costly enough to compile, and
                # compiling them took 3 s of a rebuild at a million orders without making the scans faster.
                cursor.execute("SET LOCAL jit = off")
        volume_ranges = merge_days([*_dispatched_again(window), *_days(window)])
        trees = Trees.read()
        plan = [
            (OrderVolumeDaily, volume_ranges, _order_volume(volume_ranges, trees)),
            (DepartmentVolumeDaily, volume_ranges, _department_volume(volume_ranges, trees)),
            (SubmissionDaily, [window], _submissions([window])),
            (DepartmentDaily, [window], _department_work([window], moment, whole_history=days is None)),
            (ReturnDaily, [window], _returns([window])),
            (AiReviewDaily, [window], _ai_reviews([window])),
        ]
        with connection.cursor() as cursor:
            for model, ranges, insert in plan:
                delete = Sql(f"DELETE FROM {model._meta.db_table} WHERE ") + within(ranges, "day", dates=True)
                cursor.execute(delete.text, delete.params)
                cursor.execute(insert.text, insert.params)
                rows[model._meta.model_name] = cursor.rowcount
        record = RollupRefresh.objects.create(
            finished_at=timezone.now(),
            first_day=window.first,
            last_day=window.last,
            days=window.days,
            seconds=round(time.perf_counter() - started, 3),
            rows=rows,
        )
        RollupRefresh.objects.filter(finished_at__lt=moment - KEEP_REFRESH_RECORDS).delete()
    if window.days > VACUUM_AFTER_DAYS:
        _vacuum([model for model, _ranges, _insert in plan])
    logger.info("rollups refreshed for %s–%s in %.2f s: %s", window.first, window.last, record.seconds, rows)
    return record


def _vacuum(models: list[type]) -> None:
    """After rewriting many days, clean the tables and renew their statistics. A rebuild leaves as many dead
    rows as live ones, and until autovacuum comes by the planner reads both (a year's figures took 0.16 s
    per query instead of 0.07 s at a million orders). PostgreSQL only, and only outside a transaction."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")


def _days(window: DayRange) -> list[date]:
    return [window.first + timedelta(days=offset) for offset in range(window.days)]
