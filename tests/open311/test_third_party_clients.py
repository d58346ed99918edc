"""Real Open311 clients from PyPI against a live server: they create, list and fetch requests as they would
against any city's GeoReport v2 endpoint.

- ``civicbot`` 0.4.0 (maintained, Python 3): creates a request (its only client that posts form fields as the
  standard has them, with ``validate_remote`` checking the service list first), fetches and lists requests.
- ``georeport`` 0.3.1 (Python 3): reads only (it has no call that creates a request): the services, a service
  definition, the requests and one request, in JSON and in XML.
- ``three`` 0.8.0 (Code for America, 2013): written for Python 2; ``import three`` fails on Python 3
  (``from itertools import ifilter``), and its XML mode indexes ``dict.keys()``, so XML cannot work at all. Its
  JSON mode is exercised here with that one missing name supplied (``itertools.ifilter = filter``), to show the
  requests it sends (a post with ``address``/``name`` mapped to ``address_string``/``first_name``/``last_name``)
  are understood. docs/open311.md says the same.
"""

from __future__ import annotations

import importlib
import itertools
import sys
from typing import Any

import pytest
import xmltodict
from civicbot.http import HttpError, HttpTransport, RateLimiter
from civicbot.open311 import Open311Client
from civicbot.registry import Endpoint
from georeport import GeoReport

from hotline.models import Submission
from tests.conftest import City, Personas
from tests.open311.conftest import EMAIL, NAME_FIRST, PHONE, api_key_for
from workorders.models import WorkOrder

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("migration_rows")]


def root_of(live_server: Any) -> str:
    return f"{live_server.url}/open311/v2"


def civicbot_client(live_server: Any) -> Open311Client:
    endpoint = Endpoint(id="hotline-12345", name="12345热线", base_url=root_of(live_server), write=True)
    return Open311Client(endpoint, HttpTransport(rate_limiter=RateLimiter(min_interval=0.0)))


def test_civicbot_creates_fetches_and_lists_a_request(live_server: Any, city: City, personas: Personas) -> None:
    client = civicbot_client(live_server)
    key = api_key_for(personas.integration)
    prepared = client.create_request(
        city.street_lights.pk,
        dry_run=False,
        confirm="SEND",
        api_key=key,
        validate_remote=True,  # reads services.json first and checks the code is offered
        lat=30.2741234,
        lng=120.1551987,
        address_string="A3区西湖街道茶场村口",
        description="西湖街道茶场村口的路灯坏了一个星期，晚上很黑。",
        first_name=NAME_FIRST,
        last_name="欧阳",
        email=EMAIL,
        phone=PHONE,
        attributes={"report_url": "https://fix.example.cn/report/1"},
    )
    [accepted] = prepared.response
    number = accepted["service_request_id"]
    order = WorkOrder.objects.get(number=number)
    assert order.channel == "open311" and order.source_submission.submitted_by == personas.integration
    assert order.source_submission.payload["open311"]["attribute[report_url]"] == ["https://fix.example.cn/report/1"]

    fetched = client.get_request(number)
    assert fetched["service_request_id"] == number and fetched["status"] == "open"
    assert fetched["service_code"] and "路灯坏了一个星期" in fetched["description"]
    assert PHONE not in str(fetched) and EMAIL not in str(fetched)
    listed = client.list_requests(status="open", service_code=str(city.street_lights.pk))
    assert [row["service_request_id"] for row in listed] == [number]
    assert client.get_service_definition(city.street_lights.pk) == {
        "service_code": str(city.street_lights.pk),
        "attributes": [],
    }
    with pytest.raises(HttpError) as refused:  # no api_key: the standard's 403 with its errors document
        client.http.post_form(f"{root_of(live_server)}/requests.json", {"service_code": "1", "description": "x"})
    assert refused.value.status == 403 and '"code": 403' in refused.value.body


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_reads_services_and_requests(
    live_server: Any, city: City, dispatched_order: WorkOrder, fmt: str
) -> None:
    client = GeoReport(root_of(live_server), output_format=fmt)
    services = client.get_service_list()
    codes = {row["service_code"] for row in services}
    assert str(city.street_lights.pk) in codes and len(codes) == 6
    lights = next(row for row in services if row["service_code"] == str(city.street_lights.pk))
    assert lights["service_name"] == "城市公共设施" and lights["group"] == "城乡建设"

    definition = client.get_service_definition(str(city.street_lights.pk))
    assert definition["service_code"] == str(city.street_lights.pk)

    requests = client.get_service_requests(status="open")
    if fmt == "xml" and isinstance(requests, dict):  # xmltodict gives one child as a dict, several as a list
        requests = [requests]
    assert [row["service_request_id"] for row in requests] == [dispatched_order.number]

    one = client.get_service_request(dispatched_order.number)
    assert one["service_request_id"] == dispatched_order.number
    assert one["agency_responsible"] == "市住房和城乡建设局" and one["status"] == "open"
    assert "市住房和城乡建设局" in one["status_notes"]


