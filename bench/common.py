"""Helpers shared by the benchmark scripts: where the data is, and how figures are reported.

Every script prints its figures and writes them to bench/results/<name>.json. Run them from the
project folder, e.g. `.venv/bin/python -m bench.bench_privacy`."""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def datasets_dir() -> Path:
    """HOTLINE_DATASETS_DIR, or ../shared/datasets beside the project (the data is never copied in)."""
    folder = Path(os.environ.get("HOTLINE_DATASETS_DIR", ROOT.parent / "shared" / "datasets"))
    if not (folder / "teddy2020c").is_dir():
        sys.exit(f"the teddy2020c data set is not in {folder}; set HOTLINE_DATASETS_DIR")
    return folder


def teddy(name: str) -> Path:
    return datasets_dir() / "teddy2020c" / name


def report(name: str, figures: dict[str, Any]) -> Path:
    """Print the figures and write them, with when and where they were measured, to bench/results/."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    record = {
        "benchmark": name,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        **figures,
    }
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    print(f"written to {path.relative_to(ROOT)}")
    return path


def best_seconds(run: Callable[[], object], repeats: int = 5) -> float:
    """The fastest of several runs: the least disturbed measurement of the same work."""
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return min(timings)


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def orders_in_database() -> int:
    """How many work orders the bench database holds: PostgreSQL's estimate (a count of a million rows takes
    seconds), or the exact count when that is small or there is no estimate yet."""
    from django.db import connection

    from workorders.models import WorkOrder

    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'workorders_workorder'")
        orders = int(cursor.fetchone()[0])
    return orders if orders >= 1000 else WorkOrder.objects.count()
