"""In a real browser at 1366×768 (Debian's Chromium driven by Playwright) with the real taxonomy, areas and
departments of the demo city: an operator dispatches from the keyboard alone, and every key is counted.

- An order the AI got right: N (the next order) and D (dispatch): 2 keys, one page load.
- An order with a wrong category and a missing assisting department: the category's key, its initials, Enter,
  the assisting departments' key, the department's initials, Enter, Ctrl+Enter: at most 12 keys, one page load.

The counts are written to ``$BROWSER_SCREENSHOTS/workspace_keys.json`` with the screenshots when it is set."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from core.demo.city import ensure_reference_data
from core.demo.dataset import read_messages
from tests.browser.test_merge_and_decisions import screenshot
from tests.browser.test_roles_in_a_browser import PASSWORD
from tests.factories import UserFactory, make_order
from workorders import selectors
from workorders.choices import AssignmentRole, Status
from workorders.models import Category, Department, DispatchRule
from workorders.pickers import search

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("migration_rows")]

VIEWPORT = {"width": 1366, "height": 768}
CALL = (
    "坐席：您好，12345热线，请讲。\n市民：喂，你好，我们小区楼下的广场上每天晚上跳广场舞，音响开得特别响，"
    "到十点多还不停。\n坐席：好的，您是说晚上广场舞的音响噪音扰民是吧？\n市民：对对，老人孩子都睡不了觉。"
)


class Keys:
    """The operator's keyboard, counting every key pressed (a chord such as Ctrl+Enter is one key)."""

    def __init__(self, page: object) -> None:
        self.page = page
        self.count = 0

    def press(self, key: str) -> None:
        self.count += 1
        self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        for char in text:
            self.press(char)


@pytest.fixture
def demo_city(transactional_db: None) -> None:
    folder = settings.HOTLINE["DATASETS_DIR"] / "teddy2020c"
    if not (folder / "taxonomy.csv").is_file():
        pytest.skip(f"the shared data set is not at {folder}")
    ensure_reference_data(settings.HOTLINE["DATASETS_DIR"], read_messages(folder))


def operator_at_the_desk(browser: object, live_server: object) -> object:
    UserFactory(username="desk1", role=Role.OPERATOR, first_name="王坐席")
    page = browser.new_context(locale="zh-CN", viewport=VIEWPORT).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "desk1")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/desk/")
    return page


def shortest_initials(target: Department) -> str:
    """The fewest consecutive letters of the department's initials that put it first in the picker, as the page
    ranks (城市管理 → csgl: an operator types the initials of the words they know the department by)."""
    entries = selectors.picker_entries("department")
    initials = next(e for e in entries if e.id == target.pk).initials[-1]
    for length in range(1, len(initials) + 1):
        for start in range(len(initials) - length + 1):
            typed = initials[start : start + length]
            if search(entries, typed, 1)[0].id == target.pk:
                return typed
    raise AssertionError(f"{target} cannot be reached by its initials")


