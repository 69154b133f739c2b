"""The one place where the metrics obtain Hamming distances.

Metrics stream query blocks through :func:`iter_distance_blocks`. It uses the
compiled kernel of :mod:`hashmodal.search` when that module provides
``iter_distance_blocks`` or ``hamming_distances``, and the NumPy reference
otherwise, so every metric picks up the fastest exact kernel available.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import numpy as np

import hashmodal.search as _search
from hashmodal.codes import BinaryCodes

__all__ = ["default_block_size", "distance_backend", "iter_distance_blocks"]

logger = logging.getLogger(__name__)

#: Bytes of distance matrix one block may hold (int32), about 64 MiB.
_BLOCK_BYTES = 64 * 2**20


def default_block_size(n_database: int, n_bytes: int = 4) -> int:
    """Queries per block so that a block's work arrays stay near 64 MiB.

    A block holds an int32 distance matrix and a few arrays of the same shape;
    the NumPy reference also forms an XOR array of ``n_bytes`` per pair.
    """
    per_query = max(1, n_database) * max(4, n_bytes)
    return int(max(1, min(4096, _BLOCK_BYTES // per_query)))


def distance_backend() -> str:
    """Name of the kernel :func:`iter_distance_blocks` will use.

    One of ``"search.iter_distance_blocks"``, ``"search.hamming_distances"`` or
    ``"reference"``.
    """
    if hasattr(_search, "iter_distance_blocks"):
        return "search.iter_distance_blocks"
    if hasattr(_search, "hamming_distances"):
        return "search.hamming_distances"
    return "reference"


def iter_distance_blocks(
    queries: BinaryCodes, database: BinaryCodes, *, block_size: int
) -> Iterator[tuple[int, int, np.ndarray]]:
    """Yield ``(start, stop, distances)`` over blocks of consecutive queries.

    ``distances`` has shape (stop - start, n_database), integer dtype, and holds
    the exact Hamming distances of queries ``start:stop`` to every database code.
    """
    backend = distance_backend()
    logger.debug("Hamming distances through %s", backend)
    if backend == "search.iter_distance_blocks":
        yield from _search.iter_distance_blocks(
            queries, database, block_size=block_size
        )
        return
    compute = (
        _search.hamming_distances
        if backend == "search.hamming_distances"
        else _search.hamming_distances_reference
    )
    for start in range(0, len(queries), block_size):
        stop = min(start + block_size, len(queries))
        yield start, stop, compute(queries[start:stop], database)
