"""Result objects returned by the metrics: a value and how it was computed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["CurveResult", "RetrievalScore"]


@dataclass(frozen=True)
class RetrievalScore:
    """A metric averaged over queries, with every choice that produced it.

    Attributes
    ----------
    value : float
        The mean over the queries that count (see ``no_relevant``).
    metric : str
        Name of the metric, e.g. ``"map"``, ``"ndcg"``, ``"hit_rate"``.
    k : int or None
        Cut-off of the ranking; ``None`` means the whole database.
    ties : {"index", "expected"}
        How items at equal Hamming distance were ordered: by database index, or
        the expected value over all orders inside each equal-distance group.
    normalization : str or None
        For average precision, the denominator of AP@K (``"min_r_k"`` or
        ``"hits_in_k"``); ``None`` for other metrics.
    no_relevant : {"zero", "exclude"}
        Whether queries without any relevant item count as 0 or are left out.
    n_queries : int
        Number of queries evaluated.
    n_queries_without_relevant : int
        Number of queries with no relevant item among the ranked items.
    per_query : ndarray of shape (n_queries,)
        Value of every query (0 for a query without relevant item).
    extra : dict
        Further counts specific to a metric (e.g. queries retrieving nothing).

    Examples
    --------
    >>> import numpy as np
    >>> s = RetrievalScore(0.5, "map", None, "index", "min_r_k", "zero", 2, 1,
    ...                    np.array([1.0, 0.0]))
    >>> s.to_dict()["n_queries_without_relevant"]
    1
    """

    value: float
    metric: str
    k: int | None
    ties: str
    normalization: str | None
    no_relevant: str
    n_queries: int
    n_queries_without_relevant: int
    per_query: np.ndarray = field(repr=False)
    extra: dict[str, Any] = field(default_factory=dict)

    def __float__(self) -> float:
        return float(self.value)

    def to_dict(self, *, per_query: bool = False) -> dict[str, Any]:
        """JSON-ready dict; ``per_query=True`` adds the per-query values."""
        out: dict[str, Any] = {
            "metric": self.metric,
            "value": float(self.value),
            "k": self.k,
            "ties": self.ties,
            "normalization": self.normalization,
            "no_relevant": self.no_relevant,
            "n_queries": int(self.n_queries),
            "n_queries_without_relevant": int(self.n_queries_without_relevant),
        }
        out.update(self.extra)
        if per_query:
            out["per_query"] = [float(v) for v in self.per_query]
        return out


@dataclass(frozen=True)
class CurveResult:
    """Precision and recall at several cut-offs (ranks or Hamming radii).

    Attributes
    ----------
    metric : str
        ``"pr_by_rank"`` or ``"pr_by_radius"``.
    cutoff : str
        ``"k"`` (number of top-ranked items) or ``"radius"`` (distance <= r).
    points : ndarray of shape (n_points,)
        The cut-off values.
    precision, recall : ndarray of shape (n_points,)
        Mean over queries at each cut-off.
    ties : str
        ``"index"`` or ``"expected"`` (radius curves do not depend on ties and
        report ``"none"``).
    no_relevant : str
        ``"zero"`` or ``"exclude"``, applied to precision and recall alike.
    n_queries, n_queries_without_relevant : int
        Number of queries, and of those without any relevant item.
    """

    metric: str
    cutoff: str
    points: np.ndarray
    precision: np.ndarray
    recall: np.ndarray
    ties: str
    no_relevant: str
    n_queries: int
    n_queries_without_relevant: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "metric": self.metric,
            "cutoff": self.cutoff,
            "points": [int(p) for p in self.points],
            "precision": [float(p) for p in self.precision],
            "recall": [float(r) for r in self.recall],
            "ties": self.ties,
            "no_relevant": self.no_relevant,
            "n_queries": int(self.n_queries),
            "n_queries_without_relevant": int(self.n_queries_without_relevant),
        }
