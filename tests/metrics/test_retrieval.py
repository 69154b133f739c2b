"""Curves, radius metrics, NDCG and ACG against brute force; properties."""

from __future__ import annotations

import numpy as np
import pytest
from _metrics_oracle import dcg_of_list, expected_over_ties, stable_order
from hypothesis import given, settings
from hypothesis import strategies as st

from hashmodal.codes import from_bits
from hashmodal.metrics import (
    acg_at_k,
    mean_average_precision,
    mean_average_precision_from_distances,
    ndcg_at_k,
    precision_recall_at_k,
    precision_recall_by_radius,
    precision_within_radius,
    radius_pr_auc,
)


def _problem(seed, n_q=5, n_db=8, n_bits=3, n_classes=3):
    rng = np.random.default_rng(seed)
    q = rng.integers(0, 2, (n_q, n_bits))
    db = rng.integers(0, 2, (n_db, n_bits))
    ql = (rng.random((n_q, n_classes)) < 0.5).astype(int)
    dl = (rng.random((n_db, n_classes)) < 0.5).astype(int)
    dist = (q[:, None, :] != db[None, :, :]).sum(-1)
    shared = ql @ dl.T
    return q, db, ql, dl, dist, shared


def test_M7_radius_auc_is_a_separate_metric():
    q = [[0, 0]]
    db = [[0, 0], [1, 0], [0, 1], [1, 1]]  # distances 0, 1, 1, 2
    labels = [1, 0, 1, 0]
    assert radius_pr_auc(q, db, [1], labels).value == pytest.approx(0.9166667)
    assert radius_pr_auc(q, db, [1], labels).metric == "radius_pr_auc"
    rank = mean_average_precision(q, db, [1], labels, ties="index")
    assert rank.value == pytest.approx(0.8333333)
    assert rank.metric == "map"


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("ties", ["index", "expected"])
def test_precision_recall_at_k_and_graded_metrics(seed, ties):
    q, db, ql, dl, dist, shared = _problem(seed)
    ks = [1, 3, 8, 20]
    curve = precision_recall_at_k(q, db, ql, dl, ks=ks, ties=ties)
    p_rows, r_rows = [], []
    for k in (1, 3, 5, 8, None):
        nd = ndcg_at_k(q, db, ql, dl, k=k, ties=ties)
        acg = acg_at_k(q, db, ql, dl, k=k, ties=ties)
        for i in range(len(q)):
            g = shared[i]
            kk = k or g.size
            ideal = dcg_of_list(np.sort(g)[::-1], kk)

            def nd_of(o, g=g, kk=kk, ideal=ideal):
                return dcg_of_list(g[o], kk) / ideal if ideal else 0.0

            def acg_of(o, g=g, kk=kk):
                return g[o][:kk].mean()

            if ties == "index":
                o = stable_order(dist[i])
                want_nd, want_acg = nd_of(o), acg_of(o)
            else:
                want_nd = expected_over_ties(dist[i], nd_of)
                want_acg = expected_over_ties(dist[i], acg_of)
            assert nd.per_query[i] == pytest.approx(want_nd, abs=1e-12)
            assert acg.per_query[i] == pytest.approx(want_acg, abs=1e-12)
    for i in range(len(q)):
        rel = shared[i] > 0
        R = rel.sum()

        def hits(o, k, rel=rel):
            return rel[o][:k].sum()

        row_p, row_r = [], []
        for k in ks:
            if ties == "index":
                h = hits(stable_order(dist[i]), k)
            else:
                h = expected_over_ties(dist[i], lambda o, k=k: hits(o, k))
            row_p.append(h / min(k, len(db)))
            row_r.append(h / R if R else 0.0)
        p_rows.append(row_p)
        r_rows.append(row_r)
    np.testing.assert_allclose(curve.precision, np.mean(p_rows, 0), atol=1e-12)
    np.testing.assert_allclose(curve.recall, np.mean(r_rows, 0), atol=1e-12)


@pytest.mark.parametrize("seed", range(4))
def test_radius_metrics_against_brute_force(seed):
    q, db, ql, dl, dist, shared = _problem(seed, n_bits=4)
    rel = shared > 0
    curve = precision_recall_by_radius(q, db, ql, dl)
    assert curve.points.tolist() == [0, 1, 2, 3, 4]
    for r in range(5):
        inside = dist <= r
        n_in = inside.sum(1)
        prec = np.where(n_in > 0, (inside & rel).sum(1) / np.maximum(n_in, 1), 0)
        rec = np.where(
            rel.sum(1) > 0, (inside & rel).sum(1) / np.maximum(rel.sum(1), 1), 0
        )
        assert curve.precision[r] == pytest.approx(prec.mean())
        assert curve.recall[r] == pytest.approx(rec.mean())
        pwr = precision_within_radius(q, db, ql, dl, radius=r)
        assert pwr.value == pytest.approx(prec.mean())
        assert pwr.extra["n_queries_retrieving_nothing"] == int((n_in == 0).sum())
        if (n_in > 0).any():
            excl = precision_within_radius(
                q, db, ql, dl, radius=r, no_retrieved="exclude"
            )
            assert excl.value == pytest.approx(prec[n_in > 0].mean())


