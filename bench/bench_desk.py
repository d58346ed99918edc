"""The dispatch desk and the department inbox at scale: the queue page, its 10-second htmx refresh, "next order"
and the order workspace (the order page with the caller card) with its pickers' choices; the officer's inbox, its refresh and its "next order"; on the bench
databases (100k and 1M orders).

    .venv/bin/python -m bench.bench_desk [DATABASE_URL ...] [--repeats 20] [--backlogs 0,200,5000]

The databases are PostgreSQL ones filled by bench/generate_orders.py (default: hotline_bench100k and
hotline_bench1m on 127.0.0.1), each measured in its own process after ``migrate``, with the production settings.
generate_orders leaves only the last hour's calls awaiting dispatch (a handful), so each run adds a backlog of
``--backlogs`` orders awaiting dispatch (copies of closed orders: their texts and triage, 1 % emergencies, 5 %
urgent, 5 % priority callers, received over the last hours; the table analysed then, as autovacuum would) inside a
transaction that is rolled back at the end: the database is left as it was. The same run adds as many orders to the
inbox of the demo officer's department (the housing bureau, ~190 open assignments in the 100k database): a third
awaiting sign, the rest in hand, one in 20 of those with an extension request awaiting a decision.

Each address is requested with Django's test Client (middleware, view, queries, templates; no network), logged in
as the demo operator (personal data shown) and the demo manager (masked): one warm-up request, then ``--repeats``
timed ones (and as the demo officer for the inbox); p50 and p95 in ms, the number of queries and the time in SQL (from one more request with the queries
captured). "next" is a POST that claims the next order nobody holds (each repeat claims another one).

Target (issue 16): the queue's and the inbox's server time < 150 ms at 100k orders (and at 1M). Results are merged into
bench/results/desk.json by database name and backlog."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from bench.common import RESULTS, orders_in_database, percentile, report

DEFAULT_URLS = [
    "postgres://postgres@127.0.0.1:5432/hotline_bench100k",
    "postgres://postgres@127.0.0.1:5432/hotline_bench1m",
]


class _Rollback(Exception):
    pass


def add_backlog(count: int) -> int:
    """``count`` orders awaiting dispatch, copied from closed orders, received over the last hours."""
    from django.utils import timezone

    from workorders.models import WorkOrder

    if count <= 0:
        return 0
    now = timezone.now()
    sources = list(WorkOrder.objects.filter(status="closed").order_by("-pk")[:count])
    copies = []
    for i, order in enumerate(sources):
        order.pk = order.id = None
        order.number = f"BENCHDESK{i:07d}"
        order.status = "draft"
        order.version = 1
        order.created_at = now - timedelta(seconds=7 * i)
        order.urgency = "emergency" if i % 100 == 0 else "urgent" if i % 20 == 1 else "normal"
        order.is_priority = i % 20 == 2
        order.lead_department = order.source_submission = order.merged_into = None
        order.dispatched_at = order.sign_due_at = order.contact_due_at = order.resolve_due_at = None
        order.replied_at = order.closed_at = order.opened_at = order.opened_by = None
        copies.append(order)
    WorkOrder.objects.bulk_create(copies, batch_size=1000)
    from django.db import connection

    with connection.cursor() as cursor:  # the planner learns of the backlog, as autovacuum would tell it
        cursor.execute("ANALYZE workorders_workorder")
    return len(copies)


def add_inbox_backlog(count: int, department: Any) -> int:
    """``count`` orders in ``department``'s inbox, copied from closed orders: a third awaiting sign, the rest in
    hand (one in 20 of those with an extension request awaiting a decision), dispatched over the last days."""
    from django.db import connection
    from django.utils import timezone

    from workorders.models import Assignment, ExtensionRequest, WorkOrder

    if count <= 0:
        return 0
    now = timezone.now()
    sources = list(WorkOrder.objects.filter(status="closed").order_by("pk")[:count])
    copies = []
    for i, order in enumerate(sources):
        order.pk = order.id = None
        order.number = f"BENCHINBOX{i:07d}"
        order.status = "dispatched" if i % 3 == 0 else "signed"
        order.version = 1
        order.lead_department = department
        order.source_submission = order.merged_into = order.opened_at = order.opened_by = None
        order.dispatched_at = now - timedelta(minutes=30 + 13 * i)
        order.created_at = order.dispatched_at - timedelta(minutes=5)
        order.sign_due_at = order.dispatched_at + timedelta(hours=2)
        order.contact_due_at = order.dispatched_at + timedelta(hours=24)
        order.resolve_due_at = order.dispatched_at + timedelta(days=7)
        order.replied_at = order.closed_at = None
        copies.append(order)
    WorkOrder.objects.bulk_create(copies, batch_size=1000)
    Assignment.objects.bulk_create(
        [
            Assignment(
                order=order,
                department=department,
                role="lead",
                status="pending" if order.status == "dispatched" else "signed",
                assigned_at=order.dispatched_at,
                signed_at=None if order.status == "dispatched" else order.dispatched_at + timedelta(minutes=40),
            )
            for order in copies
        ],
        batch_size=1000,
    )
    ExtensionRequest.objects.bulk_create(
        [
            ExtensionRequest(order=order, department=department, working_days=3, reason="bench", requested_at=now)
            for i, order in enumerate(copies)
            if order.status == "signed" and i % 20 == 1
        ]
    )
    with connection.cursor() as cursor:
        for table in ("workorders_workorder", "workorders_assignment", "workorders_extensionrequest"):
            cursor.execute(f"ANALYZE {table}")
    return len(copies)


def timed(client: Any, method: str, address: str, repeats: int, headers: dict[str, str]) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call = client.get if method == "GET" else client.post
    first = call(address, **headers)
    if first.status_code not in (200, 302):
        return {"address": address, "status": first.status_code}
    timings = []
    for _ in range(repeats):
        began = time.perf_counter()
        call(address, **headers)
        timings.append((time.perf_counter() - began) * 1000)
    with CaptureQueriesContext(connection) as queries:
        call(address, **headers)
    return {
        "address": f"{method} {address}",
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "queries": len(queries.captured_queries),
        "sql_ms": round(sum(float(q["time"]) for q in queries.captured_queries) * 1000, 1),
    }


def inbox_size(officer: Any) -> int:
    from workorders import selectors

    return selectors.officer_inbox(officer).count()


def measure_one(url: str, repeats: int, backlogs: list[int]) -> dict[str, Any]:
    from bench.generate_orders import setup_django

    setup_django(url)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client

    from accounts.models import Role, User
    from workorders.models import WorkOrder

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    orders = orders_in_database()
    operator = User.objects.filter(role=Role.OPERATOR).order_by("pk").first()
    manager = User.objects.filter(role=Role.MANAGER).order_by("pk").first()
    officer = User.objects.filter(role=Role.OFFICER, username="officer").first() or (
        User.objects.filter(role=Role.OFFICER, department__isnull=False).order_by("pk").first()
    )
    runs: dict[str, Any] = {}
    for backlog in backlogs:
        results: dict[str, Any] = {}
        try:
            with transaction.atomic():
                added = add_backlog(backlog)
                add_inbox_backlog(backlog, officer.department)
                inbox_rows = inbox_size(officer)
                waiting = WorkOrder.objects.filter(status="draft").count()
                # the newest order awaiting dispatch: a copy of a closed order, so its caller card finds that one
                draft = WorkOrder.objects.filter(status="draft").order_by("-created_at").first()
                pages = max(1, -(-waiting // 50))
                htmx = {"HTTP_HX_REQUEST": "true"}
                for persona, user in (("operator", operator), ("manager", manager)):
                    client = Client()
                    client.force_login(user)
                    plan = [
                        ("queue page", "GET", "/desk/", {}),
                        ("queue refresh", "GET", "/desk/", htmx),
                        ("queue refresh, last page", "GET", f"/desk/?page={pages}", htmx),
                        ("queue refresh, filtered", "GET", "/desk/?q=%E8%B7%AF", htmx),  # 路
                    ]
                    if draft is not None:  # the operator's order workspace; the manager's read-only order page
                        plan.append(("order page with caller card", "GET", f"/orders/{draft.pk}/", {}))
                    if persona == "operator":
                        plan.append(("next order (claim)", "POST", "/desk/next/", {}))
                        # the workspace's type-ahead choices (once per browser session, then revalidated by ETag)
                        for kind in ("category", "area", "department"):
                            plan.append((f"picker choices: {kind}", "GET", f"/pickers/{kind}/", {}))
                        if draft is not None:
                            plan.append(("dispatch suggestion", "GET", f"/orders/{draft.pk}/dispatch-suggestion/", {}))
                    for name, method, address, headers in plan:
                        key = f"{persona} {name}"
                        results[key] = timed(client, method, address, repeats, headers)
                        print(backlog, key, results[key], flush=True)
                client = Client()
                client.force_login(officer)
                for name, method, address, headers in [
                    ("inbox page", "GET", "/inbox/", {}),
                    ("inbox refresh", "GET", "/inbox/", htmx),
                    ("inbox refresh, filtered", "GET", "/inbox/?q=%E8%B7%AF", htmx),  # 路
                    ("next order from the inbox (claim)", "POST", "/inbox/next/", {}),
                ]:
                    key = f"officer {name}"
                    results[key] = timed(client, method, address, repeats, headers)
                    print(backlog, key, results[key], flush=True)
                raise _Rollback
        except _Rollback:
            pass
        queue = [r["p95_ms"] for k, r in results.items() if "queue" in k and "p95_ms" in r]
        inbox = [r["p95_ms"] for k, r in results.items() if "inbox" in k and "p95_ms" in r]
        workspace = [r["p95_ms"] for k, r in results.items() if "order page" in k and "p95_ms" in r]
        runs[f"backlog_{backlog}"] = {
            "orders_added": added,
            "awaiting_dispatch": waiting,
            "worst_queue_p95_ms": max(queue) if queue else None,
            "officer_inbox_rows": inbox_rows,
            "worst_inbox_p95_ms": max(inbox) if inbox else None,
            "worst_order_workspace_p95_ms": max(workspace) if workspace else None,
            "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
            "requests": results,
        }
    return {"orders": orders, "repeats": repeats, "runs": runs}


def main() -> None:
    argv = sys.argv[1:]
    repeats, backlogs = 20, [0, 200, 5000]
    if "--repeats" in argv:
        at = argv.index("--repeats")
        repeats = int(argv[at + 1])
        del argv[at : at + 2]
    if "--backlogs" in argv:
        at = argv.index("--backlogs")
        backlogs = [int(x) for x in argv[at + 1].split(",")]
        del argv[at : at + 2]
    if len(argv) == 2 and argv[0] == "measure":
        print("RESULT " + json.dumps(measure_one(argv[1], repeats, backlogs), ensure_ascii=False))
        return
    urls = argv or DEFAULT_URLS
    path = RESULTS / "desk.json"
    merged: dict[str, Any] = json.loads(path.read_text())["databases"] if path.exists() else {}
    for url in urls:
        name = urlsplit(url).path.lstrip("/")
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.bench_desk",
                "measure",
                url,
                "--repeats",
                str(repeats),
                "--backlogs",
                ",".join(map(str, backlogs)),
            ],
            capture_output=True,
            text=True,
        )
        print(run.stdout[-6000:], run.stderr[-3000:], sep="\n")
        lines = [line for line in run.stdout.splitlines() if line.startswith("RESULT ")]
        if lines:
            merged[name] = json.loads(lines[-1][len("RESULT ") :])
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    report("desk", {"target_p95_ms": 150, "uptime": uptime, "databases": merged})


if __name__ == "__main__":
    main()
