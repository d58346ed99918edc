"""What encryption at rest costs on the hot paths (``workorders.encryption``).

The first 2,000 messages of hotspot_messages.csv are the appeals (and a submission's raw body and payload built from
them as the intake API stores them), with a caller name and phone. The fields' own conversions are timed, as
Django calls them when a row is written (``get_db_prep_value``) and read (``from_db_value``), without a database:

- an intake: the order's name, phone and appeal and the submission's name, phone, raw body and payload encrypted,
  and the phone's keyed hash;
- a list page: 50 orders' name, phone and appeal decrypted (order lists read whole rows);
- an order page: its name, phone, appeal and the field changes of 10 events decrypted;
- a rotation: one order's and its submission's values decrypted and encrypted again.

    .venv/bin/python -m bench.bench_encryption
"""

from __future__ import annotations

import csv
import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()

from django.db import connection  # noqa: E402

from bench.common import best_seconds, report, teddy  # noqa: E402
from hotline.models import Submission  # noqa: E402
from workorders.encryption import phone_hash  # noqa: E402
from workorders.models import WorkOrder, WorkOrderEvent  # noqa: E402

MESSAGES = 2000
PAGE = 50
EVENTS = 10
NAME, PHONE = "周建国", "13912345678"


def appeals() -> list[str]:
    with teddy("hotspot_messages.csv").open(encoding="utf-8", newline="") as handle:
        return [row["detail"] for _, row in zip(range(MESSAGES), csv.DictReader(handle), strict=False)]


def field(model: type, name: str):
    return model._meta.get_field(name)


def main() -> None:
    texts = appeals()
    order_name, order_phone, order_appeal = (field(WorkOrder, n) for n in ("caller_name", "caller_phone", "appeal"))
    sub_fields = [field(Submission, n) for n in ("caller_name", "caller_phone", "raw_body", "payload")]
    changes_field = field(WorkOrderEvent, "changes")
    bodies = [
        {"channel": "web", "sender_id": f"B-{n}", "content": text, "caller_name": NAME, "caller_phone": PHONE}
        for n, text in enumerate(texts)
    ]

    def intake_all() -> None:
        for text, body in zip(texts, bodies, strict=True):
            order_name.get_db_prep_value(NAME, connection)
            order_phone.get_db_prep_value(PHONE, connection)
            order_appeal.get_db_prep_value(text, connection)
            for value, sub_field in zip(
                (NAME, PHONE, json.dumps(body, ensure_ascii=False), body), sub_fields, strict=True
            ):
                sub_field.get_db_prep_value(value, connection)
            phone_hash(PHONE)

    stored = [
        (order_name.get_db_prep_value(NAME, connection), order_phone.get_db_prep_value(PHONE, connection),
         order_appeal.get_db_prep_value(text, connection))
        for text in texts
    ]  # fmt: skip
    edit = {"caller_phone": [PHONE, "15887654321"], "caller_name": [NAME, "周建民"], "address": ["", "书院路12号"]}
    raw_changes = changes_field.get_db_prep_value(edit, connection)  # on SQLite: the JSON text of the token

    def list_pages() -> None:
        for start in range(0, len(stored), PAGE):
            for name, phone, appeal in stored[start : start + PAGE]:
                order_name.from_db_value(name, None, connection)
                order_phone.from_db_value(phone, None, connection)
                order_appeal.from_db_value(appeal, None, connection)

    def order_pages() -> None:
        for name, phone, appeal in stored[:200]:
            order_name.from_db_value(name, None, connection)
            order_phone.from_db_value(phone, None, connection)
            order_appeal.from_db_value(appeal, None, connection)
            for _ in range(EVENTS):
                changes_field.from_db_value(raw_changes, None, connection)

    def rotation() -> None:
        for (name, phone, appeal), body in zip(stored, bodies, strict=True):
            for value, model_field in ((name, order_name), (phone, order_phone), (appeal, order_appeal)):
                model_field.get_db_prep_value(model_field.from_db_value(value, None, connection), connection)
            for value, sub_field in zip(
                (NAME, PHONE, json.dumps(body, ensure_ascii=False), body), sub_fields, strict=True
            ):
                sub_field.get_db_prep_value(value, connection)
            phone_hash(PHONE)

    pages = len(range(0, len(stored), PAGE))
    figures = {
        "messages": len(texts),
        "mean_appeal_chars": round(sum(map(len, texts)) / len(texts)),
        "intake_ms": round(best_seconds(intake_all, 3) / len(texts) * 1000, 3),
        "list_page_of_50_ms": round(best_seconds(list_pages, 3) / pages * 1000, 2),
        "order_page_with_10_events_ms": round(best_seconds(order_pages, 3) / 200 * 1000, 3),
        "rotation_per_order_and_submission_ms": round(best_seconds(rotation, 3) / len(texts) * 1000, 3),
        "load_average_1min": round(os.getloadavg()[0], 1),
    }
    report("encryption", figures)


if __name__ == "__main__":
    main()
