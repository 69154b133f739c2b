"""Input validation shared by every part of hashmodal.

All checks live here so that error messages have one wording: they name the
argument, say what was expected and show what was given.
"""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Integral
from typing import Any

import numpy as np
import scipy.sparse as sp

__all__ = [
    "NotFittedError",
    "check_finite",
    "check_indices",
    "check_labels",
    "check_matrix",
    "check_positive_int",
    "check_random_state",
    "check_views",
]


class NotFittedError(ValueError, AttributeError):
    """Raised when a method is used before ``fit`` was called."""


def describe(x: Any) -> str:
    """Short description of a value for error messages."""
    if isinstance(x, np.ndarray) or sp.issparse(x):
        return f"array of shape {x.shape} and dtype {x.dtype}"
    return f"{type(x).__name__} {x!r}"[:120]


def check_positive_int(value: Any, name: str, *, minimum: int = 1) -> int:
    """Return ``value`` as ``int`` if it is an integer ``>= minimum``.

    Raises
    ------
    TypeError
        If ``value`` is not an integer (booleans are refused too).
    ValueError
        If ``value < minimum``.
    """
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(
            f"{name} must be an integer >= {minimum}, got {describe(value)}"
        )
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}")
    return int(value)


def check_finite(x: np.ndarray | sp.spmatrix, name: str) -> None:
    """Raise ``ValueError`` if ``x`` holds NaN or infinity, saying where."""
    data = x.data if sp.issparse(x) else np.asarray(x)
    if data.dtype.kind not in "fc":
        return
    bad = ~np.isfinite(data)
    if bad.any():
        n_nan = int(np.isnan(data).sum())
        n_inf = int(bad.sum()) - n_nan
        raise ValueError(
            f"{name} must be finite, but holds {n_nan} NaN and {n_inf} infinite "
            f"value(s)"
        )


def check_matrix(
    x: Any,
    name: str,
    *,
    allow_sparse: bool = False,
    dtype: Any = np.float64,
    allow_empty: bool = False,
) -> np.ndarray | sp.csr_matrix:
    """Validate a 2-D numeric matrix with finite values.

    Parameters
    ----------
    x : array-like or scipy sparse matrix
        The matrix.
    name : str
        Name used in error messages.
    allow_sparse : bool, default=False
        Accept scipy sparse input (returned as CSR); otherwise it is refused.
    dtype : numpy dtype, default=float64
        Dtype of the returned array; ``None`` keeps the input dtype.
    allow_empty : bool, default=False
        Accept a matrix with zero rows or zero columns.

    Returns
    -------
    ndarray or csr_matrix of shape (n_samples, n_features)
    """
    if sp.issparse(x):
        if not allow_sparse:
            raise TypeError(f"{name} must be a dense 2-D array, got a sparse matrix")
        out = sp.csr_matrix(x, dtype=dtype) if dtype is not None else sp.csr_matrix(x)
    else:
        try:
            out = np.asarray(x) if dtype is None else np.asarray(x, dtype=dtype)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{name} must be a numeric 2-D array: {exc}") from None
        if out.dtype.kind not in "biuf":
            raise TypeError(f"{name} must be numeric, got dtype {out.dtype}")
        if out.ndim != 2:
            raise ValueError(
                f"{name} must be 2-D (n_samples, n_features), got shape {out.shape}"
            )
    if not allow_empty and (out.shape[0] == 0 or out.shape[1] == 0):
        raise ValueError(f"{name} must not be empty, got shape {out.shape}")
    check_finite(out, name)
    return out


def check_views(
    views: Any,
    name: str = "views",
    *,
    allow_sparse: bool = False,
    dtype: Any = np.float64,
) -> dict[str, np.ndarray | sp.csr_matrix]:
    """Validate a mapping from modality name to a 2-D matrix.

    All views must have the same number of rows. The mapping's order is kept.
    ``dtype`` is passed to :func:`check_matrix` (``None`` keeps each view's dtype).

    Raises
    ------
    TypeError
        If ``views`` is not a mapping of str to matrices.
    ValueError
        If it is empty, a view is not 2-D, holds NaN/inf, or the row counts differ.
    """
    if not isinstance(views, Mapping):
        raise TypeError(
            f"{name} must be a mapping from view name to a 2-D array, "
            f"got {type(views).__name__}"
        )
    if len(views) == 0:
        raise ValueError(f"{name} must hold at least one view, got none")
    out: dict[str, np.ndarray | sp.csr_matrix] = {}
    for key, value in views.items():
        if not isinstance(key, str):
            raise TypeError(f"view names in {name} must be str, got {key!r}")
        out[key] = check_matrix(
            value, f"view {key!r}", allow_sparse=allow_sparse, dtype=dtype
        )
    rows = {key: value.shape[0] for key, value in out.items()}
    if len(set(rows.values())) > 1:
        listed = ", ".join(f"{k!r}: {n}" for k, n in rows.items())
        raise ValueError(f"all views must have the same number of rows, got {listed}")
    return out


