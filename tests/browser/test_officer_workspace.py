"""In a real browser (Debian's Chromium driven by Playwright, no CSP violation allowed): a department officer works
their inbox. They take the next order with the N key, sign it, record the contact with the citizen and ask for more
time; a manager finds the request on the desk and approves it, reading the department, days, reason and the deadline
it gives; the officer sees the new deadline, checks the reply with the one reply-check button and sends it; then they
return a mis-routed order with a reason. Each step asserts what the people see (status, deadlines, messages). With
BROWSER_SCREENSHOTS set to a directory, the screens are saved there (CI keeps them as artifacts)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_merge_and_decisions import screenshot
from tests.browser.test_roles_in_a_browser import session
from tests.conftest import City, Personas
from tests.factories import make_order
from workorders import holiday_calendar, selectors, services
from workorders.models import WorkOrder

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("migration_rows")]

VAGUE = "您反映的问题已收悉，我们将认真研究。"
GOOD = (
    "您好！经现场核实，小区门口路灯因线路老化损坏。我局已安排维修人员更换线路和灯具，"
    "目前路灯已恢复照明。依据《城市照明管理规定》第十二条，路灯由我局负责维护。感谢您的监督，如有疑问请拨打12345。"
)
REASON = "需要供电公司配合更换地下线路，现场勘查需三个工作日"


def dispatched(title: str, city: City, personas: Personas, sign_in: timedelta) -> WorkOrder:
    order = make_order(title=title, category=city.construction, area=city.district_area)
    order = services.workorder_dispatch(order=order, by=personas.operator, lead_department=city.housing)
    WorkOrder.objects.filter(pk=order.pk).update(sign_due_at=timezone.now() + sign_in)
    order.refresh_from_db()
    return order


def local(moment: datetime, pattern: str) -> str:
    return timezone.localtime(moment).strftime(pattern)


def test_an_officer_signs_contacts_asks_for_time_replies_and_returns_another(
    browser: object, live_server: object, city: City, personas: Personas
) -> None:
    lamp = dispatched("路灯不亮", city, personas, timedelta(minutes=30))
    river = dispatched("河道里有死鱼", city, personas, timedelta(minutes=90))  # not the housing bureau's work
    due = datetime.combine(
        timezone.localdate() + timedelta(days=12), time(23, 59, 59), tzinfo=timezone.get_current_timezone()
    )
    WorkOrder.objects.filter(pk=lamp.pk).update(resolve_due_at=due)
    extended = holiday_calendar.extended_deadline(selectors.work_calendar(), due, 3)
    base = live_server.url
    officer = session(browser, live_server, "officer_a")

    # The inbox: both orders to sign, the sooner first, each with its first-contact deadline counting down.
    assert officer.url.endswith("/inbox/")
    assert "首次联系时限" in officer.inner_text("#to-sign thead")
    lamp_row = officer.locator(f"#to-sign tr:has(a:text-is('{lamp.number}'))")
    assert local(lamp.contact_due_at, "%m-%d %H:%M") in lamp_row.inner_text() and "剩余" in lamp_row.inner_text()
    numbers = officer.locator("#to-sign tbody tr td:first-child").all_inner_texts()
    assert numbers == [lamp.number, river.number]
    screenshot(officer, "officer-1-inbox")

    # N takes the first order to sign; the officer signs it.
    officer.keyboard.press("n")
    officer.wait_for_url(f"**/orders/{lamp.pk}/")
    assert "你正在处理" in officer.inner_text("#claim-state")
    officer.click("#action-sign button[type=submit]")
    officer.wait_for_load_state("networkidle")
    assert "已签收工单" in officer.inner_text(".messages") and "办理中" in officer.inner_text(".head-badges")
    # one reply check on the page, on the reply to the citizen
    assert officer.locator("button:has-text('检查答复质量')").count() == 1
    assert officer.locator("#action-reply button:has-text('检查答复质量')").count() == 1
    assert officer.locator("#reply-check").count() == 1

    # The first contact with the citizen.
    officer.click("#action-contact summary")
    officer.fill("#action-contact textarea[name=note]", "已电话联系市民，约定明天上午到现场查看。")
    officer.click("#action-contact button[type=submit]")
    officer.wait_for_load_state("networkidle")
    assert "已登记联系市民" in officer.inner_text(".messages")

    # More time, asked for with a reason.
    officer.click("#action-request-extension summary")
    officer.fill("#action-request-extension input[name=working_days]", "3")
    officer.fill("#action-request-extension textarea[name=reason]", REASON)
    officer.click("#action-request-extension button[type=submit]")
    officer.wait_for_load_state("networkidle")
    assert "延期申请已提交审批" in officer.inner_text(".messages")

    # The inbox shows the order in hand, when the citizen was contacted and the extension awaiting a decision.
    officer.goto(f"{base}/inbox/")
    row = officer.locator(f"#handling tr:has(a:text-is('{lamp.number}'))").inner_text()
    contacted = lamp.assignments.get(role="lead").first_contact_at
    assert f"已联系 {local(contacted, '%m-%d %H:%M')}" in row
    assert "延期待审批：+3 个工作日" in row and local(due, "%m-%d %H:%M") in row
    screenshot(officer, "officer-2-inbox-contacted-extension-pending")

    # A manager finds the request on the desk and decides it knowing the deadline it gives.
    manager = session(browser, live_server, "manager")
    manager.goto(f"{base}/desk/")
    manager.click(f"#extensions a:text-is('{lamp.number}')")
    manager.wait_for_url(f"**/orders/{lamp.pk}/")
    facts = manager.inner_text("#extension-facts")
    assert city.housing.name in facts and REASON in facts and "3" in facts
    assert local(due, "%Y-%m-%d %H:%M") in facts and local(extended, "%Y-%m-%d %H:%M") in facts
    screenshot(manager, "officer-3-manager-decides-extension")
    manager.check("#action-decide-extension input[name=decision][value=approve]")
    manager.click("#action-decide-extension button[type=submit]")
    manager.wait_for_load_state("networkidle")
    assert "延期申请已审批" in manager.inner_text(".messages")
    assert local(extended, "%Y-%m-%d %H:%M") in manager.inner_text("main")

    # The officer's inbox has the new deadline and no pending request.
    officer.goto(f"{base}/inbox/")
    row = officer.locator(f"#handling tr:has(a:text-is('{lamp.number}'))").inner_text()
    assert local(extended, "%m-%d %H:%M") in row and "延期待审批" not in row

    # The reply, checked first: a vague one lacks parts; the full one is good; then it is sent.
    officer.click(f"#handling a:text-is('{lamp.number}')")
    officer.wait_for_url(f"**/orders/{lamp.pk}/")
    officer.fill("#action-reply textarea[name=reply]", VAGUE)
    officer.click("#action-reply button:has-text('检查答复质量')")
    expect(officer.locator("#reply-check")).to_contain_text("✗")
    assert officer.locator("#reply-check li").count() > 0  # concrete advice
    screenshot(officer, "officer-4-reply-check-vague")
    officer.fill("#action-reply textarea[name=reply]", GOOD)
    officer.click("#action-reply button:has-text('检查答复质量')")
    expect(officer.locator("#reply-check")).to_contain_text("良好")
    officer.click("#action-reply button.btn-primary")
    officer.wait_for_load_state("networkidle")
    assert "答复已提交" in officer.inner_text(".messages")
    assert "已答复待回访" in officer.inner_text(".head-badges")
    screenshot(officer, "officer-5-replied")

    # The other order is not theirs: returned with a reason.
    officer.goto(f"{base}/inbox/")
    officer.click(f"#to-sign a:text-is('{river.number}')")
    officer.wait_for_url(f"**/orders/{river.pk}/")
    officer.click("#action-return summary")
    officer.select_option("#action-return select[name=reason_code]", "not_our_function")
    officer.fill("#action-return textarea[name=reason]", "河道水质属于生态环境局职责，请改派。")
    officer.click("#action-return button[type=submit]")
    officer.wait_for_load_state("networkidle")
    assert "已退单，等待仲裁" in officer.inner_text(".messages")
    assert "已退单待仲裁" in officer.inner_text(".head-badges")
    screenshot(officer, "officer-6-returned")

    officer.goto(f"{base}/inbox/")
    assert river.number not in officer.inner_text("#inbox-body")
    assert lamp.number in officer.inner_text("#replied")
    river.refresh_from_db()
    lamp.refresh_from_db()
    assert river.status == "returned" and lamp.status == "replied" and lamp.resolve_due_at == extended


def test_the_inbox_refresh_brings_new_orders_in_without_wiping_the_filter_being_typed(
    browser: object, live_server: object, city: City, personas: Personas
) -> None:
    dispatched("路灯不亮", city, personas, timedelta(minutes=30))
    dispatched("路面塌陷", city, personas, timedelta(minutes=40))
    dispatched("噪音扰民", city, personas, timedelta(minutes=50))
    officer = session(browser, live_server, "officer_a")
    assert officer.url.endswith("/inbox/")

    officer.click("#queue-q")
    officer.keyboard.type("路")  # half of "路灯": the inbox narrows as it is typed
    expect(officer.locator("#to-sign tbody tr")).to_have_count(2)
    arrived = dispatched("路口红绿灯坏了", city, personas, timedelta(minutes=20))  # dispatched while they type

    # the next refresh (every 10 s) brings it in, and leaves the box and its focus alone
    with officer.expect_response(
        lambda response: "/inbox/" in response.url and response.request.headers.get("hx-trigger") == "inbox-body",
        timeout=15000,
    ):
        pass
    expect(officer.locator(f"#to-sign a:text-is('{arrived.number}')")).to_have_count(1)
    assert officer.input_value("#queue-q") == "路"
    assert officer.evaluate("document.activeElement.id") == "queue-q"
    screenshot(officer, "officer-7-inbox-refreshed-while-filtering")
    officer.keyboard.type("灯")
    expect(officer.locator("#to-sign tbody tr")).to_have_count(1)
    assert officer.input_value("#queue-q") == "路灯"
