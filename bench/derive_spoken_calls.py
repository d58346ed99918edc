"""Derive the call model's corpus-call data from the parts of the call corpus that are open for tuning.

Writes two files under triage/data, both read by the shipped triage (no database, no bench import):

- ``spoken_calls.txt``: every call of ``tune``, ``final``, ``final2`` and ``final3`` as a short call of the
  spoken appeals' format (``@style corpus_<part>``, its ``[level1/level2/level3]`` path, its turns joined by
  ``｜``, the call's id on a comment line before it), so the call model trains on calls as operators' systems
  transcribe them, from five writers, beside the written appeals. ``held_out`` (the reported figure) and any
  sealed part written later are never read.
- ``emergency_level1.tsv``: how many of those calls of each kind of emergency (their label) fall in each
  level-1 category, per part (gas leaks and fallen wires 城乡建设, violence and fires 政法 …), the prior the pipeline adds
  to a call the safety detector finds an emergency of that kind (``TriagePipeline._level1_of_call``).

    .venv/bin/python -m bench.derive_spoken_calls
"""

from __future__ import annotations

from collections import Counter

from bench.calls import calls
from triage.datasets import DATA, TURN_MARK

PARTS = ("tune", "final", "final2", "final3")  # open for tuning; never held_out, never a part sealed later
SPOKEN_CALLS = DATA / "spoken_calls.txt"
EMERGENCY_LEVEL1 = DATA / "emergency_level1.tsv"

HEADER = """\
# Calls of the call corpus (bench/data/calls) that are open for tuning: the parts tune, final, final2 and final3,
# written by five AI assistants apart from each other (bench/data/calls/README.md). Each call is a short call of
# the spoken appeals' format: its turns ("坐席：" operator, "市民：" caller) joined by "｜", under its labelled
# [level1/level2/level3] path, its corpus id on the comment line before it; "@style corpus_<part>" names its part.
# The held_out part, whose figures are reported, is not here, nor any sealed part written later.
# Derived by bench/derive_spoken_calls.py: do not edit by hand, run it again.
"""


def main() -> None:
    lines = [HEADER]
    kinds: Counter[tuple[str, str, str]] = Counter()
    written = 0
    for part in PARTS:
        lines.append(f"\n@style corpus_{part}\n")
        for call in calls(part):
            assert call.split == part, call.id
            turns = [line.strip() for line in call.text.splitlines() if line.strip()]
            if not all(turn[:3] in ("坐席：", "市民：") for turn in turns) or any(TURN_MARK in t for t in turns):
                raise ValueError(f"{call.id}: a turn that is not 坐席：/市民：, or that holds {TURN_MARK}")
            path = call.labels.get("category_path") or call.level1
            lines.append(f"[{path}]\n# {call.id}\n{TURN_MARK.join(turns)}\n")
            written += 1
            if call.labels.get("emergency_kind"):
                kinds[call.labels["emergency_kind"], call.level1, part] += 1
    SPOKEN_CALLS.write_text("".join(lines), encoding="utf-8")
    rows = ["kind\tlevel1\tpart\tcalls\n"] + [
        f"{k}\t{level1}\t{p}\t{n}\n" for (k, level1, p), n in sorted(kinds.items())
    ]
    EMERGENCY_LEVEL1.write_text("".join(rows), encoding="utf-8")
    print(f"{written} calls → {SPOKEN_CALLS.name}; {sum(kinds.values())} emergencies → {EMERGENCY_LEVEL1.name}")


if __name__ == "__main__":
    main()
