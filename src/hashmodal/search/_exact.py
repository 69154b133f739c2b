"""Exact Hamming search: pairwise distances, top-k and radius search.

Every function here compares every query with every database code (brute
force), through the compiled XOR + popcount kernels when they are available.
Results are deterministic: neighbours are ordered by Hamming distance, then by
database index. Distances are ``int32`` whatever the bit length.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from hashmodal._validation import check_positive_int
from hashmodal.codes import BinaryCodes, as_codes
from hashmodal.search._kernels import active_kernels, resolve_n_threads

__all__ = [
    "HammingIndex",
    "hamming_distances",
    "iter_distance_blocks",
    "knn_search",
    "radius_search",
]

# Default size of one block of iter_distance_blocks, in bytes of int32.
_BLOCK_BYTES = 64 * 1024 * 1024


def check_code_pair(
    queries: Any, database: Any, *, names: tuple[str, str] = ("queries", "database")
) -> tuple[BinaryCodes, BinaryCodes]:
    """Validate two sets of codes and check that their bit lengths agree.

    Parameters
    ----------
    queries, database : BinaryCodes or array-like
        Anything :func:`hashmodal.codes.as_codes` accepts.
    names : tuple of str, default=("queries", "database")
        Names used in error messages.

    Returns
    -------
    queries, database : BinaryCodes

    Raises
    ------
    ValueError
        If either input is not a valid set of codes, or the bit lengths differ.
    """
    q = as_codes(queries, name=names[0])
    x = as_codes(database, name=names[1])
    if q.n_bits != x.n_bits:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same number of bits, got "
            f"{q.n_bits} and {x.n_bits}"
        )
    return q, x


def hamming_distances(
    queries: Any, database: Any, *, n_threads: int | None = None
) -> np.ndarray:
    """All pairwise Hamming distances between queries and database codes.

    Parameters
    ----------
    queries : BinaryCodes of shape (n_queries, n_bits)
        Query codes; {0,1} or {-1,+1} matrices are accepted too.
    database : BinaryCodes of shape (n_database, n_bits)
        Database codes, with the same ``n_bits``.
    n_threads : int, default=None
        Threads for the compiled kernel; ``None`` uses every core this process
        may run on. The NumPy fallback ignores it.

    Returns
    -------
    ndarray of shape (n_queries, n_database), dtype int32
        ``out[i, j]`` is the number of bits where query ``i`` and database code
        ``j`` differ. This matrix is as large as it says: for large inputs use
        :func:`iter_distance_blocks`, :func:`knn_search` or
        :func:`radius_search`, which stream.

    Raises
    ------
    ValueError
        If the inputs are not codes or their bit lengths differ.
    TypeError
        If ``n_threads`` is not an integer.

    Examples
    --------
    >>> from hashmodal.codes import from_bits
    >>> q = from_bits([[1, 0, 1, 1]])
    >>> x = from_bits([[1, 0, 1, 1], [0, 1, 0, 0], [1, 1, 1, 1]])
    >>> hamming_distances(q, x).tolist()
    [[0, 4, 1]]
    """
    q, x = check_code_pair(queries, database)
    threads = resolve_n_threads(n_threads)
    return active_kernels().pairwise(q.packed, x.packed, threads)


def iter_distance_blocks(
    queries: Any,
    database: Any,
    *,
    block_size: int | None = None,
    n_threads: int | None = None,
) -> Iterator[tuple[int, int, np.ndarray]]:
    """Pairwise distances, a block of query rows at a time.

    Parameters
    ----------
    queries : BinaryCodes of shape (n_queries, n_bits)
    database : BinaryCodes of shape (n_database, n_bits)
    block_size : int, default=None
        Query rows per block. ``None`` picks as many rows as fit in 64 MiB of
        ``int32`` distances (at least one).
    n_threads : int, default=None
        Threads for the compiled kernel; ``None`` uses all available cores.

    Yields
    ------
    start, stop : int
        The block covers queries ``start:stop``.
    distances : ndarray of shape (stop - start, n_database), dtype int32
        Rows ``start:stop`` of :func:`hamming_distances`.

    Raises
    ------
    ValueError
        If the inputs are not codes, their bit lengths differ, or
        ``block_size < 1``.

    Examples
    --------
    >>> from hashmodal.codes import from_bits
    >>> q = from_bits([[0, 0], [0, 1], [1, 1]])
    >>> x = from_bits([[0, 0], [1, 1]])
    >>> [(a, b, d.tolist()) for a, b, d in iter_distance_blocks(q, x, block_size=2)]
    [(0, 2, [[0, 2], [1, 1]]), (2, 3, [[2, 0]])]
    """
    q, x = check_code_pair(queries, database)
    threads = resolve_n_threads(n_threads)
    if block_size is None:
        block_size = max(1, _BLOCK_BYTES // (4 * max(len(x), 1)))
    else:
        block_size = check_positive_int(block_size, "block_size")
    return _distance_blocks(q, x, block_size, threads)


def _distance_blocks(
    q: BinaryCodes, x: BinaryCodes, block_size: int, threads: int
) -> Iterator[tuple[int, int, np.ndarray]]:
    for start in range(0, len(q), block_size):
        stop = min(start + block_size, len(q))
        dist = active_kernels().pairwise(q.packed[start:stop], x.packed, threads)
        yield start, stop, dist


def knn_search(
    queries: Any, database: Any, k: int, *, n_threads: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Exact k nearest neighbours in Hamming distance.

    Neighbours are ordered by distance, then by database index, so ties are
    broken the same way every time. Only ``k`` candidates per query are kept
    while the database is streamed: memory does not grow with
    ``n_queries * n_database``.

    Parameters
    ----------
    queries : BinaryCodes of shape (n_queries, n_bits)
    database : BinaryCodes of shape (n_database, n_bits)
    k : int
        Number of neighbours, ``k >= 0``. When ``k > n_database`` every
        database item is returned (no padding); ``k == 0`` returns empty arrays
        of shape (n_queries, 0).
    n_threads : int, default=None
        Threads for the compiled kernel; ``None`` uses all available cores.

    Returns
    -------
    distances : ndarray of shape (n_queries, min(k, n_database)), dtype int32
        Sorted in increasing order along each row.
    indices : ndarray of shape (n_queries, min(k, n_database)), dtype int64
        Database indices; within equal distances in increasing order.

    Raises
    ------
    ValueError
        If the inputs are not codes, their bit lengths differ, or ``k < 0``.
    TypeError
        If ``k`` is not an integer.

    Examples
    --------
    >>> from hashmodal.codes import from_bits
    >>> q = from_bits([[0, 0, 0, 0]])
    >>> x = from_bits([[1, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0], [0, 0, 0, 0]])
    >>> d, i = knn_search(q, x, 3)
    >>> d.tolist(), i.tolist()
    ([[0, 1, 1]], [[3, 1, 2]])
    """
    q, x = check_code_pair(queries, database)
    k = check_positive_int(k, "k", minimum=0)
    threads = resolve_n_threads(n_threads)
    k = min(k, len(x))
    if k == 0 or len(q) == 0:
        return (
            np.empty((len(q), k), dtype=np.int32),
            np.empty((len(q), k), dtype=np.int64),
        )
    return active_kernels().knn(q.packed, x.packed, k, threads)


