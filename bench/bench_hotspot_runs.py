"""The hotspot run as the periodic task does it, on databases of 10k, 100k and 1M orders.

    .venv/bin/python -m bench.bench_hotspot_runs [DATABASE_URL ...]

The databases are PostgreSQL ones filled by bench/generate_orders.py (two years of orders; default:
hotline_bench10k, hotline_bench100k, hotline_bench1m). Each is measured in its own process: migrate, then
``analytics.hotspots.services.hotspots_detect()`` over the last 30 days, twice (the first run creates the hotspots,
the second finds them again and updates them, as every hourly run after the first does; hotspots stored by
earlier measurements are deleted first). Figures per run:
wall time, the orders in the window and in the previous window, hotspots stored, and the process's peak
resident memory (ru_maxrss, which includes Django and the loaded tokenizer). Then ``spike``: eight
reports of one new problem put into a quiet community over the last week; does the run flag it (and
nothing else) as emerging (``measure_spike``)?

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
from datetime import timedelta
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

    from analytics.hotspots.pairs import THREADS
    from analytics.hotspots.services import hotspots_detect
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
    figures["spike"] = measure_spike()
    print(f"  spike: {figures['spike']}", flush=True)
    return figures


# One new problem, told by eight citizens in their own words: written for this benchmark, because every
# message of the public data set already recurs in the generated orders (the generator reuses them all).
SPIKE_TEXTS = [
    (
        "翠微嘉园小区燃气管道漏气",
        "翠微嘉园小区3栋楼下的燃气管道这几天一直有很浓的燃气味，担心会爆炸，请燃气公司马上来检修。",
    ),
    ("翠微嘉园燃气味道很大", "住在翠微嘉园，这两天楼道里燃气味特别大，物业说不归他们管，燃气管道是不是漏气了？"),
    ("投诉翠微嘉园燃气泄漏", "翠微嘉园小区东门附近燃气管道疑似泄漏，晚上味道刺鼻，老人小孩都不敢在家，请尽快处理。"),
    ("翠微嘉园小区闻到燃气味", "翠微嘉园小区3栋和5栋之间闻到明显的燃气味，已经好几天了，请派人检查燃气管道。"),
    ("翠微嘉园燃气管道检修", "翠微嘉园的燃气管道漏气没人管，整个单元都是燃气味，请燃气公司派人检修管道。"),
    ("翠微嘉园有燃气泄漏隐患", "翠微嘉园小区地下燃气管道好像破了，路边一直冒燃气味，非常危险，请相关部门处理。"),
    ("翠微嘉园燃气味扰民", "我家在翠微嘉园5栋，最近一周楼下燃气味越来越重，打燃气公司电话没人来，请帮忙催促。"),
    ("请检查翠微嘉园燃气管道", "翠微嘉园小区多处闻到燃气味，居民很害怕，请尽快检查燃气管道有没有泄漏。"),
]


def measure_spike() -> dict[str, Any]:
    """Whether the emerging rule finds one new problem among the generated city's hotspots: eight citizens
    report a gas smell at one compound of a quiet community over the last week, a hotspot run follows, and
    the orders are deleted again. The generated orders hold no new problem (their texts recur evenly over
    time), so the spike should be the only emerging hotspot."""
    from django.db.models import Count
    from django.utils import timezone

    from analytics.hotspots.services import hotspots_detect
    from analytics.models import Hotspot
    from workorders.choices import AreaKind
    from workorders.models import WorkOrder

    # a quiet community: the one with the fewest orders in the last half year
    now = timezone.now()
    quiet = (
        WorkOrder.objects.filter(area__kind=AreaKind.COMMUNITY, created_at__gte=now - timedelta(days=180))
        .values("area")
        .annotate(n=Count("id"))
        .order_by("n", "area")
        .first()
    )
    template = WorkOrder.objects.filter(area_id=quiet["area"]).order_by("-created_at").first()
    spike = []
    for n, (title, appeal) in enumerate(SPIKE_TEXTS):
        order = WorkOrder.objects.get(pk=template.pk)
        order.pk = None
        order.number = f"SPIKE{n:05d}"
        order.source_submission = None
        order.title, order.appeal, order.appeal_masked = title, appeal, appeal
        order.caller_phone = f"1860000{n:04d}"
        order.created_at = now - timedelta(days=7 - n * 0.8)
        order.save()
        spike.append(order.pk)
    try:
        run = hotspots_detect()
        emerging = list(Hotspot.objects.filter(last_run=run, is_emerging=True))
        found = [h for h in emerging if set(h.members.values_list("order_id", flat=True)) & set(spike)]
        return {
            "spike_reports": len(spike),
            "community_orders_last_half_year": quiet["n"],
            "emerging": run.emerging,
            "spike_emerging": bool(found),
            "labels": [h.label for h in emerging],
        }
    finally:
        WorkOrder.objects.filter(pk__in=spike).delete()


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
