"""Live figures, read from the orders as they are now rather than from the rollups: open, overdue and
due-soon orders in a dashboard's slice, overdue orders per department, and the lists of the most overdue and
the soonest due. Each goes through the indexes on the open orders, so it stays fast however long the history.

Scope is decided as everywhere in the system: an officer sees the orders with a current assignment of their
department subtree (``workorders.permissions.orders_visible_to``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from accounts.models import User
from analytics.dashboards.scope import DashboardFilters
from workorders import permissions
from workorders.choices import OPEN_STATUSES, VISIBLE_ASSIGNMENT_STATUSES, Status
from workorders.models import Assignment, Department, WorkOrder
from workorders.selectors import due_soon_q, overdue_q


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
