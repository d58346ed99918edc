"""The work-order REST API: scoping, filters, history, actions and their error statuses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import User
from tests.clients import VersionedAPIClient
from tests.conftest import City, Personas
from tests.factories import make_order
from workorders import services
from workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


def client_for(user: User) -> APIClient:
    client = VersionedAPIClient()
    client.force_authenticate(user)
    return client


def numbers(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["number"] for row in response.json()["results"]}


@pytest.fixture
def spread(city: City, personas: Personas) -> dict[str, WorkOrder]:
    """Orders in different departments, categories, areas and states."""
    housing = services.workorder_dispatch(
        order=make_order(
            title="物业乱收费", category=city.construction, area=city.street_area, appeal="物业公司乱收停车费"
        ),
        by=personas.operator,
        lead_department=city.housing,
    )
    environment = services.workorder_dispatch(
        order=make_order(
            title="夜间施工噪音", category=city.pollution, area=city.district_area, appeal="工地夜间施工噪音扰民"
        ),
        by=personas.operator,
        lead_department=city.environment,
        assisting_departments=[city.street],
    )
    draft = make_order(title="咨询公积金", appeal="想咨询公积金提取流程")
    return {"housing": housing, "environment": environment, "draft": draft}


def test_requests_without_credentials_are_refused(spread: dict[str, WorkOrder]) -> None:
    assert APIClient().get("/api/v1/orders/").status_code in (401, 403)


def test_token_authentication_works(spread: dict[str, WorkOrder], personas: Personas) -> None:
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": "manager", "password": "pass-for-tests-123"}, format="json"
    )
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert len(numbers(client.get("/api/v1/orders/"))) == 3
    assert AuthToken.objects.filter(user=personas.manager).exists()


def test_manager_sees_every_order(spread: dict[str, WorkOrder], personas: Personas) -> None:
    assert numbers(client_for(personas.manager).get("/api/v1/orders/")) == {o.number for o in spread.values()}


def test_officer_sees_only_orders_of_their_department_subtree(spread: dict[str, WorkOrder], personas: Personas) -> None:
    assert numbers(client_for(personas.officer_a).get("/api/v1/orders/")) == {spread["housing"].number}
    assert numbers(client_for(personas.officer_b).get("/api/v1/orders/")) == {spread["environment"].number}
    # the street office assists on the environment order; its district government sees it through the tree
    assert numbers(client_for(personas.officer_district).get("/api/v1/orders/")) == {spread["environment"].number}
    assert numbers(client_for(personas.outsider).get("/api/v1/orders/")) == set()


def test_officer_gets_404_for_an_order_of_another_department(spread: dict[str, WorkOrder], personas: Personas) -> None:
    client = client_for(personas.officer_a)
    assert client.get(f"/api/v1/orders/{spread['environment'].pk}/").status_code == 404
    assert client.post(f"/api/v1/orders/{spread['environment'].pk}/sign/").status_code == 404


def test_unknown_order_is_404(personas: Personas, city: City) -> None:
    assert client_for(personas.manager).get("/api/v1/orders/999999/").status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=draft", {"draft"}),
        ("status=dispatched", {"housing", "environment"}),
        ("q=噪音", {"environment"}),
        ("q=公积金", {"draft"}),
    ],
)
def test_list_filters(spread: dict[str, WorkOrder], personas: Personas, query: str, expected: set[str]) -> None:
    response = client_for(personas.manager).get(f"/api/v1/orders/?{query}")
    assert numbers(response) == {spread[key].number for key in expected}


def test_filter_by_department_includes_assisting_and_sub_departments(
    spread: dict[str, WorkOrder], city: City, personas: Personas
) -> None:
    client = client_for(personas.manager)
    assert numbers(client.get(f"/api/v1/orders/?department={city.housing.pk}")) == {spread["housing"].number}
    assert numbers(client.get(f"/api/v1/orders/?department={city.district.pk}")) == {spread["environment"].number}


def test_filter_by_category_and_area_includes_their_subtrees(
    spread: dict[str, WorkOrder], city: City, personas: Personas
) -> None:
    client = client_for(personas.manager)
    environment_root = city.pollution.parent.parent
    assert numbers(client.get(f"/api/v1/orders/?category={environment_root.pk}")) == {spread["environment"].number}
    assert numbers(client.get(f"/api/v1/orders/?area={city.district_area.pk}")) == {
        spread["housing"].number,  # in a street of the district
        spread["environment"].number,
    }
    assert numbers(client.get(f"/api/v1/orders/?area={city.street_area.pk}")) == {spread["housing"].number}


def test_filter_by_date_range_and_overdue(spread: dict[str, WorkOrder], personas: Personas) -> None:
    WorkOrder.objects.filter(pk=spread["housing"].pk).update(
        created_at=timezone.now() - timedelta(days=40), resolve_due_at=timezone.now() - timedelta(days=1)
    )
    client = client_for(personas.manager)
    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    assert spread["housing"].number not in numbers(client.get(f"/api/v1/orders/?created_after={since}"))
    assert numbers(client.get("/api/v1/orders/?overdue=true")) == {spread["housing"].number}
    assert spread["housing"].number not in numbers(client.get("/api/v1/orders/?overdue=false"))
    row = next(r for r in client.get("/api/v1/orders/").json()["results"] if r["number"] == spread["housing"].number)
    assert row["is_overdue"] is True


def test_invalid_filter_values_are_400_naming_the_filter(spread: dict[str, WorkOrder], personas: Personas) -> None:
    response = client_for(personas.manager).get("/api/v1/orders/?status=nonsense&created_after=yesterday")
    assert response.status_code == 400
    assert set(response.json()) >= {"status", "created_after"}


def test_list_query_count_does_not_grow_with_the_orders(
    city: City, personas: Personas, django_assert_max_num_queries
) -> None:
    for index in range(25):
        order = make_order(title=f"工单{index}", category=city.construction, area=city.street_area)
        services.workorder_dispatch(
            order=order,
            by=personas.operator,
            lead_department=city.housing,
            assisting_departments=[city.environment, city.street],
        )
    for persona in (personas.manager, personas.officer_a):
        client = client_for(persona)
        with django_assert_max_num_queries(6):
            response = client.get("/api/v1/orders/")
        assert response.json()["count"] == 25
        assert len(response.json()["results"][0]["assisting_departments"]) == 2


def test_order_detail_has_assignments_and_history(
    spread: dict[str, WorkOrder], personas: Personas, django_assert_max_num_queries
) -> None:
    client = client_for(personas.officer_b)
    with django_assert_max_num_queries(12):
        body = client.get(f"/api/v1/orders/{spread['environment'].pk}/").json()
    assert body["status"] == "dispatched" and body["status_display"]
    assert sorted((a["role"], a["department"]["id"]) for a in body["assignments"]) == [
        ("assist", spread["environment"].assignments.get(role="assist").department_id),
        ("lead", spread["environment"].lead_department_id),
    ]
    assert [e["action"] for e in body["events"]] == ["create", "dispatch"]
    assert body["events"][1]["actor"] == str(personas.operator)


def test_the_whole_flow_over_the_api(spread: dict[str, WorkOrder], city: City, personas: Personas) -> None:
    order_url = f"/api/v1/orders/{spread['housing'].pk}"
    officer = client_for(personas.officer_a)
    assert officer.post(f"{order_url}/sign/").json()["status"] == "signed"
    assert officer.post(f"{order_url}/contact/", {"note": "已电话联系"}, format="json").status_code == 200
    assert (
        officer.post(f"{order_url}/reply/", {"reply": "已责令物业退还停车费。"}, format="json").json()["status"]
        == "replied"
    )
    operator = client_for(personas.operator)
    body = operator.post(
        f"{order_url}/callback/", {"satisfaction": "satisfied", "resolved": True}, format="json"
    ).json()
    assert body["status"] == "callback" and body["callbacks"][0]["satisfaction"] == "satisfied"
    assert operator.post(f"{order_url}/close/", {}, format="json").json()["status"] == "closed"


def test_dispatch_without_a_department_uses_the_dispatch_catalogue(city: City, personas: Personas) -> None:
    order = make_order(category=city.pollution, area=city.street_area)
    body = client_for(personas.operator).post(f"/api/v1/orders/{order.pk}/dispatch/", {}, format="json").json()
    assert body["lead_department"]["id"] == city.environment.pk  # 环境保护 → 生态环境局, district assisting
    assert [d["id"] for d in body["assisting_departments"]] == [city.district.pk]


def test_action_errors_have_the_right_status(spread: dict[str, WorkOrder], city: City, personas: Personas) -> None:
    housing = f"/api/v1/orders/{spread['housing'].pk}"
    # 403: a manager may not sign, an operator may not reply
    assert client_for(personas.manager).post(f"{housing}/sign/").status_code == 403
    # 409: replying before signing
    response = client_for(personas.officer_a).post(f"{housing}/reply/", {"reply": "已处理"}, format="json")
    assert response.status_code == 409 and response.json()["detail"]
    # 400 naming the field: a return without a valid reason code
    response = client_for(personas.officer_a).post(
        f"{housing}/return/", {"reason_code": "bad", "reason": ""}, format="json"
    )
    assert response.status_code == 400 and set(response.json()) == {"reason_code", "reason"}
    # 400 from the service, naming the field: dispatching a draft without a category
    response = client_for(personas.operator).post(
        f"/api/v1/orders/{spread['draft'].pk}/dispatch/", {"lead_department": city.housing.pk}, format="json"
    )
    assert response.status_code == 400 and "category" in response.json()
    # 400: an unknown department id
    response = client_for(personas.operator).post(
        f"/api/v1/orders/{spread['draft'].pk}/dispatch/", {"lead_department": 987654}, format="json"
    )
    assert response.status_code == 400 and "lead_department" in response.json()


def test_return_arbitration_and_redispatch_over_the_api(
    spread: dict[str, WorkOrder], city: City, personas: Personas
) -> None:
    url = f"/api/v1/orders/{spread['housing'].pk}"
    body = (
        client_for(personas.officer_a)
        .post(f"{url}/return/", {"reason_code": "not_our_function", "reason": "属于环保职责"}, format="json")
        .json()
    )
    assert body["status"] == "returned"
    response = client_for(personas.operator).post(
        f"{url}/arbitrate/", {"decision": "redispatch", "reason": "改派"}, format="json"
    )
    assert response.status_code == 400 and "lead_department" in response.json()
    body = (
        client_for(personas.operator)
        .post(
            f"{url}/arbitrate/",
            {"decision": "redispatch", "reason": "改派", "lead_department": city.environment.pk},
            format="json",
        )
        .json()
    )
    assert body["status"] == "dispatched" and body["lead_department"]["id"] == city.environment.pk


def test_a_draft_is_merged_into_an_open_order_over_the_api(
    spread: dict[str, WorkOrder], city: City, personas: Personas
) -> None:
    second_report = make_order(title="工地夜间施工", appeal="西湖街道工地半夜还在施工，太吵了")
    url = f"/api/v1/orders/{second_report.pk}/merge/"
    target = spread["environment"]

    body = client_for(personas.operator).post(url, {"into": target.number, "reason": "同一工地"}, format="json").json()

    assert body["status"] == "merged"
    assert [e for e in body["events"] if e["action"] == "merge"][0]["changes"]["merged_into"] == ["", target.number]
    second_report.refresh_from_db()
    assert second_report.merged_into == target


def test_merge_errors_name_the_field_and_follow_the_lifecycle(
    spread: dict[str, WorkOrder], city: City, personas: Personas
) -> None:
    draft = spread["draft"]
    url = f"/api/v1/orders/{draft.pk}/merge/"
    # 400 naming the field: no such order, or the order itself
    response = client_for(personas.operator).post(url, {"into": "GD000000000000"}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["into"]
    response = client_for(personas.operator).post(url, {"into": draft.number}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["into"]
    # 403: a department officer does not merge; 409: a dispatched order is no longer merged
    response = client_for(personas.officer_a).post(
        f"/api/v1/orders/{spread['housing'].pk}/merge/", {"into": spread["environment"].number}, format="json"
    )
    assert response.status_code == 403
    response = client_for(personas.operator).post(
        f"/api/v1/orders/{spread['housing'].pk}/merge/", {"into": spread["environment"].number}, format="json"
    )
    assert response.status_code == 409
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_extension_request_and_decision_over_the_api(spread: dict[str, WorkOrder], personas: Personas) -> None:
    url = f"/api/v1/orders/{spread['housing'].pk}"
    officer = client_for(personas.officer_a)
    officer.post(f"{url}/sign/")
    response = officer.post(f"{url}/request-extension/", {"working_days": "many", "reason": "x"}, format="json")
    assert response.status_code == 400 and "working_days" in response.json()
    before = officer.get(f"{url}/").json()["resolve_due_at"]
    assert (
        officer.post(f"{url}/request-extension/", {"working_days": 2, "reason": "需协调"}, format="json").status_code
        == 200
    )
    assert (
        client_for(personas.operator).post(f"{url}/decide-extension/", {"approve": True}, format="json").status_code
        == 403
    )
    body = (
        client_for(personas.manager)
        .post(f"{url}/decide-extension/", {"approve": True, "note": "同意"}, format="json")
        .json()
    )
    assert body["resolve_due_at"] > before and body["extension_requests"][0]["status"] == "approved"
    assert (
        client_for(personas.manager).post(f"{url}/decide-extension/", {"approve": True}, format="json").status_code
        == 404
    )


def test_operator_edits_a_draft_with_patch(spread: dict[str, WorkOrder], city: City, personas: Personas) -> None:
    url = f"/api/v1/orders/{spread['draft'].pk}/"
    body = (
        client_for(personas.operator)
        .patch(url, {"category": city.construction.pk, "urgency": "urgent"}, format="json")
        .json()
    )
    assert body["category"]["id"] == city.construction.pk and body["urgency"] == "urgent"
    assert body["events"][-1]["action"] == "edit"
    assert client_for(personas.manager).patch(url, {"title": "x"}, format="json").status_code == 403
    response = client_for(personas.operator).patch(url, {"urgency": "panic", "category": "abc"}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"urgency", "category"}


def test_reference_data_endpoints(city: City, personas: Personas) -> None:
    client = client_for(personas.operator)
    assert {d["code"] for d in client.get("/api/v1/departments/").json()["results"]} >= {"ZJJ", "STHJ"}
    level3 = client.get("/api/v1/categories/?level=3").json()["results"]
    assert {c["full_name"] for c in level3} >= {"城乡建设 / 城市建设和市政管理 / 城市公共设施"}
    assert client.get("/api/v1/areas/?kind=street").json()["results"][0]["full_name"] == "A3区 / 西湖街道"


def test_openapi_schema_and_docs_page_are_served_locally(personas: Personas, client) -> None:
    client.force_login(personas.manager)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in ("/api/v1/submissions/", "/api/v1/orders/{id}/dispatch/", "/api/v1/orders/{id}/callback/"):
        assert path in text
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "https://" not in docs and "http://" not in docs
    assert client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js").status_code == 200


def test_the_openapi_schema_generates_without_warnings(tmp_path) -> None:
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/v1/orders/{id}/return/" in (tmp_path / "schema.yaml").read_text()


def test_a_write_based_on_an_older_version_is_refused_naming_who_changed_what(
    spread: dict[str, WorkOrder], city: City, personas: Personas
) -> None:
    draft = spread["draft"]
    url = f"/api/v1/orders/{draft.pk}/"
    opened = APIClient()
    opened.force_authenticate(personas.operator)
    seen = opened.get(url)
    version = seen.json()["version"]
    assert seen["ETag"] == f'"{version}"'
    colleague = APIClient()
    colleague.force_authenticate(personas.admin)
    edited = colleague.patch(
        url, {"title": "公积金提取咨询", "category": city.construction.pk, "version": version}, format="json"
    )
    assert edited.status_code == 200 and edited.json()["version"] == version + 1

    stale = opened.post(f"{url}dispatch/", {"version": version}, format="json")

    assert stale.status_code == 409
    body = stale.json()
    assert body["current_version"] == version + 1
    assert (personas.admin.get_full_name() or personas.admin.username) in body["detail"]
    assert "标题" in body["detail"] and "分类" in body["detail"]
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.title == "公积金提取咨询"  # nothing of the stale dispatch happened
    fresh = opened.post(f"{url}dispatch/", format="json", HTTP_IF_MATCH=f'"{body["current_version"]}"')
    assert fresh.status_code == 200 and fresh.json()["status"] == "dispatched"


def test_a_write_that_states_no_version_is_refused_with_what_to_send(
    spread: dict[str, WorkOrder], personas: Personas
) -> None:
    client = APIClient()
    client.force_authenticate(personas.operator)
    url = f"/api/v1/orders/{spread['draft'].pk}/"

    missing = client.post(f"{url}cancel/", {"reason": "重复"}, format="json")
    wrong = client.post(f"{url}cancel/", {"reason": "重复", "version": "abc"}, format="json")

    assert missing.status_code == 428 and "version" in missing.json()["detail"]
    assert wrong.status_code == 400 and list(wrong.json()) == ["version"]
    assert WorkOrder.objects.get(pk=spread["draft"].pk).status == "draft"
