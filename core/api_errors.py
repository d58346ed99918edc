"""Map domain errors to HTTP: 400 naming the field, 403 for not permitted, 409 for a wrong status or a write
based on an older version of the order."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from workorders.errors import ActionNotPermitted, InvalidInput, InvalidTransition, StaleWrite, WorkOrderError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, WorkOrderError):
        if isinstance(exc, ActionNotPermitted):
            return Response({"detail": exc.message}, status=status.HTTP_403_FORBIDDEN)
        if isinstance(exc, StaleWrite):
            return Response(
                {"detail": exc.message, "current_version": exc.current_version}, status=status.HTTP_409_CONFLICT
            )
        if isinstance(exc, InvalidTransition):
            return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
        if isinstance(exc, InvalidInput):
            key = exc.field or "non_field_errors"
            return Response({key: [exc.message]}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
