"""How well and how fast personal data is masked, in web messages and in calls.

- Web-message sentences (tests/triage/pii_cases.py): recall per kind (planted values found with their kind and
  exact offsets), precision (masked spans that were planted), false positives on sentences that must stay; the
  same on tests/triage/pii_cases_held_out.py, the held-out set of round 3's kinds (rooms, passports, WeChat and
  QQ ids, cards and IDs after their words).
- Dialogues (tests/triage/dialogue_pii_cases.py, 500+ calls built from templates plus hand-written ones): every
  planted mention masked as its kind in the whole transcript (names: recall; numbers: must be 1.0), per class of
  case (ASR variants of digits, fillers, plates read aloud, titles, rare surnames, corrections …), what stays
  readable in the model text, masked spans that cover no planted value (precision), and spans in the calls
  that must stay untouched (places, organisations, job titles, ordinary numbers).
- The call corpus (bench/calls.py), ``tune``, ``held_out`` and ``final`` (parts 1-3, all tuning material since round
  4), ``final2`` and ``final3`` (part4.jsonl and part5.jsonl, each sealed until it was measured once after round 4
  or 5, tuning material since; final3's sealed figures stay in bench/results/privacy_final3.json); a sealed part
  not yet measured only when named (written to bench/results/privacy_<part>.json):
  a personal value counts as masked when none of
  the forms it takes in the transcript (``as_said``) can still be read in the masked whole text or model text;
  a surname said alone (周) counts as readable where it still stands as a name (姓周, 周先生, 老周, a clause of
  its own, 周末的周). A form in which 某 stands for the given name (王某, 李某某) is a name already masked
  (round 2 leaves it as it is): it counts as masked, and ``names_counting_mou_forms_as_readable`` gives the figure
  that counts it as readable. Names masked that are no labelled value are counted (precision) and listed with the
  values missed, on every part but a sealed one.
- Real web messages (messages_dev.csv and hotspot_messages.csv): how many spans of each kind are masked, how
  many names only the recogniser found (no cue word next to them; a fixed sample of 50 is written out to read),
  and the spans found in the first 2,000 hotspot messages with their context, so a false positive can be seen.
- Speed: ms per 1000 characters for web messages (``mask_pii``) and for calls (``mask_dialogue``).

    .venv/bin/python -m bench.bench_privacy            # every part but a sealed one
    .venv/bin/python -m bench.bench_privacy final2     # one part of the corpus, printed with what it missed
    .venv/bin/python -m bench.bench_privacy final3     # tuning material since round 6, printed like final2
"""

from __future__ import annotations

import csv
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from bench.calls import SEALED_SPLITS, calls
from bench.common import best_seconds, report, teddy
from tests.triage.dialogue_pii_cases import NUMBER_KINDS, PLANTED_DIALOGUES, TRAP_DIALOGUES, outcome
from tests.triage.pii_cases import PLANTED_CASES, UNTOUCHED, Case
from tests.triage.pii_cases_held_out import HELD_OUT_PLANTED, HELD_OUT_UNTOUCHED
from triage import privacy
from triage.normalise import normalise, prepare, to_simplified
from triage.privacy import ADDRESS_TITLES, PiiKind, find_pii, mask_dialogue, mask_pii

# the corpus's parts read to tune the rules: parts 1-3, and final2 and final3 since each was measured sealed once
CORPUS_PARTS = tuple(dict.fromkeys(("tune", "held_out", "final", "final2", "final3")))
SEALED = tuple(split for split in SEALED_SPLITS if split not in CORPUS_PARTS)
REAL_ROWS = 2000
REPEATS = 5
TARGET_MS_PER_240_CHARS = 0.5
SAMPLE = 50


