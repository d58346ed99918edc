"""Which orders are probably about the same event: the pair search and the pair score, on threads.

Blocking. Orders are compared only within their district (``district`` of their vectors, the gazetteer's);
orders whose district is unknown are compared with every order. Inside a block, rows are taken in chunks of
``CHUNK_ROWS`` and multiplied with the block as sparse matrices, keeping pairs whose text cosine reaches
``TEXT_FLOOR``; a chunk of a district meets only the rows from its own start on (each pair once). Memory is
bounded by the chunk, never by n²; time grows with the square of the block sizes. The chunks run on
``THREADS`` threads, one per core: the sparse products release the GIL, and the pairs are joined in chunk
order, so the result is the same whatever the number of threads.

Pair score. Every candidate pair gets the duplicate finder's "same event" probability (``triage.duplicates``),
recomputed with these vectors::

    z = BIAS + W_TEXT·text + gate·(W_NAMES·names + W_TIME·recency + area) + penalty,   p = 1/(1+e^-z)

``text`` the cosine above; ``names`` the share of the shorter place-name list found in the other (sites
decide when both texts name one); ``recency`` = exp(-days apart / ``RECENCY_DAYS``); ``area`` +1.5 same
community, +0.8 same street; ``penalty`` when both texts name places and share none (another compound) or
when their districts differ (the gazetteer's, or where it does not know both, the districts the texts name);
``gate`` = min(1, text / TEXT_GATE), so that one place or one morning does not make cracked walls and a noisy
restaurant one event. W_TEXT was refitted for these (pruned) vectors on the tuning half of
``bench/data/hotspot_same_event_pairs.csv``; the other constants are the finder's. Pairs with p ≥ ``EDGE_P``
are kept, at most ``MAX_NEIGHBOURS`` per order (a safety cap for template floods): the edges that
``clustering`` groups. The same search matches the previous window's orders to a window's hotspots
(``pairs_across``).

Pure code: vectors in, (row, row, probability) arrays out; no Django.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy import sparse

from analytics.hotspots.vectors import Vectors
from triage.duplicates import (
    AREA_SAME_COMMUNITY,
    AREA_SAME_STREET,
    BIAS,
    OTHER_DISTRICT,
    OTHER_PLACE,
    TEXT_GATE,
    W_NAMES,
    W_TEXT,
    W_TIME,
)

TEXT_FLOOR = 0.05  # candidate pairs: text cosine at least this
RECENCY_DAYS = 14.0
EDGE_P = 0.2  # pairs at least this probable are edges of the graph
CHUNK_ROWS = 1000  # rows multiplied at once against a block: bounds memory to chunk × block candidates
MAX_NEIGHBOURS = 200  # per order, the most probable edges kept (a safety cap for template floods)
THREADS = min(4, len(os.sched_getaffinity(0)))  # pair search threads: one per core, up to four

Pairs = tuple[np.ndarray, np.ndarray, np.ndarray]  # (row, row, probability) of each pair
_NO_PAIRS: Pairs = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))


def _row_dots(x: sparse.csr_matrix, y: sparse.csr_matrix) -> np.ndarray:
    """The dot product of each row of x with the same row of y."""
    if not x.shape[0]:
        return np.zeros(0)
    return np.asarray(x.multiply(y).sum(axis=1)).ravel()


def pair_probability(
    text: np.ndarray,
    names: np.ndarray,
    other_place: np.ndarray,
    other_district: np.ndarray,
    recency: np.ndarray,
    area: np.ndarray,
) -> np.ndarray:
    """The same-event probability of pairs from their evidence (see the module docstring)."""
    gate = np.minimum(1.0, text / TEXT_GATE)
    penalty = np.where(other_district, OTHER_DISTRICT, np.where(other_place, OTHER_PLACE, 0.0))
    z = BIAS + W_TEXT * text + gate * (W_NAMES * names + W_TIME * recency + area) + penalty
    return 1.0 / (1.0 + np.exp(-z))


def _evidence(a: Vectors, b: Vectors, ra: np.ndarray, rb: np.ndarray, text: np.ndarray) -> dict[str, np.ndarray]:
    """Place, area and time evidence for pairs (a[ra[k]], b[rb[k]]) whose text cosine is known."""
    site_shared = _row_dots(a.site_bin[ra], b.site_idf[rb])
    name_shared = _row_dots(a.name_bin[ra], b.name_idf[rb])
    sa, sb = a.site_total[ra], b.site_total[rb]
    na, nb = a.name_total[ra], b.name_total[rb]
    both_sited = (sa > 0) & (sb > 0)
    both_named = (na > 0) & (nb > 0)
    site_share = np.divide(site_shared, np.minimum(sa, sb), out=np.zeros(len(ra)), where=both_sited)
    name_share = np.divide(name_shared, np.minimum(na, nb), out=np.zeros(len(ra)), where=both_named)
    names = np.where(both_sited, site_share, name_share)
    other_place = np.where(both_sited, site_shared == 0, both_named & (name_shared == 0))

    da, db = a.district[ra], b.district[rb]
    known = (da >= 0) & (db >= 0)
    other_district = known & (da != db)
    same_street = known & ~other_district & (a.street[ra] >= 0) & (a.street[ra] == b.street[rb])
    same_community = same_street & (a.community[ra] >= 0) & (a.community[ra] == b.community[rb])
    area = np.where(same_community, AREA_SAME_COMMUNITY, np.where(same_street, AREA_SAME_STREET, 0.0))
    # Districts named in the texts stand in where the gazetteer does not know both places.
    if a.district_text.shape[1] == b.district_text.shape[1] and len(ra):
        shared = _row_dots(a.district_text[ra], b.district_text[rb])
        named = (a.district_count[ra] > 0) & (b.district_count[rb] > 0)
        other_district |= ~known & named & (shared == 0)
    recency = np.exp(-np.abs(a.days[ra] - b.days[rb]) / RECENCY_DAYS)
    return {
        "text": text,
        "names": names,
        "other_place": other_place,
        "other_district": other_district,
        "recency": recency,
        "area": area,
    }


def _pair_tasks(
    a: Vectors, b: Vectors, rows: np.ndarray, cols: np.ndarray, *, upper: bool
) -> list[Callable[[], Pairs]]:
    """The work of finding the pairs (row of a, row of b, probability) with p ≥ EDGE_P among rows × cols, as
    one task per chunk of ``CHUNK_ROWS`` rows (``_run_pairs`` runs them on every core).

    ``upper``: a and b are one batch and ``rows`` is ``cols`` (ascending); each unordered pair is kept once,
    and a chunk is multiplied only with the rows from its own start on, which halves the work."""
    if not len(rows) or not len(cols):
        return []
    others = b.text[cols]

    def chunk_pairs(start: int) -> Pairs:
        chunk = rows[start : start + CHUNK_ROWS]
        offset = start if upper else 0
        # others × chunk rather than chunk × others: only the small chunk is transposed.
        product = (others[offset:] @ a.text[chunk].T.tocsr()).tocoo()
        keep = product.data >= TEXT_FLOOR
        ra, rb, text = chunk[product.col[keep]], cols[offset + product.row[keep]], product.data[keep]
        if upper:
            keep = ra < rb
            ra, rb, text = ra[keep], rb[keep], text[keep]
        if not len(ra):
            return _NO_PAIRS
        p = pair_probability(**_evidence(a, b, ra, rb, text))
        keep = p >= EDGE_P
        return ra[keep], rb[keep], p[keep]

    return [lambda start=start: chunk_pairs(start) for start in range(0, len(rows), CHUNK_ROWS)]


def _run_pairs(tasks: Sequence[Callable[[], Pairs]]) -> Pairs:
    """Run pair tasks on ``THREADS`` threads (the sparse products and array operations release the GIL, so
    two cores take about half the time) and join their pairs in task order: the result does not depend on
    the number of threads."""
    if THREADS > 1 and len(tasks) > 1:
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            found = list(pool.map(lambda task: task(), tasks))
    else:
        found = [task() for task in tasks]
    found = [f for f in found if len(f[0])]
    if not found:
        return _NO_PAIRS
    return (
        np.concatenate([f[0] for f in found]),
        np.concatenate([f[1] for f in found]),
        np.concatenate([f[2] for f in found]),
    )


def _blocks(district: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Rows per known district, and the rows whose district is unknown."""
    order = np.argsort(district, kind="stable")
    values, starts = np.unique(district[order], return_index=True)
    groups = np.split(order, starts[1:])
    known = [g for v, g in zip(values, groups, strict=True) if v >= 0]
    unknown = next((g for v, g in zip(values, groups, strict=True) if v < 0), np.zeros(0, np.int64))
    return known, unknown


