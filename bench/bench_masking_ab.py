"""The CPU cost of the web pipeline's masking and safety rules, an earlier revision against the working tree, in one
process: ``triage/privacy.py`` and ``triage/safety.py`` as they were at REVISION (read with ``git show`` into a
temporary folder, beside ``triage/data``) and as they are now, alternated over the same web messages (the
``messages_dev.csv`` messages of 200–280 characters, prepared as the pipeline prepares them), each message masked
(``mask_pii``) and its masked text assessed (``assess``, the rules alone, as for web messages). Prints the CPU time
per message of each round and the best of each; the tagger's cache is emptied before every round.

    taskset -c 0 .venv/bin/python -m bench.bench_masking_ab 0a7c4ea        # six rounds
    taskset -c 0 .venv/bin/python -m bench.bench_masking_ab 0a7c4ea 10     # ten

Pin it to one core: the figure is CPU time, but a shared core still shifts it; compare the two columns, not runs.
"""

from __future__ import annotations

import csv
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

from bench.common import teddy
from triage import privacy, safety
from triage.normalise import prepare

ROOT = Path(__file__).resolve().parent.parent


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def earlier(revision: str, folder: Path) -> tuple[ModuleType, ModuleType]:
    """privacy and safety as they were at ``revision``, loaded under their own names."""
    (folder / "data").symlink_to(ROOT / "triage" / "data")
    modules = []
    for name in ("privacy", "safety"):
        source = subprocess.run(
            ["git", "show", f"{revision}:triage/{name}.py"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
        path = folder / f"{name}_then.py"
        path.write_text(source, encoding="utf-8")
        modules.append(_load(f"{name}_then", path))
    return modules[0], modules[1]


def messages() -> list[str]:
    with teddy("messages_dev.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    texts = [prepare(row.get("text") or f"{row.get('title', '')}{row.get('detail', '')}").text for row in rows]
    return [text for text in texts if 200 <= len(text) <= 280]


def main(revision: str, rounds: int) -> None:
    texts = messages()
    with tempfile.TemporaryDirectory() as folder:
        privacy_then, safety_then = earlier(revision, Path(folder))
        variants = {revision: (privacy_then, safety_then), "now": (privacy, safety)}
        per_message: dict[str, list[float]] = {name: [] for name in variants}
        for _ in range(rounds + 1):  # the first round warms both up and is not counted
            for name, (masking, rules) in variants.items():
                masking._tags.cache_clear()
                started = time.process_time()
                for text in texts:
                    rules.assess(masking.mask_pii(text).text)
                per_message[name].append((time.process_time() - started) / len(texts) * 1000)
    print(f"{len(texts)} messages of 200-280 characters; load average {os.getloadavg()[0]:.1f}")
    for name, values in per_message.items():
        counted = values[1:]
        print(
            f"{name:>10}: best {min(counted):.3f} ms of CPU per message, median {statistics.median(counted):.3f}"
            f" ({', '.join(f'{v:.3f}' for v in counted)})"
        )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "HEAD", int(sys.argv[2]) if len(sys.argv) > 2 else 6)
