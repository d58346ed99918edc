"""Import knowledge-base articles from Markdown and CSV files (and the past replies of the shared data)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from knowledge.documents import read_csv, read_markdown, replies_articles
from knowledge.index import rebuild_now
from knowledge.services import knowledge_import


class Command(BaseCommand):
    help = (
        "Import articles: .md files (one article per # or ## heading; 类型:/标签: lines; 问：/答： pairs make FAQs) and "
        ".csv files (title, body, optional kind, tags, question). --replies imports the shared data's past replies."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", type=Path)
        parser.add_argument("--replies", action="store_true", help="Import teddy2020c/replies.csv as past replies.")

    def handle(self, *args: Any, files: list[Path], replies: bool, **options: Any) -> None:
        drafts = []
        try:
            for path in files:
                if not path.is_file():
                    raise CommandError(f"{path}: no such file")
                if path.suffix.lower() in {".md", ".markdown"}:
                    drafts += read_markdown(path.read_text(encoding="utf-8"), source=path.name)
                elif path.suffix.lower() == ".csv":
                    drafts += read_csv(path, source=path.name)
                else:
                    raise CommandError(f"{path}: only .md and .csv files can be imported")
            if replies:
                drafts += replies_articles(settings.HOTLINE["DATASETS_DIR"] / "teddy2020c" / "replies.csv")
        except (ValueError, UnicodeDecodeError) as error:
            raise CommandError(str(error)) from None
        if not drafts:
            raise CommandError("nothing to import: give .md or .csv files, or --replies")
        outcome = knowledge_import(drafts=drafts)
        started = time.monotonic()
        index = rebuild_now()  # the running site picks the saved index up within seconds
        self.stdout.write(
            self.style.SUCCESS(
                f"{outcome.created} articles created, {outcome.updated} updated, {outcome.unchanged} unchanged; "
                f"search index of {len(index)} passages ready in {time.monotonic() - started:.1f} s"
            )
        )
