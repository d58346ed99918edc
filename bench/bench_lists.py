"""Order lists at scale: the /orders/ page, its htmx partial and GET /api/v1/orders/ at 10k, 100k and 1M orders.

    .venv/bin/python -m bench.bench_lists [DATABASE_URL ...] [--repeats 20]

The databases are PostgreSQL ones filled by bench/generate_orders.py (default: hotline_bench10k, hotline_bench100k
and hotline_bench1m on 127.0.0.1), each measured in its own process after ``migrate``, with the production settings.
Each address is requested with Django's test Client (middleware, view, queries, templates; no network), logged in as
the demo manager (every order, personal data masked as managers see it) and as the housing bureau's officer (the
orders of the department's subtree): one warm-up request, then ``--repeats`` timed ones; p50 and p95 in ms, the
number of queries and the time spent in SQL (from one more request with the queries captured).

The addresses: the default list; open statuses (``?status=dispatched&status=signed``); a rare status
(``?status=returned``); a level-1 category's subtree; a district with a status; page 20 (offset 950, the last the count limit offers); the
htmx partial; a category given by its name (the type-ahead's value); and the same filters through the API.

Target (issue 14): p95 < 150 ms at 100k and < 300 ms at 1M, with and without status filters. Results are merged
into bench/results/lists.json by database name."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

from bench.common import RESULTS, orders_in_database, percentile, report

DEFAULT_URLS = [
    "postgres://postgres@127.0.0.1:5432/hotline_bench10k",
    "postgres://postgres@127.0.0.1:5432/hotline_bench100k",
    "postgres://postgres@127.0.0.1:5432/hotline_bench1m",
]


def measure_one(url: str, repeats: int) -> dict[str, Any]:
    from bench.generate_orders import setup_django

    setup_django(url)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Role, User
    from workorders.models import Area, Category

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    orders = orders_in_database()
    manager = User.objects.filter(role=Role.MANAGER).order_by("pk").first()
    officer = User.objects.filter(username="officer").first()
    category = Category.objects.filter(level=1, name="城乡建设").first() or Category.objects.filter(level=1).first()
    district = Area.objects.filter(kind="district").order_by("pk").first()
    filters: dict[str, dict[str, Any]] = {
        "default": {},
        "open_statuses": {"status": ["dispatched", "signed"]},
        "rare_status": {"status": ["returned"]},
        "category_subtree": {"category": category.pk},
        "district_and_status": {"area": district.pk, "status": ["closed"]},
        "page_20": {"page": 20},
        "category_by_name": {"category": category.full_name},
    }
    results: dict[str, Any] = {}
    for persona, user in (("manager", manager), ("officer", officer)):
        if user is None:
            continue
        client = Client()
        client.force_login(user)
        for surface, path, headers in (
            ("page", "/orders/", {}),
            ("htmx", "/orders/", {"HTTP_HX_REQUEST": "true"}),
            ("api", "/api/v1/orders/", {}),
        ):
            for name, params in filters.items():
                if surface != "page" and name in ("category_by_name",):
                    continue
                address = f"{path}?{urlencode(params, doseq=True)}" if params else path
                first = client.get(address, **headers)
                if first.status_code != 200:
                    results[f"{persona} {surface} {name}"] = {"status": first.status_code}
                    continue
                timings = []
                for _ in range(repeats):
                    began = time.perf_counter()
                    client.get(address, **headers)
                    timings.append((time.perf_counter() - began) * 1000)
                with CaptureQueriesContext(connection) as queries:
                    client.get(address, **headers)
                results[f"{persona} {surface} {name}"] = {
                    "address": address,
                    "p50_ms": round(statistics.median(timings), 1),
                    "p95_ms": round(percentile(timings, 0.95), 1),
                    "queries": len(queries.captured_queries),
                    "sql_ms": round(sum(float(q["time"]) for q in queries.captured_queries) * 1000, 1),
                }
                print(persona, surface, name, results[f"{persona} {surface} {name}"], flush=True)
    worst = max((r["p95_ms"] for r in results.values() if "p95_ms" in r), default=None)
    return {
        "orders": orders,
        "repeats": repeats,
        "worst_p95_ms": worst,
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "requests": results,
    }


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    repeats = 20
    if "--repeats" in sys.argv:
        repeats = int(sys.argv[sys.argv.index("--repeats") + 1])
        args = [a for a in args if a != str(repeats)]
    if len(args) == 2 and args[0] == "measure":
        print("RESULT " + json.dumps(measure_one(args[1], repeats), ensure_ascii=False))
        return
    urls = args or DEFAULT_URLS
    path = RESULTS / "lists.json"
    merged: dict[str, Any] = json.loads(path.read_text())["databases"] if path.exists() else {}
    for url in urls:
        name = urlsplit(url).path.lstrip("/")
        run = subprocess.run(
            [sys.executable, "-m", "bench.bench_lists", "measure", url, "--repeats", str(repeats)],
            capture_output=True,
            text=True,
        )
        print(run.stdout[-4000:], run.stderr[-2000:], sep="\n")
        lines = [line for line in run.stdout.splitlines() if line.startswith("RESULT ")]
        if lines:
            merged[name] = json.loads(lines[-1][len("RESULT ") :])
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    report("lists", {"targets_p95_ms": {"100k": 150, "1m": 300}, "uptime": uptime, "databases": merged})


if __name__ == "__main__":
    main()
