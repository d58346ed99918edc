"""Throughput of the whole triage pipeline without an LLM, on one core, at the data's median length.

Builds the pipeline as a worker does (the demo city's gazetteer, the taxonomy, a level-1 model trained by
the production recipe) and triages messages of 200–280 characters (the data's median is about 240) one by
one in a single thread pinned to one CPU, with BLAS limited to one thread. Reports messages per second,
latency percentiles and the memory the loaded pipeline takes.

    .venv/bin/python -m bench.bench_triage
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"

import csv  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import django  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()

from bench.common import report, teddy  # noqa: E402
from core.demo import city, dataset  # noqa: E402
from triage.classify import Level1Classifier, evaluate  # noqa: E402
from triage.datasets import split_gate, teddy_examples  # noqa: E402
from triage.pipeline import TriagePipeline  # noqa: E402
from triage.types import CategoryRef, PlaceRef  # noqa: E402

MESSAGES = 2000


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reference() -> tuple[list[PlaceRef], list[CategoryRef]]:
    """The demo city's gazetteer and the taxonomy, with made-up ids (no database needed)."""
    messages = dataset.read_messages(teddy("taxonomy.csv").parent)
    streets, communities = city.places_from_messages(messages)
    places, next_id = [PlaceRef(1, "A市", "city", 1)], 2
    for code, name in city.DISTRICTS:
        district = next_id
        aliases = (name[:-1] + ("县" if name.endswith("市") else "市"),) if name.endswith(("县", "市")) else ()
        places.append(PlaceRef(district, name, "district", 2, aliases, parent_id=1))
        next_id += 1
        for street_name in streets.get(code, []):
            street = next_id
            places.append(PlaceRef(street, street_name, "street", 3, parent_id=district))
            next_id += 1
            for community in communities.get(street_name, []):
                places.append(PlaceRef(next_id, community, "community", 4, parent_id=street))
                next_id += 1
    categories, ids = [], {}
    with teddy("taxonomy.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            path: tuple[str, ...] = ()
            for name in (row["level1"], row["level2"], row["level3"]):
                parent_name = path[-1] if path else ""
                path = (*path, name)
                if path not in ids:
                    ids[path] = len(ids) + 1
                    categories.append(CategoryRef(ids[path], len(path), name, parent_name))
    return places, categories


def sample() -> list[str]:
    texts = []
    with teddy("messages_unlabelled.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            text = f"{row['title']}\n{row['detail']}".strip()
            if 200 <= len(text) <= 280:
                texts.append(text)
    return (texts * (MESSAGES // max(1, len(texts)) + 1))[:MESSAGES]


def main() -> None:
    """Train a model, then measure in a fresh process that only loads it (as a worker would)."""
    if len(sys.argv) > 2 and sys.argv[1] == "--measure":
        measure(Path(sys.argv[2]))
        return
    training, _dev = teddy_examples(teddy("taxonomy.csv").parent)
    with tempfile.TemporaryDirectory() as folder:
        artifact = Path(folder) / "level1.joblib"
        artifact.write_bytes(Level1Classifier().fit(split_gate(training)[0]).to_bytes())
        subprocess.run([sys.executable, "-m", "bench.bench_triage", "--measure", str(artifact)], check=True)


def measure(artifact_path: Path) -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    places, categories = reference()
    _training, dev = teddy_examples(teddy("taxonomy.csv").parent)
    texts = sample()
    before = rss_mb()
    artifact = artifact_path.read_bytes()
    model = Level1Classifier.from_bytes(artifact)
    pipeline = TriagePipeline(places=places, categories=categories, level1_model=model, level1_version="bench")
    pipeline.run(texts[0])  # load the jieba dictionary and warm the caches
    loaded = rss_mb()
    latencies = []
    started = time.perf_counter()
    for text in texts:
        begin = time.perf_counter()
        pipeline.run(text)
        latencies.append((time.perf_counter() - begin) * 1000)
    elapsed = time.perf_counter() - started
    latencies.sort()
    # The level-1 category as the whole pipeline decides it on dev (model + lexicon for unknown categories).
    names = {c.id: c.name for c in categories if c.level == 1}
    truth, decided = [], []
    for example in dev:
        truth.append(example.label)
        decided.append(names.get(pipeline.run(example.text).level1.value, ""))
    through_pipeline = evaluate(truth, decided, [1.0] * len(truth))
    known = set(model.classes_)
    report(
        "triage_throughput",
        {
            "messages": len(texts),
            "median_length_chars": statistics.median(len(t) for t in texts),
            "cpus_used": 1,
            "messages_per_second": round(len(texts) / elapsed, 1),
            "latency_ms": {
                "p50": round(latencies[len(latencies) // 2], 2),
                "p95": round(latencies[int(len(latencies) * 0.95)], 2),
                "p99": round(latencies[int(len(latencies) * 0.99)], 2),
            },
            "target_messages_per_second": 300,
            "gazetteer_places": len(places),
            "categories": len(categories),
            "model_artifact_mb": round(len(artifact) / 1e6, 1),
            "memory_mb": {
                "process_after_loading": round(loaded, 1),
                "pipeline_and_model_loaded": round(loaded - before, 1),
            },
            "target_memory_mb": 500,
            "dev_level1_through_the_pipeline": {
                "macro_f1_over_the_7_labels": round(
                    sum(through_pipeline.per_class[label]["f1"] for label in known) / len(known), 4
                ),
                "accuracy": through_pipeline.accuracy,
                "moved_to_a_category_the_model_does_not_know": sum(1 for label in decided if label not in known),
                "messages": len(truth),
            },
        },
    )


if __name__ == "__main__":
    main()
