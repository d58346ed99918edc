"""Pages of long order lists whose cost does not grow with the table.

A plain paginator counts every matching row (``COUNT(*)`` over a million orders on every list request) and lets a
request ask for page 20,000 (an ``OFFSET`` of a million). Here the count stops at HOTLINE_LIST_COUNT_LIMIT rows
(1,000 by default): below it the count is exact; past it the list says "more than 1,000" and offers the pages up
to the limit, and older orders are reached by narrowing the list (``created_before``, which the page's *Older
orders* link fills in from the last row), which keeps every query an index range read."""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.core.paginator import Paginator


def count_limit() -> int:
    return settings.HOTLINE["LIST_COUNT_LIMIT"]


class CappedPaginator(Paginator):
    """A paginator that counts at most ``count_limit()`` rows; ``capped`` says there are more."""

    @cached_property
    def _counted(self) -> int:
        limit = count_limit()
        object_list = self.object_list
        if hasattr(object_list, "order_by"):  # a queryset: count a bounded subquery, without its ordering
            return object_list.order_by()[: limit + 1].count()
        return min(len(object_list), limit + 1)

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        return min(self._counted, count_limit())

    @property
    def capped(self) -> bool:
        return self._counted > count_limit()
