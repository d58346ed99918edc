"""The hotspot run as the periodic task does it, on databases of 10k, 100k and 1M orders.

    .venv/bin/python -m bench.bench_hotspot_runs [DATABASE_URL ...]

The databases are PostgreSQL ones filled by bench/generate_orders.py (two years of orders; default:
hotline_bench10k, hotline_bench100k, hotline_bench1m). Each is measured in its own process: migrate, then
``analytics.hotspots.hotspots_detect()`` over the last 30 days, twice (the first run creates the hotspots,
the second finds them again and updates them, as every hourly run after the first does; hotspots stored by
earlier measurements are deleted first). Figures per run:
wall time, the orders in the window and in the previous window, hotspots stored, and the process's peak
resident memory (ru_maxrss, which includes Django and the loaded tokenizer).

The target (issue 5): a run over the last 30 days under 30 s on 2 cores at 1M orders. Results are merged
into bench/results/hotspot_runs.json by database name. The pure detection alone, on windows of 10k / 40k /
100k orders, is measured by bench/bench_hotspots.py."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from typing import Any
from urllib.parse import urlsplit

from bench.common import RESULTS, report

DEFAULT_URLS = [
    "postgres://postgres@127.0.0.1:5432/hotline_bench10k",
    "postgres://postgres@127.0.0.1:5432/hotline_bench100k",
    "postgres://postgres@127.0.0.1:5432/hotline_bench1m",
]
TARGET_SECONDS = 30.0


def measure_one(url: str) -> dict[str, Any]:
    from bench.generate_orders import setup_django

    setup_django(url)
    from django.core.management import call_command

    from analytics.hotspot_detection import THREADS
    from analytics.hotspots import hotspots_detect
    from analytics.models import Hotspot, HotspotRun
    from workorders.models import WorkOrder

    call_command("migrate", verbosity=0)
    # the first run starts from no hotspots at all, as on a new installation
    Hotspot.objects.all().delete()
    HotspotRun.objects.all().delete()
    figures: dict[str, Any] = {"orders": WorkOrder.objects.count(), "threads": THREADS}
    for name in ("first_run", "second_run"):
        started = time.perf_counter()
        run = hotspots_detect()
        figures[name] = {
            "seconds": round(time.perf_counter() - started, 2),
            "orders_in_window": run.orders,
            "hotspots": run.hotspots,
            "emerging": run.emerging,
            "process_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
        print(f"  {name}: {figures[name]}", flush=True)
    return figures


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        print("RESULT " + json.dumps(measure_one(sys.argv[2]), ensure_ascii=False))
        return
    previous_path = RESULTS / "hotspot_runs.json"
    databases: dict[str, Any] = {}
    if previous_path.exists():
        databases = json.loads(previous_path.read_text(encoding="utf-8")).get("databases", {})
    for url in sys.argv[1:] or DEFAULT_URLS:
        name = urlsplit(url).path.lstrip("/")
        print(f"{name}:", flush=True)
        done = subprocess.run(
            [sys.executable, "-m", "bench.bench_hotspot_runs", "--one", url],
            capture_output=True,
            text=True,
            env={**os.environ, "LOG_LEVEL": "WARNING"},
        )
        for line in done.stdout.splitlines():
            if not line.startswith("RESULT "):
                print(line, flush=True)
        if done.returncode != 0:
            sys.exit(f"{name} failed:\n{done.stderr[-3000:]}")
        databases[name] = json.loads(next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))[7:])
    summary = {
        name: {"orders": db["orders"], "seconds": max(db["first_run"]["seconds"], db["second_run"]["seconds"])}
        for name, db in sorted(databases.items(), key=lambda item: item[1]["orders"])
    }
    report("hotspot_runs", {"target_seconds": TARGET_SECONDS, "summary": summary, "databases": databases})


if __name__ == "__main__":
    main()
