"""Duplicate and related reports: precision, recall and speed of triage.duplicates.

    .venv/bin/python -m bench.bench_duplicates                 # figures on the labelled pairs, and speed
    .venv/bin/python -m bench.bench_duplicates --retrieval     # the same pairs through the index of rare terms
    .venv/bin/python -m bench.bench_duplicates --fit           # refit the score's weights on the tuning half
    .venv/bin/python -m bench.bench_duplicates --build-df      # regenerate triage/data/duplicates_df.tsv
    .venv/bin/python -m bench.bench_duplicates --sample-pairs  # the candidate pairs that were labelled by hand

The labelled pairs are bench/data/hotspot_same_event_pairs.csv (how they were drawn and labelled: bench/data/
README.md). The pairs are split by the parity of message_id_a: the threshold is chosen on the even half
("tuning") and the figures are reported on the odd half ("held out") as well as on all pairs. The sample
was drawn within 60 days, so the finder runs with a 60-day window here (the default is 30).
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from bench.common import ROOT, report, teddy
from triage.duplicates import (
    BIAS,
    DATA,
    DUPLICATE_THRESHOLD,
    INDEX_CANDIDATES,
    INDEX_MAX_POSTINGS,
    INDEX_MIN_IDF,
    RELATED_THRESHOLD,
    W_TIME,
    DuplicateFinder,
    DuplicateIndex,
    Report,
    index_keys,
    text_terms,
)

PAIRS = ROOT / "bench" / "data" / "hotspot_same_event_pairs.csv"
DF_TABLE = DATA / "duplicates_df.tsv"
DF_MIN = 10  # terms in fewer messages are left out of the table; the finder treats them as rare
WINDOW = timedelta(days=60)
THRESHOLDS = tuple(round(0.3 + 0.05 * i, 2) for i in range(13))
SHANGHAI = ZoneInfo("Asia/Shanghai")


# --- the data ------------------------------------------------------------------------------------------------


def posted_at(value: str) -> datetime:
    """hotspot_messages.csv mixes '2019/2/28 11:25:05' and '2019-11-13 11:20:21'."""
    return datetime.strptime(value.replace("/", "-"), "%Y-%m-%d %H:%M:%S").replace(tzinfo=SHANGHAI)


def message_text(row: dict[str, str]) -> str:
    return re.sub(r"\s+", "", f"{row['title']}。{row['detail']}")


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def hotspot_reports() -> dict[int, Report]:
    return {
        int(row["message_id"]): Report(
            id=int(row["message_id"]),
            text=message_text(row),
            received_at=posted_at(row["posted_at"]),
            caller=row["user"],
        )
        for row in read_csv(teddy("hotspot_messages.csv"))
    }


def labelled_pairs() -> list[dict[str, str]]:
    return read_csv(PAIRS)


def pair_scores(finder: DuplicateFinder, reports: dict[int, Report], pairs: list[dict[str, str]]) -> np.ndarray:
    """The finder's score of message b as a candidate for message a, for every labelled pair."""
    ids = sorted({int(p[k]) for p in pairs for k in ("message_id_a", "message_id_b")})
    index = DuplicateIndex.build([reports[i] for i in ids], finder=finder)
    position = {i: n for n, i in enumerate(ids)}
    cache: dict[int, np.ndarray] = {}
    scores = []
    for p in pairs:
        a, b = int(p["message_id_a"]), int(p["message_id_b"])
        if a not in cache:
            cache[a] = index.scores(reports[a])[0]
        scores.append(cache[a][position[b]])
    return np.array(scores)


# --- figures -------------------------------------------------------------------------------------------------


def confusion(labels: np.ndarray, scores: np.ndarray, threshold: float) -> dict[str, float]:
    predicted = scores >= threshold
    tp = int((predicted & (labels == 1)).sum())
    fp = int((predicted & (labels == 0)).sum())
    fn = int((~predicted & (labels == 1)).sum())
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "pairs": len(labels),
        "positives": int(labels.sum()),
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "false_positives": fp,
        "false_negatives": fn,
    }


def choose_threshold(labels: np.ndarray, scores: np.ndarray) -> float:
    """The threshold with the best F1; ties go to the higher threshold (fewer wrong merges)."""
    return max(THRESHOLDS, key=lambda t: (confusion(labels, scores, t)["f1"], t))


