"""SCRATCH: monotone alternating solver, rotation, codes, kernel features."""

import logging

import numpy as np
import pytest
from _method_data import hamming_map, make_views

from hashmodal.methods._blocks import AnchorRBF
from hashmodal.methods.cross_modal import SCRATCH
from hashmodal.methods.cross_modal._scratch import scratch_objective, scratch_solve

PARAMS = {"view_weight": 0.4, "alpha": 5.0, "mu": 3.0, "gamma": 0.5}


def _solve(max_iter=12, seed=0):
    views, labels = make_views(90, seed=seed)
    X1 = views["image"] - views["image"].mean(axis=0)
    X2 = views["text"] - views["text"].mean(axis=0)
    L = np.eye(5)[labels]
    out = scratch_solve(
        X1,
        X2,
        L,
        8,
        **PARAMS,
        max_iter=max_iter,
        tol=0.0,
        rng=np.random.default_rng(seed),
        record_steps=True,
    )
    return X1, X2, L, out


def test_every_block_update_does_not_increase_the_objective():
    _, _, _, out = _solve()
    names = [name for name, _ in out["steps"]]
    assert names[:5] == ["W", "V", "R", "B", "U,G"]
    values = np.array([value for _, value in out["steps"]])
    assert np.all(np.diff(values) <= 1e-9 * values[:-1])
    assert np.all(np.diff(out["objective"]) <= 1e-9 * out["objective"][:-1])
    assert out["objective"].shape == (12,)


def test_rotation_is_orthogonal_and_codes_are_its_sign():
    _, _, _, out = _solve()
    R = out["R"]
    np.testing.assert_allclose(R.T @ R, np.eye(8), atol=1e-10)
    assert set(np.unique(out["B"])) == {-1.0, 1.0}


def test_the_rotation_step_is_optimal_over_orthogonal_matrices():
    # The R step minimises ||B - V Rᵀ||² over orthogonal R; no random
    # orthogonal matrix (nor a small rotation of R) does better.
    *_, out = _solve()
    V, R, B = out["V"], out["R"], out["B"]
    best = np.sum((B - V @ R.T) ** 2)
    rng = np.random.default_rng(3)
    for _ in range(20):
        Q = np.linalg.qr(rng.standard_normal((8, 8)))[0]
        assert np.sum((B - V @ Q.T) ** 2) >= best - 1e-9
        A = rng.standard_normal((8, 8))
        near = R @ np.linalg.qr(np.eye(8) + 1e-3 * (A - A.T))[0]
        assert np.sum((B - V @ near.T) ** 2) >= best - 1e-9


def test_objective_matches_a_direct_computation():
    X1, X2, L, out = _solve(max_iter=3)
    w, alpha, mu, gamma = (PARAMS[k] for k in ("view_weight", "alpha", "mu", "gamma"))
    U1, U2, G, W1, W2, V, R, B = (
        out[k] for k in ("U1", "U2", "G", "W1", "W2", "V", "R", "B")
    )
    direct = (
        w * np.linalg.norm(X1 - V @ U1) ** 2
        + (1 - w) * np.linalg.norm(X2 - V @ U2) ** 2
        + alpha * np.linalg.norm(L - V @ G) ** 2
        + np.linalg.norm(B - (R @ V.T).T) ** 2
        + mu * (np.linalg.norm(V - X1 @ W1) ** 2 + np.linalg.norm(V - X2 @ W2) ** 2)
        + gamma * sum(np.linalg.norm(M) ** 2 for M in (U1, U2, G, W1, W2, V))
    )
    state = {k: out[k] for k in ("U1", "U2", "G", "W1", "W2", "V", "R", "B")}
    value = scratch_objective(X1, X2, L, state, **PARAMS)
    assert value == pytest.approx(direct, rel=1e-10)
    assert out["objective"][-1] == pytest.approx(direct, rel=1e-10)


