"""Ranking metrics computed from Hamming distances and relevance, block by block.

Everything here works on one block of queries at a time: a distance matrix
``dist`` of shape (n_block, n_database) with small non-negative integers, and
the relevance of each pair. Distances equal to ``n_levels`` (one past the
largest real distance) mark items left out of a query's ranking (the query's
own item, a user's training items); they are never ranked.

Two tie rules, both deterministic:

``ties="index"``
    Items at equal distance are ranked by database index (a stable sort by
    distance). The order is obtained with a stable counting sort.
``ties="expected"``
    The expected value over all orders inside each equal-distance group, in
    closed form from counts per distance. For a group of ``n`` items, ``r`` of
    them relevant, preceded by ``c`` items of which ``c_r`` are relevant, and of
    which the first ``m`` positions lie inside the cut-off, the expected sum of
    precision at the relevant positions is::

        (r / n) * [(c_r + 1 - a (c + 1)) (H(c + m) - H(c)) + a m],
        a = (r - 1) / (n - 1)   (0 when n == 1),

    with ``H`` the harmonic numbers: a relevant item sits at each position
    ``c + i`` with probability ``1 / n`` and then has on average
    ``(i - 1) a`` relevant group members before it. Expected gains at every
    position of a group are the group's mean gain, which gives DCG, ACG and
    hits.
"""

from __future__ import annotations

import logging

import numpy as np
from scipy.stats import hypergeom

try:
    from hashmodal.metrics import _counting
except ImportError:  # installed without the compiled kernels
    _counting = None
    logging.getLogger(__name__).warning(
        "hashmodal.metrics: compiled counting kernels unavailable, using NumPy"
    )

__all__: list[str] = []


class Block:
    """Distances and relevance of one block of queries, with cached views.

    Parameters
    ----------
    dist : ndarray of shape (n_block, n_database), integer
        Distances in ``0 .. n_levels - 1``; ``n_levels`` marks a left-out item.
    relevant : ndarray of shape (n_block, n_database), bool
        Binary relevance (False for left-out items).
    gain : ndarray of shape (n_block, n_database), float, or None
        Graded relevance (e.g. number of shared labels); ``None`` means the
        binary relevance is the gain.
    n_levels : int
        Number of distinct real distances (``n_bits + 1`` for codes).
    """

    def __init__(self, dist, relevant, gain, n_levels):
        self.dist = np.ascontiguousarray(dist, dtype=np.int32)
        self.relevant = np.ascontiguousarray(relevant, dtype=bool)
        self.gain = gain
        self.n_levels = int(n_levels)
        self.n_block, self.n_database = dist.shape
        self._counts = None
        self._order = None

    # -- counts by distance (ties="expected", radius curves) -----------------
    def _keys(self):
        width = self.n_levels + 1
        offsets = np.arange(self.n_block, dtype=np.int64)[:, None] * width
        return (offsets + self.dist).ravel(), width

    def counts(self):
        """``(n_items, n_relevant)``, each (n_block, n_levels), by distance."""
        if self._counts is None and _counting is not None:
            n_items = np.empty((self.n_block, self.n_levels), dtype=np.int64)
            n_rel = np.empty_like(n_items)
            _counting.counts(
                self.dist,
                self.relevant.view(np.uint8),
                self.n_block,
                self.n_database,
                self.n_levels,
                n_items,
                n_rel,
            )
            self._counts = (n_items, n_rel)
        if self._counts is None:
            keys, width = self._keys()
            size = self.n_block * width
            n_items = np.bincount(keys, minlength=size).reshape(-1, width)
            n_rel = np.bincount(keys[self.relevant.ravel()], minlength=size)
            n_rel = n_rel.reshape(-1, width)
            self._counts = (n_items[:, :-1], n_rel[:, :-1])
        return self._counts

    def gain_sums(self, transform):
        """Sum of ``transform(gain)`` per distance, shape (n_block, n_levels)."""
        keys, width = self._keys()
        values = self.gain_values(transform)
        sums = np.bincount(keys, weights=values.ravel(), minlength=self.n_block * width)
        return sums.reshape(-1, width)[:, :-1]

    def gain_values(self, transform):
        gain = self.relevant if self.gain is None else self.gain
        return np.where(self.relevant, transform(gain.astype(np.float64)), 0.0)

    # -- stable order (ties="index") -----------------------------------------
    def order(self):
        """Database indices of each query sorted by (distance, index)."""
        if self._order is None:
            top = self.n_levels
            small = np.uint8 if top < 2**8 else np.uint16 if top < 2**16 else np.int64
            self._order = np.argsort(
                self.dist.astype(small, copy=False), axis=1, kind="stable"
            )
        return self._order

    def sorted_relevant(self, k=None):
        order = self.order() if k is None else self.order()[:, :k]
        return np.take_along_axis(self.relevant, order, axis=1)

    def sorted_values(self, values, k=None):
        order = self.order() if k is None else self.order()[:, :k]
        return np.take_along_axis(values, order, axis=1)

    # -- shared quantities ----------------------------------------------------
    def n_ranked(self):
        """Number of ranked (not left-out) items per query."""
        return self.counts()[0].sum(axis=1)

    def n_relevant(self):
        """Number of relevant ranked items per query."""
        return self.counts()[1].sum(axis=1)


