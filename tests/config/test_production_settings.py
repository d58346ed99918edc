"""The production environment of the README passes Django's deployment checks, and pages carry the headers that
keep a citizen's data out of caches and scripts out of pages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.conftest import Personas

ROOT = Path(__file__).resolve().parents[2]
# The production variables the README's runbook lists (with a real secret, host and origin of the city's own).
PRODUCTION = {
    "SECRET_KEY": "a-production-secret-key-of-the-city-0123456789-abcdefghijklmnop",
    "DEBUG": "false",
    "HTTPS": "true",
    "ALLOWED_HOSTS": "hotline.example.gov.cn",
    "CSRF_TRUSTED_ORIGINS": "https://hotline.example.gov.cn",
    "FIELD_ENCRYPTION_KEYS": "the-citys-own-field-encryption-key-0123456789",
    "PERSONAL_DATA_HASH_KEY": "the-citys-own-personal-data-hash-key-0123456789",
}


def test_the_documented_production_environment_passes_check_deploy() -> None:
    environment = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update({"DJANGO_SETTINGS_MODULE": "config.settings.base", **PRODUCTION})
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert all(f"{name}=" in readme for name in PRODUCTION), "the runbook lists every production variable"


@pytest.mark.django_db
def test_pages_and_api_answers_with_personal_data_are_never_cached(client: Client, personas: Personas) -> None:
    client.force_login(personas.operator)
    page = client.get("/orders/")
    api = APIClient()
    api.force_authenticate(personas.operator)

    assert "no-store" in page["Cache-Control"]
    assert "no-store" in api.get("/api/v1/orders/")["Cache-Control"]


@pytest.mark.django_db
def test_pages_allow_only_the_sites_own_scripts(client: Client, personas: Personas) -> None:
    client.force_login(personas.manager)
    policy = client.get("/dashboard/")["Content-Security-Policy"]

    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
def test_the_api_schema_and_docs_need_a_login(personas: Personas) -> None:
    anonymous = APIClient()
    assert anonymous.get("/api/schema/").status_code in (401, 403)
    assert anonymous.get("/api/docs/").status_code in (401, 403)
    signed_in = APIClient()
    signed_in.force_authenticate(personas.operator)
    assert signed_in.get("/api/schema/").status_code == 200


def test_a_session_lasts_a_shift_by_default(settings: object) -> None:
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
