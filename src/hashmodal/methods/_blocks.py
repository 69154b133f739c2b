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
- :func:`pairwise_logistic_loss` — log(1 + e^θ) − sθ without overflow.
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
    "orthogonal_procrustes",
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