def _exclusive_cumsum(x):
    out = np.cumsum(x, axis=1)
    return out - x


def harmonic(n):
    """Harmonic numbers ``H(0..n)`` with ``H(0) = 0``."""
    return np.concatenate(([0.0], np.cumsum(1.0 / np.arange(1, n + 1))))


def discount_cumsum(n):
    """``D(p) = sum_{i<=p} 1 / log2(i + 1)`` for ``p = 0..n``."""
    return np.concatenate(([0.0], np.cumsum(1.0 / np.log2(np.arange(2, n + 2)))))


def slots_inside(n_items, k):
    """Per group, the number of its positions that lie inside the top ``k``."""
    if k is None:
        return n_items
    before = _exclusive_cumsum(n_items)
    return np.clip(k - before, 0, n_items)


# ---------------------------------------------------------------------------
# average precision
# ---------------------------------------------------------------------------
def average_precision_index(block, k, normalization):
    """Per-query AP with ties in database-index order; returns (ap, n_relevant)."""
    if _counting is not None:
        numerator = np.empty(block.n_block)
        found = np.empty(block.n_block, dtype=np.int64)
        n_rel = np.empty(block.n_block, dtype=np.int64)
        _counting.ap_index(
            block.dist,
            block.relevant.view(np.uint8),
            block.n_block,
            block.n_database,
            block.n_levels,
            block.n_database if k is None else k,
            numerator,
            found,
            n_rel,
        )
        if normalization == "hits_in_k" and k is not None:
            denominator = found
        else:
            denominator = n_rel if k is None else np.minimum(n_rel, k)
        return _safe_divide(numerator, denominator), n_rel
    n_rel = block.n_relevant()
    ranked = block.sorted_relevant(k)
    hits = np.cumsum(ranked, axis=1, dtype=np.int64)
    rows, cols = np.nonzero(ranked)
    precision = hits[rows, cols] / (cols + 1.0)
    numerator = np.bincount(rows, weights=precision, minlength=block.n_block)
    if normalization == "hits_in_k" and k is not None:
        denominator = hits[:, -1] if hits.shape[1] else np.zeros_like(n_rel)
    else:
        denominator = n_rel if k is None else np.minimum(n_rel, k)
    return _safe_divide(numerator, denominator), n_rel


def _expected_precision_sum(c, c_rel, n, r, m, harm):
    """Closed-form expected sum of precision over relevant slots (see module)."""
    n_safe = np.maximum(n, 1)
    a = np.where(n > 1, (r - 1) / np.maximum(n - 1, 1), 0.0)
    inner = (c_rel + 1 - a * (c + 1)) * (harm[c + m] - harm[c]) + a * m
    return np.where(n > 0, r / n_safe * inner, 0.0)


def average_precision_expected(block, k, normalization):
    """Per-query tie-aware AP (expected over tie orders); returns (ap, n_rel)."""
    n_items, n_rel_d = block.counts()
    n_rel = n_rel_d.sum(axis=1)
    harm = harmonic(block.n_database)
    c = _exclusive_cumsum(n_items)
    c_rel = _exclusive_cumsum(n_rel_d)
    m = slots_inside(n_items, k)
    if normalization == "hits_in_k" and k is not None:
        ap = _expected_ap_hits_in_k(n_items, n_rel_d, c, c_rel, m, harm)
        return ap, n_rel
    numerator = _expected_precision_sum(c, c_rel, n_items, n_rel_d, m, harm).sum(1)
    denominator = n_rel if k is None else np.minimum(n_rel, k)
    return _safe_divide(numerator, denominator), n_rel


