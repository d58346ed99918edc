"""Create the demo city and replay the public messages as a year of orders. Safe to run again."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.dashboards.rollups import rollups_refresh
from analytics.hotspots.services import hotspots_detect
from core.demo.city import ensure_reference_data, ensure_users
from core.demo.dataset import read_messages
from core.demo.simulator import import_history
from knowledge.documents import replies_articles
from knowledge.index import rebuild_now
from knowledge.services import knowledge_import


class Command(BaseCommand):
    help = "Load the taxonomy, A市's areas and departments, the dispatch catalogue, demo users and historical orders."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--datasets",
            type=Path,
            default=settings.HOTLINE["DATASETS_DIR"],
            help="Folder holding teddy2020c/ (default: HOTLINE_DATASETS_DIR, ../shared/datasets).",
        )
        parser.add_argument(
            "--limit", type=int, default=None, help="Import at most this many historical orders in total."
        )
        parser.add_argument("--no-history", action="store_true", help="Reference data and users only.")

    def handle(self, *args: Any, datasets: Path, limit: int | None, no_history: bool, **options: Any) -> None:
        folder = datasets / "teddy2020c"
        if not (folder / "taxonomy.csv").is_file():
            raise CommandError(
                f"{folder} does not hold the teddy2020c data set (set HOTLINE_DATASETS_DIR or --datasets)"
            )
        started = time.monotonic()
        messages = read_messages(folder)
        created = ensure_reference_data(datasets, messages)
        logins = ensure_users()
        knowledge = knowledge_import(drafts=replies_articles(folder / "replies.csv"))
        index = rebuild_now()  # saved, so the web server loads it at start instead of building it
        self.stdout.write(
            f"Knowledge base: {knowledge.created} past replies added, {knowledge.updated} updated; "
            f"{len(index)} passages indexed"
        )
        self.stdout.write("Reference data: " + ", ".join(f"{count} new {name}" for name, count in created.items()))
        if not no_history:
            imported = import_history(messages, limit=limit, progress=self._progress)
            self.stdout.write(f"Historical orders: {imported} imported ({len(messages)} messages in the data set)")
            # The dashboards read rollups and the hotspot panel reads detected hotspots: fill both now rather
            # than after the periodic tasks' first runs, so the first start shows data.
            refresh = rollups_refresh(days=None)
            run = hotspots_detect()
            self.stdout.write(
                f"Dashboards: {refresh.days} days of counts in {refresh.seconds:.1f} s; "
                f"{run.hotspots} hotspots ({run.emerging} emerging) in the last 30 days"
            )
        self.stdout.write(self.style.SUCCESS(f"Demo data ready in {time.monotonic() - started:.0f} s. Logins:"))
        for username, password, role in logins:
            self.stdout.write(f"  {username:<12} {password:<12} {role}")

    def _progress(self, done: int, total: int) -> None:
        if done == total or done % 2000 == 0:
            self.stdout.write(f"  … {done}/{total} orders")
