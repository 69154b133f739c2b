"""CMFH: collective matrix factorisation hashing (Ding, Guo and Zhou, CVPR 2014)."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from hashmodal._validation import check_positive_int, check_random_state
from hashmodal.codes import binarize
from hashmodal.methods._base import register_method
from hashmodal.methods.cross_modal._common import (
    TwoViewHasher,
    check_positive,
    check_unit_interval,
    ridge_solve,
)

__all__ = ["CMFH"]

logger = logging.getLogger(__name__)


def cmfh_objective(
    X1: np.ndarray,
    X2: np.ndarray,
    state: dict[str, np.ndarray],
    view_weight: float,
    mu: float,
    gamma: float,
) -> float:
    """Value of the CMFH objective (see :func:`cmfh_solve`) at ``state``."""
    U1, U2, P1, P2, V = (state[k] for k in ("U1", "U2", "P1", "P2", "V"))
    value = view_weight * np.sum((X1 - V @ U1) ** 2)
    value += (1.0 - view_weight) * np.sum((X2 - V @ U2) ** 2)
    value += mu * (np.sum((V - X1 @ P1) ** 2) + np.sum((V - X2 @ P2) ** 2))
    value += gamma * sum(np.sum(M**2) for M in (U1, U2, P1, P2, V))
    return float(value)


def cmfh_solve(
    X1: np.ndarray,
    X2: np.ndarray,
    n_bits: int,
    *,
    view_weight: float,
    mu: float,
    gamma: float,
    max_iter: int,
    tol: float,
    rng: np.random.Generator,
    record_steps: bool = False,
) -> dict[str, Any]:
    """Alternating closed-form minimisation of the CMFH objective.

    With items in rows (``X1`` (n, d1), ``X2`` (n, d2), shared latent
    ``V`` (n, r), bases ``U1`` (r, d1), ``U2`` (r, d2), hash projections
    ``P1`` (d1, r), ``P2`` (d2, r); the paper writes the transposes)::

        J = λ ||X1 - V U1||² + (1 - λ) ||X2 - V U2||²
            + μ (||V - X1 P1||² + ||V - X2 P2||²)
            + γ (||U1||² + ||U2||² + ||P1||² + ||P2||² + ||V||²)

    ``λ`` is ``view_weight``. Each block is a ridge regression; setting its
    gradient to zero gives

    - ``U1 = (λ VᵀV + γ I)⁻¹ λ VᵀX1`` and ``U2`` alike with ``1 - λ``;
    - ``P1 = (μ X1ᵀX1 + γ I)⁻¹ μ X1ᵀV`` and ``P2`` alike (the matrix
      ``(μ XᵀX + γ I)⁻¹ μ Xᵀ`` does not change and is computed once);
    - ``V (λ U1U1ᵀ + (1 - λ) U2U2ᵀ + (2μ + γ) I)
      = λ X1U1ᵀ + (1 - λ) X2U2ᵀ + μ (X1P1 + X2P2)``, an r × r system.

    ``V`` starts as standard normal noise; one sweep updates U, then P, then
    V, so ``J`` never increases. The sweeps stop after ``max_iter`` or when
    the relative decrease of ``J`` falls below ``tol``.

    Returns
    -------
    dict
        ``U1, U2, P1, P2, V`` and ``objective`` (J after each sweep); with
        ``record_steps`` also ``steps``, a list of (block name, J after it).
    """
    n_samples = X1.shape[0]
    w1, w2 = view_weight, 1.0 - view_weight
    state = {"V": rng.standard_normal((n_samples, n_bits))}
    K1 = ridge_solve(mu * (X1.T @ X1), mu * X1.T, gamma)
    K2 = ridge_solve(mu * (X2.T @ X2), mu * X2.T, gamma)
    steps: list[tuple[str, float]] = []
    objective: list[float] = []

    def record(block: str) -> None:
        # J is defined once every block exists (from the first P step on).
        if record_steps and all(k in state for k in ("U1", "P1", "V")):
            value = cmfh_objective(X1, X2, state, view_weight, mu, gamma)
            steps.append((block, value))

    for iteration in range(max_iter):
        V = state["V"]
        VtV = V.T @ V
        state["U1"] = ridge_solve(w1 * VtV, w1 * (V.T @ X1), gamma)
        state["U2"] = ridge_solve(w2 * VtV, w2 * (V.T @ X2), gamma)
        record("U")
        state["P1"] = K1 @ V
        state["P2"] = K2 @ V
        record("P")

        U1, U2 = state["U1"], state["U2"]
        lhs = w1 * (U1 @ U1.T) + w2 * (U2 @ U2.T)
        rhs = w1 * (X1 @ U1.T) + w2 * (X2 @ U2.T)
        rhs += mu * (X1 @ state["P1"] + X2 @ state["P2"])
        state["V"] = ridge_solve(lhs, rhs.T, 2.0 * mu + gamma).T
        record("V")

        objective.append(cmfh_objective(X1, X2, state, view_weight, mu, gamma))
        if iteration > 0:
            decrease = (objective[-2] - objective[-1]) / max(abs(objective[-2]), 1e-300)
            if decrease < tol:
                break
    logger.debug("CMFH stopped after %d sweeps, J = %g", len(objective), objective[-1])
    out: dict[str, Any] = dict(state, objective=np.asarray(objective))
    if record_steps:
        out["steps"] = steps
    return out


@register_method
class CMFH(TwoViewHasher):
    """Collective matrix factorisation hashing (unsupervised, cross-modal).

    Two paired views are factorised with a shared latent representation,
    ``X_m ≈ V U_m``, while linear hash functions map each view onto it,
    ``V ≈ X_m P_m``. Training items get the unified codes ``sign(V)``; a new
    item of one view is encoded as ``sign((x - x̄_m) P_m)``. Features are
    centred by their training mean first. The alternating closed-form solver
    is documented in :func:`cmfh_solve`.

    Parameters
    ----------
    n_bits : int, default=32
        Code length.
    random_state : None, int or numpy.random.Generator, default=None
        Seed of the random initial latent ``V``.
    view_weight : float, default=0.5
        ``λ`` in (0, 1): weight of the first view's reconstruction term; the
        second view gets ``1 - λ``.
    mu : float, default=100.0
        ``μ`` > 0: weight of the hash-function terms ``||V - X_m P_m||²``.
    gamma : float, default=0.01
        ``γ`` > 0: weight of the Frobenius regulariser of every factor.
    max_iter : int, default=100
        Maximum number of sweeps.
    tol : float, default=1e-6
        Stop when a sweep lowers the objective by less than this fraction.
    center : bool, default=True
        Subtract the training mean of each view before factorising (and from
        every encoded item).

    Attributes
    ----------
    means_ : dict of str to ndarray of shape (n_features,)
        Training mean of each view (zeros when ``center`` is false).
    projections_ : dict of str to ndarray of shape (n_features, n_bits)
        The hash projection ``P_m`` of each view.
    train_codes_ : BinaryCodes of shape (n_samples, n_bits)
        ``sign(V)``, the unified codes of the training items.
    objective_ : ndarray of shape (n_sweeps,)
        Objective after each sweep (never increasing).
    n_iter_ : int
        Number of sweeps run.

    References
    ----------
    G. Ding, Y. Guo and J. Zhou, "Collective Matrix Factorization Hashing for
    Multimodal Data", CVPR 2014.

    Examples
    --------
    >>> import numpy as np
    >>> from hashmodal.methods.cross_modal import CMFH
    >>> rng = np.random.default_rng(0)
    >>> Z = rng.normal(size=(200, 4))
    >>> views = {"image": Z @ rng.normal(size=(4, 12)),
    ...          "text": Z @ rng.normal(size=(4, 6))}
    >>> model = CMFH(n_bits=8, random_state=0).fit(views)
    >>> model.encode({"text": views["text"][:5]}).shape
    (5, 8)
    >>> model.train_codes_.shape
    (200, 8)
    """

    name = "cmfh"
    requires_labels = False

    def __init__(
        self,
        n_bits: int = 32,
        *,
        random_state: Any = None,
        view_weight: float = 0.5,
        mu: float = 100.0,
        gamma: float = 0.01,
        max_iter: int = 100,
        tol: float = 1e-6,
        center: bool = True,
    ) -> None:
        self.n_bits = n_bits
        self.random_state = random_state
        self.view_weight = view_weight
        self.mu = mu
        self.gamma = gamma
        self.max_iter = max_iter
        self.tol = tol
        self.center = center

    def _fit(self, views: dict[str, Any], labels: np.ndarray | None) -> None:
        view_weight = check_unit_interval(self.view_weight, "view_weight")
        mu = check_positive(self.mu, "mu")
        gamma = check_positive(self.gamma, "gamma")
        max_iter = check_positive_int(self.max_iter, "max_iter")
        tol = check_positive(self.tol, "tol", allow_zero=True)
        n_bits = self.n_bits_
        rng = check_random_state(self.random_state)

        self.means_ = {
            key: X.mean(axis=0) if self.center else np.zeros(X.shape[1])
            for key, X in views.items()
        }
        X1, X2 = (X - self.means_[key] for key, X in views.items())
        result = cmfh_solve(
            X1,
            X2,
            n_bits,
            view_weight=view_weight,
            mu=mu,
            gamma=gamma,
            max_iter=max_iter,
            tol=tol,
            rng=rng,
        )
        first, second = views
        self.projections_ = {first: result["P1"], second: result["P2"]}
        self.objective_ = result["objective"]
        self.n_iter_ = int(result["objective"].shape[0])
        self.train_codes_ = binarize(result["V"])
