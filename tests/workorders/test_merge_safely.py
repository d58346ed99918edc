"""Merging safely: the "same event" panel says what each related order is (title, status, time, shared words),
also for reports that arrived later; an emergency is never the same event as a complaint on shared places alone;
a merge is confirmed on a side-by-side preview, and undone from the order page with its own event in the log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from hotline import selectors as hotline_selectors
from hotline.services import order_text_keys_record
from tests.conftest import City, Personas
from tests.factories import make_order
from workorders.choices import Action, Status, Urgency
from workorders.models import Area, WorkOrder

pytestmark = pytest.mark.django_db

PLANT = "茶场村东侧的混凝土搅拌站每天夜里施工到凌晨两点，运料车进进出出，噪音太大，孩子没法睡觉。"
PLANT_AGAIN = "茶场村旁边的搅拌站昼夜生产，机器轰鸣，粉尘很大，居民无法休息，要求关停搅拌站。电话13812345678"
# The example: an elevator complaint and a gas leak on one road of one district share only places.
ELEVATOR = "投诉龙湖区幸福路88号小区电梯经常坏，物业不修，老人上下楼很困难。"
GAS = "龙湖区幸福路上闻到很浓的燃气味，怀疑燃气泄漏，请马上派人处理。"


def analysed(
    text: str, *, title: str, area: Area | None, urgency: str = Urgency.NORMAL, minutes_ago: int = 0
) -> WorkOrder:
    """An order as triage leaves it: masked text, place, urgency, and its rare terms indexed."""
    order = make_order(
        appeal=text,
        appeal_masked=text.replace("13812345678", "[MOBILE]"),
        title=title,
        area=area,
        urgency=urgency,
        at=timezone.now() - timedelta(minutes=minutes_ago),
    )
    order_text_keys_record(order=order)
    return order


@pytest.fixture
def pair(city: City) -> tuple[WorkOrder, WorkOrder]:
    first = analysed(PLANT, title="搅拌站夜间施工噪音", area=city.community_area, minutes_ago=90)
    later = analysed(PLANT_AGAIN, title="搅拌站昼夜生产扰民", area=city.community_area)
    return first, later


def test_an_older_order_shows_a_report_of_the_same_event_that_arrived_later(
    client: Client, personas: Personas, pair: tuple[WorkOrder, WorkOrder]
) -> None:
    first, later = pair
    client.force_login(personas.operator)

    page = client.get(f"/orders/{first.pk}/").content.decode()
    panel = client.get(f"/intake/orders/{first.pk}/related/").content.decode()

    assert f"/intake/orders/{first.pk}/related/" in page  # the page loads the panel after itself
    assert later.number in panel and "搅拌站昼夜生产扰民" in panel  # the row says what the other order is
    assert "待派单" in panel and timezone.localtime(later.created_at).strftime("%m-%d %H:%M") in panel
    assert "<mark>搅拌站</mark>" in panel  # and why it matched
    assert "后来的来电" in panel
    assert f"/orders/{first.pk}/merge/preview/?into={later.number}" in panel


def test_an_emergency_is_only_related_to_a_complaint_that_shares_its_road(city: City, personas: Personas) -> None:
    elevator = analysed(ELEVATOR, title="小区电梯经常损坏", area=city.street_area, minutes_ago=120)
    gas = analysed(GAS, title="幸福路燃气泄漏", area=city.street_area, urgency=Urgency.EMERGENCY)

    from_gas = {r.id: r for r in hotline_selectors.related_rows(gas, personas.operator)}
    from_elevator = {r.id: r for r in hotline_selectors.related_rows(elevator, personas.operator)}

    assert elevator.pk not in from_gas or not from_gas[elevator.pk].same_event
    assert gas.pk not in from_elevator or not from_elevator[gas.pk].same_event
    shown = [r for r in (from_gas.get(elevator.pk), from_elevator.get(gas.pk)) if r is not None]
    assert all(r.urgency_differs for r in shown)


def test_a_relation_triage_stored_before_the_rule_is_not_the_same_event_when_urgencies_differ(
    city: City, personas: Personas
) -> None:
    from workorders.triage_record import RelatedOrder, TriageRecord

    elevator = make_order(appeal=ELEVATOR, title="小区电梯经常损坏", area=city.street_area)
    gas = make_order(appeal=GAS, title="燃气泄漏", area=city.street_area, urgency=Urgency.EMERGENCY)
    # an order no longer in the index of rare terms shows what triage stored when it arrived
    stored = TriageRecord(
        versions={"pipeline": "triage-2"}, related=(RelatedOrder(id=elevator.pk, score=0.96, duplicate=True),)
    )
    WorkOrder.objects.filter(pk=gas.pk).update(triage=stored.to_json())
    gas.refresh_from_db()

    (row,) = hotline_selectors.related_rows(gas, personas.operator)

    assert row.id == elevator.pk and not row.same_event and row.urgency_differs


def test_a_merge_sent_without_the_preview_is_refused(
    client: Client, personas: Personas, pair: tuple[WorkOrder, WorkOrder]
) -> None:
    first, later = pair
    client.force_login(personas.operator)

    response = client.post(f"/orders/{later.pk}/merge/", {"into": first.number})

    assert response.status_code == 400
    assert "合并预览" in response.content.decode()
    later.refresh_from_db()
    assert later.status == Status.DRAFT and later.merged_into is None


def test_the_preview_shows_both_orders_side_by_side_as_the_role_may_see_them(
    client: Client, personas: Personas, pair: tuple[WorkOrder, WorkOrder]
) -> None:
    first, later = pair
    client.force_login(personas.operator)

    page = client.get(f"/orders/{later.pk}/merge/preview/?into={first.number}").content.decode()

    assert 'id="merge-side-1"' in page and 'id="merge-side-2"' in page
    assert "搅拌站昼夜生产扰民" in page and "搅拌站夜间施工噪音" in page  # both titles
    assert "茶场村" in page and "待派单" in page  # place and status
    assert "13812345678" in page  # an operator calls citizens back: the appeal as it came
    assert 'name="confirmed"' in page and 'id="confirm-merge"' in page
    later.refresh_from_db()
    assert later.status == Status.DRAFT  # looking changes nothing


def test_a_merge_is_confirmed_on_the_preview_and_undone_from_the_order_page(
    client: Client, personas: Personas, pair: tuple[WorkOrder, WorkOrder]
) -> None:
    first, later = pair
    client.force_login(personas.operator)

    response = client.post(f"/orders/{later.pk}/merge/", {"into": first.number, "confirmed": "True"})
    assert response.status_code == 302
    later.refresh_from_db()
    assert later.status == Status.MERGED and later.merged_into == first
    assert list(first.merged_orders.all()) == [later]
    page = client.get(f"/orders/{later.pk}/").content.decode()
    assert 'id="unmerge"' in page and first.number in page

    response = client.post(f"/orders/{later.pk}/unmerge/")

    assert response.status_code == 302
    later.refresh_from_db()
    assert later.status == Status.DRAFT and later.merged_into is None
    assert list(first.merged_orders.all()) == []
    merge, unmerge = later.events.filter(action__in=[Action.MERGE, Action.UNMERGE]).order_by("created_at", "id")
    assert (merge.action, merge.from_status, merge.to_status) == (Action.MERGE, Status.DRAFT, Status.MERGED)
    assert (unmerge.action, unmerge.from_status, unmerge.to_status) == (Action.UNMERGE, Status.MERGED, Status.DRAFT)
    assert unmerge.actor == personas.operator and unmerge.changes == {"merged_into": [first.number, ""]}
    page = client.get(f"/orders/{later.pk}/").content.decode()
    assert "撤销合并" in page and 'id="unmerge"' not in page  # in the history, no longer offered


def test_only_the_desks_roles_may_undo_a_merge(
    client: Client, personas: Personas, pair: tuple[WorkOrder, WorkOrder]
) -> None:
    from workorders import services

    first, later = pair
    services.workorder_merge(order=later, into=first, by=personas.operator)
    client.force_login(personas.manager)

    assert client.post(f"/orders/{later.pk}/unmerge/").status_code == 403
    later.refresh_from_db()
    assert later.status == Status.MERGED


def test_a_connected_system_or_operator_undoes_a_merge_through_the_api(
    personas: Personas, pair: tuple[WorkOrder, WorkOrder]
) -> None:
    from tests.clients import VersionedAPIClient
    from workorders import services

    first, later = pair
    services.workorder_merge(order=later, into=first, by=personas.operator)
    api = VersionedAPIClient()

    api.force_authenticate(personas.manager)
    assert api.post(f"/api/v1/orders/{later.pk}/unmerge/").status_code == 403
    api.force_authenticate(personas.operator)
    response = api.post(f"/api/v1/orders/{later.pk}/unmerge/")

    assert response.status_code == 200 and response.json()["status"] == "draft"
    assert api.post(f"/api/v1/orders/{later.pk}/unmerge/").status_code == 409  # nothing left to undo


def test_a_life_at_risk_is_never_merged_into_an_order_that_is_not(city: City, personas: Personas) -> None:
    """Neither by the merge nor by attaching a repeat call as the citizen's reminder: the emergency would go out
    with the other order's deadlines, or not at all."""
    from workorders import permissions, services
    from workorders.errors import InvalidInput

    elevator = analysed(ELEVATOR, title="电梯经常坏", area=city.community_area, minutes_ago=60)
    gas = analysed(GAS, title="燃气泄漏", area=city.community_area, urgency=Urgency.EMERGENCY)

    with pytest.raises(InvalidInput, match="风险"):
        services.workorder_merge(order=gas, into=elevator, by=personas.operator)
    assert not permissions.may_attach_as_reminder(personas.operator, gas, elevator)
    gas.refresh_from_db()
    assert gas.status == Status.DRAFT and gas.merged_into is None

    services.workorder_merge(order=elevator, into=gas, by=personas.operator)  # the other way loses nothing
    elevator.refresh_from_db()
    assert elevator.merged_into == gas
