"""Shared solver blocks, each checked on a problem with a known answer."""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.spatial.distance import cdist
from scipy.stats import ortho_group

from hashmodal._validation import NotFittedError
from hashmodal.methods._blocks import (
    AnchorRBF,
    RowCentering,
    alm_binary_quadratic,
    balanced_orthogonal_latent,
    dcc,
    exponent_weights,
    l21_prox,
    label_similarity_product,
    orthogonal_procrustes,
    pairwise_logistic_grad,
    pairwise_logistic_loss,
    self_weights,
    sign,
    weighted_sign,
)

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


# ---------------------------------------------------------------- sign, centring


def test_sign_maps_zero_to_plus_one_like_binarize():
    from hashmodal.codes import binarize

    x = np.array([[-1.0, 0.0, 2.0, -0.0]])
    np.testing.assert_array_equal(sign(x), [[-1, 1, 1, 1]])
    np.testing.assert_array_equal(binarize(x).to_signs(), sign(x))


def test_row_centering_uses_training_mean():
    X = np.array([[1.0, 10.0], [3.0, 20.0]])
    c = RowCentering().fit(X)
    np.testing.assert_array_equal(c.mean_, [2.0, 15.0])
    np.testing.assert_array_equal(c.transform([[2.0, 15.0]]), [[0.0, 0.0]])
    with pytest.raises(ValueError, match="3 features"):
        c.transform(np.ones((1, 3)))
    with pytest.raises(NotFittedError):
        RowCentering().transform(X)


# ---------------------------------------------------------------- l2,1 prox


def test_l21_prox_hand_values_and_optimality():
    np.testing.assert_allclose(
        l21_prox([[3.0, 4.0], [0.3, 0.4], [0.0, 0.0]], 1.0),
        [[2.4, 3.2], [0.0, 0.0], [0.0, 0.0]],
    )
    rng = np.random.default_rng(0)
    X = rng.normal(size=(6, 3))
    tau = 0.8
    Z = l21_prox(X, tau)

    def objective(z):
        z = z.reshape(X.shape)
        return 0.5 * np.sum((z - X) ** 2) + tau * np.linalg.norm(z, axis=1).sum()

    best = objective(Z.ravel())
    for _ in range(200):
        assert best <= objective(Z.ravel() + 0.05 * rng.normal(size=Z.size)) + 1e-12
    with pytest.raises(ValueError, match="tau"):
        l21_prox(X, -1.0)


# ---------------------------------------------------------------- case T1


def test_pairwise_logistic_loss_is_stable_case_t1():
    theta = np.float32(100.0)
    with np.errstate(over="ignore"):
        naive = np.log(1 + np.exp(theta)) - theta
    assert np.isinf(naive)
    value = pairwise_logistic_loss(theta, 1.0)
    assert value.dtype == np.float32 and value == 0.0
    assert 0.0 <= pairwise_logistic_loss(np.float32(-100.0), 0.0) < 1e-40
    assert pairwise_logistic_loss(100.0, 0.0) == pytest.approx(100.0)


def test_pairwise_logistic_loss_matches_naive_form_and_gradient():
    theta = np.linspace(-20, 20, 81)
    for s in (0.0, 1.0):
        naive = np.log(1 + np.exp(theta)) - s * theta
        loss = pairwise_logistic_loss(theta, s)
        np.testing.assert_allclose(loss, naive, rtol=1e-9, atol=1e-14)
        np.testing.assert_allclose(loss, np.logaddexp(0, theta) - s * theta, rtol=1e-12)
        h = 1e-6
        numeric = (
            pairwise_logistic_loss(theta + h, s) - pairwise_logistic_loss(theta - h, s)
        ) / (2 * h)
        np.testing.assert_allclose(pairwise_logistic_grad(theta, s), numeric, atol=1e-6)
    assert np.isfinite(pairwise_logistic_grad(np.float32([-1e4, 1e4]), 1.0)).all()


# ---------------------------------------------------------------- DCC


def _binary_quadratic(B, Q, G):
    return float(np.sum((B @ G) * B) - 2 * np.sum(B * Q))


