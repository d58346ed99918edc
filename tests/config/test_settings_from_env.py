"""A bad setting stops start-up with a message naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import env

ROOT = Path(__file__).resolve().parents[2]
GOOD = {"SECRET_KEY": "a-perfectly-long-secret-key-for-the-start-up-test-0123"}


def start(**variables: str) -> subprocess.CompletedProcess[str]:
    """Run `manage.py check` with the base settings and the given environment."""
    environment = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update({"DJANGO_SETTINGS_MODULE": "config.settings.base", **GOOD, **variables})
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DATABASE_URL", "mysql://root@localhost/hotline", "DATABASE_URL"),
        ("DATABASE_URL", "not a url at all", "DATABASE_URL"),
        ("CELERY_BROKER_URL", "http://broker:5672", "CELERY_BROKER_URL"),
        ("TIME_ZONE", "Mars/Olympus", "TIME_ZONE"),
        ("LANGUAGE_CODE", "klingon", "LANGUAGE_CODE"),
        ("DEBUG", "maybe", "DEBUG"),
        ("SECRET_KEY", "short", "SECRET_KEY"),
        ("HOTLINE_MAX_APPEAL_CHARS", "lots", "HOTLINE_MAX_APPEAL_CHARS"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(variable: str, value: str, message: str) -> None:
    result = start(**{variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr.splitlines()[-1]


def test_good_values_start(tmp_path: Path) -> None:
    result = start(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        TIME_ZONE="Asia/Urumqi",
        ALLOWED_HOSTS="hotline.city.gov.cn,10.0.0.5",
        DEBUG="false",
    )
    assert result.returncode == 0, result.stderr


def test_a_missing_secret_key_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is not set"):
        env.env_str("SECRET_KEY", min_length=32)


def test_defaults_when_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TIME_ZONE", "LANGUAGE_CODE", "CELERY_BROKER_URL", "ALLOWED_HOSTS"):
        monkeypatch.delenv(name, raising=False)
    assert env.env_time_zone("TIME_ZONE", "Asia/Shanghai") == "Asia/Shanghai"
    assert env.env_choice("LANGUAGE_CODE", "zh-hans", ["zh-hans", "en"]) == "zh-hans"
    assert env.env_broker_url("CELERY_BROKER_URL") is None  # tasks run in-process
    assert env.env_list("ALLOWED_HOSTS", ["127.0.0.1"]) == ["127.0.0.1"]
    assert env.env_database("DATABASE_URL_UNSET", "sqlite:////tmp/x.sqlite3")["ENGINE"] == "django.db.backends.sqlite3"


def test_in_process_mode_is_the_default(settings) -> None:
    if os.environ.get("CELERY_BROKER_URL"):
        pytest.skip("this run uses a real broker")
    assert settings.CELERY_TASK_ALWAYS_EAGER is True
    assert settings.TIME_ZONE == "Asia/Shanghai" and settings.LANGUAGE_CODE == "zh-hans"
