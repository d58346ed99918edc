"""The holiday calendar as the people deciding on deadlines need it: how far the loaded notices reach, the
warning before they run out (administrators and managers), a deadline computed past them (logged), and the
deadline an extension would give before a manager decides it.

The arithmetic is ``workorders.deadlines`` (pure); the calendar's rows are read by ``selectors.work_calendar``.
Administrators load a new year in the admin (节假日日历) or from a CSV file (docs/deadlines.md says how).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from accounts.models import User
from workorders import selectors
from workorders.deadlines import WorkCalendar
from workorders.models import Department, ExtensionRequest, WorkOrder

logger = logging.getLogger(__name__)

# Administrators and managers are warned this many days before the loaded notices run out.
CALENDAR_WARNING_DAYS = 60


@dataclass(frozen=True)
class CalendarStatus:
    """How far the holiday calendar reaches on ``today``."""

    covered_through: date | None
    today: date

    @property
    def days_left(self) -> int | None:
        return (self.covered_through - self.today).days if self.covered_through else None

    @property
    def warn(self) -> bool:
        """The calendar has run out, or will within CALENDAR_WARNING_DAYS days."""
        return self.days_left is None or self.days_left <= CALENDAR_WARNING_DAYS

    @property
    def expired(self) -> bool:
        return self.days_left is None or self.days_left < 0

    @property
    def missing_year(self) -> int:
        """The first year whose State Council notice is not loaded."""
        return self.covered_through.year + 1 if self.covered_through else self.today.year


def holiday_calendar_status(today: date | None = None) -> CalendarStatus:
    return CalendarStatus(selectors.work_calendar().covered_through, today or timezone.localdate())


def flag_if_beyond_calendar(calendar: WorkCalendar, deadline: datetime, *, order: WorkOrder, what: str) -> bool:
    """Log a warning when ``deadline`` falls after the loaded notices: its working days counted the missing
    year's holidays as working days. Returns whether it does."""
    day = timezone.localtime(deadline).date()
    if calendar.covers(day):
        return False
    logger.warning(
        "%s of order %s (%s) falls after the holiday calendar's last loaded year (%s): holidays of the missing "
        "year count as working days; load them in the admin (docs/deadlines.md)",
        what,
        order.number,
        day.isoformat(),
        calendar.covered_through.isoformat() if calendar.covered_through else "none",
    )
    return True


def extended_deadline(calendar: WorkCalendar, current: datetime | None, working_days: int) -> datetime:
    """The resolve deadline after ``working_days`` more working days (from now when the order has none)."""
    return calendar.extend_deadline(current or timezone.now(), working_days, timezone.get_current_timezone())


@dataclass(frozen=True)
class ExtensionFacts:
    """What a manager reads before approving or rejecting an extension request (延期申请)."""

    request: ExtensionRequest
    department: Department
    working_days: int
    reason: str
    requested_by: User | None
    requested_at: datetime
    current_deadline: datetime | None
    resulting_deadline: datetime
    beyond_calendar: bool  # the resulting deadline is after the loaded holiday notices
    covered_through: date | None


def extension_facts(request: ExtensionRequest) -> ExtensionFacts:
    """The request's department, days and reason, and the deadline approving it would give (working days of
    the holiday calendar, as ``services.extension_decide`` computes it)."""
    calendar = selectors.work_calendar()
    order = request.order
    resulting = extended_deadline(calendar, order.resolve_due_at, request.working_days)
    return ExtensionFacts(
        request=request,
        department=request.department,
        working_days=request.working_days,
        reason=request.reason,
        requested_by=request.requested_by,
        requested_at=request.requested_at,
        current_deadline=order.resolve_due_at,
        resulting_deadline=resulting,
        beyond_calendar=not calendar.covers(timezone.localtime(resulting).date()),
        covered_through=calendar.covered_through,
    )
