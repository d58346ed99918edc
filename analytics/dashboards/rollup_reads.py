"""Figures read from the rollup tables (analytics.models.rollups, refreshed by analytics.dashboards.rollups):
volumes over time and by channel, category, district and department; the three rates; returns; the operators'
reviews of AI-filled fields. Each reads a few hundred rollup rows, never the orders.

A department's figures include its sub-departments': the rate rollups hold each department's own work, and
a subtree's figures are summed here; the volume rollups already hold each department's whole scope."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import F, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncWeek

from analytics.dashboards.scope import DashboardFilters
from analytics.models import (
    AiReviewDaily,
    DepartmentDaily,
    DepartmentVolumeDaily,
    OrderVolumeDaily,
    ReturnDaily,
    RollupRefresh,
    SubmissionDaily,
)
from workorders.models import Department
from workorders.permissions import department_scope_q


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
