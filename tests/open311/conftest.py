"""Shared pieces of the Open311 tests: the schema written from the specification, a connected system's api_key,
and a request form as a citizen app posts it."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import xmlschema
from knox.models import AuthToken

from accounts.models import User
from tests.conftest import City, Personas

SCHEMA = xmlschema.XMLSchema(Path(__file__).with_name("georeport_v2.xsd"))

# What a citizen puts in the request: every value here must never come back out of a read.
NAME_FIRST, NAME_LAST = "建国", "欧阳"
PHONE = "13912345678"
EMAIL = "ouyang.jianguo@example.cn"
DEVICE, ACCOUNT = "device-7f3a9c", "account-55821"


def valid_xml(content: bytes) -> ElementTree.Element:
    """The XML document, checked against the specification's structure (raises when it breaks it)."""
    assert content.startswith(b"<?xml version='1.0' encoding='utf-8'?>") or content.startswith(
        b'<?xml version="1.0" encoding="UTF-8"?>'
    ), content[:60]
    SCHEMA.validate(content.decode("utf-8"))
    return ElementTree.fromstring(content)


def api_key_for(user: User) -> str:
    return AuthToken.objects.create(user=user)[1]


@pytest.fixture
def api_key(personas: Personas) -> str:
    return api_key_for(personas.integration)


def citizen_form(city: City, **overrides: Any) -> dict[str, Any]:
    form = {
        "service_code": str(city.street_lights.pk),
        "description": f"西湖街道茶场村口的路灯坏了一个星期，晚上很黑。我是欧阳建国，电话{PHONE}。",
        "lat": "30.2741234",
        "long": "120.1551987",
        "address_string": "A3区西湖街道茶场村口",
        "first_name": NAME_FIRST,
        "last_name": NAME_LAST,
        "email": EMAIL,
        "phone": PHONE,
        "device_id": DEVICE,
        "account_id": ACCOUNT,
        "media_url": "https://photos.example.cn/lamp.jpg",
    }
    form.update(overrides)
    return {key: value for key, value in form.items() if value is not None}