def stratum(note: str) -> str:
    return note.split(":", 1)[0]


def quality() -> dict[str, Any]:
    pairs = labelled_pairs()
    finder = DuplicateFinder(window=WINDOW)
    scores = pair_scores(finder, hotspot_reports(), pairs)
    labels = np.array([int(p["same_event"]) for p in pairs])
    tuning = np.array([int(p["message_id_a"]) % 2 == 0 for p in pairs])
    chosen = choose_threshold(labels[tuning], scores[tuning])
    strata = sorted({stratum(p["note"]) for p in pairs})
    return {
        "pairs_file": str(PAIRS.relative_to(ROOT)),
        "window_days": WINDOW.days,
        "threshold_chosen_on_tuning_half": chosen,
        "DUPLICATE_THRESHOLD": DUPLICATE_THRESHOLD,
        "RELATED_THRESHOLD": RELATED_THRESHOLD,
        "at_DUPLICATE_THRESHOLD": {
            "tuning_half": confusion(labels[tuning], scores[tuning], DUPLICATE_THRESHOLD),
            "held_out_half": confusion(labels[~tuning], scores[~tuning], DUPLICATE_THRESHOLD),
            "all": confusion(labels, scores, DUPLICATE_THRESHOLD),
        },
        "related_recall_all": confusion(labels, scores, RELATED_THRESHOLD)["recall"],
        "by_threshold": [
            {
                "threshold": t,
                "all": {k: v for k, v in confusion(labels, scores, t).items() if k in ("precision", "recall", "f1")},
                "held_out": {
                    k: v
                    for k, v in confusion(labels[~tuning], scores[~tuning], t).items()
                    if k in ("precision", "recall")
                },
            }
            for t in THRESHOLDS
        ],
        "by_stratum_at_DUPLICATE_THRESHOLD": {
            s: confusion(labels[mask], scores[mask], DUPLICATE_THRESHOLD)
            for s in strata
            for mask in [np.array([stratum(p["note"]) == s for p in pairs])]
        },
    }


def speed_candidates(count: int) -> list[Report]:
    """Real messages as open orders: the hotspot messages, then the unlabelled ones, all inside the window."""
    rows = read_csv(teddy("hotspot_messages.csv")) + read_csv(teddy("messages_unlabelled.csv"))
    start = datetime(2019, 12, 1, 9, tzinfo=SHANGHAI)
    return [
        Report(id=n, text=message_text(row), received_at=start + timedelta(minutes=n), caller=row["user"])
        for n, row in enumerate(rows[:count])
    ]


def median_ms(calls: Iterator[Callable[[], Any]]) -> float:
    times = []
    for call in calls:
        begin = time.perf_counter()
        call()
        times.append((time.perf_counter() - begin) * 1000)
    return round(statistics.median(times), 2)


def speed() -> dict[str, Any]:
    """Milliseconds per new report (median of 50), with N open orders as candidates.

    index_build: featurising N candidates from cold (once per index, or once per candidate for a finder).
    index_matches: DuplicateIndex.matches, the path for scoring many new reports against one set.
    finder_matches_new_set: DuplicateFinder.matches when the candidate list differs from the last call
    (one order replaced), so the index is reassembled from the finder's cached rows.
    """
    figures: dict[str, Any] = {}
    pool = speed_candidates(5100)
    spare = pool[5000:]
    new_reports = [
        Report(id=-1 - i, text=r.text, received_at=r.received_at + timedelta(hours=1), caller="speed")
        for i, r in enumerate(random.Random(7).sample(spare, 50))
    ]
    for n in (100, 1000, 2000, 5000):
        candidates = pool[:n]
        finder = DuplicateFinder(window=WINDOW)
        begin = time.perf_counter()
        index = finder.index(candidates)
        build_ms = (time.perf_counter() - begin) * 1000
        finder.featuriser.features_of(spare)
        replaced = [[*candidates[:-1], spare[i]] for i in range(len(new_reports))]
        figures[f"candidates_{n}"] = {
            "index_build_ms": round(build_ms, 1),
            "index_matches_ms": median_ms(partial(index.matches, new) for new in new_reports),
            "finder_matches_new_set_ms": median_ms(
                partial(finder.matches, new, others) for new, others in zip(new_reports, replaced, strict=True)
            ),
        }
    return figures


