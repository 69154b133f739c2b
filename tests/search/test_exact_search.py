"""Exact search against brute force (the NumPy reference) on every back end."""

from __future__ import annotations

import numpy as np
import pytest
from _search_oracles import (
    brute_force_knn,
    brute_force_radius,
    clustered_codes,
    make_codes,
    random_codes,
)

from hashmodal.codes import BinaryCodes, from_bits
from hashmodal.search import (
    HammingIndex,
    hamming_distances,
    hamming_distances_reference,
    iter_distance_blocks,
    knn_search,
    radius_search,
)

BIT_LENGTHS = [1, 7, 8, 12, 32, 64, 100, 128, 256, 512]
KINDS = ["random", "clustered"]


def _check_radius(result, expected):
    lims, dist, ids = result
    assert lims.dtype == np.int64 and dist.dtype == np.int32 and ids.dtype == np.int64
    assert len(lims) == len(expected) + 1 and lims[0] == 0
    for qi, (exp_d, exp_i) in enumerate(expected):
        np.testing.assert_array_equal(dist[lims[qi] : lims[qi + 1]], exp_d)
        np.testing.assert_array_equal(ids[lims[qi] : lims[qi + 1]], exp_i)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("n_bits", BIT_LENGTHS)
def test_pairwise_equals_reference(backend, kind, n_bits):
    rng = np.random.default_rng(n_bits)
    q = make_codes(kind, rng, 37, n_bits)
    x = make_codes(kind, rng, 203, n_bits)
    dist = hamming_distances(q, x)
    assert dist.dtype == np.int32 and dist.shape == (37, 203)
    np.testing.assert_array_equal(dist, hamming_distances_reference(q, x))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("n_bits", BIT_LENGTHS)
def test_knn_equals_brute_force_with_ties_in_index_order(backend, kind, n_bits):
    rng = np.random.default_rng(100 + n_bits)
    q = make_codes(kind, rng, 37, n_bits)
    x = make_codes(kind, rng, 203, n_bits)
    for k in (1, 3, 10, 202, 203, 500):
        dist, ids = knn_search(q, x, k)
        exp_d, exp_i = brute_force_knn(q, x, min(k, 203))
        assert dist.dtype == np.int32 and ids.dtype == np.int64
        assert dist.shape == ids.shape == (37, min(k, 203))
        np.testing.assert_array_equal(dist, exp_d)
        np.testing.assert_array_equal(ids, exp_i)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("n_bits", BIT_LENGTHS)