def _rate(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def speed(work: Callable[[], object], chars: int, items: int) -> dict[str, float]:
    """The best of a few runs, each with the tagger's cache of windows emptied first (new text would miss it)."""

    def cold() -> object:
        privacy._tags.cache_clear()
        return work()

    seconds = best_seconds(cold, repeats=REPEATS)
    return {
        "texts": items,
        "mean_chars": round(chars / items, 1),
        "texts_per_second": round(items / seconds),
        "ms_per_text": round(1000 * seconds / items, 4),
        "ms_per_1000_chars": round(1000 * seconds / chars * 1000, 4),
        "ms_per_240_chars": round(1000 * seconds / chars * 240, 4),
    }


def text_speed(texts: Sequence[str]) -> dict[str, float]:
    return speed(lambda: [mask_pii(text) for text in texts], sum(map(len, texts)), len(texts))


def quality(planted_cases: Sequence[Case] = PLANTED_CASES, untouched: Sequence[str] = UNTOUCHED) -> dict[str, object]:
    planted = Counter()
    found = Counter()
    masked_spans = masked_planted = 0
    for case in planted_cases:
        spans = {(s.kind, s.start, s.end) for s in find_pii(case.text)}
        wanted = {(p.kind, p.start, p.end) for p in case.planted}
        for kind, _, _ in wanted:
            planted[kind] += 1
        for kind, _, _ in wanted & spans:
            found[kind] += 1
        masked_spans += len(spans)
        masked_planted += len(spans & wanted)
    false_positives = [(text, span.kind, span.value) for text in untouched for span in find_pii(text)]
    masked_spans += len(false_positives)
    kinds = [kind.value for kind in PiiKind]
    return {
        "planted_sentences": len(planted_cases),
        "untouched_sentences": len(untouched),
        "planted_per_kind": {kind: planted[kind] for kind in kinds},
        "recall_per_kind": {kind: _rate(found[kind], planted[kind]) for kind in kinds},
        "recall": _rate(sum(found.values()), sum(planted.values())),
        "precision": _rate(masked_planted, masked_spans),
        "false_positives_on_untouched": len(false_positives),
        "false_positive_examples": [f"{kind} {value!r} in {text!r}" for text, kind, value in false_positives[:20]],
    }


def dialogues() -> dict[str, object]:
    planted = Counter()
    missed = Counter()
    results = [outcome(case) for case in PLANTED_DIALOGUES]
    for result in results:
        for value in result.case.planted:
            planted[value.kind] += 1
        for value in result.missed:
            missed[value.kind] += 1
    spans = sum(r.spans for r in results)
    extra = [f"{kind} {value!r}" for r in results for kind, value in r.extra]
    numbers = sum(planted[k] for k in NUMBER_KINDS)
    traps = [outcome(case) for case in TRAP_DIALOGUES]
    trap_spans = [f"{kind} {value!r}" for r in traps for kind, value in r.extra]
    damaged = [p.text for r in results + traps for p in r.damaged]
    per_class: dict[str, Counter[str]] = {}
    for result in results:
        counts = per_class.setdefault(result.case.name, Counter())
        counts["planted"] += len(result.case.planted)
        counts["missed"] += len(result.missed)
    return {
        "calls_with_planted_values": len(PLANTED_DIALOGUES),
        "calls_that_must_stay": len(TRAP_DIALOGUES),
        "planted_mentions_per_kind": dict(planted),
        "recall_per_kind": {kind: _rate(planted[kind] - missed[kind], planted[kind]) for kind in planted},
        "numbers_recall": _rate(numbers - sum(missed[k] for k in NUMBER_KINDS), numbers),
        "names_recall": _rate(planted["NAME"] - missed["NAME"], planted["NAME"]),
        "recall_per_class_of_case": {
            name: _rate(c["planted"] - c["missed"], c["planted"]) for name, c in sorted(per_class.items())
        },
        "precision": _rate(spans - len(extra), spans),
        "masked_not_planted": extra[:20],
        "spans_in_calls_that_must_stay": len(trap_spans),
        "spans_in_calls_that_must_stay_examples": trap_spans[:20],
        "kept_words_masked": damaged[:20],
        "planted_still_readable_by_models": sum(len(r.leaked_to_models) for r in results),
        "missed_examples": [f"{p.kind} {p.text!r} ({r.case.name})" for r in results for p in r.missed][:20],
    }


# 王某, 李某某, 张某人: the given name is already left out; the form is a name already masked.
_MOU = re.compile(r"^[\u4e00-\u9fff]{1,2}某(?:某|人)?$")


def _readable(form: str, masked: str) -> bool:
    """Whether a spoken form of a personal value can still be read in a masked text."""
    if len(form) >= 2:
        return form in masked
    x = re.escape(form)
    titles = "|".join(ADDRESS_TITLES)
    return bool(
        re.search(
            rf"姓{x}|{x}(?:{titles})|(?:^|[，。：:\n])\s*{x}(?:[，。\n]|$)|[老小]{x}(?![\u4e00-\u9fff])|的{x}(?![\u4e00-\u9fff])",
            masked,
        )
    )


def call_corpus(split: str, *, details: bool) -> dict[str, object]:
    """The figures on one part of the corpus; ``details`` lists the values missed and the names masked that
    are no labelled value (for the tuning parts, never a sealed one)."""
    total = Counter()
    masked = Counter()
    mou_forms = mou_values_readable = 0
    missed: list[str] = []
    not_labelled: list[str] = []
    name_spans = 0
    for call in calls(split):
        prepared = prepare(call.text, list(call.turns) if call.turns else None)
        full, model = mask_dialogue(prepared)
        forms_of_all: list[str] = []
        names = [normalise(to_simplified(v.value)) for v in call.personal if v.kind == PiiKind.NAME]
        for value in call.personal:
            forms = [normalise(to_simplified(form)) for form in value.as_said]
            forms_of_all += forms
            shown = [form for form in forms if _readable(form, full.text) or _readable(form, model.text)]
            mou = [form for form in shown if _MOU.match(form)]
            mou_forms += sum(1 for form in forms if _MOU.match(form))
            if mou and len(mou) == len(shown):
                mou_values_readable += 1  # shown only as 王某: already masked
                shown = []
            total[value.kind] += 1
            if shown:
                missed.append(f"{call.id} {value.kind} {shown}")
            else:
                masked[value.kind] += 1
        said = [
            (m.start(), m.end()) for form in forms_of_all if form for m in re.finditer(re.escape(form), prepared.text)
        ]
        for span in full.spans:
            if span.kind == PiiKind.NAME:
                name_spans += 1
                # the surname of a labelled name (我姓曾 for 曾小燕) and its spelling (柴火滴柴, 木易杨) are labelled too
                labelled = any(span.value in name for name in names) or (
                    span.value[-1:] in {name[:1] for name in names}
                    and ("的" in span.value or "滴" in span.value or span.value[:-1] in privacy._SPELLINGS)
                )
                if not labelled and not any(span.start < end and span.end > start for start, end in said):
                    context = prepared.text[max(0, span.start - 8) : span.end + 6].replace("\n", "/")
                    not_labelled.append(f"{call.id} {span.value!r} in …{context}…")
    numbers = sum(total[k] for k in NUMBER_KINDS)
    listed = {"not_labelled_names": not_labelled, "values_still_readable": missed} if details else {}
    return {
        "calls": len(calls(split)),
        "values_per_kind": dict(total),
        "masked_per_kind": {kind: _rate(masked[kind], total[kind]) for kind in total},
        "numbers": _rate(sum(masked[k] for k in NUMBER_KINDS), numbers),
        "names": _rate(masked["NAME"], total["NAME"]),
        "forms_with_mou": mou_forms,
        "names_counting_mou_forms_as_readable": _rate(masked["NAME"] - mou_values_readable, total["NAME"]),
        "name_spans": name_spans,
        "name_spans_on_no_labelled_value": len(not_labelled),
        "name_precision": _rate(name_spans - len(not_labelled), name_spans),
        "values_still_readable_count": len(missed),
        **listed,
    }


def _web_messages() -> list[str]:
    texts: list[str] = []
    for name in ("messages_dev.csv", "hotspot_messages.csv"):
        with teddy(name).open(encoding="utf-8", newline="") as handle:
            texts += [row["detail"] or row.get("text", "") for row in csv.DictReader(handle)]
    return texts


def web_names(texts: Sequence[str]) -> dict[str, object]:
    """Spans per kind on every message, and the names found with no cue word next to them (the recogniser's)."""
    counts: Counter[str] = Counter()
    recognised: list[str] = []
    for text in texts:
        # the cue rules alone (我叫, 联系人 …), on privacy's own normalisation (same length as the text)
        cued = {(start, end) for _, start, end in privacy._names(privacy.normalise(text))}
        for span in find_pii(text):
            counts[span.kind] += 1
            if span.kind == PiiKind.NAME and (span.start, span.end) not in cued:
                context = text[max(0, span.start - 12) : span.end + 8].replace("\n", " ")
                recognised.append(f"{span.value!r} in …{context}…")
    sample = random.Random(12).sample(recognised, min(SAMPLE, len(recognised)))
    return {
        "messages": len(texts),
        "spans_per_kind": dict(counts),
        "names_with_a_cue_word": counts[PiiKind.NAME] - len(recognised),
        "names_found_by_the_recogniser": len(recognised),
        "recogniser_sample_to_read": sample,
    }


def real_messages() -> tuple[list[str], dict[str, object]]:
    with teddy("hotspot_messages.csv").open(encoding="utf-8", newline="") as handle:
        details = [row["detail"] for _, row in zip(range(REAL_ROWS), csv.DictReader(handle), strict=False)]
    counts: Counter[str] = Counter()
    hits = []
    for text in details:
        for span in find_pii(text):
            counts[span.kind] += 1
            context = text[max(0, span.start - 12) : span.end + 6].replace("\n", " ")
            hits.append(f"{span.kind} {span.value!r} in …{context}…")
    return details, {"messages": len(details), "spans_per_kind": dict(counts), "spans": hits}


def call_speed() -> dict[str, float]:
    prepared = [prepare(call.text, list(call.turns) if call.turns else None) for call in calls()]
    chars = sum(len(p.text) for p in prepared)
    return speed(lambda: [mask_dialogue(p) for p in prepared], chars, len(prepared))


def main() -> None:
    figures: dict[str, Any] = {"test_set": quality()}
    # Round 3's kinds (rooms, passports, WeChat/QQ, cards and IDs after their words) on a set written before
    # their rules and never used to tune them.
    figures["test_set_round3_held_out"] = quality(HELD_OUT_PLANTED, HELD_OUT_UNTOUCHED)
    test_texts = [case.text for case in PLANTED_CASES] + list(UNTOUCHED)
    figures["test_set_speed"] = text_speed(test_texts)
    figures["dialogue_set"] = dialogues()
    for part in CORPUS_PARTS:
        figures[f"calls_{part}"] = call_corpus(part, details=True)
    figures["calls_speed"] = call_speed()
    messages = _web_messages()
    figures["web_messages_names"] = web_names(messages)
    details, found = real_messages()
    figures["hotspot_messages"] = {**found, "speed": text_speed(details)}
    figures["target_ms_per_240_chars"] = TARGET_MS_PER_240_CHARS
    report("privacy", figures)


def main_parts(parts: list[str]) -> None:
    """Some parts of the call corpus: a tuning part printed with what it missed; a sealed part measured once with
    the rules frozen, counts only, nothing listed, written apart."""
    unknown = [part for part in parts if part not in (*CORPUS_PARTS, *SEALED)]
    if unknown:
        raise SystemExit(f"a part of the corpus is named here ({', '.join((*CORPUS_PARTS, *SEALED))}), not {unknown}")
    for part in parts:
        if part in SEALED:
            report(f"privacy_{part}", {f"calls_{part}": call_corpus(part, details=False)})
        else:
            print(json.dumps({f"calls_{part}": call_corpus(part, details=True)}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    if sys.argv[1:]:
        main_parts(sys.argv[1:])
    else:
        main()
