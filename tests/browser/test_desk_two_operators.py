"""In a real browser (Debian's Chromium driven by Playwright, no CSP violation allowed): two operators work one
queue. Each takes the next order with the N key and gets a different one; each sees who holds the other's; both
dispatch without a refused write and go on to an order nobody holds; the queue's refresh brings a new call in
without wiping the filter an operator is typing or the row they selected."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_roles_in_a_browser import session
from tests.conftest import City, Personas
from tests.factories import UserFactory, make_order
from workorders.models import OrderClaim, WorkOrder

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("migration_rows")]


def waiting(title: str, city: City, minutes_ago: int, **fields: object) -> WorkOrder:
    return make_order(
        title=title, category=city.construction, at=timezone.now() - timedelta(minutes=minutes_ago), **fields
    )


def test_two_operators_take_different_orders_and_dispatch_both(
    browser: object, live_server: object, city: City, personas: Personas
) -> None:
    UserFactory(username="operator2", first_name="小李")
    gas = waiting("闻到燃气味", city, 1, urgency="emergency")
    lamp = waiting("路灯不亮", city, 90)
    manhole = waiting("井盖松动", city, 30)
    late = waiting("垃圾清运不及时", city, 10)
    first = session(browser, live_server, "operator")
    second = session(browser, live_server, "operator2")

    first.keyboard.press("n")  # the desk is the operator's start page; N takes the next order
    first.wait_for_url(f"**/orders/{gas.pk}/")
    second.keyboard.press("n")
    second.wait_for_url(f"**/orders/{lamp.pk}/")  # the emergency is taken: the next by waiting time
    assert "你正在处理此工单" in first.inner_text("#claim-state")

    second.goto(f"{live_server.url}/desk/")
    row = second.locator(f"tr.queue-row[data-order='{gas.pk}']")
    assert "由 operator 处理中" in row.inner_text() or f"由 {personas.operator} 处理中" in row.inner_text()
    second.goto(f"{live_server.url}/orders/{lamp.pk}/")
    assert "你正在处理此工单" in second.inner_text("#claim-state")

    # both dispatch on the catalogue's suggestion; neither write is refused, and each goes on to an order nobody holds
    first.click("#ws-dispatch")
    first.wait_for_load_state("networkidle")
    second.click("#ws-dispatch")
    second.wait_for_load_state("networkidle")
    assert "工单已派发" in first.inner_text(".messages") and "工单已派发" in second.inner_text(".messages")
    assert {WorkOrder.objects.get(pk=gas.pk).status, WorkOrder.objects.get(pk=lamp.pk).status} == {"dispatched"}
    next_first = int(first.url.rstrip("/").split("/")[-1])
    next_second = int(second.url.rstrip("/").split("/")[-1])
    assert {next_first, next_second} == {manhole.pk, late.pk}
    assert dict(OrderClaim.objects.values_list("order_id", "user__username")) == {
        next_first: "operator",
        next_second: "operator2",
    }


def test_the_queue_refresh_keeps_the_filter_being_typed_and_the_selected_row(
    browser: object, live_server: object, city: City, personas: Personas
) -> None:
    lamp = waiting("路灯不亮", city, 90)
    waiting("路面塌陷", city, 60)
    waiting("噪音扰民", city, 30)
    operator = session(browser, live_server, "operator")
    assert operator.url.endswith("/desk/")

    operator.keyboard.press("j")  # the first row (the longest waiting) is selected
    assert operator.locator("tr.queue-row.selected").get_attribute("data-order") == str(lamp.pk)
    operator.click("#queue-q")
    operator.keyboard.type("路")  # half of "路灯": the queue narrows to the roads and lamps as it is typed
    expect(operator.locator("#queue tr.queue-row")).to_have_count(2)
    arrived = waiting("路口红绿灯坏了", city, 0)  # a call arrives while the operator is typing

    # the next refresh (every 10 s) brings it in, and leaves the box, its focus and the selection alone
    with operator.expect_response(
        lambda response: "/desk/" in response.url and response.request.headers.get("hx-trigger") == "queue",
        timeout=15000,
    ):
        pass
    operator.wait_for_selector(f"tr.queue-row[data-order='{arrived.pk}']")
    assert operator.input_value("#queue-q") == "路"
    assert operator.evaluate("document.activeElement.id") == "queue-q"
    assert operator.locator("tr.queue-row.selected").get_attribute("data-order") == str(lamp.pk)
    operator.keyboard.type("灯")  # the operator finishes typing as if nothing happened
    expect(operator.locator("#queue tr.queue-row")).to_have_count(1)
    assert operator.input_value("#queue-q") == "路灯"
