"""The examples in the search docstrings run and give what they show."""

from __future__ import annotations

import doctest

import pytest

from hashmodal.search import _exact, _multi_index


@pytest.mark.parametrize("module", [_exact, _multi_index])
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
