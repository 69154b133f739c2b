"""Search against faiss, and relations that must hold for any codes."""

from __future__ import annotations

import numpy as np
import pytest
from _search_oracles import clustered_codes, make_codes, random_codes
from hypothesis import given, settings
from hypothesis import strategies as st

from hashmodal.codes import BinaryCodes
from hashmodal.search import hamming_distances, knn_search, radius_search

faiss = pytest.importorskip("faiss", reason="faiss-cpu is needed for this oracle")


@pytest.mark.parametrize("kind", ["random", "clustered"])
@pytest.mark.parametrize("n_bits", [8, 64, 256])
def test_knn_distances_equal_faiss(backend, kind, n_bits):
    rng = np.random.default_rng(n_bits)
    q = make_codes(kind, rng, 30, n_bits)
    x = make_codes(kind, rng, 500, n_bits)
    index = faiss.IndexBinaryFlat(n_bits)
    index.add(x.packed)
    for k in (1, 10, 100):
        faiss_d, faiss_i = index.search(q.packed, k)
        dist, ids = knn_search(q, x, k)
        np.testing.assert_array_equal(dist, faiss_d)
        # Indices may differ only inside ties: each returned id has the
        # distance reported for its rank.
        full = hamming_distances(q, x)
        np.testing.assert_array_equal(np.take_along_axis(full, faiss_i, 1), faiss_d)
        np.testing.assert_array_equal(np.take_along_axis(full, ids, 1), dist)


@pytest.mark.parametrize("n_bits", [8, 64, 256])
def test_radius_equals_faiss_range_search(backend, n_bits):
    rng = np.random.default_rng(n_bits + 1)
    q = clustered_codes(rng, 20, n_bits)
    x = clustered_codes(rng, 400, n_bits)
    index = faiss.IndexBinaryFlat(n_bits)
    index.add(x.packed)
    radius = n_bits // 8
    # faiss keeps distances strictly below its radius; ours keeps <= radius.
    f_lims, f_d, f_i = index.range_search(q.packed, radius + 1)
    lims, dist, ids = radius_search(q, x, radius)
    np.testing.assert_array_equal(lims, f_lims.astype(np.int64))
    for qi in range(len(q)):
        ours, theirs = slice(lims[qi], lims[qi + 1]), slice(f_lims[qi], f_lims[qi + 1])
        assert sorted(zip(dist[ours], ids[ours], strict=True)) == sorted(
            zip(f_d[theirs].astype(int), f_i[theirs], strict=True)
        )


code_sets = st.tuples(
    st.integers(1, 300),  # n_bits
    st.integers(1, 12),  # n_queries
    st.integers(1, 80),  # n_database
    st.integers(0, 2**32 - 1),  # seed
    st.sampled_from(["random", "clustered"]),
)


def _draw(n_bits, n_q, n_db, seed, kind):
    rng = np.random.default_rng(seed)
    return make_codes(kind, rng, n_q, n_bits), make_codes(kind, rng, n_db, n_bits), rng


def _xor(codes, mask):
    return BinaryCodes(codes.packed ^ mask.packed, codes.n_bits)


@settings(max_examples=60, deadline=None)
@given(code_sets)
def test_xor_with_one_mask_leaves_distances_unchanged(params):
    q, x, rng = _draw(*params)
    mask = random_codes(rng, 1, q.n_bits)
    before = hamming_distances(q, x)
    np.testing.assert_array_equal(
        hamming_distances(_xor(q, mask), _xor(x, mask)), before
    )
    k = max(1, len(x) // 2)
    d1, i1 = knn_search(q, x, k)
    d2, i2 = knn_search(_xor(q, mask), _xor(x, mask), k)
    np.testing.assert_array_equal(d1, d2)
    np.testing.assert_array_equal(i1, i2)


@settings(max_examples=60, deadline=None)
@given(code_sets, st.integers(0, 90))
def test_top_k_is_a_prefix_of_top_k_plus_one(params, k):
    q, x, _ = _draw(*params)
    d_k, i_k = knn_search(q, x, k)
    d_next, i_next = knn_search(q, x, k + 1)
    assert d_k.shape[1] == min(k, len(x))
    np.testing.assert_array_equal(d_next[:, : d_k.shape[1]], d_k)
    np.testing.assert_array_equal(i_next[:, : i_k.shape[1]], i_k)


@settings(max_examples=40, deadline=None)
@given(code_sets, st.integers(0, 300))
def test_radius_hits_are_the_top_k_prefix_within_the_radius(params, radius):
    q, x, _ = _draw(*params)
    lims, dist, ids = radius_search(q, x, radius)
    d_all, i_all = knn_search(q, x, len(x))
    for qi in range(len(q)):
        n_hits = lims[qi + 1] - lims[qi]
        assert n_hits == np.count_nonzero(d_all[qi] <= radius)
        np.testing.assert_array_equal(ids[lims[qi] : lims[qi + 1]], i_all[qi, :n_hits])
        np.testing.assert_array_equal(dist[lims[qi] : lims[qi + 1]], d_all[qi, :n_hits])
