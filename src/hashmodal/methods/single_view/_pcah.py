"""PCAH: the signs of the top principal components."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from hashmodal.methods._base import register_method
from hashmodal.methods.single_view._common import (
    SingleViewHasher,
    principal_directions,
)

__all__ = ["PCAH"]


@register_method
class PCAH(SingleViewHasher):
    """PCA hashing: bit ``j`` is the sign of the ``j``-th principal component.

    ``b = [Wᵀ(x - mean) >= 0]`` where the columns of ``W`` are the top
    ``n_bits`` eigenvectors of the training covariance (Wang, Kumar & Chang,
    CVPR 2010, as the PCA baseline). Deterministic: ``random_state`` is
    accepted for the common interface and unused.

    Parameters
    ----------
    n_bits : int, default=32
        Number of principal directions; at most ``min(n_samples,
        n_features)`` of the input (``fit`` raises ``ValueError`` otherwise:
        PCA has no further directions).
    random_state : None, int or numpy.random.Generator, default=None
        Unused.
    view : str or None, default=None
        The one view to hash, or None for the concatenation of all training
        views in fit order.

    Attributes
    ----------
    mean_ : ndarray of shape (n_features,)
    components_ : ndarray of shape (n_features, n_bits)
        Principal directions by decreasing variance; the sign of each is
        fixed so that its largest-magnitude entry is positive.
    explained_variance_ : ndarray of shape (n_bits,)
    input_views_ : tuple of str
    input_description_ : str
    train_codes_ : BinaryCodes of shape (n_samples, n_bits)

    Examples
    --------
    >>> import numpy as np
    >>> from hashmodal.methods.single_view import PCAH
    >>> X = np.random.default_rng(0).normal(size=(100, 20))
    >>> PCAH(8).fit({"image": X}).encode({"image": X[:2]}).shape
    (2, 8)
    """

    name: ClassVar[str] = "pcah"

    def _fit_input(self, X: np.ndarray, rng: np.random.Generator) -> None:
        self.mean_ = X.mean(axis=0)
        self.components_, self.explained_variance_ = principal_directions(
            X - self.mean_, self.n_bits_, who="PCAH"
        )

    def _project_input(self, X: np.ndarray) -> np.ndarray:
        return (X - self.mean_) @ self.components_
