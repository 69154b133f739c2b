"""Tests of the shared validation helpers, and case T2 (removed NumPy aliases)."""

import numpy as np
import pytest
import scipy.sparse as sp

from hashmodal._validation import (
    check_matrix,
    check_positive_int,
    check_random_state,
    check_views,
)


def test_case_t2_removed_numpy_aliases_and_float_counts():
    # Case T2: on NumPy 2.x, np.float is gone and a float count is refused.
    assert not hasattr(np, "float")
    with pytest.raises(TypeError):
        np.linspace(1, 4.0, 4.0)
    # The same kind of fault in hashmodal: counts are integers, never floats.
    with pytest.raises(TypeError, match="n_bits must be an integer"):
        check_positive_int(32.0, "n_bits")
    with pytest.raises(TypeError):
        check_positive_int(True, "k")
    assert check_positive_int(np.int64(5), "k") == 5


def test_positive_int_names_argument_and_value():
    with pytest.raises(ValueError, match=r"n_bits must be an integer >= 1, got 0"):
        check_positive_int(0, "n_bits")


def test_views_with_different_rows_are_named():
    with pytest.raises(ValueError, match="'image': 3, 'text': 2"):
        check_views({"image": np.zeros((3, 2)), "text": np.zeros((2, 2))})


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_non_finite_views_are_refused(value):
    x = np.ones((3, 2))
    x[1, 1] = value
    with pytest.raises(ValueError, match="view 'image' must be finite"):
        check_views({"image": x})


def test_sparse_and_empty_and_non_mapping():
    with pytest.raises(TypeError, match="sparse"):
        check_matrix(sp.eye(3), "x")
    assert sp.issparse(check_matrix(sp.eye(3), "x", allow_sparse=True))
    with pytest.raises(ValueError, match="must not be empty"):
        check_matrix(np.zeros((0, 3)), "x")
    with pytest.raises(TypeError, match="mapping"):
        check_views([np.zeros((2, 2))])
    with pytest.raises(ValueError, match="2-D"):
        check_matrix(np.zeros(3), "x")


def test_random_state():
    a = check_random_state(3).integers(0, 100, 5)
    b = check_random_state(3).integers(0, 100, 5)
    np.testing.assert_array_equal(a, b)
    with pytest.raises(TypeError, match="random_state"):
        check_random_state("seed")
