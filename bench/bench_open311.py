"""The Open311 requests list at its default size: GET /open311/v2/requests.{json,xml} answering 1,000 requests.

    .venv/bin/python -m bench.bench_open311 [--orders 1000] [--repeats 10]

A fresh SQLite database (migrated, in a temporary folder) gets a small city (one category, one department) and
``--orders`` orders created through the services from the Teddy Cup messages (../shared/datasets/teddy2020c),
each with its masked appeal as triage leaves it, a third dispatched to the department, with caller names and
phones. Then the list is requested with Django's test Client (middleware, view, queries, masking, rendering; no
network): one warm-up request, ``--repeats`` timed ones; p50 and p95 in ms, the number of SQL queries and the body
size. Every request is masked for the public (the work per order is the masking of its texts), so the figure grows
with the page size, not with the database: a client reading less asks for a smaller ``page_size``."""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import report, teddy


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-open311-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'db.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Role, User
    from triage.datasets import model_text
    from workorders import services
    from workorders.models import Category, Department, WorkOrder

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    category = Category.objects.create(name="城市公共设施", level=1)
    department = Department.objects.create(name="市住房和城乡建设局", code="ZJJ", kind="functional_bureau")
    operator = User.objects.create(username="bench-operator", role=Role.OPERATOR)
    with teddy("messages_train.csv").open(encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle) if row["text"].strip()][: args.orders]
    started = time.perf_counter()
    for n, appeal in enumerate(texts):
        order = services.workorder_create_draft(
            appeal=appeal[:2000], title=appeal[:20], caller_name="张先生", caller_phone=f"138{n:08d}"
        )
        WorkOrder.objects.filter(pk=order.pk).update(appeal_masked=model_text(order.appeal), category=category)
        if n % 3 == 0:
            services.workorder_dispatch(
                order=WorkOrder.objects.get(pk=order.pk), by=operator, lead_department=department
            )
    print(f"{len(texts)} orders created in {time.perf_counter() - started:.1f} s")

    client = Client()
    figures: dict[str, object] = {"orders": len(texts), "repeats": args.repeats, "load_average": os.getloadavg()}
    for fmt in ("json", "xml"):
        address = f"/open311/v2/requests.{fmt}"
        response = client.get(address)
        assert response.status_code == 200, response.content[:300]
        timings = []
        for _ in range(args.repeats):
            began = time.perf_counter()
            client.get(address)
            timings.append((time.perf_counter() - began) * 1000)
        with CaptureQueriesContext(connection) as queries:
            body = client.get(address).content
        ordered = sorted(timings)
        figures[fmt] = {
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 1),
            "queries": len(queries),
            "bytes": len(body),
        }
    report("open311", figures)


if __name__ == "__main__":
    main()
