"""Run hotspot detection over the last 30 days now (the periodic task does it every hour)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from analytics.hotspots.services import hotspots_detect


class Command(BaseCommand):
    help = "Detect hotspots among the orders of the last N days (default 30) and store them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args: Any, days: int, **options: Any) -> None:
        run = hotspots_detect(window_days=days)
        self.stdout.write(
            f"{run.orders} orders, {run.hotspots} hotspots ({run.emerging} newly emerging) in {run.seconds:.1f} s, "
            f"peak memory {run.peak_memory_mb:.0f} MB"
        )
