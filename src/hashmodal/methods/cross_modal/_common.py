"""Helpers shared by the cross-modal methods (two paired views, linear solves)."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from hashmodal._validation import describe
from hashmodal.methods._base import BaseHasher


class TwoViewHasher(BaseHasher):
    """Base of the cross-modal methods: fitted on two views, encodes from one.

    ``fit`` refuses anything but exactly two paired views. An item of view
    ``key`` is encoded from its features alone, ``_features(key, X)``, through
    the learned linear map ``projections_[key]``; the features default to the
    view minus its training mean ``means_[key]``.
    """

    family: ClassVar[str] = "cross-modal"

    def _check_fit_views(self, views: dict[str, Any]) -> None:
        check_two_views(type(self).__name__, views)

    def _features(self, key: str, X: np.ndarray) -> np.ndarray:
        return X - self.means_[key]

    def _project(self, views: dict[str, Any]) -> np.ndarray:
        ((key, X),) = views.items()
        return self._features(key, X) @ self.projections_[key]


def check_two_views(name: str, views: dict[str, Any]) -> None:
    """Refuse anything but exactly two training views."""
    if len(views) != 2:
        raise ValueError(
            f"{name} learns from exactly 2 paired views (e.g. 'image' and 'text'), "
            f"got {len(views)}: {list(views)}"
        )


def check_unit_interval(value: Any, name: str) -> float:
    """Return ``value`` as float if it lies strictly between 0 and 1."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise TypeError(f"{name} must be a number in (0, 1), got {describe(value)}")
    if not 0.0 < float(value) < 1.0:
        raise ValueError(f"{name} must be a number in (0, 1), got {value!r}")
    return float(value)


def check_positive(value: Any, name: str, *, allow_zero: bool = False) -> float:
    """Return ``value`` as float if it is a finite number > 0 (or >= 0)."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        kind = ">= 0" if allow_zero else "> 0"
        raise TypeError(f"{name} must be a number {kind}, got {describe(value)}")
    value = float(value)
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        kind = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be a finite number {kind}, got {value!r}")
    return value


def ridge_solve(gram: np.ndarray, rhs: np.ndarray, ridge: float) -> np.ndarray:
    """Solve ``(gram + ridge I) Z = rhs`` for a symmetric positive ``gram``.

    ``gram`` is (k, k) and positive semi-definite and ``ridge > 0``, so the
    system is positive definite and has one solution.

    The solve uses :mod:`numpy.linalg`, like the matrix products around it:
    NumPy and SciPy wheels each bundle their own OpenBLAS with its own thread
    pool, and alternating between the two inside an iterative solver makes the
    idle threads of one spin against the busy threads of the other (on 2 cores
    this made CMFH fits up to 20x slower).
    """
    system = gram + ridge * np.eye(gram.shape[0])
    return np.linalg.solve(system, rhs)
