"""The API's token check: django-rest-knox's tokens, read in one query.

knox reads the token, then its user, then every other token of that user to delete the expired ones, on every
request: three queries, the last growing with the user's tokens. A connected system posting fifty calls a second
pays that fifty times a second. Here the token is read with its user in one query; the token presented is still
refused (and deleted) once expired, and a revoked one is unknown. The user's other expired tokens are not looked at:
they are refused whenever presented, and deleted then."""

from __future__ import annotations

import binascii
from hmac import compare_digest
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox import auth as knox_auth
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS, knox_settings
from knox.signals import token_expired
from rest_framework import exceptions


class TokenAuthentication(knox_auth.TokenAuthentication):
    """``Authorization: Token …``: the token with its user in one query (see the module's docstring)."""

    def authenticate_credentials(self, token: bytes) -> tuple[Any, Any]:
        message = _("Invalid token.")
        text = token.decode("utf-8")
        try:
            digest = hash_token(text)
        except (TypeError, binascii.Error):
            raise exceptions.AuthenticationFailed(message) from None
        now = timezone.now()
        for auth_token in (
            get_token_model().objects.filter(token_key=text[: CONSTANTS.TOKEN_KEY_LENGTH]).select_related("user")
        ):
            if not compare_digest(digest, auth_token.digest):
                continue
            if auth_token.expiry is not None and auth_token.expiry < now:
                username = auth_token.user.get_username()
                auth_token.delete()
                token_expired.send(sender=knox_auth.TokenAuthentication, username=username, source="auth_token")
                break
            if knox_settings.AUTO_REFRESH and auth_token.expiry:
                self.renew_token(auth_token)
            return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed(message)


class TokenScheme(KnoxTokenScheme):
    """The OpenAPI schema describes this check as knox's token header."""

    target_class = "accounts.authentication.TokenAuthentication"
