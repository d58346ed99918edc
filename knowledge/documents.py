"""Articles for the knowledge base, read from the files a city already has.

- Markdown: one article per level-1 or level-2 heading, with optional front matter lines at the top of the
  section (``类型: 政策``, ``标签: 公积金, 提取``, ``日期: 2026-03-01``) and ``问：…`` / ``答：…`` pairs for FAQs.
- CSV: one article per row (``title``, ``body``, optional ``kind``, ``tags``, ``question``, ``date``; Chinese
  column names are accepted too).
- The seed: past government replies to citizens' messages (teddy2020c ``replies.csv``).

Bad input raises ``ValueError`` with a message that names the file, section or row and what is wrong.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from triage.privacy import mask_pii

KINDS = ("policy", "faq", "procedure", "reply")

# What an administrator may write for a kind, in either language.
_KIND_NAMES = {
    "policy": "policy",
    "政策": "policy",
    "政策法规": "policy",
    "法规": "policy",
    "faq": "faq",
    "问答": "faq",
    "常见问题": "faq",
    "procedure": "procedure",
    "流程": "procedure",
    "办事流程": "procedure",
    "办事指南": "procedure",
    "指南": "procedure",
    "reply": "reply",
    "答复": "reply",
    "回复": "reply",
    "往期答复": "reply",
}


@dataclass(frozen=True)
class ArticleDraft:
    """An article to be stored, from an import."""

    title: str
    body: str
    kind: str  # one of KINDS
    source: str = ""  # e.g. the file name, "replies.csv"
    source_ref: str = ""  # where in the source: the heading, the row, the message id
    tags: tuple[str, ...] = ()
    question: str = ""  # for replies and FAQs: the question the body answers (searchable too)
    dated: date | None = None  # when it was published or, for a past case, replied to


def for_storage(draft: ArticleDraft) -> ArticleDraft:
    """The article as the knowledge base keeps it: a past case (a citizen's message and the reply to it) with
    its personal data masked, as every role and the LLM may read it; the centre's own policies, FAQs and
    procedures as written (their office phone numbers are for citizens to call)."""
    if draft.kind != "reply":
        return draft
    return replace(
        draft,
        title=mask_pii(draft.title).text,
        question=mask_pii(draft.question).text,
        body=mask_pii(draft.body).text,
    )


def parse_date(value: str) -> date | None:
    """A date written 2019-05-12, 2019/5/12 or 2019-05-12 10:30:00 (the time is dropped); None if blank or
    not a date."""
    value = (value or "").strip()
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d", "%Y/%m/%d", "%Y/%m/%d %H:%M"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def kind_of(value: str) -> str:
    """The kind code for a kind written as ``policy``/``政策``/``FAQ``/``问答`` …; ValueError if unknown."""
    kind = _KIND_NAMES.get(value.strip().lower())
    if kind is None:
        known = "policy/faq/procedure/reply (政策/问答/流程/答复)"
        raise ValueError(f"unknown kind {value.strip()!r}: use one of {known}")
    return kind


def split_tags(value: str) -> tuple[str, ...]:
    """Tags from ``公积金, 提取`` or ``公积金，提取、租房``: trimmed, blanks and repeats dropped, order kept."""
    return tuple(dict.fromkeys(t.strip() for t in re.split(r"[,，、;；]", value) if t.strip()))


def tidy(text: str) -> str:
    """Lines stripped, runs of spaces (also full-width ones) cut to one, blank lines dropped."""
    lines = (re.sub(r"[ \t\u3000\xa0]+", " ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _where(source: str) -> str:
    return f"{source}: " if source else ""


# --- Markdown ------------------------------------------------------------------------------------------------

_HEADING = re.compile(r"^(#{1,2})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_FRONT_MATTER = re.compile(r"^\s*(类型|kind|type|标签|tags?|日期|date)\s*[:：]\s*(.*?)\s*$", re.IGNORECASE)
_QUESTION = re.compile(r"^\s*(?:问|Q)\s*[:：]\s*", re.IGNORECASE)
_ANSWER = re.compile(r"^\s*(?:答|A)\s*[:：]\s*", re.IGNORECASE)


@dataclass
class _Section:
    title: str
    line: int
    lines: list[str]


def _sections(text: str) -> Iterator[_Section]:
    """The level-1 and level-2 sections; headings inside fenced code blocks do not count."""
    section: _Section | None = None
    fenced = False
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        if _FENCE.match(line):
            fenced = not fenced
        heading = None if fenced else _HEADING.match(line)
        if heading:
            if section is not None:
                yield section
            section = _Section(heading.group(2).strip(), number, [])
        elif section is not None:
            section.lines.append(line)
    if section is not None:
        yield section


def _front_matter(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    """The ``key: value`` lines at the top of a section (blank lines before them allowed), and the rest."""
    found: dict[str, str] = {}
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        match = _FRONT_MATTER.match(line)
        if not match:
            return found, lines[index:]
        key = match.group(1).lower()
        field = "kind" if key in ("类型", "kind", "type") else "dated" if key in ("日期", "date") else "tags"
        found[field] = match.group(2)
    return found, []


def _qa_pairs(lines: list[str], where: str) -> tuple[list[str], list[tuple[str, str]]]:
    """(the lines before the first question, [(question, answer), …]); answers may run over several lines."""
    before: list[str] = []
    pairs: list[tuple[list[str], list[str]]] = []
    answering = False
    for line in lines:
        if _QUESTION.match(line):
            pairs.append(([_QUESTION.sub("", line, count=1)], []))
            answering = False
        elif pairs and not answering and _ANSWER.match(line):
            pairs[-1][1].append(_ANSWER.sub("", line, count=1))
            answering = True
        elif pairs:
            pairs[-1][1 if answering else 0].append(line)
        else:
            before.append(line)
    result = []
    for question_lines, answer_lines in pairs:
        question, answer = tidy("\n".join(question_lines)), tidy("\n".join(answer_lines))
        if not answer:
            raise ValueError(f"{where}the question {question[:40]!r} has no answer (a line starting 答：)")
        result.append((question, answer))
    return before, result


def read_markdown(text: str, *, source: str = "", kind: str = "policy") -> list[ArticleDraft]:
    """One article per ``# 标题`` or ``## 标题`` section with a body; ``kind`` is the default kind.

    Front matter at the top of a section sets the kind and the tags. A section with ``问：…``/``答：…`` pairs
    gives one FAQ per pair (titled by the heading when there is one pair, by the question otherwise); text
    before the first question stays an article of its own. Deeper headings (``###``) stay in the body.
    A heading with nothing under it (a document title above its level-2 sections) gives no article."""
    default_kind = kind_of(kind)
    drafts: list[ArticleDraft] = []
    refs: dict[str, int] = {}

    def unique_ref(title: str) -> str:
        refs[title] = refs.get(title, 0) + 1
        return title if refs[title] == 1 else f"{title}#{refs[title]}"

    for section in _sections(text):
        where = f"{_where(source)}line {section.line} ({section.title}): "
        meta, lines = _front_matter(section.lines)
        try:
            section_kind = kind_of(meta["kind"]) if meta.get("kind") else None
        except ValueError as error:
            raise ValueError(f"{where}{error}") from None
        tags = split_tags(meta.get("tags", ""))
        dated = parse_date(meta.get("dated", ""))
        if meta.get("dated") and dated is None:
            raise ValueError(f"{where}the date {meta['dated']!r} is not a date (write 2026-03-01)")
        before, pairs = _qa_pairs(lines, where)
        intro = tidy("\n".join(before))
        if intro:
            drafts.append(
                ArticleDraft(
                    title=section.title,
                    body=intro,
                    kind=section_kind or default_kind,
                    source=source,
                    source_ref=unique_ref(section.title),
                    tags=tags,
                    dated=dated,
                )
            )
        for question, answer in pairs:
            title = section.title if len(pairs) == 1 else question
            drafts.append(
                ArticleDraft(
                    title=title,
                    body=answer,
                    kind=section_kind or "faq",
                    source=source,
                    source_ref=unique_ref(title),
                    tags=tags,
                    question=question,
                    dated=dated,
                )
            )
    return drafts


# --- CSV -----------------------------------------------------------------------------------------------------

# Each field and the column names it may come from, first match wins.
_COLUMNS = {
    "title": ("title", "标题"),
    "body": ("body", "content", "answer", "正文", "内容", "答案", "答复"),
    "kind": ("kind", "type", "类型"),
    "tags": ("tags", "标签"),
    "question": ("question", "问题"),
    "ref": ("id", "source_ref", "编号"),
    "dated": ("date", "dated", "日期", "发布日期"),
}


def _is_file(name: str) -> bool:
    try:
        return Path(name).is_file()
    except (OSError, ValueError):  # too long for a file name, or a NUL in it: not a file name
        return False


def _csv_text(path_or_text: str | Path) -> tuple[str, str]:
    """(the CSV text, a source name): a Path is a file; a str with a line break is CSV text, else a file name."""
    if isinstance(path_or_text, str) and ("\n" in path_or_text or not _is_file(path_or_text)):
        return path_or_text, ""
    path = Path(path_or_text)
    try:
        return path.read_text(encoding="utf-8-sig"), path.name
    except FileNotFoundError:
        raise ValueError(f"{path}: no such file") from None
    except UnicodeDecodeError as error:
        raise ValueError(f"{path}: not UTF-8 text (byte {error.start})") from None


def read_csv(path_or_text: str | Path, *, source: str = "") -> list[ArticleDraft]:
    """One article per row of a CSV with ``title`` and ``body`` (or ``content``/``answer``) columns and
    optionally ``kind`` (default policy, or faq when the row has a question), ``tags`` (comma-separated),
    ``question`` and ``id``. Rows that are entirely blank are skipped; a row without a body, or without a
    title and a question, or with an unknown kind is an error naming its line."""
    text, file_name = _csv_text(path_or_text)
    source = source or file_name
    where = _where(source)
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    header = [name.strip() for name in reader.fieldnames or []]
    lowered = {name.lower(): original for name, original in zip(header, reader.fieldnames or [], strict=True)}
    column: dict[str, str] = {}
    for field, names in _COLUMNS.items():
        found = next((lowered[n] for n in names if n in lowered), None)
        if found is not None:
            column[field] = found
    for field in ("title", "body"):
        if field not in column:
            accepted = " or ".join(repr(n) for n in _COLUMNS[field])
            has = ", ".join(header) or "none"
            raise ValueError(f"{where}missing column {field!r} (named {accepted}); the columns are: {has}")

    def cell(row: dict[str, str | None], field: str) -> str:
        return (row.get(column[field]) or "").strip() if field in column else ""

    drafts = []
    for row in reader:
        line = reader.line_num
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue
        title, body, question = cell(row, "title"), tidy(cell(row, "body")), tidy(cell(row, "question"))
        if not body:
            raise ValueError(f"{where}row at line {line}: the {column['body']!r} column is empty")
        if not title and not question:
            raise ValueError(f"{where}row at line {line}: the {column['title']!r} column is empty")
        try:
            kind = kind_of(cell(row, "kind")) if cell(row, "kind") else ("faq" if question else "policy")
        except ValueError as error:
            raise ValueError(f"{where}row at line {line}: {error}") from None
        dated = parse_date(cell(row, "dated"))
        if cell(row, "dated") and dated is None:
            raise ValueError(f"{where}row at line {line}: {cell(row, 'dated')!r} is not a date (write 2026-03-01)")
        drafts.append(
            ArticleDraft(
                title=title or question.split("\n")[0][:80],
                body=body,
                kind=kind,
                source=source,
                source_ref=cell(row, "ref") or str(line),
                tags=split_tags(cell(row, "tags")),
                question=question,
                dated=dated,
            )
        )
    return drafts


# --- the seed: past replies ----------------------------------------------------------------------------------


def clean_message_text(text: str) -> str:
    """The teddy2020c placeholders and stray whitespace removed."""
    return tidy(text.replace("[政府发文]", ""))


def _reply_rows(path: Path) -> Iterable[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            yield from csv.DictReader(handle)
    except FileNotFoundError:
        raise ValueError(f"{path}: no such file") from None


def replies_articles(replies_csv: Path) -> list[ArticleDraft]:
    """The past government replies as articles: title = the message's title, question = its title and detail,
    body = the reply, source_ref = the message id.

    A row repeating an earlier row's message and reply exactly (after cleaning) is dropped; a re-posted
    message with another reply, or one reply given to several messages, stays, as each pair is a case an
    operator may look for. Rows without a reply are skipped."""
    drafts = []
    seen: set[tuple[str, str, str]] = set()
    for row in _reply_rows(replies_csv):
        title = clean_message_text(row.get("title") or "")
        detail = clean_message_text(row.get("detail") or "")
        reply = clean_message_text(row.get("reply") or "")
        if not reply or (title, detail, reply) in seen:
            continue
        seen.add((title, detail, reply))
        drafts.append(
            ArticleDraft(
                title=title or detail[:40],
                body=reply,
                kind="reply",
                source="replies.csv",
                source_ref=(row.get("message_id") or "").strip(),
                question="\n".join(part for part in (title, detail) if part),
                dated=parse_date(row.get("replied_at") or "") or parse_date(row.get("posted_at") or ""),
            )
        )
    return drafts
