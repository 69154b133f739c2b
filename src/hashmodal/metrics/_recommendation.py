"""Recommendation metrics on Hamming ranks of item codes for each user.

Users and items have binary codes; a user's ranking orders items by Hamming
distance to the user's code (smaller first). Two protocols:

full ranking (:func:`hit_rate_at_k`, :func:`recommendation_ndcg_at_k`)
    Every item the user did not train on is ranked; the user's test items are
    the positives. A user without training items is ranked over all items.
DCF protocol (:func:`dcf_ndcg_at_k`)
    Only the user's own test items are ranked, with graded gain = rating; NDCG
    at ``k`` is taken over those items (as in discrete collaborative
    filtering papers).

Interactions are given as a (n_users, n_items) matrix (dense or scipy sparse;
0 = no interaction, otherwise the rating) or a mapping ``{user: items}`` /
``{user: {item: rating}}``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.stats import hypergeom

from hashmodal._validation import check_finite, check_positive_int, describe
from hashmodal.metrics._aggregate import finish_score
from hashmodal.metrics._checks import check_cutoff, check_ranking_options
from hashmodal.metrics._distances import default_block_size, iter_distance_blocks
from hashmodal.metrics._ranking import (
    Block,
    discount_cumsum,
    hits_at_k,
    ndcg_block,
    slots_inside,
)
from hashmodal.metrics._results import RetrievalScore
from hashmodal.metrics._sources import as_code_pair, score_queries

__all__ = [
    "as_interactions",
    "dcf_ndcg_at_k",
    "hit_rate_at_k",
    "recommendation_ndcg_at_k",
]


def as_interactions(x: Any, n_users: int, n_items: int, name: str) -> sp.csr_matrix:
    """Interactions as a CSR matrix of shape (n_users, n_items).

    Accepts a dense or sparse matrix (0 = none, other values = rating), a
    mapping ``{user: [item, ...]}`` (rating 1) or ``{user: {item: rating}}``.

    Raises
    ------
    ValueError
        For a wrong shape, negative or non-finite ratings, or user / item ids
        outside ``0 .. n - 1``.

    Examples
    --------
    >>> as_interactions({0: [1, 2]}, 2, 3, "train").toarray().tolist()
    [[0.0, 1.0, 1.0], [0.0, 0.0, 0.0]]
    """
    if isinstance(x, Mapping):
        rows, cols, vals = [], [], []
        for user, items in x.items():
            if isinstance(items, Mapping):
                pairs = list(items.items())
            else:
                pairs = [(item, 1.0) for item in items]
            for item, rating in pairs:
                rows.append(user)
                cols.append(item)
                vals.append(rating)
        rows = np.asarray(rows, dtype=np.int64)
        cols = np.asarray(cols, dtype=np.int64)
        if rows.size and (rows.min() < 0 or rows.max() >= n_users):
            raise ValueError(
                f"{name} has user ids outside 0..{n_users - 1}: "
                f"{sorted(set(rows[(rows < 0) | (rows >= n_users)].tolist()))[:5]}"
            )
        if cols.size and (cols.min() < 0 or cols.max() >= n_items):
            raise ValueError(
                f"{name} has item ids outside 0..{n_items - 1}: "
                f"{sorted(set(cols[(cols < 0) | (cols >= n_items)].tolist()))[:5]}"
            )
        out = sp.csr_matrix(
            (np.asarray(vals, dtype=np.float64), (rows, cols)),
            shape=(n_users, n_items),
        )
    elif sp.issparse(x):
        out = sp.csr_matrix(x, dtype=np.float64)
    else:
        arr = np.asarray(x)
        if arr.dtype.kind not in "biuf" or arr.ndim != 2:
            raise ValueError(
                f"{name} must be a mapping or a 2-D (n_users, n_items) matrix, "
                f"got {describe(x)}"
            )
        out = sp.csr_matrix(arr.astype(np.float64))
    if out.shape != (n_users, n_items):
        raise ValueError(
            f"{name} must have shape (n_users, n_items) = {(n_users, n_items)}, "
            f"got {out.shape}"
        )
    out.sum_duplicates()
    check_finite(out, name)
    if (out.data < 0).any():
        raise ValueError(f"{name} ratings must be non-negative")
    out.eliminate_zeros()
    return out


class _UserSource:
    """Blocks of users: distances to all items, positives and left-out items."""

    def __init__(
        self,
        user_codes,
        item_codes,
        test,
        train,
        users,
        n_bits,
        block_size,
        only_test=False,
    ):
        self.user_codes, self.item_codes = as_code_pair(
            user_codes, item_codes, n_bits, ("user", "item")
        )
        n_users, n_items = len(self.user_codes), len(self.item_codes)
        self.test = as_interactions(test, n_users, n_items, "test")
        self.train = (
            None if train is None else as_interactions(train, n_users, n_items, "train")
        )
        if users is None:
            users = np.flatnonzero(np.diff(self.test.indptr) > 0)
        users = np.asarray(users, dtype=np.int64)
        if users.ndim != 1 or users.size == 0:
            raise ValueError(f"users must be a non-empty 1-D list, got {users.shape}")
        if users.min() < 0 or users.max() >= n_users:
            raise ValueError(f"users must lie in 0..{n_users - 1}")
        self.users = users
        self.n_queries = users.size
        self.n_database = n_items
        self.n_levels = self.user_codes.n_bits + 1
        self.only_test = only_test
        if block_size is None:
            block_size = default_block_size(n_items, self.item_codes.n_bytes)
        self.block_size = check_positive_int(block_size, "block_size")

    def blocks(self) -> Iterator[tuple[int, int, Block]]:
        queries = self.user_codes[self.users]
        for start, stop, dist in iter_distance_blocks(
            queries, self.item_codes, block_size=self.block_size
        ):
            rows = self.users[start:stop]
            ratings = self.test[rows].toarray()
            relevant = ratings > 0
            dist = np.array(dist, dtype=np.int32, copy=True)
            if self.only_test:
                dist[~relevant] = self.n_levels
            elif self.train is not None:
                mask = self.train[rows]
                r, c = mask.nonzero()
                dist[r, c] = self.n_levels
                relevant[r, c] = False
            yield start, stop, Block(dist, relevant, ratings, self.n_levels)


def _validate(k, ties, no_relevant, k_required=True):
    k = check_positive_int(k, "k") if k_required else check_cutoff(k)
    check_ranking_options(ties, no_relevant)
    return k


def _hit_rate_block(block: Block, k: int, ties: str) -> np.ndarray:
    """Probability that at least one positive lies in the top k."""
    if ties == "index":
        return (hits_at_k(block, [k], "index")[:, 0] > 0).astype(np.float64)
    n_items, n_rel = block.counts()
    m = slots_inside(n_items, k)
    full = (m == n_items) & (n_items > 0)
    sure = (full & (n_rel > 0)).any(axis=1)
    cut = (m > 0) & (m < n_items)
    # P(no positive in the m inside slots of the cut group), hypergeometric
    miss = np.where(cut, hypergeom.pmf(0, n_items, n_rel, m), 1.0).prod(axis=1)
    return np.where(sure, 1.0, 1.0 - miss)


def hit_rate_at_k(
    user_codes: Any,
    item_codes: Any,
    test: Any,
    *,
    train: Any = None,
    k: int = 10,
    ties: str = "expected",
    users: Any = None,
    no_relevant: str = "zero",
    n_bits: int | None = None,
    block_size: int | None = None,
) -> RetrievalScore:
    """Hit rate (Accuracy@K): share of users with a test item in their top ``k``.

    Each user ranks every item not in their training interactions by Hamming
    distance; a hit is at least one test item in the top ``k``. With
    ``ties="expected"`` the hit is its probability over tie orders:
    ``1 - C(n - r, m) / C(n, m)`` for the tie group cut by ``k`` (``n`` items,
    ``r`` positives, ``m`` slots inside the top ``k``) when no earlier group
    holds a positive.

    Parameters
    ----------
    user_codes : BinaryCodes or array-like of shape (n_users, n_bits)
    item_codes : BinaryCodes or array-like of shape (n_items, n_bits)
    test : matrix or mapping
        Test interactions (positives), see the module notes.
    train : matrix or mapping, optional
        Training interactions, left out of each user's ranking.
    k : int, default=10
    ties : {"expected", "index"}, default="expected"
    users : array-like of int, optional
        Users to evaluate (default: every user with a test item).
    no_relevant : {"zero", "exclude"}, default="zero"
        Users without any test item left after masking.
    n_bits : int, optional
        Required for packed ``uint8`` codes.
    block_size : int, optional
        Users per block.

    Returns
    -------
    RetrievalScore
        ``metric="hit_rate"``.

    Examples
    --------
    >>> users = [[0, 0, 0, 0, 0, 0, 0, 0]]
    >>> items = [[1, 1, 0, 0, 0, 0, 0, 0], [0, 0, 1, 1, 0, 0, 0, 0],
    ...          [0, 0, 0, 0, 1, 1, 0, 0], [0, 0, 0, 0, 0, 0, 1, 1]]
    >>> hit_rate_at_k(users, items, {0: [0]}, k=1).value
    0.25
    """
    k = _validate(k, ties, no_relevant)
    source = _UserSource(user_codes, item_codes, test, train, users, n_bits, block_size)
    values, has_rel = score_queries(
        source, lambda block: (_hit_rate_block(block, k, ties), block.n_relevant() > 0)
    )
    return finish_score(
        values,
        has_rel,
        metric="hit_rate",
        k=k,
        ties=ties,
        normalization=None,
        no_relevant=no_relevant,
        extra={"protocol": "full_ranking", "n_users": int(source.n_queries)},
    )


def _ndcg_users(source, k, ties, no_relevant, graded, metric, protocol):
    weights = discount_cumsum(source.n_database)

    def transform(g):
        return np.exp2(g) - 1.0 if graded else np.ones_like(g)

    values, has_rel = score_queries(
        source, lambda block: ndcg_block(block, k, ties, transform, weights)
    )
    return finish_score(
        values,
        has_rel,
        metric=metric,
        k=k,
        ties=ties,
        normalization=None,
        no_relevant=no_relevant,
        extra={
            "protocol": protocol,
            "gain": "2^rating-1" if graded else "binary",
            "n_users": int(source.n_queries),
        },
    )


def recommendation_ndcg_at_k(
    user_codes: Any,
    item_codes: Any,
    test: Any,
    *,
    train: Any = None,
    k: int = 10,
    ties: str = "expected",
    graded: bool = False,
    users: Any = None,
    no_relevant: str = "zero",
    n_bits: int | None = None,
    block_size: int | None = None,
) -> RetrievalScore:
    """NDCG@K of the full ranking: test positives among all non-training items.

    ``DCG@K = sum_{i<=K} gain(i) / log2(i + 1)`` with gain 1 for a test item
    (``graded=False``) or ``2^rating - 1`` (``graded=True``), divided by the
    DCG of the ideal order. Tie-aware with ``ties="expected"`` (each position of
    a tie group gets the group's mean gain).

    Parameters
    ----------
    user_codes, item_codes, test, train, k, ties, users, no_relevant, n_bits,
    block_size
        As in :func:`hit_rate_at_k`.
    graded : bool, default=False
        Use the test ratings as graded relevance.

    Returns
    -------
    RetrievalScore
        ``metric="ndcg"``, ``extra["protocol"] == "full_ranking"``.

    Examples
    --------
    >>> users = [[0, 0, 0, 0, 0, 0, 0, 0]]
    >>> items = [[1, 1, 0, 0, 0, 0, 0, 0], [0, 0, 1, 1, 0, 0, 0, 0],
    ...          [0, 0, 0, 0, 1, 1, 0, 0], [0, 0, 0, 0, 0, 0, 1, 1]]
    >>> round(recommendation_ndcg_at_k(users, items, {0: [0]}, k=2).value, 4)
    0.4077
    """
    k = _validate(k, ties, no_relevant)
    source = _UserSource(user_codes, item_codes, test, train, users, n_bits, block_size)
    return _ndcg_users(source, k, ties, no_relevant, graded, "ndcg", "full_ranking")


def dcf_ndcg_at_k(
    user_codes: Any,
    item_codes: Any,
    test_ratings: Any,
    *,
    k: int = 10,
    ties: str = "expected",
    users: Any = None,
    no_relevant: str = "zero",
    n_bits: int | None = None,
    block_size: int | None = None,
) -> RetrievalScore:
    """NDCG@K over each user's own test items (the DCF protocol).

    For each user only the items rated in ``test_ratings`` are ranked, by
    Hamming distance of user and item codes; gain = ``2^rating - 1``;
    ``DCG@K = sum_{i<=K} gain(i) / log2(i + 1)`` over the first
    ``min(K, n_test)`` ranked items, divided by the DCG of the same items in
    decreasing rating order; mean over users.

    Parameters
    ----------
    user_codes, item_codes : codes
        As in :func:`hit_rate_at_k`.
    test_ratings : matrix or mapping
        Test ratings (> 0) per user and item.
    k, ties, users, no_relevant, n_bits, block_size
        As in :func:`hit_rate_at_k`.

    Returns
    -------
    RetrievalScore
        ``metric="ndcg"``, ``extra["protocol"] == "test_items_only"``.

    Examples
    --------
    >>> u = [[0, 0]]
    >>> items = [[0, 0], [1, 1], [1, 0]]
    >>> dcf_ndcg_at_k(u, items, {0: {0: 5, 1: 1}}, k=2).value
    1.0
    """
    k = _validate(k, ties, no_relevant)
    source = _UserSource(
        user_codes,
        item_codes,
        test_ratings,
        None,
        users,
        n_bits,
        block_size,
        only_test=True,
    )
    return _ndcg_users(source, k, ties, no_relevant, True, "ndcg", "test_items_only")
