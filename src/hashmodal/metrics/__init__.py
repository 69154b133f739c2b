"""Retrieval and recommendation metrics on Hamming rankings.

Every metric is a pure function that says exactly what it computes: the mAP@K
normalisation (``"min_r_k"`` by default, ``"hits_in_k"`` on request), how items
at equal Hamming distance are ordered (``ties="index"``: by database index;
``ties="expected"``: the closed-form expectation over all orders inside each
tie group), and what happens to queries without any relevant item
(``no_relevant="zero"`` or ``"exclude"``, always counted). "The whole ranking"
is ``k=None``, never -1. Results are :class:`RetrievalScore` or
:class:`CurveResult` objects with ``to_dict()`` for JSON.
"""

from hashmodal.metrics._protocol import ProtocolError, check_splits, self_matches
from hashmodal.metrics._recommendation import (
    as_interactions,
    dcf_ndcg_at_k,
    hit_rate_at_k,
    recommendation_ndcg_at_k,
)
from hashmodal.metrics._results import CurveResult, RetrievalScore
from hashmodal.metrics._retrieval import (
    acg_at_k,
    mean_average_precision,
    mean_average_precision_from_distances,
    ndcg_at_k,
    precision_recall_at_k,
    precision_recall_by_radius,
    precision_within_radius,
    radius_pr_auc,
)

__all__ = [
    "CurveResult",
    "ProtocolError",
    "RetrievalScore",
    "acg_at_k",
    "as_interactions",
    "check_splits",
    "dcf_ndcg_at_k",
    "hit_rate_at_k",
    "mean_average_precision",
    "mean_average_precision_from_distances",
    "ndcg_at_k",
    "precision_recall_at_k",
    "precision_recall_by_radius",
    "precision_within_radius",
    "radius_pr_auc",
    "recommendation_ndcg_at_k",
    "self_matches",
]
