"""Mean average precision: shared cases M1-M5, M7, M8 and oracles."""

from __future__ import annotations

import numpy as np
import pytest
from _metrics_oracle import ap_of_list, expected_over_ties, stable_order
from sklearn.metrics import average_precision_score

from hashmodal.codes import from_bits
from hashmodal.metrics import (
    ProtocolError,
    mean_average_precision,
    mean_average_precision_from_distances,
)

map_d = mean_average_precision_from_distances


def _ranked(flags):
    """Distances 0..n-1 that rank items in the given order, without ties."""
    flags = np.asarray(flags)
    return np.arange(flags.size)[None, :], flags[None, :].astype(bool)


# -- shared cases -------------------------------------------------------------
def test_M1_map_at_k_names_its_normalisation():
    dist = np.array([[0, 1, 2, 3], [0, 1, 2, 3]])
    rel = np.array([[1, 0, 1, 0], [1, 0, 0, 1]], dtype=bool)
    default = map_d(dist, rel, k=3)
    assert default.normalization == "min_r_k"
    np.testing.assert_allclose(default.per_query, [0.8333333, 0.5], atol=1e-6)
    hits = map_d(dist, rel, k=3, normalization="hits_in_k")
    np.testing.assert_allclose(hits.per_query, [0.8333333, 1.0], atol=1e-6)
    assert hits.normalization == "hits_in_k"


def test_M2_ties_index_and_expected():
    q = from_bits([[0, 0, 0, 0]])
    db = from_bits([[0, 0, 0, 1], [0, 0, 1, 0]])
    by_index = mean_average_precision(q, db, [1], [0, 1], ties="index")
    expected = mean_average_precision(q, db, [1], [0, 1], ties="expected")
    assert by_index.value == pytest.approx(0.5)
    assert expected.value == pytest.approx(0.75)
    assert (by_index.ties, expected.ties) == ("index", "expected")


@pytest.mark.parametrize("ties", ["index", "expected"])
def test_M3_relevant_items_below_k_never_count(ties):
    dist, rel = _ranked([0, 0, 0, 1, 1])
    assert map_d(dist, rel, k=2, ties=ties).value == 0.0
    assert map_d(dist, rel, k=None, ties=ties).value == pytest.approx(0.325)


def test_M4_queries_without_relevant_item():
    dist = np.array([[0, 1], [0, 1]])
    rel = np.array([[1, 0], [0, 0]], dtype=bool)
    zero = map_d(dist, rel)
    assert zero.value == pytest.approx(0.5)
    assert zero.n_queries_without_relevant == 1
    excl = map_d(dist, rel, no_relevant="exclude")
    assert excl.value == pytest.approx(1.0)
    assert excl.n_queries_without_relevant == 1
    assert excl.to_dict()["n_queries_without_relevant"] == 1
    with pytest.raises(ValueError, match="none of the 1 queries has a relevant"):
        map_d(dist[1:], rel[1:], no_relevant="exclude")
    assert map_d(dist[1:], rel[1:]).value == 0.0


def test_M5_same_set_drops_the_query_itself():
    # query = database item 0; item 1 at distance 1, item 2 at distance 2
    codes = from_bits([[0, 0], [1, 0], [1, 1]])
    labels = [0, 1, 0]
    kept = mean_average_precision(codes[0], codes, [0], labels, ties="index")
    assert kept.value == pytest.approx(0.8333333, abs=1e-6)
    dropped = mean_average_precision(
        codes[0],
        codes,
        [0],
        labels,
        query_ids=[7],
        database_ids=[7, 8, 9],
        allow_overlap=True,
    )
    assert dropped.value == pytest.approx(0.5)
    same = mean_average_precision(codes, codes, labels, labels, same_set=True)
    assert same.per_query[0] == pytest.approx(0.5)
    with pytest.raises(ProtocolError, match="allow_overlap=True"):
        mean_average_precision(
            codes[0], codes, [0], labels, query_ids=[7], database_ids=[7, 8, 9]
        )


