"""SCRATCH: scalable discrete matrix factorisation hashing (Li et al., ACM MM 2018)."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from hashmodal._validation import check_positive_int, check_random_state
from hashmodal.codes import binarize
from hashmodal.methods._base import register_method
from hashmodal.methods._blocks import AnchorRBF, orthogonal_procrustes, sign
from hashmodal.methods.cross_modal._common import (
    TwoViewHasher,
    check_positive,
    check_unit_interval,
    ridge_solve,
)

__all__ = ["SCRATCH"]

logger = logging.getLogger(__name__)

_BLOCKS = ("U1", "U2", "G", "W1", "W2", "V", "R", "B")


def scratch_objective(
    X1: np.ndarray,
    X2: np.ndarray,
    L: np.ndarray,
    state: dict[str, np.ndarray],
    view_weight: float,
    alpha: float,
    mu: float,
    gamma: float,
) -> float:
    """Value of the SCRATCH objective (see :func:`scratch_solve`) at ``state``."""
    U1, U2, G, W1, W2, V, R, B = (state[k] for k in _BLOCKS)
    value = view_weight * np.sum((X1 - V @ U1) ** 2)
    value += (1.0 - view_weight) * np.sum((X2 - V @ U2) ** 2)
    value += alpha * np.sum((L - V @ G) ** 2)
    value += np.sum((B - V @ R.T) ** 2)
    value += mu * (np.sum((V - X1 @ W1) ** 2) + np.sum((V - X2 @ W2) ** 2))
    value += gamma * sum(np.sum(M**2) for M in (U1, U2, G, W1, W2, V))
    return float(value)


def scratch_solve(
    X1: np.ndarray,
    X2: np.ndarray,
    L: np.ndarray,
    n_bits: int,
    *,
    view_weight: float,
    alpha: float,
    mu: float,
    gamma: float,
    max_iter: int,
    tol: float,
    rng: np.random.Generator,
    record_steps: bool = False,
) -> dict[str, Any]:
    """Alternating minimisation of the SCRATCH objective.

    Paper notation → code, with items in rows: kernel features ``X^(1)``,
    ``X^(2)`` → ``X1`` (n, d1), ``X2`` (n, d2); label matrix ``L`` (n, c);
    latent ``V`` (n, r); bases ``U_x``, ``U_y`` → ``U1`` (r, d1), ``U2``
    (r, d2); label basis ``G`` (r, c); hash projections ``W_x``, ``W_y`` →
    ``W1`` (d1, r), ``W2`` (d2, r); rotation ``R`` (r, r); codes ``B`` (n, r)
    in {-1, +1}. The paper's column-wise ``B ≈ R V`` is ``B ≈ V Rᵀ`` here::

        J = λ ||X1 - V U1||² + (1 - λ) ||X2 - V U2||² + α ||L - V G||²
            + ||B - V Rᵀ||² + μ (||V - X1 W1||² + ||V - X2 W2||²)
            + γ (||U1||² + ||U2||² + ||G||² + ||W1||² + ||W2||² + ||V||²)

    subject to ``RᵀR = I`` and ``B ∈ {-1, +1}``; ``λ`` is ``view_weight``.
    Each block minimised with the others fixed:

    - ``B = sign(V Rᵀ)``: the term ``||B - V Rᵀ||²`` is separable per entry;
    - ``U1 = (λ VᵀV + γ I)⁻¹ λ VᵀX1``, ``U2`` alike with ``1 - λ``,
      ``G = (α VᵀV + γ I)⁻¹ α VᵀL`` (ridge regressions onto ``V``);
    - ``W1 = (μ X1ᵀX1 + γ I)⁻¹ μ X1ᵀV``, ``W2`` alike (the left factor is
      fixed and computed once);
    - ``V``: the gradient vanishes where ``V (λ U1U1ᵀ + (1 - λ) U2U2ᵀ + α GGᵀ
      + RᵀR + (2μ + γ) I) = λ X1U1ᵀ + (1 - λ) X2U2ᵀ + α LGᵀ + B R
      + μ (X1W1 + X2W2)``, an r × r system;
    - ``R``: ``||B - V Rᵀ||² = ||B - V R'||²`` with ``R' = Rᵀ`` orthogonal, an
      orthogonal Procrustes problem.

    ``V`` starts as standard normal noise and ``R`` as a random orthogonal
    matrix; one sweep updates B, U/G, W, V, R in that order, so ``J`` never
    increases. The sweeps stop after ``max_iter`` or, when ``tol > 0``, once a
    sweep lowers ``J`` by less than that fraction.

    Returns
    -------
    dict
        The blocks of ``_BLOCKS`` and ``objective`` (J after each sweep); with
        ``record_steps`` also ``steps``, a list of (block name, J after it).
    """
    n_samples = X1.shape[0]
    w1, w2 = view_weight, 1.0 - view_weight
    state: dict[str, np.ndarray] = {
        "V": rng.standard_normal((n_samples, n_bits)),
        "R": np.linalg.qr(rng.standard_normal((n_bits, n_bits)))[0],
    }
    K1 = ridge_solve(mu * (X1.T @ X1), mu * X1.T, gamma)
    K2 = ridge_solve(mu * (X2.T @ X2), mu * X2.T, gamma)
    steps: list[tuple[str, float]] = []
    objective: list[float] = []

    def record(block: str) -> None:
        if record_steps and all(k in state for k in _BLOCKS):
            value = scratch_objective(X1, X2, L, state, view_weight, alpha, mu, gamma)
            steps.append((block, value))

    for iteration in range(max_iter):
        V, R = state["V"], state["R"]
        state["B"] = sign(V @ R.T)
        record("B")

        VtV = V.T @ V
        state["U1"] = ridge_solve(w1 * VtV, w1 * (V.T @ X1), gamma)
        state["U2"] = ridge_solve(w2 * VtV, w2 * (V.T @ X2), gamma)
        state["G"] = ridge_solve(alpha * VtV, alpha * (V.T @ L), gamma)
        record("U,G")
        state["W1"] = K1 @ V
        state["W2"] = K2 @ V
        record("W")

        U1, U2, G, B = state["U1"], state["U2"], state["G"], state["B"]
        lhs = w1 * (U1 @ U1.T) + w2 * (U2 @ U2.T) + alpha * (G @ G.T) + R.T @ R
        rhs = w1 * (X1 @ U1.T) + w2 * (X2 @ U2.T) + alpha * (L @ G.T) + B @ R
        rhs += mu * (X1 @ state["W1"] + X2 @ state["W2"])
        state["V"] = ridge_solve(lhs, rhs.T, 2.0 * mu + gamma).T
        record("V")

        state["R"] = orthogonal_procrustes(B, state["V"]).T
        record("R")

        objective.append(
            scratch_objective(X1, X2, L, state, view_weight, alpha, mu, gamma)
        )
        if tol > 0 and iteration > 0:
            decrease = (objective[-2] - objective[-1]) / max(abs(objective[-2]), 1e-300)
            if decrease < tol:
                break
    logger.debug(
        "SCRATCH stopped after %d sweeps, J = %g", len(objective), objective[-1]
    )
    out: dict[str, Any] = dict(state, objective=np.asarray(objective))
    if record_steps:
        out["steps"] = steps
    return out


@register_method
class SCRATCH(TwoViewHasher):
    """Supervised discrete collective matrix factorisation hashing (cross-modal).

    Each view is first mapped to Gaussian kernel features on random training
    anchors (:class:`~hashmodal.methods._blocks.AnchorRBF`, centred by their
    training mean). The two kernelised views and the label matrix are then
    factorised with one shared latent ``V`` (``X_m ≈ V U_m``, ``L ≈ V G``),
    linear hash functions map each view onto it (``V ≈ X_m W_m``), and the
    training codes are ``B = sign(V Rᵀ)`` with a learned rotation ``R``. A new
    item of one view is encoded as ``sign(phi_m(x) W_m Rᵀ)``: the rotation is
    part of the hash function. The solver is documented in
    :func:`scratch_solve`.

    Parameters
    ----------
    n_bits : int, default=32
        Code length.
    random_state : None, int or numpy.random.Generator, default=None
        Seed of the anchor choice and of the initial ``V`` and ``R``.
    view_weight : float, default=0.5
        ``λ_X`` in (0, 1): weight of the first view's reconstruction term; the
        second view gets ``λ_Y = 1 - λ_X``.
    alpha : float, default=500.0
        ``α`` > 0: weight of the label term ``||L - V G||²``.
    mu : float, default=1000.0
        ``μ`` > 0: weight of the hash-function terms ``||V - X_m W_m||²``.
    gamma : float, default=5.0
        ``γ`` > 0: weight of the Frobenius regulariser.
    max_iter : int, default=20
        Number of sweeps (the authors' demo runs 20).
    tol : float, default=0.0
        When positive, stop earlier once a sweep lowers the objective by less
        than this fraction.
    n_anchors : int, default=500
        Anchors per view for the kernel features (at most ``n_samples``).
    sigma : "mean" or float, default="mean"
        Kernel width, see :class:`~hashmodal.methods._blocks.AnchorRBF`:
        ``"mean"`` uses ``exp(-d² / (2 s))`` with ``s`` the mean squared
        distance from the training items to the anchors.
    kernel : bool, default=True
        Use the kernel features; ``False`` uses the raw features centred by
        their training mean instead (weaker on Wiki).

    Attributes
    ----------
    anchors_ : dict of str to ndarray of shape (n_anchors, n_features)
        Kernel anchors of each view (absent when ``kernel`` is false).
    kernel_scale_ : dict of str to float
        The ``s`` of each view's kernel.
    means_ : dict of str to ndarray
        Training mean subtracted from each view's (kernel) features.
    projections_ : dict of str to ndarray of shape (n_kernel_features, n_bits)
        ``W_m Rᵀ``: the full linear hash function of each view.
    rotation_ : ndarray of shape (n_bits, n_bits)
        The orthogonal ``R``.
    train_codes_ : BinaryCodes of shape (n_samples, n_bits)
        ``B``, the learned codes of the training items.
    objective_ : ndarray of shape (n_sweeps,)
        Objective after each sweep (never increasing).
    n_iter_ : int
        Number of sweeps run.

    Raises
    ------
    ValueError
        From ``fit``: without labels, with other than two views, or with a
        parameter out of range.

    References
    ----------
    C.-X. Li, Z.-D. Chen, P.-F. Zhang, X. Luo, L. Nie, W. Zhang and X.-S. Xu,
    "SCRATCH: A Scalable Discrete Matrix Factorization Hashing for Cross-Modal
    Retrieval", ACM Multimedia 2018.

    Examples
    --------
    >>> import numpy as np
    >>> from hashmodal.methods.cross_modal import SCRATCH
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 3, size=150)
    >>> views = {"image": rng.normal(size=(150, 8)) + y[:, None],
    ...          "text": rng.normal(size=(150, 5)) - y[:, None]}
    >>> model = SCRATCH(n_bits=16, n_anchors=50, random_state=0)
    >>> model = model.fit(views, labels=y)
    >>> model.encode({"image": views["image"][:4]}).shape
    (4, 16)
    """

    name = "scratch"
    requires_labels = True

    def __init__(
        self,
        n_bits: int = 32,
        *,
        random_state: Any = None,
        view_weight: float = 0.5,
        alpha: float = 500.0,
        mu: float = 1000.0,
        gamma: float = 5.0,
        max_iter: int = 20,
        tol: float = 0.0,
        n_anchors: int = 500,
        sigma: str | float = "mean",
        kernel: bool = True,
    ) -> None:
        self.n_bits = n_bits
        self.random_state = random_state
        self.view_weight = view_weight
        self.alpha = alpha
        self.mu = mu
        self.gamma = gamma
        self.max_iter = max_iter
        self.tol = tol
        self.n_anchors = n_anchors
        self.sigma = sigma
        self.kernel = kernel

    def _fit(self, views: dict[str, Any], labels: np.ndarray | None) -> None:
        view_weight = check_unit_interval(self.view_weight, "view_weight")
        alpha = check_positive(self.alpha, "alpha")
        mu = check_positive(self.mu, "mu")
        gamma = check_positive(self.gamma, "gamma")
        max_iter = check_positive_int(self.max_iter, "max_iter")
        tol = check_positive(self.tol, "tol", allow_zero=True)
        n_bits = self.n_bits_
        n_anchors = check_positive_int(self.n_anchors, "n_anchors")
        rng = check_random_state(self.random_state)

        features = []
        self.means_ = {}
        if self.kernel:
            self.anchors_ = {}
            self.kernel_scale_ = {}
        for key, X in views.items():
            if self.kernel:
                rbf = AnchorRBF(self.sigma, center=True).fit(X, n_anchors, rng)
                state = rbf.get_state()
                self.anchors_[key] = state["anchors"]
                self.kernel_scale_[key] = state["scale"]
                self.means_[key] = state["mean"]
                features.append(rbf.transform(X))
            else:
                self.means_[key] = X.mean(axis=0)
                features.append(X - self.means_[key])

        result = scratch_solve(
            features[0],
            features[1],
            labels,
            n_bits,
            view_weight=view_weight,
            alpha=alpha,
            mu=mu,
            gamma=gamma,
            max_iter=max_iter,
            tol=tol,
            rng=rng,
        )
        R = result["R"]
        first, second = views
        self.rotation_ = R
        self.projections_ = {first: result["W1"] @ R.T, second: result["W2"] @ R.T}
        self.objective_ = result["objective"]
        self.n_iter_ = int(result["objective"].shape[0])
        # One more B-step, so that B = sign(V Rᵀ) for the final V and R.
        self.train_codes_ = binarize(result["V"] @ R.T)

    def _features(self, key: str, X: np.ndarray) -> np.ndarray:
        if not self.kernel:
            return X - self.means_[key]
        rbf = AnchorRBF.from_state(
            self.anchors_[key], self.kernel_scale_[key], self.means_[key]
        )
        return rbf.transform(X)
