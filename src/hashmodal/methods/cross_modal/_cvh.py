"""CVH: cross-view hashing (Kumar and Udupa, IJCAI 2011)."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import scipy.linalg as sla

from hashmodal.methods._base import register_method
from hashmodal.methods.cross_modal._common import TwoViewHasher, check_positive

__all__ = ["CVH"]

logger = logging.getLogger(__name__)


def cvh_problem(
    X1: np.ndarray, X2: np.ndarray, regularization: float
) -> tuple[np.ndarray, np.ndarray]:
    """The matrices ``(M, D)`` of CVH's generalised eigenproblem ``M a = λ D a``.

    ``X1`` (n, d1) and ``X2`` (n, d2) are centred. With the covariances
    ``C_jk = X_jᵀ X_k / n``, ``M = [[0, C12], [C21, 0]]`` and ``D`` is
    block-diagonal with ``C11 + ε1 I`` and ``C22 + ε2 I``, where
    ``ε_m = regularization · trace(C_mm) / d_m`` keeps ``D`` positive definite
    (text features such as topic proportions have rank-deficient covariances).

    Raises
    ------
    ValueError
        If a view has zero variance (every row equal), so ``D`` is singular.
    """
    n_samples = X1.shape[0]
    blocks = []
    for index, X in enumerate((X1, X2), start=1):
        C = X.T @ X / n_samples
        scale = np.trace(C) / C.shape[0]
        if scale <= 0:
            raise ValueError(
                f"view {index} has zero variance (all training rows are equal), "
                f"so CVH cannot project it"
            )
        blocks.append(C + regularization * scale * np.eye(C.shape[0]))
    C12 = X1.T @ X2 / n_samples
    d1, d2 = X1.shape[1], X2.shape[1]
    M = np.zeros((d1 + d2, d1 + d2))
    M[:d1, d1:] = C12
    M[d1:, :d1] = C12.T
    return M, sla.block_diag(*blocks)


@register_method
class CVH(TwoViewHasher):
    """Cross-view hashing: a CCA-like spectral projection of two paired views.

    CVH asks the codes of the two views of an item to agree. Relaxing the
    codes to linear projections ``y_m = A_mᵀ (x_m - x̄_m)`` of the centred
    views, it minimises the mean squared distance between paired projections,
    ``Σ_i ||A_1ᵀ x1_i - A_2ᵀ x2_i||² / n``, subject to uncorrelated,
    unit-variance outputs, ``A_1ᵀ C11 A_1 + A_2ᵀ C22 A_2 = I``. On
    ``a = [a_1; a_2]`` the objective is ``aᵀ (D - M) a`` with ``M``, ``D`` from
    :func:`cvh_problem`, so its minimisers are the generalised eigenvectors

        ``M a = λ D a``  (equivalently ``(D - M) a = (1 - λ) D a``)

    with the ``n_bits`` largest ``λ`` (the paper's smallest eigenvalues of the
    Laplacian form). A new item of view ``m`` gets ``sign((x - x̄_m) A_m)``.
    Unsupervised; labels are ignored. CVH learns no codes for the training
    items, so ``train_codes_`` is ``None``: a database is encoded from one
    view.

    Parameters
    ----------
    n_bits : int, default=32
        Code length; at most ``d1 + d2``, the number of eigenvectors.
    random_state : None, int or numpy.random.Generator, default=None
        Unused (CVH is deterministic); kept for the common interface.
    regularization : float, default=1e-4
        Ridge added to each view's covariance, relative to its mean variance.

    Attributes
    ----------
    means_ : dict of str to ndarray of shape (n_features,)
        Training mean of each view.
    projections_ : dict of str to ndarray of shape (n_features, n_bits)
        ``A_m`` for each view; the columns of ``[A_1; A_2]`` are
        ``D``-orthonormal.
    eigenvalues_ : ndarray of shape (n_bits,)
        The ``λ`` of each bit, in decreasing order (in [-1, 1]).
    train_codes_ : None

    References
    ----------
    S. Kumar and R. Udupa, "Learning Hash Functions for Cross-View Similarity
    Search", IJCAI 2011.

    Examples
    --------
    >>> import numpy as np
    >>> from hashmodal.methods.cross_modal import CVH
    >>> rng = np.random.default_rng(0)
    >>> Z = rng.normal(size=(100, 3))
    >>> views = {"image": Z @ rng.normal(size=(3, 10)),
    ...          "text": Z @ rng.normal(size=(3, 4))}
    >>> model = CVH(n_bits=3).fit(views)
    >>> model.eigenvalues_.round(3).tolist()
    [1.0, 1.0, 1.0]
    >>> a = model.encode({"image": views["image"]})
    >>> b = model.encode({"text": views["text"]})
    >>> bool((a.to_bits() == b.to_bits()).mean() > 0.99)
    True
    """

    name = "cvh"
    requires_labels = False

    def __init__(
        self,
        n_bits: int = 32,
        *,
        random_state: Any = None,
        regularization: float = 1e-4,
    ) -> None:
        self.n_bits = n_bits
        self.random_state = random_state
        self.regularization = regularization

    def _fit(self, views: dict[str, Any], labels: np.ndarray | None) -> None:
        regularization = check_positive(self.regularization, "regularization")
        n_bits = self.n_bits_
        (first, X1), (second, X2) = views.items()
        d1, d2 = X1.shape[1], X2.shape[1]
        if n_bits > d1 + d2:
            raise ValueError(
                f"CVH gives at most d1 + d2 = {d1 + d2} bits for views with "
                f"{d1} and {d2} features, got n_bits={n_bits}"
            )

        self.means_ = {first: X1.mean(axis=0), second: X2.mean(axis=0)}
        M, D = cvh_problem(
            X1 - self.means_[first], X2 - self.means_[second], regularization
        )
        eigenvalues, vectors = sla.eigh(M, D)
        top = np.argsort(eigenvalues, kind="stable")[::-1][:n_bits]
        self.eigenvalues_ = eigenvalues[top]
        A = vectors[:, top]
        self.projections_ = {first: A[:d1], second: A[d1:]}
        logger.debug("CVH eigenvalues %s", np.round(self.eigenvalues_, 4))
