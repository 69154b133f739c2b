"""Multi-index hashing: exact Hamming search through hash tables on substrings.

Norouzi, Punjani and Fleet, "Fast Search in Hamming Space with Multi-Index
Hashing", CVPR 2012. The ``n_bits`` logical bits are cut into ``m`` contiguous
substrings; each substring of each database code is a key in its own table.
If two codes are within distance ``r``, at least one of their substrings is
within ``r // m`` (pigeonhole), so probing every table with all keys within
``r // m`` of the query's substring and verifying the candidates with the full
distance finds every neighbour — the search is exact.
"""

from __future__ import annotations

import itertools
import logging
import math
from typing import Any

import numpy as np

from hashmodal._validation import check_positive_int
from hashmodal.codes import BinaryCodes, as_codes
from hashmodal.search._exact import hamming_distances, knn_search, radius_search

__all__ = ["MultiIndexHashing"]

logger = logging.getLogger(__name__)

# Widest substring a table key may hold.
_MAX_SUBSTRING_BITS = 64


class MultiIndexHashing:
    """Exact k-NN and radius search with one hash table per code substring.

    Substring ``s`` holds logical bits ``bounds[s]:bounds[s + 1]`` with
    ``bounds[s] = s * n_bits // n_substrings``; its key is the integer whose
    bit ``j`` is logical bit ``bounds[s] + j`` (the least-significant-bit-first
    order of :class:`hashmodal.codes.BinaryCodes`). When probing would cost
    more than comparing with every code, a query falls back to brute force, so
    the answer is always exact and ordered like :func:`knn_search`.

    Parameters
    ----------
    n_bits : int
        Bit length of the codes.
    n_substrings : int, default=None
        Number of substrings (tables), between 1 and ``n_bits``, with at most 64
        bits each. ``None`` uses ``ceil(n_bits / 16)`` (16-bit substrings).
    n_threads : int, default=None
        Threads for the distance kernels; ``None`` uses all available cores.

    Attributes
    ----------
    bounds : ndarray of shape (n_substrings + 1,)
        Bit offsets of the substrings.
    ntotal : int
        Number of codes added; their ids are ``0 .. ntotal - 1``.

    Raises
    ------
    ValueError
        If ``n_substrings`` is outside ``[1, n_bits]`` or leaves a substring of
        more than 64 bits.

    Examples
    --------
    >>> from hashmodal.codes import from_bits
    >>> index = MultiIndexHashing(8, n_substrings=2)
    >>> index.add(from_bits([[0, 0, 0, 0, 1, 1, 1, 1], [1, 0, 0, 0, 0, 0, 0, 0]]))
    >>> lims, d, i = index.range_search(from_bits([[0, 0, 0, 0, 0, 0, 0, 0]]), 1)
    >>> d.tolist(), i.tolist()
    ([1], [1])
    """

    def __init__(
        self,
        n_bits: int,
        n_substrings: int | None = None,
        *,
        n_threads: int | None = None,
    ) -> None:
        self.n_bits = check_positive_int(n_bits, "n_bits")
        if n_substrings is None:
            n_substrings = math.ceil(self.n_bits / 16)
        n_substrings = check_positive_int(n_substrings, "n_substrings")
        if n_substrings > self.n_bits:
            raise ValueError(
                f"n_substrings must be at most n_bits={self.n_bits}, got {n_substrings}"
            )
        if math.ceil(self.n_bits / n_substrings) > _MAX_SUBSTRING_BITS:
            raise ValueError(
                f"n_substrings={n_substrings} leaves substrings of "
                f"{math.ceil(self.n_bits / n_substrings)} bits for n_bits="
                f"{self.n_bits}; at most {_MAX_SUBSTRING_BITS} bits are allowed, "
                f"so use n_substrings >= {math.ceil(self.n_bits / 64)}"
            )
        self.n_substrings = n_substrings
        self.n_threads = n_threads
        self.bounds = np.array(
            [s * self.n_bits // n_substrings for s in range(n_substrings + 1)]
        )
        self._widths = np.diff(self.bounds)
        self._codes = BinaryCodes(
            np.empty((0, (self.n_bits + 7) // 8), dtype=np.uint8), self.n_bits
        )
        self._tables: list[tuple[np.ndarray, np.ndarray]] | None = None
        self._masks: dict[tuple[int, int], np.ndarray] = {}

    @property
    def ntotal(self) -> int:
        """Number of codes in the index."""
        return len(self._codes)

    def add(self, codes: Any) -> None:
        """Append codes (they get the next ids) and index their substrings.

        Raises
        ------
        ValueError
            If ``codes`` are not codes of ``n_bits`` bits.
        """
        codes = as_codes(codes, self.n_bits, name="codes")
        packed = np.concatenate([self._codes.packed, codes.packed])
        self._codes = BinaryCodes(packed, self.n_bits)
        self._tables = None

    def substring_keys(self, codes: Any) -> np.ndarray:
        """Table keys of each code: one ``uint64`` per substring.

        Parameters
        ----------
        codes : BinaryCodes of shape (n_codes, n_bits)

        Returns
        -------
        ndarray of shape (n_codes, n_substrings), dtype uint64
            ``keys[i, s]`` has bit ``j`` equal to logical bit
            ``bounds[s] + j`` of code ``i``.
        """
        codes = as_codes(codes, self.n_bits, name="codes")
        keys = np.empty((len(codes), self.n_substrings), dtype=np.uint64)
        step = max(1, (1 << 22) // self.n_bits)
        for start in range(0, len(codes), step):
            bits = codes[start : start + step].to_bits()
            for s in range(self.n_substrings):
                sub = bits[:, self.bounds[s] : self.bounds[s + 1]]
                packed = np.packbits(sub, axis=1, bitorder="little")
                padded = np.zeros((len(sub), 8), dtype=np.uint8)
                padded[:, : packed.shape[1]] = packed
                keys[start : start + len(sub), s] = padded.view("<u8")[:, 0]
        return keys

    def range_search(
        self, queries: Any, radius: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every code within ``radius`` (distance ``<= radius``) of each query.

        Returns the same arrays, in the same order, as
        :func:`hashmodal.search.radius_search`.

        Raises
        ------
        ValueError
            If ``queries`` do not have ``n_bits`` bits or ``radius < 0``.
        """
        queries = as_codes(queries, self.n_bits, name="queries")
        radius = check_positive_int(radius, "radius", minimum=0)
        tables = self._build()
        counts, dist_parts, id_parts = [], [], []
        probe = radius // self.n_substrings
        query_keys = self.substring_keys(queries)
        for qi in range(len(queries)):
            query = queries[qi]
            if self._probe_cost(0, probe) > self.ntotal:
                _, d, ids = radius_search(
                    query, self._codes, radius, n_threads=self.n_threads
                )
            else:
                ids = self._candidates(tables, query_keys[qi], 0, probe)
                d = hamming_distances(query, self._codes[ids], n_threads=1)[0]
                keep = d <= radius
                order = np.argsort(d[keep], kind="stable")
                d, ids = d[keep][order], ids[keep][order]
            counts.append(len(ids))
            dist_parts.append(d.astype(np.int32))
            id_parts.append(ids.astype(np.int64))
        return _concat(counts, dist_parts, id_parts)

    def search(self, queries: Any, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Exact top-``k`` by (distance, index), as :func:`knn_search` returns.

        The probe radius in each table grows until at least ``k`` verified
        candidates lie within the distance it guarantees to cover.

        Raises
        ------
        ValueError
            If ``queries`` do not have ``n_bits`` bits or ``k < 0``.
        """
        queries = as_codes(queries, self.n_bits, name="queries")
        k = check_positive_int(k, "k", minimum=0)
        k = min(k, self.ntotal)
        dist = np.empty((len(queries), k), dtype=np.int32)
        ids = np.empty((len(queries), k), dtype=np.int64)
        if k == 0:
            return dist, ids
        tables = self._build()
        query_keys = self.substring_keys(queries)
        m = self.n_substrings
        for qi in range(len(queries)):
            query = queries[qi]
            found_ids = np.empty(0, dtype=np.int64)
            found_d = np.empty(0, dtype=np.int32)
            probe = 0
            while True:
                if self._probe_cost(0, probe) > self.ntotal:
                    d_q, i_q = knn_search(query, self._codes, k, n_threads=1)
                    dist[qi], ids[qi] = d_q[0], i_q[0]
                    break
                new = self._candidates(tables, query_keys[qi], probe, probe)
                new = np.setdiff1d(new, found_ids, assume_unique=True)
                if len(new):
                    new_d = hamming_distances(query, self._codes[new], n_threads=1)[0]
                    found_ids = np.concatenate([found_ids, new])
                    found_d = np.concatenate([found_d, new_d])
                # Every code within m * (probe + 1) - 1 has now been seen.
                covered = m * (probe + 1) - 1
                exhausted = probe >= self._widths.max()
                if exhausted or np.count_nonzero(found_d <= covered) >= k:
                    order = np.lexsort((found_ids, found_d))[:k]
                    dist[qi], ids[qi] = found_d[order], found_ids[order]
                    break
                probe += 1
        return dist, ids

    def __repr__(self) -> str:
        return (
            f"MultiIndexHashing(n_bits={self.n_bits}, "
            f"n_substrings={self.n_substrings}, ntotal={self.ntotal})"
        )

    def _build(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per table: keys sorted, and the ids in that order."""
        if self._tables is None:
            keys = self.substring_keys(self._codes)
            self._tables = []
            for s in range(self.n_substrings):
                order = np.argsort(keys[:, s], kind="stable")
                self._tables.append((keys[order, s], order.astype(np.int64)))
            logger.debug("built %d tables over %d codes", self.n_substrings, len(keys))
        return self._tables

    def _probe_cost(self, low: int, high: int) -> int:
        """Number of keys probed over all tables for radii low..high."""
        return sum(
            math.comb(int(w), t)
            for w in self._widths
            for t in range(low, min(high, int(w)) + 1)
        )

    def _flip_masks(self, width: int, n_flips: int) -> np.ndarray:
        """All ``width``-bit masks with exactly ``n_flips`` bits set."""
        key = (width, n_flips)
        if key not in self._masks:
            masks = [
                sum(1 << b for b in combo)
                for combo in itertools.combinations(range(width), n_flips)
            ]
            self._masks[key] = np.array(masks, dtype=np.uint64)
        return self._masks[key]

    def _candidates(
        self,
        tables: list[tuple[np.ndarray, np.ndarray]],
        query_keys: np.ndarray,
        low: int,
        high: int,
    ) -> np.ndarray:
        """Sorted unique ids whose substring s is within low..high of the query's."""
        parts = []
        for s, (sorted_keys, order) in enumerate(tables):
            width = int(self._widths[s])
            for t in range(low, min(high, width) + 1):
                probes = query_keys[s] ^ self._flip_masks(width, t)
                start = np.searchsorted(sorted_keys, probes, side="left")
                stop = np.searchsorted(sorted_keys, probes, side="right")
                for a, b in zip(start, stop, strict=True):
                    if b > a:
                        parts.append(order[a:b])
        if not parts:
            return np.empty(0, dtype=np.int64)
        return np.unique(np.concatenate(parts))


def _concat(
    counts: list[int], dist_parts: list[np.ndarray], id_parts: list[np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lims = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=lims[1:])
    distances = np.concatenate(dist_parts) if dist_parts else np.empty(0, np.int32)
    indices = np.concatenate(id_parts) if id_parts else np.empty(0, np.int64)
    return lims, distances.astype(np.int32), indices.astype(np.int64)