def edges(vectors: Vectors) -> Pairs:
    """All pairs of one batch with p ≥ EDGE_P (i < j), blocked by district, at most ``MAX_NEIGHBOURS`` per
    row."""
    n = len(vectors.days)
    known, unknown = _blocks(vectors.district)
    tasks = [task for block in known for task in _pair_tasks(vectors, vectors, block, block, upper=True)]
    if len(unknown):
        tasks += _pair_tasks(vectors, vectors, unknown, np.arange(n), upper=False)
    ia, ib, pp = _run_pairs(tasks)
    # An unknown-unknown pair is found from both ends: keep it once (pairs within a district have ia < ib).
    keep = (vectors.district[ib] >= 0) | (ia < ib)
    return _cap(np.minimum(ia, ib)[keep], np.maximum(ia, ib)[keep], pp[keep], n)


def _cap(ia: np.ndarray, ib: np.ndarray, p: np.ndarray, n: int) -> Pairs:
    """Keep, for every order, at most MAX_NEIGHBOURS of its most probable edges (both ends must agree)."""
    if not len(p):
        return ia, ib, p
    degree = np.bincount(np.concatenate([ia, ib]), minlength=n)
    if degree.max() <= MAX_NEIGHBOURS:
        return ia, ib, p
    ends = np.concatenate([ia, ib])
    edge = np.concatenate([np.arange(len(p)), np.arange(len(p))])
    order = np.lexsort((-np.concatenate([p, p]), ends))
    rank = np.empty(len(order), dtype=np.int64)
    starts = np.searchsorted(ends[order], np.arange(n))
    rank[order] = np.arange(len(order)) - starts[ends[order]]
    within = np.zeros(len(p), dtype=np.int64)
    np.add.at(within, edge, rank < MAX_NEIGHBOURS)
    keep = within == 2
    return ia[keep], ib[keep], p[keep]


def pairs_across(earlier: Vectors, current: Vectors, rows: np.ndarray) -> Pairs:
    """The pairs (row of earlier, row of current, probability) with p ≥ EDGE_P between every row of
    ``earlier`` (another batch: the previous window) and the given ``rows`` of ``current``, blocked by
    district as ``edges`` is: an earlier order meets the rows of its own district and those whose district
    is unknown; an earlier order whose district is unknown meets them all."""
    known, unknown = _blocks(earlier.district)
    tasks = []
    for block in known:
        district = earlier.district[block[0]]
        cols = rows[(current.district[rows] == district) | (current.district[rows] < 0)]
        tasks += _pair_tasks(earlier, current, block, cols, upper=False)
    if len(unknown):
        tasks += _pair_tasks(earlier, current, unknown, rows, upper=False)
    return _run_pairs(tasks)
