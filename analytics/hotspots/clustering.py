"""Grouping the pairs into hotspots: average linkage on the sparse graph of probable pairs.

The pairs ``pairs.edges`` keeps (same-event probability p ≥ ``pairs.EDGE_P``) are the edges of a graph over
the window's orders. Starting from single orders, the two groups with the highest *average* pair
probability over all their cross pairs (pairs without an edge count as 0) are merged, while that average
is at least ``LINK_P``. Unlike connected components (single link), a chain a–b–c where a and c are
unrelated does not merge: c joins only if it is close to the group as a whole. The merging is a heap over
the sparse graph, so it costs O(E log E) for E edges; a heap entry made stale by a later merge is
recognised by the groups' versions and skipped.

The same rule tells how big a hotspot already was in the previous window (``sibling_counts``): an earlier
order is a sibling of a hotspot when its average probability against the hotspot's members reaches
``LINK_P`` (it would have joined the group), and it counts for the one hotspot it is closest to. The
number of siblings is the hotspot's ``previous_count``, from which ``heat.growth`` is computed.

Pure code: arrays in, lists of row numbers out; no Django.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np

from analytics.hotspots.pairs import pairs_across
from analytics.hotspots.vectors import Vectors

LINK_P = 0.5  # average linkage: merge while the mean pair probability of two groups is at least this


def average_linkage(n: int, ia: np.ndarray, ib: np.ndarray, weight: np.ndarray, threshold: float) -> list[list[int]]:
    """Groups of nodes 0..n-1 merged while the mean weight over all cross pairs (absent pairs count as 0)
    of the best pair of groups is at least ``threshold``. Returns the groups of two or more nodes."""
    adjacency: list[dict[int, float] | None] = [{} for _ in range(n)]
    for a, b, w in zip(ia.tolist(), ib.tolist(), weight.tolist(), strict=True):
        if a == b:
            continue
        adj_a = adjacency[a]
        adj_a[b] = adj_a.get(b, 0.0) + w  # type: ignore[union-attr]
        adjacency[b][a] = adjacency[b].get(a, 0.0) + w  # type: ignore[index,union-attr]
    size = [1] * n
    version = [0] * n
    members: list[list[int] | None] = [[i] for i in range(n)]
    heap = [
        (-w, a, b, 0, 0) for a, b, w in zip(ia.tolist(), ib.tolist(), weight.tolist(), strict=True) if w >= threshold
    ]
    heapq.heapify(heap)
    while heap:
        negative, a, b, va, vb = heapq.heappop(heap)
        if members[a] is None or members[b] is None or version[a] != va or version[b] != vb:
            continue
        if -negative < threshold:
            break
        if size[a] < size[b]:
            a, b = b, a
        # Merge b into a: cross sums add up, sizes add up.
        adj_a, adj_b = adjacency[a], adjacency[b]
        assert adj_a is not None and adj_b is not None
        adj_a.pop(b, None)
        adj_b.pop(a, None)
        for c, w in adj_b.items():
            adj_a[c] = adj_a.get(c, 0.0) + w
            adj_c = adjacency[c]
            assert adj_c is not None
            adj_c[a] = adj_c.get(a, 0.0) + adj_c.pop(b)
        adjacency[b] = None
        members[a].extend(members[b])  # type: ignore[union-attr]
        members[b] = None
        size[a] += size[b]
        version[a] += 1
        for c, w in adj_a.items():
            mean = w / (size[a] * size[c])
            if mean >= threshold:
                heapq.heappush(
                    heap, (-mean, a, c, version[a], version[c]) if a < c else (-mean, c, a, version[c], version[a])
                )
    return [group for group in members if group is not None and len(group) > 1]


def sibling_counts(current: Vectors, previous: Vectors, groups: Sequence[Sequence[int]]) -> list[int]:
    """For each group of current rows, how many previous orders belong to it (mean probability ≥ LINK_P,
    each previous order counted for the group it is closest to)."""
    if not len(previous.days) or not groups:
        return [0] * len(groups)
    member_rows = np.array(sorted({r for g in groups for r in g}), dtype=np.int64)
    group_of = np.full(len(current.days), -1, dtype=np.int64)
    for g, rows in enumerate(groups):
        group_of[rows] = g
    pa, pc, pp = pairs_across(previous, current, member_rows)
    sums: dict[tuple[int, int], float] = defaultdict(float)
    for a, c, p in zip(pa.tolist(), group_of[pc].tolist(), pp.tolist(), strict=True):
        sums[(a, c)] += p
    best: dict[int, tuple[float, int]] = {}
    for (a, g), total in sums.items():
        mean = total / len(groups[g])
        if mean >= LINK_P and mean > best.get(a, (0.0, -1))[0]:
            best[a] = (mean, g)
    counts = Counter(g for _, g in best.values())
    return [counts.get(g, 0) for g in range(len(groups))]
