"""ITQ: PCA followed by the rotation that minimises the quantisation loss."""

from __future__ import annotations

import logging
from typing import Any, ClassVar

import numpy as np

from hashmodal._validation import check_positive_int
from hashmodal.methods._base import register_method
from hashmodal.methods._blocks import orthogonal_procrustes, sign
from hashmodal.methods.single_view._common import (
    SingleViewHasher,
    principal_directions,
)

__all__ = ["ITQ"]

logger = logging.getLogger(__name__)


@register_method
class ITQ(SingleViewHasher):
    """Iterative quantisation (Gong & Lazebnik, CVPR 2011).

    The centred input is projected on its top ``n_bits`` principal directions,
    ``V = (X - mean) W``. Starting from a random orthogonal ``R``, ITQ then
    alternates ``B = sign(V R)`` and ``R = argmin_R ||B - V R||_F`` (orthogonal
    Procrustes) for ``n_iter`` iterations, which never increases the
    quantisation loss ``||B - V R||_F²``. Codes are ``sign((x - mean) W R)``.

    Parameters
    ----------
    n_bits : int, default=32
        Code length; at most ``min(n_samples, n_features)`` of the input, since
        PCA gives no more directions (``fit`` raises ``ValueError`` otherwise).
    random_state : None, int or numpy.random.Generator, default=None
        Seed of the initial rotation.
    view : str or None, default=None
        The one view to hash, or None for the concatenation of all training
        views in fit order.
    n_iter : int, default=50
        Number of alternating iterations (the paper's 50).

    Attributes
    ----------
    mean_ : ndarray of shape (n_features,)
    components_ : ndarray of shape (n_features, n_bits)
        Principal directions (see :class:`PCAH`).
    rotation_ : ndarray of shape (n_bits, n_bits)
        The learned orthogonal rotation ``R``.
    loss_history_ : ndarray of shape (n_iter + 1,)
        ``||sign(V R) - V R||_F²`` for the initial ``R`` and after each
        iteration; non-increasing.
    input_views_ : tuple of str
    input_description_ : str
    train_codes_ : BinaryCodes of shape (n_samples, n_bits)
        ``sign(V R)`` for the training items.

    Examples
    --------
    >>> import numpy as np
    >>> from hashmodal.methods.single_view import ITQ
    >>> X = np.random.default_rng(0).normal(size=(200, 20))
    >>> model = ITQ(8, random_state=0).fit({"image": X})
    >>> bool(model.loss_history_[-1] <= model.loss_history_[0])
    True
    """

    name: ClassVar[str] = "itq"

    def __init__(
        self,
        n_bits: int = 32,
        *,
        random_state: Any = None,
        view: str | None = None,
        n_iter: int = 50,
    ) -> None:
        self.n_bits = n_bits
        self.random_state = random_state
        self.view = view
        self.n_iter = n_iter

    def _fit_input(self, X: np.ndarray, rng: np.random.Generator) -> None:
        n_iter = check_positive_int(self.n_iter, "n_iter", minimum=0)
        self.mean_ = X.mean(axis=0)
        self.components_, _ = principal_directions(
            X - self.mean_, self.n_bits_, who="ITQ"
        )
        V = (X - self.mean_) @ self.components_

        # Random orthogonal start: Q of a Gaussian matrix, signs fixed by R's
        # diagonal so that the draw is uniform over rotations.
        Q, upper = np.linalg.qr(rng.standard_normal((self.n_bits_, self.n_bits_)))
        R = Q * np.where(np.diag(upper) < 0, -1.0, 1.0)

        losses = [_quantisation_loss(V @ R)]
        for _ in range(n_iter):
            B = sign(V @ R)
            R = orthogonal_procrustes(B, V)
            losses.append(_quantisation_loss(V @ R))
        self.rotation_ = R
        self.loss_history_ = np.asarray(losses)
        logger.debug("ITQ quantisation loss %.4g -> %.4g", losses[0], losses[-1])

    def _project_input(self, X: np.ndarray) -> np.ndarray:
        return (X - self.mean_) @ self.components_ @ self.rotation_


def _quantisation_loss(VR: np.ndarray) -> float:
    return float(np.sum((sign(VR) - VR) ** 2))
