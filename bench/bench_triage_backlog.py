"""Triage task time against the backlog: the same calls analysed with 0 and with 20,000 open orders waiting.

    .venv/bin/python -m bench.bench_triage_backlog                       # backlogs 0 and 20,000
    .venv/bin/python -m bench.bench_triage_backlog --backlogs 0 5000 20000 --calls 100

Runs on its own PostgreSQL database (``--database``, default hotline_bench_triage on 127.0.0.1, created when
missing, with the demo city's reference data and a level-1 model trained by ``train_models --if-missing``), with
the production settings and no broker. Each run empties the orders and submissions, then for each backlog size:

1. adds open orders (drafts already analysed, dispatched, signed) spread over the last 30 days, texts from the
   data set masked as triage masks them, each placed in the district its text names (else a district drawn by the
   districts' sizes), each with its source submission (raw body and payload, as intake stores them) and its rare
   terms indexed as triage indexes them;
2. receives ``--calls`` new messages the backlog does not contain (the same ones at every size) and times
   ``submission_triage`` on each, as the task runs it: the whole analysis, related orders, the writes. Twice:
   *cold*, in a worker that has never read the backlog's orders (just restarted: every candidate is featurised
   for the first time), and *warm*, in a worker that has (it analysed them, or scored them before: the steady
   state, where the finder's cache of featurised orders holds the open ones).

It also times, on the same backlog, how the related-order candidates were read before the index (the open orders
of the last 30 days, whole rows with area and submission, up to 2,000): the cost that grew with the backlog.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from typing import Any

from bench.common import percentile, report

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/hotline_bench_triage"
_DISTRICT = re.compile(r"[A-Z]\d{1,2}[区县市]")


def setup(url: str) -> None:
    from bench.generate_orders import ensure_database

    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    from workorders.models import Department

    call_command("migrate", verbosity=0)
    if not Department.objects.exists():
        call_command("seed_demo", "--no-history", verbosity=0)
    call_command("train_models", "--if-missing", verbosity=0)


def empty_orders() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE workorders_workorder, hotline_submission RESTART IDENTITY CASCADE")


def messages() -> list[Any]:
    from django.conf import settings

    from core.demo.dataset import read_messages

    found = read_messages(settings.HOTLINE["DATASETS_DIR"] / "teddy2020c")
    random.Random(14).shuffle(found)
    return found


def add_backlog(count: int, pool: list[Any], rng: random.Random) -> float:
    """``count`` open orders of the last 30 days, as triage and dispatch leave them; returns seconds taken."""
    from django.db import connection, transaction
    from django.utils import timezone

    from hotline.models import OrderTextKey, Submission, SubmissionStatus
    from triage.datasets import model_text
    from triage.duplicates import index_keys
    from workorders.choices import AreaKind, Status
    from workorders.models import Area, WorkOrder

    started = time.perf_counter()
    districts = {a.name: a for a in Area.objects.filter(kind=AreaKind.DISTRICT)}
    district_list = list(districts.values())
    now = timezone.now()
    statuses = [Status.DRAFT] * 3 + [Status.DISPATCHED] * 4 + [Status.SIGNED] * 3
    first = WorkOrder.objects.count()
    for start in range(0, count, 2000):
        with transaction.atomic():
            orders, submissions, keys = [], [], []
            for n in range(start, min(count, start + 2000)):
                message = pool[n % len(pool)]
                appeal = (message.detail or message.text)[:4000]
                named = _DISTRICT.search(appeal)
                area = districts.get(named.group()) if named else None
                created = now - timedelta(seconds=rng.uniform(60, 30 * 86400))
                submission = Submission(
                    channel="web",
                    sender_id=f"backlog-{first + n}",
                    received_at=created,
                    raw_body=message.text,
                    payload={"content": message.text},
                    status=SubmissionStatus.TRIAGED,
                    attempts=1,
                    triaged_at=created,
                )
                submissions.append(submission)
                orders.append(
                    WorkOrder(
                        number=f"BL{first + n:010d}",
                        status=rng.choice(statuses),
                        channel="web",
                        title=(message.title or appeal[:30])[:60],
                        appeal=appeal,
                        appeal_masked=model_text(appeal),
                        area=area or rng.choice(district_list),
                        source_submission=submission,
                        created_at=created,
                        triage={"versions": {"pipeline": "bench"}},
                    )
                )
            Submission.objects.bulk_create(submissions)
            for order, submission in zip(orders, submissions, strict=True):
                order.source_submission = submission
            WorkOrder.objects.bulk_create(orders)
            for order in orders:
                for key, weight in index_keys(f"{order.title}\n{order.appeal_masked}").items():
                    keys.append(OrderTextKey(order=order, key=key, weight=weight, created_at=order.created_at))
            OrderTextKey.objects.bulk_create(keys, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE workorders_workorder; ANALYZE hotline_submission; ANALYZE hotline_ordertextkey")
    return time.perf_counter() - started


def old_candidates_ms(order_ids: list[int]) -> list[float]:
    """How related_candidates read before the index: up to 2,000 whole open orders of the order's district (or
    every district when its place is unknown) with their area and submission."""
    from django.db.models import Q

    from hotline.selectors import OPEN_FOR_MERGING, RELATED_WINDOW
    from triage.duplicates import Report
    from workorders.models import WorkOrder

    timings = []
    for order in WorkOrder.objects.filter(pk__in=order_ids).select_related("area"):
        began = time.perf_counter()
        orders = WorkOrder.objects.filter(
            status__in=OPEN_FOR_MERGING, created_at__gte=order.created_at - RELATED_WINDOW
        ).exclude(pk=order.pk)
        orders = orders.select_related("area", "source_submission")
        if order.area_id:
            district_path = "/".join(order.area.path.split("/")[:3]) + "/"
            orders = orders.filter(Q(area__path__startswith=district_path) | Q(area__isnull=True))
        [
            Report(id=o.pk, text=f"{o.title}\n{o.text_for_models}", received_at=o.created_at)
            for o in orders.order_by("-created_at")[:2000]
        ]
        timings.append((time.perf_counter() - began) * 1000)
    return timings


def triage_calls(calls: list[Any], round_name: str) -> dict[str, Any]:
    from hotline import services
    from hotline.models import OrderTextKey
    from hotline.services import IntakeRequest, submission_receive, submission_triage
    from workorders.models import WorkOrder

    queued: list[int] = []
    services.queue_triage = queued.append  # received now, analysed below one by one, as the task would
    timings, related, candidates = [], [], []
    order_ids = []
    for n, message in enumerate(calls):
        outcome = submission_receive(
            request=IntakeRequest(channel="web", sender_id=f"{round_name}-{n}", content=message.text, raw_body="{}"),
            by=None,
        )
        began = time.perf_counter()
        submission_triage(submission_id=outcome.submission.pk)
        timings.append((time.perf_counter() - began) * 1000)
        order = WorkOrder.objects.get(pk=outcome.submission.order.pk)
        order_ids.append(order.pk)
        related.append(len(order.triage.get("related", [])))
        candidates.append(OrderTextKey.objects.filter(order=order).count())
    old = old_candidates_ms(order_ids)
    return {
        "calls": len(calls),
        "triage_ms_median": round(statistics.median(timings), 1),
        "triage_ms_p95": round(percentile(timings, 0.95), 1),
        "triage_ms_mean": round(statistics.mean(timings), 1),
        "calls_with_related_orders": sum(1 for r in related if r),
        "keys_per_new_order_mean": round(statistics.mean(candidates), 1),
        "old_candidate_read_ms_median": round(statistics.median(old), 1),
        "old_candidate_read_ms_p95": round(percentile(old, 0.95), 1),
    }


def warm_finder() -> float:
    """Featurise every open order as the worker that analysed them holds them; returns seconds taken."""
    from hotline.selectors import OPEN_FOR_MERGING
    from hotline.services import duplicate_finder
    from triage.duplicates import Report
    from workorders.models import WorkOrder

    started = time.perf_counter()
    rows = WorkOrder.objects.filter(status__in=OPEN_FOR_MERGING).values_list("pk", "title", "appeal_masked")
    reports = [Report(id=pk, text=f"{title}\n{masked}", received_at=None) for pk, title, masked in rows.iterator()]
    for start in range(0, len(reports), 2000):
        duplicate_finder().featuriser.features_of(reports[start : start + 2000])
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--backlogs", type=int, nargs="+", default=[0, 20000], help="open orders, ascending")
    parser.add_argument("--calls", type=int, default=100, help="new calls timed at each backlog size")
    parser.add_argument("--keep-backlog", action="store_true", help="reuse the backlog a previous run left")
    args = parser.parse_args()
    setup(args.database)
    present = 0
    from hotline.selectors import current_pipeline
    from hotline.services import duplicate_finder
    from workorders.choices import Status
    from workorders.models import WorkOrder

    pool = messages()
    calls, backlog_pool = pool[: args.calls], pool[args.calls :]
    if not args.keep_backlog:
        empty_orders()
    else:
        present = WorkOrder.objects.filter(number__startswith="BL").count()
    current_pipeline().run("预热：A3区枫林路路灯不亮。")  # load the model and jieba before timing anything
    rng = random.Random(20)
    figures: dict[str, Any] = {"database": args.database, "rounds": {}}
    for size in sorted(args.backlogs):
        added = add_backlog(size - present, backlog_pool[present:] + backlog_pool, rng) if size > present else 0.0
        present = size
        for state in ("cold", "warm"):
            if state == "cold":
                duplicate_finder.cache_clear()
                warmed = 0.0
            else:
                warmed = warm_finder()
            load = os.getloadavg()
            result = triage_calls(calls, f"round-{size}-{state}")
            result["backlog_open_orders"] = size
            result["seconds_adding_backlog"] = round(added, 1)
            result["seconds_warming_the_finder"] = round(warmed, 1)
            result["load_average_1_5_15"] = [round(x, 2) for x in load]
            figures["rounds"][f"{size}_{state}"] = result
            print(size, state, result, flush=True)
            # the round's calls are no backlog for the next round, which analyses the same texts again
            WorkOrder.objects.filter(source_submission__sender_id__startswith="round-").update(status=Status.CANCELLED)
    sizes = sorted(args.backlogs)
    for state in ("cold", "warm"):
        first, last = figures["rounds"][f"{sizes[0]}_{state}"], figures["rounds"][f"{sizes[-1]}_{state}"]
        figures[f"median_ratio_largest_to_smallest_{state}"] = round(
            last["triage_ms_median"] / first["triage_ms_median"], 2
        )
    figures["uptime"] = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    report("triage_backlog", figures)


if __name__ == "__main__":
    sys.exit(main())
