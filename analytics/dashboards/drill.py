"""Drill-down: the rows behind a dashboard number, live, for the list at /dashboard/drill/.

Each kind of number lists what it counts: orders, submissions, assignments received, the response rate's
(round, assignment) rows, signatures and replies, callbacks, returns, or AI field reviews. The response
rate's rows and the callbacks come from the same SQL as the rollups (analytics.dashboards.rounds), so a list
holds exactly the rows its number counted, as of now (the number is as of the last refresh). An officer's
list leaves out orders their department no longer holds (sent elsewhere after a return)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import User
from analytics.dashboards import rounds
from analytics.dashboards.live import due_soon_hours, orders_in_scope
from analytics.dashboards.scope import DashboardFilters, districts, subtree_ids
from analytics.dashboards.sql import DayRange, Sql, day_start, ids_in
from hotline.models import Submission
from workorders import permissions
from workorders.choices import VISIBLE_ASSIGNMENT_STATUSES, Action, ReturnReason, Satisfaction
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
from workorders.selectors import due_soon_q, order_list

# What each kind of dashboard number counts, and so what its drill-down lists.
ORDER_KINDS = ("created", "due_soon")
COHORT_KINDS = ("sign_due", "signed_on_time", "sign_late")  # the response rate's (round, assignment) rows
EVENT_KINDS = {"signed": (Action.SIGN, Action.ASSIST_SIGN), "replied": (Action.REPLY, Action.ASSIST_REPLY)}
CALLBACK_KINDS = ("callbacks", "resolved", "satisfied")
AI_KINDS = ("ai_reviewed", "ai_accepted", "ai_corrected")
DRILL_KINDS = (
    *ORDER_KINDS, "submitted", "dispatched", *COHORT_KINDS, *EVENT_KINDS, *CALLBACK_KINDS, "returned", *AI_KINDS,
)  # fmt: skip
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


@dataclass(frozen=True)
class CohortEntry:
    """One row of the response rate: an assignment due to be signed in one handling round."""

    assignment: Assignment
    sign_due_at: datetime
    signed_at: datetime | None  # its department's first signature in the round


@dataclass(frozen=True)
class CreditedCallback:
    """A callback event with the lead department it was credited to (the order's lead at that moment)."""

    event: WorkOrderEvent
    department: Department | None
    satisfied: bool
    resolved: bool


class LoadedByPage:
    """Rows of a handling-round query for a Paginator: found, counted and ordered in the database in one
    query, each row's records loaded only for the page shown."""

    def __init__(self, rows: list[tuple[Any, ...]], load: Callable[[list[tuple[Any, ...]]], list[Any]]) -> None:
        self.rows = rows
        self.load = load

    def count(self) -> int:
        return len(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return self.load(self.rows[index])
        return self.load([self.rows[index]])[0]


def _moment(value: Any) -> datetime | None:
    """A timestamp from raw SQL: PostgreSQL gives datetimes; SQLite, without a declared column type to go
    by, gives the UTC text the ORM stored."""
    if value is None or isinstance(value, datetime):
        return value
    parsed = parse_datetime(str(value))
    if parsed is None:
        raise ValueError(f"not a timestamp: {value!r}")
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=UTC)


def _fetch(query: Sql) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(query.text, query.params)
        return cursor.fetchall()


def _round_filters(user: User, drill: Drill) -> dict[str, Any]:
    """The department and visibility arguments of a handling-round query for the drill's scope."""
    arguments: dict[str, Any] = {}
    if drill.department is not None:
        arguments["departments"] = [drill.department.pk] if drill.exact else subtree_ids(drill.department)
    if not permissions.sees_all_orders(user):
        text, params = permissions.orders_visible_to(user).values("pk").query.sql_with_params()
        arguments["orders"] = Sql(text, list(params))
    return arguments


def _cohort(user: User, drill: Drill, moment: datetime) -> LoadedByPage:
    """The response rate's rows: all due, those signed on time, or those signed late or not at all."""
    condition = {
        "sign_due": "",
        "signed_on_time": " WHERE k.signed_at <= k.sign_due_at",
        "sign_late": " WHERE k.signed_at IS NULL OR k.signed_at > k.sign_due_at",
    }[drill.kind]
    period = [DayRange(drill.first, drill.last)]
    found = rounds.sign_cohort(period, now=moment, **_round_filters(user, drill))
    # Ids only: the timestamps of tens of thousands of rows cost more to read than finding them; the page's
    # rows read theirs below.
    query = (
        Sql("SELECT k.round_id, k.assignment_id FROM (")
        + found
        + f") k{condition} ORDER BY k.sign_due_at DESC, k.assignment_id DESC, k.round_id DESC"
    )

    def load(rows: list[tuple[Any, ...]]) -> list[CohortEntry]:
        if not rows:
            return []
        assignments = Assignment.objects.select_related("order", "department").in_bulk([row[1] for row in rows])
        orders = sorted({assignment.order_id for assignment in assignments.values()})
        again = rounds.sign_cohort(
            period, now=moment, orders=Sql(f"SELECT id FROM {WorkOrder._meta.db_table} WHERE ") + ids_in("id", orders)
        )
        moments = {(row[0], row[2]): (row[4], row[5]) for row in _fetch(again)}
        entries = []
        for round_id, assignment_id in rows:
            due, signed = moments[(round_id, assignment_id)]
            entries.append(CohortEntry(assignments[assignment_id], _moment(due), _moment(signed)))
        return entries

    return LoadedByPage(_fetch(query), load)


def _callbacks(user: User, drill: Drill) -> LoadedByPage:
    """Callbacks recorded in the period and credited to the drill's departments (all, resolved, satisfied)."""
    condition = {"callbacks": "", "resolved": " WHERE c.resolved = 1", "satisfied": " WHERE c.satisfied = 1"}
    found = rounds.credited_callbacks([DayRange(drill.first, drill.last)], **_round_filters(user, drill))
    query = (
        Sql("SELECT c.event_id, c.department_id, c.satisfied, c.resolved FROM (")
        + found
        + f") c{condition[drill.kind]} ORDER BY c.created_at DESC, c.event_id DESC"
    )

    def load(rows: list[tuple[Any, ...]]) -> list[CreditedCallback]:
        events = WorkOrderEvent.objects.select_related("order").in_bulk([row[0] for row in rows])
        departments = Department.objects.in_bulk({row[1] for row in rows})
        return [
            CreditedCallback(events[pk], departments.get(department), bool(satisfied), bool(resolved))
            for pk, department, satisfied, resolved in rows
        ]

    return LoadedByPage(_fetch(query), load)


def drill_records(user: User, drill: Drill, *, now: datetime | None = None) -> QuerySet[Any] | LoadedByPage:
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
    if kind == "dispatched":
        assignments = Assignment.objects.filter(within_days("assigned_at", first, last))
        if department is not None:
            assignments = assignments.filter(drill.department_q("department"))
        assignments = assignments.select_related("order", "department")
        return _visible(assignments, user).order_by("-assigned_at", "-pk")
    if kind in COHORT_KINDS:
        return _cohort(user, drill, moment)
    if kind in CALLBACK_KINDS:
        return _callbacks(user, drill)
    if kind in EVENT_KINDS or kind == "returned":
        actions = EVENT_KINDS.get(kind, (Action.RETURN,))
        events = WorkOrderEvent.objects.filter(
            within_days("created_at", first, last), action__in=actions, department__isnull=False
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


def _local(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


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
        detail = f"{record.get_role_display()} · {record.get_status_display()}"
        return DrillRow(record.order, record.assigned_at, record.department, detail)
    if isinstance(record, CohortEntry):
        assignment = record.assignment
        signed = assignment._meta.get_field("signed_at").verbose_name
        detail = f"{assignment.get_role_display()} · {assignment.get_status_display()} · {signed}: "
        return DrillRow(assignment.order, record.sign_due_at, assignment.department, detail + _local(record.signed_at))
    if isinstance(record, CreditedCallback):
        satisfaction = record.event.reason_code
        label = Satisfaction(satisfaction).label if satisfaction in Satisfaction.values else satisfaction
        resolved = Callback._meta.get_field("resolved").verbose_name
        detail = f"{label} · {resolved}: {'✓' if record.resolved else '✗'}"
        return DrillRow(record.event.order, record.event.created_at, record.department, detail)
    if isinstance(record, WorkOrderEvent):
        if kind == "returned":
            code = record.reason_code
            detail = str(ReturnReason(code).label) if code in ReturnReason.values else code
        else:
            detail = str(record.get_action_display())
        return DrillRow(record.order, record.created_at, record.department, detail)
    if isinstance(record, AiFieldReview):
        detail = f"{record.get_field_display()}: {record.predicted_label or record.predicted or '—'}"
        if not record.accepted:
            detail += f" → {record.final_label or record.final or '—'}"
        return DrillRow(record.order, record.created_at, record.order.lead_department, detail)
    raise TypeError(f"no drill-down line for {type(record).__name__}")
