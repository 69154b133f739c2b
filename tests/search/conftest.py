"""Fixtures shared by the search tests."""

from __future__ import annotations

import pytest

from hashmodal.search import _kernels

# Compiled back ends by vector level (see ``_hamming.set_simd``), then NumPy.
BACKENDS = {
    "compiled-avx512": 2,
    "compiled-avx2": 1,
    "compiled-scalar": 0,
    "numpy": None,
}


@pytest.fixture(params=list(BACKENDS))
def backend(request):
    """Run a test once per kernel back end (each vector level, scalar C, NumPy)."""
    name = request.param
    level = BACKENDS[name]
    if level is None:
        with _kernels.use_kernels("numpy"):
            yield name
        return
    if not _kernels.compiled_available():
        pytest.skip("the compiled kernels are not built")
    ext = _kernels._hamming
    best = ext.set_simd(2)
    if ext.set_simd(level) != level:
        ext.set_simd(best)
        pytest.skip(f"this CPU has no {name.removeprefix('compiled-')} instructions")
    try:
        with _kernels.use_kernels("compiled"):
            yield name
    finally:
        ext.set_simd(best)
