"""Hotspot detection: quality on hand-labelled clusters, and time and memory at city scale.

    .venv/bin/python -m bench.bench_hotspots              # quality, then speed at 10k / 40k / 100k orders
    .venv/bin/python -m bench.bench_hotspots --quality    # quality only
    .venv/bin/python -m bench.bench_hotspots --speed      # speed only (add --sizes 10000 40000)
    .venv/bin/python -m bench.bench_hotspots --speed --sizes 1000000 --repeats 1 --time-limit 1800 \
        --memory-limit-gb 12                               # one try at a size that may not fit

Each run writes bench/results/hotspots.json, keeping the figures of the parts it did not run.

Quality. ``analytics.hotspots.detection.detect_hotspots`` runs on every message of
teddy2020c/hotspot_messages.csv at its real dates, in two settings:

- ``monthly``: calendar months, each one window (as the dashboard runs it), with the month before as
  ``previous``. Gold clusters are cut to the window too: a cluster counts in a month only with the members
  posted that month. This is what a manager sees.
- ``one_window``: one window over the whole span (2017-06 to 2020-01). A problem reported over three
  months (the mixing plant: November to January) can only come out whole here.

The orders get the gazetteer area a triage would give them from the district the text names (A1区 … A9市
as district ids 1 … 9 under a city 0; the title's district first); about 40 % name none and are compared
with every district. The data has no categories, departments or urgency.

Scores are computed on the labelled messages of bench/data/hotspot_clusters.csv only (how it was built:
bench/data/README.md); unlabelled messages in a hotspot are ignored. With H the hotspots and G the gold
clusters, restricted to labelled messages:

- purity: Σ_H (members of H in its commonest gold cluster) / Σ_H |H|;
- completeness: Σ_G (members of G in the one hotspot holding most of them) / Σ_G |G|, over the gold clusters
  that can be hotspots (at least ``min_reports`` distinct callers in the window);
- B-cubed precision, recall and F1 over every labelled message, a message outside any hotspot being a
  cluster of its own (so a gold group too small to be a hotspot costs recall);
- for each named big cluster, in the one window: how many hotspots hold its members, the share in the
  best one, and that hotspot's label;
- labels (``labels``): the labeller named each cluster "place + problem" (丽发新城搅拌站, 凉塘路旧城改造); for
  the hotspots made mostly of one such cluster, the share whose generated place, problem, and label (either)
  share a word with that name (an uncommon character bigram). A rough check: a label can be right in other
  words (伊景园滨河苑 捆绑车位 vs 伊景园滨河苑捆绑车位 matches; 外出打工 vs 涉外经济学院学生进厂 does not).

Speed. Synthetic orders built from the real texts of every teddy2020c file (hotspot messages, unlabelled,
train, dev, replies): the hotspot messages keep their clusters together (their real order in time is
squeezed into the window, and each keeps the district its text names), the others are spread uniformly
over the window and over the nine districts, 10 % with no district. Texts are reused when more orders are
needed, each reuse relocated to a district none of the earlier copies is in (its district codes rewritten;
with nine districts, up to the ninth use) and cut at a random sentence, so copies are not exact
duplicates. Beyond nine uses (about 110k orders) copies share districts and make many small "hotspots"
that real traffic would not have. Figures: wall time of ``detect_hotspots`` (best of 3, after a warm-up that
loads the tokenizer, the word-tag and the IDF tables) and its CPU time (the fairer figure on a machine shared
with other jobs), the peak of Python allocations during one run (tracemalloc, which numpy and scipy allocate
through; only up to 100k orders, as tracing triples the run time) and the process's peak RSS.

A run covers one window: 1M orders a year is ~80k in a 30-day window, 1M over two years ~40k. Pairs are
compared within a district (and orders without one against all), so the time grows with the square of the
window's size: 1M orders in one window is not a case the dashboard meets.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import random
import re
import resource
import signal
import time
import tracemalloc
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from analytics.hotspots.detection import detect_hotspots
from analytics.hotspots.types import DetectedHotspot, HotspotItem
from analytics.hotspots.vectors import PRUNE_IDF
from bench.common import RESULTS, ROOT, report, teddy
from triage.duplicates import default_weights

CLUSTERS = ROOT / "bench" / "data" / "hotspot_clusters.csv"
SHANGHAI = ZoneInfo("Asia/Shanghai")
CITY = 0
DISTRICTS = tuple(
    f"A{n}{'区' if n <= 6 else ('县' if n <= 8 else '市')}" for n in range(1, 10)
)  # A1区 … A7县 A8县 A9市
_DISTRICT_CODE = re.compile(r"A[1-9][区县市]")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
NAMED = ("丽发新城搅拌站", "伊景园滨河苑捆绑车位", "58车贷", "魅力之城餐馆油烟噪音", "涉外经济学院学生进厂")
MIN_REPORTS = 3
APPEAL_CHARS = 400  # analytics.hotspots.services.TEXT_CHARS: the service passes the title and this much of the appeal


# --- the data ------------------------------------------------------------------------------------------------


def posted_at(value: str) -> datetime:
    """hotspot_messages.csv mixes '2019/2/28 11:25:05' and '2019-11-13 11:20:21'."""
    return datetime.strptime(value.strip().replace("/", "-"), "%Y-%m-%d %H:%M:%S").replace(tzinfo=SHANGHAI)


def message_text(row: dict[str, str]) -> str:
    """Title and the start of the appeal, as the dashboard service passes them (``analytics.hotspots.services``)."""
    title = re.sub(r"\s+", "", row.get("title") or "")
    appeal = re.sub(r"\s+", "", row.get("detail") or "")
    return f"{title}。{appeal[:APPEAL_CHARS]}"


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def district_of(title: str, text: str) -> int | None:
    """The district id (1-9) a gazetteer would find: the title's district code first, else the text's."""
    for part in (title, text):
        found = [m for m in _DISTRICT_CODE.findall(part) if m in DISTRICTS]
        if found:
            return DISTRICTS.index(found[0]) + 1
    return None


def hotspot_items() -> list[HotspotItem]:
    items = []
    for row in read_csv(teddy("hotspot_messages.csv")):
        text = message_text(row)
        district = district_of(row["title"], text)
        items.append(
            HotspotItem(
                id=int(row["message_id"]),
                text=text,
                created_at=posted_at(row["posted_at"]),
                area_path=(CITY, district) if district else (),
                caller=row["user"],
                likes=int(row["likes"] or 0),
            )
        )
    return items


def gold_clusters() -> dict[int, str]:
    return {int(row["message_id"]): row["cluster"] for row in read_csv(CLUSTERS)}


# --- scores --------------------------------------------------------------------------------------------------


def scores(
    hotspots: Sequence[Sequence[int]], gold: dict[int, str], present: Iterable[int], callers: dict[int, str]
) -> dict[str, float]:
    """Raw sums for purity, completeness and B-cubed on the labelled messages in ``present``."""
    labelled = [i for i in present if i in gold]
    gold_members: dict[str, set[int]] = defaultdict(set)
    for i in labelled:
        gold_members[gold[i]].add(i)
    found: dict[int, int] = {}
    for h, members in enumerate(hotspots):
        for i in members:
            if i in gold:
                found[i] = h
    predicted: dict[int, set[int]] = defaultdict(set)
    for i, h in found.items():
        predicted[h].add(i)
    pure = sum(max(Counter(gold[i] for i in m).values()) for m in predicted.values())
    in_hotspots = sum(len(m) for m in predicted.values())
    eligible = {c: m for c, m in gold_members.items() if len({callers[i] for i in m}) >= MIN_REPORTS}
    complete = sum(
        max((Counter(found[i] for i in m if i in found) or Counter({None: 0})).values()) for m in eligible.values()
    )
    precision = recall = 0.0
    for i in labelled:
        cluster = predicted[found[i]] if i in found else {i}
        truth = gold_members[gold[i]]
        overlap = len(cluster & truth)
        precision += overlap / len(cluster)
        recall += overlap / len(truth)
    return {
        "labelled": len(labelled),
        "in_hotspots": in_hotspots,
        "pure": pure,
        "eligible_members": sum(len(m) for m in eligible.values()),
        "eligible_clusters": len(eligible),
        "complete": complete,
        "bcubed_precision_sum": precision,
        "bcubed_recall_sum": recall,
    }


def summarise(total: dict[str, float]) -> dict[str, Any]:
    p = total["bcubed_precision_sum"] / max(total["labelled"], 1)
    r = total["bcubed_recall_sum"] / max(total["labelled"], 1)
    return {
        "labelled_messages": int(total["labelled"]),
        "labelled_in_hotspots": int(total["in_hotspots"]),
        "purity": round(total["pure"] / max(total["in_hotspots"], 1), 3),
        "completeness": round(total["complete"] / max(total["eligible_members"], 1), 3),
        "eligible_gold_clusters": int(total["eligible_clusters"]),
        "bcubed_precision": round(p, 3),
        "bcubed_recall": round(r, 3),
        "bcubed_f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
    }


def named_clusters(hotspots: Sequence[DetectedHotspot], gold: dict[int, str]) -> dict[str, Any]:
    out = {}
    for name in NAMED:
        members = {i for i, c in gold.items() if c == name}
        holding = [(len(members & set(h.member_ids)), h) for h in hotspots if members & set(h.member_ids)]
        holding.sort(key=lambda item: -item[0])
        if not holding:
            out[name] = {"members": len(members), "hotspots": 0, "one_hotspot": False}
            continue
        best_count, best = holding[0]
        labelled = [i for i in best.member_ids if i in gold]
        out[name] = {
            "members": len(members),
            "hotspots": len(holding),
            "share_in_best": round(best_count / len(members), 3),
            "best_purity": round(sum(gold[i] == name for i in labelled) / max(len(labelled), 1), 3),
            "one_hotspot": len(holding) == 1 and best_count / len(members) >= 0.8,
            "label": best.label,
            "count": best.count,
            "distinct_callers": best.distinct_callers,
        }
    return out


def _bigrams(text: str) -> set[str]:
    return {run[i : i + 2] for run in _HAN_RUN.findall(text) for i in range(len(run) - 1)}


def label_quality(hotspots: Iterable[DetectedHotspot], gold: dict[int, str]) -> dict[str, Any]:
    """How well labels name what the labeller named. For each hotspot whose labelled members are mostly of
    one multi-message gold cluster (named "place + problem" by the labeller, e.g. 丽发新城搅拌站), whether its
    place, its problem, and its label share a word with the cluster's name: a character bigram that is not
    common (IDF ≥ the detector's pruning line, so 小区 or 问题 do not count)."""
    weights = default_weights()
    checked = place = problem = both = either = 0
    for hotspot in hotspots:
        labelled = [gold[i] for i in hotspot.member_ids if i in gold]
        if not labelled:
            continue
        name, count = Counter(labelled).most_common(1)[0]
        if name.isdigit() or count * 2 <= len(labelled):  # a single message is named by its id
            continue
        words = {b for b in _bigrams(name) if weights(b) >= PRUNE_IDF}
        has_place = bool(_bigrams(hotspot.place) & words)
        has_problem = bool(_bigrams(hotspot.problem) & words)
        checked += 1
        place += has_place
        problem += has_problem
        both += has_place and has_problem
        either += has_place or has_problem
    return {
        "hotspots_checked": checked,
        "place_matches_cluster_name": round(place / max(checked, 1), 3),
        "problem_matches_cluster_name": round(problem / max(checked, 1), 3),
        "both_match": round(both / max(checked, 1), 3),
        "label_matches": round(either / max(checked, 1), 3),
    }


def months(start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """Calendar months (start, end] covering [start, end]."""
    first = start.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    out = []
    while first <= end:
        following = (first + timedelta(days=32)).replace(day=1)
        out.append((first, following))
        first = following
    return out


def quality() -> dict[str, Any]:
    items = hotspot_items()
    gold = gold_clusters()
    callers = {it.id: it.caller for it in items}
    figures: dict[str, Any] = {"clusters_file": str(CLUSTERS.relative_to(ROOT)), "messages": len(items)}

    start = min(it.created_at for it in items)
    end = max(it.created_at for it in items)
    total: Counter[str] = Counter()
    hotspot_count = 0
    monthly_hotspots: list[DetectedHotspot] = []
    began = time.perf_counter()
    for month_start, month_end in months(start, end):
        days = (month_end - month_start).days
        window = [it for it in items if month_start < it.created_at <= month_end]
        before = [it for it in items if month_start - timedelta(days=days) < it.created_at <= month_start]
        if not window:
            continue
        found = detect_hotspots(window, window_end=month_end, window_days=days, previous=before)
        hotspot_count += len(found)
        monthly_hotspots.extend(found)
        total.update(scores([h.member_ids for h in found], gold, [it.id for it in window], callers))
    figures["monthly"] = {
        "hotspots": hotspot_count,
        "seconds": round(time.perf_counter() - began, 2),
        **summarise(total),
        "labels": label_quality(monthly_hotspots, gold),
    }

    began = time.perf_counter()
    span = (end - start).days + 2
    found = detect_hotspots(items, window_end=end + timedelta(days=1), window_days=span)
    figures["one_window"] = {
        "hotspots": len(found),
        "seconds": round(time.perf_counter() - began, 2),
        **summarise(Counter(scores([h.member_ids for h in found], gold, [it.id for it in items], callers))),
        "named_clusters": named_clusters(found, gold),
        "labels": label_quality(found, gold),
        "hottest": [
            {"label": h.label, "count": h.count, "callers": h.distinct_callers, "heat": h.heat} for h in found[:15]
        ],
    }
    return figures


# --- speed ---------------------------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")


def corpus() -> tuple[list[HotspotItem], list[tuple[str, str]]]:
    """(the hotspot messages as items at their real dates, (title, text) of every other message)."""
    others: list[tuple[str, str]] = []
    for name in ("messages_unlabelled.csv", "messages_train.csv", "messages_dev.csv", "replies.csv"):
        for row in read_csv(teddy(name)):
            # Rows known only as title + detail run together are cut like the service cuts an appeal.
            text = row["text"][: APPEAL_CHARS + 30] if row.get("text") else message_text(row)
            if len(text) > 10:
                others.append((row.get("title") or "", text))
    return hotspot_items(), list(dict.fromkeys(others))


def relocate(text: str, district: int) -> str:
    return _DISTRICT_CODE.sub(DISTRICTS[district - 1], text)


def synthetic(count: int, window_end: datetime, *, seed: int = 7, window_days: int = 30) -> list[HotspotItem]:
    """``count`` orders in the window ending at ``window_end`` (see the module docstring)."""
    rng = random.Random(seed)
    hotspot, others = corpus()
    start = window_end - timedelta(days=window_days)
    first = min(it.created_at for it in hotspot)
    span = (max(it.created_at for it in hotspot) - first).total_seconds()
    categories = ("城乡建设", "环境保护", "交通运输", "教育文体", "劳动和社会保障", "商贸旅游", "卫生计生")
    items: list[HotspotItem] = []
    for it in hotspot[: min(len(hotspot), count)]:
        # The whole span squeezed into the window keeps every real cluster together in time.
        offset = (it.created_at - first).total_seconds() / span * (window_days * 86400 - 1)
        items.append(
            HotspotItem(
                id=len(items) + 1,
                text=it.text,
                created_at=start + timedelta(seconds=offset + 1),
                area_path=it.area_path or (CITY, rng.randint(1, 9)),
                category=rng.choice(categories),
                caller=it.caller,
                urgency=rng.choices(("normal", "urgent", "emergency"), (90, 9, 1))[0],
                likes=it.likes,
                department=f"部门{rng.randint(1, 40)}",
            )
        )
    # Each copy of a text goes to another district than the copies before it, while there are districts
    # left (up to nine uses): the same letter from strangers in one district is a hotspot no city sees.
    home = [rng.randint(0, len(DISTRICTS) - 1) for _ in others]
    while len(items) < count:
        index = (len(items) - len(hotspot)) % len(others)
        title, text = others[index]
        reuse = (len(items) - len(hotspot)) // len(others)
        district = (home[index] + reuse) % len(DISTRICTS) + 1
        if reuse:
            sentences = [s for s in _SENTENCE_END.split(text) if s]
            cut = rng.randint(1, max(1, len(sentences)))
            text = "".join(sentences[:cut]) or text
        text = relocate(text, district)
        items.append(
            HotspotItem(
                id=len(items) + 1,
                text=text,
                created_at=start + timedelta(seconds=rng.uniform(1, window_days * 86400)),
                area_path=() if rng.random() < 0.1 else (CITY, district),
                category=rng.choice(categories),
                caller=f"c{rng.randint(1, count)}",
                urgency=rng.choices(("normal", "urgent", "emergency"), (90, 9, 1))[0],
                department=f"部门{rng.randint(1, 40)}",
            )
        )
    return items


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class _OutOfTime(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise _OutOfTime


def speed(sizes: Sequence[int], *, repeats: int = 3, time_limit: int = 0, trace_up_to: int = 100_000) -> dict[str, Any]:
    """Wall and CPU time of ``detect_hotspots`` at each size, peak traced memory (sizes up to
    ``trace_up_to``: tracing triples the run time) and the process's peak RSS. A run longer than
    ``time_limit`` seconds, or one that runs out of memory, is recorded as such and the next size is tried."""
    window_end = datetime(2024, 6, 30, 23, 59, tzinfo=SHANGHAI)
    figures: dict[str, Any] = {}
    warm = synthetic(2000, window_end)
    detect_hotspots(warm, window_end=window_end)  # loads the tokenizer, the tag table and the IDF table once
    signal.signal(signal.SIGALRM, _alarm)
    for size in sizes:
        key = f"orders_{size}"
        items = synthetic(size, window_end)
        gc.collect()
        timings, cpu = [], []
        found: list[DetectedHotspot] = []
        try:
            for _ in range(repeats):
                signal.alarm(time_limit)
                began, began_cpu = time.perf_counter(), time.process_time()
                found = detect_hotspots(items, window_end=window_end)
                timings.append(time.perf_counter() - began)
                cpu.append(time.process_time() - began_cpu)
                signal.alarm(0)
        except (_OutOfTime, MemoryError) as error:
            signal.alarm(0)
            found = []
            gc.collect()
            reason = f"not finished within {time_limit} s" if isinstance(error, _OutOfTime) else "out of memory"
            figures[key] = {"failed": reason, "process_peak_rss_mb": peak_rss_mb()}
            print(size, figures[key], flush=True)
            continue
        figures[key] = {
            f"seconds_best_of_{repeats}": round(min(timings), 2),
            "seconds_all": [round(t, 2) for t in timings],
            "cpu_seconds_best": round(min(cpu), 2),
        }
        if size <= trace_up_to:
            gc.collect()
            tracemalloc.start()
            detect_hotspots(items, window_end=window_end)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            figures[key]["peak_traced_mb"] = round(peak / 2**20, 1)
        figures[key] |= {
            "process_peak_rss_mb": peak_rss_mb(),
            "hotspots": len(found),
            "orders_in_hotspots": sum(h.count for h in found),
            "largest_hotspot": max((h.count for h in found), default=0),
        }
        print(size, figures[key], flush=True)
    return figures


SPEED_NOTE = (
    "One run is one window. 1M orders over two years is ~40k per 30-day window (1M a year ~80k); time grows "
    "with the square of a window's size, so 1M orders in one window is not a case the dashboard meets. "
    "Beyond ~110k orders the synthetic copies share districts and make extra small hotspots."
)


def previous_figures() -> dict[str, Any]:
    """The figures last written, so that a run of one part (--quality, --speed, other --sizes) keeps the rest."""
    path = RESULTS / "hotspots.json"
    if not path.is_file():
        return {}
    return {k: v for k, v in json.loads(path.read_text(encoding="utf-8")).items() if k in ("quality", "speed")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quality", action="store_true", help="only the quality figures")
    parser.add_argument("--speed", action="store_true", help="only the speed figures")
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 40_000, 100_000])
    parser.add_argument("--repeats", type=int, default=3, help="runs per size; the best is reported")
    parser.add_argument("--time-limit", type=int, default=0, help="seconds a run may take (0: no limit)")
    parser.add_argument("--memory-limit-gb", type=float, default=0, help="address-space limit (0: none)")
    args = parser.parse_args()
    if args.memory_limit_gb:
        limit = int(args.memory_limit_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    figures = previous_figures()
    if not args.speed:
        figures["quality"] = quality()
    if not args.quality:
        figures["speed"] = {
            **figures.get("speed", {}),
            **speed(args.sizes, repeats=args.repeats, time_limit=args.time_limit),
        }
    if "speed" in figures:
        figures["speed"]["note"] = SPEED_NOTE
    report("hotspots", figures)


if __name__ == "__main__":
    main()