def test_fit_attributes_and_query_codes_include_the_rotation(two_views):
    views, labels = two_views
    model = SCRATCH(n_bits=12, n_anchors=60, random_state=0).fit(views, labels)
    assert model.rotation_.shape == (12, 12)
    np.testing.assert_allclose(
        model.rotation_ @ model.rotation_.T, np.eye(12), atol=1e-10
    )
    assert model.anchors_["image"].shape == (60, 24)
    assert model.projections_["text"].shape == (60, 12)
    assert model.train_codes_.shape == (120, 12)
    assert model.n_iter_ == 20 and np.all(np.diff(model.objective_) <= 1e-6)
    # Anchors are training rows; kernel width is the mean squared distance.
    image = views["image"]
    rows = [np.flatnonzero((image == a).all(axis=1)) for a in model.anchors_["image"]]
    assert all(r.size == 1 for r in rows)
    sq = ((image[:, None, :] - model.anchors_["image"][None]) ** 2).sum(-1)
    assert model.kernel_scale_["image"] == pytest.approx(sq.mean())
    # encode = sign(centred kernel features @ W Rᵀ), independent of the batch.
    phi = np.exp(-sq / (2 * sq.mean()))
    phi -= phi.mean(axis=0)
    expected = phi @ model.projections_["image"] >= 0
    np.testing.assert_array_equal(model.encode({"image": image}).to_bits(), expected)
    one = model.encode({"image": image[5:6]})
    assert one == model.encode({"image": image})[5]


def test_codes_are_balanced_and_retrieve_across_views(two_views):
    views, labels = two_views
    model = SCRATCH(n_bits=16, n_anchors=60, random_state=0).fit(views, labels)
    assert np.all(np.abs(model.train_codes_.to_signs().mean(axis=0)) < 0.9)
    text = model.encode({"text": views["text"]})
    assert hamming_map(text, model.train_codes_, labels, labels) > 0.9


def test_raw_features_option(two_views):
    views, labels = two_views
    model = SCRATCH(n_bits=8, kernel=False, random_state=0).fit(views, labels)
    assert not hasattr(model, "anchors_")
    np.testing.assert_allclose(model.means_["image"], views["image"].mean(axis=0))
    assert model.projections_["image"].shape == (24, 8)


def test_too_many_anchors_uses_every_row_and_warns(two_views, caplog):
    views, labels = two_views
    with caplog.at_level(logging.WARNING):
        model = SCRATCH(n_bits=8, random_state=0).fit(views, labels)
    assert model.anchors_["text"].shape == (120, 16)
    assert "n_anchors=500 exceeds the 120 training rows" in caplog.text


def test_same_seed_same_codes_and_anchors_match_the_block(two_views):
    views, labels = two_views
    a = SCRATCH(n_bits=8, n_anchors=30, random_state=7).fit(views, labels)
    b = SCRATCH(n_bits=8, n_anchors=30, random_state=7).fit(views, labels)
    assert a.train_codes_ == b.train_codes_
    rbf = AnchorRBF.from_state(
        a.anchors_["text"], a.kernel_scale_["text"], a.means_["text"]
    )
    np.testing.assert_allclose(rbf.transform(views["text"]).mean(axis=0), 0, atol=1e-12)


def test_needs_labels_and_two_views(two_views):
    views, labels = two_views
    with pytest.raises(ValueError, match="supervised"):
        SCRATCH(n_bits=4).fit(views)
    with pytest.raises(ValueError, match="exactly 2 paired views"):
        SCRATCH(n_bits=4).fit(dict(views, audio=views["text"]), labels)
    with pytest.raises(ValueError, match="alpha must be a finite number > 0"):
        SCRATCH(n_bits=4, alpha=-1, n_anchors=10).fit(views, labels)
    with pytest.raises(ValueError, match="sigma must be 'mean' or a positive number"):
        SCRATCH(n_bits=4, sigma="median", n_anchors=10).fit(views, labels)
