"""Site-wide response headers that Django's own middleware does not set."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every page and API answer a signed-in user gets: they may hold a citizen's
    name, phone or appeal, and no browser cache or proxy may keep them. Static files (served before this by
    whitenoise) and the login page are unaffected."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = bool(user is not None and user.is_authenticated)
        if signed_in or request.path.startswith("/api/"):
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private, max-age=0
        return response


class DatabaseUnavailableMiddleware:
    """A page (not the API, whose exception handler answers) asked while the database cannot answer: 503 with
    Retry-After and a short page saying so, instead of "Server Error (500)"."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from core.api_errors import RETRY_AFTER_SECONDS, database_unreachable

        if not database_unreachable(exception):
            return None
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse(
                {"detail": _("The database is unavailable; nothing was stored. Send the request again shortly.")},
                status=503,
            )
        else:
            response = HttpResponse(
                _("The system cannot reach its database at the moment. Please try again in a minute."),
                content_type="text/plain; charset=utf-8",
                status=503,
            )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
