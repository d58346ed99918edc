"""Reads of the dashboards. Counts over time come from the rollup tables (analytics.dashboards.rollups); what must be
current (overdue and due-soon orders) is queried from the orders directly, through indexes.

Scope is decided here, as everywhere in the system: the centre's roles see everything; a department
officer sees their department subtree, which for orders means orders with a current assignment of the
subtree (``workorders.permissions.orders_visible_to``) and for department figures the subtree's rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from accounts.models import User
from analytics.dashboards.rollups import day_start
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
from workorders import permissions
from workorders.choices import (
    OPEN_STATUSES,
    VISIBLE_ASSIGNMENT_STATUSES,
    Action,
    AreaKind,
    AssignmentStatus,
    ReturnReason,
    Satisfaction,
    Status,
)
from workorders.models import (
    AiFieldReview,
    Area,
    Assignment,
    Callback,
    Category,
    Department,
    WorkOrder,
    WorkOrderEvent,
)
from workorders.permissions import department_scope_q
from workorders.selectors import due_soon_q, order_list, overdue_q

SATISFIED = (Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED)


def top_departments() -> QuerySet[Department]:
    """Departments without a parent: each stands for its subtree, so together they cover every department once."""
    return Department.objects.filter(parent__isnull=True).order_by("path")


def child_departments(department: Department) -> QuerySet[Department]:
    return Department.objects.filter(parent=department).order_by("path")


def level1_categories() -> QuerySet[Category]:
    return Category.objects.filter(level=1).order_by("name")


def districts() -> QuerySet[Area]:
    return Area.objects.filter(kind=AreaKind.DISTRICT).order_by("code")


@dataclass(frozen=True)
class DashboardFilters:
    """The period and the slice a dashboard shows. ``department`` is None for the whole centre; for an
    officer it is always set (their own department or one below it)."""

    first: date
    last: date
    channel: str = ""
    category: Category | None = None  # level 1
    district: Area | None = None
    department: Department | None = None

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> DashboardFilters:
        """The same slice over the period of equal length just before this one."""
        span = timedelta(days=self.days)
        return DashboardFilters(
            self.first - span, self.first - timedelta(days=1), self.channel, self.category, self.district,
            self.department,
        )  # fmt: skip

    @cached_property
    def department_ids(self) -> list[int]:
        return subtree_ids(self.department) if self.department is not None else []

    @cached_property
    def category_ids(self) -> list[int]:
        return subtree_ids(self.category) if self.category is not None else []

    @cached_property
    def district_ids(self) -> list[int]:
        return subtree_ids(self.district) if self.district is not None else []

    @property
    def granularity(self) -> str:
        """How the period is cut for charts over time: days up to two months, weeks up to a year, else months."""
        if self.days <= 62:
            return "day"
        if self.days <= 366:
            return "week"
        return "month"


def last_refresh() -> RollupRefresh | None:
    return RollupRefresh.objects.order_by("-finished_at").first()


# --- volume -------------------------------------------------------------------------------------------


def _volume_rows(filters: DashboardFilters) -> QuerySet[Any]:
    """Rollup rows of orders in the slice: the centre's, or those in the department's scope."""
    if filters.department is None:
        rows: QuerySet[Any] = OrderVolumeDaily.objects.all()
    else:
        rows = DepartmentVolumeDaily.objects.filter(department=filters.department)
    return _sliced(rows.filter(day__range=(filters.first, filters.last)), filters)


def _sliced(rows: QuerySet[Any], filters: DashboardFilters) -> QuerySet[Any]:
    """Volume rollup rows cut by the slice's channel, category and district."""
    if filters.channel:
        rows = rows.filter(channel=filters.channel)
    if filters.category is not None:
        rows = rows.filter(category=filters.category)
    if filters.district is not None:
        rows = rows.filter(district=filters.district)
    return rows


def _bucket(granularity: str, field: str = "day") -> Any:
    if granularity == "week":
        return TruncWeek(field)
    if granularity == "month":
        return TruncMonth(field)
    return F(field)


def _as_date(value: Any) -> date:
    return value.date() if isinstance(value, datetime) else value


