"""API tokens: issued for a user name and password, expiring, revocable, stored hashed (django-rest-knox).

``POST /api/v1/auth/token/`` with ``{"username", "password"}`` gives ``{"token", "expiry"}``; the token is shown
once and only its hash is kept. ``POST /api/v1/auth/logout/`` revokes the token it is sent with,
``POST /api/v1/auth/logout-all/`` every token of the user. Failed passwords count towards the lockout
(django-axes, per account and per address) and the endpoint is throttled per address (``auth`` scope).
Connected systems get long-lived tokens from ``manage.py issue_token`` instead of a password flow.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from knox.views import LoginView, LogoutAllView, LogoutView
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from accounts.authentication import TokenAuthentication

_TOKEN_OUT = inline_serializer("TokenOut", {"token": serializers.CharField(), "expiry": serializers.DateTimeField()})


class TokenLoginView(LoginView):
    """A new token for a user name and password."""

    authentication_classes: list[type] = []
    permission_classes = (AllowAny,)
    throttle_classes = (ScopedRateThrottle,)
    throttle_scope = "auth"

    @extend_schema(
        request=AuthTokenSerializer,
        responses={200: _TOKEN_OUT, 400: OpenApiResponse(description="Wrong user name or password.")},
        summary="Get an API token",
    )
    def post(self, request: Request, format: str | None = None) -> Response:
        # The plain HttpRequest: django-axes marks a locked-out attempt on it, and its middleware answers 429.
        serializer = AuthTokenSerializer(data=request.data, context={"request": request._request})
        serializer.is_valid(raise_exception=True)
        request.user = serializer.validated_data["user"]  # for this request only: no session is kept
        return super().post(request, format=format)


class TokenLogoutView(LogoutView):
    """Revoke the token this request is sent with."""

    authentication_classes = (TokenAuthentication,)

    @extend_schema(request=None, responses={204: None}, summary="Revoke this API token")
    def post(self, request: Request, format: str | None = None) -> Response:
        return super().post(request, format=format)


class TokenLogoutAllView(LogoutAllView):
    """Revoke every token of the user."""

    authentication_classes = (TokenAuthentication,)

    @extend_schema(request=None, responses={204: None}, summary="Revoke all of the user's API tokens")
    def post(self, request: Request, format: str | None = None) -> Response:
        return super().post(request, format=format)
