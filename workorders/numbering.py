"""Order numbers: ``GD`` + the local date + a sequence that restarts every day (GD202612070001; five digits and more
past 9,999 a day). Unique, increasing within a day, and gap-tolerant: a number taken by an intake that then failed
is not handed out again.

On PostgreSQL each day has its own sequence (``workorders_order_number_20261207``). ``nextval`` never waits for
another transaction and is never rolled back, so concurrent intakes do not queue behind one another's commit (a
row counter locked until the intake commits did: intake levelled off near 100 per second). A day's sequence is
created by the first intake of that day, on a connection of its own that commits at once, starting after the
highest number of that day already stored (orders written by a bulk load, or by an older version).

On SQLite, which runs one writing transaction at a time anyway, a row per day in ``OrderNumberSequence`` counts.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import date, datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from workorders.models import OrderNumberSequence, WorkOrder

PREFIX = "GD"
_known_sequences: set[str] = set()  # the days' sequences this process has seen exist
_lock = threading.Lock()


def allocate_number(moment: datetime) -> str:
    """The next order number of the local day of ``moment``."""
    day = timezone.localtime(moment).date()
    value = _next_from_sequence(day) if connection.vendor == "postgresql" else _next_from_table(day)
    return f"{PREFIX}{day:%Y%m%d}{value:04d}"


def sequence_name(day: date) -> str:
    return f"workorders_order_number_{day:%Y%m%d}"


def numbers_taken(last_by_day: Mapping[date, int]) -> None:
    """Numbers up to ``last`` of each day were written by other means (a bulk load of orders): the next number
    handed out for that day comes after them."""
    if connection.vendor != "postgresql":
        for day, last in last_by_day.items():
            sequences = OrderNumberSequence.objects.filter(day=day)
            if not sequences.filter(last__gte=last).exists():
                OrderNumberSequence.objects.update_or_create(day=day, defaults={"last": last})
        return
    with connection.cursor() as cursor:
        for day, last in last_by_day.items():
            name = sequence_name(day)
            cursor.execute("SELECT 1 FROM pg_class WHERE relkind = 'S' AND relname = %s", [name])
            if cursor.fetchone():  # created already: move it on; otherwise its creation starts after the stored ones
                cursor.execute(f'SELECT setval(%s, GREATEST(%s, (SELECT last_value FROM "{name}")))', [name, last])


def highest_stored(day: date) -> int:
    """The highest sequence number of ``day`` among the stored orders and the day's counter row (0: none)."""
    start, end = f"{PREFIX}{day:%Y%m%d}", f"{PREFIX}{day:%Y%m%d}~"  # '~' sorts after every digit
    numbers = WorkOrder.objects.filter(number__gte=start, number__lt=end).values_list("number", flat=True)
    stored = max((int(number[len(start) :]) for number in numbers if number[len(start) :].isdigit()), default=0)
    counted = OrderNumberSequence.objects.filter(day=day).values_list("last", flat=True).first() or 0
    return max(stored, counted)


def _next_from_sequence(day: date) -> int:
    name = sequence_name(day)
    if name not in _known_sequences:
        _create_sequence(day)
        with _lock:
            _known_sequences.add(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [name])
        return int(cursor.fetchone()[0])


def _create_sequence(day: date) -> None:
    """Create the day's sequence if it does not exist, committed at once on a connection of its own, so no intake
    transaction ever holds the catalogue's lock. A concurrent first intake of the day may create it first."""
    name = sequence_name(day)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_class WHERE relkind = 'S' AND relname = %s", [name])
        if cursor.fetchone():
            return
    start = highest_stored(day) + 1
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.autocommit = True
        with raw.cursor() as cursor:
            try:
                cursor.execute(f'CREATE SEQUENCE IF NOT EXISTS "{name}" START WITH {int(start)}')
            except Exception as exc:  # two first intakes of the day raced to create it: the other one did
                if "already exists" not in str(exc) and "duplicate key" not in str(exc):
                    raise
    finally:
        raw.close()


def _next_from_table(day: date) -> int:
    """The day's row, incremented; SQLite holds its one write lock for the transaction anyway."""
    sequences = OrderNumberSequence.objects.filter(day=day)
    if not sequences.update(last=F("last") + 1):
        try:
            with transaction.atomic():
                OrderNumberSequence.objects.create(day=day, last=highest_stored(day) + 1)
        except IntegrityError:  # another transaction created the day's row first
            sequences.update(last=F("last") + 1)
    return int(sequences.values_list("last", flat=True).get())