def volume_breakdown(filters: DashboardFilters) -> dict[tuple[str, int | None, int | None], int]:
    """Orders in the slice per (channel, level-1 category, district), from one pass over the rollup rows:
    every total and every split by one of those dimensions is a sum of these few hundred groups."""
    rows = _volume_rows(filters).values("channel", "category", "district").annotate(total=Sum("orders")).order_by()
    return {(row["channel"], row["category"], row["district"]): row["total"] for row in rows}


def orders_over_time(filters: DashboardFilters, *, split: str = "") -> list[tuple[date, Any, int]]:
    """(bucket start, split value or None, orders) in bucket order. ``split``: channel, category or district."""
    keys = ["bucket", split] if split else ["bucket"]
    rows = (
        _volume_rows(filters)
        .annotate(bucket=_bucket(filters.granularity))
        .values(*keys)
        .annotate(total=Sum("orders"))
        .order_by(*keys)
    )
    return [(_as_date(row["bucket"]), row.get(split) if split else None, row["total"]) for row in rows]


def _department_volume_rows(filters: DashboardFilters, departments: Iterable[Department]) -> QuerySet[Any]:
    rows = DepartmentVolumeDaily.objects.filter(
        day__range=(filters.first, filters.last), department__in=[d.pk for d in departments]
    )
    return _sliced(rows, filters)


def orders_by_department(filters: DashboardFilters, departments: Iterable[Department]) -> list[tuple[int, int]]:
    """(department id, orders in its scope) for the given departments, most first."""
    grouped = (
        _department_volume_rows(filters, departments)
        .values("department")
        .annotate(total=Sum("orders"))
        .order_by("-total", "department")
    )
    return [(row["department"], row["total"]) for row in grouped]


def orders_over_time_by_department(
    filters: DashboardFilters, departments: Iterable[Department]
) -> list[tuple[date, int, int]]:
    """(bucket start, department id, orders in its scope) in bucket order."""
    rows = (
        _department_volume_rows(filters, departments)
        .annotate(bucket=_bucket(filters.granularity))
        .values("bucket", "department")
        .annotate(total=Sum("orders"))
        .order_by("bucket", "department")
    )
    return [(_as_date(row["bucket"]), row["department"], row["total"]) for row in rows]


def submissions_over_time(filters: DashboardFilters) -> list[tuple[date, int]]:
    """Submissions (calls and messages as received) per bucket; channel is the only filter that applies."""
    rows = SubmissionDaily.objects.filter(day__range=(filters.first, filters.last))
    if filters.channel:
        rows = rows.filter(channel=filters.channel)
    grouped = (
        rows.annotate(bucket=_bucket(filters.granularity)).values("bucket").annotate(total=Sum("submissions"))
    ).order_by("bucket")
    return [(_as_date(row["bucket"]), row["total"]) for row in grouped]


# --- the three rates -----------------------------------------------------------------------------------

RATE_COUNTS = ("dispatched", "sign_due", "signed_on_time", "signed", "replied", "callbacks", "resolved", "satisfied")


@dataclass
class RateCounts:
    """Numerators and denominators of the three rates (三率) for one department (with its subtree) or more."""

    dispatched: int = 0
    sign_due: int = 0
    signed_on_time: int = 0
    signed: int = 0
    replied: int = 0
    callbacks: int = 0
    resolved: int = 0
    satisfied: int = 0

    def add(self, other: RateCounts | dict[str, Any]) -> None:
        for name in RATE_COUNTS:
            value = getattr(other, name) if isinstance(other, RateCounts) else other.get(name)
            setattr(self, name, getattr(self, name) + (value or 0))

    @property
    def response_rate(self) -> float | None:
        """响应率: assignments signed within the sign deadline ÷ assignments due to be signed."""
        return self.signed_on_time / self.sign_due if self.sign_due else None

    @property
    def resolution_rate(self) -> float | None:
        """解决率: callbacks where the citizen said the problem was resolved ÷ callbacks."""
        return self.resolved / self.callbacks if self.callbacks else None

    @property
    def satisfaction_rate(self) -> float | None:
        """满意率: callbacks satisfied or basically satisfied ÷ callbacks."""
        return self.satisfied / self.callbacks if self.callbacks else None


