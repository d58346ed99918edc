"""Dashboard pages: server time to render them at 10k, 100k and 1M orders.

    .venv/bin/python -m bench.bench_dashboard [DATABASE_URL ...]

The databases are PostgreSQL ones filled by bench/generate_orders.py (default: hotline_bench10k,
hotline_bench100k and hotline_bench1m on 127.0.0.1). Each is measured in its own process (Django is set up
for one database per process):

1. migrate, then rebuild every rollup once (``rollups_refresh(days=None)``, as ``manage.py refresh_rollups
   --all`` does) and time it; then time the periodic refresh of the last three days and the daily one of
   the last DEEP_DAYS;
2. render each page with Django's test Client, logged in as the demo manager or a department officer:
   the centre dashboard (default period: the last 30 days), the centre over a year (weekly buckets), the
   centre filtered by channel, category and district, the officer's department as the manager sees it, the
   same department as its officer sees it (and filtered), two downloads (Excel and CSV), one drill-down
   list, and the hotspot pages (the list as the manager and as the officer sees it, the monthly topics, the
   hottest hotspot; on the hotspots already stored, or a hotspot run first when there are none). One warm-up request, then the best of three: the time from request to response inside the
   process (middleware, view, queries, templates; no network). Query counts and the time spent in SQL come
   from one more request with the queries captured.

The target (issue 5): every dashboard page under 1 s at 1M orders. Results are merged into
bench/results/dashboard.json by database name, so the sizes can be measured at different times."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from bench.common import RESULTS, report

DEFAULT_URLS = [
    "postgres://postgres@127.0.0.1:5432/hotline_bench10k",
    "postgres://postgres@127.0.0.1:5432/hotline_bench100k",
    "postgres://postgres@127.0.0.1:5432/hotline_bench1m",
]
TARGET_SECONDS = 1.0
REPEATS = 3


def measure_one(url: str) -> dict[str, Any]:
    """Everything for one database, in this process."""
    from bench.generate_orders import setup_django

    setup_django(url)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Sum
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import Role, User
    from analytics.dashboards.rollups import DEEP_DAYS, rollups_refresh
    from analytics.hotspots.services import hotspots_detect
    from analytics.models import Hotspot, OrderVolumeDaily
    from workorders.models import Area, Category, WorkOrder

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    orders = WorkOrder.objects.count()
    started = time.perf_counter()
    full = rollups_refresh(days=None)
    full_seconds = time.perf_counter() - started
    started = time.perf_counter()
    periodic = rollups_refresh(days=3)
    periodic_seconds = time.perf_counter() - started
    started = time.perf_counter()
    daily = rollups_refresh(days=DEEP_DAYS)
    daily_seconds = time.perf_counter() - started

    manager = User.objects.filter(role=Role.MANAGER).order_by("pk").first()
    officer = User.objects.filter(role=Role.OFFICER, username="officer").first() or (
        User.objects.filter(role=Role.OFFICER, department__isnull=False).order_by("pk").first()
    )
    department = officer.department
    today = timezone.localdate()
    busiest = (
        OrderVolumeDaily.objects.filter(category__isnull=False, district__isnull=False)
        .values("category", "district", "channel")
        .order_by()
        .annotate(n=Sum("orders"))
        .order_by("-n")
        .first()
    )
    category = Category.objects.get(pk=busiest["category"])
    district = Area.objects.get(pk=busiest["district"])
    quarter = {"date_from": (today - timedelta(days=89)).isoformat(), "date_to": today.isoformat()}
    year = {"date_from": (today - timedelta(days=364)).isoformat(), "date_to": today.isoformat()}
    sliced = {**quarter, "channel": busiest["channel"], "category": category.pk, "district": district.pk}
    centre = reverse("dashboard")
    own = reverse("dashboard-department", args=[department.pk])
    pages = [
        ("centre, manager, last 30 days", manager, centre, {}),
        ("centre, manager, one year by week", manager, centre, year),
        ("centre, manager, 90 days, channel+category+district", manager, centre, sliced),
        ("centre, manager, split by department", manager, centre, {"split": "department"}),
        ("department, manager, last 30 days", manager, own, {}),
        ("department, officer, last 30 days", officer, own, {}),
        ("department, officer, 90 days, channel+category+district", officer, own, sliced),
        ("export rates.xlsx, manager", manager, reverse("dashboard-export", args=["rates", "xlsx"]), {}),
        (
            "export overdue_orders.csv, manager",
            manager,
            reverse("dashboard-export", args=["overdue_orders", "csv"]),
            {},
        ),
        (
            "export volume.csv, officer",
            officer,
            reverse("dashboard-department-export", args=[department.pk, "volume", "csv"]),
            {},
        ),
        (
            "drill-down: sign cohort, manager, 30 days",
            manager,
            reverse("dashboard-drill"),
            {"kind": "sign_due", "date_from": (today - timedelta(days=29)).isoformat(), "date_to": today.isoformat()},
        ),
    ]
    # the hotspot pages, on the hotspots the last run stored (bench/bench_hotspot_runs.py, or a run here)
    if not Hotspot.objects.exists():
        hotspots_detect()
    pages += [
        ("hotspots, manager", manager, reverse("hotspot-list"), {}),
        ("hotspots, officer", officer, reverse("hotspot-list"), {}),
        ("monthly topics, manager", manager, reverse("hotspot-monthly"), {}),
    ]
    hottest = Hotspot.objects.order_by("-heat").first()
    if hottest is not None:
        pages.append(
            ("hotspot detail (the hottest), manager", manager, reverse("hotspot-detail", args=[hottest.pk]), {})
        )
    results: dict[str, Any] = {}
    clients: dict[int, Any] = {}
    for name, user, path, params in pages:
        client = clients.get(user.pk)
        if client is None:
            client = clients[user.pk] = Client()
            client.force_login(user)
        response = client.get(path, params)  # warm-up
        assert response.status_code == 200, (name, response.status_code)
        timings = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            response = client.get(path, params)
            timings.append(time.perf_counter() - started)
        with CaptureQueriesContext(connection) as captured:
            client.get(path, params)
        sql_seconds = sum(float(query["time"]) for query in captured.captured_queries)
        slowest = max(captured.captured_queries, key=lambda query: float(query["time"]))
        results[name] = {
            "seconds": round(min(timings), 3),
            "queries": len(captured.captured_queries),
            "sql_seconds": round(sql_seconds, 3),
            "slowest_query_seconds": round(float(slowest["time"]), 3),
            "slowest_query": slowest["sql"][:160],
            "bytes": len(response.content),
        }
        print(
            f"  {name:<58} {min(timings):6.3f} s  ({len(captured.captured_queries)} queries, {sql_seconds:.3f} s SQL)"
        )
    return {
        "orders": orders,
        "rollup_full_refresh_seconds": round(full_seconds, 1),
        "rollup_full_refresh_days": full.days,
        "rollup_rows": full.rows,
        "rollup_periodic_refresh_seconds": round(periodic_seconds, 2),
        "rollup_periodic_refresh_days": periodic.days,
        "rollup_daily_refresh_seconds": round(daily_seconds, 2),
        "rollup_daily_refresh_days": daily.days,
        "officer_department": department.name,
        "filter": {"channel": busiest["channel"], "category": category.name, "district": district.name},
        "pages": results,
        "slowest_page_seconds": max(page["seconds"] for page in results.values()),
    }


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        print("RESULT " + json.dumps(measure_one(sys.argv[2]), ensure_ascii=False))
        return
    urls = sys.argv[1:] or DEFAULT_URLS
    previous_path = RESULTS / "dashboard.json"
    databases: dict[str, Any] = {}
    if previous_path.exists():
        databases = json.loads(previous_path.read_text(encoding="utf-8")).get("databases", {})
    for url in urls:
        name = urlsplit(url).path.lstrip("/")
        print(f"{name}:", flush=True)
        env = {**os.environ, "LOG_LEVEL": "WARNING"}
        done = subprocess.run(
            [sys.executable, "-m", "bench.bench_dashboard", "--one", url], capture_output=True, text=True, env=env
        )
        for line in done.stdout.splitlines():
            if not line.startswith("RESULT "):
                print(line, flush=True)
        if done.returncode != 0:
            sys.exit(f"{name} failed:\n{done.stderr[-3000:]}")
        result = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
        databases[name] = json.loads(result[len("RESULT ") :])
    summary = {
        name: {"orders": db["orders"], "slowest_page_seconds": db["slowest_page_seconds"]}
        for name, db in sorted(databases.items(), key=lambda item: item[1]["orders"])
    }
    report("dashboard", {"target_seconds": TARGET_SECONDS, "summary": summary, "databases": databases})


if __name__ == "__main__":
    main()