def in_first_screen(page: object, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= VIEWPORT["height"]


def test_keyboard_only_dispatch_of_a_right_and_a_corrected_order(
    browser: object, live_server: object, demo_city: None
) -> None:
    rule = DispatchRule.objects.filter(area__isnull=True, category__level=3).select_related("category").first()
    noise = Category.objects.get(full_name="环境保护 / 环境污染 / 噪音污染")
    wrong = Category.objects.get(full_name="城乡建设 / 住房保障与房地产 / 物业服务")
    now = timezone.now()
    right = make_order(title="路面坑洼", category=rule.category, at=now - timedelta(minutes=40))
    corrected = make_order(appeal=CALL, title="广场舞噪音扰民", category=wrong, at=now - timedelta(minutes=30))
    make_order(title="还有一单", at=now - timedelta(minutes=10))
    page = operator_at_the_desk(browser, live_server)
    loads: list[str] = []
    page.on("framenavigated", lambda frame: loads.append(frame.url) if frame == page.main_frame else None)
    keys = Keys(page)
    figures: dict[str, dict[str, object]] = {}

    # 1. The AI got it right: N opens it (claimed), D dispatches it and opens the next one.
    keys.press("n")
    page.wait_for_url(f"**/orders/{right.pk}/")
    for part in ("#transcript", "#ws-category-input", "#ws-dispatch", "#ws-assisting_departments-input"):
        assert in_first_screen(page, part), f"{part} is below the first screen at 1366×768"
    screenshot(page, "workspace-right-order")
    keys.press("d")
    page.wait_for_url(f"**/orders/{corrected.pk}/")
    figures["right"] = {"keys": keys.count, "page_loads": len(loads)}
    right.refresh_from_db()
    assert right.status == Status.DISPATCHED
    assert right.assignments.get(role=AssignmentRole.LEAD).department == rule.lead_department
    assert keys.count <= 3 and len(loads) == 2  # N opens this order, D opens the next one

    # 2. Wrong category, missing assisting department: corrected and dispatched without the mouse.
    keys.count, loads[:] = 0, []
    assert "广场舞" in page.inner_text("#transcript .turn-caller")
    keys.press("4")  # the category's picker
    keys.type("zyw")  # initials of 噪音污染
    expect(page.locator("#ws-category-list li").first).to_contain_text("噪音污染")
    keys.press("Enter")
    expect(page.locator("#workspace-form input[name=category]")).to_have_value(str(noise.pk))
    lead = page.locator("#workspace-form input[name=lead_department]").input_value()
    helper = Department.objects.get(code="CGJ")  # 城市管理和综合执法局
    assert str(helper.pk) != lead
    keys.press("9")  # the assisting departments' picker: a choice is added, never replacing one
    letters = shortest_initials(helper)
    keys.type(letters)
    expect(page.locator("#ws-assisting_departments-list li").first).to_contain_text(helper.name)
    keys.press("Enter")
    expect(page.locator(".picker[data-role=assisting] .chip").last).to_contain_text(helper.name)
    screenshot(page, "workspace-corrected-order")
    keys.press("Control+Enter")
    page.wait_for_load_state("networkidle")
    figures["corrected"] = {"keys": keys.count, "page_loads": len(loads), "department_letters": letters}
    figures["choices"] = {kind: len(selectors.picker_entries(kind)) for kind in ("category", "area", "department")}
    corrected.refresh_from_db()
    assert corrected.status == Status.DISPATCHED and corrected.category == noise
    assisting = {a.department for a in corrected.assignments.filter(role=AssignmentRole.ASSIST)}
    assert helper in assisting
    assert keys.count <= 12 and len(loads) == 1

    folder = os.environ.get("BROWSER_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / "workspace_keys.json").write_text(json.dumps(figures, indent=2))
    print("keys and page loads per order:", figures)


def test_the_shortcuts_are_listed_with_question_mark_and_the_pickers_rank_as_the_server_does(
    browser: object, live_server: object, demo_city: None
) -> None:
    order = make_order(appeal=CALL, title="广场舞噪音扰民")
    page = operator_at_the_desk(browser, live_server)
    page.goto(f"{live_server.url}/orders/{order.pk}/")

    page.keyboard.press("?")
    expect(page.locator("#shortcuts")).to_be_visible()
    assert "派单" in page.inner_text("#shortcuts") and "拼音" in page.inner_text("#shortcuts")
    page.keyboard.press("Escape")
    expect(page.locator("#shortcuts")).to_be_hidden()

    for kind in ("category", "department", "area"):
        entries = selectors.picker_entries(kind)
        for typed in ("wy", "jt", "zyw", "hb", "sj", "物业", "交通", "jd", "xq", "s"):
            in_browser = page.evaluate(
                "([kind, typed]) => window.hotlinePickers.load(kind)"
                ".then(entries => window.hotlinePickers.search(entries, typed, 8).map(e => e.id))",
                [kind, typed],
            )
            assert in_browser == [e.id for e in search(entries, typed, 8)], (kind, typed)