def _department_rows(filters: DashboardFilters) -> QuerySet[DepartmentDaily]:
    rows = DepartmentDaily.objects.filter(day__range=(filters.first, filters.last))
    if filters.department is not None:
        rows = rows.filter(department_scope_q(filters.department, "department"))
    return rows


def _sums() -> dict[str, Sum]:
    return {name: Sum(name) for name in RATE_COUNTS}


def rate_totals(filters: DashboardFilters) -> RateCounts:
    """The three rates for the slice: the whole centre, or the department with its sub-departments."""
    totals = RateCounts()
    totals.add(_department_rows(filters).aggregate(**_sums()))
    return totals


def own_rates(filters: DashboardFilters, department: Department) -> RateCounts:
    """The department's own rate counts, without its sub-departments'."""
    totals = RateCounts()
    rows = DepartmentDaily.objects.filter(day__range=(filters.first, filters.last), department=department)
    totals.add(rows.aggregate(**_sums()))
    return totals


def _subtree_totals(own: Iterable[tuple[int, Any]], departments: Iterable[Department], combine: Any) -> dict[int, Any]:
    """Per department, its own figures combined with those of every department below it. ``own`` holds
    (department id, figures) aggregated in the database; this walks those few rows, not the orders."""
    by_id = {d.pk: d for d in departments}
    totals: dict[int, Any] = {}
    paths = dict(Department.objects.filter(pk__in=[pk for pk, _ in own]).values_list("pk", "path"))
    for department_id, figures in own:
        for ancestor in (int(part) for part in paths.get(department_id, "").strip("/").split("/") if part):
            if ancestor in by_id:
                combine(totals, ancestor, figures)
    return totals


def rates_by_department(filters: DashboardFilters, departments: Iterable[Department]) -> dict[int, RateCounts]:
    """Each department's rate counts including its sub-departments, for departments with any activity."""
    own_rows = (
        DepartmentDaily.objects.filter(day__range=(filters.first, filters.last))
        .values("department")
        .annotate(**_sums())
        .order_by()
    )
    own = [(row.pop("department"), row) for row in own_rows]

    def combine(totals: dict[int, RateCounts], department_id: int, figures: dict[str, Any]) -> None:
        totals.setdefault(department_id, RateCounts()).add(figures)

    return _subtree_totals(own, list(departments), combine)


def rates_over_time(filters: DashboardFilters) -> list[tuple[date, RateCounts]]:
    rows = (
        _department_rows(filters)
        .annotate(bucket=_bucket(filters.granularity))
        .values("bucket")
        .annotate(**_sums())
        .order_by("bucket")
    )
    series = []
    for row in rows:
        counts = RateCounts()
        counts.add(row)
        series.append((_as_date(row["bucket"]), counts))
    return series


# --- returns and AI reviews ----------------------------------------------------------------------------


def returns_by_department(filters: DashboardFilters, departments: Iterable[Department]) -> dict[int, dict[str, int]]:
    """Per department (with its sub-departments): returns per reason code."""
    own_rows = (
        ReturnDaily.objects.filter(day__range=(filters.first, filters.last))
        .values("department", "reason")
        .annotate(total=Sum("returns"))
        .order_by()
    )
    own: dict[int, dict[str, int]] = defaultdict(dict)
    for row in own_rows:
        own[row["department"]][row["reason"]] = row["total"]

    def combine(totals: dict[int, dict[str, int]], department_id: int, figures: dict[str, int]) -> None:
        target = totals.setdefault(department_id, {})
        for reason, count in figures.items():
            target[reason] = target.get(reason, 0) + count

    return _subtree_totals(list(own.items()), list(departments), combine)


def own_returns(filters: DashboardFilters, department: Department) -> int:
    """Returns made by the department itself, without its sub-departments'."""
    rows = ReturnDaily.objects.filter(day__range=(filters.first, filters.last), department=department)
    return rows.aggregate(total=Sum("returns"))["total"] or 0


