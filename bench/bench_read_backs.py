"""What the operator's read-backs the models read change in the call figures: round 4's ``is_read_back`` (a
read-back asked to be confirmed at the end of the turn: 您是说…是吧？) against the current one (also a summary of
the call, 我这边登记为… / 那就是说… / 您刚才说…, a read-back confirmed inside the turn, …对吗？我们马上通知…, and the
facts acknowledged and acted on, 收到，老人倒在卫生间叫不醒，我们马上联系120), in one process.

For each variant the pipeline is built as ``bench_calls_category`` builds it (the level-1 model trained by the
production recipe, whose short spoken calls are read through ``is_read_back`` too) and every call of the corpus's
tuning parts (``tune``, ``held_out``, ``final``, ``final2``; never a sealed part) is triaged: level-1 accuracy and
macro-F1 (``bench_calls_category.figures``), place found / partial (``bench_calls_place.figures``), and the safety
detector's recall and false emergencies (``bench_calls_safety.figures``). Also how many operator turns each
variant reads.

    .venv/bin/python -m bench.bench_read_backs          # → bench/results/read_backs.json

Slow: it trains the level-1 model twice and triages the corpus six times (about ten minutes on a shared core).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from bench import bench_calls_category, bench_calls_place, bench_calls_safety
from bench.calls import calls
from bench.common import report
from triage import normalise, safety

PARTS = ("tune", "held_out", "final", "final2")

# Round 4's rule, kept here to measure against.
_ROUND4_READ_BACK = re.compile(
    r"您是说|您说的是|您的意思是|您反映的是|也就是说|我跟您确认|跟您确认|确认一下|我复述|复述一下|核实一下"
    r"|(?:是吧|对吧|是吗|对吗|是不是|对不对|没错吧)[？?。，,！!]*$"
)
_ROUND4_ASKING = re.compile(r"请问|贵姓|怎么称呼|哪里|哪个|什么|多少|几点|几号|多久|有没有|能不能")


def round4_is_read_back(text: str) -> bool:
    return bool(_ROUND4_READ_BACK.search(text)) and not (
        _ROUND4_ASKING.search(text) and not re.search(r"您是说|您说的是|确认", text)
    )


CURRENT = normalise.is_read_back
VARIANTS: dict[str, Callable[[str], bool]] = {"round4": round4_is_read_back, "current": CURRENT}


@contextmanager
def reading(rule: Callable[[str], bool]) -> Iterator[None]:
    """Operator turns read as read-backs by ``rule`` everywhere (normalise.prepare and the safety judge)."""
    normalise.is_read_back, safety.is_read_back = rule, rule
    bench_calls_safety._results.cache_clear()
    try:
        yield
    finally:
        normalise.is_read_back, safety.is_read_back = CURRENT, CURRENT
        bench_calls_safety._results.cache_clear()


def operator_turns_read() -> dict[str, int]:
    read = total = 0
    for part in PARTS:
        for call in calls(part):
            prepared = normalise.prepare(call.text, list(call.turns) if call.turns else None)
            for turn in prepared.turns:
                if turn.speaker == normalise.AGENT:
                    total += 1
                    read += normalise.is_read_back(turn.text)
    return {"operator_turns": total, "read": read}


def variant_figures() -> dict[str, Any]:
    category = bench_calls_category.build_pipeline()
    figures: dict[str, Any] = {"operator_turns": operator_turns_read()}
    for part in PARTS:
        level1 = bench_calls_category.figures(part, category)
        place = bench_calls_place.figures(part)
        calls_safety = bench_calls_safety.figures(part)
        figures[part] = {
            "level1_accuracy": level1["accuracy"],
            "level1_macro_f1": level1["macro_f1"],
            "place_found": place["found"],
            "place_found_or_partial_rate": place["found_or_partial_rate"],
            "emergency_recall": calls_safety["emergency_recall"],
            "false_emergencies_calm_danger": calls_safety["false_emergencies_calm_danger_count"],
            "false_emergencies_regular": calls_safety.get("false_emergencies_regular_count"),
            "self_harm_recall": calls_safety["self_harm_recall"],
            "false_self_harm_flags": calls_safety["false_self_harm_flags"],
            "kind_accuracy_among_detected": calls_safety["kind_accuracy_among_detected"],
            "accuracy": calls_safety["accuracy"],
        }
    return figures


def main() -> None:
    results: dict[str, Any] = {}
    for name, rule in VARIANTS.items():
        with reading(rule):
            results[name] = variant_figures()
    report("read_backs", results)


if __name__ == "__main__":
    main()
