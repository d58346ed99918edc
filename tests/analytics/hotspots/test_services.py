"""The hotspot run over the stored orders: one hotspot per problem and place, alerts for emerging ones, a
hotspot's identity across runs, the periodic task and the command; personal data never reaches a hotspot."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from analytics.hotspots.services import TEXT_CHARS, hotspots_detect
from analytics.models import Hotspot, HotspotAlert, HotspotStatus
from analytics.signals import hotspot_emerged
from analytics.tasks import detect_hotspots
from tests.analytics.hotspots.reports import MIXING_PLANT, NOW, UNRELATED, PlantOrders
from tests.conftest import City, Personas
from tests.factories import AreaFactory, make_order
from tests.triage.pii_cases import id_number
from workorders.choices import AreaKind


def test_reports_of_one_problem_become_one_hotspot_named_by_place_and_problem(plant_orders: PlantOrders) -> None:
    plant, others = plant_orders

    run = hotspots_detect(now=NOW)

    assert run.orders == len(plant) + len(others)
    [hotspot] = Hotspot.objects.all()
    assert set(hotspot.members.values_list("order_id", flat=True)) == {order.pk for order in plant}
    assert "丽发新城" in hotspot.label and "搅拌" in hotspot.label
    assert hotspot.distinct_callers == 6
    assert sum(count for _day, count in hotspot.timeline) == 6
    assert run.hotspots == 1 and run.seconds is not None


def test_a_new_spike_raises_one_alert_and_the_signal(
    plant_orders: PlantOrders, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    received = []

    def listener(sender: type, hotspot: Hotspot, alert: HotspotAlert, **kwargs: object) -> None:
        received.append((hotspot.pk, alert.pk))

    hotspot_emerged.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            first = hotspots_detect(now=NOW)
        with django_capture_on_commit_callbacks(execute=True):
            hotspots_detect(now=NOW + timedelta(hours=1))
    finally:
        hotspot_emerged.disconnect(listener)

    [hotspot] = Hotspot.objects.all()
    [alert] = HotspotAlert.objects.all()
    assert first.emerging == 1 and hotspot.is_emerging
    assert "丽发新城" in alert.message
    assert received == [(hotspot.pk, alert.pk)]  # the second run found the same hotspot: no new alert


def test_a_new_problem_at_one_compound_raises_an_alert_even_in_a_busy_district(
    plant_orders: PlantOrders, city: City
) -> None:
    """Another compound of the same district sends twelve pollution reports every month; the plant's six new
    ones do not lift the district above its usual level, but their own community has never reported."""
    street = AreaFactory(name="东湖街道", code="A3-DH", kind=AreaKind.STREET, parent=city.district_area)
    busy = AreaFactory(name="东湖社区", code="A3-DH-1", kind=AreaKind.COMMUNITY, parent=street)
    for month in range(0, 7):
        for n in range(12):
            make_order(
                title=f"东湖社区{n + 1}号楼下水道堵塞",
                appeal=f"东湖社区{n + 1}号楼的下水道又堵了，污水漫到路面，请处理。",
                caller_phone="13500000000",
                at=NOW - timedelta(days=30 * month + 2 + n),
                area=busy,
                category=city.pollution,
            )

    run = hotspots_detect(now=NOW)

    plant = Hotspot.objects.get(label__contains="丽发新城")
    assert plant.area_id == city.community_area.pk and plant.is_emerging
    assert run.emerging == 1 and HotspotAlert.objects.get().hotspot == plant


def test_a_problem_reported_at_the_usual_level_is_not_emerging(plant_orders: PlantOrders, city: City) -> None:
    # The same compound complained about the plant every month of the last half year, as many times.
    for month in range(1, 7):
        for n, (title, appeal) in enumerate(MIXING_PLANT):
            make_order(
                title=title,
                appeal=appeal,
                caller_phone=f"1370{month:02d}00{n:03d}",
                at=NOW - timedelta(days=30 * month + 3 + n % 4),
                area=city.community_area,
                category=city.pollution,
            )

    run = hotspots_detect(now=NOW)

    assert run.hotspots >= 1
    assert run.emerging == 0 and not HotspotAlert.objects.exists()


def test_a_hotspot_found_again_keeps_its_identity_then_cools_and_is_archived(plant_orders: PlantOrders) -> None:
    hotspots_detect(now=NOW)
    [hotspot] = Hotspot.objects.all()

    hotspots_detect(now=NOW + timedelta(days=10))
    assert list(Hotspot.objects.values_list("pk", "status")) == [(hotspot.pk, HotspotStatus.ACTIVE)]

    hotspots_detect(now=NOW + timedelta(days=31))  # nothing reported for a whole window
    hotspot.refresh_from_db()
    assert hotspot.status == HotspotStatus.ARCHIVED and not hotspot.is_emerging


def test_the_periodic_task_groups_the_last_30_days(city: City) -> None:
    now = timezone.now()
    for n, (title, appeal) in enumerate(MIXING_PLANT):
        make_order(title=title, appeal=appeal, caller_phone=f"1380000{n:04d}", at=now - timedelta(days=n + 1))
    make_order(title=UNRELATED[0][0], appeal=UNRELATED[0][1], at=now - timedelta(days=40))  # before the window

    result = detect_hotspots.delay().get()

    assert result["orders"] == len(MIXING_PLANT)
    assert result["hotspots"] == 1 and Hotspot.objects.get().members.count() == len(MIXING_PLANT)


def test_the_detect_hotspots_command_runs_now_and_says_what_it_found(city: City) -> None:
    now = timezone.now()
    for n, (title, appeal) in enumerate(MIXING_PLANT):
        make_order(title=title, appeal=appeal, caller_phone=f"1380000{n:04d}", at=now - timedelta(days=n + 1))
    out = StringIO()

    call_command("detect_hotspots", stdout=out)

    assert out.getvalue().startswith(f"{len(MIXING_PLANT)} orders, 1 hotspots")
    assert Hotspot.objects.get().members.count() == len(MIXING_PLANT)


def test_personal_data_in_orders_not_analysed_yet_never_reaches_a_hotspot(city: City) -> None:
    """Orders triage has not reached have no masked appeal yet: the run masks them itself, the title too,
    and the whole appeal before cutting it (a number cut in half at the cut is no longer recognisable).
    Every caller names the plant's contact person and gives their own phone and ID number; the last one's
    ID number lies across the cut."""
    contact, contact_phone = "王建国", "13800000000"
    phones = [f"1391234{n:04d}" for n in range(len(MIXING_PLANT))]
    ids = [id_number("430102", f"198{n}0314", "271") for n in range(len(MIXING_PLANT))]
    for n, (title, appeal) in enumerate(MIXING_PLANT):
        padding = "搅拌站的噪音从晚上一直持续到凌晨，" * (22 if n == len(MIXING_PLANT) - 1 else 0)
        make_order(
            title=f"{title}，联系人：{contact}，电话{contact_phone}",
            appeal=f"{appeal}{padding[: TEXT_CHARS - len(appeal) - 8]}我的身份证号码是{ids[n]}，电话{phones[n]}。"
            f"搅拌站联系人：{contact}，电话{contact_phone}。",
            caller_phone=phones[n],
            at=NOW - timedelta(days=n + 1),
            area=city.community_area,
            category=city.pollution,
        )

    hotspots_detect(now=NOW)

    [hotspot] = Hotspot.objects.all()
    assert "丽发新城" in hotspot.label
    stored = json.dumps(
        [
            hotspot.label,
            hotspot.problem,
            hotspot.place_name,
            hotspot.terms,
            hotspot.departments,
            list(HotspotAlert.objects.values_list("message", flat=True)),
        ],
        ensure_ascii=False,
    )
    for value in [contact, contact_phone, *phones, *ids]:
        assert value not in stored
        # nor a recognisable piece of one
        assert not any(value[i : i + 6] in stored for i in range(len(value) - 5)), (value, stored)


def test_a_flood_of_reports_without_a_phone_from_one_system_is_one_witness_and_raises_no_alert(
    city: City, personas: Personas
) -> None:
    from hotline.models import Submission

    flood = []
    for n in range(40):
        title, appeal = MIXING_PLANT[n % len(MIXING_PLANT)]
        submission = Submission.objects.create(
            channel="web", sender_id=f"flood-{n}", raw_body=appeal, submitted_by=personas.integration
        )
        flood.append(
            make_order(
                title=title,
                appeal=appeal,
                at=NOW - timedelta(days=1, minutes=n),
                area=city.community_area,
                category=city.pollution,
                source_submission=submission,
            )
        )

    run = hotspots_detect(now=NOW)

    assert run.emerging == 0 and not HotspotAlert.objects.exists()
    assert not Hotspot.objects.filter(distinct_callers__gt=1).exists()  # forty reports, one account: one witness
