"""Solver building blocks shared by the hashing methods.

Each block solves one well-defined sub-problem that several methods share, so
that it is written and tested once:

- :func:`orthogonal_procrustes` — the rotation step of ITQ, SCRATCH, OMH-DQA;
- :class:`AnchorRBF` — Gaussian kernel features on random training anchors;
- :class:`RowCentering` — subtract the training mean;
- :func:`sign` — the sign rule used inside solvers (zero → +1);
- :func:`alm_binary_quadratic` — sign steps under an augmented Lagrangian;
- :func:`dcc` — discrete cyclic coordinate descent, bit by bit (DCF, SDH);
- :func:`l21_prox` — proximal operator of the ℓ2,1 norm;
- :func:`balanced_orthogonal_latent` — the balanced, decorrelated latent step
  of DCF and BATCH;
- :func:`pairwise_logistic_loss` — log(1 + e^θ) − sθ without overflow;
- :func:`self_weights`, :func:`exponent_weights`, :func:`weighted_sign` —
  the parameter-free and exponent rules for modality weights, and the code
  step that uses them;
- :func:`label_similarity_product` — products with the pairwise label
  similarity without forming it.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import scipy.sparse as sp

from hashmodal._validation import (
    NotFittedError,
    check_matrix,
    check_positive_int,
    check_random_state,
    describe,
)

__all__ = [
    "AnchorRBF",
    "RowCentering",
    "alm_binary_quadratic",
    "balanced_orthogonal_latent",
    "dcc",
    "exponent_weights",
    "l21_prox",
    "label_similarity_product",
    "orthogonal_procrustes",
    "pairwise_logistic_grad",
    "pairwise_logistic_loss",
    "self_weights",
    "sign",
    "weighted_sign",
]

logger = logging.getLogger(__name__)


def orthogonal_procrustes(B: Any, V: Any) -> np.ndarray:
    """Orthogonal ``R`` minimising ``||B - V R||_F``.

    With the SVD ``Vᵀ B = U Σ Wᵀ`` the minimiser is ``R = U Wᵀ`` (Schönemann,
    1966). This is ITQ's rotation step (``B`` the codes, ``V`` the PCA
    projections). For the transposed form ``min_R ||B - R V||_F`` used by
    SCRATCH (``B``, ``V`` of shape (n_bits, n_samples)), call
    ``orthogonal_procrustes(B.T, V.T).T``.

    Parameters
    ----------
    B : array-like of shape (n_samples, k)
        Target.
    V : array-like of shape (n_samples, k)
        Matrix to rotate.

    Returns
    -------
    ndarray of shape (k, k)
        Orthogonal matrix (``RᵀR = I``).

    Raises
    ------
    ValueError
        If the shapes differ or an input is not a finite 2-D array.

    Examples
    --------
    >>> import numpy as np
    >>> V = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> R = orthogonal_procrustes(V[:, ::-1], V)
    >>> R.round(6).tolist()
    [[0.0, 1.0], [1.0, 0.0]]
    """
    B = check_matrix(B, "B")
    V = check_matrix(V, "V")
    if B.shape != V.shape:
        raise ValueError(
            f"B and V must have the same shape, got {B.shape} and {V.shape}"
        )
    U, _, Wt = np.linalg.svd(V.T @ B, full_matrices=False)
    return U @ Wt


class AnchorRBF:
    """Gaussian kernel features on randomly chosen training anchors.

    ``phi(x)_j = exp(-||x - a_j||² / (2 s))`` for anchors ``a_1 .. a_m`` drawn
    without replacement from the training rows, optionally centred by the
    training mean of the features and followed by a bias column of ones.

    Parameters
    ----------
    sigma : "mean" or float, default="mean"
        Kernel width. ``"mean"``: ``s`` is the mean squared distance between
        the training rows and the anchors (the rule of SCRATCH's release).
        A positive float: the Gaussian width ``σ``, so ``s = σ²`` (the rule of
        OMH-DQA / SDMH, where σ is set per modality, e.g. 40–140).
    center : bool, default=False
        Subtract the training mean of each feature.
    bias : bool, default=False
        Append a constant column of ones (after centring).

    Attributes
    ----------
    anchors_ : ndarray of shape (n_anchors, n_features)
    scale_ : float
        The ``s`` in the kernel above.
    mean_ : ndarray of shape (n_anchors,) or None
        Training mean of the features when ``center`` is true.
    n_anchors_ : int
        Number of anchors actually used.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).normal(size=(100, 5))
    >>> rbf = AnchorRBF(sigma=2.0, bias=True).fit(X, n_anchors=10, random_state=0)
    >>> rbf.transform(X).shape
    (100, 11)
    """

    def __init__(
        self, sigma: str | float = "mean", *, center: bool = False, bias: bool = False
    ) -> None:
        self.sigma = sigma
        self.center = center
        self.bias = bias

    def fit(self, X: Any, n_anchors: int = 1000, random_state: Any = None) -> AnchorRBF:
        """Choose anchors among the rows of ``X`` and set the kernel width.

        Parameters
        ----------
        X : array-like or scipy sparse matrix of shape (n_samples, n_features)
        n_anchors : int, default=1000
            Number of anchors; when larger than ``n_samples`` every row is an
            anchor and a warning is logged.
        random_state : None, int or numpy.random.Generator, default=None

        Returns
        -------
        self

        Raises
        ------
        ValueError
            If ``sigma`` is neither ``"mean"`` nor a positive finite number, or
            ``n_anchors < 1``.
        """
        X = check_matrix(X, "X", allow_sparse=True)
        n_anchors = check_positive_int(n_anchors, "n_anchors")
        if isinstance(self.sigma, str):
            if self.sigma != "mean":
                raise ValueError(
                    f"sigma must be 'mean' or a positive number, got {self.sigma!r}"
                )
        elif (
            isinstance(self.sigma, bool)
            or not isinstance(self.sigma, int | float | np.floating | np.integer)
            or not np.isfinite(self.sigma)
            or self.sigma <= 0
        ):
            raise ValueError(
                f"sigma must be 'mean' or a positive number, got {describe(self.sigma)}"
            )
        rng = check_random_state(random_state)
        n_samples = X.shape[0]
        if n_anchors > n_samples:
            logger.warning(
                "n_anchors=%d exceeds the %d training rows; using every row as an "
                "anchor (pass n_anchors <= n_samples to silence this)",
                n_anchors,
                n_samples,
            )
            n_anchors = n_samples

        rows = np.sort(rng.choice(n_samples, size=n_anchors, replace=False))
        anchors = X[rows]
        self.anchors_ = anchors.toarray() if sp.issparse(anchors) else anchors
        self.n_anchors_ = n_anchors
        self.n_features_ = X.shape[1]
        sq = self._squared_distances(X)
        if self.sigma == "mean":
            self.scale_ = float(sq.mean())
            if self.scale_ <= 0:
                raise ValueError(
                    "X has identical rows: the mean squared distance to the anchors "
                    "is 0, so sigma='mean' is undefined; pass a number"
                )
        else:
            self.scale_ = float(self.sigma) ** 2
        self.mean_ = None
        if self.center:
            self.mean_ = np.exp(-sq / (2.0 * self.scale_)).mean(axis=0)
        return self

    def transform(self, X: Any) -> np.ndarray:
        """Kernel features of ``X``.

        Parameters
        ----------
        X : array-like or scipy sparse matrix of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_anchors + bias)

        Raises
        ------
        NotFittedError
            Before ``fit``.
        ValueError
            If ``X`` has a different number of features than in ``fit``.
        """
        self._check_fitted()
        X = check_matrix(X, "X", allow_sparse=True)
        if X.shape[1] != self.n_features_:
            raise ValueError(
                f"X has {X.shape[1]} features, but AnchorRBF was fitted with "
                f"{self.n_features_}"
            )
        phi = np.exp(-self._squared_distances(X) / (2.0 * self.scale_))
        if self.mean_ is not None:
            phi -= self.mean_
        if self.bias:
            phi = np.hstack([phi, np.ones((phi.shape[0], 1))])
        return phi

    def fit_transform(
        self, X: Any, n_anchors: int = 1000, random_state: Any = None
    ) -> np.ndarray:
        """``fit(X, n_anchors, random_state)`` then ``transform(X)``."""
        return self.fit(X, n_anchors, random_state).transform(X)

    def get_state(self) -> dict[str, Any]:
        """Learned state as arrays and a float, for a method to store.

        A method keeps these as its own learned attributes (so that
        :meth:`~hashmodal.methods.BaseHasher.save` writes them) and rebuilds
        the map with :meth:`from_state`.

        Returns
        -------
        dict
            ``{"anchors": ndarray, "scale": float, "mean": ndarray or None}``.
        """
        self._check_fitted()
        return {"anchors": self.anchors_, "scale": self.scale_, "mean": self.mean_}

    @classmethod
    def from_state(
        cls, anchors: Any, scale: float, mean: Any = None, *, bias: bool = False
    ) -> AnchorRBF:
        """Rebuild a fitted map from :meth:`get_state` output.

        Parameters
        ----------
        anchors : array-like of shape (n_anchors, n_features)
        scale : float
            Positive ``s`` of the kernel.
        mean : array-like of shape (n_anchors,) or None, default=None
            Feature mean to subtract (centring), or None.
        bias : bool, default=False
            Append the bias column.

        Returns
        -------
        AnchorRBF
        """
        anchors = check_matrix(anchors, "anchors")
        if not np.isfinite(scale) or scale <= 0:
            raise ValueError(f"scale must be a positive number, got {scale!r}")
        out = cls(sigma=float(np.sqrt(scale)), center=mean is not None, bias=bias)
        out.anchors_ = anchors
        out.n_anchors_ = anchors.shape[0]
        out.n_features_ = anchors.shape[1]
        out.scale_ = float(scale)
        out.mean_ = None
        if mean is not None:
            out.mean_ = np.asarray(mean, dtype=np.float64).reshape(-1)
            if out.mean_.shape[0] != anchors.shape[0]:
                raise ValueError(
                    f"mean must have {anchors.shape[0]} entries (one per anchor), "
                    f"got {out.mean_.shape[0]}"
                )
        return out

    def _check_fitted(self) -> None:
        if not hasattr(self, "anchors_"):
            raise NotFittedError("this AnchorRBF is not fitted yet; call fit(X) first")

    def _squared_distances(self, X: np.ndarray | sp.csr_matrix) -> np.ndarray:
        A = self.anchors_
        if sp.issparse(X):
            x_sq = np.asarray(X.multiply(X).sum(axis=1)).ravel()
            cross = np.asarray(X @ A.T)
        else:
            x_sq = np.einsum("ij,ij->i", X, X)
            cross = X @ A.T
        a_sq = np.einsum("ij,ij->i", A, A)
        sq = x_sq[:, None] + a_sq[None, :] - 2.0 * cross
        return np.maximum(sq, 0.0)


def sign(x: Any) -> np.ndarray:
    """Elementwise sign with zero mapped to +1, as float64 ±1.

    The same rule as :func:`hashmodal.codes.binarize` (``x >= 0`` → bit 1), so
    a solver's ±1 codes and the packed codes always agree.

    Examples
    --------
    >>> sign([[-2.0, 0.0, 3.0]]).tolist()
    [[-1.0, 1.0, 1.0]]
    """
    return np.where(np.asarray(x) >= 0, 1.0, -1.0)


class RowCentering:
    """Subtract the training mean row (column means fitted on the training set).

    Attributes
    ----------
    mean_ : ndarray of shape (n_features,)

    Examples
    --------
    >>> import numpy as np
    >>> c = RowCentering().fit(np.array([[1.0, 2.0], [3.0, 6.0]]))
    >>> c.transform(np.array([[2.0, 4.0]])).tolist()
    [[0.0, 0.0]]
    """

    def fit(self, X: Any) -> RowCentering:
        """Learn the column means of ``X`` (n_samples, n_features)."""
        X = check_matrix(X, "X")
        self.mean_ = X.mean(axis=0)
        return self

    def transform(self, X: Any) -> np.ndarray:
        """``X - mean_``; raises ``ValueError`` if the feature count differs."""
        if not hasattr(self, "mean_"):
            raise NotFittedError("this RowCentering is not fitted yet; call fit first")
        X = check_matrix(X, "X")
        if X.shape[1] != self.mean_.shape[0]:
            raise ValueError(
                f"X has {X.shape[1]} features, but RowCentering was fitted with "
                f"{self.mean_.shape[0]}"
            )
        return X - self.mean_

    def fit_transform(self, X: Any) -> np.ndarray:
        """``fit(X)`` then ``transform(X)``."""
        return self.fit(X).transform(X)


def l21_prox(X: Any, tau: float) -> np.ndarray:
    """Proximal operator of ``tau * sum_i ||x_i||_2`` (ℓ2,1 norm over rows).

    Solves ``argmin_Z ½||Z - X||_F² + tau Σ_i ||z_i||_2``: each row shrinks
    towards zero, ``z_i = max(0, 1 - tau / ||x_i||) x_i`` (group soft
    thresholding). Pass ``X.T`` (and transpose back) to group by columns.

    Parameters
    ----------
    X : array-like of shape (n_rows, n_cols)
    tau : float
        Non-negative threshold.

    Returns
    -------
    ndarray of shape (n_rows, n_cols)

    Raises
    ------
    ValueError
        If ``tau`` is negative or not finite.

    Examples
    --------
    >>> l21_prox([[3.0, 4.0], [0.3, 0.4]], 1.0).round(12).tolist()
    [[2.4, 3.2], [0.0, 0.0]]
    """
    X = check_matrix(X, "X")
    if not np.isfinite(tau) or tau < 0:
        raise ValueError(f"tau must be a finite number >= 0, got {tau!r}")
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(norms > tau, 1.0 - tau / norms, 0.0)
    return X * factor


def pairwise_logistic_loss(theta: Any, s: Any) -> np.ndarray:
    """Pairwise likelihood term ``log(1 + e^θ) - s θ``, without overflow.

    Computed as ``log1p(e^{-|θ|}) + max(θ, 0) - s θ``, which equals the naive
    form but never evaluates ``e^θ`` for large θ (at θ = 100 in float32 the
    naive form gives inf; this gives 0 for s = 1). The dtype of ``theta`` is
    kept for floating input.

    Parameters
    ----------
    theta : array-like
        Inner products (e.g. ``½ u_iᵀ v_j``).
    s : array-like, broadcastable to ``theta``
        Pair similarities in {0, 1}.

    Returns
    -------
    ndarray
        Elementwise loss, non-negative for s in [0, 1].

    Examples
    --------
    >>> import numpy as np
    >>> float(pairwise_logistic_loss(np.float32(100.0), 1.0))
    0.0
    """
    theta = np.asarray(theta)
    if theta.dtype.kind != "f":
        theta = theta.astype(np.float64)
    s = np.asarray(s, dtype=theta.dtype)
    return np.log1p(np.exp(-np.abs(theta))) + np.maximum(theta, 0) - s * theta


def pairwise_logistic_grad(theta: Any, s: Any) -> np.ndarray:
    """Derivative of :func:`pairwise_logistic_loss` in θ: ``σ(θ) - s``.

    The logistic ``σ`` is evaluated without overflow for any θ.

    Examples
    --------
    >>> float(pairwise_logistic_grad(0.0, 1.0))
    -0.5
    """
    theta = np.asarray(theta)
    if theta.dtype.kind != "f":
        theta = theta.astype(np.float64)
    e = np.exp(-np.abs(theta))
    sigma = np.where(theta >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(theta.dtype)
    return sigma - np.asarray(s, dtype=theta.dtype)


def dcc(B: Any, Q: Any, G: Any, *, n_sweeps: int = 1) -> np.ndarray:
    """Discrete cyclic coordinate descent over bits (DCC, as in SDH and DCF).

    Minimises ``Σ_i (b_iᵀ G b_i - 2 b_iᵀ q_i)`` over ``b_i ∈ {-1, +1}^r`` for
    the rows ``b_i`` of ``B``, one bit (column) at a time with the others
    fixed: ``B[:, k] = sign(Q[:, k] - B[:, ¬k] G[¬k, k])``. Each update
    solves its one-bit problem exactly, so the objective never increases.

    In SDH's B-step (``min ||Y - WᵀB||² - 2ν tr(BᵀF)``, items as rows)
    ``G = W Wᵀ`` and ``Q = Y Wᵀ + ν F``; in DCF, each user's row has
    ``G = Σ_{j∈Ω_u} d_j d_jᵀ`` — call once per group of rows sharing a ``G``.

    Parameters
    ----------
    B : array-like of shape (n_samples, n_bits)
        Starting ±1 codes (not modified).
    Q : array-like of shape (n_samples, n_bits)
        Linear term.
    G : array-like of shape (n_bits, n_bits)
        Symmetric quadratic term; its diagonal does not matter (b² = 1).
    n_sweeps : int, default=1
        Passes over all bits.

    Returns
    -------
    ndarray of shape (n_samples, n_bits), float64 ±1

    Raises
    ------
    ValueError
        If ``B`` is not ±1, shapes disagree or ``G`` is not symmetric.

    Examples
    --------
    >>> import numpy as np
    >>> dcc(np.ones((1, 2)), np.array([[1.0, -1.0]]), np.eye(2)).tolist()
    [[1.0, -1.0]]
    """
    B = check_matrix(B, "B")
    Q = check_matrix(Q, "Q")
    G = check_matrix(G, "G")
    n_sweeps = check_positive_int(n_sweeps, "n_sweeps")
    if not np.isin(B, (-1.0, 1.0)).all():
        raise ValueError("B must hold only -1 and +1")
    if Q.shape != B.shape:
        raise ValueError(f"Q must have the shape of B {B.shape}, got {Q.shape}")
    r = B.shape[1]
    if G.shape != (r, r):
        raise ValueError(f"G must have shape {(r, r)}, got {G.shape}")
    if not np.allclose(G, G.T, rtol=1e-10, atol=1e-12 * max(1.0, np.abs(G).max())):
        raise ValueError("G must be symmetric")

    B = B.copy()
    off = G - np.diag(np.diag(G))
    for _ in range(n_sweeps):
        for k in range(r):
            B[:, k] = sign(Q[:, k] - B @ off[:, k])
    return B


def alm_binary_quadratic(
    apply_A: Any,
    C: Any,
    B0: Any,
    *,
    rho: float = 1e-3,
    rho_growth: float = 1.5,
    n_iter: int = 30,
) -> np.ndarray:
    """Sign steps under an augmented Lagrangian for a binary quadratic problem.

    Approximately minimises ``f(B) = ⟨B, A(B)⟩ - 2⟨B, C⟩`` over ±1 matrices
    ``B`` by splitting ``B = Z`` with ``Z`` continuous, multiplier ``Γ`` and
    penalty ``ρ``:

    - ``B ← sign(2C - A(Z) + ρZ - Γ)`` (the "sign-with-ALM" code step of
      OMH-DQA, FOMH, SDMH, MDCF);
    - ``Z ← B + (Γ - A(B)) / ρ``;
    - ``Γ ← Γ + ρ (B - Z)``, ``ρ ← ρ · rho_growth``.

    ``A`` is applied as a function so an ``n × n`` similarity never has to be
    built (apply it as products with the label matrix). The best ``B`` seen
    (by ``f``) is returned, so the result is never worse than ``B0``.

    Parameters
    ----------
    apply_A : callable or array-like
        ``Z ↦ A(Z)`` for a symmetric linear operator on (n_samples, n_bits)
        matrices; an (n_samples, n_samples) matrix means ``Z ↦ A @ Z``.
    C : array-like of shape (n_samples, n_bits)
        Linear term.
    B0 : array-like of shape (n_samples, n_bits)
        Starting ±1 codes.
    rho : float, default=1e-3
        Initial penalty.
    rho_growth : float, default=1.5
        Factor applied to ``rho`` after each iteration (>= 1).
    n_iter : int, default=30

    Returns
    -------
    ndarray of shape (n_samples, n_bits), float64 ±1

    Raises
    ------
    ValueError
        If shapes disagree, ``B0`` is not ±1, ``rho <= 0`` or
        ``rho_growth < 1``.
    """
    C = check_matrix(C, "C")
    B = check_matrix(B0, "B0")
    n_iter = check_positive_int(n_iter, "n_iter")
    if B.shape != C.shape:
        raise ValueError(f"B0 must have the shape of C {C.shape}, got {B.shape}")
    if not np.isin(B, (-1.0, 1.0)).all():
        raise ValueError("B0 must hold only -1 and +1")
    if not np.isfinite(rho) or rho <= 0:
        raise ValueError(f"rho must be a positive number, got {rho!r}")
    if not np.isfinite(rho_growth) or rho_growth < 1:
        raise ValueError(f"rho_growth must be a number >= 1, got {rho_growth!r}")
    if not callable(apply_A):
        A = check_matrix(apply_A, "apply_A")
        if A.shape != (C.shape[0], C.shape[0]):
            raise ValueError(
                f"apply_A as a matrix must have shape {(C.shape[0], C.shape[0])}, "
                f"got {A.shape}"
            )
        apply_A = A.__matmul__

    def objective(b: np.ndarray) -> float:
        return float(np.sum(b * apply_A(b)) - 2.0 * np.sum(b * C))

    best, best_value = B.copy(), objective(B)
    Z = B.copy()
    Gamma = np.zeros_like(B)
    for _ in range(n_iter):
        B = sign(2.0 * C - apply_A(Z) + rho * Z - Gamma)
        Z = B + (Gamma - apply_A(B)) / rho
        Gamma = Gamma + rho * (B - Z)
        rho *= rho_growth
        value = objective(B)
        if value < best_value:
            best, best_value = B.copy(), value
    return best


def balanced_orthogonal_latent(Z: Any, random_state: Any = None) -> np.ndarray:
    """Balanced, decorrelated latent closest to a target (the DCF/BATCH step).

    Solves ``max_V tr(Vᵀ Z)`` subject to ``1ᵀ V = 0`` (every column balanced)
    and ``Vᵀ V = n I`` (decorrelated), with items as rows. With the SVD of the
    centred target ``Z - mean = P Σ Qᵀ`` the solution is ``V = √n [P P̄][Q
    Q̄]ᵀ``, where, when the centred target has rank ``k < n_bits``, ``P̄`` holds
    orthonormal columns orthogonal to ``P`` and to ``1`` (drawn with
    ``random_state``) and ``Q̄`` completes ``Q`` to an orthogonal matrix. The
    optimum value is ``√n`` times the nuclear norm of the centred target.

    Parameters
    ----------
    Z : array-like of shape (n_samples, n_bits)
        Target (e.g. the current codes). Needs ``n_samples > n_bits``.
    random_state : None, int or numpy.random.Generator, default=None
        Only used to complete a rank-deficient solution.

    Returns
    -------
    ndarray of shape (n_samples, n_bits)

    Raises
    ------
    ValueError
        If ``n_samples <= n_bits`` (the constraints cannot hold).

    Examples
    --------
    >>> import numpy as np
    >>> Z = np.random.default_rng(0).normal(size=(50, 4))
    >>> V = balanced_orthogonal_latent(Z)
    >>> bool(np.allclose(V.T @ V, 50 * np.eye(4)) and np.allclose(V.sum(0), 0))
    True
    """
    Z = check_matrix(Z, "Z")
    n, r = Z.shape
    if n <= r:
        raise ValueError(
            f"Z must have more rows than columns for a balanced orthogonal latent, "
            f"got shape {Z.shape}"
        )
    Zc = Z - Z.mean(axis=0)
    P, s, Qt = np.linalg.svd(Zc, full_matrices=False)
    k = int(np.sum(s > s.max(initial=0.0) * max(n, r) * np.finfo(float).eps))
    P, Q = P[:, :k], Qt[:k].T
    if k < r:
        rng = check_random_state(random_state)
        # Complete Q to an orthogonal r x r matrix.
        Q_full, _ = np.linalg.qr(np.hstack([Q, rng.standard_normal((r, r - k))]))
        Q_bar = Q_full[:, k:]
        # Columns orthogonal to P and to the all-ones vector.
        basis = np.hstack([np.ones((n, 1)) / np.sqrt(n), P])
        extra = rng.standard_normal((n, r - k))
        extra -= basis @ (basis.T @ extra)
        P_bar, _ = np.linalg.qr(extra)
        P = np.hstack([P, P_bar])
        Q = np.hstack([Q, Q_bar])
    return np.sqrt(n) * P @ Q.T


def self_weights(residual_norms: Any) -> np.ndarray:
    """Parameter-free modality weights: ``μ_m = e_m / Σ_k e_k``.

    With ``e_m = ||R_m||_F`` the residual norm of modality ``m``, these weights
    minimise ``Σ_m ||R_m||_F² / μ_m`` over the simplex (``μ_m >= 0``,
    ``Σ μ_m = 1``): by Cauchy–Schwarz the minimum is ``(Σ_m e_m)²``, reached
    at ``μ_m ∝ e_m``. A modality that fits badly gets a large ``μ_m`` and so a
    small loss weight ``1/μ_m``; the sign step of such methods is then
    ``b = sign(Σ_m pred_m / μ_m)`` (see :func:`weighted_sign`). Zero residuals
    everywhere give equal weights.

    Parameters
    ----------
    residual_norms : array-like of shape (n_views,)
        Non-negative residual norms ``e_m`` (not squared).

    Returns
    -------
    ndarray of shape (n_views,)
        Weights on the simplex.

    Raises
    ------
    ValueError
        If a norm is negative or not finite, or none is given.

    Examples
    --------
    >>> self_weights([1.0, 3.0]).tolist()
    [0.25, 0.75]
    """
    e = _check_nonnegative_vector(residual_norms, "residual_norms")
    total = e.sum()
    if total == 0:
        return np.full(e.size, 1.0 / e.size)
    return e / total


def exponent_weights(losses: Any, exponent: float = 2.0) -> np.ndarray:
    """Modality weights with an exponent: ``μ_m ∝ (1 / h_m)^(1 / (t - 1))``.

    The minimiser of ``Σ_m μ_m^t h_m`` over the simplex for ``t > 1`` (the
    SDMH rule, ``t = 2`` by default): setting the Lagrangian's gradient to
    zero gives ``t μ_m^(t-1) h_m = λ``. A modality with a small loss ``h_m``
    gets a large weight. Zero losses take all the weight, shared equally.

    Parameters
    ----------
    losses : array-like of shape (n_views,)
        Non-negative losses ``h_m``.
    exponent : float, default=2.0
        ``t``; must be greater than 1.

    Returns
    -------
    ndarray of shape (n_views,)
        Weights on the simplex.

    Raises
    ------
    ValueError
        If a loss is negative or not finite, or ``exponent <= 1``.

    Examples
    --------
    >>> exponent_weights([1.0, 3.0]).tolist()
    [0.75, 0.25]
    """
    h = _check_nonnegative_vector(losses, "losses")
    if isinstance(exponent, bool) or not np.isfinite(exponent) or exponent <= 1:
        raise ValueError(f"exponent must be a finite number > 1, got {exponent!r}")
    zero = h == 0
    if zero.any():
        return zero / zero.sum()
    w = (1.0 / h) ** (1.0 / (exponent - 1.0))
    return w / w.sum()


def weighted_sign(predictions: Any, weights: Any) -> np.ndarray:
    """The self-weighted code step ``sign(Σ_m pred_m / μ_m)`` (zero → +1).

    The inverse-weight convention of :func:`self_weights` is applied here, at
    training and at query time alike, so the two can never disagree.

    Parameters
    ----------
    predictions : sequence of array-like, each of shape (n_samples, n_bits)
        One real-valued prediction of the codes per modality.
    weights : array-like of shape (n_views,)
        ``μ_m`` from :func:`self_weights`; each must be > 0.

    Returns
    -------
    ndarray of shape (n_samples, n_bits), values in {-1, +1}

    Examples
    --------
    >>> weighted_sign([[[1.0, -1.0]], [[-1.0, -1.0]]], [0.25, 0.75]).tolist()
    [[1.0, -1.0]]
    """
    mu = np.asarray(weights, dtype=np.float64)
    preds = [check_matrix(p, f"predictions[{i}]") for i, p in enumerate(predictions)]
    if mu.ndim != 1 or mu.size != len(preds) or mu.size == 0:
        raise ValueError(
            f"weights must hold one value per prediction ({len(preds)}), "
            f"got shape {mu.shape}"
        )
    if not (np.isfinite(mu).all() and (mu > 0).all()):
        raise ValueError(f"weights must be finite and > 0, got {mu.tolist()}")
    shapes = {p.shape for p in preds}
    if len(shapes) > 1:
        raise ValueError(f"predictions must share one shape, got {sorted(shapes)}")
    return sign(sum(p / m for p, m in zip(preds, mu, strict=True)))


def label_similarity_product(labels: Any, X: Any, *, scale: float = 1.0) -> np.ndarray:
    """``scale · (2 L Lᵀ - 1 1ᵀ) X`` without forming the n × n similarity.

    The pairwise label similarity ``S = 2 L Lᵀ - 1 1ᵀ`` (with ``L`` holding
    one-hot or ℓ2-normalised label rows, ``S_ij`` is +1 for items of the same
    class and -1 otherwise) enters many supervised solvers only through
    products ``S X``. Computed as ``2 L (Lᵀ X) - 1 (1ᵀ X)`` this costs
    ``O(n c r)`` time and ``O(n r)`` memory instead of ``O(n²)``.

    Parameters
    ----------
    labels : array-like or sparse matrix of shape (n_samples, n_classes)
        ``L``.
    X : array-like of shape (n_samples, n_cols)
        The matrix to multiply.
    scale : float, default=1.0
        The factor ``r`` of ``r S`` (e.g. the code length).

    Returns
    -------
    ndarray of shape (n_samples, n_cols)

    Examples
    --------
    >>> import numpy as np
    >>> L = np.array([[1, 0], [1, 0], [0, 1]])
    >>> label_similarity_product(L, np.eye(3)).tolist()
    [[1.0, 1.0, -1.0], [1.0, 1.0, -1.0], [-1.0, -1.0, 1.0]]
    """
    L = check_matrix(labels, "labels", allow_sparse=True)
    X = check_matrix(X, "X")
    if L.shape[0] != X.shape[0]:
        raise ValueError(
            f"labels and X must have the same number of rows, got {L.shape[0]} "
            f"and {X.shape[0]}"
        )
    projected = np.asarray(L.T @ X)
    return scale * (2.0 * np.asarray(L @ projected) - X.sum(axis=0, keepdims=True))


def _check_nonnegative_vector(values: Any, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {arr.shape}")
    if not np.isfinite(arr).all() or (arr < 0).any():
        raise ValueError(f"{name} must be finite and >= 0, got {arr.tolist()}")
    return arr