def test_M7_rank_map_differs_from_tie_aware_map():
    dist = np.array([[0, 1, 1, 2]])
    rel = np.array([[1, 0, 1, 0]], dtype=bool)
    assert map_d(dist, rel, ties="index").value == pytest.approx(0.8333333)
    assert map_d(dist, rel, ties="expected").value == pytest.approx(0.9166667)


def test_M8_all_is_none_and_never_minus_one():
    dist, rel = _ranked([0, 0, 1])
    assert map_d(dist, rel, k=None).value == pytest.approx(1 / 3)
    assert map_d(dist, rel, k=3).value == pytest.approx(1 / 3)
    for bad in (-1, 0):
        with pytest.raises(ValueError, match="k must be an integer >= 1"):
            map_d(dist, rel, k=bad)


# -- oracles -----------------------------------------------------------------
def test_equals_sklearn_without_ties():
    rng = np.random.default_rng(0)
    scores = rng.standard_normal((30, 200))
    rel = rng.random((30, 200)) < 0.1
    rel[:, 0] = True
    dist = np.argsort(np.argsort(-scores, axis=1), axis=1)  # distinct ranks
    expected = [average_precision_score(r, s) for r, s in zip(rel, scores, strict=True)]
    for ties in ("index", "expected"):
        got = map_d(dist, rel, ties=ties, block_size=7)
        np.testing.assert_allclose(got.per_query, expected, rtol=1e-12)


def test_codes_with_distinct_distances_equal_sklearn():
    n_bits = 12
    # database item i sits at distance i from the all-zero query
    bits = np.zeros((n_bits + 1, n_bits), dtype=np.uint8)
    for i in range(n_bits + 1):
        bits[i, :i] = 1
    rng = np.random.default_rng(1)
    order = rng.permutation(n_bits + 1)
    labels = (rng.random(n_bits + 1) < 0.4).astype(int)
    labels[0] = 1
    s = mean_average_precision(
        np.zeros((1, n_bits), np.uint8), bits[order], [1], labels[order]
    )
    ref = average_precision_score(labels[order] == 1, -order.astype(float))
    assert s.value == pytest.approx(ref, rel=1e-12)


@pytest.mark.parametrize("k", [None, 1, 2, 3, 5, 7])
@pytest.mark.parametrize("normalization", ["min_r_k", "hits_in_k"])
def test_tie_aware_equals_enumeration_of_orders(k, normalization):
    rng = np.random.default_rng(k or 0)
    for _ in range(15):
        n = int(rng.integers(1, 8))
        dist = rng.integers(0, 3, size=(1, n))
        rel = rng.random((1, n)) < 0.5
        n_rel = int(rel.sum())
        expected = expected_over_ties(
            dist[0],
            lambda o, rel=rel, n_rel=n_rel: ap_of_list(
                rel[0][o], n_rel, k, normalization
            ),
        )
        got = map_d(dist, rel, k=k, ties="expected", normalization=normalization)
        assert got.per_query[0] == pytest.approx(expected, abs=1e-12)
        by_index = map_d(dist, rel, k=k, ties="index", normalization=normalization)
        oracle = ap_of_list(rel[0][stable_order(dist[0])], n_rel, k, normalization)
        assert by_index.per_query[0] == pytest.approx(oracle, abs=1e-12)


def test_block_size_does_not_change_results():
    rng = np.random.default_rng(3)
    q = rng.integers(0, 2, size=(23, 16))
    db = rng.integers(0, 2, size=(57, 16))
    ql, dl = rng.integers(0, 3, 23), rng.integers(0, 3, 57)
    for ties in ("index", "expected"):
        a = mean_average_precision(q, db, ql, dl, ties=ties, k=10, block_size=1)
        b = mean_average_precision(q, db, ql, dl, ties=ties, k=10, block_size=100)
        np.testing.assert_allclose(a.per_query, b.per_query, rtol=1e-12)
