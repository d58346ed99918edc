"""The order workspace (受理台): the call beside the order's fields, corrected in place and dispatched in one step;
the type-ahead pickers' choices with pinyin; the catalogue following a corrected category."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import City, Personas
from tests.factories import make_order
from tests.workorders.conftest import signed_in
from workorders import services
from workorders.choices import Action, AssignmentRole, Status
from workorders.models import WorkOrder, WorkOrderEvent
from workorders.pickers import matches, picker_entry, pinyin_keys
from workorders.transcript import CALLER, MASKED, PLACE, RISK, transcript_lines
from workorders.triage_record import SafetyRecord, TriageRecord

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("deadline_policies")]

CALL = "坐席：您好，12345热线。\n市民：我家楼下燃气管道漏气了，在书院路，我叫[NAME]。\n坐席：好的，书院路是吧。"


def workspace_data(order: WorkOrder, **changes: object) -> dict[str, object]:
    """The workspace form as the page sends it untouched (the AI's values), with ``changes``."""
    data: dict[str, object] = {
        "title": order.title,
        "request_type": order.request_type,
        "urgency": order.urgency,
        "category": order.category_id or "",
        "area": order.area_id or "",
        "address": order.address,
        "summary": order.summary.replace("\n", "\r\n"),  # as a browser sends a textarea
        "note": "",
        "intent": "dispatch",
        "version": order.version,
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def test_the_operator_gets_the_call_beside_the_editable_order_with_the_ai_candidates(
    city: City, personas: Personas
) -> None:
    order = make_order(appeal=CALL, title="燃气漏气", category=city.construction, area=city.district_area)
    response = signed_in(personas.operator).get(reverse("order-detail", args=[order.pk]))

    page = response.content.decode()
    assert 'id="workspace-form"' in page and f'action="/orders/{order.pk}/workspace/"' in page
    transcript = response.context["transcript"]
    assert [line.speaker for line in transcript][:2] == ["agent", CALLER]
    assert 'class="turn turn-caller"' in page
    assert '<mark class="mark-masked"' in page and "[NAME]" not in page  # a masked value in words, not its code
    # the fields are editable here, the pickers hold the order's values, the catalogue's lead is preselected
    assert 'name="title"' in page and 'value="燃气漏气"' in page
    assert 'value="城乡建设"' in page and 'value="A3区"' in page
    assert response.context["picked"]["lead_department"] == [(city.housing.pk, city.housing.full_name)]
    assert "<kbd>?</kbd>" in page and 'id="shortcuts"' in page
    # one page: no separate edit page to go through, no second dispatch form
    assert 'id="action-dispatch"' not in page


def test_a_manager_sees_the_transcript_masked_and_no_workspace(city: City, personas: Personas) -> None:
    order = make_order(appeal="市民：我是张伟，电话13812345678，书院路路灯坏了。\n坐席：好的。", caller_name="张伟")
    response = signed_in(personas.manager).get(reverse("order-detail", args=[order.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="workspace-form"' not in page
    assert "13812345678" not in page and "张伟" not in page
    assert 'class="turn turn-caller"' in page


def test_dispatching_from_the_workspace_saves_the_correction_and_the_assisting_department_and_opens_the_next_order(
    city: City, personas: Personas
) -> None:
    order = make_order(title="噪音扰民", category=city.construction, summary="第一行\n第二行")
    following = make_order(title="下一单")
    client = signed_in(personas.operator)
    client.get(reverse("order-detail", args=[order.pk]))

    response = client.post(
        reverse("order-workspace", args=[order.pk]),
        workspace_data(order, category=city.pollution.pk, assisting_departments=[city.street.pk]),
    )

    order.refresh_from_db()
    assert order.status == Status.DISPATCHED
    assert order.category == city.pollution
    assert response.status_code == 302 and response.url == reverse("order-detail", args=[following.pk])
    lead = order.assignments.get(role=AssignmentRole.LEAD)
    assert lead.department == city.environment  # the catalogue's lead for the corrected category
    assert {a.department for a in order.assignments.filter(role=AssignmentRole.ASSIST)} == {city.street}
    edit = WorkOrderEvent.objects.get(order=order, action=Action.EDIT)
    assert set(edit.changes) == {"category"}  # the summary sent back with CRLF is no change
    assert "summary" not in order.confirmed_fields


def test_a_workspace_dispatch_without_a_category_is_refused_and_the_correction_is_not_saved_either(
    city: City, personas: Personas
) -> None:
    order = make_order(title="未分类")
    response = signed_in(personas.operator).post(
        reverse("order-workspace", args=[order.pk]),
        workspace_data(order, title="已改标题", lead_department=city.housing.pk),
    )

    assert response.status_code == 400
    assert "派单前请先选择分类" in response.content.decode()
    assert 'value="已改标题"' in response.content.decode()  # what the operator typed is shown again
    order.refresh_from_db()
    assert (order.status, order.title) == (Status.DRAFT, "未分类")


def test_a_workspace_write_on_a_page_opened_before_a_colleagues_edit_is_refused_with_what_was_typed_kept(
    city: City, personas: Personas
) -> None:
    order = make_order(category=city.construction)
    opened = order.version
    services.workorder_update(order=order, by=personas.admin, title="电梯停运", based_on=opened)

    response = signed_in(personas.operator).post(
        reverse("order-workspace", args=[order.pk]), workspace_data(order, note="请尽快处理", version=opened)
    )

    page = response.content.decode()
    assert response.status_code == 409
    assert "请尽快处理" in page and f'name="version" value="{opened + 1}"' in page
    order.refresh_from_db()
    assert order.status == Status.DRAFT


def test_saving_from_the_workspace_records_only_what_changed(city: City, personas: Personas) -> None:
    order = make_order(title="路灯不亮", category=city.construction, summary="路灯\n不亮")
    response = signed_in(personas.operator).post(
        reverse("order-workspace", args=[order.pk]), workspace_data(order, urgency="urgent", intent="save")
    )

    assert response.status_code == 302 and response.url == reverse("order-detail", args=[order.pk])
    order.refresh_from_db()
    assert (order.status, order.urgency, order.summary) == (Status.DRAFT, "urgent", "路灯\n不亮")
    assert list(WorkOrderEvent.objects.get(order=order, action=Action.EDIT).changes) == ["urgency"]


def test_the_edit_page_records_no_phantom_change_of_a_multiline_summary(city: City, personas: Personas) -> None:
    order = make_order(title="路灯", category=city.construction, summary="一\n二", caller_name="", caller_phone="")
    data = {
        "title": "路灯坏了",
        "appeal": order.appeal.replace("\n", "\r\n"),
        "summary": "一\r\n二",
        "request_type": order.request_type,
        "urgency": order.urgency,
        "category": city.construction.pk,
        "area": "",
        "address": "",
        "caller_name": "",
        "caller_phone": "",
        "version": order.version,
    }
    signed_in(personas.operator).post(reverse("order-edit", args=[order.pk]), data)

    event = WorkOrderEvent.objects.get(order=order, action=Action.EDIT)
    assert list(event.changes) == ["title"]


def test_an_officer_may_not_use_the_workspace(city: City, personas: Personas) -> None:
    order = make_order(category=city.construction)
    response = signed_in(personas.officer_a).post(reverse("order-workspace", args=[order.pk]), workspace_data(order))
    assert response.status_code == 403


def test_the_pickers_list_every_choice_with_its_pinyin_and_answer_a_revalidation_with_304(
    city: City, personas: Personas
) -> None:
    client = signed_in(personas.operator)
    response = client.get(reverse("picker-options", args=["department"]))

    entries = response.json()["entries"]
    housing = next(e for e in entries if e["id"] == city.housing.pk)
    assert housing["py"] == ["shizhufanghechengxiangjiansheju"]
    assert housing["ini"] == ["szfhcxjsj"]
    assert response["Cache-Control"].startswith("private")
    again = client.get(reverse("picker-options", args=["department"]), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert client.get(reverse("picker-options", args=["secrets"])).status_code == 404


def test_the_catalogue_follows_a_corrected_category(city: City, personas: Personas) -> None:
    order = make_order(category=city.construction)
    response = signed_in(personas.operator).get(
        reverse("order-dispatch-suggestion", args=[order.pk]), {"category": city.pollution.pk}
    )
    assert response.json() == {
        "lead": {"id": city.environment.pk, "label": city.environment.full_name},
        "assisting": [{"id": city.district.pk, "label": city.district.full_name}],
    }


def test_the_transcript_marks_places_risk_words_and_masked_values() -> None:
    lines = transcript_lines(CALL, places=["书院路"], risk_words=["漏气"])

    caller = lines[1]
    assert caller.is_caller and caller.label == "市民"
    marked = [(s.text, s.mark) for s in caller.segments if s.mark]
    assert marked == [("漏气", RISK), ("书院路", PLACE), ("姓名", MASKED)]
    assert "".join(s.text for s in lines[2].segments) == "好的，书院路是吧。"
    assert transcript_lines("一段网上留言。\n第二段。")[1].speaker == ""


@pytest.mark.parametrize(
    ("typed", "best"),
    [("物业", "物业管理"), ("wy", "物业管理"), ("wuye", "物业管理"), ("cxjs", "城乡建设"), ("zzz", None)],
)
def test_a_picker_matches_chinese_pinyin_and_initials(typed: str, best: str | None) -> None:
    entries = [
        picker_entry(1, "城乡建设", "城乡建设"),
        picker_entry(2, "城乡建设 / 物业管理", "物业管理"),
        picker_entry(3, "城乡建设 / 房屋安全", "房屋安全"),
        picker_entry(4, "交通运输 / 公共交通", "公共交通"),
    ]
    ranked = sorted((r, e.id, e.name) for e in entries if (r := matches(e, typed)) is not None)
    if best is None:
        assert ranked == []
    elif typed == "cxjs":  # an ancestor's initials: the parent itself first, then its children
        assert [name for _r, _id, name in ranked] == ["城乡建设", "物业管理", "房屋安全"]
    else:
        assert ranked[0][2] == best


def test_pinyin_keys_read_polyphones_in_words_and_keep_digits() -> None:
    assert pinyin_keys("银行") == ("yinhang", "yh")
    assert pinyin_keys("12345热线") == ("12345rexian", "12345rx")


def test_the_self_harm_alert_stays_above_the_workspace(city: City, personas: Personas) -> None:
    order = make_order(title="情绪低落", category=city.construction)
    record = TriageRecord(versions={"pipeline": "test"}, safety=SafetyRecord("self_harm", True, ("不想活了",)))
    services.workorder_apply_triage(order=order, fields={}, record=record)
    page = signed_in(personas.operator).get(reverse("order-detail", args=[order.pk])).content.decode()
    assert page.index('id="risk"') < page.index('id="workspace"')


def test_a_masked_value_shown_in_words_in_a_field_is_stored_as_it_was(city: City, personas: Personas) -> None:
    order = make_order(title="投诉[NAME]占道经营", category=city.construction)
    client = signed_in(personas.operator)
    assert 'value="投诉〔姓名〕占道经营"' in client.get(reverse("order-detail", args=[order.pk])).content.decode()

    client.post(
        reverse("order-workspace", args=[order.pk]),
        workspace_data(order, title="投诉〔姓名〕占道经营", urgency="urgent", intent="save"),
    )

    order.refresh_from_db()
    assert order.title == "投诉[NAME]占道经营"
    assert list(WorkOrderEvent.objects.get(order=order, action=Action.EDIT).changes) == ["urgency"]
