"""The interface is in Simplified Chinese: every message has a translation and the compiled catalogue matches."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES"


def read_po(path: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for each entry of a .po file; plural entries use their first form."""
    entries: list[tuple[str, str, bool]] = []
    msgid = msgstr = None
    fuzzy = next_fuzzy = False
    field = None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("#,") and "fuzzy" in line:
            next_fuzzy = True
        elif line.startswith("msgid "):
            if msgid is not None:
                entries.append((msgid, msgstr or "", fuzzy))
            msgid, msgstr, field, fuzzy, next_fuzzy = ast.literal_eval(line[6:]), None, "id", next_fuzzy, False
        elif line.startswith("msgid_plural "):
            field = "plural"
        elif line.startswith(("msgstr ", "msgstr[0] ")):
            msgstr, field = ast.literal_eval(line.split(" ", 1)[1]), "str"
        elif line.startswith("msgstr["):
            field = "other"
        elif line.startswith('"'):
            if field == "id":
                msgid += ast.literal_eval(line)
            elif field == "str":
                msgstr += ast.literal_eval(line)
    if msgid is not None:
        entries.append((msgid, msgstr or "", fuzzy))
    return [entry for entry in entries if entry[0]]  # drop the header


def test_every_message_is_translated_and_none_is_fuzzy() -> None:
    entries = read_po(LOCALE / "django.po")
    assert len(entries) > 300
    assert [msgid for msgid, msgstr, _fuzzy in entries if not msgstr] == []
    assert [msgid for msgid, _msgstr, fuzzy in entries if fuzzy] == []


def test_the_compiled_catalogue_matches_the_po_file() -> None:
    with (LOCALE / "django.mo").open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    stale = [msgid for msgid, msgstr, _fuzzy in read_po(LOCALE / "django.po") if catalogue.gettext(msgid) != msgstr]
    assert stale == [], "run `make messages` to recompile locale/zh_Hans/LC_MESSAGES/django.mo"
