"""Averaging per-query values under an explicit policy for empty queries."""

from __future__ import annotations

from typing import Any

import numpy as np

from hashmodal.metrics._results import RetrievalScore

__all__ = ["finish_score", "mean_with_policy"]


def mean_with_policy(
    values: np.ndarray, has_relevant: np.ndarray, no_relevant: str, metric: str
) -> np.ndarray:
    """Mean over queries (axis 0); ``"exclude"`` keeps only ``has_relevant`` rows.

    Raises
    ------
    ValueError
        With ``no_relevant="exclude"`` when no query has a relevant item: the
        mean is then undefined, and no NaN is ever returned.
    """
    if no_relevant == "exclude":
        if not has_relevant.any():
            raise ValueError(
                f"{metric}: none of the {has_relevant.size} queries has a relevant "
                f"item, so no_relevant='exclude' leaves nothing to average; use "
                f"no_relevant='zero' to count them as 0"
            )
        values = values[has_relevant]
    return values.mean(axis=0)


def finish_score(
    per_query: np.ndarray,
    has_relevant: np.ndarray,
    *,
    metric: str,
    k: int | None,
    ties: str,
    normalization: str | None,
    no_relevant: str,
    extra: dict[str, Any] | None = None,
) -> RetrievalScore:
    """Build the :class:`RetrievalScore` of per-query values."""
    per_query = np.where(has_relevant, per_query, 0.0)
    per_query.flags.writeable = False
    value = mean_with_policy(per_query, has_relevant, no_relevant, metric)
    return RetrievalScore(
        value=float(value),
        metric=metric,
        k=k,
        ties=ties,
        normalization=normalization,
        no_relevant=no_relevant,
        n_queries=int(per_query.size),
        n_queries_without_relevant=int((~has_relevant).sum()),
        per_query=per_query,
        extra=dict(extra or {}),
    )
