"""The work-order pages as each role uses them: what they see, what they may do, and what changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import City, Personas
from tests.factories import SubmissionFactory, make_order
from workorders import services
from workorders.choices import Action, AssignmentRole, AssignmentStatus, Status
from workorders.models import WorkOrder, WorkOrderEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("deadline_policies")]


def login(client: Client, user: object) -> Client:
    client.force_login(user)
    return client


def order_url(order: WorkOrder, action: str | None = None) -> str:
    return reverse("order-detail" if action is None else f"order-{action}", args=[order.pk])


def page_text(response: object) -> str:
    return response.content.decode()


# --- login and start pages ------------------------------------------------------------------------------


def test_login_page_renders_in_chinese(client: Client) -> None:
    response = client.get(reverse("login"))
    text = page_text(response)
    assert response.status_code == 200
    assert "登录" in text
    assert "用户名" in text and "密码" in text
    assert "demo" not in text.lower()


@pytest.mark.parametrize(
    ("persona", "start_page"),
    [
        ("operator", "/desk/"),
        ("officer_a", "/inbox/"),
        ("manager", "/dashboard/"),
        ("admin", "/admin/"),
        ("integration", "/api/docs/"),
    ],
)
def test_logging_in_takes_each_role_to_its_start_page(
    client: Client, personas: Personas, persona: str, start_page: str
) -> None:
    user = getattr(personas, persona)
    response = client.post(reverse("login"), {"username": user.username, "password": "pass-for-tests-123"}, follow=True)
    assert response.redirect_chain[-1][0] == start_page
    assert response.status_code == 200


def test_wrong_password_is_refused_in_chinese(client: Client, personas: Personas) -> None:
    response = client.post(reverse("login"), {"username": "operator", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in page_text(response)


def test_anonymous_visitor_is_sent_to_the_login_page(client: Client) -> None:
    response = client.get(reverse("order-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_logging_out_takes_a_post_and_returns_to_login(client: Client, personas: Personas) -> None:
    login(client, personas.operator)
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get(reverse("desk")).status_code == 302


def test_navigation_matches_the_role(client: Client, personas: Personas) -> None:
    operator_page = page_text(login(client, personas.operator).get(reverse("desk")))
    assert reverse("intake-new") in operator_page and reverse("inbox") not in operator_page
    assert "/admin/" not in operator_page
    officer_page = page_text(login(Client(), personas.officer_a).get(reverse("inbox")))
    assert reverse("inbox") in officer_page and reverse("desk") not in officer_page
    assert "市住房和城乡建设局" in officer_page  # the officer's department next to their name
    admin_page = page_text(login(Client(), personas.admin).get(reverse("order-list")))
    # the API's documentation is linked from the admin index only (tests/workorders/test_words_not_codes.py)
    assert "/admin/" in admin_page and reverse("api-docs") not in admin_page


# --- the dispatch desk ----------------------------------------------------------------------------------


def test_desk_lists_each_queue_with_counts_and_catalogue_suggestions(
    client: Client, city: City, personas: Personas, replied_order: WorkOrder
) -> None:
    pending = make_order(title="噪声扰民", category=city.pollution, source_submission=SubmissionFactory())
    returned = services.workorder_dispatch(
        order=make_order(title="退回的工单", category=city.construction),
        by=personas.operator,
        lead_department=city.housing,
    )
    services.assignment_return(
        order=returned, by=personas.officer_a, reason_code="not_our_function", reason="不属于本单位职责"
    )
    response = login(client, personas.operator).get(reverse("desk"))
    text = page_text(response)
    assert response.status_code == 200
    assert pending.number in text and "市生态环境局" in text  # the catalogue's lead for noise pollution
    assert "分析中" in text  # triage of the submission has not run yet
    assert returned.number in text and "不属于本单位职能" in text
    assert replied_order.number in text
    assert response.context["queue_page"].paginator.count == 1
    assert response.context["returned_count"] == 1
    assert response.context["replied_count"] == 1


def test_officer_cannot_open_the_desk(client: Client, personas: Personas) -> None:
    assert login(client, personas.officer_a).get(reverse("desk")).status_code == 403


# --- the order page: operator --------------------------------------------------------------------------


def test_operator_dispatches_from_the_order_page_and_the_order_awaits_signing(
    client: Client, city: City, personas: Personas, draft_order: WorkOrder
) -> None:
    login(client, personas.operator)
    page = client.get(order_url(draft_order))
    assert page.status_code == 200
    dispatch_form = page.context["action_forms"]["dispatch"]
    assert dispatch_form.initial["lead_department"] == city.housing  # from the dispatch catalogue
    assert reverse("order-edit", args=[draft_order.pk]) in page_text(page)

    response = client.post(
        order_url(draft_order, "dispatch"),
        {"lead_department": city.housing.pk, "assisting_departments": [city.environment.pk], "note": "请尽快处理"},
        follow=True,
    )
    text = page_text(response)
    # nothing else waits: the operator is back at the queue (with another order waiting, they get that one)
    assert response.redirect_chain[-1][0] == reverse("desk")
    assert "工单已派发" in text
    draft_order.refresh_from_db()
    assert draft_order.status == Status.DISPATCHED
    assert draft_order.lead_department == city.housing


def test_dispatch_without_a_category_shows_the_error_on_the_form(
    client: Client, city: City, personas: Personas
) -> None:
    order = make_order(title="未分类")
    response = login(client, personas.operator).post(order_url(order, "dispatch"), {"lead_department": city.housing.pk})
    assert response.status_code == 400
    assert "派单前请先选择分类" in page_text(response)
    order.refresh_from_db()
    assert order.status == Status.DRAFT


def test_operator_edits_a_draft_and_the_change_is_in_the_history(
    client: Client, city: City, personas: Personas, draft_order: WorkOrder
) -> None:
    login(client, personas.operator)
    form_page = client.get(reverse("order-edit", args=[draft_order.pk]))
    assert form_page.status_code == 200
    data = {
        "title": "路灯损坏",
        "appeal": draft_order.appeal,
        "summary": "",
        "request_type": "help",
        "urgency": "urgent",
        "category": city.street_lights.pk,
        "area": city.district_area.pk,
        "address": "西湖路12号",
        "caller_name": "张先生",
        "caller_phone": "13800000000",
    }
    response = client.post(reverse("order-edit", args=[draft_order.pk]), data, follow=True)
    text = page_text(response)
    assert "路灯损坏" in text and "西湖路12号" in text
    assert "编辑" in text and "路灯不亮" in text  # the edit event shows the old title
    draft_order.refresh_from_db()
    assert draft_order.urgency == "urgent" and draft_order.category == city.street_lights


def test_editing_with_an_empty_appeal_changes_nothing(
    client: Client, personas: Personas, draft_order: WorkOrder
) -> None:
    response = login(client, personas.operator).post(
        reverse("order-edit", args=[draft_order.pk]),
        {"title": "新标题", "appeal": "  ", "request_type": "complaint", "urgency": "normal"},
    )
    assert response.status_code == 400
    assert "该字段是必填项" in page_text(response)
    draft_order.refresh_from_db()
    assert draft_order.title == "路灯不亮"


def test_officer_may_not_edit_an_order(client: Client, personas: Personas, dispatched_order: WorkOrder) -> None:
    response = login(client, personas.officer_a).get(reverse("order-edit", args=[dispatched_order.pk]))
    assert response.status_code == 403


def test_operator_cancels_a_draft_with_a_reason(client: Client, personas: Personas, draft_order: WorkOrder) -> None:
    response = login(client, personas.operator).post(
        order_url(draft_order, "cancel"), {"reason": "重复来电"}, follow=True
    )
    assert "已撤销" in page_text(response)
    draft_order.refresh_from_db()
    assert draft_order.status == Status.CANCELLED


def test_operator_arbitrates_a_return_by_redispatching(
    client: Client, city: City, personas: Personas, dispatched_order: WorkOrder
) -> None:
    services.assignment_return(
        order=dispatched_order, by=personas.officer_a, reason_code="not_our_function", reason="应由环保部门处理"
    )
    login(client, personas.operator)
    page = page_text(client.get(order_url(dispatched_order)))
    assert order_url(dispatched_order, "arbitrate") in page
    response = client.post(
        order_url(dispatched_order, "arbitrate"),
        {"decision": "redispatch", "lead_department": city.environment.pk, "reason": "同意退单，改派环保局"},
        follow=True,
    )
    assert "待签收" in page_text(response)
    dispatched_order.refresh_from_db()
    assert dispatched_order.status == Status.DISPATCHED
    assert dispatched_order.lead_department == city.environment


def test_operator_records_a_callback_and_closes_the_order(
    client: Client, personas: Personas, replied_order: WorkOrder
) -> None:
    login(client, personas.operator)
    response = client.post(
        order_url(replied_order, "callback"),
        {"satisfaction": "satisfied", "resolved": "yes", "comment": "路灯已修好"},
        follow=True,
    )
    text = page_text(response)
    assert "已回访待办结" in text and "满意" in text
    response = client.post(order_url(replied_order, "close"), {"note": ""}, follow=True)
    assert "已办结" in page_text(response)
    replied_order.refresh_from_db()
    assert replied_order.status == Status.CLOSED


def test_dissatisfied_callback_reopens_the_order(client: Client, personas: Personas, replied_order: WorkOrder) -> None:
    response = login(client, personas.operator).post(
        order_url(replied_order, "callback"),
        {"satisfaction": "dissatisfied", "resolved": "no", "comment": "没修好"},
        follow=True,
    )
    text = page_text(response)
    assert "重办" in text and "待签收" in text
    replied_order.refresh_from_db()
    assert replied_order.reopen_count == 1


# --- the order page: departments -----------------------------------------------------------------------


def test_officer_of_the_lead_department_signs_and_replies_through_the_page(
    client: Client, personas: Personas, dispatched_order: WorkOrder
) -> None:
    login(client, personas.officer_a)
    page = page_text(client.get(order_url(dispatched_order)))
    assert order_url(dispatched_order, "sign") in page and order_url(dispatched_order, "return") in page
    response = client.post(order_url(dispatched_order, "sign"), follow=True)
    assert "办理中" in page_text(response)
    page = page_text(response)
    for action in ("reply", "contact", "return", "request-extension"):
        assert order_url(dispatched_order, action) in page
    assert order_url(dispatched_order, "sign") not in page

    response = client.post(order_url(dispatched_order, "reply"), {"reply": "已更换路灯，恢复照明。"}, follow=True)
    text = page_text(response)
    assert "已答复待回访" in text and "已更换路灯，恢复照明。" in text
    dispatched_order.refresh_from_db()
    assert dispatched_order.status == Status.REPLIED


def test_officer_of_the_lead_department_returns_with_a_coded_reason(
    client: Client, personas: Personas, signed_order: WorkOrder
) -> None:
    response = login(client, personas.officer_a).post(
        order_url(signed_order, "return"),
        {"reason_code": "not_our_area", "reason": "该地址不在本单位辖区"},
        follow=True,
    )
    text = page_text(response)
    assert "已退单待仲裁" in text and "不属于本单位辖区" in text
    signed_order.refresh_from_db()
    assert signed_order.status == Status.RETURNED


def test_officer_records_contact_and_asks_for_an_extension(
    client: Client, personas: Personas, signed_order: WorkOrder
) -> None:
    login(client, personas.officer_a)
    client.post(order_url(signed_order, "contact"), {"note": "已电话联系市民"})
    response = client.post(
        order_url(signed_order, "request-extension"), {"working_days": 3, "reason": "需协调施工队"}, follow=True
    )
    text = page_text(response)
    assert "联系市民" in text and "需协调施工队" in text
    assert order_url(signed_order, "request-extension") not in text  # one pending request at a time
    assert signed_order.extension_requests.get().working_days == 3


def test_extension_of_more_than_thirty_days_is_refused_on_the_form(
    client: Client, personas: Personas, signed_order: WorkOrder
) -> None:
    response = login(client, personas.officer_a).post(
        order_url(signed_order, "request-extension"), {"working_days": 31, "reason": "时间不够"}
    )
    assert response.status_code == 400
    assert "30" in page_text(response)
    assert not signed_order.extension_requests.exists()


def test_officer_of_an_assisting_department_sees_the_order_without_lead_only_forms(
    client: Client, personas: Personas, dispatched_order: WorkOrder
) -> None:
    login(client, personas.officer_b)
    page = page_text(client.get(order_url(dispatched_order)))
    assert dispatched_order.number in page
    assert order_url(dispatched_order, "sign") in page
    for lead_only in ("return", "contact", "request-extension"):
        assert order_url(dispatched_order, lead_only) not in page
    response = client.post(order_url(dispatched_order, "sign"), follow=True)
    page = page_text(response)
    assert "协办签收" in page
    assert order_url(dispatched_order, "reply") in page  # the assisting opinion
    assert order_url(dispatched_order, "return") not in page
    dispatched_order.refresh_from_db()
    assert dispatched_order.status == Status.DISPATCHED  # only the lead's signature starts the handling
    forbidden = client.post(order_url(dispatched_order, "return"), {"reason_code": "other", "reason": "不是我们的"})
    assert forbidden.status_code == 403


def test_outsider_officer_cannot_find_the_order_anywhere(
    client: Client, personas: Personas, dispatched_order: WorkOrder
) -> None:
    login(client, personas.outsider)
    assert client.get(order_url(dispatched_order)).status_code == 404
    assert client.post(order_url(dispatched_order, "sign")).status_code == 404
    assert dispatched_order.number not in page_text(client.get(reverse("order-list")))
    assert dispatched_order.number not in page_text(client.get(reverse("inbox")))


def test_not_found_page_is_in_chinese(client: Client, personas: Personas) -> None:
    response = login(client, personas.outsider).get("/orders/999999/")
    assert response.status_code == 404
    assert "找不到" in page_text(response)


def test_officer_of_a_parent_department_sees_and_signs_orders_of_its_sub_department(
    client: Client, city: City, personas: Personas, draft_order: WorkOrder
) -> None:
    order = services.workorder_dispatch(order=draft_order, by=personas.operator, lead_department=city.housing_sub)
    login(client, personas.officer_a)
    assert order.number in page_text(client.get(reverse("inbox")))
    assert order.number in page_text(client.get(reverse("order-list")))
    response = client.post(order_url(order, "sign"), follow=True)
    assert "办理中" in page_text(response)
    assignment = order.assignments.get(role=AssignmentRole.LEAD)
    assert assignment.department == city.housing_sub and assignment.signed_by == personas.officer_a
    assert personas.officer_b.username not in page_text(client.get(reverse("inbox")))


def test_officer_inbox_groups_work_by_what_comes_next(
    client: Client, city: City, personas: Personas, dispatched_order: WorkOrder
) -> None:
    in_hand = make_order(title="在办工单", category=city.construction)
    services.workorder_dispatch(order=in_hand, by=personas.operator, lead_department=city.housing)
    signed = services.assignment_sign(order=in_hand, by=personas.officer_a)
    services.workorder_supervise(order=signed, by=personas.manager, reason="群众反映强烈")
    response = login(client, personas.officer_a).get(reverse("inbox"))
    assert [a.order for a in response.context["to_sign"]] == [dispatched_order]
    assert [a.order for a in response.context["handling"]] == [signed]
    text = page_text(response)
    assert "待签收" in text and "督办" in text and "剩余" in text


def test_manager_cannot_dispatch(client: Client, city: City, personas: Personas, draft_order: WorkOrder) -> None:
    login(client, personas.manager)
    assert order_url(draft_order, "dispatch") not in page_text(client.get(order_url(draft_order)))
    response = client.post(order_url(draft_order, "dispatch"), {"lead_department": city.housing.pk})
    assert response.status_code == 403
    draft_order.refresh_from_db()
    assert draft_order.status == Status.DRAFT


def test_manager_supervises_and_approves_an_extension(
    client: Client, personas: Personas, signed_order: WorkOrder
) -> None:
    services.extension_request(order=signed_order, by=personas.officer_a, working_days=2, reason="需协调")
    due_before = signed_order.resolve_due_at
    login(client, personas.manager)
    page = page_text(client.get(order_url(signed_order)))
    assert order_url(signed_order, "decide-extension") in page and order_url(signed_order, "supervise") in page
    client.post(order_url(signed_order, "supervise"), {"reason": "超期风险"})
    response = client.post(
        order_url(signed_order, "decide-extension"), {"decision": "approve", "note": "同意"}, follow=True
    )
    text = page_text(response)
    assert "同意延期" in text and "督办" in text
    signed_order.refresh_from_db()
    assert signed_order.is_supervised and signed_order.resolve_due_at > due_before


# --- errors ---------------------------------------------------------------------------------------------


def test_get_on_an_action_url_is_not_allowed(client: Client, personas: Personas, draft_order: WorkOrder) -> None:
    response = login(client, personas.operator).get(order_url(draft_order, "dispatch"))
    assert response.status_code == 405


def test_empty_reply_shows_a_chinese_error_and_changes_nothing(
    client: Client, personas: Personas, signed_order: WorkOrder
) -> None:
    events_before = signed_order.events.count()
    response = login(client, personas.officer_a).post(order_url(signed_order, "reply"), {"reply": "   "})
    assert response.status_code == 400
    assert "该字段是必填项" in page_text(response)
    assert response.context["action_forms"]["reply"].errors
    signed_order.refresh_from_db()
    assert signed_order.status == Status.SIGNED
    # the page shown again records only that the officer has the order open (认领), no change of it
    assert signed_order.events.exclude(action=Action.CLAIM).count() == events_before
    assert signed_order.assignments.get(role=AssignmentRole.LEAD).status == AssignmentStatus.SIGNED


def test_signing_twice_says_so_and_returns_to_the_order(
    client: Client, personas: Personas, signed_order: WorkOrder
) -> None:
    response = login(client, personas.officer_a).post(order_url(signed_order, "sign"), follow=True)
    assert response.redirect_chain[-1][0] == order_url(signed_order)
    assert "本单位已签收该工单" in page_text(response)
    assert signed_order.events.filter(action=Action.SIGN).count() == 1


# --- history --------------------------------------------------------------------------------------------


def test_history_lists_each_event_with_actor_and_chinese_action(
    client: Client, personas: Personas, replied_order: WorkOrder
) -> None:
    response = login(client, personas.manager).get(order_url(replied_order))
    text = page_text(response)
    events = list(WorkOrderEvent.objects.filter(order=replied_order))
    assert [e.action for e in events] == [Action.CREATE, Action.DISPATCH, Action.SIGN, Action.REPLY]
    assert len(response.context["events"]) == 4
    for label in ("创建", "派单", "签收", "答复"):
        assert label in text
    assert str(personas.operator) in text and str(personas.officer_a) in text
    assert "派单员" in text and "承办单位人员" in text  # the actors' roles
    assert "待派单 → 待签收" in text
    assert "市生态环境局" in text  # the assisting department in the dispatch's field changes


# --- the order list -------------------------------------------------------------------------------------


@pytest.fixture
def varied_orders(city: City, personas: Personas) -> dict[str, WorkOrder]:
    """A draft, a dispatched order to housing, an overdue one to environment, and a closed one."""
    draft = make_order(title="井盖丢失", category=city.construction)
    dispatched = services.workorder_dispatch(
        order=make_order(title="楼道灯坏了", category=city.construction),
        by=personas.operator,
        lead_department=city.housing,
    )
    overdue = services.workorder_dispatch(
        order=make_order(title="夜间施工噪声", category=city.pollution),
        by=personas.operator,
        lead_department=city.environment,
        at=timezone.now() - timedelta(days=30),
    )
    return {"draft": draft, "dispatched": dispatched, "overdue": overdue}


def numbers(response: object) -> set[str]:
    return {order.number for order in response.context["page"].object_list}


def test_manager_sees_all_orders_and_filters_them(
    client: Client, city: City, personas: Personas, varied_orders: dict[str, WorkOrder]
) -> None:
    draft, dispatched, overdue = varied_orders["draft"], varied_orders["dispatched"], varied_orders["overdue"]
    login(client, personas.manager)
    url = reverse("order-list")
    assert numbers(client.get(url)) == {draft.number, dispatched.number, overdue.number}
    assert numbers(client.get(url, {"status": "draft"})) == {draft.number}
    assert numbers(client.get(url, {"department": city.environment.pk})) == {overdue.number}
    assert numbers(client.get(url, {"overdue": "true"})) == {overdue.number}
    assert numbers(client.get(url, {"q": "楼道灯"})) == {dispatched.number}
    text = page_text(client.get(url, {"overdue": "true"}))
    assert "已超期" in text and "超期" in text


def test_officer_lists_only_orders_of_their_department(
    client: Client, personas: Personas, varied_orders: dict[str, WorkOrder]
) -> None:
    response = login(client, personas.officer_b).get(reverse("order-list"))
    assert numbers(response) == {varied_orders["overdue"].number}


def test_htmx_request_to_the_list_returns_only_the_results(
    client: Client, personas: Personas, varied_orders: dict[str, WorkOrder]
) -> None:
    login(client, personas.manager)
    response = client.get(reverse("order-list"), {"status": "draft"}, headers={"HX-Request": "true"})
    text = page_text(response)
    assert "<html" not in text and 'name="q"' not in text
    assert varied_orders["draft"].number in text and varied_orders["dispatched"].number not in text
    assert "HX-Request" in response["Vary"]
    full = page_text(client.get(reverse("order-list"), {"status": "draft"}))
    assert "<html" in full and 'id="order-results"' in full and 'hx-push-url="true"' in full


def test_list_pages_fifty_orders_at_a_time(client: Client, personas: Personas) -> None:
    for index in range(51):
        make_order(title=f"工单{index}")
    response = login(client, personas.manager).get(reverse("order-list"))
    assert len(response.context["page"].object_list) == 50
    assert "page=2" in page_text(response)
    assert len(login(client, personas.manager).get(reverse("order-list"), {"page": 2}).context["page"].object_list) == 1


# --- query counts ---------------------------------------------------------------------------------------


@pytest.fixture
def twenty_orders(city: City, personas: Personas) -> None:
    """Twenty orders in every stage, so a query per row would show in the counts."""
    for index in range(4):
        make_order(
            title=f"草稿{index}", category=city.pollution, area=city.street_area, source_submission=SubmissionFactory()
        )
    for index in range(16):
        order = services.workorder_dispatch(
            order=make_order(title=f"工单{index}", category=city.construction),
            by=personas.operator,
            lead_department=city.housing,
            assisting_departments=[city.environment, city.district],
        )
        if index % 4 == 0:
            continue
        services.assignment_sign(order=order, by=personas.officer_a)
        if index % 4 == 1:
            services.extension_request(order=order, by=personas.officer_a, working_days=2, reason="需协调")
            continue
        services.assignment_reply(order=order, by=personas.officer_a, reply="已处理")
        if index % 4 == 3:
            services.callback_record(order=order, by=personas.operator, satisfaction="satisfied", resolved=True)
    returned = services.workorder_dispatch(
        order=make_order(title="退单", category=city.construction), by=personas.operator, lead_department=city.housing
    )
    services.assignment_return(order=returned, by=personas.officer_a, reason_code="other", reason="其他原因")


def test_order_list_query_count_does_not_grow_with_rows(
    client: Client, personas: Personas, twenty_orders: None, django_assert_max_num_queries: object
) -> None:
    login(client, personas.manager)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("order-list"))
    assert len(response.context["page"].object_list) == 21


def test_desk_query_count_does_not_grow_with_rows(
    client: Client, personas: Personas, twenty_orders: None, django_assert_max_num_queries: object
) -> None:
    login(client, personas.operator)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("desk"))
    assert response.context["queue_page"].paginator.count == 4
    assert response.context["extensions_count"] == 4
    assert response.context["returned_count"] == 1


def test_inbox_query_count_does_not_grow_with_rows(
    client: Client, personas: Personas, twenty_orders: None, django_assert_max_num_queries: object
) -> None:
    login(client, personas.officer_a)
    # the department subtree's ids are read once, then the inbox's deadlines, then the rows shown by id
    with django_assert_max_num_queries(7):
        response = client.get(reverse("inbox"))
    assert len(response.context["to_sign"]) == 4
    assert len(response.context["handling"]) == 4
    assert len(response.context["replied"]) == 4


def test_the_interface_stays_chinese_for_an_english_browser(client, personas) -> None:
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "登录" in response.content.decode()


def test_an_order_not_analysed_yet_shows_no_personal_data_in_a_managers_list(
    client: Client, personas: Personas
) -> None:
    """A fresh call has no title and no masked appeal yet: its row shows the appeal masked now, never raw."""
    make_order(appeal="我的电话是13912345678，身份证号110101199003074258，家门口路灯不亮", title="")

    page = login(client, personas.manager).get(reverse("order-list")).content.decode()

    assert "路灯" in page
    assert "13912345678" not in page and "110101199003074258" not in page


def test_a_self_harm_risk_shows_the_protocol_on_the_order_and_a_badge_on_the_desk(
    client: Client, personas: Personas, settings
) -> None:
    from workorders.triage_record import SafetyRecord, TriageRecord

    settings.HOTLINE = {**settings.HOTLINE, "PSYCH_AID_LINE": "0731-12356"}
    order = make_order(appeal="市民：我站在楼顶上，我不想活了")
    record = TriageRecord(versions={"pipeline": "test"}, safety=SafetyRecord("self_harm", True, ("不想活了", "楼顶")))
    services.workorder_apply_triage(order=order, fields={"urgency": "emergency"}, record=record)
    login(client, personas.operator)

    page = client.get(order_url(order)).content.decode()
    desk = client.get(reverse("desk")).content.decode()

    assert "自伤" in page and "<mark>不想活了</mark>" in page and "<mark>楼顶</mark>" in page
    assert "0731-12356" in page and "110" in page and "120" in page
    assert "自伤风险" in desk


def test_an_order_without_a_risk_shows_no_protocol(client: Client, personas: Personas) -> None:
    order = make_order(appeal="小区门口路灯坏了一个星期")
    page = login(client, personas.operator).get(order_url(order)).content.decode()
    assert 'id="risk"' not in page


def test_a_dispatch_from_a_page_opened_before_a_colleagues_edit_is_refused_and_shown_again(
    client: Client, city: City, personas: Personas
) -> None:
    order = make_order(category=city.construction)
    opened_version = order.version
    services.workorder_update(order=order, by=personas.admin, title="电梯停运", based_on=opened_version)
    login(client, personas.operator)

    response = client.post(
        order_url(order, "dispatch"),
        {"lead_department": city.housing.pk, "note": "请尽快处理", "version": opened_version},
    )

    page = response.content.decode()
    assert response.status_code == 409
    assert "标题" in page and (personas.admin.get_full_name() or personas.admin.username) in page
    assert "请尽快处理" in page  # what the operator typed is kept
    assert f'name="version" value="{opened_version + 1}"' in page  # sending again dispatches the order as it is
    order.refresh_from_db()
    assert order.status == Status.DRAFT
