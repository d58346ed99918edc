"""Knowledge answers by the LLM: the question and the retrieved passages in, a short answer with citations
out. A citation must name one of the passages given; an answer that cites none is shown as unsupported."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import jsonschema

from triage.llm.answers import parse_answer
from triage.llm.prompts import Prompt

ANSWER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["answer", "citations"],
    "properties": {
        "answer": {"type": "string", "minLength": 1, "maxLength": 600},
        "citations": {"type": "array", "items": {"type": "string"}, "maxItems": 10},
    },
}


@dataclass(frozen=True)
class SourcePassage:
    key: str  # "article:position"
    title: str
    text: str


@dataclass(frozen=True)
class KnowledgeAnswer:
    text: str
    citations: tuple[str, ...]

    @property
    def supported(self) -> bool:
        return bool(self.citations)


def answer_messages(prompt: Prompt, question: str, passages: Sequence[SourcePassage]) -> list[dict[str, str]]:
    listed = "\n".join(f"[{p.key}] 《{p.title}》{p.text}" for p in passages)
    user = prompt.render("user", question=question, passages=listed or "（无）")
    return [{"role": "system", "content": prompt.system}, {"role": "user", "content": user}]


def validate_answer(data: Any, passages: Sequence[SourcePassage]) -> tuple[KnowledgeAnswer | None, list[str]]:
    if not isinstance(data, dict):
        return None, ["回答必须是一个JSON对象"]
    errors = [
        f"{'/'.join(map(str, e.absolute_path)) or '(根)'}: {e.message}"
        for e in jsonschema.Draft202012Validator(ANSWER_SCHEMA).iter_errors(data)
    ]
    if errors:
        return None, errors
    known = {p.key for p in passages}
    unknown = [c for c in data["citations"] if c not in known]
    if unknown:
        return None, [f"引用了不存在的资料编号：{', '.join(unknown)}；只能引用：{', '.join(sorted(known))}"]
    return KnowledgeAnswer(data["answer"].strip(), tuple(dict.fromkeys(data["citations"]))), []


def answer_output_schema(passages: Sequence[SourcePassage]) -> dict[str, Any]:
    """The answer's schema as sent for structured output: citations limited to the passages given."""
    keys = [p.key for p in passages]
    items: dict[str, Any] = {"type": "string", "enum": keys} if keys else {"type": "string"}
    return {
        **ANSWER_SCHEMA,
        "additionalProperties": False,
        "properties": {
            **ANSWER_SCHEMA["properties"],
            "citations": {**ANSWER_SCHEMA["properties"]["citations"], "items": items},
        },
    }


def check_answer(content: str, passages: Sequence[SourcePassage]) -> tuple[KnowledgeAnswer | None, list[str]]:
    """An answer's text and citations, or None and what is wrong with it."""
    data, errors = parse_answer(content)
    return validate_answer(data, passages) if not errors else (None, errors)
