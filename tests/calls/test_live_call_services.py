"""A live call as the services see it: turns streamed (partials, repeats, out of order), the order filled in from the
conversation so far without touching what the operator set, the risk raised on the words as they come, the call
ended by hang-up or by silence and handed to the intake."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from calls.models import CallStatus, CloseReason, LiveCall
from calls.selectors import live_state
from calls.services import (
    TurnIn,
    live_call_add_turn,
    live_call_analyse,
    live_call_close,
    live_call_correct_field,
    live_call_open,
    live_calls_sweep,
)
from hotline.models import Submission, SubmissionStatus
from hotline.services import submission_triage
from tests.conftest import City, Personas
from workorders.choices import Action, Status, Urgency
from workorders.errors import InvalidTransition
from workorders.models import OrderClaim, WorkOrder

pytestmark = pytest.mark.django_db

LAMP = [
    TurnIn(0, "agent", "您好，12345热线，请讲。", 0.0, 2.0),
    TurnIn(1, "caller", "我要反映一下，A3区西湖街道茶场村村口的路灯坏了一个星期了。", 2.5, 8.0),
    TurnIn(2, "agent", "您是说茶场村村口的路灯不亮是吧？", 8.5, 11.0),
    TurnIn(3, "caller", "对，晚上很黑，老人小孩出行不安全，请尽快派人修理。", 11.5, 16.0),
]


def opened(personas: Personas, call_id: str = "CALL-1") -> LiveCall:
    return live_call_open(
        call_id=call_id, caller_phone="13800000000", operator=personas.operator, by=personas.integration
    ).call


def stream(call: LiveCall, turns: list[TurnIn]) -> LiveCall:
    for turn in turns:
        live_call_add_turn(call=call, turn=turn)
    live_call_analyse(call_pk=call.pk)  # what the queued task does once the turns are committed
    return LiveCall.objects.select_related("order").get(pk=call.pk)


def said(call: LiveCall) -> list[str]:
    return [turn.text for turn in live_state(call).turns]


def test_opening_a_call_twice_returns_the_same_call(personas: Personas) -> None:
    first = live_call_open(call_id="CALL-1", caller_phone="13800000000", operator=None, by=personas.integration)
    again = live_call_open(call_id="CALL-1", caller_phone="13800000000", operator=None, by=personas.integration)
    assert (first.created, again.created) == (True, False)
    assert first.call.pk == again.call.pk and LiveCall.objects.count() == 1


def test_the_first_words_create_the_draft_order_held_by_the_operator_on_the_call(
    city: City, personas: Personas
) -> None:
    call = opened(personas)
    assert call.order is None
    live_call_add_turn(call=call, turn=LAMP[0])
    call.refresh_from_db()
    order = call.order
    assert order.status == Status.DRAFT and order.channel == "phone" and order.caller_phone == "13800000000"
    assert "12345热线" in order.appeal
    assert OrderClaim.objects.get(order=order).user == personas.operator


def test_a_partial_hypothesis_is_replaced_by_the_final_one_and_a_repeat_changes_nothing(
    city: City, personas: Personas
) -> None:
    call = opened(personas)
    live_call_add_turn(call=call, turn=TurnIn(1, "caller", "路灯坏", 2.5, None, final=False))
    live_call_add_turn(call=call, turn=TurnIn(1, "caller", "路灯坏了一个星期", 2.5, None, final=False))
    assert said(LiveCall.objects.get(pk=call.pk)) == ["路灯坏了一个星期"]
    final = TurnIn(1, "caller", "路灯坏了一个星期了。", 2.5, 6.0)
    assert live_call_add_turn(call=call, turn=final).changed
    revision = LiveCall.objects.get(pk=call.pk).revision
    assert not live_call_add_turn(call=call, turn=final).changed  # the ASR engine sent it again
    assert not live_call_add_turn(call=call, turn=TurnIn(1, "caller", "路灯坏", 2.5, final=False)).changed  # late
    call = LiveCall.objects.get(pk=call.pk)
    assert said(call) == ["路灯坏了一个星期了。"] and call.revision == revision


def test_turns_arriving_out_of_order_are_read_in_the_order_they_were_spoken(city: City, personas: Personas) -> None:
    call = opened(personas)
    for turn in (LAMP[2], LAMP[0], LAMP[3], LAMP[1]):
        live_call_add_turn(call=call, turn=turn)
    assert said(LiveCall.objects.get(pk=call.pk)) == [turn.text for turn in LAMP]


def test_the_order_fills_in_from_the_conversation_so_far(city: City, personas: Personas) -> None:
    call = stream(opened(personas), LAMP[:2])
    order = call.order
    assert order.area == city.community_area  # 茶场村, from the caller's first sentence
    assert order.title and order.summary
    assert order.appeal.splitlines()[1].startswith("市民：我要反映一下")
    assert set(call.field_changed_at) >= {"area", "title", "summary"}
    assert [e.action for e in order.events.all()] == [Action.CREATE, Action.CLAIM, Action.TRIAGE]


def test_a_field_the_operator_corrected_mid_call_is_never_overwritten(city: City, personas: Personas) -> None:
    call = stream(opened(personas), LAMP[:2])
    live_call_correct_field(call=call, by=personas.operator, field="title", value="茶场村路灯不亮（坐席）")
    call = stream(call, LAMP[2:])
    order = WorkOrder.objects.get(pk=call.order_id)
    assert order.title == "茶场村路灯不亮（坐席）"
    assert "对，晚上很黑" in order.appeal  # the rest goes on filling in
    title = next(f for f in live_state(call).fields if f.name == "title")
    assert title.by_operator


def test_a_caller_who_corrects_themselves_moves_the_field_back(city: City, personas: Personas) -> None:
    call = stream(opened(personas), [TurnIn(0, "caller", "西湖街道茶场村的路灯坏了。", 0.0, 3.0)])
    assert call.order.area == city.community_area
    call = stream(call, [TurnIn(0, "caller", "路灯坏了。", 0.0, 3.0)])  # the ASR engine corrected the turn
    assert WorkOrder.objects.get(pk=call.order_id).area is None


def test_a_risk_is_raised_on_the_words_as_they_come_even_before_the_callers_turn_is_final(
    city: City, personas: Personas
) -> None:
    call = stream(opened(personas), [LAMP[0]])
    assert not live_state(call).risk.at_risk
    call = stream(
        call,
        [
            TurnIn(1, "caller", "我们楼道里好大一股燃气味，好冲鼻子，有人晕倒了", 3.0, final=False),
            TurnIn(2, "agent", "您别着急，慢慢说。", 5.0, 6.0),  # the operator's words are final first
        ],
    )
    risk = live_state(call).risk
    assert risk.at_risk and risk.kind == "gas" and call.risk_raised_at is not None


def test_hanging_up_hands_the_whole_transcript_to_the_intake_for_the_same_order(
    city: City, personas: Personas, django_capture_on_commit_callbacks
) -> None:
    call = stream(opened(personas), LAMP)
    order_id = call.order_id
    live_call_close(call=call, by=personas.integration)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert live_call_analyse(call_pk=call.pk) == "closed and handed to intake"
    assert len(queued) == 1  # the intake's triage, queued once committed
    submission = Submission.objects.get(sender_id="CALL-1", channel="phone")
    assert submission.order.pk == order_id and submission.payload["turns"][1]["start"] == 2.5
    assert submission_triage(submission_id=submission.pk)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.TRIAGED
    assert WorkOrder.objects.count() == 1
    call.refresh_from_db()
    assert live_state(call).analysed
    with pytest.raises(InvalidTransition):
        live_call_add_turn(call=call, turn=TurnIn(9, "caller", "还有一件事", 30.0))


def test_the_fields_at_hang_up_equal_the_intakes_triage_of_the_whole_transcript(city: City, personas: Personas) -> None:
    from hotline.services import IntakeRequest, Turn, submission_receive

    call = stream(opened(personas), LAMP)
    live_call_close(call=call, by=personas.integration)
    live_call_analyse(call_pk=call.pk)
    live = WorkOrder.objects.get(pk=call.order_id)
    batch = submission_receive(
        request=IntakeRequest(
            channel="phone",
            sender_id="BATCH-1",
            turns=tuple(Turn(t.speaker, t.text, t.start, t.end) for t in LAMP),
            caller_phone="13800000000",
        ),
        by=personas.integration,
    ).submission.order
    submission_triage(submission_id=batch.source_submission_id)
    batch.refresh_from_db()
    names = ("title", "summary", "request_type", "urgency", "emotion", "is_priority", "category", "area", "address")
    assert {n: getattr(live, n) for n in names} == {n: getattr(batch, n) for n in names}
    assert live.appeal == batch.appeal


def test_a_call_silent_too_long_is_ended_by_the_sweep(city: City, personas: Personas, settings) -> None:
    call = stream(opened(personas), LAMP[:1])
    quiet = opened(personas, "CALL-2")
    LiveCall.objects.filter(pk=call.pk).update(last_activity_at=timezone.now() - timedelta(seconds=300))
    assert live_calls_sweep()["closed"] == 1
    call.refresh_from_db()
    assert call.status == CallStatus.CLOSED and call.close_reason == CloseReason.SILENCE
    assert LiveCall.objects.get(pk=quiet.pk).status == CallStatus.OPEN


def test_a_call_that_ended_before_anyone_spoke_has_no_order(personas: Personas) -> None:
    call = live_call_close(call=opened(personas), by=personas.integration)
    assert call.status == CallStatus.CLOSED and call.order is None and call.final_analysis_done


def test_an_emergency_heard_mid_call_makes_the_order_urgent_before_hang_up(city: City, personas: Personas) -> None:
    call = stream(
        opened(personas),
        [LAMP[0], TurnIn(1, "caller", "我们楼道里好大一股燃气味，邻居家好像有人晕倒了，快来人啊", 2.5, 8.0)],
    )
    assert WorkOrder.objects.get(pk=call.order_id).urgency == Urgency.EMERGENCY
