"""Typed readers for settings that come from environment variables.

Every reader raises ``ImproperlyConfigured`` naming the variable when its value cannot be used, so a
mistyped deployment stops at start-up instead of failing on the first request.
"""

from __future__ import annotations

import os
import zoneinfo
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import environ
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def read_dotenv(path: Path) -> None:
    """Load KEY=VALUE lines from ``path`` into the environment without overriding what is already set."""
    if path.is_file():
        environ.Env.read_env(str(path), overwrite=False)


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None else value.strip()


def env_str(name: str, default: str | None = None, *, min_length: int = 0) -> str:
    value = _raw(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"{name} is not set; set it in the environment or in .env")
        return default
    if len(value) < min_length:
        raise ImproperlyConfigured(f"{name} is too short: it needs at least {min_length} characters")
    return value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean; use true or false")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is below the minimum {minimum}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items:
        raise ImproperlyConfigured(f"{name} is set but empty; give a comma-separated list")
    return items


def env_secret_list(name: str, *, min_length: int) -> list[str]:
    """A comma-separated list of secrets (the first one is in use, the others are kept for reading), or [] when
    unset; each must be at least ``min_length`` characters."""
    value = _raw(name)
    if not value:
        return []
    items = [item.strip() for item in value.split(",") if item.strip()]
    short = [str(number) for number, item in enumerate(items, start=1) if len(item) < min_length]
    if short:
        raise ImproperlyConfigured(
            f"{name}: key {', '.join(short)} is too short: each key needs at least {min_length} characters"
        )
    return items


def env_database(name: str, default: str) -> dict[str, Any]:
    value = _raw(name) or default
    try:
        config = environ.Env.db_url_config(value)
    except Exception as exc:  # django-environ raises several types for malformed URLs
        raise ImproperlyConfigured(f"{name}={value!r} is not a usable database URL: {exc}") from None
    engine = config.get("ENGINE", "")
    if engine not in {"django.db.backends.sqlite3", "django.db.backends.postgresql"}:
        raise ImproperlyConfigured(
            f"{name}={value!r}: only sqlite:/// and postgres:// URLs are supported (got engine {engine!r})"
        )
    if engine.endswith("sqlite3") and not config.get("NAME"):
        raise ImproperlyConfigured(f"{name}={value!r} names no SQLite file")
    return config


def env_broker_url(name: str) -> str | None:
    """The Celery broker URL, or None when tasks should run in-process."""
    value = _raw(name)
    if not value:
        return None
    scheme = urlparse(value).scheme
    if scheme not in {"redis", "rediss", "amqp", "amqps", "pyamqp"}:
        raise ImproperlyConfigured(f"{name}={value!r}: the broker must be a redis://, rediss:// or amqp:// URL")
    return value


def env_time_zone(name: str, default: str) -> str:
    value = _raw(name) or default
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(f"{name}={value!r} is not a known time zone (e.g. Asia/Shanghai)") from None
    return value


def env_choice(name: str, default: str, choices: list[str]) -> str:
    value = _raw(name) or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not supported; choose one of {', '.join(choices)}")
    return value


def env_url(name: str) -> str | None:
    """An http(s) URL, or None when unset."""
    value = _raw(name)
    if not value:
        return None
    parsed = urlparse(value)
    if parsed.scheme not in {"http", "https"} or not parsed.netloc:
        raise ImproperlyConfigured(f"{name}={value!r} is not an http:// or https:// URL")
    return value.rstrip("/")
