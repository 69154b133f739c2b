"""Shared solver blocks, each checked on a problem with a known answer."""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.spatial.distance import cdist
from scipy.stats import ortho_group

from hashmodal._validation import NotFittedError
from hashmodal.methods._blocks import AnchorRBF, orthogonal_procrustes

# ---------------------------------------------------------------- Procrustes


def test_procrustes_recovers_a_known_rotation():
    rng = np.random.default_rng(0)
    V = rng.normal(size=(200, 6))
    R_true = ortho_group.rvs(6, random_state=1)
    R = orthogonal_procrustes(V @ R_true, V)
    np.testing.assert_allclose(R, R_true, atol=1e-10)


def test_procrustes_is_orthogonal_and_beats_random_rotations():
    rng = np.random.default_rng(1)
    V = rng.normal(size=(100, 5))
    B = np.sign(rng.normal(size=(100, 5)))
    R = orthogonal_procrustes(B, V)
    np.testing.assert_allclose(R.T @ R, np.eye(5), atol=1e-10)
    best = np.linalg.norm(B - V @ R)
    for seed in range(50):
        Q = ortho_group.rvs(5, random_state=seed)
        assert best <= np.linalg.norm(B - V @ Q) + 1e-9


def test_procrustes_transposed_form_for_row_major_codes():
    # SCRATCH's form: min ||B - R V|| with B, V of shape (k, n).
    rng = np.random.default_rng(2)
    V = rng.normal(size=(4, 80))
    R_true = ortho_group.rvs(4, random_state=3)
    R = orthogonal_procrustes((R_true @ V).T, V.T).T
    np.testing.assert_allclose(R, R_true, atol=1e-10)


def test_procrustes_refuses_shape_mismatch():
    with pytest.raises(ValueError, match="same shape"):
        orthogonal_procrustes(np.ones((3, 2)), np.ones((3, 3)))


# ---------------------------------------------------------------- AnchorRBF


def test_anchor_rbf_matches_brute_force_with_given_sigma():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 4))
    rbf = AnchorRBF(sigma=1.5).fit(X, n_anchors=7, random_state=0)
    assert rbf.anchors_.shape == (7, 4)
    # Anchors are training rows.
    assert all((np.abs(X - a).sum(axis=1) == 0).any() for a in rbf.anchors_)
    Y = rng.normal(size=(9, 4))
    expected = np.exp(-cdist(Y, rbf.anchors_, "sqeuclidean") / (2 * 1.5**2))
    np.testing.assert_allclose(rbf.transform(Y), expected, atol=1e-12)


def test_anchor_rbf_mean_rule_centering_and_bias():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(50, 3))
    rbf = AnchorRBF(center=True, bias=True).fit(X, n_anchors=5, random_state=2)
    sq = cdist(X, rbf.anchors_, "sqeuclidean")
    assert rbf.scale_ == pytest.approx(sq.mean())
    raw = np.exp(-sq / (2 * sq.mean()))
    phi = rbf.transform(X)
    np.testing.assert_allclose(phi[:, :-1], raw - raw.mean(axis=0), atol=1e-12)
    np.testing.assert_allclose(phi[:, :-1].mean(axis=0), 0, atol=1e-12)
    np.testing.assert_array_equal(phi[:, -1], 1.0)


def test_anchor_rbf_sparse_input_equals_dense():
    rng = np.random.default_rng(2)
    X = rng.random((40, 10)) * (rng.random((40, 10)) < 0.3)
    dense = AnchorRBF().fit(X, 6, random_state=5).transform(X)
    sparse = (
        AnchorRBF().fit(sp.csr_matrix(X), 6, random_state=5).transform(sp.csr_matrix(X))
    )
    np.testing.assert_allclose(dense, sparse, atol=1e-12)


def test_anchor_rbf_seeded_and_state_round_trip():
    X = np.random.default_rng(3).normal(size=(30, 2))
    a = AnchorRBF(center=True).fit(X, 4, random_state=7)
    b = AnchorRBF(center=True).fit(X, 4, random_state=7)
    np.testing.assert_array_equal(a.anchors_, b.anchors_)
    state = a.get_state()
    c = AnchorRBF.from_state(state["anchors"], state["scale"], state["mean"])
    np.testing.assert_array_equal(a.transform(X), c.transform(X))


def test_anchor_rbf_caps_anchors_at_n_samples(caplog):
    X = np.random.default_rng(4).normal(size=(5, 2))
    with caplog.at_level("WARNING"):
        rbf = AnchorRBF().fit(X, n_anchors=10, random_state=0)
    assert rbf.n_anchors_ == 5
    assert "exceeds" in caplog.text


def test_anchor_rbf_errors():
    X = np.ones((5, 2)) * np.arange(5)[:, None]
    with pytest.raises(NotFittedError, match="fit"):
        AnchorRBF().transform(X)
    with pytest.raises(ValueError, match="sigma"):
        AnchorRBF(sigma="median").fit(X, 2)
    with pytest.raises(ValueError, match="sigma"):
        AnchorRBF(sigma=-1.0).fit(X, 2)
    with pytest.raises(ValueError, match="n_anchors"):
        AnchorRBF().fit(X, 0)
    rbf = AnchorRBF().fit(X, 2, random_state=0)
    with pytest.raises(ValueError, match="3 features"):
        rbf.transform(np.ones((2, 3)))
    with pytest.raises(ValueError, match="identical rows"):
        AnchorRBF().fit(np.ones((4, 2)), 2, random_state=0)