# --- the candidates the index of rare terms lets through ------------------------------------------------------


def retrieval() -> dict[str, Any]:
    """The labelled pairs scored only when the inverted index would hand message b to message a.

    The index is the one triage keeps (``index_keys``: rare terms of each order; ``hotline.selectors.
    related_candidates``: the candidates sharing the most summed IDF, at most INDEX_CANDIDATES, a key with more than
    INDEX_MAX_POSTINGS postings left out). Here every hotspot message and every unlabelled message (7,100 in all,
    about 4,300 of them in tight clusters of one event) is an open order of one district at once: far more
    competition than a district's month of open orders. A pair whose b is not among a's first N candidates scores 0. Precision and recall are compared with
    scoring every pair (``quality``)."""
    reports = hotspot_reports()
    pairs = labelled_pairs()
    scores = pair_scores(DuplicateFinder(window=WINDOW), reports, pairs)
    labels = np.array([int(p["same_event"]) for p in pairs])
    tuning = np.array([int(p["message_id_a"]) % 2 == 0 for p in pairs])
    texts = {i: r.text for i, r in reports.items()}
    for n, row in enumerate(read_csv(teddy("messages_unlabelled.csv"))):
        texts[-1 - n] = message_text(row)
    keys = {i: index_keys(text) for i, text in texts.items()}
    postings: dict[int, list[int]] = {}
    for i, found in keys.items():
        for key in found:
            postings.setdefault(key, []).append(i)
    ranked: dict[int, list[int]] = {}
    read = []
    for a in {int(p["message_id_a"]) for p in pairs}:
        shared: Counter[int] = Counter()
        for key, weight in keys[a].items():
            read.append(min(len(postings[key]), INDEX_MAX_POSTINGS + 1))
            if len(postings[key]) > INDEX_MAX_POSTINGS:  # common among these orders: left out
                continue
            for j in postings[key]:
                if j != a:
                    shared[j] += weight
        ranked[a] = [j for j, _ in sorted(shared.items(), key=lambda item: (-item[1], -item[0]))]
    figures: dict[str, Any] = {
        "open_orders": len(texts),
        "INDEX_MIN_IDF": INDEX_MIN_IDF,
        "keys_per_order_mean": round(statistics.mean(len(k) for k in keys.values()), 1),
        "postings_read_per_key_mean": round(statistics.mean(read), 1),
        "postings_of_the_most_common_key": max(map(len, postings.values())),
        "INDEX_MAX_POSTINGS": INDEX_MAX_POSTINGS,
        "keys_left_out_as_common": sum(len(found) > INDEX_MAX_POSTINGS for found in postings.values()),
        "INDEX_CANDIDATES": INDEX_CANDIDATES,
        "every_pair_scored": {
            "held_out_half": confusion(labels[~tuning], scores[~tuning], DUPLICATE_THRESHOLD),
            "all": confusion(labels, scores, DUPLICATE_THRESHOLD),
            "related_recall_all": confusion(labels, scores, RELATED_THRESHOLD)["recall"],
        },
    }
    for bound in (50, 100, INDEX_CANDIDATES):
        through = np.array(
            [int(p["message_id_b"]) in set(ranked[int(p["message_id_a"])][:bound]) for p in pairs], dtype=bool
        )
        kept = np.where(through, scores, 0.0)
        figures[f"first_{bound}_candidates"] = {
            "held_out_half": confusion(labels[~tuning], kept[~tuning], DUPLICATE_THRESHOLD),
            "all": confusion(labels, kept, DUPLICATE_THRESHOLD),
            "related_recall_all": confusion(labels, kept, RELATED_THRESHOLD)["recall"],
            "related_pairs_lost": int(((scores >= RELATED_THRESHOLD) & ~through).sum()),
        }
    return figures


# --- the fitted weights --------------------------------------------------------------------------------------


