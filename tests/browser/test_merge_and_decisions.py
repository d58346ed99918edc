"""In a real browser (Debian's Chromium driven by Playwright, no CSP violation allowed): an operator merges a
report into an order about the same event after comparing them side by side, then undoes it; a manager decides an
extension request reading its department, days, reason and the deadline it gives. With BROWSER_SCREENSHOTS set to
a directory, the screens the people see are saved there (for CI to keep as artifacts)."""

from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.browser.test_roles_in_a_browser import session
from tests.conftest import City, Personas
from workorders.models import WorkOrder

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("migration_rows")]

PLANT = "茶场村东侧的混凝土搅拌站每天夜里施工到凌晨两点，运料车进进出出，噪音太大，孩子没法睡觉。"
PLANT_AGAIN = "茶场村旁边的搅拌站昼夜生产，机器轰鸣，粉尘很大，居民无法休息，要求关停搅拌站。"


def screenshot(page: object, name: str) -> None:
    folder = os.environ.get("BROWSER_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def analysed(text: str, title: str, city: City, minutes_ago: int = 0) -> WorkOrder:
    from hotline.services import order_text_keys_record
    from tests.factories import make_order

    order = make_order(
        appeal=text,
        appeal_masked=text,
        title=title,
        area=city.community_area,
        at=timezone.now() - timedelta(minutes=minutes_ago),
    )
    order_text_keys_record(order=order)
    return order


def test_an_operator_merges_after_the_preview_and_undoes_it(
    browser: object, live_server: object, city: City, personas: Personas
) -> None:
    first = analysed(PLANT, "搅拌站夜间施工噪音", city, minutes_ago=60)
    later = analysed(PLANT_AGAIN, "搅拌站昼夜生产扰民", city)
    operator = session(browser, live_server, "operator")

    operator.goto(f"{live_server.url}/orders/{later.pk}/")
    row = operator.locator(f"#related tr[data-related='{first.number}']")  # the panel loads after the page
    row.wait_for()
    assert "搅拌站夜间施工噪音" in row.inner_text() and "搅拌站" in row.locator("mark").all_inner_texts()
    screenshot(operator, "merge-1-same-event-panel")
    row.locator("a:has-text('合并')").click()
    operator.wait_for_load_state("networkidle")
    assert "/merge/preview/" in operator.url
    assert "搅拌站昼夜生产扰民" in operator.inner_text("#merge-side-1")
    assert "搅拌站夜间施工噪音" in operator.inner_text("#merge-side-2")
    later.refresh_from_db()
    assert later.status == "draft"  # nothing merged by looking
    screenshot(operator, "merge-2-preview")

    operator.click("#confirm-merge")
    operator.wait_for_load_state("networkidle")
    assert first.number in operator.inner_text("#merged-into")
    later.refresh_from_db()
    assert later.status == "merged" and later.merged_into_id == first.pk

    screenshot(operator, "merge-3-merged-with-undo")
    operator.click("#unmerge")
    operator.wait_for_load_state("networkidle")
    assert "待派单" in operator.inner_text(".head-badges")
    assert "撤销合并" in operator.inner_text("body")  # the history keeps the undo
    later.refresh_from_db()
    assert later.status == "draft" and later.merged_into_id is None


def test_a_manager_decides_an_extension_knowing_the_deadline_it_gives(
    browser: object, live_server: object, city: City, personas: Personas, signed_order: WorkOrder
) -> None:
    from workorders import services

    due = datetime.combine(date(2026, 12, 30), time(23, 59, 59), tzinfo=ZoneInfo("Asia/Shanghai"))
    WorkOrder.objects.filter(pk=signed_order.pk).update(resolve_due_at=due)
    services.extension_request(order=signed_order, by=personas.officer_a, working_days=3, reason="需要燃气公司现场勘查")
    manager = session(browser, live_server, "manager")

    manager.goto(f"{live_server.url}/orders/{signed_order.pk}/")
    facts = manager.inner_text("#extension-facts")
    assert city.housing.name in facts and "需要燃气公司现场勘查" in facts and "3" in facts
    assert "2026-12-30 23:59" in facts and "2027-01-05 23:59" in facts  # New Year's Day and a weekend skipped
    screenshot(manager, "extension-decision-facts")
    manager.check("#action-decide-extension input[name=decision][value=approve]")
    manager.click("#action-decide-extension button[type=submit]")
    manager.wait_for_load_state("networkidle")

    signed_order.refresh_from_db()
    assert timezone.localtime(signed_order.resolve_due_at).strftime("%Y-%m-%d %H:%M") == "2027-01-05 23:59"
    assert manager.locator("#action-decide-extension").count() == 0 and "2027-01-05 23:59" in manager.inner_text("main")
