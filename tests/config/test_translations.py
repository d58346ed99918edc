"""The interface is in Simplified Chinese: every message has a translation and the compiled catalogue matches."""

from __future__ import annotations

import gettext
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES"


def catalogue_entries() -> list[polib.POEntry]:
    return [entry for entry in polib.pofile(str(LOCALE / "django.po")) if not entry.obsolete]


def translation_of(entry: polib.POEntry) -> str:
    """The entry's translation (the first form of a plural one)."""
    return entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr


def test_every_message_is_translated_and_none_is_fuzzy() -> None:
    entries = catalogue_entries()
    assert len(entries) > 300
    assert [entry.msgid for entry in entries if not translation_of(entry)] == []
    assert [entry.msgid for entry in entries if "fuzzy" in entry.flags] == []


def test_the_compiled_catalogue_matches_the_po_file() -> None:
    with (LOCALE / "django.mo").open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)

    def compiled(entry: polib.POEntry) -> str:
        if entry.msgid_plural:
            return catalogue.ngettext(entry.msgid, entry.msgid_plural, 1)
        if entry.msgctxt:
            return catalogue.pgettext(entry.msgctxt, entry.msgid)
        return catalogue.gettext(entry.msgid)

    stale = [entry.msgid for entry in catalogue_entries() if compiled(entry) != translation_of(entry)]
    assert stale == [], "run `make messages` to recompile locale/zh_Hans/LC_MESSAGES/django.mo"
