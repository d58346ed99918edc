"""Every role's work, clicked through in a real browser (Debian's Chromium driven by Playwright).

Skipped with a reason when Chromium is missing (`apt-get install chromium fonts-noto-cjk`); with CI=true (as
`.ci/run` sets) a missing Chromium fails the run instead, so the browser tests cannot silently not run."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.conftest import City, Personas

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "pass-for-tests-123"  # tests.factories.UserFactory

playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (requirements-dev.txt)")
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("migration_rows")]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM):
        reason = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {reason}", pytrace=False)
        pytest.skip(reason)
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


# What the browser refused under the Content-Security-Policy, on every page of every test (it must stay empty:
# every script and style is a file of our own).
csp_violations: list[str] = []


@pytest.fixture(autouse=True)
def no_csp_violation() -> Iterator[None]:
    csp_violations.clear()
    yield
    assert csp_violations == [], "the browser refused under the Content-Security-Policy:\n" + "\n".join(csp_violations)


def session(browser: object, live_server: object, username: str):
    """A page logged in as ``username``; returns it on the role's start page."""
    page = browser.new_context(locale="zh-CN").new_page()
    page.on(
        "console",
        lambda message: csp_violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def test_a_call_goes_from_the_operator_to_the_department_and_back(
    browser: object, live_server: object, city: City, personas: Personas
) -> None:
    base = live_server.url
    # The operator enters the call, sets the category and dispatches on the catalogue's suggestion.
    operator = session(browser, live_server, "operator")
    assert operator.url.endswith("/desk/")
    operator.click("text=录入来电")
    operator.fill("textarea[name=appeal]", "A3区西湖街道茶场村的路灯坏了一个星期，晚上很黑，请尽快修理。")
    operator.fill("input[name=caller_phone]", "13800000000")
    operator.click("button[type=submit]:has-text('生成工单')")
    operator.wait_for_load_state("networkidle")
    assert "待派单" in operator.inner_text(".head-badges")
    order_url = operator.url
    operator.click("#ws-category-input")  # the category is corrected in place with the type-ahead picker
    operator.keyboard.type("csggss")  # the initials of 城市公共设施
    expect(operator.locator("#ws-category-list li").first).to_contain_text("城市公共设施")
    operator.keyboard.press("Enter")
    lead = operator.locator("#workspace-form input[name=lead_department]")
    expect(lead).to_have_value(str(city.district.pk))  # the catalogue follows the corrected category
    operator.click("#ws-dispatch")
    operator.wait_for_load_state("networkidle")
    assert operator.url.endswith("/desk/")  # nothing else waits: back at the queue, told it went out
    assert "工单已派发" in operator.inner_text(".messages")
    operator.goto(order_url)
    assert "待签收" in operator.inner_text(".head-badges")

    # The district's street officer is below the district: the district officer signs and replies.
    officer = session(browser, live_server, "officer_district")
    assert officer.url.endswith("/inbox/")
    officer.click(f"a[href='{order_url.removeprefix(base)}']")
    officer.click("#action-sign button[type=submit]")
    officer.wait_for_load_state("networkidle")
    assert "办理中" in officer.inner_text(".head-badges")
    officer.fill("#action-reply textarea[name=reply]", "已安排维修人员更换灯泡，路灯已恢复照明。")
    officer.click("#action-reply button[type=submit]")
    officer.wait_for_load_state("networkidle")
    assert "已答复待回访" in officer.inner_text(".head-badges")

    # An officer of another department cannot open it at all.
    outsider = session(browser, live_server, "outsider")
    outsider.goto(order_url)
    assert "404" in outsider.title() or "不存在" in outsider.inner_text("body")

    # The operator records a satisfied callback and closes the order.
    operator.goto(order_url)
    operator.check("#action-callback input[name=satisfaction][value=satisfied]")
    operator.check("#action-callback input[name=resolved][value=yes]")
    operator.click("#action-callback button[type=submit]")
    operator.wait_for_load_state("networkidle")
    operator.click("#action-close button[type=submit]")
    operator.wait_for_load_state("networkidle")
    assert "已办结" in operator.inner_text(".head-badges")

    # The manager finds it among closed orders with the htmx filter, and reads its history.
    manager = session(browser, live_server, "manager")
    assert "/dashboard/" in manager.url  # a manager starts at the centre dashboard
    manager.goto(f"{live_server.url}/orders/")
    manager.check("input[name=status][value=closed]")
    manager.wait_for_url("**status=closed**")
    manager.wait_for_load_state("networkidle")
    rows = manager.locator("table tbody tr")
    assert rows.count() == 1 and "路灯" in rows.first.inner_text()
    rows.first.locator("a").first.click()
    manager.wait_for_load_state("networkidle")
    history = manager.inner_text("body")
    for label in ("创建", "派单", "签收", "答复", "回访", "办结"):
        assert label in history


def test_two_operators_on_one_order_the_second_sees_what_changed_before_anything_is_overwritten(
    browser: object, live_server: object, city: City, personas: Personas
) -> None:
    from tests.factories import make_order
    from workorders import services

    order = make_order(appeal="车里锁了一个小孩，家长不在，天很热", category=city.construction)
    first = session(browser, live_server, "operator")
    first.goto(f"{live_server.url}/orders/{order.pk}/")
    first.fill("#workspace-form input[name=note]", "紧急，请立即处置")

    # Meanwhile a colleague corrects the order.
    services.workorder_update(order=order, by=personas.admin, title="车内锁童", based_on=order.version)

    first.click("#ws-dispatch")
    first.wait_for_load_state("networkidle")
    warning = first.inner_text("#workspace-form .errorlist")
    assert "工单已被修改" in warning and "标题" in warning
    assert first.locator("#workspace-form input[name=note]").input_value() == "紧急，请立即处置"
    order.refresh_from_db()
    assert order.status == "draft"

    first.click("#ws-dispatch")  # having seen the change, the operator sends it again
    first.wait_for_load_state("networkidle")
    assert "工单已派发" in first.inner_text(".messages")
    first.goto(f"{live_server.url}/orders/{order.pk}/")
    assert "待签收" in first.inner_text(".head-badges")


def test_the_dashboards_charts_and_api_docs_draw_under_the_content_security_policy(
    browser: object, live_server: object, city: City, personas: Personas
) -> None:
    manager = session(browser, live_server, "manager")
    # (ReDoc, at /api/redoc/, draws too, but asks for its logo from cdn.redoc.ly, which the policy refuses: a
    # missing image on an intranet, documented in docs/security.md.)
    for address in ("/dashboard/", "/dashboard/hotspots/", "/api/docs/"):
        response = manager.goto(f"{live_server.url}{address}")
        manager.wait_for_load_state("networkidle")
        assert response is not None and response.status == 200, address
        assert "script-src 'self'" in response.headers.get("content-security-policy", ""), address
    manager.goto(f"{live_server.url}/dashboard/")
    manager.wait_for_load_state("networkidle")
    assert manager.locator("script[src*='plotly.min']").count() == 1  # the charts' library loaded from our files
    assert manager.locator("script[src*='plotly-zh-cn']").count() == 1  # … and its Chinese (static/js)
