"""SH: spectral hashing with analytic eigenfunctions on PCA directions."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from hashmodal.methods._base import register_method
from hashmodal.methods.single_view._common import (
    SingleViewHasher,
    principal_directions,
)

__all__ = ["SH"]


@register_method
class SH(SingleViewHasher):
    """Spectral hashing (Weiss, Torralba & Fergus, NIPS 2008).

    The centred input is projected on its top ``min(n_bits, n_features,
    n_samples)`` principal directions and each direction ``i`` is treated as
    uniform on its training range ``[a_i, b_i]``. There the 1-D Laplacian
    eigenfunctions are ``sin(π/2 + kπ (x - a_i) / (b_i - a_i))``, ``k = 1, 2,
    ...``, with eigenvalues increasing in ``k / (b_i - a_i)``. SH keeps the
    ``n_bits`` (direction, ``k``) modes with the smallest eigenvalues, i.e. the
    smallest ``k / (b_i - a_i)`` (ties: lower direction, then lower ``k``), and
    bit ``j`` is the sign of mode ``j``'s eigenfunction. Deterministic:
    ``random_state`` is accepted for the common interface and unused.

    Parameters
    ----------
    n_bits : int, default=32
    random_state : None, int or numpy.random.Generator, default=None
        Unused.
    view : str or None, default=None
        The one view to hash, or None for the concatenation of all training
        views in fit order.

    Attributes
    ----------
    mean_ : ndarray of shape (n_features,)
    components_ : ndarray of shape (n_features, n_pca)
        Principal directions used.
    lower_ : ndarray of shape (n_pca,)
        ``a_i``: training minimum along each direction.
    range_ : ndarray of shape (n_pca,)
        ``b_i - a_i``.
    modes_ : ndarray of shape (n_bits, 2), dtype int64
        Selected ``(direction, k)`` per bit, by increasing eigenvalue.
    input_views_ : tuple of str
    input_description_ : str
    train_codes_ : BinaryCodes of shape (n_samples, n_bits)

    Raises
    ------
    ValueError
        From ``fit``, if the training data is constant along a principal
        direction (its range is zero).

    Examples
    --------
    >>> import numpy as np
    >>> from hashmodal.methods.single_view import SH
    >>> X = np.random.default_rng(0).normal(size=(100, 5))
    >>> SH(12).fit({"image": X}).encode({"image": X[:1]}).shape
    (1, 12)
    """

    name: ClassVar[str] = "sh"

    def _fit_input(self, X: np.ndarray, rng: np.random.Generator) -> None:
        n_pca = min(self.n_bits_, X.shape[0], X.shape[1])
        self.mean_ = X.mean(axis=0)
        self.components_, _ = principal_directions(X - self.mean_, n_pca, who="SH")
        V = (X - self.mean_) @ self.components_
        self.lower_ = V.min(axis=0)
        self.range_ = V.max(axis=0) - self.lower_
        if np.any(self.range_ <= 1e-12 * max(1.0, float(np.abs(V).max()))):
            raise ValueError(
                "SH needs training data that varies along its principal "
                "directions, but the data is constant along at least one; use "
                "fewer bits or a different view"
            )

        # Every direction offers modes k = 1..n_bits, which always contains
        # the n_bits smallest overall.
        k = np.arange(1, self.n_bits_ + 1)
        dims = np.repeat(np.arange(n_pca), self.n_bits_)
        ks = np.tile(k, n_pca)
        frequency = ks / self.range_[dims]
        order = np.lexsort((ks, dims, frequency))[: self.n_bits_]
        self.modes_ = np.stack([dims[order], ks[order]], axis=1).astype(np.int64)

    def _project_input(self, X: np.ndarray) -> np.ndarray:
        V = (X - self.mean_) @ self.components_
        dims, ks = self.modes_[:, 0], self.modes_[:, 1]
        phase = ks * np.pi * (V[:, dims] - self.lower_[dims]) / self.range_[dims]
        return np.sin(np.pi / 2 + phase)
