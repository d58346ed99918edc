"""Working-day deadlines with China's holiday calendar, including make-up working days (调休)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from workorders.deadlines import WorkCalendar, clock_deadline
from workorders.selectors import work_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=SHANGHAI)


PLAIN = WorkCalendar()


def test_weekends_are_skipped() -> None:
    friday = date(2026, 11, 20)
    assert PLAIN.resolve_deadline(at(friday), 1, SHANGHAI) == end_of(date(2026, 11, 23))  # Monday
    assert PLAIN.resolve_deadline(at(friday), 5, SHANGHAI) == end_of(date(2026, 11, 27))


def test_the_dispatch_day_does_not_count_even_late_in_the_evening() -> None:
    wednesday = date(2026, 11, 25)
    assert PLAIN.resolve_deadline(at(wednesday, 23), 1, SHANGHAI) == end_of(date(2026, 11, 26))
    assert PLAIN.resolve_deadline(at(wednesday, 0), 1, SHANGHAI) == end_of(date(2026, 11, 26))


def test_an_order_dispatched_on_saturday_counts_from_monday() -> None:
    assert PLAIN.resolve_deadline(at(date(2026, 11, 21)), 1, SHANGHAI) == end_of(date(2026, 11, 23))


def test_the_local_date_decides_not_utc() -> None:
    # 2026-11-24 20:00 UTC is already Wednesday 04:00 in Shanghai
    utc_evening = datetime(2026, 11, 24, 20, 0, tzinfo=ZoneInfo("UTC"))
    assert PLAIN.resolve_deadline(utc_evening, 1, SHANGHAI) == end_of(date(2026, 11, 26))


def test_clock_deadlines_run_around_the_clock() -> None:
    start = at(date(2026, 11, 27), 17)  # Friday evening
    assert clock_deadline(start, 24) == at(date(2026, 11, 28), 17)


@pytest.mark.django_db
class TestOfficialCalendar:
    """The 2024–2026 calendar shipped as data (loaded by a migration)."""

    def test_national_day_week_is_skipped_and_the_saturday_make_up_day_counts(self) -> None:
        calendar = work_calendar()
        # 2026-09-30 (Wed) + 3 working days: Oct 1–7 off, Oct 8 Thu, Oct 9 Fri, Oct 10 Sat (调休上班)
        assert calendar.resolve_deadline(at(date(2026, 9, 30)), 3, SHANGHAI) == end_of(date(2026, 10, 10))

    def test_the_sunday_make_up_day_before_national_day_counts(self) -> None:
        calendar = work_calendar()
        # 2026-09-18 (Fri) + 1: Sep 19 Sat off, Sep 20 Sun is a make-up working day
        assert calendar.resolve_deadline(at(date(2026, 9, 18)), 1, SHANGHAI) == end_of(date(2026, 9, 20))

    def test_spring_festival_2026(self) -> None:
        calendar = work_calendar()
        # Feb 13 (Fri) + 1 → Feb 14 (Sat, 调休上班); + 2 → Feb 24 (Tue) after the Feb 15–23 holiday
        assert calendar.resolve_deadline(at(date(2026, 2, 13)), 1, SHANGHAI) == end_of(date(2026, 2, 14))
        assert calendar.resolve_deadline(at(date(2026, 2, 13)), 2, SHANGHAI) == end_of(date(2026, 2, 24))

    def test_new_year_2026_and_its_sunday_make_up_day(self) -> None:
        calendar = work_calendar()
        assert not calendar.is_working_day(date(2026, 1, 2))  # Friday, holiday
        assert calendar.is_working_day(date(2026, 1, 4))  # Sunday, make-up working day
        assert calendar.resolve_deadline(at(date(2025, 12, 31)), 1, SHANGHAI) == end_of(date(2026, 1, 4))

    def test_2024_and_2025_are_loaded_too(self) -> None:
        calendar = work_calendar()
        assert not calendar.is_working_day(date(2024, 2, 12))  # Spring Festival 2024
        assert calendar.is_working_day(date(2024, 2, 4))  # Sunday make-up day
        assert not calendar.is_working_day(date(2025, 10, 8))  # the 8-day National Day 2025
        assert calendar.is_working_day(date(2025, 9, 28))

    def test_working_days_between_counts_make_up_days(self) -> None:
        calendar = work_calendar()
        assert calendar.working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3
        assert calendar.working_days_between(date(2026, 10, 10), date(2026, 9, 30)) == -3

    def test_a_holiday_added_by_an_administrator_moves_new_deadlines(self) -> None:
        from workorders.models import Holiday

        before = work_calendar().resolve_deadline(at(date(2026, 12, 3)), 1, SHANGHAI)
        Holiday.objects.create(date=date(2026, 12, 4), kind="holiday", name="地方假日")
        after = work_calendar().resolve_deadline(at(date(2026, 12, 3)), 1, SHANGHAI)
        assert before == end_of(date(2026, 12, 4)) and after == end_of(date(2026, 12, 7))


def test_dispatch_uses_the_request_types_policy_and_the_calendar(db: None, city, personas) -> None:
    from tests.factories import make_order
    from workorders import services

    order = make_order(category=city.construction, request_type="consult")
    dispatched_at = at(date(2026, 9, 30), 9)
    order = services.workorder_dispatch(
        order=order, by=personas.operator, lead_department=city.housing, at=dispatched_at
    )
    assert order.sign_due_at == at(date(2026, 9, 30), 11)  # consult: 2 hours to sign
    assert order.contact_due_at == at(date(2026, 10, 1), 9)  # 24 hours to first contact
    assert order.resolve_due_at == end_of(date(2026, 10, 10))  # 3 working days across National Day


def test_a_calendar_without_working_days_is_reported_not_looped_forever() -> None:
    every_day_off = WorkCalendar(
        holidays=frozenset(date(2030, 1, 1).fromordinal(date(2030, 1, 1).toordinal() + i) for i in range(4000))
    )
    with pytest.raises(ValueError, match="no working days"):
        every_day_off.resolve_deadline(at(date(2030, 1, 1)), 1, SHANGHAI)
