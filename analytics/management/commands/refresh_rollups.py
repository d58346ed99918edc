"""Recompute the dashboards' rollup tables: the last few days (as the periodic task does) or all of them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.dashboards.rollups import DEFAULT_DAYS, rollups_refresh


class Command(BaseCommand):
    help = "Recompute the dashboards' rollups for the last N days (default 3), or from the first order with --all."

    def add_arguments(self, parser: CommandParser) -> None:
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--all", action="store_true", help="Rebuild every day since the first order (backfill).")
        scope.add_argument("--days", type=int, default=DEFAULT_DAYS, help="Recompute this many days up to today.")

    def handle(self, *args: Any, all: bool, days: int, **options: Any) -> None:
        if not all and days < 1:
            raise CommandError("--days must be at least 1")
        record = rollups_refresh(days=None if all else days)
        written = ", ".join(f"{count} {table}" for table, count in record.rows.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Rollups for {record.first_day}–{record.last_day} ({record.days} days) in {record.seconds:.2f} s: "
                f"{written}"
            )
        )
