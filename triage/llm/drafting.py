"""Order drafting by the LLM: the request (masked text, the classifier's category candidates) and the
validation of the answer. Pure: the service sends the messages through the client and applies the result.

The LLM may only choose a category among the candidates it was given and a request type among the six;
an answer that is not valid JSON or breaks these rules gets one repair attempt, then it is rejected and the
classical triage stands."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jsonschema

from triage.llm.answers import parse_answer
from triage.llm.prompts import Prompt, repair_messages

__all__ = [
    "DRAFT_SCHEMA",
    "CategoryOption",
    "DraftRequest",
    "OrderDraft",
    "check_draft",
    "draft_messages",
    "draft_output_schema",
    "repair_messages",
    "validate_draft",
]

REQUEST_TYPES = {
    "complaint": "投诉",
    "report": "举报",
    "help": "求助",
    "consult": "咨询",
    "suggestion": "建议",
    "praise": "表扬",
}
TITLE_LIMIT = 30

DRAFT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["title", "summary", "request_type", "category_id"],
    "properties": {
        "title": {"type": "string", "minLength": 2, "maxLength": 60},
        "summary": {
            "type": "object",
            "required": ["content"],
            "properties": {
                "appellant": {"type": "string", "maxLength": 60},
                "location": {"type": "string", "maxLength": 120},
                "content": {"type": "string", "minLength": 2, "maxLength": 400},
                "purpose": {"type": "string", "maxLength": 200},
            },
        },
        "request_type": {"enum": sorted(REQUEST_TYPES)},
        "category_id": {"type": "integer"},
    },
}


@dataclass(frozen=True)
class CategoryOption:
    id: int
    path: str  # 城乡建设 / 城市建设和市政管理 / 小区管理
    confidence: float


@dataclass(frozen=True)
class DraftRequest:
    text: str  # masked
    options: tuple[CategoryOption, ...]
    places: tuple[str, ...] = ()


@dataclass(frozen=True)
class OrderDraft:
    title: str
    appellant: str
    location: str
    content: str
    purpose: str
    request_type: str
    category_id: int

    def summary_text(self) -> str:
        parts = (
            ("诉求人", self.appellant),
            ("诉求地点", self.location),
            ("诉求内容", self.content),
            ("诉求目的", self.purpose),
        )
        return "\n".join(f"{label}：{value}" for label, value in parts if value)


def draft_messages(prompt: Prompt, request: DraftRequest) -> list[dict[str, str]]:
    options = "\n".join(f"  - {option.id}：{option.path}" for option in request.options)
    user = prompt.render(
        "user",
        text=request.text,
        places="、".join(request.places) or "无",
        request_types="、".join(f"{code}（{label}）" for code, label in REQUEST_TYPES.items()),
        options=options,
    )
    return [{"role": "system", "content": prompt.system}, {"role": "user", "content": user}]


def draft_output_schema(request: DraftRequest) -> dict[str, Any]:
    """The draft's schema as sent to the endpoint for structured output: every property required and nothing
    else allowed (what strict mode asks), and the category limited to this order's candidates, so a server that
    enforces the schema can only write a draft that passes ``validate_draft``."""
    summary = DRAFT_SCHEMA["properties"]["summary"]
    return {
        **DRAFT_SCHEMA,
        "additionalProperties": False,
        "properties": {
            **DRAFT_SCHEMA["properties"],
            "summary": {
                **summary,
                "required": list(summary["properties"]),
                "additionalProperties": False,
            },
            "category_id": {"type": "integer", "enum": [option.id for option in request.options]},
        },
    }


def check_draft(content: str, request: DraftRequest) -> tuple[OrderDraft | None, list[str]]:
    """An answer's draft, or None and what is wrong with it (parsing, then the rules of ``validate_draft``)."""
    data, errors = parse_answer(content)
    return validate_draft(data, request) if not errors else (None, errors)


def validate_draft(data: Any, request: DraftRequest) -> tuple[OrderDraft | None, list[str]]:
    """The draft, or None and what is wrong with it (in the words the repair prompt sends back)."""
    if not isinstance(data, dict):
        return None, ["回答必须是一个JSON对象"]
    validator = jsonschema.Draft202012Validator(DRAFT_SCHEMA)
    errors = [f"{'/'.join(map(str, e.absolute_path)) or '(根)'}: {e.message}" for e in validator.iter_errors(data)]
    if errors:
        return None, errors
    allowed = {option.id for option in request.options}
    if data["category_id"] not in allowed:
        return None, [f"category_id {data['category_id']} 不在候选中，只能选择：{', '.join(map(str, sorted(allowed)))}"]
    summary = data["summary"]
    title = data["title"].strip()
    if len(title) > TITLE_LIMIT:
        title = title[:TITLE_LIMIT]
    return (
        OrderDraft(
            title=title,
            appellant=str(summary.get("appellant") or "").strip(),
            location=str(summary.get("location") or "").strip(),
            content=summary["content"].strip(),
            purpose=str(summary.get("purpose") or "").strip(),
            request_type=data["request_type"],
            category_id=int(data["category_id"]),
        ),
        [],
    )
