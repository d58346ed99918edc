"""Versioned prompt files: ``prompts/<name>.v<N>.md`` with ``## system``, ``## user`` and ``## repair`` sections.

A prompt is referred to as ``name@vN`` on every field it fills, so an order shows which prompt wrote it;
changing a prompt means adding a new version file and pointing ``CURRENT`` at it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FOLDER = Path(__file__).resolve().parent / "prompts"
CURRENT = {"order_draft": 1, "knowledge_answer": 1}
_SECTION = re.compile(r"^## (system|user|repair)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Prompt:
    name: str
    version: int
    system: str
    user: str
    repair: str

    @property
    def ref(self) -> str:
        return f"{self.name}@v{self.version}"

    def render(self, section: str, **values: str) -> str:
        """A section with ``{placeholders}`` filled (other braces are left as they are)."""
        text = getattr(self, section)
        for key, value in values.items():
            text = text.replace("{" + key + "}", value)
        return text


@cache
def load_prompt(name: str, version: int | None = None) -> Prompt:
    version = version or CURRENT[name]
    path = FOLDER / f"{name}.v{version}.md"
    parts = _SECTION.split(path.read_text(encoding="utf-8"))
    sections = {parts[i]: parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}
    return Prompt(name, version, sections.get("system", ""), sections.get("user", ""), sections.get("repair", ""))


def repair_messages(
    prompt: Prompt, messages: Sequence[dict[str, str]], answer: str, errors: Sequence[str]
) -> list[dict[str, str]]:
    """The conversation once more, with the bad answer and what is wrong with it (the prompt's repair section)."""
    return [
        *messages,
        {"role": "assistant", "content": answer},
        {"role": "user", "content": prompt.render("repair", errors="\n".join(f"- {e}" for e in errors))},
    ]
