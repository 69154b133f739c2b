"""Argument checks of the metrics, worded like :mod:`hashmodal._validation`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from hashmodal._validation import check_positive_int, describe

__all__ = [
    "NO_RELEVANT",
    "TIES",
    "check_cutoff",
    "check_cutoffs",
    "check_ids",
    "check_option",
    "check_ranking_options",
]

#: Orders inside groups of equal Hamming distance.
TIES = ("index", "expected")
#: Policies for a query without any relevant ranked item.
NO_RELEVANT = ("zero", "exclude")


def check_option(value: Any, name: str, allowed: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``allowed``; else raise ``ValueError``."""
    allowed = tuple(allowed)
    if not isinstance(value, str) or value not in allowed:
        listed = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{name} must be one of {listed}, got {describe(value)}")
    return value


def check_ranking_options(ties: Any, no_relevant: Any) -> None:
    """Check ``ties`` (one of :data:`TIES`), then ``no_relevant``."""
    check_option(ties, "ties", TIES)
    check_option(no_relevant, "no_relevant", NO_RELEVANT)


def check_cutoff(k: Any, name: str = "k") -> int | None:
    """``None`` (the whole ranking) or an integer >= 1.

    ``-1``, ``0`` and other sentinels are refused: "all" is spelled ``None``.
    """
    if k is None:
        return None
    return check_positive_int(k, name)


def check_cutoffs(ks: Any, name: str = "ks") -> list[int]:
    """A non-empty sequence of integers >= 1."""
    if isinstance(ks, (int, np.integer)) and not isinstance(ks, bool):
        ks = [ks]
    try:
        values = list(ks)
    except TypeError:
        raise TypeError(
            f"{name} must be a sequence of integers >= 1, got {describe(ks)}"
        ) from None
    if not values:
        raise ValueError(f"{name} must hold at least one cut-off, got none")
    return [check_positive_int(v, f"{name}[{i}]") for i, v in enumerate(values)]


def check_ids(ids: Any, name: str, n_expected: int | None = None) -> np.ndarray:
    """A 1-D array of unique ids (integers or strings)."""
    arr = np.asarray(ids)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    if arr.dtype.kind not in "iuUS":
        raise TypeError(f"{name} must hold integers or strings, got {arr.dtype}")
    if n_expected is not None and arr.shape[0] != n_expected:
        raise ValueError(
            f"{name} must have one id per row ({n_expected}), got {arr.shape[0]}"
        )
    unique, counts = np.unique(arr, return_counts=True)
    if unique.size != arr.size:
        repeated = unique[counts > 1][:5].tolist()
        raise ValueError(f"{name} must be unique, but repeats {repeated}")
    return arr
