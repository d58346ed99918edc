"""Load a year's holidays and make-up working days (the State Council's notice) from a CSV file of
``date,kind,name`` rows (kind: holiday or workday), as workorders/data/holidays_cn.csv is written:

    python manage.py load_holidays holidays_2027.csv

Rows for days already in the calendar are updated; the admin's 节假日日历 edits the same rows one by one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from workorders.errors import InvalidInput
from workorders.holiday_calendar import holiday_calendar_status
from workorders.reference import holiday_calendar_import, read_holiday_csv


class Command(BaseCommand):
    help = "Load holidays and make-up working days from a CSV file (date,kind,name)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv", type=Path, help="date,kind,name rows; kind is holiday or workday")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["csv"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            count = holiday_calendar_import(rows=read_holiday_csv(path))
        except InvalidInput as exc:
            raise CommandError(exc.message) from exc
        status = holiday_calendar_status()
        end = status.covered_through.isoformat() if status.covered_through else "nothing"
        self.stdout.write(f"{count} days loaded; the calendar now covers through {end}")
