"""Test clients that state the order's version on every write, as a page or an API client that has just read
the order does. Tests of stale writes (409) use the plain clients and state an old version themselves."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from rest_framework.test import APIClient

_ORDER_WRITE = re.compile(r"^(?:/api/v1)?/orders/(?P<pk>\d+)/(?!reply-check/)[\w-]+/?$")
_ORDER_PATCH = re.compile(r"^/api/v1/orders/(?P<pk>\d+)/?$")


def _with_version(path: str, data: Any, pattern: re.Pattern[str] = _ORDER_WRITE) -> Any:
    from workorders.models import WorkOrder

    match = pattern.match(path.split("?")[0])
    if match is None:
        return data
    data = dict(data or {})
    if "version" not in data:
        version = WorkOrder.objects.filter(pk=match["pk"]).values_list("version", flat=True).first()
        if version is not None:
            data["version"] = version
    return data


class VersionedClient(Client):
    def post(self, path: str, data: Any = None, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        return super().post(path, _with_version(path, data), *args, **kwargs)


class VersionedAPIClient(APIClient):
    def post(self, path: str, data: Any = None, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs.setdefault("format", "json")
        return super().post(path, _with_version(path, data), *args, **kwargs)

    def patch(self, path: str, data: Any = None, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs.setdefault("format", "json")
        return super().patch(path, _with_version(path, data, _ORDER_PATCH), *args, **kwargs)
