"""What the single-view methods share: choosing the input view and PCA."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from hashmodal._validation import check_random_state
from hashmodal.codes import binarize
from hashmodal.methods._base import BaseHasher

__all__ = ["SingleViewHasher", "principal_directions"]


class SingleViewHasher(BaseHasher):
    """Base of the single-view methods: one input matrix, codes by projection.

    The input is the view named by ``view``, or, when ``view`` is None, the
    concatenation of all training views in fit order (``encode`` then needs
    all of them, and concatenates them in fit order whatever the order of
    the mapping it is given). ``input_description_`` says which, so that
    results can name their input.

    The constructor takes ``n_bits``, ``random_state`` and ``view``; a method
    with more parameters lists them all in its own ``__init__``. Subclasses
    implement ``_fit_input(X, rng)`` and ``_project_input(X)`` on
    that matrix. ``train_codes_`` holds the codes of the training items
    (the same codes ``encode`` gives for them).
    """

    family: ClassVar[str] = "single-view"
    requires_labels: ClassVar[bool] = False

    def __init__(
        self, n_bits: int = 32, *, random_state: Any = None, view: str | None = None
    ) -> None:
        self.n_bits = n_bits
        self.random_state = random_state
        self.view = view

    def _check_fit_views(self, views: dict[str, Any]) -> None:
        if self.view is not None and self.view not in views:
            raise ValueError(
                f"view must name one of the training views {list(views)}, "
                f"got {self.view!r}"
            )

    def _fit(self, views: dict[str, Any], labels: np.ndarray | None) -> None:
        rng = check_random_state(self.random_state)
        if self.view is None:
            self.input_views_ = tuple(self.view_names_)
        else:
            self.input_views_ = (self.view,)
        parts = [f"{name!r} ({self.n_features_[name]})" for name in self.input_views_]
        if len(parts) == 1:
            self.input_description_ = f"view {parts[0]}"
        else:
            self.input_description_ = "concatenation of views " + " + ".join(parts)

        X = self._stack(views)
        self._fit_input(X, rng)
        self.train_codes_ = binarize(self._project_input(X))

    def encodable_views(self) -> list[tuple[str, ...]]:
        """The one view set ``encode`` accepts: ``input_views_``."""
        self._check_is_fitted()
        return [tuple(self.input_views_)]

    def _project(self, views: dict[str, Any]) -> np.ndarray:
        return self._project_input(self._stack(views))

    def _stack(self, views: dict[str, Any]) -> np.ndarray:
        if len(self.input_views_) == 1:
            return views[self.input_views_[0]]
        return np.hstack([views[name] for name in self.input_views_])

    def _fit_input(self, X: np.ndarray, rng: np.random.Generator) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement _fit_input")

    def _project_input(self, X: np.ndarray) -> np.ndarray:
        raise NotImplementedError(
            f"{type(self).__name__} must implement _project_input"
        )


def principal_directions(
    X_centered: np.ndarray, n_components: int, *, who: str
) -> tuple[np.ndarray, np.ndarray]:
    """Top principal directions of centred data, with a fixed sign.

    Parameters
    ----------
    X_centered : ndarray of shape (n_samples, n_features)
        Data with zero column means.
    n_components : int
        Number of directions, at most ``min(n_samples, n_features)``.
    who : str
        Method name for error messages.

    Returns
    -------
    components : ndarray of shape (n_features, n_components)
        Orthonormal columns by decreasing variance; each column's entry of
        largest magnitude is positive.
    variances : ndarray of shape (n_components,)
        Variance of the data along each direction.

    Raises
    ------
    ValueError
        If more directions are asked for than the data has.
    """
    n_samples, n_features = X_centered.shape
    limit = min(n_samples, n_features)
    if n_components > limit:
        raise ValueError(
            f"{who} takes its bits from principal directions, so n_bits must be "
            f"<= min(n_samples, n_features) = {limit}, got n_bits={n_components}"
        )
    if n_features <= n_samples:
        cov = X_centered.T @ X_centered / max(n_samples - 1, 1)
        values, vectors = np.linalg.eigh(cov)
        order = np.argsort(values)[::-1][:n_components]
        components, variances = vectors[:, order], values[order]
    else:
        _, s, vt = np.linalg.svd(X_centered, full_matrices=False)
        components = vt[:n_components].T
        variances = s[:n_components] ** 2 / max(n_samples - 1, 1)
    rows = np.argmax(np.abs(components), axis=0)
    signs = np.sign(components[rows, np.arange(components.shape[1])])
    signs[signs == 0] = 1.0
    return components * signs, np.maximum(variances, 0.0)
