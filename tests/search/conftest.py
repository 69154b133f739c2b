"""Fixtures and oracles shared by the search tests."""

from __future__ import annotations

import pytest

from hashmodal.search import _kernels

BACKENDS = ["compiled-simd", "compiled-scalar", "numpy"]


@pytest.fixture(params=BACKENDS)
def backend(request):
    """Run a test once per kernel back end (vector, scalar C, NumPy)."""
    name = request.param
    if name == "numpy":
        with _kernels.use_kernels("numpy"):
            yield name
        return
    if not _kernels.compiled_available():
        pytest.skip("the compiled kernels are not built")
    ext = _kernels._hamming
    simd = ext.set_simd(name == "compiled-simd")
    if name == "compiled-simd" and not simd:
        ext.set_simd(True)
        pytest.skip("this CPU has no AVX-512 VPOPCNTDQ")
    try:
        with _kernels.use_kernels("compiled"):
            yield name
    finally:
        ext.set_simd(True)
