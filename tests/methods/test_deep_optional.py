"""PyTorch stays optional: hashmodal works without it, deep methods say how to get it.

These tests need no PyTorch; when it is installed they hide it with an import
hook that refuses ``torch`` as if it were absent.
"""

import inspect
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from hashmodal.methods import BaseDeepHasher
from hashmodal.methods import _deep as deep

REMEDY = "pip install 'hashmodal[deep]'"


class _NoTorch:
    """Import hook that refuses ``torch`` as if it were not installed."""

    def find_spec(self, name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


#: Source run first in a fresh interpreter to hide PyTorch there.
HIDE_TORCH = (
    "import sys\n"
    + inspect.getsource(_NoTorch)
    + "sys.meta_path.insert(0, _NoTorch())\n"
)


class _Unbuildable(BaseDeepHasher):
    name = "test-deep-unbuildable"
    family = "composite"
    requires_labels = False


def _run(code, *, hide_torch=False):
    code = (HIDE_TORCH if hide_torch else "") + textwrap.dedent(code)
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture()
def no_torch():
    """Hide PyTorch in this process for one test, then put it back as it was."""
    hidden = {
        name: sys.modules.pop(name)
        for name in list(sys.modules)
        if name == "torch" or name.startswith("torch.")
    }
    finder = _NoTorch()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
        sys.modules.update(hidden)


def test_missing_torch_raises_with_the_remedy(no_torch):
    with pytest.raises(ImportError, match=r"pip install 'hashmodal\[deep\]'"):
        deep.resolve_device("cpu")
    model = _Unbuildable(8, device="cpu")
    views = {"x": np.random.default_rng(0).normal(size=(10, 3))}
    with pytest.raises(ImportError, match=r"pip install 'hashmodal\[deep\]'"):
        model.fit(views)
    assert "n_bits_" not in vars(model)


def test_hashmodal_works_without_torch():
    out = _run(
        """
        import sys
        import numpy as np
        import hashmodal
        from hashmodal.methods import BaseDeepHasher, available_methods, get_method
        names = available_methods()
        assert {"itq", "lsh", "cvh"} <= set(names), names
        X = np.random.default_rng(0).normal(size=(40, 6))
        for name, cls in names.items():
            if cls.family == "cross-modal":
                views = {"a": X, "b": X[:, ::-1]}
            else:
                views = {"a": X}
            labels = np.arange(40) % 3 if cls.requires_labels else None
            model = get_method(name, n_bits=4, random_state=0).fit(views, labels)
            model.encode({"a": X})
        assert "torch" not in sys.modules
        print("ok", len(names))
        """,
        hide_torch=True,
    )
    assert out.startswith("ok")


def test_importing_hashmodal_does_not_import_torch():
    out = _run(
        """
        import sys
        import hashmodal, hashmodal.methods
        from hashmodal.methods import BaseDeepHasher, available_methods
        available_methods()
        print("torch" in sys.modules)
        """
    )
    assert out.strip() == "False"


def test_remedy_is_documented():
    assert REMEDY in deep._INSTALL_HELP
    assert "hashmodal[deep]" in deep.__doc__