def returns_by_reason(filters: DashboardFilters) -> list[tuple[str, int]]:
    rows = ReturnDaily.objects.filter(day__range=(filters.first, filters.last))
    if filters.department is not None:
        rows = rows.filter(department_scope_q(filters.department, "department"))
    grouped = rows.values("reason").annotate(total=Sum("returns")).order_by("-total", "reason")
    return [(row["reason"], row["total"]) for row in grouped]


def ai_reviews_by_field(filters: DashboardFilters) -> list[tuple[str, int, int]]:
    """(field, reviewed, accepted) for orders dispatched by an operator in the period."""
    rows = (
        AiReviewDaily.objects.filter(day__range=(filters.first, filters.last))
        .values("field")
        .annotate(reviewed=Sum("reviewed"), accepted=Sum("accepted"))
        .order_by("field")
    )
    return [(row["field"], row["reviewed"], row["accepted"]) for row in rows]


# --- live: overdue and due soon ------------------------------------------------------------------------


def due_soon_hours() -> int:
    return settings.HOTLINE["DUE_SOON_HOURS"]


class OrderByOrderExists(Exists):
    """EXISTS checked order by order, through the index on the assignments' order.

    The live figures look at the open orders, a few thousand; PostgreSQL turns a plain EXISTS into a join
    and reads every assignment the department ever had (0.75 s for a busy bureau at a million orders,
    against 60 ms order by order). ``OFFSET 0`` in the subquery is the documented way to keep it from doing
    that; SQLite checks order by order anyway."""

    def as_sql(self, compiler: Any, connection: Any, template: str | None = None, **extra: Any) -> tuple[str, Any]:
        sql, params = super().as_sql(compiler, connection, template=template, **extra)
        if connection.vendor == "postgresql" and sql.endswith(")"):
            sql = f"{sql[:-1]} OFFSET 0)"
        return sql, params


def subtree_ids(node: Department | Category | Area) -> list[int]:
    """The ids of a node and every node below it: a few hundred at most."""
    return list(type(node).objects.filter(path__startswith=node.path).values_list("pk", flat=True))


def orders_in_scope(user: User, filters: DashboardFilters) -> QuerySet[WorkOrder]:
    """Orders the user may see within the slice's department, channel, category and district — the same
    set /orders/ lists with those filters.

    The subtrees are given to the database as lists of ids rather than as joins on the materialised paths:
    the planner cannot estimate a path LIKE join, and at a million orders it then starts from the category
    instead of the few open orders (3.5 s instead of 20 ms)."""
    scope = filters.department
    inside_own = scope is not None and permissions.within_own_department(user, scope)
    # An officer's slice of their own subtree is within what they may see: no second scope test needed.
    orders = WorkOrder.objects.all() if inside_own else permissions.orders_visible_to(user)
    if scope is not None:
        involved = Assignment.objects.filter(
            department_id__in=filters.department_ids, order=OuterRef("pk"), status__in=VISIBLE_ASSIGNMENT_STATUSES
        )
        orders = orders.filter(OrderByOrderExists(involved))
    if filters.channel:
        orders = orders.filter(channel=filters.channel)
    if filters.category is not None:
        orders = orders.filter(category_id__in=filters.category_ids)
    if filters.district is not None:
        orders = orders.filter(area_id__in=filters.district_ids)
    return orders


def deadline_counts(user: User, filters: DashboardFilters, now: datetime) -> dict[str, int]:
    """Open orders now: overdue, of which not signed in time, and due within the due-soon hours."""
    open_orders = orders_in_scope(user, filters).filter(status__in=OPEN_STATUSES)
    return open_orders.aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=overdue_q(now)),
        sign_overdue=Count("pk", filter=Q(status=Status.DISPATCHED, sign_due_at__lt=now)),
        due_soon=Count("pk", filter=due_soon_q(now, due_soon_hours())),
        supervised=Count("pk", filter=overdue_q(now) & Q(is_supervised=True)),
    )


