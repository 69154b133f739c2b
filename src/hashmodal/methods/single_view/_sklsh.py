"""SKLSH: shift-invariant kernel LSH from random Fourier features."""

from __future__ import annotations

import numbers
from typing import Any, ClassVar

import numpy as np

from hashmodal._validation import describe
from hashmodal.methods._base import register_method
from hashmodal.methods.single_view._common import SingleViewHasher

__all__ = ["SKLSH"]

_MEDIAN_SAMPLE = 1000


@register_method
class SKLSH(SingleViewHasher):
    """Shift-invariant kernel LSH (Raginsky & Lazebnik, NIPS 2009).

    Bit ``j`` is ``[cos(w_j · x + c_j) + t_j >= 0]`` with ``w_j ~ N(0, γ I)``,
    ``c_j ~ U[0, 2π]`` and ``t_j ~ U[-1, 1]``. For the Gaussian kernel
    ``K(x, y) = exp(-γ ||x - y||² / 2)`` the expected fraction of differing
    bits is ``(8/π²) Σ_{m>=1} (1 - K(m x, m y)) / (4m² - 1)``, which grows with
    ``||x - y||``.

    Parameters
    ----------
    n_bits : int, default=32
    random_state : None, int or numpy.random.Generator, default=None
        Seed of ``w``, ``c`` and ``t``.
    view : str or None, default=None
        The one view to hash, or None for the concatenation of all training
        views in fit order.
    gamma : float or "median", default="median"
        Kernel parameter ``γ`` (inverse squared length scale). The paper
        leaves it free; ``"median"`` sets ``γ = 1 / m`` with ``m`` the median
        squared distance between training items (on at most 1,000 of them,
        drawn with ``random_state``), so that typical pairs have kernel value
        ``e^{-1/2}``.

    Attributes
    ----------
    gamma_ : float
        The ``γ`` used.
    projection_ : ndarray of shape (n_features, n_bits)
        ``w_j`` as columns.
    phase_ : ndarray of shape (n_bits,)
        ``c_j``.
    threshold_ : ndarray of shape (n_bits,)
        ``t_j``.
    input_views_ : tuple of str
    input_description_ : str
    train_codes_ : BinaryCodes of shape (n_samples, n_bits)

    Examples
    --------
    >>> import numpy as np
    >>> from hashmodal.methods.single_view import SKLSH
    >>> X = np.random.default_rng(0).normal(size=(100, 5))
    >>> SKLSH(16, random_state=0, gamma=0.5).fit({"image": X}).gamma_
    0.5
    """

    name: ClassVar[str] = "sklsh"

    def __init__(
        self,
        n_bits: int = 32,
        *,
        random_state: Any = None,
        view: str | None = None,
        gamma: float | str = "median",
    ) -> None:
        self.n_bits = n_bits
        self.random_state = random_state
        self.view = view
        self.gamma = gamma

    def _fit_input(self, X: np.ndarray, rng: np.random.Generator) -> None:
        if isinstance(self.gamma, str):
            if self.gamma != "median":
                raise ValueError(
                    f"gamma must be 'median' or a positive number, got {self.gamma!r}"
                )
            self.gamma_ = _median_gamma(X, rng)
        elif (
            isinstance(self.gamma, numbers.Real)
            and not isinstance(self.gamma, bool)
            and np.isfinite(self.gamma)
            and self.gamma > 0
        ):
            self.gamma_ = float(self.gamma)
        else:
            raise ValueError(
                f"gamma must be 'median' or a positive number, got "
                f"{describe(self.gamma)}"
            )
        n_features = X.shape[1]
        self.projection_ = np.sqrt(self.gamma_) * rng.standard_normal(
            (n_features, self.n_bits_)
        )
        self.phase_ = rng.uniform(0.0, 2.0 * np.pi, self.n_bits_)
        self.threshold_ = rng.uniform(-1.0, 1.0, self.n_bits_)

    def _project_input(self, X: np.ndarray) -> np.ndarray:
        return np.cos(X @ self.projection_ + self.phase_) + self.threshold_


def _median_gamma(X: np.ndarray, rng: np.random.Generator) -> float:
    n_samples = X.shape[0]
    if n_samples > _MEDIAN_SAMPLE:
        X = X[rng.choice(n_samples, _MEDIAN_SAMPLE, replace=False)]
    sq = np.einsum("ij,ij->i", X, X)
    dist = sq[:, None] + sq[None, :] - 2.0 * X @ X.T
    upper = np.maximum(dist[np.triu_indices(X.shape[0], k=1)], 0.0)
    median = float(np.median(upper)) if upper.size else 0.0
    if median <= 0:
        raise ValueError(
            "gamma='median' needs distinct training items, but the median squared "
            "distance is 0; pass gamma as a number"
        )
    return 1.0 / median