def radius_search(
    queries: Any, database: Any, radius: int, *, n_threads: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every database item within a Hamming radius of each query.

    An item is within radius ``r`` when its distance is ``<= r``. The result
    uses the layout of faiss ``range_search``: the hits of query ``i`` are
    ``distances[lims[i]:lims[i + 1]]`` and ``indices[lims[i]:lims[i + 1]]``,
    ordered by distance, then by database index.

    Parameters
    ----------
    queries : BinaryCodes of shape (n_queries, n_bits)
    database : BinaryCodes of shape (n_database, n_bits)
    radius : int
        Largest distance returned, ``radius >= 0``.
    n_threads : int, default=None
        Threads for the compiled kernel; ``None`` uses all available cores.

    Returns
    -------
    lims : ndarray of shape (n_queries + 1,), dtype int64
    distances : ndarray of shape (lims[-1],), dtype int32
    indices : ndarray of shape (lims[-1],), dtype int64

    Raises
    ------
    ValueError
        If the inputs are not codes, their bit lengths differ, or
        ``radius < 0``.
    TypeError
        If ``radius`` is not an integer.

    Examples
    --------
    >>> from hashmodal.codes import from_bits
    >>> q = from_bits([[0, 0, 0], [1, 1, 1]])
    >>> x = from_bits([[0, 0, 1], [1, 1, 1], [0, 0, 0]])
    >>> lims, d, i = radius_search(q, x, 1)
    >>> lims.tolist(), d.tolist(), i.tolist()
    ([0, 2, 3], [0, 1, 0], [2, 0, 1])
    """
    q, x = check_code_pair(queries, database)
    radius = check_positive_int(radius, "radius", minimum=0)
    threads = resolve_n_threads(n_threads)
    if len(x) == 0 or len(q) == 0:
        return (
            np.zeros(len(q) + 1, dtype=np.int64),
            np.empty(0, dtype=np.int32),
            np.empty(0, dtype=np.int64),
        )
    return active_kernels().radius(q.packed, x.packed, radius, threads)


class HammingIndex:
    """A flat, exact Hamming index: codes are added, then searched by brute force.

    The counterpart of faiss ``IndexBinaryFlat`` for any bit length, with
    deterministic tie order (distance, then insertion index).

    Parameters
    ----------
    n_bits : int
        Bit length of every code added or searched.
    n_threads : int, default=None
        Threads for the compiled kernel; ``None`` uses all available cores.

    Attributes
    ----------
    ntotal : int
        Number of codes added so far; their ids are ``0 .. ntotal - 1`` in the
        order they were added.

    Examples
    --------
    >>> from hashmodal.codes import from_bits
    >>> index = HammingIndex(4)
    >>> index.add(from_bits([[1, 1, 0, 0], [0, 0, 0, 1]]))
    >>> index.add(from_bits([[0, 0, 0, 0]]))
    >>> index.ntotal
    3
    >>> d, i = index.search(from_bits([[0, 0, 0, 0]]), 2)
    >>> d.tolist(), i.tolist()
    ([[0, 1]], [[2, 1]])
    """

    def __init__(self, n_bits: int, *, n_threads: int | None = None) -> None:
        self.n_bits = check_positive_int(n_bits, "n_bits")
        self.n_threads = n_threads
        resolve_n_threads(n_threads)
        self._parts: list[np.ndarray] = []
        self._codes: BinaryCodes | None = None

    @property
    def ntotal(self) -> int:
        """Number of codes in the index."""
        return sum(len(part) for part in self._parts)

    @property
    def codes(self) -> BinaryCodes:
        """All codes added so far, in id order."""
        if self._codes is None:
            n_bytes = (self.n_bits + 7) // 8
            packed = (
                np.concatenate(self._parts)
                if self._parts
                else np.empty((0, n_bytes), dtype=np.uint8)
            )
            self._codes = BinaryCodes(packed, self.n_bits)
            self._parts = [self._codes.packed] if len(packed) else []
        return self._codes

    def add(self, codes: Any) -> None:
        """Append codes; they get the next ids.

        Raises
        ------
        ValueError
            If ``codes`` are not codes of ``n_bits`` bits.
        """
        codes = as_codes(codes, self.n_bits, name="codes")
        if len(codes):
            self._parts.append(codes.packed)
            self._codes = None

    def reset(self) -> None:
        """Remove every code."""
        self._parts = []
        self._codes = None

    def search(self, queries: Any, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Exact top-``k``; see :func:`knn_search` for the result."""
        queries = as_codes(queries, self.n_bits, name="queries")
        return knn_search(queries, self.codes, k, n_threads=self.n_threads)

    def range_search(
        self, queries: Any, radius: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Items within ``radius``; see :func:`radius_search` for the result."""
        queries = as_codes(queries, self.n_bits, name="queries")
        return radius_search(queries, self.codes, radius, n_threads=self.n_threads)

    def __repr__(self) -> str:
        return f"HammingIndex(n_bits={self.n_bits}, ntotal={self.ntotal})"
