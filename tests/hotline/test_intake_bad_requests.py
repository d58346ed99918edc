"""Hostile or broken intake requests get a JSON answer naming the problem, never a 500 or a bare HTML page,
and nothing of them is stored; with the database unreachable the API answers 503 with Retry-After."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

from hotline.models import Submission
from tests.conftest import City, Personas
from tests.hotline.test_intake_api import MESSAGE, client_for, post_raw

pytestmark = pytest.mark.django_db


def test_json_nested_thousands_deep_is_refused_quickly_naming_the_nesting(city: City, personas: Personas) -> None:
    body = json.dumps({**MESSAGE, "extra": "X"}).replace('"X"', "[" * 5000 + "]" * 5000).encode()
    response = post_raw(personas.integration, body)

    assert response.status_code == 400 and "32" in response.json()["detail"]
    assert Submission.objects.count() == 0


def test_a_control_character_in_a_key_is_refused_naming_the_key(city: City, personas: Personas) -> None:
    response = post_raw(personas.integration, json.dumps({**MESSAGE, "bad\u0000key": 1}).encode())

    assert response.status_code == 400 and "bad?key" in response.json()["detail"]


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json_numbers(city: City, personas: Personas, constant: str) -> None:
    body = json.dumps(MESSAGE)[:-1] + f', "score": {constant}}}'
    response = post_raw(personas.integration, body.encode())

    assert response.status_code == 400 and constant in response.json()["detail"]


def test_a_body_over_the_limit_is_413_in_json(city: City, personas: Personas, settings: object) -> None:
    body = json.dumps({**MESSAGE, "padding": "路" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 3 + 10)}).encode()
    response = post_raw(personas.integration, body)

    assert response.status_code == 413 and str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE) in response.json()["detail"]
    assert Submission.objects.count() == 0


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+08:00", "1999-12-31T23:00:00+08:00"])
def test_a_time_of_receipt_before_2000_is_refused(city: City, personas: Personas, when: str) -> None:
    response = client_for(personas.integration).post(
        "/api/v1/submissions/", {**MESSAGE, "received_at": when}, format="json"
    )

    assert response.status_code == 400 and "received_at" in response.json()
    assert Submission.objects.count() == 0


def test_with_the_database_unreachable_the_api_answers_503_with_retry_after(city: City, personas: Personas) -> None:
    with mock.patch("hotline.api.submission_receive", side_effect=OperationalError("could not connect to server")):
        response = client_for(personas.integration).post("/api/v1/submissions/", MESSAGE, format="json")

    assert response.status_code == 503 and int(response["Retry-After"]) > 0
    assert "database" in response.json()["detail"].lower() or "数据库" in response.json()["detail"]


def test_with_the_database_unreachable_a_page_answers_503(client: Client, personas: Personas) -> None:
    client.force_login(personas.operator)
    with mock.patch("workorders.views.render", side_effect=OperationalError("server closed the connection")):
        response = client.get("/orders/")

    assert response.status_code == 503 and int(response["Retry-After"]) > 0


def test_an_api_address_that_matches_nothing_is_404_in_json(personas: Personas) -> None:
    response = client_for(personas.operator).get("/api/v1/orders/1.5e-3/")

    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")
    assert "/api/v1/orders/1.5e-3/" in response.json()["detail"]


def test_an_order_action_with_a_format_suffix_is_no_address_rather_than_a_server_error(personas: Personas) -> None:
    response = client_for(personas.operator).post("/api/v1/orders/1/sign.json", {}, format="json")

    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")