def overdue_by_department(
    user: User, filters: DashboardFilters, departments: Iterable[Department], now: datetime
) -> list[tuple[int, int]]:
    """(department id, overdue orders in its scope) — each order once per department subtree that holds it."""
    wanted = [department.pk for department in departments]
    if not wanted:
        return []
    overdue = orders_in_scope(user, filters).filter(overdue_q(now)).order_by().values("pk")
    if connection.vendor == "postgresql":
        # The overdue orders are few (they grow with the backlog, not with the years of history). Given as
        # a list, PostgreSQL knows how few and reads their assignments through the index; given as a
        # subquery, it guesses thousands and reads every assignment (0.5 s at a million orders).
        sql, params = "SELECT unnest(%s::bigint[])", [list(overdue.values_list("pk", flat=True))]
    else:
        sql, params = overdue.query.sql_with_params()
    department_table, assignment_table = Department._meta.db_table, Assignment._meta.db_table
    statuses = ", ".join(["%s"] * len(VISIBLE_ASSIGNMENT_STATUSES))
    targets = ", ".join(["%s"] * len(wanted))
    # First the few overdue orders' assignments, then their departments' ancestors. Left to itself,
    # PostgreSQL misjudges the path join and walks every assignment of every department (150 ms at 100k
    # orders, against 3 ms this way); MATERIALIZED keeps it from folding the first step into the second.
    materialized = "MATERIALIZED " if connection.vendor == "postgresql" else ""
    query = (
        f"WITH held AS {materialized}("
        f"SELECT a.order_id, d.path FROM {assignment_table} a JOIN {department_table} d ON d.id = a.department_id "
        f"WHERE a.status IN ({statuses}) AND a.order_id IN ({sql})) "
        f"SELECT t.id, COUNT(DISTINCT held.order_id) FROM held "
        f"JOIN {department_table} t ON held.path LIKE (t.path || '%%') "
        f"WHERE t.id IN ({targets}) GROUP BY t.id ORDER BY 2 DESC, t.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [*VISIBLE_ASSIGNMENT_STATUSES, *params, *wanted])
        return [(row[0], row[1]) for row in cursor.fetchall()]


def worst_overdue(user: User, filters: DashboardFilters, now: datetime, *, limit: int = 20) -> list[WorkOrder]:
    """The orders furthest past their resolve deadline (then those not signed in time)."""
    return list(
        orders_in_scope(user, filters)
        .filter(overdue_q(now))
        .select_related("category", "area", "lead_department")
        .order_by(F("resolve_due_at").asc(nulls_last=True), "sign_due_at", "pk")[:limit]
    )


def due_soon(user: User, filters: DashboardFilters, now: datetime, *, limit: int = 20) -> list[WorkOrder]:
    return list(
        orders_in_scope(user, filters)
        .filter(due_soon_q(now, due_soon_hours()))
        .select_related("category", "area", "lead_department")
        .order_by("resolve_due_at", "pk")[:limit]
    )


# --- drill-down: the rows behind a number ----------------------------------------------------------------

# What each kind of dashboard number counts, and so what its drill-down lists: orders, submissions,
# assignments, callbacks, return events or AI field reviews. The list holds exactly the rows the rollup
# counted (as of now: the rollup is as of its last refresh).
ORDER_KINDS = ("created", "due_soon")
ASSIGNMENT_KINDS = ("dispatched", "sign_due", "signed_on_time", "sign_late", "signed", "replied")
CALLBACK_KINDS = ("callbacks", "resolved", "satisfied")
AI_KINDS = ("ai_reviewed", "ai_accepted", "ai_corrected")
DRILL_KINDS = (*ORDER_KINDS, "submitted", *ASSIGNMENT_KINDS, *CALLBACK_KINDS, "returned", *AI_KINDS)
CENTRE_KINDS = frozenset({"submitted", *AI_KINDS})  # figures only the centre's dashboard shows
NONE = "none"  # the value of the category or district filter that asks for orders without one


@dataclass(frozen=True)
class Drill:
    """The rows behind one dashboard number: ``kind`` in the period, within a department's scope (None: the
    centre) and, for orders, a channel, level-1 category and district (``NONE`` for "unknown")."""

    kind: str
    first: date
    last: date
    department: Department | None = None
    channel: str = ""
    category: Category | str | None = None  # a level-1 category, NONE, or None for any
    district: Area | str | None = None  # a district, NONE, or None for any
    reason: str = ""
    field: str = ""
    exact: bool = False  # the department's own rows, without its sub-departments'

    def department_q(self, field: str) -> Q:
        """Rows whose ``field`` department is in the drill's scope."""
        if self.exact:
            return Q(**{field: self.department})
        return department_scope_q(self.department, field)


@dataclass(frozen=True)
class DrillRow:
    """One line of a drill-down list: the order (if any), when the counted thing happened, by whom, what."""

    order: WorkOrder | None
    moment: datetime | None
    department: Department | None
    detail: str


def within_days(field: str, first: date, last: date) -> Q:
    """Rows whose timestamp ``field`` falls on a local day from ``first`` to ``last`` (an index range)."""
    return Q(**{f"{field}__gte": day_start(first), f"{field}__lt": day_start(last + timedelta(days=1))})


def _created_orders(user: User, drill: Drill) -> QuerySet[WorkOrder]:
    """Orders created in the period within the drill's slice: the rows of the volume rollups."""
    orders = order_list(user).filter(within_days("created_at", drill.first, drill.last))
    if drill.department is not None:
        orders = orders.filter(Exists(_scope_assignments(drill.department)))
    if drill.channel:
        orders = orders.filter(channel=drill.channel)
    if drill.category == NONE:
        orders = orders.filter(category__isnull=True)
    elif isinstance(drill.category, Category):
        orders = orders.filter(drill.category.subtree_q("category"))
    if drill.district == NONE:
        # Like the rollup: no area, or an area outside every district (the city itself).
        inside = Q(pk__in=[])
        for district in districts():
            inside |= district.subtree_q("area")
        orders = orders.exclude(Q(area__isnull=False) & inside)
    elif isinstance(drill.district, Area):
        orders = orders.filter(drill.district.subtree_q("area"))
    return orders.order_by("-created_at", "-pk")


def _scope_assignments(department: Department) -> QuerySet[Assignment]:
    return Assignment.objects.filter(
        department_scope_q(department, "department"), order=OuterRef("pk"), status__in=VISIBLE_ASSIGNMENT_STATUSES
    )


def _visible(rows: QuerySet[Any], user: User) -> QuerySet[Any]:
    """Rows whose order the user may see (a no-op for the centre's roles, who see every order)."""
    if permissions.sees_all_orders(user):
        return rows
    return rows.filter(order__in=permissions.orders_visible_to(user).values("pk"))


def drill_records(user: User, drill: Drill, *, now: datetime | None = None) -> QuerySet[Any]:
    """The records one dashboard number counts, newest first, with what a drill-down line shows."""
    moment = now or timezone.now()
    first, last, department = drill.first, drill.last, drill.department
    kind = drill.kind
    if kind == "created":
        return _created_orders(user, drill)
    if kind == "due_soon":
        filters = DashboardFilters(
            first, last, drill.channel, _object(drill.category), _object(drill.district), department
        )
        return (
            orders_in_scope(user, filters)
            .filter(due_soon_q(moment, due_soon_hours()))
            .select_related("category", "area", "lead_department")
            .order_by("resolve_due_at", "pk")
        )
    if kind == "submitted":
        rows = Submission.objects.filter(within_days("received_at", first, last)).select_related("order")
        if drill.channel:
            rows = rows.filter(channel=drill.channel)
        return rows.order_by("-received_at", "-pk")
    if kind in ASSIGNMENT_KINDS:
        assignments = Assignment.objects.select_related("order", "department")
        if department is not None:
            assignments = assignments.filter(drill.department_q("department"))
        if kind in ("sign_due", "signed_on_time", "sign_late"):
            # The sign cohort: current assignments whose sign deadline fell in the period, once signed or
            # once the deadline has passed; on time when signed by the deadline.
            assignments = (
                assignments.exclude(status=AssignmentStatus.WITHDRAWN)
                .filter(within_days("order__sign_due_at", first, last))
                .filter(Q(signed_at__isnull=False) | Q(order__sign_due_at__lt=moment))
            )
            if kind == "signed_on_time":
                assignments = assignments.filter(signed_at__lte=F("order__sign_due_at"))
            elif kind == "sign_late":
                assignments = assignments.filter(Q(signed_at__isnull=True) | Q(signed_at__gt=F("order__sign_due_at")))
            return _visible(assignments, user).order_by("-order__sign_due_at", "-pk")
        stamp = {"dispatched": "assigned_at", "signed": "signed_at", "replied": "replied_at"}[kind]
        return _visible(assignments.filter(within_days(stamp, first, last)), user).order_by(f"-{stamp}", "-pk")
    if kind in CALLBACK_KINDS:
        callbacks = Callback.objects.filter(
            within_days("created_at", first, last), order__lead_department__isnull=False
        ).select_related("order", "order__lead_department")
        if department is not None:
            callbacks = callbacks.filter(drill.department_q("order__lead_department"))
        if kind == "resolved":
            callbacks = callbacks.filter(resolved=True)
        elif kind == "satisfied":
            callbacks = callbacks.filter(satisfaction__in=SATISFIED)
        return _visible(callbacks, user).order_by("-created_at", "-pk")
    if kind == "returned":
        events = WorkOrderEvent.objects.filter(
            within_days("created_at", first, last), action=Action.RETURN, department__isnull=False
        ).select_related("order", "department")
        if department is not None:
            events = events.filter(drill.department_q("department"))
        if drill.reason:
            events = events.filter(reason_code=drill.reason)
        return _visible(events, user).order_by("-created_at", "-pk")
    if kind in AI_KINDS:
        reviews = AiFieldReview.objects.filter(within_days("created_at", first, last), automatic=False).select_related(
            "order", "order__lead_department"
        )
        if drill.field:
            reviews = reviews.filter(field=drill.field)
        if kind != "ai_reviewed":
            reviews = reviews.filter(accepted=kind == "ai_accepted")
        return _visible(reviews, user).order_by("-created_at", "-pk")
    raise ValueError(f"unknown drill-down kind {kind!r}")


def _object(value: Any) -> Any:
    return value if isinstance(value, Category | Area) else None


def drill_row(kind: str, record: Any) -> DrillRow:
    """What a drill-down line shows of one record (``drill_records`` loaded its order and department)."""
    if isinstance(record, WorkOrder):
        moment = record.resolve_due_at if kind == "due_soon" else record.created_at
        return DrillRow(record, moment, record.lead_department, record.get_status_display())
    if isinstance(record, Submission):
        order = getattr(record, "order", None)
        detail = f"{record.get_channel_display()} · {record.sender_id} · {record.get_status_display()}"
        return DrillRow(order, record.received_at, None, detail)
    if isinstance(record, Assignment):
        moment = {
            "dispatched": record.assigned_at, "signed": record.signed_at, "replied": record.replied_at,
        }.get(kind, record.order.sign_due_at)  # fmt: skip
        detail = f"{record.get_role_display()} · {record.get_status_display()}"
        if kind in ("sign_due", "signed_on_time", "sign_late"):
            signed = timezone.localtime(record.signed_at).strftime("%Y-%m-%d %H:%M") if record.signed_at else "—"
            detail = f"{detail} · {record._meta.get_field('signed_at').verbose_name}: {signed}"
        return DrillRow(record.order, moment, record.department, detail)
    if isinstance(record, Callback):
        resolved = record._meta.get_field("resolved").verbose_name
        detail = f"{record.get_satisfaction_display()} · {resolved}: {'✓' if record.resolved else '✗'}"
        return DrillRow(record.order, record.created_at, record.order.lead_department, detail)
    if isinstance(record, WorkOrderEvent):
        reason = (
            ReturnReason(record.reason_code).label if record.reason_code in ReturnReason.values else record.reason_code
        )
        return DrillRow(record.order, record.created_at, record.department, str(reason))
    if isinstance(record, AiFieldReview):
        detail = f"{record.get_field_display()}: {record.predicted_label or record.predicted or '—'}"
        if not record.accepted:
            detail += f" → {record.final_label or record.final or '—'}"
        return DrillRow(record.order, record.created_at, record.order.lead_department, detail)
    raise TypeError(f"no drill-down line for {type(record).__name__}")
