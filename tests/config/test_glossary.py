"""docs/glossary.md names every coded value the system stores, with the label the interface shows."""

from __future__ import annotations

from pathlib import Path

from core.management.commands.glossary import glossary

GLOSSARY = Path(__file__).resolve().parents[2] / "docs" / "glossary.md"


def test_the_glossary_is_generated_from_the_current_code() -> None:
    assert GLOSSARY.read_text(encoding="utf-8") == glossary(), "run `make glossary`"
