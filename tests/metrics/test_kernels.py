"""The compiled counting kernels agree with the NumPy path they replace."""

from __future__ import annotations

import numpy as np
import pytest

from hashmodal.metrics import _ranking
from hashmodal.metrics._distances import distance_backend
from hashmodal.metrics._ranking import (
    Block,
    average_precision_expected,
    average_precision_index,
)


def test_metrics_use_the_search_kernel():
    assert distance_backend() == "search.iter_distance_blocks"


@pytest.mark.skipif(_ranking._counting is None, reason="compiled kernels not built")
@pytest.mark.parametrize("k", [None, 1, 7, 50, 500])
def test_compiled_equals_numpy(monkeypatch, k):
    rng = np.random.default_rng(k or 0)
    dist = rng.integers(0, 9, (13, 300)).astype(np.int32)
    dist[rng.random(dist.shape) < 0.05] = 9  # left-out items
    rel = (rng.random(dist.shape) < 0.2) & (dist < 9)
    out = {}
    for name in ("compiled", "numpy"):
        if name == "numpy":
            monkeypatch.setattr(_ranking, "_counting", None)
        for norm in ("min_r_k", "hits_in_k"):
            for func in (average_precision_index, average_precision_expected):
                block = Block(dist, rel, None, 9)
                out[name, norm, func.__name__] = func(block, k, norm)
        out[name, "counts"] = Block(dist, rel, None, 9).counts()
    for key in out:
        if key[0] == "compiled":
            other = ("numpy", *key[1:])
            for a, b in zip(out[key], out[other], strict=True):
                np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
