"""A manager's dashboard in a real browser (Debian's Chromium driven by Playwright, no CSP violation allowed) on a
1366×768 screen: the alerts and the figures that say where action is needed come first, within the first screen;
the charts speak Chinese and offer no way to send the city's data to Plotly's cloud. With BROWSER_SCREENSHOTS set
to a directory, the first screen is saved there."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from analytics.dashboards.rollups import rollups_refresh
from analytics.models import Hotspot, HotspotAlert
from tests.analytics.dashboards.conftest import History, dashboard_history  # noqa: F401 (the fixture)
from tests.browser.test_roles_in_a_browser import PASSWORD, csp_violations
from tests.conftest import City, Personas
from workorders.models import Holiday

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("migration_rows")]

SCREEN = {"width": 1366, "height": 768}


@pytest.fixture
def week_of_work(dashboard_history: History, city: City) -> History:  # noqa: F811
    """The dashboard tests' week, its rollups computed, an emerging hotspot not yet acknowledged, and no holiday
    calendar loaded (so the calendar's warning shows)."""
    rollups_refresh(days=None, now=dashboard_history.now)
    now = timezone.now()
    hotspot = Hotspot.objects.create(
        label="茶场村 · 噪音扰民",
        area=city.community_area,
        first_seen=now - timedelta(days=2),
        last_seen=now,
        order_count=9,
        distinct_callers=8,
        growth=4.0,
        heat=12.5,
        is_emerging=True,
    )
    HotspotAlert.objects.create(hotspot=hotspot, message="茶场村噪音扰民：两天 9 件，是平时的 4 倍")
    Holiday.objects.all().delete()
    return dashboard_history


def manager_on_a_laptop(browser: object, live_server: object) -> object:
    """The manager logged in on a 1366×768 screen; returns the page where the login took them."""
    page = browser.new_context(locale="zh-CN", viewport=SCREEN).new_page()
    page.on(
        "console",
        lambda message: csp_violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "manager")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def first_screen(page: object, name: str) -> None:
    """Saves what the screen shows (not the whole page) when BROWSER_SCREENSHOTS names a directory."""
    folder = os.environ.get("BROWSER_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


def bottom(page: object, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not on the page"
    return box["y"] + box["height"]


def test_a_manager_lands_on_the_dashboard_with_the_alerts_and_what_needs_action_in_the_first_screen(
    browser: object, live_server: object, personas: Personas, week_of_work: History
) -> None:
    manager = manager_on_a_laptop(browser, live_server)

    assert manager.url.rstrip("/").endswith("/dashboard")
    first_screen(manager, "dashboard-first-screen")
    assert "茶场村噪音扰民" in manager.inner_text("#alerts")
    assert "节假日" in manager.inner_text("#calendar-warning")
    height = SCREEN["height"]
    for selector in ("#alerts", "#calendar-warning", "#tile-overdue", "#tile-supervised", "#tile-due_soon"):
        assert bottom(manager, selector) <= height, f"{selector} is below the first screen"
    # the charts come after them
    first_chart = manager.locator(".chart").first.bounding_box()
    assert first_chart is not None and first_chart["y"] >= bottom(manager, "#tile-overdue")


def test_the_charts_speak_chinese_and_offer_no_cloud_sharing(
    browser: object, live_server: object, personas: Personas, week_of_work: History
) -> None:
    manager = manager_on_a_laptop(browser, live_server)
    chart = manager.locator(".chart-drawn").first
    chart.wait_for()
    chart.scroll_into_view_if_needed()
    chart.hover()
    buttons = chart.locator(".modebar-btn")
    buttons.first.wait_for(state="visible")

    titles = [buttons.nth(index).get_attribute("data-title") or "" for index in range(buttons.count())]
    assert "下载图片" in titles and "平移" in titles and "框选放大" in titles
    assert not [title for title in titles if title.isascii()], titles  # no English title left
    assert not [title for title in titles if "分享" in title or "Chart Studio" in title or "云" in title], titles
    assert chart.locator(".plotlyjsicon").count() == 0  # no "Produced with Plotly.js" logo linking out
    # Plotly was drawn with the Chinese locale: its registered dictionary answers the toolbar's own words
    assert manager.evaluate("() => document.querySelector('.chart-drawn')._context.locale") == "zh-CN"
