"""The answer to a login from a locked-out account or address (django-axes calls ``lockout_response``)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

LOCKED_STATUS = 429


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """429 with Retry-After: JSON naming the reason for the API, the lockout page for a person."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {
                "detail": _("Too many failed logins for this account or address; try again in %(minutes)d minutes.")
                % {"minutes": seconds // 60},
                "code": "locked_out",
            },
            status=LOCKED_STATUS,
        )
    else:
        response = render(
            request, "registration/locked_out.html", {"cooloff_minutes": seconds // 60}, status=LOCKED_STATUS
        )
    response["Retry-After"] = str(seconds)
    return response
