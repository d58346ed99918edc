"""Reads for the Open311 endpoint: the services (the category taxonomy) and the service requests (orders) as the
public is shown them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.db.models import Prefetch, Q, QuerySet

from triage.taxonomy import read_keywords
from workorders import permissions
from workorders.choices import AssignmentRole, Status
from workorders.models import Assignment, Category, WorkOrder, WorkOrderEvent

# Orders in these statuses are "closed" to Open311; every other status is "open" (the citizen may still be called
# back, and a dissatisfied callback reopens the order).
CLOSED_STATUSES = (Status.CLOSED, Status.CANCELLED, Status.MERGED)


@dataclass(frozen=True)
class Service:
    code: str
    name: str
    full_name: str
    group: str
    keywords: tuple[str, ...]


@cache
def _keywords() -> dict[tuple[str, ...], tuple[str, ...]]:
    return read_keywords()


def _path_of(category: Category) -> tuple[str, ...]:
    return tuple(part.strip() for part in category.full_name.split(" / "))


def services() -> list[Service]:
    """Every category of the taxonomy, at every level (a citizen unsure of the detail picks a level-1 or level-2
    one), in taxonomy order; the group is the level-1 category, the keywords are the words triage knows it by."""
    categories = list(Category.objects.order_by("path"))
    names = {category.pk: category.name for category in categories}
    table = _keywords()
    rows = []
    for category in categories:
        path = _path_of(category)
        level1 = category.ancestors_and_self_ids()[0] if category.path else category.pk
        rows.append(
            Service(
                code=str(category.pk),
                name=category.name,
                full_name=category.full_name or category.name,
                group=names.get(level1, category.name),
                keywords=table.get(path, ()),
            )
        )
    return rows


def service(code: str) -> Service | None:
    if not code.isdigit():
        return None
    return next((row for row in services() if row.code == code), None)


def service_category(code: str) -> Category | None:
    return Category.objects.filter(pk=int(code)).first() if code.isdigit() else None


@dataclass(frozen=True)
class RequestQuery:
    """A GET requests query once validated (``open311.views``)."""

    numbers: tuple[str, ...] = ()  # service_request_id: when given, every other condition is ignored
    service_codes: tuple[int, ...] = ()
    statuses: tuple[str, ...] = ()  # "open", "closed"
    start: datetime | None = None
    end: datetime | None = None
    page: int = 1
    page_size: int = 1000


def requests(query: RequestQuery) -> QuerySet[WorkOrder]:
    """The orders a query asks for, newest first, masked, with what a request row shows."""
    orders = _requests_shown()
    if query.numbers:
        return orders.filter(number__in=query.numbers)
    if query.service_codes:
        paths = Category.objects.filter(pk__in=query.service_codes).values_list("path", flat=True)
        within = Q(pk__in=[])
        for path in paths:  # a code names its category and every category below it
            within |= Q(category__path__startswith=path)
        orders = orders.filter(within)
    if query.statuses and set(query.statuses) != {"open", "closed"}:
        closed = Q(status__in=CLOSED_STATUSES)
        orders = orders.filter(closed if "closed" in query.statuses else ~closed)
    if query.start is not None:
        orders = orders.filter(created_at__gte=query.start)
    if query.end is not None:
        orders = orders.filter(created_at__lte=query.end)
    first = (query.page - 1) * query.page_size
    return orders[first : first + query.page_size]


def request_by_number(number: str) -> WorkOrder | None:
    return _requests_shown().filter(number=number).first()


def _requests_shown() -> QuerySet[WorkOrder]:
    return (
        permissions.orders_for_the_public()
        .select_related("category", "area", "lead_department", "merged_into", "source_submission")
        .prefetch_related(
            # masked with the order: the lead's reply is the status notes, the events give the update time and
            # the names an order had before an edit (masked wherever they come back)
            Prefetch("assignments", queryset=Assignment.objects.filter(role=AssignmentRole.LEAD)),
            Prefetch("events", queryset=WorkOrderEvent.objects.all()),
        )
        .order_by("-created_at", "-id")
    )


def categories_by_code(codes: Sequence[str]) -> dict[str, Category]:
    ids = [int(code) for code in codes if code.isdigit()]
    return {str(category.pk): category for category in Category.objects.filter(pk__in=ids)}
