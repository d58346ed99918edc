"""The ``api_key`` of Open311: an API token of a connected system (django-rest-knox, the same tokens as the REST
API's ``Authorization: Token …`` header), sent as a form field or query parameter as the standard has it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from knox.auth import TokenAuthentication
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework.settings import api_settings


def api_key_of(request: Request) -> str:
    """The key a request carries: in the form of a POST, or in the query string."""
    if request.method == "POST":
        value = request.data.get("api_key", "") if hasattr(request.data, "get") else ""
        if value:
            return str(value).strip()
    return str(request.query_params.get("api_key", "")).strip()


def token_check() -> TokenAuthentication:
    """The REST API's own token check (the first knox token class of DEFAULT_AUTHENTICATION_CLASSES): an api_key
    is accepted exactly when the same token would be in an ``Authorization`` header."""
    for check in api_settings.DEFAULT_AUTHENTICATION_CLASSES:
        if issubclass(check, TokenAuthentication):
            return check()
    return TokenAuthentication()


class ApiKeyAuthentication(BaseAuthentication):
    """The connected system whose key the request carries; anonymous without a key (the reads are public)."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        key = api_key_of(request)
        if not key:
            return None
        try:
            return token_check().authenticate_credentials(key.encode("utf-8"))
        except AuthenticationFailed:
            raise AuthenticationFailed(_("Invalid api_key: it is unknown, expired or revoked.")) from None
