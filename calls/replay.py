"""A recorded dialogue replayed as an ASR engine would stream it: each utterance grows in partial hypotheses while it
is spoken and ends with its final words, at the times it was said (``speed`` times faster), then the call hangs up.
Used by ``manage.py replay_call``, the benchmark (bench/bench_live_calls.py) and the browser test.

A recording is a JSON list of turns (``[{"speaker": "caller", "text": …, "start": 2.3, "end": 8.0}]``, or an object
with ``turns``), a line of the call corpus (bench/data/calls/*.jsonl), or ``坐席：/市民：`` lines as text. Turns
without times are given the times of someone speaking at ``CHARS_PER_SECOND`` with ``GAP_SECONDS`` between turns."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from calls.turns import TurnIn
from triage.normalise import turns_from_json, turns_from_text

CHARS_PER_SECOND = 4.5  # a Chinese speaker on the phone, about 270 characters a minute
GAP_SECONDS = 0.6
PARTIAL_EVERY_SECONDS = 1.0
HANG_UP_AFTER_SECONDS = 1.0


@dataclass(frozen=True)
class TimedTurn:
    speaker: str
    text: str
    start: float
    end: float


@dataclass(frozen=True)
class ReplayEvent:
    at: float  # seconds from the call's start
    turn: TurnIn | None  # None: the caller hangs up


def read_recording(path: Path, call: str | None = None) -> list[TimedTurn]:
    """The turns of a recording (``call``: the id of a call in a corpus file; the first one by default)."""
    raw = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        records = [json.loads(line) for line in raw.splitlines() if line.strip()]
        chosen = next((r for r in records if call is None or r.get("id") == call), None)
        if chosen is None:
            raise ValueError(f"no call {call} in {path}")
        return recording_turns(chosen)
    if path.suffix == ".json":
        return recording_turns(json.loads(raw))
    return recording_turns({"transcript": raw})


def recording_turns(record: Any) -> list[TimedTurn]:
    """The timed turns of a parsed recording: a list of turns, ``{"turns": …}`` or a corpus record."""
    items = record if isinstance(record, list) else record.get("turns") if isinstance(record, dict) else None
    if isinstance(items, list) and items:
        speakers = turns_from_json(items)
        if speakers is None:
            raise ValueError("the turns need a speaker (agent or caller) and a text each")
        kept = [item for item in items if str(item.get("text") or item.get("content") or "").strip()]
        if all(isinstance(item.get("start"), int | float) for item in kept):
            return [
                TimedTurn(turn.speaker, turn.text, float(item["start"]), float(item.get("end") or item["start"]))
                for turn, item in zip(speakers, kept, strict=True)
            ]
        return _timed([(turn.speaker, turn.text) for turn in speakers])
    text = record.get("transcript") if isinstance(record, dict) else None
    turns = turns_from_text(text or "")
    if not turns:
        raise ValueError("no speaker-labelled turns (坐席：… 市民：…) in the recording")
    return _timed([(turn.speaker, turn.text) for turn in turns])


def _timed(turns: Iterable[tuple[str, str]]) -> list[TimedTurn]:
    timed, clock = [], 0.0
    for speaker, text in turns:
        length = max(0.8, len(text) / CHARS_PER_SECOND)
        timed.append(TimedTurn(speaker, text, round(clock, 2), round(clock + length, 2)))
        clock += length + GAP_SECONDS
    return timed


def schedule(turns: list[TimedTurn], *, partials: bool = True) -> list[ReplayEvent]:
    """What the ASR engine sends and when: partial hypotheses every ``PARTIAL_EVERY_SECONDS`` of an utterance (the
    words said so far), its final words at its end, and the hang-up after the last one."""
    events = []
    for seq, turn in enumerate(turns):
        moment = turn.start + PARTIAL_EVERY_SECONDS
        while partials and moment < turn.end:
            share = (moment - turn.start) / (turn.end - turn.start)
            heard = turn.text[: max(1, int(len(turn.text) * share))]
            events.append(ReplayEvent(moment, TurnIn(seq, turn.speaker, heard, turn.start, None, final=False)))
            moment += PARTIAL_EVERY_SECONDS
        events.append(ReplayEvent(turn.end, TurnIn(seq, turn.speaker, turn.text, turn.start, turn.end, final=True)))
    last = max((turn.end for turn in turns), default=0.0)
    events.append(ReplayEvent(last + HANG_UP_AFTER_SECONDS, None))
    return sorted(events, key=lambda event: event.at)


def play(
    events: list[ReplayEvent],
    *,
    speed: float,
    send: Callable[[TurnIn], None],
    hang_up: Callable[[], None],
    started: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Send each event at its time (``speed`` 2 plays twice as fast; 0 sends them all at once)."""
    origin = time.monotonic() if started is None else started
    for event in events:
        if speed > 0:
            wait = origin + event.at / speed - time.monotonic()
            if wait > 0:
                sleep(wait)
        if event.turn is None:
            hang_up()
        else:
            send(event.turn)
