"""CPU per order: what one call costs the machine, from its POST to its analysis, whatever else runs beside it.

    .venv/bin/python -m bench.bench_order_cost                        # 300 intakes, each analysed; 2,000 open orders
    .venv/bin/python -m bench.bench_order_cost --orders 500 --profile triage     # and where the time goes

On a 2-core machine 50 calls per second leave 40 ms of CPU per call for everything: the intake request in the web
server, the triage task in a worker, PostgreSQL's and Redis's work for both. Wall time on a shared machine says
little about that (other work takes the cores), so this bench counts CPU time:

- the Python process's CPU (``time.process_time``: every thread, the task publisher's included);
- the PostgreSQL backend's CPU serving this process's connection (``utime + stime`` of its backend process, read
  from /proc: PostgreSQL runs on this machine), and the SQL statements sent and their wall time;
- Redis's CPU (the broker's process) while the phase ran, which counts other users of the same Redis too.

It runs on its own PostgreSQL database (``--database``, default hotline_bench_cost on 127.0.0.1: created when
missing, migrated, the demo city's reference data and a level-1 model trained by ``train_models --if-missing``)
with the production settings and Redis as the broker (``--broker``, a database of its own, emptied before and
after). First ``--backlog`` open orders of the last 30 days are added (as ``bench_triage_backlog`` adds them, once:
later runs reuse them, and delete every other order first, so each run starts from the same data, then VACUUM
ANALYZE the tables as autovacuum would), so related orders are looked for among real candidates; the duplicate finder is warmed with them, as in a worker that has
analysed them (``bench_triage_backlog``'s *warm* state). Then:

1. *intake*: ``--orders`` real messages of the data set (a third as phone transcripts) are posted to
   ``POST /api/v1/submissions/`` through Django's whole request handling (middleware, the connected system's
   token, throttle, serializer, the intake transaction, the task published to Redis), the way the web server
   calls it;
2. *triage, one by one*: half of them analysed as the triage task analyses its own submission
   (``submission_triage``);
3. *triage, in batches*: the other half as a task that finds a backlog drains it
   (``submissions_triage_waiting`` with HOTLINE_TRIAGE_BATCH_SIZE).

The first ``--warmup`` of each phase are not counted (the model, jieba and the finder's cache loaded). Reported per
order, per phase: process CPU ms, PostgreSQL backend CPU ms, statements and their wall ms; and the sum (intake +
triage), against the 40 ms budget. ``--profile intake|triage`` writes a cProfile of that phase (top functions by
cumulative time printed; the file in bench/results/). Results: bench/results/<--name, default order_cost>.json."""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.common import RESULTS, report

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/hotline_bench_cost"
DEFAULT_BROKER = "redis://127.0.0.1:6379/12"
TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid: int) -> float:
    """utime + stime of another process on this machine, in seconds (PostgreSQL's backend, Redis)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def setup(database: str, broker: str) -> None:
    from bench.generate_orders import ensure_database

    ensure_database(database)
    os.environ["DATABASE_URL"] = database
    os.environ["CELERY_BROKER_URL"] = broker
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["API_INTAKE_RATE"] = "1000000/min"  # capacity, not the throttle (it still runs: its cache is read)
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    os.environ.pop("LLM_BASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    from workorders.models import Department

    call_command("migrate", verbosity=0)
    if not Department.objects.exists():
        call_command("seed_demo", "--no-history", verbosity=0)
    call_command("train_models", "--if-missing", verbosity=0)


def connected_system_token() -> str:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("issue_token", "integration", "--days", "1", stdout=out)
    return out.getvalue().strip().splitlines()[-1].strip()


def redis_pid() -> int | None:
    found = subprocess.run(["pgrep", "-o", "redis-server"], capture_output=True, text=True).stdout.split()
    return int(found[0]) if found else None


@dataclass
class Meter:
    """Process CPU, the PostgreSQL backend's CPU, the statements and their wall time, Redis's CPU, for one phase."""

    label: str
    orders: int = 0
    cpu: float = 0.0
    wall: float = 0.0
    backend_cpu: float = 0.0
    redis_cpu: float = 0.0
    statements: int = 0
    sql_wall: float = 0.0

    def per_order(self) -> dict[str, Any]:
        n = max(self.orders, 1)
        return {
            "orders": self.orders,
            "process_cpu_ms": round(1000 * self.cpu / n, 2),
            "postgres_backend_cpu_ms": round(1000 * self.backend_cpu / n, 2),
            "redis_cpu_ms": round(1000 * self.redis_cpu / n, 2),
            "total_cpu_ms": round(1000 * (self.cpu + self.backend_cpu + self.redis_cpu) / n, 2),
            "sql_statements": round(self.statements / n, 1),
            "sql_wall_ms": round(1000 * self.sql_wall / n, 2),
            "wall_ms": round(1000 * self.wall / n, 2),
        }


@contextmanager
def metered(meter: Meter, orders: int, wait: Callable[[], object] | None = None) -> Iterator[None]:
    from django.db import connection

    connection.ensure_connection()
    backend = connection.connection.info.backend_pid
    redis = redis_pid()

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            meter.sql_wall += time.perf_counter() - began
            meter.statements += 1

    before = (
        time.process_time(),
        time.perf_counter(),
        process_cpu_seconds(backend),
        redis and process_cpu_seconds(redis),
    )
    with connection.execute_wrapper(count):
        yield
        if wait is not None:
            wait()
    if connection.connection is None or connection.connection.info.backend_pid != backend:
        sys.exit("the database connection changed during a phase: its backend's CPU cannot be read")
    meter.cpu += time.process_time() - before[0]
    meter.wall += time.perf_counter() - before[1]
    meter.backend_cpu += process_cpu_seconds(backend) - before[2]
    if redis:
        meter.redis_cpu += process_cpu_seconds(redis) - before[3]
    meter.orders += orders


def bodies(count: int) -> list[dict[str, Any]]:
    from bench.bench_load import body, load_messages

    texts = load_messages()
    rng = random.Random(11)
    run = int(time.time())
    return [body(texts[n % len(texts)], f"COST-{run}-{n}", rng) for n in range(count)]


def ensure_backlog(size: int) -> int:
    """``size`` open orders of the last 30 days with their related-order index, added once (``BL`` numbers)."""
    from bench.bench_triage_backlog import add_backlog, messages
    from workorders.models import WorkOrder

    present = WorkOrder.objects.filter(number__startswith="BL").count()
    if present < size:
        pool = messages()[500:]
        print(f"adding {size - present} open orders ...", flush=True)
        add_backlog(size - present, pool[present:] + pool, random.Random(20))
    return max(present, size)


def maintain_tables() -> None:
    """VACUUM ANALYZE the tables an analysis reads, as PostgreSQL's autovacuum does after many inserts or deletes
    (this machine's server runs with it off): the related-order postings are read from their index alone only
    where the table's visibility map says the rows are visible to all."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE hotline_ordertextkey, workorders_workorder, hotline_submission")


@contextmanager
def profiled(enabled: bool, name: str) -> Iterator[None]:
    if not enabled:
        yield
        return
    profile = cProfile.Profile(time.process_time)  # CPU, not the waits on PostgreSQL
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        path = RESULTS / f"{name}.prof"
        profile.dump_stats(path)
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out)
        stats.sort_stats("cumulative").print_stats(60)
        stats.sort_stats("tottime").print_stats(25)
        print(out.getvalue())
        print(f"profile written to {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--broker", default=DEFAULT_BROKER)
    parser.add_argument(
        "--orders", type=int, default=300, help="intakes measured (half analysed singly, half in batches)"
    )
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--backlog", type=int, default=2000, help="open orders present (added once)")
    parser.add_argument("--profile", choices=["intake", "triage", "batch"], default=None)
    parser.add_argument("--name", default="order_cost", help="bench/results/<name>.json")
    args = parser.parse_args()
    for address in (args.database, args.broker):
        if urlsplit(address).hostname not in ("127.0.0.1", "localhost"):
            sys.exit(f"{address}: this bench only talks to services on 127.0.0.1")
    setup(args.database, args.broker)
    import redis as redis_client
    from django.conf import settings
    from django.test import Client

    from bench.bench_triage_backlog import warm_finder
    from hotline import publish
    from hotline.models import Submission
    from hotline.services import submission_triage, submissions_triage_waiting
    from workorders.models import WorkOrder

    broker = redis_client.Redis.from_url(args.broker)
    broker.flushdb()
    backlog = ensure_backlog(args.backlog)
    # Every run starts from the same orders: the backlog alone (another run's calls deleted, nothing waiting).
    WorkOrder.objects.exclude(number__startswith="BL").delete()
    Submission.objects.filter(order__isnull=True).delete()
    maintain_tables()
    warmed = warm_finder()  # the steady state: a worker holds the open orders it has analysed, featurised
    token = connected_system_token()
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    payloads = bodies(args.warmup + args.orders + args.warmup)
    load_before = os.getloadavg()

    def post(payload: dict[str, Any]) -> int:
        response = client.post("/api/v1/submissions/", data=json.dumps(payload), content_type="application/json")
        if response.status_code != 201:
            sys.exit(f"intake answered {response.status_code}: {response.content[:500]!r}")
        return int(response.json()["submission_id"])

    def sent() -> None:
        publish.wait_until_sent(30)

    # warm up: the first requests, the first analyses (model, jieba, caches)
    warm = [post(p) for p in payloads[: args.warmup]]
    sent()
    for submission_id in warm:
        submission_triage(submission_id=submission_id)

    intake = Meter("intake")
    ids: list[int] = []
    with profiled(args.profile == "intake", "order_cost_intake"), metered(intake, args.orders, wait=sent):
        for payload in payloads[args.warmup : args.warmup + args.orders]:
            ids.append(post(payload))
    queued = broker.llen(settings.CELERY_QUEUES_BY_PURPOSE["triage"])

    half = len(ids) // 2
    single = Meter("triage_single")
    with profiled(args.profile == "triage", "order_cost_triage"), metered(single, half):
        for submission_id in ids[:half]:
            submission_triage(submission_id=submission_id)

    batch = Meter("triage_batch")
    size = settings.HOTLINE["TRIAGE_BATCH_SIZE"]
    with profiled(args.profile == "batch", "order_cost_batch"), metered(batch, len(ids) - half):
        done = 0
        while done < len(ids) - half:
            analysed = submissions_triage_waiting(limit=size)
            if not analysed:
                break
            done += analysed
    if done != len(ids) - half:
        sys.exit(f"batches analysed {done} of {len(ids) - half}")
    broker.flushdb()
    load_after = os.getloadavg()

    figures: dict[str, Any] = {
        "database": args.database,
        "open_orders_present": backlog,
        "seconds_featurising_the_open_orders_first": round(warmed, 1),
        "triage_batch_size": size,
        "tasks_published_to_broker": queued,
        "intake": intake.per_order(),
        "triage_single": single.per_order(),
        "triage_batch": batch.per_order(),
    }
    for mode in ("single", "batch"):
        triage = figures[f"triage_{mode}"]
        figures[f"per_order_total_cpu_ms_{mode}"] = round(figures["intake"]["total_cpu_ms"] + triage["total_cpu_ms"], 1)
    figures["budget_cpu_ms_per_order_at_50_per_s_on_2_cores"] = 40
    figures["load_average_before"] = [round(x, 2) for x in load_before]
    figures["load_average_after"] = [round(x, 2) for x in load_after]
    figures["note"] = (
        "CPU time, not wall time: other work shared the cores (load average above). Not counted: the web server's "
        "HTTP parsing (waitress), the Celery worker's message handling, beat and the periodic tasks."
    )
    report(args.name, figures)


if __name__ == "__main__":
    main()
