"""Open311 api keys are the API tokens of connected systems (``knox.AuthToken`` of users with the role "connected
system"): one credential per system for the REST API and Open311, revoked in one place. This proxy only gives the
administrators a page to issue and revoke them (``open311.admin``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken


class ApiKey(AuthToken):
    class Meta:
        proxy = True
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")

    def __str__(self) -> str:
        return f"{self.user} ({self.token_key}…)"
