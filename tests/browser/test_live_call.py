"""A live call in a real browser (Debian's Chromium driven by Playwright, no CSP violation allowed), with the demo
city's taxonomy, areas and dispatch catalogue: the call is replayed as the ASR engine streams it (partial hypotheses,
then the final words at their times) while the operator has its order open. The transcript grows and the order's
fields fill in on the page; the operator corrects the address mid-call and it stays corrected while the caller goes
on; at hang-up the page shows the order as the intake analysed it, and one key (D) dispatches it."""

from __future__ import annotations

import time

import pytest
from django.db import OperationalError
from playwright.sync_api import expect

from calls.models import LiveCall
from calls.replay import play, recording_turns, schedule
from calls.services import TurnIn, live_call_add_turn, live_call_close, live_call_open, wait_for_live_analyses
from tests.browser.test_merge_and_decisions import screenshot
from tests.browser.test_workspace_keyboard import Keys, demo_city, operator_at_the_desk  # noqa: F401
from workorders.choices import Status
from workorders.models import WorkOrder

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("migration_rows")]

FIRST_PART = [
    {"speaker": "agent", "text": "您好，12345热线，请讲。", "start": 0.0, "end": 1.5},
    {
        "speaker": "caller",
        "text": "喂，你好，我们小区楼下的广场上每天晚上跳广场舞，音响开得特别响，到十点多还不停。",
        "start": 1.8,
        "end": 4.5,
    },
    {"speaker": "agent", "text": "好的，您是说晚上广场舞的音响噪音扰民是吧？在哪个位置？", "start": 4.8, "end": 6.3},
]
SECOND_PART = [
    {"speaker": "caller", "text": "对对，老人孩子都睡不了觉，你们管一管吧。", "start": 6.6, "end": 8.4},
    {"speaker": "agent", "text": "好的，我们会尽快转交相关部门处理。", "start": 8.7, "end": 10.0},
]
CORRECTED_ADDRESS = "幸福小区北门广场"


def replay(call: LiveCall, part: list[dict[str, object]], *, first_seq: int) -> None:
    """Stream part of the call at twice its speed, as the ASR engine would (no hang-up)."""
    events = [e for e in schedule(recording_turns(part)) if e.turn is not None]

    def send(turn: TurnIn) -> None:
        numbered = TurnIn(turn.seq + first_seq, turn.speaker, turn.text, turn.start, turn.end, turn.final)
        for attempt in range(6):  # the in-memory test database locks a table while another thread writes
            try:
                live_call_add_turn(call=call, turn=numbered)
                return
            except OperationalError:
                if attempt == 5:
                    raise
                time.sleep(0.05 * 2**attempt)

    play(events, speed=2, send=send, hang_up=lambda: None)
    # the analyses of what was just said run in the server's threads; the in-memory test database locks a table
    # while one writes, so the operator acts once they are done
    assert wait_for_live_analyses(timeout=30)


def test_a_replayed_call_fills_the_order_while_it_is_open_and_one_key_dispatches_it(
    browser: object,
    live_server: object,
    demo_city: None,  # noqa: F811
) -> None:
    page = operator_at_the_desk(browser, live_server)
    from accounts.models import User

    operator = User.objects.get(username="desk1")
    call = live_call_open(call_id="CALL-BROWSER-1", caller_phone="13800000000", operator=operator, by=None).call
    replay(call, FIRST_PART[:1], first_seq=0)  # the greeting: the order exists from the first words
    page.goto(f"{live_server.url}/calls/CALL-BROWSER-1/")  # the telephony's screen pop
    order = WorkOrder.objects.get(pk=LiveCall.objects.get(pk=call.pk).order_id)
    page.wait_for_url(f"**/orders/{order.pk}/")
    expect(page.locator("#live-call")).to_be_visible()

    # The caller speaks: the transcript grows and the order's fields fill in, on the page as it stays open.
    replay(call, FIRST_PART[1:], first_seq=1)
    expect(page.locator("#live-transcript")).to_contain_text("广场舞", timeout=10_000)
    title = page.locator("#workspace-form input[name=title]")
    expect(title).not_to_have_value("", timeout=10_000)
    expect(page.locator('#live-fields [data-field="title"] .value')).not_to_have_text("—")
    screenshot(page, "live-call-filling-in")

    # The operator corrects the address mid-call (its key, select all, type, save)...
    page.keyboard.press("6")
    page.keyboard.press("Control+a")
    page.keyboard.type(CORRECTED_ADDRESS)
    page.keyboard.press("Control+s")
    page.wait_for_load_state("networkidle")
    expect(page.locator("#workspace-form input[name=address]")).to_have_value(CORRECTED_ADDRESS)

    # ... and the caller goes on: the rest fills in, the address stays the operator's.
    replay(call, SECOND_PART, first_seq=len(FIRST_PART))
    expect(page.locator("#live-transcript")).to_contain_text("睡不了觉", timeout=10_000)
    expect(page.locator('#live-fields [data-field="address"]')).to_have_class("live-field by-operator", timeout=10_000)
    expect(page.locator("#workspace-form input[name=address]")).to_have_value(CORRECTED_ADDRESS)
    assert WorkOrder.objects.get(pk=order.pk).address == CORRECTED_ADDRESS
    screenshot(page, "live-call-corrected")

    # Hang-up: the page shows the order as the intake analysed the whole call; D dispatches it.
    live_call_close(call=call, by=None)
    assert wait_for_live_analyses(timeout=30)
    expect(page.locator("#live-call")).to_have_count(0, timeout=15_000)
    order.refresh_from_db()
    assert order.source_submission is not None and order.source_submission.status == "triaged"
    keys = Keys(page)
    keys.press("d")
    page.wait_for_load_state("networkidle")
    order.refresh_from_db()
    assert order.status == Status.DISPATCHED, page.inner_text("main")[:500]
    assert order.address == CORRECTED_ADDRESS and "睡不了觉" in order.appeal
    assert keys.count <= 3
