"""Working-day deadline arithmetic with a Chinese holiday calendar. Pure: no database access.

A working day is Monday–Friday unless it is a public holiday, plus any make-up working day (调休) that
falls on a weekend. "Resolve within N working days" means: by the end of the N-th working day after the
day the order was dispatched (the dispatch day itself does not count, whatever time it was).

The calendar is only as good as the years loaded into it: a year whose State Council notice is missing counts
its holidays as working days. A year counts as loaded when its National Day (1 October, a public holiday by
law every year and the last holiday of every notice) is in the calendar, so ``covered_through`` is 31 December
of the last such year, and a deadline after it is flagged (``covers``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

# Guard against a calendar with no working days at all (a data error), which would loop forever.
_MAX_DAYS_SCANNED = 3660


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[date] = field(default_factory=frozenset)
    makeup_workdays: frozenset[date] = field(default_factory=frozenset)

    @property
    def covered_through(self) -> date | None:
        """The last day the loaded notices cover: 31 December of the last year whose National Day is loaded."""
        years = [day.year for day in self.holidays if (day.month, day.day) == (10, 1)]
        return date(max(years), 12, 31) if years else None

    def covers(self, day: date) -> bool:
        """Whether the loaded notices say which days around ``day`` are holidays (else weekdays count)."""
        end = self.covered_through
        return end is not None and day <= end

    def is_working_day(self, day: date) -> bool:
        if day in self.makeup_workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def nth_working_day_after(self, day: date, n: int) -> date:
        """The n-th working day strictly after ``day`` (n >= 1)."""
        if n < 1:
            raise ValueError("n must be at least 1")
        current, found = day, 0
        for _ in range(_MAX_DAYS_SCANNED):
            current += timedelta(days=1)
            if self.is_working_day(current):
                found += 1
                if found == n:
                    return current
        raise ValueError("the holiday calendar leaves no working days")

    def resolve_deadline(self, start: datetime, working_days: int, tz: tzinfo) -> datetime:
        """End of the ``working_days``-th working day after ``start``'s local date, as an aware datetime."""
        local_start = start.astimezone(tz)
        last_day = self.nth_working_day_after(local_start.date(), working_days)
        return datetime.combine(last_day, time(23, 59, 59), tzinfo=tz)

    def extend_deadline(self, deadline: datetime, working_days: int, tz: tzinfo) -> datetime:
        """A deadline moved by ``working_days`` further working days, still at the end of a day."""
        return self.resolve_deadline(deadline, working_days, tz)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(
            1 for offset in range(1, (end - start).days + 1) if self.is_working_day(start + timedelta(days=offset))
        )


def clock_deadline(start: datetime, hours: int) -> datetime:
    """Sign and first-contact limits run on the clock, around the clock (hotline departments are on duty)."""
    return start + timedelta(hours=hours)
