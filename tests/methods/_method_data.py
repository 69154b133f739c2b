"""Synthetic multi-view data with class structure for method tests.

``make_views`` builds views that share a latent class structure, so that every
method (single-view, cross-modal, composite) has something to learn.
``fit_data_for(cls)`` says what a registered method is fitted on in the contract
suite: its views by family and labels when it is supervised. Cross-modal (and
later) tests may import these helpers directly.
"""

from __future__ import annotations

import numpy as np

VIEW_DIMS = {"image": 24, "text": 16}
N_CLASSES = 5


def make_views(
    n_samples: int = 120,
    *,
    dims: dict[str, int] | None = None,
    n_classes: int = N_CLASSES,
    noise: float = 0.3,
    seed: int = 0,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Views from a shared class latent plus noise, and their class ids.

    Each class has a centre in an 8-D latent space; item ``i`` is its class
    centre plus small latent noise, mapped to every view by a fixed random
    linear map, plus view noise. Items of a class are therefore close in
    every view.

    Returns
    -------
    views : dict of str to ndarray of shape (n_samples, dim)
    labels : ndarray of shape (n_samples,), int64 class ids 0..n_classes-1
    """
    dims = VIEW_DIMS if dims is None else dims
    rng = np.random.default_rng(seed)
    labels = np.arange(n_samples) % n_classes
    rng.shuffle(labels)
    centres = 3.0 * rng.standard_normal((n_classes, 8))
    latent = centres[labels] + 0.5 * rng.standard_normal((n_samples, 8))
    views = {}
    for name, dim in dims.items():
        mixing = rng.standard_normal((8, dim)) / np.sqrt(8)
        views[name] = latent @ mixing + noise * rng.standard_normal((n_samples, dim))
    return views, labels.astype(np.int64)


def fit_data_for(cls, n_samples: int = 120, seed: int = 0):
    """(views, labels or None) to fit a registered method in the contract suite.

    Single-view, cross-modal and composite methods get two views
    (``VIEW_DIMS``); supervised methods get class ids.
    """
    if cls.family not in ("single-view", "cross-modal", "composite"):
        raise NotImplementedError(
            f"the contract suite has no data builder for family {cls.family!r} "
            f"yet; add one to tests/methods/_method_data.py"
        )
    views, labels = make_views(n_samples, seed=seed)
    return views, (labels if cls.requires_labels else None)


def average_precision(relevant_sorted: np.ndarray) -> float:
    """AP of one ranked list of relevance flags over the whole database."""
    rel = np.asarray(relevant_sorted, dtype=float)
    if rel.sum() == 0:
        return 0.0
    hits = np.cumsum(rel)
    precision = hits / np.arange(1, rel.size + 1)
    return float((precision * rel).sum() / rel.sum())


def hamming_map(query_codes, db_codes, query_labels, db_labels) -> float:
    """mAP over all queries, ranking by Hamming distance, ties by index."""
    from hashmodal.search import hamming_distances_reference

    dist = hamming_distances_reference(query_codes, db_codes)
    aps = []
    for i in range(dist.shape[0]):
        order = np.argsort(dist[i], kind="stable")
        aps.append(average_precision(db_labels[order] == query_labels[i]))
    return float(np.mean(aps))
