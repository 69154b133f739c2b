"""LSH: random Gaussian hyperplanes through the training mean."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from hashmodal.methods._base import register_method
from hashmodal.methods.single_view._common import SingleViewHasher

__all__ = ["LSH"]


@register_method
class LSH(SingleViewHasher):
    """Locality-sensitive hashing with random hyperplanes (sign random projections).

    Bit ``j`` of ``x`` is ``[(x - mean) · w_j >= 0]`` with ``w_j ~ N(0, I)``
    drawn once in ``fit`` and ``mean`` the training mean. Two centred vectors at
    angle θ agree on each bit with probability ``1 - θ/π`` (Charikar, STOC
    2002).

    Parameters
    ----------
    n_bits : int, default=32
        Number of hyperplanes (bits).
    random_state : None, int or numpy.random.Generator, default=None
        Seed of the hyperplanes.
    view : str or None, default=None
        The one view to hash, or None for the concatenation of all training
        views in fit order.

    Attributes
    ----------
    mean_ : ndarray of shape (n_features,)
        Training mean subtracted before projection.
    projection_ : ndarray of shape (n_features, n_bits)
        The hyperplane normals ``w_j`` as columns.
    input_views_ : tuple of str
        Views the codes are computed from.
    input_description_ : str
        Human-readable form of ``input_views_`` with feature counts.
    train_codes_ : BinaryCodes of shape (n_samples, n_bits)
        Codes of the training items.

    Examples
    --------
    >>> import numpy as np
    >>> from hashmodal.methods.single_view import LSH
    >>> X = np.random.default_rng(0).normal(size=(100, 20))
    >>> LSH(16, random_state=0).fit({"image": X}).encode({"image": X}).shape
    (100, 16)
    """

    name: ClassVar[str] = "lsh"

    def _fit_input(self, X: np.ndarray, rng: np.random.Generator) -> None:
        self.mean_ = X.mean(axis=0)
        self.projection_ = rng.standard_normal((X.shape[1], self.n_bits_))

    def _project_input(self, X: np.ndarray) -> np.ndarray:
        return (X - self.mean_) @ self.projection_
