"""Exact Hamming search over packed binary codes."""

from hashmodal.search._reference import hamming_distances_reference

__all__ = ["hamming_distances_reference"]
