"""Fixtures for method tests (also seen by tests/methods/<family>/).

The helpers live in ``_method_data.py`` (importable as ``_method_data`` from
any test under tests/methods, since this directory is on ``sys.path``).
"""

import pytest
from _method_data import fit_data_for, hamming_map, make_views


@pytest.fixture()
def two_views():
    """(views, labels): 120 items, views 'image' (24-D) and 'text' (16-D), 5 classes."""
    return make_views(120, seed=0)


@pytest.fixture()
def method_fit_data():
    """The function ``fit_data_for(cls, n_samples=120, seed=0)``."""
    return fit_data_for


@pytest.fixture()
def map_score():
    """The function ``hamming_map(query_codes, db_codes, query_labels, db_labels)``."""
    return hamming_map