def _expected_ap_hits_in_k(n_items, n_rel_d, c, c_rel, m, harm):
    """E[sum of precision / hits in top k] over tie orders.

    Groups lying wholly inside the top k contribute deterministic hits and an
    expected precision sum independent of the one group cut by k. For the cut
    group (``0 < m < n``), the number ``j`` of its relevant items inside the
    top k is hypergeometric; given ``j`` they fill ``j`` of the ``m`` inside
    slots uniformly, which is the closed form with ``(n, r) -> (m, j)``.
    """
    full = m == n_items
    sum_full = _expected_precision_sum(c, c_rel, n_items, n_rel_d, m, harm)
    sum_full = np.where(full, sum_full, 0.0).sum(axis=1)
    hits_full = np.where(full, n_rel_d, 0).sum(axis=1)
    cut = (m > 0) & (m < n_items)
    has_cut = cut.any(axis=1)
    ap = _safe_divide(sum_full, hits_full)
    if not has_cut.any():
        return ap
    rows = np.flatnonzero(has_cut)
    col = np.argmax(cut[rows], axis=1)
    n = n_items[rows, col]
    r = n_rel_d[rows, col]
    mm = m[rows, col]
    cc = c[rows, col]
    cr = c_rel[rows, col]
    expected = np.zeros(rows.size)
    for j in range(int(np.minimum(r, mm).max()) + 1):
        prob = hypergeom.pmf(j, n, r, mm)
        inside = _expected_precision_sum(cc, cr, mm, np.full_like(mm, j), mm, harm)
        total_hits = hits_full[rows] + j
        value = _safe_divide(sum_full[rows] + inside, total_hits)
        expected += np.where(prob > 0, prob * value, 0.0)
    ap[rows] = expected
    return ap


# ---------------------------------------------------------------------------
# hits, gains and DCG at cut-offs
# ---------------------------------------------------------------------------
def hits_at_k(block, ks, ties):
    """Hits inside the top k for each k; shape (n_block, len(ks)), float."""
    out = np.empty((block.n_block, len(ks)))
    if ties == "index":
        kmax = min(max(ks), block.n_database)
        hits = np.cumsum(block.sorted_relevant(kmax), axis=1, dtype=np.int64)
        hits = np.concatenate([np.zeros((block.n_block, 1), np.int64), hits], 1)
        for i, k in enumerate(ks):
            out[:, i] = hits[:, min(k, kmax)]
        return out
    n_items, n_rel_d = block.counts()
    share = _safe_divide(n_rel_d, n_items)
    for i, k in enumerate(ks):
        out[:, i] = (share * slots_inside(n_items, k)).sum(axis=1)
    return out


def gain_at_k(block, k, ties, transform, weights):
    """Sum over the top k of ``transform(gain)`` times a position weight.

    ``weights`` maps positions ``1..p`` to their cumulative weight ``W(p)``
    (length ``n_database + 1``), e.g. the DCG discount; ``None`` means weight 1.
    """
    if ties == "index":
        values = block.sorted_values(block.gain_values(transform), k)
        if weights is not None:
            step = np.diff(weights[: values.shape[1] + 1])
            values = values * step
        return values.sum(axis=1)
    n_items = block.counts()[0]
    mean_gain = _safe_divide(block.gain_sums(transform), n_items)
    m = slots_inside(n_items, k)
    if weights is None:
        return (mean_gain * m).sum(axis=1)
    c = _exclusive_cumsum(n_items)
    return (mean_gain * (weights[c + m] - weights[c])).sum(axis=1)


def ideal_gain_at_k(block, k, transform, weights):
    """Largest possible ``gain_at_k``: gains sorted in decreasing order."""
    values = -np.sort(-block.gain_values(transform), axis=1)
    if k is not None:
        values = values[:, :k]
    step = np.diff(weights[: values.shape[1] + 1])
    return (values * step).sum(axis=1)


def ndcg_block(block, k, ties, transform, weights):
    """NDCG@k of each query and whether it has any gain (its ideal DCG > 0).

    ``gain_at_k`` over ``ideal_gain_at_k``, 0 for a query whose ideal DCG is 0.
    """
    dcg = gain_at_k(block, k, ties, transform, weights)
    ideal = ideal_gain_at_k(block, k, transform, weights)
    ndcg = np.divide(dcg, ideal, out=np.zeros_like(dcg), where=ideal > 0)
    return ndcg, ideal > 0


def _safe_divide(numerator, denominator):
    """``numerator / denominator`` with 0 where the denominator is 0."""
    numerator = np.asarray(numerator, dtype=np.float64)
    denominator = np.asarray(denominator)
    out = np.zeros(np.broadcast(numerator, denominator).shape)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out
