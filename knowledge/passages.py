"""Articles cut into passages: the unit that is searched, shown to the operator and cited in an answer.

A passage is a run of whole sentences of one paragraph or several, at most ``max_chars`` long. Only a
sentence longer than that is cut, at a comma if it has one, else at the limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A sentence ends at 。！？；… (or ! ? ; and a full stop before a space), with any closing quotes after it.
_SENTENCE = re.compile(r".+?(?:(?:[。！？!?；;…]+|\.(?=\s))[”’\"'」』》）)\]】]*|$)")
_CLAUSE = re.compile(r".+?(?:[，,、：:]+|$)")


@dataclass(frozen=True)
class Passage:
    key: str  # unique: f"{article_key}:{position}"
    article_key: str
    position: int  # 0, 1, 2 … in the order of the article
    text: str


def sentences(line: str) -> list[str]:
    """The sentences of one line of text, each with its end mark; they join back into the line."""
    return [s for s in _SENTENCE.findall(line) if s]


def _pieces(sentence: str, max_chars: int) -> list[str]:
    """A sentence longer than max_chars cut at its commas, and a clause still too long cut at the limit."""
    if len(sentence) <= max_chars:
        return [sentence]
    pieces: list[str] = []
    current = ""
    for clause in _CLAUSE.findall(sentence):
        while len(clause) > max_chars:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(clause[:max_chars])
            clause = clause[max_chars:]
        if len(current) + len(clause) > max_chars:
            pieces.append(current)
            current = ""
        current += clause
    if current:
        pieces.append(current)
    return pieces


def split_passages(article_key: str, title: str, body: str, *, max_chars: int = 300) -> list[Passage]:
    """The body as passages of whole sentences, at most max_chars each (a line break counts as one char).

    The title is not repeated in the passages (the index weighs it in for every passage of the article);
    it is the one passage of an article without a body. Nothing at all gives no passage."""
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, not {max_chars}")
    # Each unit is (text, starts a new paragraph).
    units: list[tuple[str, bool]] = []
    for line in body.splitlines():
        line = line.strip()
        for number, sentence in enumerate(sentences(line)):
            units.extend(
                (piece, number == 0 and index == 0) for index, piece in enumerate(_pieces(sentence, max_chars))
            )
    if not units and title.strip():
        units = [(piece, False) for piece in _pieces(title.strip(), max_chars)]
    texts: list[str] = []
    current = ""
    for text, new_paragraph in units:
        joined = f"{current}\n{text}" if current and new_paragraph else current + text
        if current and len(joined) > max_chars:
            texts.append(current)
            joined = text
        current = joined
    if current:
        texts.append(current)
    return [
        Passage(key=f"{article_key}:{position}", article_key=article_key, position=position, text=text.strip())
        for position, text in enumerate(texts)
    ]
