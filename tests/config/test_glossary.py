"""docs/glossary.md names every coded value the system stores, with the label the interface shows."""

from __future__ import annotations

from pathlib import Path

from django.db import models
from django.utils import translation

from accounts.models import Role
from hotline.models import SubmissionStatus
from workorders import choices

GLOSSARY = (Path(__file__).resolve().parents[2] / "docs" / "glossary.md").read_text(encoding="utf-8")
VOCABULARIES: list[type[models.TextChoices]] = [
    *(value for value in vars(choices).values() if isinstance(value, type) and issubclass(value, models.TextChoices)),
    Role,
    SubmissionStatus,
]


def test_every_coded_value_is_in_the_glossary_with_its_chinese_label() -> None:
    missing = []
    with translation.override("zh-hans"):
        for vocabulary in VOCABULARIES:
            for member in vocabulary:
                if f"| `{member.value}` | {member.label} |" not in GLOSSARY:
                    missing.append(f"{vocabulary.__name__}.{member.name}")
    assert missing == [], "update docs/glossary.md"
