"""The addresses a dashboard's numbers lead to: the order list (/orders/) with its own filters where they
express the number, otherwise the drill-down page; the dashboards of other scopes with the same filters; the
downloads. A dashboard holds a thousand links, so they are built here without Django's URL encoding of each
value and each page's address is reversed once."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import quote_plus

from django.urls import reverse

from analytics.dashboards.drill import NONE, ORDER_KINDS
from analytics.dashboards.scope import DashboardFilters
from workorders.models import Department

_PLAIN = re.compile(r"[A-Za-z0-9_.\-]*")


def _encode(value: Any) -> str:
    text = str(value)
    return text if _PLAIN.fullmatch(text) else quote_plus(text)


def _with_query(url: str, params: dict[str, Any]) -> str:
    """An address with its query string; empty parameters are left out. (Like urlencode, but ids, dates
    and codes need no quoting, and a dashboard builds a thousand of these.)"""
    pairs = []
    for key, value in params.items():
        if value in ("", None):
            continue
        for one in value if isinstance(value, list | tuple) else (value,):
            pairs.append(f"{key}={_encode(one)}")
    return f"{url}?{'&'.join(pairs)}" if pairs else url


def _pk(value: Any) -> Any:
    """A model's id for a query string; NONE and empty values as they are."""
    return value.pk if hasattr(value, "pk") else value


class DashboardLinks:
    """The links of one dashboard: its scope and slice (``filters``), and its split and ranking, which its
    downloads keep."""

    def __init__(self, filters: DashboardFilters, *, split: str, rank_by: str) -> None:
        self.filters = filters
        self.scope = filters.department
        self.centre = filters.department is None
        self.split = split
        self.rank_by = rank_by
        self._addresses: dict[tuple[Any, ...], str] = {}

    def _url(self, name: str, params: dict[str, Any], *args: Any) -> str:
        """The named page's address with a query string. A dashboard holds a thousand links: each page's
        address is reversed once."""
        key = (name, *args)
        if key not in self._addresses:
            self._addresses[key] = reverse(name, args=args)
        return _with_query(self._addresses[key], params)

    def _slice(self, overrides: dict[str, Any]) -> dict[str, Any]:
        values = {
            "department": self.scope,
            "channel": self.filters.channel,
            "category": self.filters.category,
            "district": self.filters.district,
        }
        values.update(overrides)
        return values

    def orders(self, first: date, last: date, **overrides: Any) -> str:
        """Orders created in the period within the slice: the order list with its filters, or the drill-down
        page for orders without a category or district (the order list cannot ask for those)."""
        chosen = self._slice(overrides)
        if NONE in (chosen["category"], chosen["district"]):
            return self.drill("created", first, last, **overrides)
        return self._url(
            "order-list",
            {
                "created_after": first.isoformat(),
                "created_before": last.isoformat(),
                "department": _pk(chosen["department"]),
                "channel": chosen["channel"],
                "category": _pk(chosen["category"]),
                "area": _pk(chosen["district"]),
            },
        )

    def open_orders(self, **params: Any) -> str:
        """Open orders now within the slice, in the order list (``params`` add its own filters)."""
        chosen = self._slice({})
        return self._url(
            "order-list",
            {
                "department": _pk(chosen["department"]),
                "channel": chosen["channel"],
                "category": _pk(chosen["category"]),
                "area": _pk(chosen["district"]),
                **params,
            },
        )

    def drill(
        self,
        kind: str,
        first: date,
        last: date,
        *,
        exact: bool = False,
        reason: str = "",
        field: str = "",
        **overrides: Any,
    ) -> str:
        chosen = self._slice(overrides)
        params: dict[str, Any] = {
            "kind": kind,
            "date_from": first.isoformat(),
            "date_to": last.isoformat(),
            "department": _pk(chosen["department"]),
            "exact": "1" if exact else "",
            "reason": reason,
            "field": field,
        }
        # The volume rollups are cut by channel, category and district; the rates, returns and AI reviews
        # are not, so their rows are listed without those filters.
        if kind in ORDER_KINDS:
            params.update(channel=chosen["channel"], category=_pk(chosen["category"]), district=_pk(chosen["district"]))
        elif kind == "submitted":
            params.update(channel=chosen["channel"], department="")
        return self._url("dashboard-drill", params)

    def filter_params(self) -> dict[str, Any]:
        return {
            "date_from": self.filters.first.isoformat(),
            "date_to": self.filters.last.isoformat(),
            "channel": self.filters.channel,
            "category": _pk(self.filters.category),
            "district": _pk(self.filters.district),
        }

    def dashboard(self, department: Department | None) -> str:
        if department is None:
            return self._url("dashboard", self.filter_params())
        return self._url("dashboard-department", self.filter_params(), department.pk)

    def export(self, key: str, fmt: str) -> str:
        params = {**self.filter_params(), "split": self.split, "rank": self.rank_by}
        if self.centre:
            return self._url("dashboard-export", params, key, fmt)
        return self._url("dashboard-department-export", params, self.scope.pk, key, fmt)
