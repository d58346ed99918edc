"""Reading an LLM's answer: the JSON object in it, however it was wrapped."""

from __future__ import annotations

import json
from typing import Any


def parse_json_object(text: str) -> dict[str, Any]:
    """The JSON object in a reply, also when wrapped in a ```json fence or surrounded by prose."""
    stripped = text.strip()
    if stripped.startswith("```"):
        stripped = stripped.strip("`")
        stripped = stripped[4:] if stripped.lower().startswith("json") else stripped
    start, end = stripped.find("{"), stripped.rfind("}")
    if start < 0 or end <= start:
        raise ValueError("no JSON object in the reply")
    value = json.loads(stripped[start : end + 1])
    if not isinstance(value, dict):
        raise ValueError("the reply is not a JSON object")
    return value


def parse_answer(content: str) -> tuple[Any, list[str]]:
    """The JSON value of an answer, or the reason it is not JSON (in the words a repair prompt sends back)."""
    try:
        return parse_json_object(content), []
    except (ValueError, json.JSONDecodeError) as error:
        return None, [f"不是合法的JSON：{error}"]
