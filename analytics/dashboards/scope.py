"""What a dashboard shows: the period and the slice (``DashboardFilters``), and the reference lists its figures
are cut by (top-level departments, sub-departments, level-1 categories, districts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

from django.db.models import QuerySet

from workorders.choices import AreaKind
from workorders.models import Area, Category, Department


def top_departments() -> QuerySet[Department]:
    """Departments without a parent: each stands for its subtree, so together they cover every department once."""
    return Department.objects.filter(parent__isnull=True).order_by("path")


def child_departments(department: Department) -> QuerySet[Department]:
    return Department.objects.filter(parent=department).order_by("path")


def level1_categories() -> QuerySet[Category]:
    return Category.objects.filter(level=1).order_by("name")


def districts() -> QuerySet[Area]:
    return Area.objects.filter(kind=AreaKind.DISTRICT).order_by("code")


def subtree_ids(node: Department | Category | Area) -> list[int]:
    """The ids of a node and every node below it: a few hundred at most."""
    return list(type(node).objects.filter(path__startswith=node.path).values_list("pk", flat=True))


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
