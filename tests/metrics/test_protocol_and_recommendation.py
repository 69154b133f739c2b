"""Protocol checks (M6) and recommendation metrics (M9, M10)."""

from __future__ import annotations

import numpy as np
import pytest
from _metrics_oracle import dcg_of_list, expected_over_ties, stable_order

from hashmodal.codes import from_bits
from hashmodal.metrics import (
    ProtocolError,
    check_splits,
    dcf_ndcg_at_k,
    hit_rate_at_k,
    mean_average_precision,
    recommendation_ndcg_at_k,
)


def test_M6_split_leakage_is_checked():
    with pytest.raises(ProtocolError, match=r"1 query id\(s\) are also database"):
        check_splits([1, 2], [2, 3, 4])
    out = check_splits([1, 2], [2, 3, 4], allow_overlap=True)
    assert out["query_database"].tolist() == [2]
    with pytest.raises(ProtocolError, match="train_from_database=True"):
        check_splits([1], [2, 3, 4], [3, 5])
    out = check_splits([1], [2, 3, 4], [3, 5], train_from_database=True)
    assert out["train_database"].tolist() == [3]
    # string ids too, and repeated ids are refused
    with pytest.raises(ProtocolError):
        check_splits(["a"], ["a", "b"])
    with pytest.raises(ValueError, match="must be unique"):
        check_splits([1, 1], [2])


def test_M6_metrics_refuse_overlapping_ids():
    codes = from_bits([[0, 0], [0, 1], [1, 1]])
    with pytest.raises(ProtocolError):
        mean_average_precision(
            codes[:2],
            codes,
            [0, 1],
            [0, 1, 0],
            query_ids=[1, 2],
            database_ids=[2, 3, 4],
        )


USER = [[0] * 8]
ITEMS = [
    [1, 1, 0, 0, 0, 0, 0, 0],
    [0, 0, 1, 1, 0, 0, 0, 0],
    [0, 0, 0, 0, 1, 1, 0, 0],
    [0, 0, 0, 0, 0, 0, 1, 1],
]


def test_M9_recommendation_metrics_are_tie_aware():
    hr = hit_rate_at_k(USER, ITEMS, {0: [0]}, k=1)
    assert hr.value == pytest.approx(0.25)
    ndcg = recommendation_ndcg_at_k(USER, ITEMS, {0: [0]}, k=2)
    assert ndcg.value == pytest.approx(0.4077, abs=1e-4)
    assert (
        recommendation_ndcg_at_k(USER, ITEMS, {0: [0]}, k=2, ties="index").value == 1.0
    )
    assert hit_rate_at_k(USER, ITEMS, {0: [0]}, k=1, ties="index").value == 1.0
    # the whole kind: the positive placed last among the ties
    assert hit_rate_at_k(USER, ITEMS, {0: [3]}, k=1, ties="index").value == 0.0
    assert hit_rate_at_k(USER, ITEMS, {0: [3]}, k=1).value == pytest.approx(0.25)


def test_M10_user_without_training_items_is_ranked_over_all_items():
    users = [[0] * 8, [0] * 8]
    train = {0: [1, 2]}
    test = {0: [0], 1: [3]}
    got = hit_rate_at_k(users, ITEMS, test, train=train, k=1, users=[1])
    assert got.value == pytest.approx(0.25)  # 4 items ranked, none masked
    masked = hit_rate_at_k(users, ITEMS, test, train=train, k=1, users=[0])
    assert masked.value == pytest.approx(0.5)  # items 1, 2 masked: 2 left


def _rec_oracle(dist, test, train, k, graded):
    """Full-ranking HR and NDCG by enumerating tie orders of the kept items."""
    keep = ~train
    d, rating = dist[keep], test[keep]
    gains = rating if graded else (rating > 0).astype(float)
    if not (rating > 0).any():
        return 0.0, 0.0
    ideal = dcg_of_list(np.sort(gains)[::-1], k) if graded else None
    if not graded:
        ideal = sum(1 / np.log2(i + 2) for i in range(min(k, int((rating > 0).sum()))))

    def ndcg(order):
        g = gains[order]
        if graded:
            return dcg_of_list(g, k) / ideal
        return sum(g[i] / np.log2(i + 2) for i in range(min(k, g.size))) / ideal

    hr = expected_over_ties(d, lambda o: float((rating[o][:k] > 0).any()))
    return hr, expected_over_ties(d, ndcg)


@pytest.mark.parametrize("graded", [False, True])
def test_recommendation_equals_enumeration(graded):
    rng = np.random.default_rng(5)
    n_users, n_items, n_bits = 6, 7, 3
    u = rng.integers(0, 2, (n_users, n_bits))
    it = rng.integers(0, 2, (n_items, n_bits))
    test = np.where(
        rng.random((n_users, n_items)) < 0.3, rng.integers(1, 6, (n_users, n_items)), 0
    )
    train = (rng.random((n_users, n_items)) < 0.3) & (test == 0)
    dist = (u[:, None, :] != it[None, :, :]).sum(-1)
    for k in (1, 2, 4):
        hr = hit_rate_at_k(u, it, test, train=train, k=k, users=range(n_users))
        nd = recommendation_ndcg_at_k(
            u, it, test, train=train, k=k, users=range(n_users), graded=graded
        )
        for user in range(n_users):
            e_hr, e_nd = _rec_oracle(dist[user], test[user], train[user], k, graded)
            assert hr.per_query[user] == pytest.approx(e_hr, abs=1e-12)
            assert nd.per_query[user] == pytest.approx(e_nd, abs=1e-12)


def test_dcf_ndcg_ranks_only_the_users_test_items():
    rng = np.random.default_rng(6)
    u = rng.integers(0, 2, (5, 4))
    it = rng.integers(0, 2, (9, 4))
    test = np.where(rng.random((5, 9)) < 0.5, rng.integers(1, 6, (5, 9)), 0)
    test[:, 0] = 3
    dist = (u[:, None, :] != it[None, :, :]).sum(-1)
    for k in (1, 3, 10):
        for ties in ("index", "expected"):
            got = dcf_ndcg_at_k(u, it, test, k=k, ties=ties)
            for user in range(5):
                items = np.flatnonzero(test[user])
                ratings = test[user, items]
                ideal = dcg_of_list(np.sort(ratings)[::-1], k)
                d = dist[user, items]
                if ties == "index":
                    want = dcg_of_list(ratings[stable_order(d)], k) / ideal
                else:
                    want = expected_over_ties(
                        d, lambda o, r=ratings, k=k, i=ideal: dcg_of_list(r[o], k) / i
                    )
                assert got.per_query[user] == pytest.approx(want, abs=1e-12)
    assert got.extra["protocol"] == "test_items_only"


def test_recommendation_input_errors():
    with pytest.raises(ValueError, match="item ids outside"):
        hit_rate_at_k(USER, ITEMS, {0: [9]}, k=1)
    with pytest.raises(ValueError, match="test must have shape"):
        hit_rate_at_k(USER, ITEMS, np.zeros((2, 4)), k=1)
    with pytest.raises(ValueError, match="k must be an integer >= 1"):
        hit_rate_at_k(USER, ITEMS, {0: [0]}, k=0)
