"""Streams of query blocks: distances plus relevance, ready for the metrics."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from hashmodal._validation import check_finite, check_positive_int, describe
from hashmodal.codes import BinaryCodes, as_codes
from hashmodal.metrics._distances import default_block_size, iter_distance_blocks
from hashmodal.metrics._protocol import check_splits, self_matches
from hashmodal.metrics._ranking import Block

__all__ = [
    "CodeSource",
    "MatrixSource",
    "as_code_pair",
    "check_labels",
    "check_relevance",
    "score_queries",
]


def check_labels(labels: Any, name: str, n_rows: int) -> np.ndarray:
    """Class ids of shape (n_rows,) or a {0,1} multi-hot matrix (n_rows, n_classes)."""
    arr = np.asarray(labels)
    if arr.ndim not in (1, 2):
        raise ValueError(
            f"{name} must be 1-D class ids or a 2-D multi-hot matrix, got shape "
            f"{arr.shape}"
        )
    if arr.shape[0] != n_rows:
        raise ValueError(
            f"{name} must have {n_rows} rows (one per code), got {arr.shape[0]}"
        )
    if arr.ndim == 1:
        if arr.dtype.kind not in "biuUS":
            raise TypeError(
                f"{name} class ids must be integers or strings, got {arr.dtype}"
            )
        return arr
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a numeric multi-hot matrix, got {arr.dtype}")
    if not np.isin(arr, (0, 1)).all():
        raise ValueError(f"{name} multi-hot matrix must hold only 0 and 1")
    return arr.astype(np.float32)


def check_relevance(relevance: Any, shape: tuple[int, int]) -> np.ndarray:
    """Explicit relevance: bool, or non-negative graded values, of ``shape``."""
    arr = np.asarray(relevance)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"relevance must be bool or numeric, got {describe(relevance)}")
    if arr.shape != shape:
        raise ValueError(
            f"relevance must have shape (n_queries, n_database) = {shape}, got "
            f"{arr.shape}"
        )
    check_finite(arr, "relevance")
    if arr.dtype.kind != "b" and (arr < 0).any():
        raise ValueError("relevance must be non-negative (0 means not relevant)")
    return arr


def as_code_pair(
    first: Any, second: Any, n_bits: int | None, names: tuple[str, str]
) -> tuple[BinaryCodes, BinaryCodes]:
    """Two sets of codes as :class:`BinaryCodes` of one bit length.

    ``names`` name the two sides in messages (``("query", "database")``).
    """
    a = as_codes(first, n_bits, name=f"{names[0]} codes")
    b = as_codes(second, n_bits, name=f"{names[1]} codes")
    if a.n_bits != b.n_bits:
        raise ValueError(
            f"{names[0]} codes have {a.n_bits} bits but {names[1]} codes have "
            f"{b.n_bits}"
        )
    return a, b


def _relevance_block(rel: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    if rel.dtype.kind == "b":
        return rel.copy(), None
    return rel > 0, rel.astype(np.float64)


class CodeSource:
    """Blocks of Hamming distances from codes, with relevance and left-out pairs."""

    def __init__(
        self,
        queries: Any,
        database: Any,
        query_labels: Any = None,
        database_labels: Any = None,
        *,
        relevance: Any = None,
        n_bits: int | None = None,
        same_set: bool = False,
        query_ids: Any = None,
        database_ids: Any = None,
        allow_overlap: bool = False,
        block_size: int | None = None,
    ) -> None:
        self.queries, self.database = as_code_pair(
            queries, database, n_bits, ("query", "database")
        )
        self.n_bits = self.queries.n_bits
        self.n_queries = len(self.queries)
        self.n_database = len(self.database)
        if self.n_queries == 0 or self.n_database == 0:
            raise ValueError(
                f"need at least one query and one database code, got "
                f"{self.n_queries} and {self.n_database}"
            )
        self.n_levels = self.n_bits + 1
        self._setup_relevance(query_labels, database_labels, relevance)
        self._setup_exclusions(same_set, query_ids, database_ids, allow_overlap)
        if block_size is None:
            block_size = default_block_size(self.n_database, self.database.n_bytes)
        self.block_size = check_positive_int(block_size, "block_size")

    def _setup_relevance(self, query_labels, database_labels, relevance):
        self.relevance = None
        if relevance is not None:
            if query_labels is not None or database_labels is not None:
                raise ValueError("give either labels or relevance, not both")
            self.relevance = check_relevance(
                relevance, (self.n_queries, self.n_database)
            )
            return
        if query_labels is None or database_labels is None:
            raise ValueError(
                "query_labels and database_labels are required when no relevance "
                "matrix is given"
            )
        self.query_labels = check_labels(query_labels, "query_labels", self.n_queries)
        self.database_labels = check_labels(
            database_labels, "database_labels", self.n_database
        )
        if self.query_labels.ndim != self.database_labels.ndim:
            raise ValueError(
                f"query_labels and database_labels must both be 1-D class ids or "
                f"both 2-D multi-hot, got shapes {self.query_labels.shape} and "
                f"{self.database_labels.shape}"
            )
        if (
            self.query_labels.ndim == 2
            and self.query_labels.shape[1] != self.database_labels.shape[1]
        ):
            raise ValueError(
                f"query_labels have {self.query_labels.shape[1]} classes but "
                f"database_labels have {self.database_labels.shape[1]}"
            )
        self._database_labels_t = (
            np.ascontiguousarray(self.database_labels.T)
            if self.database_labels.ndim == 2
            else None
        )

    def _setup_exclusions(self, same_set, query_ids, database_ids, allow_overlap):
        self.excluded = None
        if same_set:
            if query_ids is not None or database_ids is not None:
                raise ValueError("give either same_set=True or ids, not both")
            if self.n_queries != self.n_database:
                raise ValueError(
                    f"same_set=True needs as many queries as database items, got "
                    f"{self.n_queries} and {self.n_database}"
                )
            index = np.arange(self.n_queries, dtype=np.int64)
            self.excluded = (index, index)
        elif query_ids is not None or database_ids is not None:
            if query_ids is None or database_ids is None:
                raise ValueError("query_ids and database_ids must be given together")
            if len(query_ids) != self.n_queries:
                raise ValueError(
                    f"query_ids must have one id per query ({self.n_queries}), got "
                    f"{len(query_ids)}"
                )
            if len(database_ids) != self.n_database:
                raise ValueError(
                    f"database_ids must have one id per database item "
                    f"({self.n_database}), got {len(database_ids)}"
                )
            check_splits(query_ids, database_ids, allow_overlap=allow_overlap)
            self.excluded = self_matches(query_ids, database_ids)

    def relevance_block(self, start: int, stop: int):
        """``(relevant, gain)`` for queries ``start:stop``."""
        if self.relevance is not None:
            return _relevance_block(self.relevance[start:stop])
        labels = self.query_labels[start:stop]
        if self._database_labels_t is None:
            return labels[:, None] == self.database_labels[None, :], None
        shared = labels @ self._database_labels_t
        return shared > 0, shared

    def blocks(self) -> Iterator[tuple[int, int, Block]]:
        """Yield ``(start, stop, Block)`` over consecutive query blocks."""
        for start, stop, dist in iter_distance_blocks(
            self.queries, self.database, block_size=self.block_size
        ):
            relevant, gain = self.relevance_block(start, stop)
            if self.excluded is not None:
                dist = np.array(dist, dtype=np.int32, copy=True)
                rows, cols = self.excluded
                inside = (rows >= start) & (rows < stop)
                r, c = rows[inside] - start, cols[inside]
                dist[r, c] = self.n_levels
                relevant[r, c] = False
            yield start, stop, Block(dist, relevant, gain, self.n_levels)


class MatrixSource:
    """Blocks from a given distance matrix and relevance matrix."""

    def __init__(
        self, distances: Any, relevance: Any, *, block_size: int | None = None
    ) -> None:
        dist = np.asarray(distances)
        if dist.ndim != 2 or dist.dtype.kind not in "iu":
            raise ValueError(
                f"distances must be a 2-D integer array (n_queries, n_database), "
                f"got {describe(distances)}"
            )
        if dist.size == 0:
            raise ValueError(f"distances must not be empty, got shape {dist.shape}")
        if (dist < 0).any():
            raise ValueError("distances must be non-negative")
        self.distances = dist
        self.n_queries, self.n_database = dist.shape
        self.n_levels = int(dist.max()) + 1
        self.relevance = check_relevance(relevance, dist.shape)
        if block_size is None:
            block_size = default_block_size(self.n_database)
        self.block_size = check_positive_int(block_size, "block_size")

    def blocks(self) -> Iterator[tuple[int, int, Block]]:
        for start in range(0, self.n_queries, self.block_size):
            stop = min(start + self.block_size, self.n_queries)
            relevant, gain = _relevance_block(self.relevance[start:stop])
            dist = self.distances[start:stop].astype(np.int32)
            yield start, stop, Block(dist, relevant, gain, self.n_levels)


def score_queries(
    source: Any, score_block: Callable[[Block], tuple[np.ndarray, np.ndarray]]
) -> tuple[np.ndarray, np.ndarray]:
    """One value per query, computed block by block.

    ``source`` is any stream with ``n_queries`` and ``blocks()``;
    ``score_block(block)`` returns ``(values, has_relevant)`` for the queries
    of one block. Returns them for all queries, as float64 and bool arrays of
    shape (n_queries,).
    """
    values = np.empty(source.n_queries)
    has_relevant = np.empty(source.n_queries, dtype=bool)
    for start, stop, block in source.blocks():
        values[start:stop], has_relevant[start:stop] = score_block(block)
    return values, has_relevant
