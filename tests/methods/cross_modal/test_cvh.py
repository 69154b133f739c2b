"""CVH: the projections solve the generalised eigenproblem; oracle: whitened SVD."""

import numpy as np
import pytest
import scipy.linalg as sla
from _method_data import hamming_map, make_views

from hashmodal.methods.cross_modal import CVH


def _problem(X1, X2, regularization):
    """M and D of CVH built independently with numpy's covariance."""
    d1 = X1.shape[1]
    C = np.cov(np.hstack([X1, X2]), rowvar=False, bias=True)
    C11, C22, C12 = C[:d1, :d1], C[d1:, d1:], C[:d1, d1:]
    M = np.block([[np.zeros_like(C11), C12], [C12.T, np.zeros_like(C22)]])
    D = sla.block_diag(
        C11 + regularization * np.trace(C11) / C11.shape[0] * np.eye(C11.shape[0]),
        C22 + regularization * np.trace(C22) / C22.shape[0] * np.eye(C22.shape[0]),
    )
    return M, D


def test_solution_satisfies_the_generalised_eigen_equation(two_views):
    views, _ = two_views
    model = CVH(n_bits=10, regularization=1e-3).fit(views)
    M, D = _problem(views["image"], views["text"], 1e-3)
    A = np.vstack([model.projections_["image"], model.projections_["text"]])
    lam = model.eigenvalues_
    np.testing.assert_allclose(M @ A, D @ A * lam, atol=1e-10)
    np.testing.assert_allclose(A.T @ D @ A, np.eye(10), atol=1e-10)
    assert np.all(np.diff(lam) <= 0) and np.all(np.abs(lam) <= 1)


def test_eigenvalues_are_the_regularised_canonical_correlations(two_views):
    # Oracle: the positive eigenvalues are the singular values of the whitened
    # cross-covariance D11^{-1/2} C12 D22^{-1/2}.
    views, _ = two_views
    model = CVH(n_bits=16, regularization=1e-3).fit(views)
    M, D = _problem(views["image"], views["text"], 1e-3)
    d1 = 24
    W1 = sla.fractional_matrix_power(D[:d1, :d1], -0.5)
    W2 = sla.fractional_matrix_power(D[d1:, d1:], -0.5)
    sv = np.linalg.svd(np.real(W1 @ M[:d1, d1:] @ W2), compute_uv=False)
    np.testing.assert_allclose(model.eigenvalues_, sv[:16], atol=1e-8)


def test_noise_free_paired_views_get_identical_codes():
    rng = np.random.default_rng(0)
    Z = rng.standard_normal((200, 4))
    views = {"a": Z @ rng.standard_normal((4, 9)), "b": Z @ rng.standard_normal((4, 6))}
    model = CVH(n_bits=4, regularization=1e-8).fit(views)
    np.testing.assert_allclose(model.eigenvalues_, 1.0, atol=1e-5)
    assert model.encode({"a": views["a"]}) == model.encode({"b": views["b"]})
    assert model.train_codes_ is None


def test_cross_view_retrieval_above_chance():
    views, labels = make_views(150, seed=1)
    model = CVH(n_bits=8).fit(views)
    image = model.encode({"image": views["image"]})
    text = model.encode({"text": views["text"]})
    assert hamming_map(image, text, labels, labels) > 0.5  # chance is 0.2


def test_errors(two_views):
    views, _ = two_views
    with pytest.raises(ValueError, match=r"at most d1 \+ d2 = 40 bits.*n_bits=41"):
        CVH(n_bits=41).fit(views)
    with pytest.raises(ValueError, match="regularization must be a finite number"):
        CVH(n_bits=4, regularization=0).fit(views)
    flat = dict(views, text=np.ones((120, 3)))
    with pytest.raises(ValueError, match="view 2 has zero variance"):
        CVH(n_bits=4).fit(flat)
