"""Map domain errors to HTTP: 400 naming the field, 403 for not permitted, 409 for a wrong status or a write
based on an older version of the order, 413 for a body over the limit, 503 with Retry-After while the database
is unreachable."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from workorders.errors import (
    ActionNotPermitted,
    Conflict,
    InvalidInput,
    InvalidTransition,
    StaleWrite,
    WorkOrderError,
)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, WorkOrderError):
        if isinstance(exc, ActionNotPermitted):
            return Response({"detail": exc.message}, status=status.HTTP_403_FORBIDDEN)
        if isinstance(exc, StaleWrite):
            return Response(
                {"detail": exc.message, "current_version": exc.current_version}, status=status.HTTP_409_CONFLICT
            )
        if isinstance(exc, Conflict):
            return Response({exc.field or "detail": [exc.message]}, status=status.HTTP_409_CONFLICT)
        if isinstance(exc, InvalidTransition):
            return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
        if isinstance(exc, InvalidInput):
            key = exc.field or "non_field_errors"
            return Response({key: [exc.message]}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {"detail": _("The request body is larger than the %(limit)s bytes accepted.") % {"limit": body_limit()}},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if database_unreachable(exc):
        return Response(
            {"detail": _("The database is unavailable; nothing was stored. Send the request again shortly.")},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


RETRY_AFTER_SECONDS = 30


def body_limit() -> int:
    from django.conf import settings

    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def database_unreachable(exc: BaseException) -> bool:
    """Whether an error means the database cannot answer now (down, restarting, locked, a lost connection):
    worth sending again, unlike a wrong query."""
    return isinstance(exc, OperationalError | InterfaceError)


def page_not_found(request: Any, exception: Exception) -> Any:
    """Django's 404 handler: JSON for an address under /api/ that matches no endpoint (``/api/v1/orders/x/``),
    the site's page otherwise."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found as django_page_not_found

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("No such address in the API: %(path)s") % {"path": request.path}}, status=404)
    return django_page_not_found(request, exception)