def fit() -> None:
    """Refit W_TEXT and W_NAMES by logistic regression on the tuning half; prints them.

    The rest is held fixed (an offset). BIAS: the sample is two-thirds same-event pairs, far more than among
    the open orders of a district, so a fitted intercept would give a pair with no evidence at all a score
    of about 0.3; fixed at -2 it scores 0.12. W_TIME: the sample's negatives were drawn evenly over 60 days
    while its positives cluster in time, so a fitted time weight would overstate time. The penalties for
    other places express the rule (another place is another event) that a fit on the few pairs whose names
    were misread would water down."""
    from scipy.optimize import minimize

    pairs = labelled_pairs()
    reports = hotspot_reports()
    finder = DuplicateFinder(window=WINDOW)
    ids = sorted({int(p[k]) for p in pairs for k in ("message_id_a", "message_id_b")})
    index = DuplicateIndex.build([reports[i] for i in ids], finder=finder)
    position = {i: n for n, i in enumerate(ids)}
    rows, offsets, labels, tuning = [], [], [], []
    for p in pairs:
        a, b = int(p["message_id_a"]), int(p["message_id_b"])
        _, e = index.scores(reports[a])
        j = position[b]
        rows.append([e["text"][j], e["gate"][j] * e["names"][j]])
        offsets.append(BIAS + e["gate"][j] * (W_TIME * e["recency"][j] + e["area"][j]) + e["penalty"][j])
        labels.append(int(p["same_event"]))
        tuning.append(a % 2 == 0)
    t = np.array(tuning)
    x, offset, y = np.array(rows)[t], np.array(offsets)[t], np.array(labels)[t]

    def loss(w: np.ndarray) -> float:
        z = x @ w + offset
        return float(np.sum(np.logaddexp(0.0, z) - y * z) + 0.01 * np.sum(w**2))

    w_text, w_names = minimize(loss, np.ones(2)).x
    print(f"W_TEXT={w_text:.2f} W_NAMES={w_names:.2f} (BIAS={BIAS}, W_TIME={W_TIME} fixed)")


# --- the IDF table -------------------------------------------------------------------------------------------


def df_corpus() -> Iterator[str]:
    """Every message of the data set except hotspot_messages.csv, whose pairs the finder is measured on."""
    train_rows = set()
    for name in ("messages_train.csv", "messages_dev.csv"):
        for row in read_csv(teddy(name)):
            if name == "messages_train.csv":
                train_rows.add(row["row_idx"])
            yield row["text"] or message_text(row)
    for name in ("messages_unlabelled.csv", "replies.csv"):
        for row in read_csv(teddy(name)):
            yield message_text(row)
    for row in read_csv(teddy("messages_segmented_extra.csv")):
        if row["row_idx"] not in train_rows:  # the rest are the training messages again
            yield row["tokens"].replace(" ", "")


def build_df() -> None:
    texts = list(dict.fromkeys(df_corpus()))  # re-posted messages count once
    frequency: Counter[str] = Counter()
    for text in texts:
        frequency.update(set(text_terms(text)))
    kept = sorted(((t, n) for t, n in frequency.items() if n >= DF_MIN), key=lambda item: (-item[1], item[0]))
    header = (
        f"# Document frequency of the terms (character bigrams, latin/digit tokens) of {len(texts)} distinct\n"
        "# teddy2020c messages: train, dev, unlabelled, replies and the segmented extra messages; not\n"
        "# hotspot_messages.csv, on which duplicate detection is measured. Terms in at least "
        f"{DF_MIN} messages.\n"
        "# Used by triage/duplicates.py. Regenerate with `python -m bench.bench_duplicates --build-df`.\n"
    )
    lines = [f"documents\t{len(texts)}", *(f"{t}\t{n}" for t, n in kept)]
    DF_TABLE.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(kept)} terms from {len(texts)} messages written to {DF_TABLE.relative_to(ROOT)}")


# --- the candidate pairs that were labelled ------------------------------------------------------------------

