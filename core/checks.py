"""System checks of the whole site's settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def personal_data_keys_are_set(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """A deployment encrypts personal data with keys of its own, not the development ones derived from SECRET_KEY
    (the settings refuse to start with HTTPS=true without them; this catches a deployment without HTTPS too)."""
    if settings.PERSONAL_DATA_KEYS_FROM_ENVIRONMENT:
        return []
    return [
        Error(
            "FIELD_ENCRYPTION_KEYS and PERSONAL_DATA_HASH_KEY are not both set: personal data is encrypted and "
            "hashed with development keys derived from SECRET_KEY.",
            hint="Set both in the environment (each at least 32 random characters); see docs/security.md.",
            id="core.E001",
        )
    ]