def test_dcc_decreases_and_is_coordinatewise_optimal():
    rng = np.random.default_rng(0)
    n, r = 30, 5
    W = rng.normal(size=(r, 3))
    G = W @ W.T
    Q = rng.normal(size=(n, r))
    B0 = sign(rng.normal(size=(n, r)))
    B = dcc(B0, Q, G, n_sweeps=10)
    assert _binary_quadratic(B, Q, G) <= _binary_quadratic(B0, Q, G)
    # No single bit flip improves the result (a DCC fixed point).
    value = _binary_quadratic(B, Q, G)
    for i in range(n):
        for k in range(r):
            flipped = B.copy()
            flipped[i, k] *= -1
            assert _binary_quadratic(flipped, Q, G) >= value - 1e-9


def test_dcc_one_sweep_monotone_and_exact_for_diagonal_g():
    rng = np.random.default_rng(1)
    Q = rng.normal(size=(8, 4))
    B = dcc(sign(rng.normal(size=(8, 4))), Q, np.diag([1.0, 2, 3, 4]))
    np.testing.assert_array_equal(B, sign(Q))
    # Brute force on one row with a full G.
    W = rng.normal(size=(4, 4))
    G = W @ W.T
    q = rng.normal(size=(1, 4))
    codes = np.array(np.meshgrid(*[[-1.0, 1.0]] * 4)).reshape(4, -1).T
    values = [_binary_quadratic(c[None], q, G) for c in codes]
    B = dcc(np.ones((1, 4)), q, G, n_sweeps=20)
    assert _binary_quadratic(B, q, G) <= np.sort(values)[3]