SAMPLE_SEED = 20240611
# (stratum, lowest cosine, highest cosine, pairs wanted); "random" draws from every pair in the window.
STRATA = (("high", 0.5, 1.01, 90), ("medium", 0.3, 0.5, 90), ("low", 0.15, 0.3, 60), ("random", 0.0, 1.01, 50))
# The data set's known clusters, found by reading titles: pairs are drawn inside each keyword group, which
# holds the cluster itself, other problems at the same place, and the same problem at other places.
CLUSTERS = (
    ("丽发新城", 18),
    ("搅拌", 14),
    ("伊景园|滨河苑|广铁", 18),
    ("魅力之城", 16),
    ("58车贷", 8),
    ("经济学院", 8),
)
# Drawn last (so the draws above stay as they were) to add hard negatives, since the strata above are
# dominated by the clusters: "other" is a band of cheap similarity with pairs inside one cluster group left
# out; "topic" pairs share a problem word but no cluster, i.e. the same kind of problem, usually elsewhere.
OTHER_BAND = (0.12, 0.3, 60)
TOPIC_WORDS = ("油烟", "噪音", "施工", "停水", "幼儿园", "车位", "拆迁", "烂尾", "物业", "垃圾站", "违建", "学位")
TOPIC_PAIRS = 40


def sample_pairs() -> None:
    """Print the candidate pairs (ids, stratum, cheap cosine); the labels were given by reading them."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    rng = random.Random(SAMPLE_SEED)
    rows = read_csv(teddy("hotspot_messages.csv"))
    texts = [message_text(r) for r in rows]
    days = np.array([posted_at(r["posted_at"]).timestamp() / 86400 for r in rows])
    # The cheap similarity: TF-IDF cosine of character bigrams fitted on the hotspot messages themselves,
    # deliberately not the finder's own score.
    matrix = TfidfVectorizer(analyzer="char", ngram_range=(2, 2), sublinear_tf=True).fit_transform(texts)
    cosine = (matrix @ matrix.T).toarray()
    upper = np.triu(np.ones_like(cosine, dtype=bool), k=1)
    in_window = upper & (np.abs(days[:, None] - days[None, :]) <= WINDOW.days)
    chosen: dict[tuple[int, int], str] = {}

    def take(candidates: list[tuple[int, int]], wanted: int, name: str) -> None:
        rng.shuffle(candidates)
        for pair in candidates:
            if wanted == 0:
                break
            if pair not in chosen:
                chosen[pair] = name
                wanted -= 1

    for keywords, wanted in CLUSTERS:
        members = [i for i, text in enumerate(texts) if re.search(keywords, text)]
        take(
            [(i, j) for i in members for j in members if i < j and in_window[i, j]],
            wanted,
            f"cluster:{keywords.split('|')[0]}",
        )
    for name, low, high, wanted in STRATA:
        band = in_window & (cosine >= low) & (cosine < high)
        take([(int(i), int(j)) for i, j in np.argwhere(band)], wanted, name)
    group = np.array([[bool(re.search(k, text)) for k, _ in CLUSTERS] for text in texts], dtype=int)
    same_group = (group @ group.T) > 0
    low, high, wanted = OTHER_BAND
    band = in_window & ~same_group & (cosine >= low) & (cosine < high)
    take([(int(i), int(j)) for i, j in np.argwhere(band)], wanted, "other")
    topic = np.array([[word in text for word in TOPIC_WORDS] for text in texts], dtype=int)
    band = in_window & ~same_group & ((topic @ topic.T) > 0) & (cosine < 0.5)
    take([(int(i), int(j)) for i, j in np.argwhere(band)], TOPIC_PAIRS, "topic")

    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["message_id_a", "message_id_b", "stratum", "cheap_cosine"])
    for (i, j), name in sorted(chosen.items(), key=lambda item: (item[1], item[0])):
        out.writerow([rows[i]["message_id"], rows[j]["message_id"], name, f"{cosine[i, j]:.3f}"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--fit", action="store_true", help="refit the score's weights on the tuning half")
    action.add_argument("--retrieval", action="store_true", help="only the pairs through the index of rare terms")
    action.add_argument("--build-df", action="store_true", help="regenerate the IDF table")
    action.add_argument("--sample-pairs", action="store_true", help="print the candidate pairs for labelling")
    args = parser.parse_args()
    if args.build_df:
        build_df()
    elif args.sample_pairs:
        sample_pairs()
    elif args.fit:
        fit()
    elif args.retrieval:
        report("duplicates_retrieval", retrieval())
    else:
        report("duplicates", {"quality": quality(), "speed_ms": speed()})
        report("duplicates_retrieval", retrieval())


if __name__ == "__main__":
    main()
