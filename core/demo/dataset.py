"""The public Teddy Cup messages (../shared/datasets/teddy2020c) read once each, whatever file they are in."""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.utils import timezone


@dataclass(frozen=True)
class Message:
    """One public message, whatever file it came from."""

    source: str
    key: str
    title: str
    detail: str
    posted_at: datetime | None
    user: str
    label: str = ""
    reply: str = ""
    replied_at: datetime | None = None
    likes: int = 0

    @property
    def text(self) -> str:
        return f"{self.title}\n{self.detail}".strip() if self.title else self.detail.strip()


def _parse_time(value: str) -> datetime | None:
    value = (value or "").strip()
    for pattern in ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d"):
        try:
            return timezone.make_aware(datetime.strptime(value, pattern))
        except ValueError:
            continue
    return None


def _clean(text: str) -> str:
    return re.sub(r"[ \t\u3000]*\n[\s]*", "\n", (text or "").replace("[政府发文]", "")).strip()


def read_messages(dataset_dir: Path) -> list[Message]:
    """Every message of the data set once (re-posts and rows shared between files are dropped)."""
    messages: dict[str, Message] = {}
    seen_text: set[str] = set()

    def add(message: Message) -> None:
        fingerprint = hashlib.sha1(message.text.encode()).hexdigest()
        if message.key in messages or fingerprint in seen_text or len(message.text) < 10:
            return
        seen_text.add(fingerprint)
        messages[message.key] = message

    def rows(name: str) -> Iterator[dict[str, str]]:
        with (dataset_dir / name).open(encoding="utf-8", newline="") as handle:
            yield from csv.DictReader(handle)

    for name in ("messages_train.csv", "messages_dev.csv"):
        for row in rows(name):
            key = f"m{row['message_id']}" if row["message_id"] else f"r{row['row_idx']}"
            title, detail = _clean(row["title"]), _clean(row["detail"])
            if not detail:
                title, detail = "", _clean(row["text"])
            add(
                Message(
                    name, key, title, detail, _parse_time(row["posted_at"]), f"U{row['row_idx']}", label=row["label"]
                )
            )
    for row in rows("replies.csv"):
        add(
            Message(
                "replies.csv", f"m{row['message_id']}", _clean(row["title"]), _clean(row["detail"]),
                _parse_time(row["posted_at"]), row["user"], reply=_clean(row["reply"]),
                replied_at=_parse_time(row["replied_at"]),
            )
        )  # fmt: skip
    for row in rows("hotspot_messages.csv"):
        add(
            Message(
                "hotspot_messages.csv", f"m{row['message_id']}", _clean(row["title"]), _clean(row["detail"]),
                _parse_time(row["posted_at"]), row["user"], likes=int(row["likes"] or 0),
            )
        )  # fmt: skip
    for row in rows("messages_unlabelled.csv"):
        add(
            Message(
                "messages_unlabelled.csv", f"m{row['message_id']}", _clean(row["title"]), _clean(row["detail"]),
                _parse_time(row["posted_at"]), row["user"],
            )
        )  # fmt: skip
    return list(messages.values())
