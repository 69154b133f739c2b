"""Exact Hamming search over packed binary codes.

Vocabulary: ``queries`` and ``database`` are :class:`hashmodal.codes.BinaryCodes`
(or {0,1} / {-1,+1} matrices) with the same ``n_bits``; ``n_queries`` and
``n_database`` count their rows. Distances are ``int32``; neighbours are ordered
by distance, then by database index.

- :func:`hamming_distances` and :func:`iter_distance_blocks`: all pairs, at once
  or a block of queries at a time;
- :func:`knn_search` and :func:`radius_search`: exact top-k and radius search,
  streamed so that memory stays bounded;
- :class:`HammingIndex`: a flat exact index (add, then search);
- :class:`MultiIndexHashing`: hash tables on substrings of the codes, exact by
  the pigeonhole principle.

The work runs in compiled C/OpenMP kernels when they were built at install
time, otherwise in NumPy (a warning is logged once).
"""

from hashmodal.search._exact import (
    HammingIndex,
    hamming_distances,
    iter_distance_blocks,
    knn_search,
    radius_search,
)
from hashmodal.search._kernels import compiled_available
from hashmodal.search._multi_index import MultiIndexHashing
from hashmodal.search._reference import hamming_distances_reference

__all__ = [
    "HammingIndex",
    "MultiIndexHashing",
    "compiled_available",
    "hamming_distances",
    "hamming_distances_reference",
    "iter_distance_blocks",
    "knn_search",
    "radius_search",
]
