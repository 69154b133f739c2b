"""Oracles and code generators for the search tests."""

from __future__ import annotations

import numpy as np

from hashmodal.codes import BinaryCodes
from hashmodal.search._reference import hamming_distances_reference


def random_codes(rng, n, n_bits):
    """Uniformly random codes."""
    bits = rng.integers(0, 2, size=(n, n_bits), dtype=np.uint8)
    return BinaryCodes(np.packbits(bits, axis=1, bitorder="little"), n_bits)


def clustered_codes(rng, n, n_bits, n_centres=4, flip=0.05):
    """Codes near a few centres: many small distances and many ties."""
    centres = rng.integers(0, 2, size=(n_centres, n_bits), dtype=np.uint8)
    bits = centres[rng.integers(0, n_centres, size=n)]
    bits = bits ^ (rng.random((n, n_bits)) < flip).astype(np.uint8)
    return BinaryCodes(np.packbits(bits, axis=1, bitorder="little"), n_bits)


def make_codes(kind, rng, n, n_bits):
    return (random_codes if kind == "random" else clustered_codes)(rng, n, n_bits)


def brute_force_knn(queries, database, k):
    """Top-k by (distance, index) from the NumPy reference distances."""
    dist = hamming_distances_reference(queries, database)
    ids = np.broadcast_to(np.arange(dist.shape[1]), dist.shape)
    order = np.lexsort((ids, dist), axis=1)[:, :k]
    return np.take_along_axis(dist, order, axis=1), order.astype(np.int64)


def brute_force_radius(queries, database, radius):
    """Items with distance <= radius, per query sorted by (distance, index)."""
    dist = hamming_distances_reference(queries, database)
    hits = []
    for row in dist:
        ids = np.nonzero(row <= radius)[0]
        ids = ids[np.argsort(row[ids], kind="stable")]
        hits.append((row[ids], ids))
    return hits
