"""API tokens expire, can be revoked and are kept only as hashes; wrong passwords lock out; intake is throttled."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from hotline.models import Submission
from tests.conftest import Personas

pytestmark = pytest.mark.django_db
PASSWORD = "pass-for-tests-123"


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    cache.clear()  # throttle counts live in the cache


def token_for(username: str, password: str = PASSWORD) -> tuple[int, dict]:
    response = APIClient().post("/api/v1/auth/token/", {"username": username, "password": password}, format="json")
    return response.status_code, response.json()


def with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_a_token_is_given_with_its_expiry_and_only_its_hash_is_stored(personas: Personas) -> None:
    status, body = token_for("operator")

    assert status == 200 and body["token"] and body["expiry"]
    assert with_token(body["token"]).get("/api/v1/orders/").status_code == 200
    stored = AuthToken.objects.get(user=personas.operator)
    assert body["token"] not in {stored.digest, stored.token_key}  # a hash and a prefix, never the token
    assert timedelta(hours=9) < stored.expiry - timezone.now() <= timedelta(hours=10)


def test_an_expired_token_is_refused(personas: Personas) -> None:
    _, body = token_for("operator")
    AuthToken.objects.filter(user=personas.operator).update(expiry=timezone.now() - timedelta(seconds=1))

    assert with_token(body["token"]).get("/api/v1/orders/").status_code == 401


def test_logout_revokes_the_token_and_logout_all_every_token(personas: Personas) -> None:
    first, second, third = (token_for("operator")[1]["token"] for _ in range(3))

    assert with_token(first).post("/api/v1/auth/logout/").status_code == 204
    assert with_token(first).get("/api/v1/orders/").status_code == 401
    assert with_token(second).get("/api/v1/orders/").status_code == 200
    assert with_token(second).post("/api/v1/auth/logout-all/").status_code == 204
    assert with_token(third).get("/api/v1/orders/").status_code == 401


def test_wrong_passwords_lock_the_account_out_of_the_api_and_the_pages(personas: Personas, settings: object) -> None:
    answers = [token_for("manager", "guess-wrong")[0] for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert answers == [400] * (settings.AXES_FAILURE_LIMIT - 1) + [429]  # the last failure locks

    status, body = token_for("manager")  # the right password, too late
    assert status == 429 and body["code"] == "locked_out"
    page = Client().post("/accounts/login/", {"username": "manager", "password": PASSWORD})
    assert page.status_code == 429 and "登录失败次数过多" in page.content.decode()
    assert page["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME.total_seconds()))


def test_wrong_passwords_from_one_address_lock_that_address_for_every_account(
    personas: Personas, settings: object
) -> None:
    for number in range(settings.AXES_FAILURE_LIMIT):
        token_for(f"nobody-{number}", "guess-wrong")

    assert token_for("operator")[0] == 429


def test_a_connected_system_floods_intake_and_gets_429_with_retry_after(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"intake": "3/min", "auth": "100/min"})
    client = APIClient()
    client.force_authenticate(personas.integration)
    answers = [
        client.post(
            "/api/v1/submissions/",
            {"channel": "web", "sender_id": f"flood-{n}", "content": "小区门口路灯坏了三天了"},
            format="json",
        )
        for n in range(5)
    ]

    assert [a.status_code for a in answers] == [201, 201, 201, 429, 429]
    assert int(answers[3]["Retry-After"]) > 0 and "detail" in answers[3].json()
    assert Submission.objects.count() == 3  # nothing was half-accepted


def test_issue_token_gives_a_connected_system_a_long_lived_token(personas: Personas) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("issue_token", "integration", "--days", "365", stdout=out, stderr=err)
    token = out.getvalue().strip()

    assert with_token(token).get("/api/v1/categories/").status_code == 200
    stored = AuthToken.objects.get(user=personas.integration)
    assert stored.expiry - timezone.now() > timedelta(days=364)
    assert json.dumps(token) not in json.dumps([stored.digest])
