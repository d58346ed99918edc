"""A JSON parser that refuses bodies which are not clean UTF-8 text, with a message saying what is wrong."""

from __future__ import annotations

import json
import re
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# Control characters other than tab/newline/carriage return, and lone surrogates: PostgreSQL cannot
# store NUL, and neither belongs in a citizen's message.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def find_forbidden_character(value: Any, path: str = "") -> str | None:
    """The JSON path of the first string holding a control character or lone surrogate, or None."""
    if isinstance(value, str):
        return path or "(body)" if _FORBIDDEN.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = find_forbidden_character(item, f"{path}.{key}" if path else str(key))
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = find_forbidden_character(item, f"{path}[{index}]")
            if found:
                return found
    return None


class StrictJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict[str, Any] | None = None) -> Any:
        raw = stream.read() if stream is not None else b""
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ParseError(
                _("The request body is not valid UTF-8 (invalid byte at position %(pos)s); send JSON encoded as UTF-8.")
                % {"pos": exc.start}
            ) from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ParseError(
                _("The request body is not valid JSON: %(error)s (line %(line)s, column %(col)s).")
                % {"error": exc.msg, "line": exc.lineno, "col": exc.colno}
            ) from None
        where = find_forbidden_character(data)
        if where:
            raise ParseError(_("Field “%(field)s” contains control characters or invalid Unicode.") % {"field": where})
        return data
