"""Every docstring example in the package runs and shows what it prints."""

import doctest
import importlib
import importlib.util
import pkgutil

import pytest

import hashmodal

# Modules whose examples need an optional dependency.
_NEEDS = {"hashmodal.methods._deep": "torch"}


def _modules():
    names = ["hashmodal"]
    for info in pkgutil.walk_packages(hashmodal.__path__, prefix="hashmodal."):
        names.append(info.name)
    return sorted(names)


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples(name):
    needed = _NEEDS.get(name)
    if needed and importlib.util.find_spec(needed) is None:
        pytest.skip(f"{name} examples need {needed}")
    module = importlib.import_module(name)
    result = doctest.testmod(
        module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    )
    assert result.failed == 0


def test_every_public_package_has_examples():
    finder = doctest.DocTestFinder()
    with_examples = {
        name
        for name in _modules()
        if name not in _NEEDS
        and any(test.examples for test in finder.find(importlib.import_module(name)))
    }
    for package in ("codes", "search", "metrics", "datasets", "methods"):
        assert any(n.startswith(f"hashmodal.{package}") for n in with_examples)
