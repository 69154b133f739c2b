"""Kernel back ends of the exact search: the compiled module or NumPy.

Both back ends take packed ``uint8`` matrices (C-contiguous, same number of
bytes per row, padding bits zero) and return bit-identical results. The
compiled kernels (``_hamming.c``) are used whenever they import; otherwise the
NumPy kernels are used and a warning is logged once.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator

import numpy as np

from hashmodal._validation import check_positive_int

__all__ = ["Kernels", "active_kernels", "compiled_available", "resolve_n_threads"]

logger = logging.getLogger(__name__)

try:
    from hashmodal.search import _hamming
except ImportError as exc:  # the package was installed without the C kernels
    _hamming = None
    _IMPORT_ERROR: ImportError | None = exc
else:
    _IMPORT_ERROR = None

# Pairs of codes compared per NumPy block: bounds the temporary XOR array.
_NUMPY_PAIRS_PER_BLOCK = 1 << 19
# Queries per call of the compiled radius kernel.
_RADIUS_QUERY_BLOCK = 1024


def resolve_n_threads(n_threads: int | None) -> int:
    """``None`` → the cores this process may run on; otherwise an int >= 1."""
    if n_threads is None:
        try:
            return len(os.sched_getaffinity(0))
        except AttributeError:  # not available on every platform
            return os.cpu_count() or 1
    return check_positive_int(n_threads, "n_threads")


def compiled_available() -> bool:
    """Whether the compiled kernels imported."""
    return _hamming is not None


class Kernels:
    """The four kernels every back end provides (the NumPy version)."""

    name = "numpy"

    def pairwise(self, q: np.ndarray, x: np.ndarray, n_threads: int) -> np.ndarray:
        """All distances, int32 of shape (len(q), len(x))."""
        out = np.empty((len(q), len(x)), dtype=np.int32)
        qw, xw = _as_words(q), _as_words(x)
        for q0, q1, x0, x1 in _blocks(len(q), len(x)):
            out[q0:q1, x0:x1] = _block_distances(qw[q0:q1], xw[x0:x1])
        return out

    def distance_sum(self, q: np.ndarray, x: np.ndarray, n_threads: int) -> int:
        """Sum of all pairwise distances."""
        qw, xw = _as_words(q), _as_words(x)
        total = 0
        for q0, q1, x0, x1 in _blocks(len(q), len(x)):
            total += int(_block_distances(qw[q0:q1], xw[x0:x1]).sum(dtype=np.int64))
        return total

    def knn(
        self, q: np.ndarray, x: np.ndarray, k: int, n_threads: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` (1 <= k <= len(x)) by (distance, index)."""
        n_db = len(x)
        qw, xw = _as_words(q), _as_words(x)
        dist = np.empty((len(q), k), dtype=np.int32)
        ids = np.empty((len(q), k), dtype=np.int64)
        q_step = _query_step(len(q), n_db)
        for q0 in range(0, len(q), q_step):
            q1 = min(q0 + q_step, len(q))
            # One int64 key per pair orders by distance, then by index.
            best = np.empty((q1 - q0, 0), dtype=np.int64)
            x_step = max(1, _NUMPY_PAIRS_PER_BLOCK // (q1 - q0))
            for x0 in range(0, n_db, x_step):
                x1 = min(x0 + x_step, n_db)
                d = _block_distances(qw[q0:q1], xw[x0:x1]).astype(np.int64)
                keys = d * n_db + np.arange(x0, x1, dtype=np.int64)
                best = np.concatenate([best, keys], axis=1)
                if best.shape[1] > k:
                    best = np.partition(best, k - 1, axis=1)[:, :k]
            best.sort(axis=1)
            dist[q0:q1] = best // n_db
            ids[q0:q1] = best % n_db
        return dist, ids

    def radius(
        self, q: np.ndarray, x: np.ndarray, radius: int, n_threads: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Items with distance <= radius, in faiss ``range_search`` layout."""
        qw, xw = _as_words(q), _as_words(x)
        counts = np.zeros(len(q), dtype=np.int64)
        dist_parts, id_parts = [], []
        q_step = _query_step(len(q), len(x))
        for q0 in range(0, len(q), q_step):
            q1 = min(q0 + q_step, len(q))
            rows, ds, ids = [], [], []
            x_step = max(1, _NUMPY_PAIRS_PER_BLOCK // (q1 - q0))
            for x0 in range(0, len(x), x_step):
                x1 = min(x0 + x_step, len(x))
                d = _block_distances(qw[q0:q1], xw[x0:x1])
                r, c = np.nonzero(d <= radius)
                rows.append(r)
                ds.append(d[r, c])
                ids.append(c.astype(np.int64) + x0)
            r = np.concatenate(rows) if rows else np.empty(0, np.int64)
            d = np.concatenate(ds) if ds else np.empty(0, np.int32)
            i = np.concatenate(ids) if ids else np.empty(0, np.int64)
            order = np.lexsort((i, d, r))
            dist_parts.append(d[order].astype(np.int32))
            id_parts.append(i[order])
            counts[q0:q1] = np.bincount(r, minlength=q1 - q0)
        lims = np.zeros(len(q) + 1, dtype=np.int64)
        np.cumsum(counts, out=lims[1:])
        distances = np.concatenate(dist_parts) if dist_parts else np.empty(0, np.int32)
        indices = np.concatenate(id_parts) if id_parts else np.empty(0, np.int64)
        return lims, distances, indices


class _CompiledKernels(Kernels):
    """The C/OpenMP kernels of ``_hamming.c``."""

    name = "compiled"

    def pairwise(self, q: np.ndarray, x: np.ndarray, n_threads: int) -> np.ndarray:
        out = np.empty((len(q), len(x)), dtype=np.int32)
        _hamming.pairwise(q, x, q.shape[1], out, n_threads)
        return out

    def distance_sum(self, q: np.ndarray, x: np.ndarray, n_threads: int) -> int:
        return _hamming.distance_sum(q, x, q.shape[1], n_threads)

    def knn(
        self, q: np.ndarray, x: np.ndarray, k: int, n_threads: int
    ) -> tuple[np.ndarray, np.ndarray]:
        dist = np.empty((len(q), k), dtype=np.int32)
        ids = np.empty((len(q), k), dtype=np.int64)
        _hamming.knn(q, x, q.shape[1], k, dist, ids, n_threads)
        return dist, ids

    def radius(
        self, q: np.ndarray, x: np.ndarray, radius: int, n_threads: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        # Blocks of queries bound the kernel's own buffers to those of one block.
        counts = np.zeros(len(q), dtype=np.int64)
        dist_parts, id_parts = [], []
        for q0 in range(0, len(q), _RADIUS_QUERY_BLOCK):
            block = q[q0 : q0 + _RADIUS_QUERY_BLOCK]
            lims = np.empty(len(block) + 1, dtype=np.int64)
            dist, ids = _hamming.radius(block, x, q.shape[1], radius, lims, n_threads)
            counts[q0 : q0 + len(block)] = np.diff(lims)
            dist_parts.append(np.frombuffer(dist, dtype=np.int32))
            id_parts.append(np.frombuffer(ids, dtype=np.int64))
        lims = np.zeros(len(q) + 1, dtype=np.int64)
        np.cumsum(counts, out=lims[1:])
        if len(dist_parts) == 1:
            return lims, dist_parts[0], id_parts[0]
        return lims, np.concatenate(dist_parts), np.concatenate(id_parts)


_NUMPY = Kernels()
_COMPILED = _CompiledKernels() if _hamming is not None else None
_forced: Kernels | None = None
_warned = False


def active_kernels() -> Kernels:
    """The compiled kernels if they imported, else NumPy (warning once)."""
    global _warned
    if _forced is not None:
        return _forced
    if _COMPILED is not None:
        return _COMPILED
    if not _warned:
        logger.warning(
            "hashmodal.search: compiled Hamming kernels unavailable (%s); using "
            "the slower NumPy kernels. Reinstall hashmodal with a C compiler to "
            "build them.",
            _IMPORT_ERROR,
        )
        _warned = True
    return _NUMPY


@contextlib.contextmanager
def use_kernels(name: str) -> Iterator[Kernels]:
    """Force a back end (``"numpy"`` or ``"compiled"``) inside a ``with`` block."""
    global _forced
    if name == "numpy":
        chosen: Kernels | None = _NUMPY
    elif name == "compiled":
        if _COMPILED is None:
            raise RuntimeError(f"compiled kernels unavailable: {_IMPORT_ERROR}")
        chosen = _COMPILED
    else:
        raise ValueError(f"name must be 'numpy' or 'compiled', got {name!r}")
    previous, _forced = _forced, chosen
    try:
        yield chosen
    finally:
        _forced = previous


def _as_words(packed: np.ndarray) -> np.ndarray:
    """View rows as uint64 words, padding with zero bytes to a multiple of 8."""
    n_bytes = packed.shape[1]
    spare = -n_bytes % 8
    if spare:
        packed = np.concatenate(
            [packed, np.zeros((len(packed), spare), dtype=np.uint8)], axis=1
        )
    return np.ascontiguousarray(packed).view(np.uint64)


def _block_distances(qw: np.ndarray, xw: np.ndarray) -> np.ndarray:
    xor = qw[:, None, :] ^ xw[None, :, :]
    return np.bitwise_count(xor).sum(axis=-1, dtype=np.int32)


def _query_step(n_q: int, n_db: int) -> int:
    return max(1, min(n_q, 256, _NUMPY_PAIRS_PER_BLOCK // max(n_db, 1) or 1))


def _blocks(n_q: int, n_db: int) -> Iterator[tuple[int, int, int, int]]:
    q_step = min(max(n_q, 1), 256)
    x_step = max(1, _NUMPY_PAIRS_PER_BLOCK // q_step)
    for q0 in range(0, n_q, q_step):
        for x0 in range(0, n_db, x_step):
            yield q0, min(q0 + q_step, n_q), x0, min(x0 + x_step, n_db)
