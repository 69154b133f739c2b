"""Choice of kernel back end and its fallback."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from hashmodal.codes import from_bits
from hashmodal.search import _kernels, hamming_distances


def test_numpy_fallback_warns_once_and_still_answers(monkeypatch, caplog):
    monkeypatch.setattr(_kernels, "_COMPILED", None)
    monkeypatch.setattr(_kernels, "_warned", False)
    codes = from_bits(np.array([[1, 0, 1], [0, 1, 1]]))
    with caplog.at_level(logging.WARNING, logger="hashmodal.search._kernels"):
        first = hamming_distances(codes, codes)
        second = hamming_distances(codes, codes)
    assert first.tolist() == second.tolist() == [[0, 2], [2, 0]]
    warnings = [r for r in caplog.records if "NumPy kernels" in r.getMessage()]
    assert len(warnings) == 1
    assert _kernels.active_kernels().name == "numpy"


def test_compiled_kernels_are_used_when_built():
    if not _kernels.compiled_available():
        pytest.skip("the compiled kernels are not built")
    assert _kernels.active_kernels().name == "compiled"


def test_n_threads_default_is_the_available_cores():
    assert _kernels.resolve_n_threads(None) >= 1
    assert _kernels.resolve_n_threads(3) == 3
    with pytest.raises(TypeError, match="n_threads must be an integer"):
        _kernels.resolve_n_threads(1.5)


def test_use_kernels_refuses_unknown_names():
    with pytest.raises(ValueError, match="'numpy' or 'compiled'"):
        with _kernels.use_kernels("gpu"):
            pass


def test_distance_sum_equals_the_sum_of_all_distances(backend):
    rng = np.random.default_rng(9)
    for n_bits in (7, 64, 200, 256):
        q = from_bits(rng.integers(0, 2, size=(19, n_bits)))
        x = from_bits(rng.integers(0, 2, size=(77, n_bits)))
        total = _kernels.active_kernels().distance_sum(q.packed, x.packed, 2)
        assert total == int(hamming_distances(q, x).sum())
