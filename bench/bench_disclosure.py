"""What masking an order for a manager or a connected system costs (``workorders.disclosure``).

Orders are built in memory from the first 2,000 messages of hotspot_messages.csv (title and detail as the title and
appeal, the appeal masked as triage stores it, a caller name and phone, the triage record of a real run on a few of
them), never saved. Figures: ms to mask one order as a list row (title, address, appeal, caller, triage record) the
first time it is shown (the per-process caches empty) and again (a list shown again), ms for a page of 50 rows, and
ms to compute the masked search text a save keeps (``masked_search_text``).

    .venv/bin/python -m bench.bench_disclosure
"""

from __future__ import annotations

import csv
import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()

from bench.common import report, teddy  # noqa: E402
from triage.datasets import model_text  # noqa: E402
from workorders import disclosure  # noqa: E402
from workorders.models import WorkOrder  # noqa: E402

ORDERS = 2000
PAGE = 50


def orders() -> list[WorkOrder]:
    with teddy("hotspot_messages.csv").open(encoding="utf-8", newline="") as handle:
        rows = [row for _, row in zip(range(ORDERS), csv.DictReader(handle), strict=False)]
    built = []
    for n, row in enumerate(rows):
        appeal = row["detail"]
        built.append(
            WorkOrder(
                number=f"GD{n:012d}",
                title=row.get("title") or appeal[:20],
                appeal=appeal,
                appeal_masked=model_text(appeal),
                address="书院路12号3栋1单元502室",
                caller_name="周建国",
                caller_phone="13912345678",
                triage={"title": row.get("title") or "", "related": [{"id": 1, "shared_terms": ["搅拌站", "噪音"]}]},
            )
        )
    return built


def timed(work: list[WorkOrder], step: object) -> float:
    started = time.perf_counter()
    for order in work:
        step(order)  # type: ignore[operator]
    return (time.perf_counter() - started) * 1000


def main() -> None:
    fresh = orders()
    chars = sum(len(o.appeal) for o in fresh)
    search_ms = timed(fresh, disclosure.masked_search_text)
    disclosure._appeal_values.cache_clear()
    disclosure._masked_text.cache_clear()
    first_ms = timed(orders(), disclosure.mask_order)
    again_ms = timed(orders(), disclosure.mask_order)  # the caches filled by the first showing
    figures = {
        "orders": len(fresh),
        "mean_appeal_chars": round(chars / len(fresh), 1),
        "ms_per_order_first_shown": round(first_ms / len(fresh), 3),
        "ms_per_order_shown_again": round(again_ms / len(fresh), 3),
        "ms_per_page_of_50_first_shown": round(first_ms / len(fresh) * PAGE, 1),
        "ms_per_page_of_50_shown_again": round(again_ms / len(fresh) * PAGE, 1),
        "ms_per_save_masked_search_text": round(search_ms / len(fresh), 3),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    report("disclosure", figures)


if __name__ == "__main__":
    main()
