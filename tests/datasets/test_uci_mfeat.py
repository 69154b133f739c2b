"""The embedded UCI Multiple Features copy and its other file forms."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.io as sio
from hypothesis import given
from hypothesis import strategies as st

from hashmodal.datasets import UCI_MFEAT_VIEWS, load, load_uci_mfeat
from hashmodal.datasets._uci_mfeat import decode_decimals, encode_decimals

DIMS = {"fou": 76, "fac": 216, "kar": 64, "pix": 240, "zer": 47, "mor": 6}


@pytest.fixture(scope="module")
def embedded():
    return load("uci-mfeat")


def test_embedded_shapes_labels_and_dtypes(embedded):
    assert embedded.view_names == UCI_MFEAT_VIEWS
    assert embedded.n_features == DIMS
    np.testing.assert_array_equal(embedded.labels, np.repeat(np.arange(10), 200))
    assert embedded.views["pix"].dtype.kind == "u"
    assert embedded.views["fac"].dtype.kind == "u"
    assert embedded.views["fou"].dtype == np.float64


def test_embedded_equals_shared_csvs(embedded, shared_data):
    folder = shared_data("uci-mfeat")
    for view in UCI_MFEAT_VIEWS:
        raw = np.loadtxt(folder / f"mfeat-{view}.csv", delimiter=",", skiprows=1)
        np.testing.assert_array_equal(embedded.views[view], raw[:, :-1])
        np.testing.assert_array_equal(embedded.labels, raw[:, -1])
    from_csv = load("uci-mfeat", path=folder)
    for view in UCI_MFEAT_VIEWS:
        assert from_csv.views[view].dtype == embedded.views[view].dtype
        assert from_csv.views[view].tobytes() == embedded.views[view].tobytes()
    assert from_csv.split.equals(embedded.split)


# SplitMix64 order of the database rows; pinned so that the split never drifts.
FIRST_DATABASE_ROWS = [1048, 992, 1144, 1223, 196]


def test_fixed_split_rule_and_stability(embedded):
    s = embedded.split
    assert (s.n_queries, s.n_database, s.n_train) == (500, 1500, 1500)
    assert s.train_in_database and np.array_equal(s.train, s.database)
    rows = np.arange(2000)
    np.testing.assert_array_equal(s.query, rows[rows % 4 == 2])
    np.testing.assert_array_equal(np.sort(s.database), rows[rows % 4 != 2])
    # The database is in a fixed scrambled order, not class by class: the first
    # 100 database items hold every class, and the order never changes.
    assert len(set(embedded.labels[s.database[:100]].tolist())) == 10
    assert s.database[:5].tolist() == FIRST_DATABASE_ROWS
    assert np.bincount(embedded.labels[s.query]).tolist() == [50] * 10
    assert load_uci_mfeat().split.equals(s)


def test_splitmix64_matches_its_reference_output():
    # The first output of SplitMix64 seeded with 0 is 0xE220A8397B1DCDAF.
    from hashmodal.datasets._dataset import _splitmix64

    assert int(_splitmix64(np.array([0]))[0]) == 0xE220A8397B1DCDAF


def test_two_view_variant(embedded):
    two = load("uci-mfeat", views=["fou", "kar"])
    assert two.view_names == ("fou", "kar")
    np.testing.assert_array_equal(two.views["kar"], embedded.views["kar"])
    assert two.split.equals(embedded.split)
    pair = embedded.select_views(["fou", "kar"], rename={"fou": "image", "kar": "text"})
    assert pair.view_names == ("image", "text")


def test_handwritten_mat(embedded, shared_data):
    ds = load("uci-mfeat", path=shared_data("uci-mfeat", "handwritten.mat"))
    assert ds.view_names == UCI_MFEAT_VIEWS and ds.n_features == DIMS
    np.testing.assert_array_equal(ds.labels, embedded.labels)
    # README: pix and fac identical; the CSVs round the float views.
    for view in ("pix", "fac"):
        np.testing.assert_array_equal(ds.views[view], embedded.views[view])
    for view, tol in (("fou", 5e-6), ("kar", 5e-4), ("zer", 5e-3), ("mor", 0.5)):
        # rounding to the CSV digits: at most half a unit of the last digit
        assert np.abs(ds.views[view] - embedded.views[view]).max() <= tol * 1.001
    assert ds.split.equals(embedded.split)


def test_uci_all_cross_view_file(embedded, shared_data):
    path = shared_data("uci-mfeat", "uci_all.mat")
    ds = load("uci-mfeat", path=path)
    raw = sio.loadmat(path)
    assert ds.view_names == ("fou", "kar", "pix")
    s = ds.split
    assert (s.n_train, s.n_queries, s.n_database) == (1500, 500, 1500)
    views, labels = ds.subset("query")
    np.testing.assert_array_equal(views["kar"], raw["T_te"])
    np.testing.assert_array_equal(labels + 1, raw["L_te"].ravel())
    np.testing.assert_allclose(np.linalg.norm(views["fou"], axis=1), 1.0)


def test_decimal_encoding_by_hand():
    m, k = encode_decimals(["0.0075499", "-10.297", "1569", "-2.46E-05", "0"])
    assert m.tolist() == [75499, -10297, 1569, -246, 0]
    assert k.tolist() == [7, 3, 0, 7, 0]
    with pytest.raises(ValueError, match="not a decimal number"):
        encode_decimals(["1.2.3"])


@given(
    st.lists(
        st.tuples(st.integers(-(10**8), 10**8), st.integers(0, 12), st.booleans()),
        min_size=1,
        max_size=20,
    )
)
def test_decimal_encoding_is_exact(items):
    tokens = []
    for m, k, sci in items:
        if sci:
            tokens.append(f"{m}E-{k}")
        else:
            digits = str(abs(m)).rjust(k + 1, "0")
            body = digits if k == 0 else f"{digits[:-k]}.{digits[-k:]}"
            tokens.append(("-" if m < 0 else "") + body)
    decoded = decode_decimals(*encode_decimals(tokens))
    assert decoded.tolist() == [float(t) for t in tokens]
