"""Serve the site with waitress; without a broker, also run the periodic tasks in-process. The static files are
collected first when they changed (core.staticfiles)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Start the web server (waitress). With no CELERY_BROKER_URL, periodic tasks run in this process."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args: Any, host: str, port: int, threads: int, **options: Any) -> None:
        from waitress import serve

        from config.scheduler import InProcessScheduler
        from core.staticfiles import collect_static_if_stale
        from knowledge.index import warm_at_start

        warm_at_start()  # the saved knowledge index loaded now (or built in the background), not in a request
        # hashed, compressed static files (core.staticfiles), collected again when any changed; before the
        # application loads, so that WhiteNoise finds them
        if collect_static_if_stale():
            self.stdout.write(f"Static files collected into {settings.STATIC_ROOT} (hashed names, gzip copies).")
        from config.wsgi import application

        if settings.CELERY_TASK_ALWAYS_EAGER:
            InProcessScheduler().start()
            mode = "tasks run in-process"
        else:
            mode = (
                f"tasks go to the broker at {settings.CELERY_BROKER_URL.split('@')[-1]}; run a celery worker and beat"
            )
        self.stdout.write(
            self.style.SUCCESS(f"Hotline is running at http://{host}:{port}/ ({mode}). API docs: /api/docs/")
        )
        serve(application, host=host, port=port, threads=threads, ident="hotline")
