"""Multi-index hashing against brute force."""

from __future__ import annotations

import numpy as np
import pytest
from _search_oracles import brute_force_knn, brute_force_radius, make_codes

from hashmodal.search import MultiIndexHashing


@pytest.mark.parametrize("kind", ["random", "clustered"])
@pytest.mark.parametrize(
    ("n_bits", "n_substrings"),
    [(1, 1), (7, 2), (8, 2), (12, 3), (16, 4), (64, 4), (100, 5), (256, 16)],
)
def test_multi_index_equals_brute_force(kind, n_bits, n_substrings):
    rng = np.random.default_rng(n_bits)
    x = make_codes(kind, rng, 300, n_bits)
    q = make_codes(kind, rng, 8, n_bits)
    index = MultiIndexHashing(n_bits, n_substrings)
    index.add(x[:150])
    index.add(x[150:])
    assert index.ntotal == 300
    for k in (1, 5, 40, 301):
        dist, ids = index.search(q, k)
        exp_d, exp_i = brute_force_knn(q, x, min(k, 300))
        np.testing.assert_array_equal(dist, exp_d)
        np.testing.assert_array_equal(ids, exp_i)
    for radius in sorted({0, 1, n_bits // 8, n_bits // 4, n_bits}):
        lims, dist, ids = index.range_search(q, radius)
        for qi, (exp_d, exp_i) in enumerate(brute_force_radius(q, x, radius)):
            np.testing.assert_array_equal(dist[lims[qi] : lims[qi + 1]], exp_d)
            np.testing.assert_array_equal(ids[lims[qi] : lims[qi + 1]], exp_i)


def test_substring_keys_read_logical_bits_lsb_first():
    bits = np.zeros((1, 20), dtype=np.uint8)
    bits[0, [0, 2, 10, 13, 19]] = 1
    index = MultiIndexHashing(20, 2)
    keys = index.substring_keys(bits)
    assert keys.dtype == np.uint64
    assert keys.tolist() == [[1 + 4, 1 + 8 + 512]]


def test_default_and_invalid_substring_counts():
    assert MultiIndexHashing(64).n_substrings == 4
    assert MultiIndexHashing(10).n_substrings == 1
    with pytest.raises(ValueError, match="at most n_bits=8"):
        MultiIndexHashing(8, 9)
    with pytest.raises(ValueError, match="at most 64 bits"):
        MultiIndexHashing(256, 2)
    with pytest.raises(ValueError, match="32 bits, but n_bits=16"):
        MultiIndexHashing(16).add(np.zeros((2, 32), dtype=np.int64))
