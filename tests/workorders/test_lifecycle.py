"""The work-order lifecycle: who may do what, from which status, and what each step records."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role
from tests.conftest import City, Personas
from tests.factories import CategoryFactory, make_order
from workorders import lifecycle, services
from workorders.choices import Action, AssignmentRole, AssignmentStatus, DeadlineStage, Status
from workorders.errors import ActionNotPermitted, InvalidInput, InvalidTransition
from workorders.models import OrderNumberSequence, WorkOrder, WorkOrderEvent

pytestmark = pytest.mark.django_db


def _actions(order: WorkOrder) -> list[tuple[str, str, str]]:
    return [(e.action, e.from_status, e.to_status) for e in order.events.order_by("created_at", "id")]


def test_an_order_goes_from_draft_to_closed_recording_each_step(replied_order: WorkOrder, personas: Personas) -> None:
    services.callback_record(order=replied_order, by=personas.operator, satisfaction="satisfied", resolved=True)
    order = services.workorder_close(order=replied_order, by=personas.operator, note="办结归档")

    assert order.status == Status.CLOSED and order.closed_at is not None
    assert _actions(order) == [
        (Action.CREATE, "", Status.DRAFT),
        (Action.DISPATCH, Status.DRAFT, Status.DISPATCHED),
        (Action.SIGN, Status.DISPATCHED, Status.SIGNED),
        (Action.REPLY, Status.SIGNED, Status.REPLIED),
        (Action.CALLBACK, Status.REPLIED, Status.CALLBACK),
        (Action.CLOSE, Status.CALLBACK, Status.CLOSED),
    ]
    sign = order.events.get(action=Action.SIGN)
    assert sign.actor == personas.officer_a and sign.actor_role == Role.OFFICER
    assert sign.department.code == "ZJJ"


def test_order_numbers_run_per_day_with_the_date(city: City) -> None:
    first, second = make_order(), make_order()
    today = timezone.localdate().strftime("%Y%m%d")
    assert first.number == f"GD{today}0001"
    assert second.number == f"GD{today}0002"
    yesterday = make_order(at=timezone.now() - timedelta(days=1))
    assert yesterday.number.endswith("0001") and yesterday.number != first.number


def test_dispatch_creates_lead_and_assisting_assignments_and_starts_the_clock(
    dispatched_order: WorkOrder, city: City
) -> None:
    assignments = {a.role: a for a in dispatched_order.assignments.all()}
    assert assignments[AssignmentRole.LEAD].department == city.housing
    assert assignments[AssignmentRole.ASSIST].department == city.environment
    assert all(a.status == AssignmentStatus.PENDING for a in assignments.values())
    assert dispatched_order.lead_department == city.housing
    assert dispatched_order.sign_due_at - dispatched_order.dispatched_at == timedelta(hours=2)
    assert dispatched_order.resolve_due_at > dispatched_order.contact_due_at > dispatched_order.sign_due_at


@pytest.mark.parametrize("who", ["officer_a", "officer_b", "manager"])
def test_only_operators_and_administrators_dispatch(
    draft_order: WorkOrder, city: City, personas: Personas, who: str
) -> None:
    with pytest.raises(ActionNotPermitted):
        services.workorder_dispatch(order=draft_order, by=getattr(personas, who), lead_department=city.housing)
    assert WorkOrder.objects.get(pk=draft_order.pk).status == Status.DRAFT


def test_administrator_may_dispatch(draft_order: WorkOrder, city: City, personas: Personas) -> None:
    order = services.workorder_dispatch(order=draft_order, by=personas.admin, lead_department=city.housing)
    assert order.status == Status.DISPATCHED


def test_dispatch_needs_a_category_and_a_lead_department(city: City, personas: Personas) -> None:
    uncategorised = make_order()
    with pytest.raises(InvalidInput) as error:
        services.workorder_dispatch(order=uncategorised, by=personas.operator, lead_department=city.housing)
    assert error.value.field == "category"
    categorised = make_order(category=city.construction)
    outside_the_catalogue = make_order(category=CategoryFactory(name="纪检监察"))
    with pytest.raises(InvalidInput) as error:
        services.workorder_dispatch(order=outside_the_catalogue, by=personas.operator, lead_department=None)
    assert error.value.field == "lead_department"
    with pytest.raises(InvalidInput) as error:
        services.workorder_dispatch(
            order=categorised, by=personas.operator, lead_department=city.housing, assisting_departments=[city.housing]
        )
    assert error.value.field == "assisting_departments"


def test_without_a_lead_department_the_dispatch_catalogue_decides(city: City, personas: Personas) -> None:
    noise = make_order(category=city.pollution)

    services.workorder_dispatch(order=noise, by=personas.operator)

    noise.refresh_from_db()
    assert noise.lead_department == city.environment  # the rule on 环境保护 covers its subcategories
    assert {a.department for a in noise.assignments.filter(role="assist")} == {city.district}
    lamp = make_order(category=city.street_lights, area=city.community_area)
    services.workorder_dispatch(order=lamp, by=personas.operator, assisting_departments=[])
    lamp.refresh_from_db()
    assert lamp.lead_department == city.district  # the rule for the district beats the category-wide one
    assert not lamp.assignments.filter(role="assist").exists()


def test_a_dispatched_order_cannot_be_dispatched_again(
    dispatched_order: WorkOrder, city: City, personas: Personas
) -> None:
    with pytest.raises(InvalidTransition):
        services.workorder_dispatch(order=dispatched_order, by=personas.operator, lead_department=city.environment)


def test_officer_of_another_department_cannot_sign(dispatched_order: WorkOrder, personas: Personas) -> None:
    with pytest.raises(ActionNotPermitted):
        services.assignment_sign(order=dispatched_order, by=personas.outsider)
    with pytest.raises(ActionNotPermitted):
        services.assignment_sign(order=dispatched_order, by=personas.operator)


def test_officer_of_a_sub_department_does_not_act_for_the_parent(
    dispatched_order: WorkOrder, personas: Personas
) -> None:
    with pytest.raises(ActionNotPermitted):
        services.assignment_sign(order=dispatched_order, by=personas.officer_a_sub)


def test_officer_of_a_parent_department_acts_on_sub_department_orders(city: City, personas: Personas) -> None:
    order = make_order(category=city.construction)
    services.workorder_dispatch(order=order, by=personas.operator, lead_department=city.housing_sub)
    order = services.assignment_sign(order=order, by=personas.officer_a)
    assert order.status == Status.SIGNED
    order = services.assignment_reply(order=order, by=personas.officer_a_sub, reply="已处理完毕。")
    assert order.status == Status.REPLIED


def test_assisting_department_signs_and_gives_its_opinion_without_moving_the_order(
    dispatched_order: WorkOrder, personas: Personas
) -> None:
    order = services.assignment_sign(order=dispatched_order, by=personas.officer_b)
    assert order.status == Status.DISPATCHED  # only the lead's signature starts the handling
    order = services.assignment_reply(order=order, by=personas.officer_b, reply="我局配合现场检查，未发现环境问题。")
    assert order.status == Status.DISPATCHED
    assert [e.action for e in order.events.all()][-2:] == [Action.ASSIST_SIGN, Action.ASSIST_REPLY]
    with pytest.raises(ActionNotPermitted):
        services.assignment_return(
            order=order, by=personas.officer_b, reason_code="not_our_function", reason="不是我们的事"
        )


def test_signing_twice_is_refused(signed_order: WorkOrder, personas: Personas) -> None:
    with pytest.raises(InvalidTransition):
        services.assignment_sign(order=signed_order, by=personas.officer_a)


def test_an_empty_reply_is_refused(signed_order: WorkOrder, personas: Personas) -> None:
    with pytest.raises(InvalidInput) as error:
        services.assignment_reply(order=signed_order, by=personas.officer_a, reply="   ")
    assert error.value.field == "reply"
    assert WorkOrder.objects.get(pk=signed_order.pk).status == Status.SIGNED


def test_reply_before_signing_is_refused(dispatched_order: WorkOrder, personas: Personas) -> None:
    with pytest.raises(InvalidTransition):
        services.assignment_reply(order=dispatched_order, by=personas.officer_a, reply="已处理")


def test_return_goes_to_arbitration_and_is_redispatched(
    signed_order: WorkOrder, city: City, personas: Personas
) -> None:
    order = services.assignment_return(
        order=signed_order, by=personas.officer_a, reason_code="not_our_function", reason="属于环保部门职责"
    )
    assert order.status == Status.RETURNED
    assert order.events.last().reason_code == "not_our_function"
    # the returning department still sees the order while it waits for arbitration
    from workorders.permissions import orders_visible_to

    assert orders_visible_to(personas.officer_a).filter(pk=order.pk).exists()
    with pytest.raises(ActionNotPermitted):
        services.workorder_arbitrate(
            order=order, by=personas.officer_a, accept=True, reason="x", lead_department=city.environment
        )

    order = services.workorder_arbitrate(
        order=order, by=personas.manager, accept=True, reason="改派生态环境局", lead_department=city.environment
    )
    assert order.status == Status.DISPATCHED and order.lead_department == city.environment
    assert not orders_visible_to(personas.officer_a).filter(pk=order.pk).exists()
    assert services.assignment_sign(order=order, by=personas.officer_b).status == Status.SIGNED


def test_a_rejected_return_goes_back_to_the_same_department(signed_order: WorkOrder, personas: Personas) -> None:
    due = signed_order.resolve_due_at
    order = services.assignment_return(
        order=signed_order, by=personas.officer_a, reason_code="info_incomplete", reason="地址不详"
    )
    order = services.workorder_arbitrate(order=order, by=personas.operator, accept=False, reason="地址已在诉求中写明")
    assert order.status == Status.DISPATCHED
    assert order.resolve_due_at == due  # the return does not buy time
    assert services.assignment_sign(order=order, by=personas.officer_a).status == Status.SIGNED


def test_return_needs_a_coded_reason_and_an_explanation(signed_order: WorkOrder, personas: Personas) -> None:
    with pytest.raises(InvalidInput) as error:
        services.assignment_return(order=signed_order, by=personas.officer_a, reason_code="whatever", reason="x")
    assert error.value.field == "reason_code"
    with pytest.raises(InvalidInput) as error:
        services.assignment_return(order=signed_order, by=personas.officer_a, reason_code="other", reason="")
    assert error.value.field == "reason"


def test_an_approved_extension_moves_the_deadline_by_working_days(signed_order: WorkOrder, personas: Personas) -> None:
    from workorders.selectors import work_calendar

    before = signed_order.resolve_due_at
    request = services.extension_request(
        order=signed_order, by=personas.officer_a, working_days=3, reason="需要现场勘查"
    )
    with pytest.raises(InvalidTransition):
        services.extension_request(order=signed_order, by=personas.officer_a, working_days=2, reason="再申请")
    with pytest.raises(ActionNotPermitted):
        services.extension_decide(request=request, by=personas.operator, approve=True)
    services.extension_decide(request=request, by=personas.manager, approve=True, note="同意")

    order = WorkOrder.objects.get(pk=signed_order.pk)
    local_before, local_after = timezone.localtime(before), timezone.localtime(order.resolve_due_at)
    assert work_calendar().working_days_between(local_before.date(), local_after.date()) == 3
    assert local_after.time() == local_before.time()
    assert [e.action for e in order.events.all()][-2:] == [Action.REQUEST_EXTENSION, Action.APPROVE_EXTENSION]


def test_a_rejected_extension_keeps_the_deadline(signed_order: WorkOrder, personas: Personas) -> None:
    before = signed_order.resolve_due_at
    request = services.extension_request(order=signed_order, by=personas.officer_a, working_days=5, reason="人手不足")
    services.extension_decide(request=request, by=personas.manager, approve=False, note="理由不充分")
    assert WorkOrder.objects.get(pk=signed_order.pk).resolve_due_at == before
    with pytest.raises(InvalidTransition):
        services.extension_decide(request=request, by=personas.manager, approve=True)


@pytest.mark.parametrize("days", [0, 31])
def test_extension_days_must_be_between_one_and_thirty(signed_order: WorkOrder, personas: Personas, days: int) -> None:
    with pytest.raises(InvalidInput) as error:
        services.extension_request(order=signed_order, by=personas.officer_a, working_days=days, reason="x")
    assert error.value.field == "working_days"


def test_a_dissatisfied_callback_reopens_the_order(replied_order: WorkOrder, personas: Personas) -> None:
    services.callback_record(
        order=replied_order, by=personas.operator, satisfaction="dissatisfied", resolved=False, comment="路灯还是不亮"
    )
    order = WorkOrder.objects.get(pk=replied_order.pk)
    assert order.status == Status.DISPATCHED
    assert order.reopen_count == 1 and order.replied_at is None
    assert order.resolve_due_at > replied_order.resolve_due_at or order.dispatched_at > replied_order.dispatched_at
    assert _actions(order)[-2:] == [
        (Action.CALLBACK, Status.REPLIED, Status.CALLBACK),
        (Action.REOPEN, Status.CALLBACK, Status.DISPATCHED),
    ]
    lead = order.assignments.get(role=AssignmentRole.LEAD)
    assert lead.status == AssignmentStatus.PENDING
    assert services.assignment_sign(order=order, by=personas.officer_a).status == Status.SIGNED


def test_callback_only_after_a_reply(signed_order: WorkOrder, personas: Personas) -> None:
    with pytest.raises(InvalidTransition):
        services.callback_record(order=signed_order, by=personas.operator, satisfaction="satisfied", resolved=True)


def test_supervision_flags_the_order_and_is_for_managers(signed_order: WorkOrder, personas: Personas) -> None:
    with pytest.raises(ActionNotPermitted):
        services.workorder_supervise(order=signed_order, by=personas.operator, reason="超期")
    order = services.workorder_supervise(order=signed_order, by=personas.manager, reason="群众反映强烈，请加快办理")
    assert order.is_supervised and order.status == Status.SIGNED
    assert order.events.last().changes == {"is_supervised": [False, True]}


def test_operator_edits_a_draft_and_the_change_is_recorded(
    draft_order: WorkOrder, city: City, personas: Personas
) -> None:
    order = services.workorder_update(
        order=draft_order, by=personas.operator, category=city.street_lights, title="路灯损坏"
    )
    event = order.events.last()
    assert event.action == Action.EDIT and event.actor == personas.operator
    assert event.changes["title"] == ["路灯不亮", "路灯损坏"]
    assert event.changes["category"] == [str(city.construction), str(city.street_lights)]
    # an edit that changes nothing records nothing
    services.workorder_update(order=order, by=personas.operator, title="路灯损坏")
    assert order.events.filter(action=Action.EDIT).count() == 1


def test_a_dispatched_order_can_no_longer_be_edited(dispatched_order: WorkOrder, personas: Personas) -> None:
    with pytest.raises(InvalidTransition):
        services.workorder_update(order=dispatched_order, by=personas.operator, title="改标题")


def test_cancel_needs_a_reason_and_only_applies_to_drafts(
    draft_order: WorkOrder, dispatched_order: WorkOrder, personas: Personas
) -> None:
    with pytest.raises(InvalidInput):
        services.workorder_cancel(order=draft_order, by=personas.operator, reason="")
    with pytest.raises(InvalidTransition):
        services.workorder_cancel(order=dispatched_order, by=personas.operator, reason="重复")
    other = make_order()
    assert services.workorder_cancel(order=other, by=personas.operator, reason="无效来电").status == Status.CANCELLED


def test_order_events_are_append_only(dispatched_order: WorkOrder) -> None:
    event = dispatched_order.events.first()
    event.reason = "rewritten"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    assert WorkOrderEvent.objects.get(pk=event.pk).reason != "rewritten"


# --- the rule table itself: every role outside an action's roles is refused -------------------------------

_ROLE_PERSONA = {
    Role.OPERATOR: "operator",
    Role.OFFICER: "officer_a",
    Role.MANAGER: "manager",
    Role.ADMIN: "admin",
    Role.INTEGRATION: "integration",
}
_CENTRE_ACTIONS = [
    (action, role)
    for action, rule in lifecycle.RULES.items()
    if not rule.needs_assignment and action not in (Action.CREATE, Action.TRIAGE, Action.MARK_OVERDUE)
    for role in Role
    if role not in rule.roles
]


@pytest.mark.parametrize(("action", "role"), _CENTRE_ACTIONS)
def test_roles_outside_the_rule_are_refused(
    action: str, role: str, dispatched_order: WorkOrder, personas: Personas
) -> None:
    with pytest.raises(ActionNotPermitted):
        services.check_transition(order=dispatched_order, action=action, by=getattr(personas, _ROLE_PERSONA[role]))


@pytest.mark.parametrize("action", [Action.TRIAGE, Action.MARK_OVERDUE])
def test_system_only_actions_are_refused_to_every_user(action: str, draft_order: WorkOrder, personas: Personas) -> None:
    for persona in _ROLE_PERSONA.values():
        with pytest.raises(ActionNotPermitted):
            services.check_transition(order=draft_order, action=action, by=getattr(personas, persona))


def test_deadline_stage_starts_on_time_after_dispatch(dispatched_order: WorkOrder) -> None:
    assert dispatched_order.deadline_stage == DeadlineStage.ON_TIME


def test_a_reply_withdraws_a_pending_extension_request(signed_order: WorkOrder, personas: Personas) -> None:
    request = services.extension_request(order=signed_order, by=personas.officer_a, working_days=3, reason="需协调")
    services.assignment_reply(order=signed_order, by=personas.officer_a, reply="已提前办结。")
    request.refresh_from_db()
    assert request.status == "withdrawn"
    from workorders.selectors import pending_extension_requests

    assert not pending_extension_requests().filter(pk=request.pk).exists()


def test_the_order_and_its_event_are_written_together_or_not_at_all(city: City, personas: Personas) -> None:
    order = make_order(category=city.construction)

    with pytest.raises(TypeError):  # the event cannot be stored: nothing of the transition is
        services.workorder_transition(
            order=order, action=Action.CANCEL, by=personas.operator, changes={"unstorable": object()}
        )

    order.refresh_from_db()
    assert order.status == Status.DRAFT
    assert not order.events.filter(action=Action.CANCEL).exists()


def test_every_assignment_move_follows_the_rule_table(city: City, personas: Personas) -> None:
    """Sign, reply, return, rejected return, reopen and re-dispatch each move assignments only as
    lifecycle.ASSIGNMENT_RULES says; a second signature is refused, not recorded twice."""
    order = services.workorder_dispatch(
        order=make_order(category=city.construction), by=personas.operator, lead_department=city.housing
    )
    services.assignment_sign(order=order, by=personas.officer_a)
    with pytest.raises(InvalidTransition):
        services.assignment_sign(order=order, by=personas.officer_a)
    lead = order.assignments.get(role=AssignmentRole.LEAD)
    assert lead.status == lifecycle.ASSIGNMENT_RULES[Action.SIGN].to_status == AssignmentStatus.SIGNED
    services.assignment_return(order=order, by=personas.officer_a, reason_code="not_our_function", reason="非本单位")
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.RETURNED
    services.workorder_arbitrate(order=order, by=personas.operator, accept=False, reason="属于职责")
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.PENDING and lead.returned_at is None
    services.assignment_sign(order=order, by=personas.officer_a)
    services.assignment_reply(order=order, by=personas.officer_a, reply="已处理完毕")
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.REPLIED
    services.callback_record(order=order, by=personas.operator, satisfaction="dissatisfied", resolved=False)
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.PENDING and lead.signed_at is None and lead.replied_at is None
    services.assignment_return(order=order, by=personas.officer_a, reason_code="not_our_function", reason="非本单位")
    services.workorder_arbitrate(
        order=order, by=personas.operator, accept=True, reason="改派", lead_department=city.environment
    )
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.WITHDRAWN
    assert (
        order.assignments.get(role=AssignmentRole.LEAD, status=AssignmentStatus.PENDING).department == city.environment
    )


def test_a_days_numbers_continue_after_orders_stored_by_other_means(city: City) -> None:
    day = timezone.now() - timedelta(days=3)
    loaded = make_order(at=day)
    WorkOrder.objects.filter(pk=loaded.pk).update(number=f"GD{timezone.localtime(day):%Y%m%d}0042")
    OrderNumberSequence.objects.all().delete()  # as a bulk load leaves it: the orders, no counter
    assert make_order(at=day).number.endswith("0043")
