"""Print docs/glossary.md: every coded value the system stores, with its interface label (`make glossary`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import models
from django.utils import translation

from accounts.models import Role
from analytics.models import HotspotStatus
from hotline.models import ModelStatus, SubmissionStatus
from workorders import choices

HEADER = """# Glossary of the code's vocabularies

The domain words are explained in the README's glossary. This page lists every coded value the system
stores, with the label the interface shows (from `locale/zh_Hans`). It is generated from the code
(`make glossary`); `tests/config/test_glossary.py` checks that it is up to date.
"""


def vocabularies() -> list[tuple[str, type[models.TextChoices]]]:
    found = [
        (f"`{name}`", value)
        for name, value in vars(choices).items()
        if isinstance(value, type) and issubclass(value, models.TextChoices) and value is not models.TextChoices
    ]
    return [
        *found,
        ("`Role` (accounts)", Role),
        ("`SubmissionStatus` (hotline)", SubmissionStatus),
        ("`ModelStatus` (hotline)", ModelStatus),
        ("`HotspotStatus` (analytics)", HotspotStatus),
    ]


def glossary() -> str:
    lines = [HEADER]
    for title, vocabulary in vocabularies():
        lines += [f"## {title}", "", "| code | 界面 | English |", "|---|---|---|"]
        for member in vocabulary:
            with translation.override("zh-hans"):
                chinese = str(member.label)
            with translation.override("en"):
                english = str(member.label)
            lines.append(f"| `{member.value}` | {chinese} | {english} |")
        lines.append("")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Print the glossary of coded values (Markdown)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(glossary(), ending="")
