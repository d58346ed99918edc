"""The Open311 GeoReport v2 endpoint as a citizen app or a city system sees it: XML and JSON documents of the
specification's shape, posts through the hotline's intake, public reads without personal data, the standard's
errors."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from hotline.models import Submission, SubmissionStatus
from tests.conftest import City, Personas
from tests.factories import make_order
from tests.open311.conftest import (
    ACCOUNT,
    DEVICE,
    EMAIL,
    NAME_FIRST,
    NAME_LAST,
    PHONE,
    api_key_for,
    citizen_form,
    valid_xml,
)
from workorders import services
from workorders.choices import Satisfaction
from workorders.models import WorkOrder

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"


def post(client: Client, form: dict, fmt: str = "json"):
    """Posted as the standard has it: application/x-www-form-urlencoded."""
    return client.post(f"{BASE}/requests.{fmt}", urlencode(form), content_type="application/x-www-form-urlencoded")


def errors_of(response) -> list[tuple[int, str]]:
    if response["Content-Type"].startswith("text/xml"):
        root = valid_xml(response.content)
        return [(int(error.findtext("code")), error.findtext("description")) for error in root]
    return [(row["code"], row["description"]) for row in response.json()]


def test_discovery_names_the_endpoint_and_both_formats(client: Client) -> None:
    root = valid_xml(client.get(f"{BASE}/discovery.xml").content)
    assert root.findtext("endpoints/endpoint/url") == "http://testserver/open311/v2"
    assert [f.text for f in root.iterfind("endpoints/endpoint/formats/format")] == ["text/xml", "application/json"]
    document = client.get(f"{BASE}/discovery.json").json()
    assert document["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert "api_key" in document["key_service"]


def test_services_are_the_taxonomy_grouped_by_level_one_with_keywords(client: Client, city: City) -> None:
    rows = {row["service_code"]: row for row in client.get(f"{BASE}/services.json").json()}
    lights = rows[str(city.street_lights.pk)]
    assert lights["service_name"] == "城市公共设施" and lights["group"] == "城乡建设"
    assert lights["description"] == "城乡建设 / 城市建设和市政管理 / 城市公共设施"
    assert "路灯" in lights["keywords"].split(", ")  # the words triage knows the category by
    assert lights["metadata"] is False and lights["type"] == "realtime"
    assert rows[str(city.pollution.pk)]["group"] == "环境保护"
    root = valid_xml(client.get(f"{BASE}/services.xml").content)
    assert len(root.findall("service")) == len(rows) == 6
    assert root.find("service/metadata").text == "false"


def test_a_service_definition_has_no_attributes_and_an_unknown_code_is_404(client: Client, city: City) -> None:
    root = valid_xml(client.get(f"{BASE}/services/{city.street_lights.pk}.xml").content)
    assert root.findtext("service_code") == str(city.street_lights.pk) and list(root.find("attributes")) == []
    assert client.get(f"{BASE}/services/{city.pollution.pk}.json").json() == {
        "service_code": str(city.pollution.pk),
        "attributes": [],
    }
    for fmt in ("xml", "json"):
        response = client.get(f"{BASE}/services/999999.{fmt}")
        assert response.status_code == 404
        assert errors_of(response) == [(404, "没有代码为 999999 的服务。")]


def test_a_posted_request_goes_through_the_intake_as_the_open311_channel(
    client: Client, city: City, personas: Personas, api_key: str, django_capture_on_commit_callbacks
) -> None:
    form = citizen_form(city, api_key=api_key)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, form, "xml")
    assert response.status_code == 201, response.content
    root = valid_xml(response.content)
    number = root.findtext("request/service_request_id")
    assert number and number in root.findtext("request/service_notice")

    order = WorkOrder.objects.get(number=number)
    submission = order.source_submission
    assert order.channel == submission.channel == "open311" and submission.submitted_by == personas.integration
    assert order.appeal.startswith("西湖街道茶场村口的路灯坏了一个星期")
    assert "城乡建设 / 城市建设和市政管理 / 城市公共设施" in order.appeal  # the service the citizen chose
    assert order.caller_name == "欧阳建国" and order.caller_phone == PHONE
    assert order.address == "A3区西湖街道茶场村口"
    # stored as received, but the key: a credential is never kept in the submissions
    assert submission.raw_body.startswith("service_code=") and api_key not in submission.raw_body
    assert submission.raw_body.endswith("&api_key=***")
    assert submission.payload["open311"]["email"] == [EMAIL] and "api_key" not in submission.payload["open311"]
    # analysed like any other call or message
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.TRIAGED
    order.refresh_from_db()
    assert (
        order.area == city.community_area
        and order.category is not None
        and order.appeal_masked
        and PHONE not in order.appeal_masked
    )

    # the same form again (a client's retry) is the same request, not a second order
    again = post(client, form, "json")
    assert again.status_code == 200 and again.json()[0]["service_request_id"] == number
    assert Submission.objects.filter(channel="open311").count() == 1
    # another request from the same system is a new one
    other = post(client, citizen_form(city, api_key=api_key, description="路灯又坏了，还是没人修。"))
    assert other.status_code == 201 and other.json()[0]["service_request_id"] != number


def test_reads_never_return_personal_data(
    client: Client, city: City, api_key: str, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        number = post(client, citizen_form(city, api_key=api_key)).json()[0]["service_request_id"]
    planted = (NAME_FIRST, NAME_LAST, "欧阳建国", PHONE, EMAIL, "ouyang", DEVICE, ACCOUNT)
    for address in (
        f"{BASE}/requests/{number}.json",
        f"{BASE}/requests/{number}.xml",
        f"{BASE}/requests.json",
        f"{BASE}/requests.xml",
    ):
        text = client.get(address).content.decode("utf-8")
        assert number in text
        assert [value for value in planted if value in text] == [], address
    row = client.get(f"{BASE}/requests/{number}.json").json()[0]
    assert "路灯坏了一个星期" in row["description"]  # the appeal, masked
    assert (row["lat"], row["long"]) == (30.274, 120.155)  # the street, not the door
    assert row["media_url"] == "https://photos.example.cn/lamp.jpg"


def test_a_request_follows_the_lifecycle_from_open_to_closed(
    client: Client, city: City, personas: Personas, replied_order: WorkOrder
) -> None:
    def row() -> dict:
        rows = client.get(f"{BASE}/requests/{replied_order.number}.json").json()
        assert len(rows) == 1
        return rows[0]

    replied = row()
    assert replied["status"] == "open"
    assert replied["agency_responsible"] == "市住房和城乡建设局"
    assert "已安排维修人员更换路灯" in replied["status_notes"]  # the lead department's reply
    assert replied["expected_datetime"] == timezone.localtime(replied_order.resolve_due_at).isoformat(
        timespec="seconds"
    )
    latest = replied_order.events.order_by("-created_at").first()
    assert replied["updated_datetime"] == timezone.localtime(latest.created_at).isoformat(timespec="seconds")
    assert replied["service_code"] == str(city.construction.pk) and replied["service_name"] == "城乡建设"

    services.callback_record(
        order=replied_order, by=personas.operator, satisfaction=Satisfaction.SATISFIED, resolved=True
    )
    order = services.workorder_close(order=WorkOrder.objects.get(pk=replied_order.pk), by=personas.operator)
    closed = row()
    assert closed["status"] == "closed" and closed["status_notes"].startswith("已办结")
    closing = order.events.order_by("-created_at", "-id").first()
    assert closing.action == "close"
    assert closed["updated_datetime"] == timezone.localtime(closing.created_at).isoformat(timespec="seconds")
    assert client.get(f"{BASE}/requests.json", {"status": "closed"}).json()[0]["service_request_id"] == order.number
    assert client.get(f"{BASE}/requests.json", {"status": "open"}).json() == []


def test_a_dispatched_order_names_its_department_and_a_draft_waits(
    client: Client, dispatched_order: WorkOrder, city: City
) -> None:
    draft = make_order(title="噪音", appeal="楼下饭店每天半夜噪音扰民。", category=city.pollution)
    rows = {row["service_request_id"]: row for row in client.get(f"{BASE}/requests.json").json()}
    assert "市住房和城乡建设局" in rows[dispatched_order.number]["status_notes"]
    assert rows[draft.number]["status"] == "open" and rows[draft.number]["agency_responsible"] == ""
    assert rows[draft.number]["expected_datetime"] is None
    root = valid_xml(client.get(f"{BASE}/requests.xml").content)
    assert {request.findtext("service_request_id") for request in root} == set(rows)


def test_queries_filter_by_code_status_and_dates_and_page(client: Client, city: City) -> None:
    now = timezone.now()
    lights = [
        make_order(appeal=f"路灯坏了{n}", category=city.street_lights, at=now - timedelta(days=n)) for n in range(3)
    ]
    noise = make_order(appeal="噪音扰民", category=city.pollution, at=now - timedelta(days=1, minutes=30))
    old = make_order(appeal="很久以前的路灯", category=city.street_lights, at=now - timedelta(days=100))

    def ids(**params: str) -> list[str]:
        response = client.get(f"{BASE}/requests.json", params)
        assert response.status_code == 200, response.content
        return [row["service_request_id"] for row in response.json()]

    assert ids() == [lights[0].number, lights[1].number, noise.number, lights[2].number]  # newest first, 90 days
    assert ids(service_code=str(city.street_lights.pk)) == [order.number for order in lights]
    # a level-1 code takes in its subtree
    assert ids(service_code=str(city.construction.pk)) == [order.number for order in lights]
    start = (now - timedelta(days=1, hours=1)).isoformat()
    assert ids(start_date=start) == [lights[0].number, lights[1].number, noise.number]
    assert ids(start_date=(now - timedelta(days=120)).isoformat(), end_date=(now - timedelta(days=90)).isoformat()) == [
        old.number
    ]
    assert ids(page_size="2") == [lights[0].number, lights[1].number]
    assert ids(page_size="2", page="2") == [noise.number, lights[2].number]
    # service_request_id overrides every other condition, the 90 days included
    assert ids(service_request_id=f"{old.number},{noise.number}", status="closed") == [noise.number, old.number]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start_date": "yesterday"}, "start_date: 不是 W3C 格式的日期时间"),
        (
            {"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-06-01T00:00:00+08:00"},
            "end_date: 一次查询最多跨 90 天",
        ),
        ({"status": "pending"}, "status: 状态只能是 open 或 closed"),
        ({"service_code": "lights"}, "service_code: 服务代码是 services.xml 列出的数字"),
        ({"page_size": "5000"}, "page_size: 须为 1 到 1000 之间的整数"),
    ],
)
def test_bad_query_parameters_are_400_naming_the_parameter(
    client: Client, city: City, params: dict, message: str
) -> None:
    for fmt in ("xml", "json"):
        response = client.get(f"{BASE}/requests.{fmt}", params)
        assert response.status_code == 400
        [(code, description)] = errors_of(response)
        assert code == 400 and description.startswith(message), description


def test_posting_needs_a_connected_systems_api_key(client: Client, city: City, personas: Personas) -> None:
    cases = [
        ({}, "提交请求需要接入系统的 api_key"),
        ({"api_key": "not-a-key"}, "api_key 无效"),
        ({"api_key": api_key_for(personas.manager)}, "此 api_key 不能提交请求"),
    ]
    for extra, message in cases:
        response = post(client, {**citizen_form(city), **extra}, "xml")
        assert response.status_code == 403
        [(code, description)] = errors_of(response)
        assert code == 403 and description.startswith(message), description
    assert not WorkOrder.objects.exists()


def test_bad_posts_are_400_with_a_message_per_field(client: Client, city: City, api_key: str) -> None:
    response = post(client, {"api_key": api_key, "lat": "95", "email": "not-mail", "phone": "call me"})
    assert response.status_code == 400
    fields = {description.split(":")[0] for _code, description in errors_of(response)}
    assert fields == {"service_code", "description", "lat", "email", "phone"}
    assert "service_code: 该字段是必填项。" in [d for _c, d in errors_of(response)]

    unknown = post(client, citizen_form(city, api_key=api_key, service_code="424242"), "xml")
    assert errors_of(unknown) == [(400, "service_code: 没有代码为 424242 的服务，服务代码见 services.xml。")]
    nowhere = post(client, citizen_form(city, api_key=api_key, lat=None, long=None, address_string=None))
    assert errors_of(nowhere) == [(400, "lat: 请说明问题所在的位置：lat 和 long、address_string 或 address_id。")]
    half = post(client, citizen_form(city, api_key=api_key, long=None))
    assert errors_of(half) == [(400, "long: lat 和 long 须一同提供。")]
    assert not WorkOrder.objects.exists()


def test_unknown_addresses_and_requests_are_the_standards_404(client: Client, city: City) -> None:
    for address, fmt in (
        (f"{BASE}/requests/NOPE.xml", "xml"),
        (f"{BASE}/requests/NOPE.json", "json"),
        (f"{BASE}/reports.json", "json"),
        (f"{BASE}/services.csv", "xml"),
    ):
        response = client.get(address)
        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/xml" if fmt == "xml" else "application/json")
        assert errors_of(response)[0][0] == 404


def test_reads_are_throttled_per_address_with_the_errors_document(client: Client, city: City, settings) -> None:
    from django.core.cache import cache

    cache.clear()
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {**rates, "open311": "2/min"}}
    from rest_framework.throttling import ScopedRateThrottle

    original = ScopedRateThrottle.THROTTLE_RATES
    ScopedRateThrottle.THROTTLE_RATES = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    try:
        assert [client.get(f"{BASE}/services.json").status_code for _ in range(2)] == [200, 200]
        limited = client.get(f"{BASE}/services.xml")
    finally:
        ScopedRateThrottle.THROTTLE_RATES = original
        cache.clear()
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    [(code, description)] = errors_of(limited)
    assert code == 429 and description.startswith("请求过多")


def test_the_list_reads_a_fixed_number_of_queries(client: Client, city: City, django_assert_max_num_queries) -> None:
    for n in range(30):
        make_order(appeal=f"路灯坏了第{n}天", category=city.street_lights)
    with django_assert_max_num_queries(8):
        assert len(client.get(f"{BASE}/requests.json").json()) == 30


def test_an_administrator_issues_an_api_key_shown_once(client: Client, city: City, personas: Personas) -> None:
    client.force_login(personas.admin)
    response = client.post("/admin/open311/apikey/add/", {"user": personas.integration.pk, "days": "30"}, follow=True)
    assert response.status_code == 200
    [message] = [str(m) for m in response.context["messages"] if "api_key" in str(m)]
    key = message.rsplit("：", 1)[-1].strip()
    assert len(key) >= 32
    listing = client.get("/admin/open311/apikey/").content.decode()
    assert str(personas.integration) in listing and key not in listing  # only its hash is kept
    client.logout()
    created = post(Client(), citizen_form(city, api_key=key))
    assert created.status_code == 201, created.content
    # an officer is no connected system: not offered in the form
    form = client_for_admin(personas).get("/admin/open311/apikey/add/").content.decode()
    assert f'value="{personas.officer_a.pk}"' not in form


def client_for_admin(personas: Personas) -> Client:
    client = Client()
    client.force_login(personas.admin)
    return client


def test_the_json_and_xml_documents_carry_the_same_request(client: Client, dispatched_order: WorkOrder) -> None:
    row = client.get(f"{BASE}/requests/{dispatched_order.number}.json").json()[0]
    root = valid_xml(client.get(f"{BASE}/requests/{dispatched_order.number}.xml").content)
    request = root.find("request")
    for name, value in row.items():
        assert (request.findtext(name) or None) == (None if value in (None, "") else str(value)), name
    assert json.loads(json.dumps(row))  # plain JSON


def test_a_json_body_a_file_and_another_method_get_the_errors_document(
    client: Client, city: City, api_key: str
) -> None:
    as_json = client.post(f"{BASE}/requests.json", json.dumps(citizen_form(city, api_key=api_key)), "application/json")
    assert as_json.status_code == 400 and errors_of(as_json)[0][0] == 400
    with_file = client.post(
        f"{BASE}/requests.xml", {**citizen_form(city, api_key=api_key), "media": SimpleUploadedFile("a.jpg", b"\xff")}
    )
    assert errors_of(with_file) == [(400, "media: 不接受上传文件；请用 media_url 提供图片地址。")]
    put = client.put(f"{BASE}/requests.json", "")
    assert put.status_code == 405 and errors_of(put)[0][0] == 405
    assert not WorkOrder.objects.exists()