def test_precision_within_radius_nothing_retrieved():
    q, db = [[0, 0, 0]], [[1, 1, 1]]
    s = precision_within_radius(q, db, [1], [1], radius=2)
    assert s.value == 0.0 and s.extra["n_queries_retrieving_nothing"] == 1
    with pytest.raises(ValueError, match="no query retrieves anything"):
        precision_within_radius(q, db, [1], [1], radius=2, no_retrieved="exclude")


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 3), st.booleans()), min_size=1, max_size=12),
    st.randoms(use_true_random=False),
    st.one_of(st.none(), st.integers(1, 12)),
)
def test_tie_aware_invariant_to_order_inside_ties(items, rnd, k):
    dist = np.array([[d for d, _ in items]])
    rel = np.array([[r for _, r in items]])
    perm = list(range(len(items)))
    rnd.shuffle(perm)
    a = mean_average_precision_from_distances(dist, rel, k=k)
    b = mean_average_precision_from_distances(dist[:, perm], rel[:, perm], k=k)
    assert a.value == pytest.approx(b.value, abs=1e-12)
    assert 0.0 <= a.value <= 1.0 + 1e-12
    c = mean_average_precision_from_distances(dist, rel, k=k, ties="index")
    assert 0.0 <= c.value <= 1.0 + 1e-12


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**31 - 1))
def test_map_at_k_relations(seed):
    rng = np.random.default_rng(seed)
    dist = rng.integers(0, 5, (3, 15))
    rel = rng.random((3, 15)) < 0.3
    for ties in ("index", "expected"):
        for k in range(1, 16):
            a = mean_average_precision_from_distances(dist, rel, k=k, ties=ties)
            b = mean_average_precision_from_distances(
                dist, rel, k=k, ties=ties, normalization="hits_in_k"
            )
            assert 0.0 <= a.value <= 1.0 + 1e-12
            # hits in the top k never exceed min(R, k)
            assert np.all(b.per_query >= a.per_query - 1e-12)
        full = mean_average_precision_from_distances(dist, rel, ties=ties)
        at_n = mean_average_precision_from_distances(dist, rel, k=15, ties=ties)
        at_more = mean_average_precision_from_distances(dist, rel, k=99, ties=ties)
        assert full.value == pytest.approx(at_n.value) == at_more.value


def test_packed_codes_and_errors():
    bits = np.array([[1, 0, 1, 1, 0, 0, 0, 0, 1, 1], [0] * 10])
    packed = from_bits(bits).packed
    a = mean_average_precision(packed, packed, [0, 1], [0, 1], n_bits=10)
    b = mean_average_precision(bits, bits, [0, 1], [0, 1])
    assert a.value == b.value == 1.0
    with pytest.raises(ValueError, match="ties must be one of"):
        mean_average_precision(bits, bits, [0, 1], [0, 1], ties="random")
    with pytest.raises(ValueError, match="normalization must be one of"):
        mean_average_precision(bits, bits, [0, 1], [0, 1], normalization="all")
    with pytest.raises(ValueError, match="database_labels must have 2 rows"):
        mean_average_precision(bits, bits, [0, 1], [0, 1, 2])
    with pytest.raises(ValueError, match="both be 1-D class ids or both 2-D"):
        mean_average_precision(bits, bits, [0, 1], [[0, 1], [1, 0]])
    with pytest.raises(ValueError, match="multi-hot matrix must hold only 0 and 1"):
        mean_average_precision(bits, bits, [[2, 0], [0, 1]], [[0, 1], [1, 0]])
    with pytest.raises(ValueError, match="query codes have 10 bits but database"):
        mean_average_precision(bits, bits[:, :8], [0, 1], [0, 1])
    with pytest.raises(ValueError, match="relevance must have shape"):
        mean_average_precision(bits, bits, relevance=np.ones((2, 3), bool))
    with pytest.raises(ValueError, match="labels or relevance, not both"):
        mean_average_precision(bits, bits, [0, 1], [0, 1], relevance=np.eye(2))


def test_to_dict_is_json_ready():
    import json

    s = mean_average_precision([[0, 1]], [[0, 1], [1, 1]], [0], [0, 1], k=1)
    d = json.loads(json.dumps(s.to_dict(per_query=True)))
    assert d["metric"] == "map" and d["k"] == 1 and d["ties"] == "expected"
    assert d["normalization"] == "min_r_k" and d["per_query"] == [1.0]
