"""Shared cases C5, C6 and C7 (see ../shared/cases/README.md)."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from _search_oracles import random_codes

from hashmodal.codes import BinaryCodes, from_bits
from hashmodal.search import (
    MultiIndexHashing,
    _kernels,
    hamming_distances,
    iter_distance_blocks,
    knn_search,
    radius_search,
)


def _byte_codes(values):
    return BinaryCodes(np.array(values, dtype=np.uint8).reshape(-1, 1), 8)


def test_case_c5_table_on_first_four_bits_finds_code_differing_in_bit_5():
    rng = np.random.default_rng(5)
    stored_bits = rng.integers(0, 2, size=(1, 16), dtype=np.uint8)
    query_bits = stored_bits.copy()
    query_bits[0, 5] ^= 1
    others = rng.integers(0, 2, size=(30, 16), dtype=np.uint8)
    others[:, :4] = 1 - stored_bits[0, :4]  # no other code shares the first 4 bits
    database = from_bits(np.concatenate([others, stored_bits]))
    query = from_bits(query_bits)

    index = MultiIndexHashing(16, n_substrings=4)
    index.add(database)
    # Table 0 reads logical bits 0..3, least-significant bit first: the query and
    # the stored code share that key, and it is the value written by hand.
    keys = index.substring_keys(query)
    expected_key = sum(int(b) << j for j, b in enumerate(query_bits[0, :4]))
    assert int(keys[0, 0]) == expected_key
    assert int(index.substring_keys(database)[30, 0]) == expected_key
    np.testing.assert_array_equal(index.bounds, [0, 4, 8, 12, 16])

    _, dist, ids = index.range_search(query, 1)
    assert (ids[dist == 1] == 30).any()
    assert dist[ids == 30].tolist() == [1]
    d, i = index.search(query, 1)
    exact_d, exact_i = knn_search(query, database, 1)
    assert d.tolist() == exact_d.tolist()
    assert i.tolist() == exact_i.tolist()
    assert hamming_distances(query, database[30]).tolist() == [[1]]


def test_case_c6_exact_distances_survive_an_xor_mask():
    database = _byte_codes([0x0F, 0xF0, 0x3C])
    query = _byte_codes([0x0F])
    masked_db = _byte_codes([0x0F ^ 0xAA, 0xF0 ^ 0xAA, 0x3C ^ 0xAA])
    masked_q = _byte_codes([0x0F ^ 0xAA])
    assert hamming_distances(query, database).tolist() == [[0, 8, 4]]
    assert hamming_distances(masked_q, masked_db).tolist() == [[0, 8, 4]]
    for q, x in ((query, database), (masked_q, masked_db)):
        d, i = knn_search(q, x, 1)
        assert (d.tolist(), i.tolist()) == ([[0]], [[0]])
        d, i = knn_search(q, x, 3)
        assert (d.tolist(), i.tolist()) == ([[0, 4, 8]], [[0, 2, 1]])


@pytest.mark.parametrize("kernels", ["compiled", "numpy"])
def test_case_c7_distance_300_between_512_bit_codes(kernels):
    if kernels == "compiled" and not _kernels.compiled_available():
        pytest.skip("the compiled kernels are not built")
    a = np.zeros((1, 512), dtype=np.uint8)
    b = a.copy()
    b[0, 100:400] = 1
    qa, xb = from_bits(a), from_bits(b)
    with _kernels.use_kernels(kernels):
        dist = hamming_distances(qa, xb)
        assert dist.dtype == np.int32 and dist.tolist() == [[300]]
        d, i = knn_search(qa, xb, 1)
        assert d.dtype == np.int32 and d.tolist() == [[300]]
        assert radius_search(qa, xb, 299)[0].tolist() == [0, 0]
        lims, d, i = radius_search(qa, xb, 300)
        assert (lims.tolist(), d.tolist(), i.tolist()) == ([0, 1], [300], [0])
        ((_, _, block),) = iter_distance_blocks(qa, xb)
        assert block.tolist() == [[300]]


@pytest.mark.parametrize(
    ("kernels", "n_queries", "n_database"),
    [("compiled", 1000, 400_000), ("numpy", 100, 400_000)],
)
def test_case_c7_top_k_streams_in_bounded_memory(kernels, n_queries, n_database):
    if kernels == "compiled" and not _kernels.compiled_available():
        pytest.skip("the compiled kernels are not built")
    rng = np.random.default_rng(7)
    queries = random_codes(rng, n_queries, 64)
    database = random_codes(rng, n_database, 64)
    full_int16 = n_queries * n_database * 2
    with _kernels.use_kernels(kernels):
        tracemalloc.start()
        try:
            dist, ids = knn_search(queries, database, 10)
            radius_search(queries[:50], database, 8)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < full_int16 / 4
    assert peak < 32 * 2**20
    # Spot-check the answer for a few queries against full rows.
    rows = hamming_distances(queries[:3], database)
    order = np.lexsort(
        (np.broadcast_to(np.arange(n_database), rows.shape), rows), axis=1
    )
    np.testing.assert_array_equal(ids[:3], order[:, :10])
    np.testing.assert_array_equal(dist[:3], np.take_along_axis(rows, order[:, :10], 1))
