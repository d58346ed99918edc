"""The department's workspace (the officer's inbox and the order's action forms): one reply check, on the reply to
the citizen only; the first-contact deadline and a pending extension request in the inbox; the inbox's filter and
refresh; the inbox's queries do not grow with its rows."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from tests.conftest import City, Personas
from tests.factories import UserFactory, make_order
from tests.workorders.conftest import signed_in
from workorders import services
from workorders.models import OrderClaim, WorkOrder

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("deadline_policies")]

CHECK_BUTTON = "检查答复质量"


def test_the_lead_officer_sees_one_reply_check_on_the_reply_form_only(
    personas: Personas, signed_order: WorkOrder
) -> None:
    page = signed_in(personas.officer_a).get(reverse("order-detail", args=[signed_order.pk])).content.decode()

    assert page.count(CHECK_BUTTON) == 1
    assert page.count('id="reply-check"') == 1
    for other in ("contact", "request-extension", "return"):  # the forms shown besides the reply
        card = re.search(rf'<details[^>]*id="action-{other}".*?</details>', page, re.S)
        assert card, f"the {other} form is on the page"
        assert CHECK_BUTTON not in card.group(0) and "reply-check" not in card.group(0)
    reply_card = re.search(r'<details[^>]*id="action-reply".*?</details>', page, re.S).group(0)
    assert CHECK_BUTTON in reply_card and 'id="reply-check"' in reply_card


def test_an_assisting_department_gives_its_opinion_without_a_reply_check(
    personas: Personas, signed_order: WorkOrder
) -> None:
    services.assignment_sign(order=signed_order, by=personas.officer_b)
    page = signed_in(personas.officer_b).get(reverse("order-detail", args=[signed_order.pk])).content.decode()

    assert 'id="action-reply"' in page  # the assisting opinion's form
    assert CHECK_BUTTON not in page and 'id="reply-check"' not in page


# --- the inbox ------------------------------------------------------------------------------------------------


def dispatched(title: str, city: City, personas: Personas, **fields: object) -> WorkOrder:
    order = make_order(title=title, category=city.construction, area=city.district_area, **fields)
    return services.workorder_dispatch(order=order, by=personas.operator, lead_department=city.housing)


def section(page: str, name: str) -> str:
    found = re.search(rf'<section id="{name}".*?</section>', page, re.S)
    assert found, f"the inbox has a {name} section"
    return found.group(0)


def row_of(page: str, order: WorkOrder) -> str:
    found = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*?{order.number}.*?</tr>", page, re.S)
    assert found, f"{order.number} is in the inbox"
    return found.group(0)


def test_the_inbox_shows_the_first_contact_deadline_and_when_it_is_overdue(
    city: City, personas: Personas, dispatched_order: WorkOrder
) -> None:
    officer = signed_in(personas.officer_a)
    due = timezone.localtime(dispatched_order.contact_due_at)
    row = row_of(section(officer.get(reverse("inbox")).content.decode(), "to-sign"), dispatched_order)
    assert "首次联系时限" in officer.get(reverse("inbox")).content.decode()
    assert due.strftime("%m-%d %H:%M") in row and "剩余" in row

    late = dispatched("井盖松动", city, personas)
    WorkOrder.objects.filter(pk=late.pk).update(contact_due_at=timezone.now() - timedelta(hours=3))
    services.assignment_sign(order=late, by=personas.officer_a)
    row = row_of(section(officer.get(reverse("inbox")).content.decode(), "handling"), late)
    assert 'class="nowrap contact-due overdue"' in row and "已超期3小时" in row


def test_after_the_first_contact_the_inbox_says_when_it_was_made(personas: Personas, signed_order: WorkOrder) -> None:
    services.assignment_record_contact(order=signed_order, by=personas.officer_a, note="电话联系市民")
    row = row_of(
        section(signed_in(personas.officer_a).get(reverse("inbox")).content.decode(), "handling"), signed_order
    )

    contacted = timezone.localtime(signed_order.assignments.get(role="lead").first_contact_at)
    assert f"已联系 {contacted:%m-%d %H:%M}" in row and "contact-due" not in row


def test_the_assisting_department_has_no_contact_deadline_of_its_own(
    personas: Personas, dispatched_order: WorkOrder
) -> None:
    row = row_of(
        section(signed_in(personas.officer_b).get(reverse("inbox")).content.decode(), "to-sign"), dispatched_order
    )

    assert "contact-due" not in row and "countdown" in row  # the sign deadline still counts down


def test_a_pending_extension_shows_with_its_days_until_it_is_decided(
    personas: Personas, signed_order: WorkOrder
) -> None:
    officer = signed_in(personas.officer_a)
    assert "延期待审批" not in officer.get(reverse("inbox")).content.decode()

    request = services.extension_request(order=signed_order, by=personas.officer_a, working_days=3, reason="需要勘查")
    row = row_of(section(officer.get(reverse("inbox")).content.decode(), "handling"), signed_order)
    assert "延期待审批：+3 个工作日" in row
    # the assisting department asked for nothing
    assert "延期待审批" not in signed_in(personas.officer_b).get(reverse("inbox")).content.decode()

    services.extension_decide(request=request, by=personas.manager, approve=True)
    assert "延期待审批" not in officer.get(reverse("inbox")).content.decode()


def test_the_inbox_filter_narrows_the_sections_and_the_refresh_keeps_it(
    city: City, personas: Personas, dispatched_order: WorkOrder
) -> None:
    manhole = dispatched("井盖松动", city, personas)
    officer = signed_in(personas.officer_a)

    page = officer.get(reverse("inbox"), {"q": "井盖"}).content.decode()
    assert manhole.number in page and dispatched_order.number not in page
    assert 'value="井盖"' in page  # the box keeps what was typed without JavaScript
    refresh = officer.get(reverse("inbox"), {"q": dispatched_order.number}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in refresh and dispatched_order.number in refresh and manhole.number not in refresh
    assert 'id="queue-q"' not in refresh  # the box is outside what the refresh replaces


def test_next_order_takes_the_first_one_to_sign_that_nobody_else_holds(
    city: City, personas: Personas, dispatched_order: WorkOrder
) -> None:
    soon = dispatched("井盖松动", city, personas)
    later = dispatched("路面塌陷", city, personas)
    now = timezone.now()
    WorkOrder.objects.filter(pk=soon.pk).update(sign_due_at=now + timedelta(minutes=20))
    WorkOrder.objects.filter(pk=later.pk).update(sign_due_at=now + timedelta(minutes=40))
    WorkOrder.objects.filter(pk=dispatched_order.pk).update(sign_due_at=now + timedelta(minutes=60))
    colleague = UserFactory(username="officer_a2", first_name="小赵", role=Role.OFFICER, department=city.housing)
    signed_in(colleague).get(reverse("order-detail", args=[soon.pk]))  # a colleague holds the soonest

    officer = signed_in(personas.officer_a)
    response = officer.post(reverse("inbox-next"))
    assert response.status_code == 302 and response.url == reverse("order-detail", args=[later.pk])
    assert OrderClaim.objects.get(order=later).user == personas.officer_a
    inbox = officer.get(reverse("inbox")).content.decode()
    assert f"由 {colleague} 处理中" in row_of(inbox, soon) and "你正在处理" in row_of(inbox, later)

    assert officer.post(reverse("inbox-next")).url == reverse("order-detail", args=[dispatched_order.pk])
    assert OrderClaim.objects.get(order=dispatched_order).user == personas.officer_a
    assert not OrderClaim.objects.filter(order=later).exists()  # one order at a time
    followed = officer.post(reverse("inbox-next"), follow=True)
    assert followed.request["PATH_INFO"] == reverse("order-detail", args=[later.pk])  # later is free again


def test_next_order_passes_orders_the_department_only_assists_on(
    personas: Personas, dispatched_order: WorkOrder
) -> None:
    environment = signed_in(personas.officer_b)  # B assists on the order A leads

    followed = environment.post(reverse("inbox-next"), follow=True)
    assert followed.request["PATH_INFO"] == reverse("inbox")
    assert "收件箱中没有其他可以接手的工单" in followed.content.decode()
    assert not OrderClaim.objects.exists()


def test_only_officers_take_the_inbox_next_order(personas: Personas, dispatched_order: WorkOrder) -> None:
    for user in (personas.operator, personas.manager):
        assert signed_in(user).post(reverse("inbox-next")).status_code == 403
    assert signed_in(personas.officer_a).get(reverse("inbox-next")).status_code == 405


def test_the_inbox_reads_a_fixed_number_of_queries_however_many_rows(
    city: City, personas: Personas, django_assert_max_num_queries
) -> None:
    orders = [dispatched(f"路灯不亮 {i}", city, personas) for i in range(12)]
    for order in orders[:6]:
        services.assignment_sign(order=order, by=personas.officer_a)
    for order in orders[:3]:
        services.extension_request(order=order, by=personas.officer_a, working_days=2, reason="需要勘查")
    for order in orders[6:9]:
        services.workorder_claim(order=order, by=personas.officer_a)
    officer = signed_in(personas.officer_a)
    officer.get(reverse("inbox"))  # the session and the translations warmed up

    with django_assert_max_num_queries(12):
        page = officer.get(reverse("inbox")).content.decode()
    assert all(order.number in page for order in orders) and page.count("延期待审批") == 3


def test_a_long_inbox_shows_the_soonest_due_first_with_the_counts_of_all(
    city: City, personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workorders import views

    monkeypatch.setattr(views, "INBOX_SECTION_ROWS", 2)
    orders = [dispatched(f"路灯不亮 {i}", city, personas) for i in range(3)]
    now = timezone.now()
    for minutes, order in zip((50, 10, 30), orders, strict=True):
        WorkOrder.objects.filter(pk=order.pk).update(sign_due_at=now + timedelta(minutes=minutes))

    page = section(signed_in(personas.officer_a).get(reverse("inbox")).content.decode(), "to-sign")
    assert orders[1].number in page and orders[2].number in page and orders[0].number not in page
    assert page.index(orders[1].number) < page.index(orders[2].number)
    assert '<span class="count">3</span>' in page and "仅显示最紧急的前 2 条，共 3 条" in page
    assert "/orders/?status=dispatched" in page