def test_radius_equals_brute_force(backend, kind, n_bits):
    rng = np.random.default_rng(200 + n_bits)
    q = make_codes(kind, rng, 37, n_bits)
    x = make_codes(kind, rng, 203, n_bits)
    for radius in sorted({0, 1, n_bits // 4, n_bits // 2, n_bits, n_bits + 3}):
        _check_radius(radius_search(q, x, radius), brute_force_radius(q, x, radius))


@pytest.mark.parametrize("n_bits", [64, 100, 256])
def test_many_chunks_and_tiles(backend, n_bits):
    # Large enough that the kernels walk several database chunks.
    rng = np.random.default_rng(n_bits)
    q = clustered_codes(rng, 20, n_bits, flip=0.2)
    x = clustered_codes(rng, 20_011, n_bits, flip=0.2)
    dist, ids = knn_search(q, x, 50)
    exp_d, exp_i = brute_force_knn(q, x, 50)
    np.testing.assert_array_equal(dist, exp_d)
    np.testing.assert_array_equal(ids, exp_i)
    radius = int(np.median(exp_d[:, -1]))
    _check_radius(radius_search(q, x, radius), brute_force_radius(q, x, radius))


def test_knn_when_every_item_improves_on_the_last(backend):
    # Distances fall with the index, so every item enters the candidate buffer
    # and the buffer is compacted many times.
    n_bits = 256
    bits = np.zeros((257, n_bits), dtype=np.uint8)
    for i in range(257):
        bits[i, : n_bits - i] = 1
    x = from_bits(bits)
    q = from_bits(np.zeros((1, n_bits), dtype=np.uint8))
    for k in (1, 2, 5, 40):
        dist, ids = knn_search(q, x, k)
        exp_d, exp_i = brute_force_knn(q, x, k)
        np.testing.assert_array_equal(dist, exp_d)
        np.testing.assert_array_equal(ids, exp_i)
        assert ids[0].tolist() == list(range(256, 256 - k, -1))


def test_all_ties_come_out_in_index_order(backend):
    x = from_bits(np.ones((100, 12), dtype=np.uint8))
    q = from_bits(np.zeros((3, 12), dtype=np.uint8))
    dist, ids = knn_search(q, x, 30)
    assert (dist == 12).all()
    assert (ids == np.arange(30)).all()


@pytest.mark.parametrize("n_threads", [1, 2, 3])
def test_thread_count_does_not_change_results(n_threads):
    rng = np.random.default_rng(7)
    q, x = random_codes(rng, 45, 64), random_codes(rng, 1000, 64)
    d1, i1 = knn_search(q, x, 17, n_threads=1)
    d2, i2 = knn_search(q, x, 17, n_threads=n_threads)
    np.testing.assert_array_equal(d1, d2)
    np.testing.assert_array_equal(i1, i2)
    np.testing.assert_array_equal(
        hamming_distances(q, x, n_threads=n_threads), hamming_distances_reference(q, x)
    )


def test_iter_distance_blocks_covers_the_matrix(backend):
    rng = np.random.default_rng(3)
    q, x = random_codes(rng, 23, 100), random_codes(rng, 57, 100)
    expected = hamming_distances_reference(q, x)
    blocks = list(iter_distance_blocks(q, x, block_size=5))
    assert [(a, b) for a, b, _ in blocks] == [
        (i, min(i + 5, 23)) for i in range(0, 23, 5)
    ]
    for start, stop, dist in blocks:
        assert dist.dtype == np.int32
        np.testing.assert_array_equal(dist, expected[start:stop])
    (start, stop, dist), *_ = iter_distance_blocks(q, x)
    assert (start, stop) == (0, 23)


def test_k_zero_and_empty_inputs():
    rng = np.random.default_rng(4)
    q, x = random_codes(rng, 5, 16), random_codes(rng, 9, 16)
    dist, ids = knn_search(q, x, 0)
    assert dist.shape == ids.shape == (5, 0)
    assert dist.dtype == np.int32 and ids.dtype == np.int64
    empty = BinaryCodes(np.empty((0, 2), dtype=np.uint8), 16)
    dist, ids = knn_search(q, empty, 4)
    assert dist.shape == (5, 0)
    dist, ids = knn_search(empty, x, 4)
    assert dist.shape == (0, 4)
    lims, dist, ids = radius_search(q, empty, 3)
    assert lims.tolist() == [0] * 6 and dist.size == ids.size == 0
    assert hamming_distances(empty, x).shape == (0, 9)


def test_accepts_bits_and_signs():
    bits = np.array([[1, 0, 1], [0, 0, 0]])
    signs = bits * 2 - 1
    expected = [[0, 2], [2, 0]]
    assert hamming_distances(bits, bits).tolist() == expected
    assert hamming_distances(signs, from_bits(bits)).tolist() == expected


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda q, x: hamming_distances(q, x[:, :4]),
            ValueError,
            "same number of bits",
        ),
        (lambda q, x: knn_search(q, x, -1), ValueError, "k must be"),
        (lambda q, x: knn_search(q, x, 2.0), TypeError, "k must be"),
        (lambda q, x: radius_search(q, x, -1), ValueError, "radius must be"),
        (lambda q, x: knn_search(q, x, 1, n_threads=0), ValueError, "n_threads"),
        (
            lambda q, x: list(iter_distance_blocks(q, x, block_size=0)),
            ValueError,
            "block_size",
        ),
        (lambda q, x: knn_search(q * 0 - 0.5, x, 1), ValueError, "queries must be"),
        (
            lambda q, x: knn_search(q, np.array([[1, 0, -1, 1, 0]]), 1),
            ValueError,
            "database",
        ),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(call, error, match):
    q = np.array([[1, 0, 1, 1, 0]])
    x = np.array([[1, 1, 1, 1, 0], [0, 0, 0, 0, 0]])
    with pytest.raises(error, match=match):
        call(q, x)


def test_mismatched_bits_message_names_both_lengths():
    with pytest.raises(ValueError, match="got 12 and 16"):
        hamming_distances(from_bits(np.zeros((1, 12))), from_bits(np.zeros((1, 16))))


def test_hamming_index_matches_the_functions(backend):
    rng = np.random.default_rng(5)
    x1, x2 = random_codes(rng, 40, 100), random_codes(rng, 25, 100)
    q = random_codes(rng, 6, 100)
    index = HammingIndex(100)
    assert index.ntotal == 0
    index.add(x1)
    index.add(x2)
    assert index.ntotal == 65 and index.n_bits == 100
    x = BinaryCodes(np.concatenate([x1.packed, x2.packed]), 100)
    exp_d, exp_i = brute_force_knn(q, x, 10)
    dist, ids = index.search(q, 10)
    np.testing.assert_array_equal(dist, exp_d)
    np.testing.assert_array_equal(ids, exp_i)
    _check_radius(index.range_search(q, 45), brute_force_radius(q, x, 45))
    with pytest.raises(ValueError, match="64 bits, but n_bits=100"):
        index.add(random_codes(rng, 2, 64))
    index.reset()
    assert index.ntotal == 0 and index.search(q, 3)[0].shape == (6, 0)


def test_radius_over_several_query_blocks(backend):
    rng = np.random.default_rng(11)
    q, x = clustered_codes(rng, 2100, 16), clustered_codes(rng, 60, 16)
    _check_radius(radius_search(q, x, 2), brute_force_radius(q, x, 2))
