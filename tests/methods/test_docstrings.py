"""Run the docstring examples of the methods package."""

import doctest
import importlib

import pytest

MODULES = [
    "hashmodal.methods",
    "hashmodal.methods._base",
    "hashmodal.methods._blocks",
    "hashmodal.methods.single_view._itq",
    "hashmodal.methods.single_view._lsh",
    "hashmodal.methods.single_view._pcah",
    "hashmodal.methods.single_view._sh",
    "hashmodal.methods.single_view._sklsh",
]


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples(module):
    result = doctest.testmod(
        importlib.import_module(module), optionflags=doctest.ELLIPSIS
    )
    assert result.failed == 0
    assert result.attempted > 0
