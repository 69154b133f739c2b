"""Exact Hamming distances in plain NumPy: the oracle for every faster kernel."""

from __future__ import annotations

import numpy as np

from hashmodal.codes import BinaryCodes

__all__ = ["hamming_distances_reference"]


def hamming_distances_reference(
    queries: BinaryCodes, database: BinaryCodes
) -> np.ndarray:
    """All pairwise Hamming distances, computed by XOR and popcount in NumPy.

    Parameters
    ----------
    queries : BinaryCodes of shape (n_queries, n_bits)
    database : BinaryCodes of shape (n_database, n_bits)

    Returns
    -------
    ndarray of shape (n_queries, n_database), dtype int32

    Raises
    ------
    ValueError
        If the two sets of codes have different bit lengths.
    """
    if queries.n_bits != database.n_bits:
        raise ValueError(
            f"queries have {queries.n_bits} bits but database codes have "
            f"{database.n_bits}"
        )
    xor = queries.packed[:, None, :] ^ database.packed[None, :, :]
    return np.bitwise_count(xor).sum(axis=-1, dtype=np.int32)
