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


MAX_DEPTH = 32  # no request of the API nests deeper than a few levels; a deeper one is refused, not parsed


def find_forbidden_character(value: Any, path: str = "") -> str | None:
    """The JSON path of the first string (value or key) holding a control character or lone surrogate, or None."""
    if isinstance(value, str):
        return path or "(body)" if _FORBIDDEN.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            if _FORBIDDEN.search(key):
                return _FORBIDDEN.sub("?", here)  # the key itself, its bad character shown as ?
            found = find_forbidden_character(item, here)
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
        if text.count("[") + text.count("{") > MAX_DEPTH and _nesting(text) > MAX_DEPTH:
            raise ParseError(
                _("The request body nests objects or lists more than %(depth)s levels deep.") % {"depth": MAX_DEPTH}
            )
        try:
            data = json.loads(text, parse_constant=_refuse_constant)
        except json.JSONDecodeError as exc:
            raise ParseError(
                _("The request body is not valid JSON: %(error)s (line %(line)s, column %(col)s).")
                % {"error": exc.msg, "line": exc.lineno, "col": exc.colno}
            ) from None
        where = find_forbidden_character(data)
        if where:
            raise ParseError(_("Field “%(field)s” contains control characters or invalid Unicode.") % {"field": where})
        return data


def _refuse_constant(name: str) -> Any:
    """NaN, Infinity and -Infinity are not JSON (Python's parser accepts them; PostgreSQL's jsonb does not)."""
    raise ParseError(_("The request body holds %(value)s, which is not a JSON number.") % {"value": name})


def _nesting(text: str) -> int:
    """How deep the brackets of a JSON text nest (those inside strings skipped): checked before parsing, so that
    a body nested thousands deep is refused in linear time instead of exhausting the parser's recursion."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest
