"""Average linkage: a group grows only with orders close to it as a whole, so a chain is not one hotspot."""

from __future__ import annotations

import numpy as np

from analytics.hotspots.clustering import average_linkage


def test_average_linkage_does_not_chain_a_to_c_through_b_when_a_and_c_are_unrelated() -> None:
    # a–b and b–c are close, a–c unrelated (no edge): c would have to be close to {a, b} as a whole.
    groups = average_linkage(3, np.array([0, 1]), np.array([1, 2]), np.array([0.95, 0.9]), 0.5)

    assert groups == [[0, 1]]


def test_average_linkage_merges_a_group_whose_members_are_all_close() -> None:
    groups = average_linkage(4, np.array([0, 1, 0]), np.array([1, 2, 2]), np.array([0.9, 0.8, 0.7]), 0.5)

    assert sorted(sorted(g) for g in groups) == [[0, 1, 2]]