def test_georeport_xml_is_what_xmltodict_reads_from_any_city(live_server: Any, city: City) -> None:
    import requests as http

    document = xmltodict.parse(http.get(f"{root_of(live_server)}/services.xml", timeout=10).content)
    assert set(document) == {"services"} and isinstance(document["services"]["service"], list)


@pytest.fixture
def three_module(monkeypatch: pytest.MonkeyPatch) -> Any:
    """``three`` with the one Python 2 name it imports (``itertools.ifilter``) supplied: without it the package
    cannot be imported on Python 3 at all."""
    sys.modules.pop("three", None)
    sys.modules.pop("three.core", None)
    sys.modules.pop("three.api", None)
    with pytest.raises(ImportError, match="ifilter"):
        importlib.import_module("three")
    monkeypatch.setattr(itertools, "ifilter", filter, raising=False)
    for name in ("three", "three.core", "three.api", "three.cities"):
        sys.modules.pop(name, None)
    module = importlib.import_module("three")
    yield module
    for name in ("three", "three.core", "three.api", "three.cities"):
        sys.modules.pop(name, None)


def test_three_posts_and_reads_in_json(three_module: Any, live_server: Any, city: City, personas: Personas) -> None:
    client = three_module.Three(root_of(live_server) + "/", format="json", api_key=api_key_for(personas.integration))
    discovery = client.discovery()
    assert discovery["endpoints"][0]["url"] == root_of(live_server)
    assert str(city.pollution.pk) in {row["service_code"] for row in client.services()}

    answer = client.post(
        str(city.pollution.pk),
        address="A3区西湖街道茶场村",
        name="建国 欧阳",  # three splits it into first_name and last_name
        phone=PHONE,
        description="楼下饭店每天半夜噪音扰民，已经一个月了。",
    )
    assert client.post_response.status_code == 201, answer
    number = answer[0]["service_request_id"]
    submission = Submission.objects.get(order__number=number)
    assert submission.payload["open311"]["address_string"] == ["A3区西湖街道茶场村"]
    assert submission.order.caller_name == "欧阳建国"

    [fetched] = client.request(number)
    assert fetched["service_request_id"] == number and PHONE not in str(fetched)
    assert number in {row["service_request_id"] for row in client.requests(str(city.pollution.pk))}
    # the same post again (a retry) is the same request
    again = client.post(
        str(city.pollution.pk),
        address="A3区西湖街道茶场村",
        name="建国 欧阳",
        phone=PHONE,
        description="楼下饭店每天半夜噪音扰民，已经一个月了。",
    )
    assert client.post_response.status_code == 200 and again[0]["service_request_id"] == number
    # tokens are not needed: a request has its id at once; an unknown address is the errors document
    assert client.token("abc")[0]["code"] == 404
