"""Raw SQL for the rollups and the handling rounds, written once for SQLite and PostgreSQL: pieces of SQL with
their parameters, local days, and the few expressions whose spelling differs between the two (Django's
database operations supply the local date; the JSON lookup is written here)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock_time

from django.db import connection
from django.utils import timezone


@dataclass
class Sql:
    """A piece of SQL with its parameters, so fragments can be joined without losing their order."""

    text: str
    params: list[object] = field(default_factory=list)

    def __add__(self, other: Sql | str) -> Sql:
        if isinstance(other, str):
            return Sql(self.text + other, self.params)
        return Sql(self.text + other.text, [*self.params, *other.params])

    @staticmethod
    def join(separator: str, parts: Iterable[Sql]) -> Sql:
        parts = list(parts)
        return Sql(separator.join(p.text for p in parts), [param for p in parts for param in p.params])


def local_day(column: str) -> Sql:
    """The local date (TIME_ZONE) of a timestamp column, in this database's dialect."""
    text, params = connection.ops.datetime_cast_date_sql(column, (), timezone.get_current_timezone_name())
    return Sql(text, list(params))


def day_start(day: date) -> datetime:
    """Local midnight at the start of ``day``, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, clock_time.min))


def stamp(moment: datetime) -> object:
    """A timestamp as a parameter of raw SQL. The ORM converts datetimes for the database; raw SQL must do it
    itself: SQLite compares text, so an aware datetime has to become the UTC text the ORM stores."""
    return connection.ops.adapt_datetimefield_value(moment)


def day_param(day: date) -> object:
    return connection.ops.adapt_datefield_value(day)


def quoted(values: Iterable[str]) -> str:
    """Choice values (our own constants, never user input) as a SQL list: 'sign', 'assist_sign'."""
    return ", ".join(f"'{value}'" for value in values)


def ids_in(column: str, ids: Sequence[int]) -> Sql:
    """``column`` among the ids (an empty list matches nothing)."""
    if not ids:
        return Sql("1 = 0")
    return Sql(f"{column} IN ({', '.join(['%s'] * len(ids))})", list(ids))


@dataclass(frozen=True)
class DayRange:
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def moments(self, column: str) -> Sql:
        """Rows whose timestamp ``column`` falls on one of the days (an index range on the column)."""
        return Sql(
            f"({column} >= %s AND {column} < %s)",
            [stamp(day_start(self.first)), stamp(day_start(self.last + timedelta(1)))],
        )

    def days_of(self, column: str) -> Sql:
        return Sql(f"({column} BETWEEN %s AND %s)", [day_param(self.first), day_param(self.last)])


def merge_days(days: Iterable[date]) -> list[DayRange]:
    """Consecutive days merged into ranges, in order."""
    ranges: list[DayRange] = []
    for day in sorted(set(days)):
        if ranges and day == ranges[-1].last + timedelta(1):
            ranges[-1] = DayRange(ranges[-1].first, day)
        else:
            ranges.append(DayRange(day, day))
    return ranges


def within(ranges: Sequence[DayRange], column: str, *, dates: bool = False) -> Sql:
    """Rows whose ``column`` (a timestamp, or a date with ``dates``) falls on a day of one of the ranges."""
    parts = [r.days_of(column) if dates else r.moments(column) for r in ranges]
    return Sql("(") + Sql.join(" OR ", parts) + ")"