def check_labels(labels: Any, name: str = "labels") -> np.ndarray:
    """Validate class labels: 1-D class ids or a 2-D multi-hot matrix.

    Parameters
    ----------
    labels : array-like of shape (n_samples,) or (n_samples, n_classes)
        Non-negative integer class ids, or a matrix of 0/1 entries (one row per
        item, one column per class).
    name : str, default="labels"
        Name used in error messages.

    Returns
    -------
    ndarray
        ``int64`` class ids, or a ``uint8`` multi-hot matrix.

    Raises
    ------
    TypeError
        If the values are not numeric.
    ValueError
        If the array is empty, not 1-D or 2-D, or holds NaN/inf, non-integer,
        negative, or (for a matrix) values other than 0 and 1.
    """
    if sp.issparse(labels):
        labels = labels.toarray()
    try:
        arr = np.asarray(labels)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a numeric array: {exc}") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be numeric, got {describe(arr)}")
    if arr.ndim not in (1, 2):
        raise ValueError(
            f"{name} must be 1-D class ids or a 2-D multi-hot matrix, "
            f"got shape {arr.shape}"
        )
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    check_finite(arr, name)
    if arr.dtype.kind == "f" and not np.array_equal(arr, np.round(arr)):
        raise ValueError(f"{name} must hold whole numbers, got fractional values")
    if arr.ndim == 1:
        if arr.min() < 0:
            raise ValueError(f"{name} must be class ids >= 0, got minimum {arr.min()}")
        return arr.astype(np.int64)
    bad = (arr != 0) & (arr != 1)
    if bad.any():
        row = int(np.nonzero(bad.any(axis=1))[0][0])
        raise ValueError(
            f"a 2-D {name} matrix must be multi-hot (0/1 only), got "
            f"{arr[bad][0]!r} in row {row}"
        )
    return arr.astype(np.uint8)


def check_indices(indices: Any, name: str, n_samples: int) -> np.ndarray:
    """Validate distinct row indices into an array of ``n_samples`` rows.

    Returns
    -------
    ndarray of shape (n_indices,), dtype int64

    Raises
    ------
    TypeError
        If ``indices`` is not an integer array (floats and booleans are refused).
    ValueError
        If it is not 1-D, has an index outside ``[0, n_samples)`` or a repeated
        index.
    """
    arr = np.asarray(indices)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D index array, got shape {arr.shape}")
    if arr.size == 0 and arr.dtype.kind == "f":
        arr = arr.astype(np.int64)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{name} must hold integer indices, got {describe(arr)}")
    arr = arr.astype(np.int64)
    out = (arr < 0) | (arr >= n_samples)
    if out.any():
        raise ValueError(
            f"{name} must index rows 0..{n_samples - 1}, got {arr[out][0]} "
            f"({int(out.sum())} index(es) out of range)"
        )
    uniq, counts = np.unique(arr, return_counts=True)
    if (counts > 1).any():
        raise ValueError(
            f"{name} must not repeat an index, got {uniq[counts > 1][0]} "
            f"{counts[counts > 1][0]} times ({int((counts > 1).sum())} repeated)"
        )
    return arr


def check_random_state(seed: Any) -> np.random.Generator:
    """Turn ``None``, an int or a Generator into a ``numpy.random.Generator``."""
    if seed is None or (isinstance(seed, Integral) and not isinstance(seed, bool)):
        return np.random.default_rng(seed)
    if isinstance(seed, np.random.Generator):
        return seed
    raise TypeError(
        f"random_state must be None, an int or a numpy Generator, got {describe(seed)}"
    )
