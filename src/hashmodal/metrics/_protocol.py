"""Checks that an evaluation protocol does not leak items between splits."""

from __future__ import annotations

from typing import Any

import numpy as np

from hashmodal.metrics._checks import check_ids

__all__ = ["ProtocolError", "check_splits", "self_matches"]


class ProtocolError(ValueError):
    """Raised when splits overlap in a way the protocol does not allow."""


def check_splits(
    query_ids: Any,
    database_ids: Any,
    train_ids: Any = None,
    *,
    allow_overlap: bool = False,
    train_from_database: bool = False,
) -> dict[str, np.ndarray]:
    """Check the query, database and train splits for shared items.

    Parameters
    ----------
    query_ids : array-like of shape (n_queries,)
        Unique ids (integers or strings) of the query items.
    database_ids : array-like of shape (n_database,)
        Unique ids of the database items.
    train_ids : array-like of shape (n_train,), default=None
        Unique ids of the training items, if any.
    allow_overlap : bool, default=False
        Whether the protocol lets a query also be a database item (e.g.
        same-set retrieval). The metrics then drop the query's own item from
        its ranking.
    train_from_database : bool, default=False
        Whether the protocol draws the training set from the database (common
        in cross-modal hashing); otherwise train and database must be disjoint.

    Returns
    -------
    dict
        ``"query_database"`` and ``"train_database"``: the shared ids (sorted).

    Raises
    ------
    ProtocolError
        If queries and database share ids and ``allow_overlap`` is False, or
        train and database share ids and ``train_from_database`` is False.

    Examples
    --------
    >>> check_splits([1, 2], [2, 3, 4], allow_overlap=True)["query_database"]
    array([2])
    """
    query_ids = check_ids(query_ids, "query_ids")
    database_ids = check_ids(database_ids, "database_ids")
    shared = np.intersect1d(query_ids, database_ids)
    if shared.size and not allow_overlap:
        raise ProtocolError(
            f"{shared.size} query id(s) are also database ids (first: "
            f"{shared[:5].tolist()}); pass allow_overlap=True if the protocol "
            f"retrieves from a set that holds the queries (each query's own item "
            f"is then dropped from its ranking)"
        )
    out = {"query_database": shared, "train_database": shared[:0]}
    if train_ids is not None:
        train_ids = check_ids(train_ids, "train_ids")
        leaked = np.intersect1d(train_ids, database_ids)
        if leaked.size and not train_from_database:
            raise ProtocolError(
                f"{leaked.size} train id(s) are also database ids (first: "
                f"{leaked[:5].tolist()}); pass train_from_database=True only if "
                f"the protocol draws the training set from the database"
            )
        out["train_database"] = leaked
    return out


def self_matches(query_ids: Any, database_ids: Any) -> tuple[np.ndarray, np.ndarray]:
    """Row and column indices of pairs where a query id equals a database id.

    Returns
    -------
    query_index, database_index : ndarray of int64
        Matching positions; an item never retrieves itself, so these pairs are
        left out of the rankings.
    """
    query_ids = check_ids(query_ids, "query_ids")
    database_ids = check_ids(database_ids, "database_ids")
    _, q_index, d_index = np.intersect1d(query_ids, database_ids, return_indices=True)
    return q_index.astype(np.int64), d_index.astype(np.int64)
