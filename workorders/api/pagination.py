"""Pages of the API's order list, counted up to a limit (``workorders.paging``)."""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from workorders.paging import CappedPaginator


class CappedPageNumberPagination(PageNumberPagination):
    """The API's pages of a list: ``count`` exact up to the limit, ``count_capped`` true when there are more
    (the pages then stop at the limit; narrow the list, e.g. with ``created_before``, to read further)."""

    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        response.data["count_capped"] = self.page.paginator.capped
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        described = super().get_paginated_response_schema(schema)
        described["properties"]["count"]["description"] = (
            "Matching orders, counted up to the list count limit (HOTLINE_LIST_COUNT_LIMIT, 1,000 by default)."
        )
        described["properties"]["count_capped"] = {
            "type": "boolean",
            "description": "True when more orders match than were counted; the pages stop at the limit.",
        }
        described["required"] = [*described.get("required", []), "count_capped"]
        return described