def test_dcc_errors():
    with pytest.raises(ValueError, match="-1 and \\+1"):
        dcc(np.zeros((2, 2)), np.zeros((2, 2)), np.eye(2))
    with pytest.raises(ValueError, match="symmetric"):
        dcc(np.ones((2, 2)), np.zeros((2, 2)), np.array([[1.0, 2.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="shape"):
        dcc(np.ones((2, 2)), np.zeros((2, 2)), np.eye(3))


# ---------------------------------------------------------------- ALM


def test_alm_sign_step_exact_without_quadratic_and_never_worse():
    rng = np.random.default_rng(0)
    C = rng.normal(size=(10, 3))
    B0 = sign(rng.normal(size=(10, 3)))
    np.testing.assert_array_equal(
        alm_binary_quadratic(np.zeros((10, 10)), C, B0), sign(C)
    )

    def f(B, A):
        return float(np.sum(B * (A @ B)) - 2 * np.sum(B * C))

    M = rng.normal(size=(10, 10))
    A = M @ M.T / 10
    B = alm_binary_quadratic(A, C, B0)
    assert f(B, A) <= f(B0, A)
    assert set(np.unique(B)) <= {-1.0, 1.0}


def test_alm_finds_brute_force_optimum_on_a_small_problem():
    # n = 10 items, one bit: 1024 candidates. A = -L L^T (similar items attract).
    rng = np.random.default_rng(3)
    L = np.eye(2)[rng.integers(0, 2, 10)]
    A = -(2 * L @ L.T - 1)
    C = 0.1 * rng.normal(size=(10, 1))
    candidates = np.array(np.meshgrid(*[[-1.0, 1.0]] * 10)).reshape(10, -1).T
    values = [float(b @ A @ b - 2 * b @ C[:, 0]) for b in candidates]
    B = alm_binary_quadratic(
        lambda Z: -(2 * L @ (L.T @ Z) - Z.sum(axis=0)), C, sign(C), n_iter=30
    )
    assert float(B[:, 0] @ A @ B[:, 0] - 2 * B[:, 0] @ C[:, 0]) == pytest.approx(
        min(values)
    )


def test_alm_errors():
    C = np.zeros((3, 2))
    with pytest.raises(ValueError, match="rho must"):
        alm_binary_quadratic(np.eye(3), C, np.ones((3, 2)), rho=0.0)
    with pytest.raises(ValueError, match="rho_growth"):
        alm_binary_quadratic(np.eye(3), C, np.ones((3, 2)), rho_growth=0.5)
    with pytest.raises(ValueError, match="shape"):
        alm_binary_quadratic(np.eye(4), C, np.ones((3, 2)))


# ---------------------------------------------------------------- balanced latent


@pytest.mark.parametrize("rank", [4, 2])
def test_balanced_orthogonal_latent_constraints_and_optimum(rank):
    rng = np.random.default_rng(rank)
    n, r = 40, 4
    Z = rng.normal(size=(n, rank)) @ rng.normal(size=(rank, r)) + 5.0
    V = balanced_orthogonal_latent(Z, random_state=0)
    np.testing.assert_allclose(V.sum(axis=0), 0, atol=1e-9)
    np.testing.assert_allclose(V.T @ V, n * np.eye(r), atol=1e-8)
    Zc = Z - Z.mean(axis=0)
    optimum = np.sqrt(n) * np.linalg.svd(Zc, compute_uv=False).sum()
    assert np.trace(V.T @ Z) == pytest.approx(optimum, rel=1e-9)
    # Any other feasible point is no better.
    for seed in range(20):
        X = np.random.default_rng(seed).normal(size=(n, r))
        X -= X.mean(axis=0)
        Qx, _ = np.linalg.qr(X)
        assert np.trace(np.sqrt(n) * Qx.T @ Z) <= optimum + 1e-9


def test_balanced_orthogonal_latent_needs_more_rows():
    with pytest.raises(ValueError, match="more rows"):
        balanced_orthogonal_latent(np.ones((3, 3)))


def _simplex_grid(n_views, steps=200):
    # Every point of a fine grid on the simplex (2 or 3 views).
    t = np.linspace(0.0005, 0.9995, steps)
    if n_views == 2:
        return np.stack([t, 1 - t], axis=1)
    a, b = np.meshgrid(t, t)
    keep = a + b < 1
    return np.stack([a[keep], b[keep], 1 - a[keep] - b[keep]], axis=1)


@pytest.mark.parametrize("norms", [[1.0, 3.0], [0.5, 2.0, 4.0], [2.0, 2.0]])
def test_self_weights_minimise_the_inverse_weighted_loss(norms):
    e = np.array(norms)
    mu = self_weights(e)
    assert mu.sum() == pytest.approx(1.0)
    grid = _simplex_grid(len(e))
    objective = lambda w: (e**2 / w).sum(axis=-1)  # noqa: E731
    assert objective(mu) <= objective(grid).min() + 1e-9
    assert objective(mu) == pytest.approx(e.sum() ** 2)


@pytest.mark.parametrize("t", [1.5, 2.0, 4.0])
def test_exponent_weights_minimise_the_powered_loss(t):
    h = np.array([0.5, 2.0, 4.0])
    mu = exponent_weights(h, t)
    grid = _simplex_grid(3)
    objective = lambda w: (w**t * h).sum(axis=-1)  # noqa: E731
    assert objective(mu) <= objective(grid).min() + 1e-9
    assert mu[0] > mu[1] > mu[2]


def test_weights_edge_cases_and_errors():
    assert self_weights([0.0, 0.0]).tolist() == [0.5, 0.5]
    assert exponent_weights([0.0, 1.0, 0.0]).tolist() == [0.5, 0.0, 0.5]
    with pytest.raises(ValueError, match="residual_norms must be finite and >= 0"):
        self_weights([1.0, -1.0])
    with pytest.raises(ValueError, match="exponent must be a finite number > 1"):
        exponent_weights([1.0, 2.0], 1.0)
    with pytest.raises(ValueError, match="non-empty 1-D"):
        self_weights([])


def test_weighted_sign_divides_by_the_weights():
    rng = np.random.default_rng(0)
    preds = [rng.normal(size=(20, 8)) for _ in range(3)]
    mu = self_weights([1.0, 2.0, 5.0])
    expected = np.where(
        sum(p / m for p, m in zip(preds, mu, strict=True)) >= 0, 1.0, -1.0
    )
    np.testing.assert_array_equal(weighted_sign(preds, mu), expected)
    # The badly fitting view (large mu) weighs least: it cannot outvote the rest.
    strong = [np.ones((1, 1)), -1.5 * np.ones((1, 1))]
    assert weighted_sign(strong, self_weights([1.0, 3.0])).tolist() == [[1.0]]
    with pytest.raises(ValueError, match="one value per prediction"):
        weighted_sign(preds, [0.5, 0.5])
    with pytest.raises(ValueError, match="finite and > 0"):
        weighted_sign(preds[:2], [1.0, 0.0])


@pytest.mark.parametrize("sparse", [False, True])
def test_label_similarity_product_equals_dense_similarity(sparse):
    rng = np.random.default_rng(1)
    L = np.eye(4)[rng.integers(0, 4, 30)]
    X = rng.normal(size=(30, 5))
    dense = 16 * (2 * L @ L.T - 1) @ X
    got = label_similarity_product(sp.csr_matrix(L) if sparse else L, X, scale=16)
    np.testing.assert_allclose(got, dense)
    with pytest.raises(ValueError, match="same number of rows"):
        label_similarity_product(L, X[:5])
