"""Retrieval metrics on binary codes ranked by Hamming distance.

Every function here takes query and database codes, the relevance of each
(query, database) pair, and returns a result object that names every choice it
made. Distances stream in blocks of queries, so memory stays bounded.

Relevance comes from labels (1-D class ids: relevant when equal; 2-D multi-hot:
relevant when at least one label is shared, with graded relevance = number of
shared labels) or from an explicit matrix (bool, or graded non-negative values,
relevant when > 0).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hashmodal.metrics._aggregate import finish_score, mean_with_policy
from hashmodal.metrics._checks import (
    NO_RELEVANT,
    TIES,
    check_cutoff,
    check_cutoffs,
    check_option,
    check_ranking_options,
)
from hashmodal.metrics._ranking import (
    average_precision_expected,
    average_precision_index,
    discount_cumsum,
    gain_at_k,
    hits_at_k,
    ndcg_block,
)
from hashmodal.metrics._results import CurveResult, RetrievalScore
from hashmodal.metrics._sources import CodeSource, MatrixSource, score_queries

__all__ = [
    "acg_at_k",
    "mean_average_precision",
    "mean_average_precision_from_distances",
    "ndcg_at_k",
    "precision_recall_at_k",
    "precision_recall_by_radius",
    "precision_within_radius",
    "radius_pr_auc",
]

NORMALIZATIONS = ("min_r_k", "hits_in_k")

_COMMON = """queries : BinaryCodes or array-like
        Query codes: :class:`~hashmodal.codes.BinaryCodes`, packed ``uint8``
        with ``n_bits``, or a 2-D {0,1} / {-1,+1} matrix (n_queries, n_bits).
    database : BinaryCodes or array-like
        Database codes, in the same forms (n_database, n_bits).
    query_labels, database_labels : array-like, optional
        Class ids of shape (n,) or multi-hot matrices (n, n_classes). Required
        unless ``relevance`` is given.
    relevance : array-like of shape (n_queries, n_database), optional
        Explicit relevance: bool, or graded non-negative values.
    n_bits : int, optional
        Bit length; required for packed ``uint8`` codes.
    same_set : bool, default=False
        Queries and database are the same items in the same order: each
        query's own item is left out of its ranking.
    query_ids, database_ids : array-like, optional
        Item ids. A query id found among the database ids is refused
        (:class:`~hashmodal.metrics.ProtocolError`) unless
        ``allow_overlap=True``; then that database item is left out of the
        query's ranking (an item never retrieves itself).
    allow_overlap : bool, default=False
        Whether the protocol lets queries also be database items.
    block_size : int, optional
        Queries per block (default: about 64 MiB of distances per block)."""

_TIES = """ties : {"expected", "index"}, default="expected"
        Order inside groups of equal Hamming distance. ``"index"``: by
        database index (a stable sort, as papers that stable-sort do).
        ``"expected"``: the expected value over all orders of each group, in
        closed form; it does not depend on the database order."""

_NO_RELEVANT = """no_relevant : {"zero", "exclude"}, default="zero"
        Queries without any relevant ranked item count as 0, or are left out
        of the mean. Their number is reported either way; if all queries would
        be left out, ``ValueError`` is raised (never NaN)."""


def _doc(func):
    func.__doc__ = func.__doc__.format(
        common=_COMMON, ties=_TIES, no_relevant=_NO_RELEVANT
    )
    return func


def _code_source(
    queries, database, query_labels, database_labels, **kwargs: Any
) -> CodeSource:
    return CodeSource(queries, database, query_labels, database_labels, **kwargs)


# ---------------------------------------------------------------------------
# mean average precision
# ---------------------------------------------------------------------------
def _map(source, k, ties, normalization, no_relevant) -> RetrievalScore:
    k = check_cutoff(k)
    check_option(ties, "ties", TIES)
    check_option(normalization, "normalization", NORMALIZATIONS)
    check_option(no_relevant, "no_relevant", NO_RELEVANT)
    score = average_precision_index if ties == "index" else average_precision_expected

    def score_block(block):
        ap, n_rel = score(block, k, normalization)
        return ap, n_rel > 0

    ap, has_rel = score_queries(source, score_block)
    return finish_score(
        ap,
        has_rel,
        metric="map",
        k=k,
        ties=ties,
        normalization=normalization,
        no_relevant=no_relevant,
    )


@_doc
def mean_average_precision(
    queries: Any,
    database: Any,
    query_labels: Any = None,
    database_labels: Any = None,
    *,
    k: int | None = None,
    ties: str = "expected",
    normalization: str = "min_r_k",
    no_relevant: str = "zero",
    relevance: Any = None,
    n_bits: int | None = None,
    same_set: bool = False,
    query_ids: Any = None,
    database_ids: Any = None,
    allow_overlap: bool = False,
    block_size: int | None = None,
) -> RetrievalScore:
    r"""Mean average precision of a Hamming ranking, over all of it or at ``k``.

    For one query with ranked relevance ``rel(1), rel(2), ...`` and ``R``
    relevant items among all ranked items, ``P(r)`` the precision of the top
    ``r``::

        AP@K = sum_{{r <= K}} P(r) rel(r) / min(R, K)     normalization="min_r_k"
        AP@K = sum_{{r <= K}} P(r) rel(r) / hits(K)       normalization="hits_in_k"

    where ``hits(K)`` is the number of relevant items in the top ``K`` (AP is
    0 when it is 0). ``k=None`` ranks the whole database and both give
    ``sum_r P(r) rel(r) / R``. ``"min_r_k"`` is the default; ``"hits_in_k"``
    rewards rankings that find fewer relevant items and exists only to
    reproduce papers that use it. mAP is the mean of AP over queries.

    Parameters
    ----------
    {common}
    k : int or None, default=None
        Cut-off; ``None`` means the whole database (never -1).
    {ties}
    normalization : {{"min_r_k", "hits_in_k"}}, default="min_r_k"
        Denominator of AP@K, see above.
    {no_relevant}

    Returns
    -------
    RetrievalScore
        ``metric="map"``; ``float(score)`` gives the value.

    Raises
    ------
    ValueError
        For mismatched shapes or bit lengths, unknown options, or ``k < 1``.
    ProtocolError
        If query ids are database ids and ``allow_overlap`` is False.

    Examples
    --------
    >>> import numpy as np
    >>> q = np.array([[0, 0, 0, 0]])
    >>> db = np.array([[0, 0, 0, 1], [0, 0, 1, 0]])
    >>> s = mean_average_precision(q, db, [0], [1, 0], ties="index")
    >>> round(s.value, 4), s.ties
    (0.5, 'index')
    >>> round(mean_average_precision(q, db, [0], [1, 0]).value, 4)
    0.75
    """
    source = _code_source(
        queries,
        database,
        query_labels,
        database_labels,
        relevance=relevance,
        n_bits=n_bits,
        same_set=same_set,
        query_ids=query_ids,
        database_ids=database_ids,
        allow_overlap=allow_overlap,
        block_size=block_size,
    )
    return _map(source, k, ties, normalization, no_relevant)


def mean_average_precision_from_distances(
    distances: Any,
    relevance: Any,
    *,
    k: int | None = None,
    ties: str = "expected",
    normalization: str = "min_r_k",
    no_relevant: str = "zero",
    block_size: int | None = None,
) -> RetrievalScore:
    """Mean average precision from a distance matrix and a relevance matrix.

    Same definition as :func:`mean_average_precision`; items are ranked by
    increasing distance.

    Parameters
    ----------
    distances : array-like of shape (n_queries, n_database), integer >= 0
        Distances (Hamming distances, or any integer ranks).
    relevance : array-like of shape (n_queries, n_database)
        Bool, or graded non-negative values (relevant when > 0).
    k, ties, normalization, no_relevant, block_size
        As in :func:`mean_average_precision`.

    Returns
    -------
    RetrievalScore

    Examples
    --------
    >>> s = mean_average_precision_from_distances(
    ...     [[0, 1, 1, 2]], [[1, 0, 1, 0]], ties="index")
    >>> round(s.value, 4)
    0.8333
    """
    source = MatrixSource(distances, relevance, block_size=block_size)
    return _map(source, k, ties, normalization, no_relevant)


# ---------------------------------------------------------------------------
# precision and recall curves
# ---------------------------------------------------------------------------
@_doc
def precision_recall_at_k(
    queries: Any,
    database: Any,
    query_labels: Any = None,
    database_labels: Any = None,
    *,
    ks: Any = (50, 100, 500, 1000),
    ties: str = "expected",
    no_relevant: str = "zero",
    relevance: Any = None,
    n_bits: int | None = None,
    same_set: bool = False,
    query_ids: Any = None,
    database_ids: Any = None,
    allow_overlap: bool = False,
    block_size: int | None = None,
) -> CurveResult:
    """Precision@K and recall@K of the Hamming ranking for several ``K``.

    ``precision@K = hits(K) / min(K, n_ranked)`` and ``recall@K = hits(K) / R``,
    with ``hits(K)`` the relevant items in the top ``K``, ``n_ranked`` the
    number of ranked items and ``R`` the relevant ones among them; means over
    queries. With ``ties="expected"``, ``hits(K)`` is its expectation over tie
    orders.

    Parameters
    ----------
    {common}
    ks : sequence of int, default=(50, 100, 500, 1000)
        Cut-offs, each >= 1.
    {ties}
    {no_relevant}

    Returns
    -------
    CurveResult
        ``metric="pr_by_rank"``, ``cutoff="k"``.

    Examples
    --------
    >>> c = precision_recall_at_k([[0, 0]], [[0, 0], [1, 1]], [1], [1, 0], ks=[1, 2])
    >>> c.precision.tolist(), c.recall.tolist()
    ([1.0, 0.5], [1.0, 1.0])
    """
    source = _code_source(
        queries,
        database,
        query_labels,
        database_labels,
        relevance=relevance,
        n_bits=n_bits,
        same_set=same_set,
        query_ids=query_ids,
        database_ids=database_ids,
        allow_overlap=allow_overlap,
        block_size=block_size,
    )
    return _pr_at_k(source, ks, ties, no_relevant)


def _pr_at_k(source, ks, ties, no_relevant) -> CurveResult:
    ks = check_cutoffs(ks)
    check_ranking_options(ties, no_relevant)
    precision = np.empty((source.n_queries, len(ks)))
    recall = np.empty_like(precision)
    has_rel = np.empty(source.n_queries, dtype=bool)
    k_arr = np.asarray(ks)
    for start, stop, block in source.blocks():
        hits = hits_at_k(block, ks, ties)
        n_rel = block.n_relevant()
        shown = np.minimum(k_arr[None, :], block.n_ranked()[:, None])
        precision[start:stop] = hits / np.maximum(shown, 1)
        recall[start:stop] = hits / np.maximum(n_rel, 1)[:, None]
        has_rel[start:stop] = n_rel > 0
    return CurveResult(
        metric="pr_by_rank",
        cutoff="k",
        points=k_arr,
        precision=mean_with_policy(precision, has_rel, no_relevant, "pr_by_rank"),
        recall=mean_with_policy(recall, has_rel, no_relevant, "pr_by_rank"),
        ties=ties,
        no_relevant=no_relevant,
        n_queries=source.n_queries,
        n_queries_without_relevant=int((~has_rel).sum()),
    )


def _radius_counts(source):
    """Per query and radius: items and relevant items within distance <= r."""
    n_levels = source.n_levels
    retrieved = np.empty((source.n_queries, n_levels), dtype=np.int64)
    relevant = np.empty_like(retrieved)
    for start, stop, block in source.blocks():
        n_items, n_rel = block.counts()
        retrieved[start:stop] = np.cumsum(n_items, axis=1)
        relevant[start:stop] = np.cumsum(n_rel, axis=1)
    return retrieved, relevant


@_doc
def precision_recall_by_radius(
    queries: Any,
    database: Any,
    query_labels: Any = None,
    database_labels: Any = None,
    *,
    no_relevant: str = "zero",
    relevance: Any = None,
    n_bits: int | None = None,
    same_set: bool = False,
    query_ids: Any = None,
    database_ids: Any = None,
    allow_overlap: bool = False,
    block_size: int | None = None,
) -> CurveResult:
    """Precision and recall of hash lookup within Hamming radius r = 0..n_bits.

    For each query, the items within distance ``<= r`` are retrieved:
    ``precision(r) = relevant retrieved / retrieved`` (0 when nothing is
    retrieved) and ``recall(r) = relevant retrieved / R``; means over queries.
    Ties do not matter here (``ties="none"`` in the result).

    Parameters
    ----------
    {common}
    {no_relevant}

    Returns
    -------
    CurveResult
        ``metric="pr_by_radius"``, ``cutoff="radius"``, points ``0..n_bits``.

    Examples
    --------
    >>> c = precision_recall_by_radius([[0, 0]], [[0, 0], [1, 1]], [1], [1, 1])
    >>> c.points.tolist(), c.precision.tolist(), c.recall.tolist()
    ([0, 1, 2], [1.0, 1.0, 1.0], [0.5, 0.5, 1.0])
    """
    check_option(no_relevant, "no_relevant", NO_RELEVANT)
    source = _code_source(
        queries,
        database,
        query_labels,
        database_labels,
        relevance=relevance,
        n_bits=n_bits,
        same_set=same_set,
        query_ids=query_ids,
        database_ids=database_ids,
        allow_overlap=allow_overlap,
        block_size=block_size,
    )
    retrieved, relevant = _radius_counts(source)
    n_rel = relevant[:, -1]
    has_rel = n_rel > 0
    precision = relevant / np.maximum(retrieved, 1)
    recall = relevant / np.maximum(n_rel, 1)[:, None]
    return CurveResult(
        metric="pr_by_radius",
        cutoff="radius",
        points=np.arange(source.n_levels),
        precision=mean_with_policy(precision, has_rel, no_relevant, "pr_by_radius"),
        recall=mean_with_policy(recall, has_rel, no_relevant, "pr_by_radius"),
        ties="none",
        no_relevant=no_relevant,
        n_queries=source.n_queries,
        n_queries_without_relevant=int((~has_rel).sum()),
    )


@_doc
def precision_within_radius(
    queries: Any,
    database: Any,
    query_labels: Any = None,
    database_labels: Any = None,
    *,
    radius: int = 2,
    no_retrieved: str = "zero",
    no_relevant: str = "zero",
    relevance: Any = None,
    n_bits: int | None = None,
    same_set: bool = False,
    query_ids: Any = None,
    database_ids: Any = None,
    allow_overlap: bool = False,
    block_size: int | None = None,
) -> RetrievalScore:
    """Mean precision of hash lookup: the items within Hamming distance <= radius.

    ``precision = relevant retrieved / retrieved`` per query. A query that
    retrieves nothing has precision 0 by default (``no_retrieved="zero"``), or
    is left out (``"exclude"``); their number is in
    ``extra["n_queries_retrieving_nothing"]``.

    Parameters
    ----------
    {common}
    radius : int, default=2
        Lookup radius (``>= 0``); "within" means distance ``<= radius``.
    no_retrieved : {{"zero", "exclude"}}, default="zero"
        Policy for queries with nothing within the radius.
    {no_relevant}

    Returns
    -------
    RetrievalScore
        ``metric="precision_within_radius"``, ``extra`` holds ``radius`` and
        ``n_queries_retrieving_nothing``.

    Examples
    --------
    >>> s = precision_within_radius([[0, 0, 0]], [[0, 0, 1], [1, 1, 1]], [1], [1, 1])
    >>> s.value, s.extra["n_queries_retrieving_nothing"]
    (1.0, 0)
    """
    if isinstance(radius, bool) or not isinstance(radius, (int, np.integer)):
        raise TypeError(f"radius must be an integer >= 0, got {radius!r}")
    if radius < 0:
        raise ValueError(f"radius must be an integer >= 0, got {radius}")
    check_option(no_retrieved, "no_retrieved", NO_RELEVANT)
    check_option(no_relevant, "no_relevant", NO_RELEVANT)
    source = _code_source(
        queries,
        database,
        query_labels,
        database_labels,
        relevance=relevance,
        n_bits=n_bits,
        same_set=same_set,
        query_ids=query_ids,
        database_ids=database_ids,
        allow_overlap=allow_overlap,
        block_size=block_size,
    )
    retrieved, relevant = _radius_counts(source)
    r = min(int(radius), source.n_levels - 1)
    has_rel = relevant[:, -1] > 0
    found = retrieved[:, r] > 0
    precision = relevant[:, r] / np.maximum(retrieved[:, r], 1)
    keep = has_rel | (no_relevant == "zero")
    if no_retrieved == "exclude":
        keep = keep & found
        if not keep.any():
            raise ValueError(
                f"precision_within_radius: no query retrieves anything within "
                f"radius {radius}, so no_retrieved='exclude' leaves nothing to "
                f"average; use no_retrieved='zero'"
            )
    value = precision[keep].mean() if keep.any() else None
    if value is None:
        mean_with_policy(precision, has_rel, no_relevant, "precision_within_radius")
    per_query = precision.copy()
    per_query.flags.writeable = False
    return RetrievalScore(
        value=float(value),
        metric="precision_within_radius",
        k=None,
        ties="none",
        normalization=None,
        no_relevant=no_relevant,
        n_queries=source.n_queries,
        n_queries_without_relevant=int((~has_rel).sum()),
        per_query=per_query,
        extra={
            "radius": int(radius),
            "no_retrieved": no_retrieved,
            "n_queries_retrieving_nothing": int((~found).sum()),
        },
    )


@_doc
def radius_pr_auc(
    queries: Any,
    database: Any,
    query_labels: Any = None,
    database_labels: Any = None,
    *,
    no_relevant: str = "zero",
    relevance: Any = None,
    n_bits: int | None = None,
    same_set: bool = False,
    query_ids: Any = None,
    database_ids: Any = None,
    allow_overlap: bool = False,
    block_size: int | None = None,
) -> RetrievalScore:
    """Area under the precision-recall curve of hash lookup by Hamming radius.

    Not the same metric as ranked mAP. For each query the curve runs through
    ``(recall(r), precision(r))`` for ``r = 0..n_bits`` (radii retrieving
    nothing are skipped), starting at ``(0, 1)``; the area uses the trapezoid
    rule, and is averaged over queries.

    Parameters
    ----------
    {common}
    {no_relevant}

    Returns
    -------
    RetrievalScore
        ``metric="radius_pr_auc"``.

    Examples
    --------
    >>> from hashmodal.metrics import radius_pr_auc
    >>> q = [[0, 0]]
    >>> db = [[0, 0], [1, 0], [0, 1], [1, 1]]
    >>> round(radius_pr_auc(q, db, [1], [1, 0, 1, 0]).value, 4)
    0.9167
    """
    check_option(no_relevant, "no_relevant", NO_RELEVANT)
    source = _code_source(
        queries,
        database,
        query_labels,
        database_labels,
        relevance=relevance,
        n_bits=n_bits,
        same_set=same_set,
        query_ids=query_ids,
        database_ids=database_ids,
        allow_overlap=allow_overlap,
        block_size=block_size,
    )
    retrieved, relevant = _radius_counts(source)
    n_rel = relevant[:, -1]
    precision = np.where(retrieved > 0, relevant / np.maximum(retrieved, 1), 1.0)
    recall = relevant / np.maximum(n_rel, 1)[:, None]
    ones = np.ones((source.n_queries, 1))
    precision = np.concatenate([ones, precision], axis=1)
    recall = np.concatenate([0 * ones, recall], axis=1)
    area = (np.diff(recall, axis=1) * (precision[:, 1:] + precision[:, :-1]) / 2).sum(
        axis=1
    )
    return finish_score(
        area,
        n_rel > 0,
        metric="radius_pr_auc",
        k=None,
        ties="none",
        normalization=None,
        no_relevant=no_relevant,
    )


# ---------------------------------------------------------------------------
# graded metrics
# ---------------------------------------------------------------------------
def _exp_gain(g):
    return np.exp2(g) - 1.0


def _identity(g):
    return g


def _ndcg(source, k, ties, no_relevant, metric="ndcg") -> RetrievalScore:
    k = check_cutoff(k)
    check_ranking_options(ties, no_relevant)
    weights = discount_cumsum(source.n_database)
    values, has_rel = score_queries(
        source, lambda block: ndcg_block(block, k, ties, _exp_gain, weights)
    )
    return finish_score(
        values,
        has_rel,
        metric=metric,
        k=k,
        ties=ties,
        normalization=None,
        no_relevant=no_relevant,
    )


@_doc
def ndcg_at_k(
    queries: Any,
    database: Any,
    query_labels: Any = None,
    database_labels: Any = None,
    *,
    k: int | None = None,
    ties: str = "expected",
    no_relevant: str = "zero",
    relevance: Any = None,
    n_bits: int | None = None,
    same_set: bool = False,
    query_ids: Any = None,
    database_ids: Any = None,
    allow_overlap: bool = False,
    block_size: int | None = None,
) -> RetrievalScore:
    """Normalised discounted cumulative gain of the Hamming ranking at ``k``.

    With graded relevance ``g`` (number of shared labels for multi-hot labels,
    1 for the same class id, or the given values)::

        DCG@K = sum_{{i <= K}} (2^g(i) - 1) / log2(i + 1),   NDCG@K = DCG@K / IDCG@K

    where ``IDCG@K`` is the DCG of the gains sorted in decreasing order. With
    ``ties="expected"`` every position inside a tie group gets the group's
    mean gain (the expectation over tie orders).

    Parameters
    ----------
    {common}
    k : int or None, default=None
        Cut-off; ``None`` means the whole database.
    {ties}
    {no_relevant}

    Returns
    -------
    RetrievalScore
        ``metric="ndcg"``.

    Examples
    --------
    >>> s = ndcg_at_k([[0, 0]], [[1, 1], [0, 0]], [[1, 1]], [[1, 1], [1, 0]], k=1)
    >>> round(s.value, 4)
    0.3333
    """
    source = _code_source(
        queries,
        database,
        query_labels,
        database_labels,
        relevance=relevance,
        n_bits=n_bits,
        same_set=same_set,
        query_ids=query_ids,
        database_ids=database_ids,
        allow_overlap=allow_overlap,
        block_size=block_size,
    )
    return _ndcg(source, k, ties, no_relevant)


@_doc
def acg_at_k(
    queries: Any,
    database: Any,
    query_labels: Any = None,
    database_labels: Any = None,
    *,
    k: int | None = None,
    ties: str = "expected",
    no_relevant: str = "zero",
    relevance: Any = None,
    n_bits: int | None = None,
    same_set: bool = False,
    query_ids: Any = None,
    database_ids: Any = None,
    allow_overlap: bool = False,
    block_size: int | None = None,
) -> RetrievalScore:
    """Average cumulative gain: mean graded relevance of the top ``k`` items.

    ``ACG@K = (1 / K') sum_{{i <= K'}} g(i)`` with ``K' = min(K, n_ranked)``;
    for multi-hot labels ``g`` is the number of labels shared with the query.

    Parameters
    ----------
    {common}
    k : int or None, default=None
        Cut-off; ``None`` means the whole database.
    {ties}
    {no_relevant}

    Returns
    -------
    RetrievalScore
        ``metric="acg"``.

    Examples
    --------
    >>> s = acg_at_k([[0, 0]], [[1, 1], [0, 0]], [[1, 1]], [[1, 1], [1, 0]], k=1)
    >>> s.value
    1.0
    """
    k = check_cutoff(k)
    check_ranking_options(ties, no_relevant)
    source = _code_source(
        queries,
        database,
        query_labels,
        database_labels,
        relevance=relevance,
        n_bits=n_bits,
        same_set=same_set,
        query_ids=query_ids,
        database_ids=database_ids,
        allow_overlap=allow_overlap,
        block_size=block_size,
    )

    def score_block(block):
        total = gain_at_k(block, k, ties, _identity, None)
        shown = block.n_ranked() if k is None else np.minimum(block.n_ranked(), k)
        return total / np.maximum(shown, 1), block.n_relevant() > 0

    values, has_rel = score_queries(source, score_block)
    return finish_score(
        values,
        has_rel,
        metric="acg",
        k=k,
        ties=ties,
        normalization=None,
        no_relevant=no_relevant,
    )
