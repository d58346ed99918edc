"""A manager decides an extension request knowing its department, days, reason and the deadline it would give
(working days of the holiday calendar); the holiday calendar warns administrators and the dashboard before it
runs out, and a deadline computed past it is logged."""

from __future__ import annotations

import logging
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import City, Personas
from workorders import holiday_calendar, services
from workorders.choices import ExtensionStatus, HolidayKind
from workorders.models import Holiday, WorkOrder
from workorders.selectors import work_calendar

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=SHANGHAI)


def test_new_years_day_2027_is_a_holiday_but_the_calendar_counts_as_loaded_only_through_2026() -> None:
    calendar = work_calendar()

    assert not calendar.is_working_day(date(2027, 1, 1))  # the example: no longer a working day
    assert calendar.covered_through == date(2026, 12, 31)  # the 2027 notice is not loaded
    assert calendar.covers(date(2026, 12, 31)) and not calendar.covers(date(2027, 1, 4))


def test_the_warning_starts_sixty_days_before_the_calendar_runs_out() -> None:
    end = date(2026, 12, 31)

    assert not holiday_calendar.CalendarStatus(end, date(2026, 10, 31)).warn  # 61 days left
    assert holiday_calendar.CalendarStatus(end, date(2026, 11, 1)).warn  # 60 days left
    assert holiday_calendar.CalendarStatus(end, date(2027, 1, 2)).expired
    assert holiday_calendar.CalendarStatus(None, date(2026, 11, 1)).warn  # no calendar at all


def test_the_admin_index_and_the_managers_dashboard_warn_when_next_years_holidays_are_missing(
    client: Client, personas: Personas
) -> None:
    this_year = timezone.localdate().year
    Holiday.objects.filter(date__year__gte=this_year).delete()  # the calendar ended last year
    client.force_login(personas.admin)

    admin_index = client.get("/admin/").content.decode()
    client.force_login(personas.manager)
    dashboard = client.get("/dashboard/").content.decode()

    for page in (admin_index, dashboard):
        assert 'id="calendar-warning"' in page and f"{this_year - 1}-12-31" in page
    assert "/admin/workorders/holiday/" in admin_index  # where an administrator loads them


def test_no_warning_while_the_calendar_reaches_well_beyond_sixty_days(client: Client, personas: Personas) -> None:
    next_year = timezone.localdate().year + 1
    Holiday.objects.create(date=date(next_year, 10, 1), kind=HolidayKind.HOLIDAY, name="国庆节")
    client.force_login(personas.admin)

    assert 'id="calendar-warning"' not in client.get("/admin/").content.decode()


def test_the_managers_extension_card_shows_the_facts_and_the_resulting_deadline(
    client: Client, city: City, personas: Personas, signed_order: WorkOrder
) -> None:
    WorkOrder.objects.filter(pk=signed_order.pk).update(resolve_due_at=end_of(date(2026, 12, 30)))
    services.extension_request(
        order=signed_order, by=personas.officer_a, working_days=3, reason="需要协调燃气公司现场勘查"
    )
    client.force_login(personas.manager)

    page = client.get(f"/orders/{signed_order.pk}/").content.decode()
    card = page[page.index('id="action-decide-extension"') :]
    card = card[: card.index("</details>")]

    assert city.housing.name in card and "需要协调燃气公司现场勘查" in card
    assert "<dd>3</dd>" in card
    assert "2026-12-30 23:59" in card  # the deadline now
    # 12-31 Thu, (01-01 New Year, 01-02/03 weekend), 01-04 Mon, 01-05 Tue: the third working day
    assert "2027-01-05 23:59" in card
    assert "节假日日历" in card  # 2027 is not loaded: the deadline may be later than shown
    assert "同意" in card and "驳回" in card


def test_an_approved_extension_past_the_calendar_moves_the_deadline_as_shown_and_is_logged(
    caplog: pytest.LogCaptureFixture, personas: Personas, signed_order: WorkOrder
) -> None:
    WorkOrder.objects.filter(pk=signed_order.pk).update(resolve_due_at=end_of(date(2026, 12, 30)))
    request = services.extension_request(order=signed_order, by=personas.officer_a, working_days=3, reason="现场勘查")
    shown = holiday_calendar.extension_facts(request).resulting_deadline

    with caplog.at_level(logging.WARNING, logger="workorders.holiday_calendar"):
        decided = services.extension_decide(request=request, by=personas.manager, approve=True)

    signed_order.refresh_from_db()
    assert decided.status == ExtensionStatus.APPROVED
    assert signed_order.resolve_due_at == shown == end_of(date(2027, 1, 5))
    assert any(signed_order.number in r.getMessage() and "holiday calendar" in r.getMessage() for r in caplog.records)


def test_a_deadline_inside_the_calendar_is_not_logged(
    caplog: pytest.LogCaptureFixture, personas: Personas, signed_order: WorkOrder
) -> None:
    WorkOrder.objects.filter(pk=signed_order.pk).update(resolve_due_at=end_of(date(2026, 11, 2)))
    request = services.extension_request(order=signed_order, by=personas.officer_a, working_days=2, reason="现场勘查")

    with caplog.at_level(logging.WARNING, logger="workorders.holiday_calendar"):
        services.extension_decide(request=request, by=personas.manager, approve=True)

    assert not [r for r in caplog.records if r.name == "workorders.holiday_calendar"]


def test_an_administrator_loads_next_years_notice_from_a_csv_file(tmp_path) -> None:
    from io import StringIO

    from django.core.management import call_command

    notice = tmp_path / "holidays_2027.csv"
    notice.write_text("date,kind,name\n2027-02-20,workday,春节调休上班\n2027-10-01,holiday,国庆节\n", encoding="utf-8")
    out = StringIO()

    call_command("load_holidays", str(notice), stdout=out)

    calendar = work_calendar()
    assert "2027-12-31" in out.getvalue() and calendar.covered_through == date(2027, 12, 31)
    assert calendar.is_working_day(date(2027, 2, 20))  # a Saturday worked to bridge the holiday
