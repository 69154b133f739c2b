"""Brute-force oracles: rank by sorting, score the list, enumerate tie orders."""

from __future__ import annotations

import itertools
import math

import numpy as np


def stable_order(dist_row):
    """Database indices sorted by (distance, index)."""
    return np.argsort(np.asarray(dist_row), kind="stable")


def tie_orders(dist_row):
    """Every ranking consistent with the distances (all orders inside ties)."""
    dist_row = np.asarray(dist_row)
    groups = [np.flatnonzero(dist_row == d).tolist() for d in np.unique(dist_row)]
    for parts in itertools.product(*(itertools.permutations(g) for g in groups)):
        yield [i for part in parts for i in part]


def ap_of_list(rel, n_relevant, k=None, normalization="min_r_k"):
    """AP@k of a ranked list of 0/1 flags, written out from the definition."""
    rel = list(rel) if k is None else list(rel)[:k]
    hits, total = 0, 0.0
    for pos, flag in enumerate(rel, start=1):
        if flag:
            hits += 1
            total += hits / pos
    if normalization == "hits_in_k":
        den = hits if k is not None else n_relevant
    else:
        den = n_relevant if k is None else min(n_relevant, k)
    return total / den if den else 0.0


def dcg_of_list(gains, k=None):
    gains = list(gains) if k is None else list(gains)[:k]
    return sum((2.0**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def expected_over_ties(dist_row, score):
    """Mean of ``score(order)`` over all tie orders of one query."""
    values = [score(order) for order in tie_orders(dist_row)]
    return float(np.mean(values))
