"""MATLAB readers on small hand-made v5 and v7.3 files."""

from __future__ import annotations

import h5py
import numpy as np
import pytest
import scipy.io as sio
import scipy.sparse as sp

from hashmodal.datasets import load_cross_modal_mat, load_multiview_mat, read_mat

RNG = np.random.default_rng(11)


def cell(items):
    """A 1 x k MATLAB cell array for scipy.io.savemat."""
    out = np.empty((1, len(items)), dtype=object)
    for i, item in enumerate(items):
        out[0, i] = item
    return out


def write_v73(path, variables):
    """A MATLAB v7.3 file as MATLAB writes it: HDF5 with a 512-byte user block,
    matrices transposed, cells as object references into '#refs#'."""
    with h5py.File(path, "w", userblock_size=512) as f:
        refs = f.create_group("#refs#")

        def put(group, name, value):
            if isinstance(value, list):  # a 1 x k cell
                ref_arr = np.empty((len(value), 1), dtype=h5py.ref_dtype)
                for i, item in enumerate(value):
                    ref_arr[i, 0] = put(refs, f"{name}_{i}", item).ref
                ds = group.create_dataset(name, data=ref_arr)
                ds.attrs["MATLAB_class"] = np.bytes_(b"cell")
                return ds
            if sp.issparse(value):
                csc = sp.csc_matrix(value)
                g = group.create_group(name)
                g["data"], g["ir"], g["jc"] = csc.data, csc.indices, csc.indptr
                g.attrs["MATLAB_sparse"] = np.uint64(csc.shape[0])
                g.attrs["MATLAB_class"] = np.bytes_(b"double")
                return g
            arr = np.atleast_2d(np.asarray(value))
            ds = group.create_dataset(name, data=arr.T)
            ds.attrs["MATLAB_class"] = np.bytes_(b"double")
            return ds

        for name, value in variables.items():
            put(f, name, value)


def cross_modal_vars(n_tr=6, n_te=3, one_hot=False):
    ids_tr = np.arange(n_tr) % 3 + 1
    ids_te = np.arange(n_te) % 3 + 1
    lab = (lambda c: np.eye(3)[c - 1]) if one_hot else (lambda c: c[:, None])
    return {
        "I_tr": RNG.random((n_tr, 4)),
        "T_tr": RNG.random((n_tr, 2)),
        "L_tr": lab(ids_tr),
        "I_te": RNG.random((n_te, 4)),
        "T_te": RNG.random((n_te, 2)),
        "L_te": lab(ids_te),
    }


def test_read_mat_v5_and_v73_agree(tmp_path):
    variables = {
        "A": RNG.random((5, 3)),
        "S": sp.random(4, 6, density=0.4, random_state=2, format="csc"),
        "X": [RNG.random((5, 2)), RNG.random((5, 7))],
    }
    sio.savemat(
        tmp_path / "v5.mat",
        {
            **variables,
            "X": cell(variables["X"]),
        },
    )
    write_v73(tmp_path / "v73.mat", variables)
    a, b = read_mat(tmp_path / "v5.mat"), read_mat(tmp_path / "v73.mat")
    np.testing.assert_array_equal(a["A"], variables["A"])
    np.testing.assert_array_equal(b["A"], variables["A"])
    assert sp.issparse(a["S"]) and sp.issparse(b["S"])
    np.testing.assert_array_equal(b["S"].toarray(), variables["S"].toarray())
    np.testing.assert_array_equal(a["S"].toarray(), variables["S"].toarray())
    assert a["X"].shape == b["X"].shape == (1, 2)
    for i in range(2):
        np.testing.assert_array_equal(b["X"][0, i], variables["X"][i])


def test_read_mat_refuses_other_files(tmp_path):
    (tmp_path / "x.mat").write_text("not a mat file")
    with pytest.raises(ValueError, match=r"neither a MATLAB v5 nor a v7.3"):
        read_mat(tmp_path / "x.mat")
    with pytest.raises(FileNotFoundError, match="no MATLAB file"):
        read_mat(tmp_path / "missing.mat")


def test_ids_and_one_hot_give_the_same_data_set(tmp_path):
    v = cross_modal_vars()
    sio.savemat(tmp_path / "ids.mat", v)
    hot = {
        **v,
        "L_tr": np.eye(3)[v["L_tr"].ravel() - 1],
        "L_te": np.eye(3)[v["L_te"].ravel() - 1],
    }
    write_v73(tmp_path / "hot.mat", hot)
    a = load_cross_modal_mat(tmp_path / "ids.mat")
    b = load_cross_modal_mat(tmp_path / "hot.mat")
    for view in ("image", "text"):
        assert a.views[view].tobytes() == b.views[view].tobytes()
    np.testing.assert_array_equal(a.labels, b.labels)
    np.testing.assert_array_equal(a.labels, [0, 1, 2, 0, 1, 2, 0, 1, 2])
    assert a.split.equals(b.split)
    assert a.split.query.tolist() == [6, 7, 8]
    assert a.split.database.tolist() == a.split.train.tolist() == list(range(6))


def test_custom_view_prefixes(tmp_path):
    v = cross_modal_vars()
    sio.savemat(
        tmp_path / "a.mat", {**v, "P_tr": np.ones((6, 2)), "P_te": np.ones((3, 2))}
    )
    ds = load_cross_modal_mat(tmp_path / "a.mat", views={"x": "T", "p": "P"})
    assert ds.view_names == ("x", "p")


def test_database_layout_with_train_drawn_from_database(tmp_path):
    v = cross_modal_vars()
    db = {"I_db": v["I_tr"], "T_db": v["T_tr"], "L_db": v["L_tr"]}
    pick = [4, 1, 2]
    tr = {"I_tr": v["I_tr"][pick], "T_tr": v["T_tr"][pick], "L_tr": v["L_tr"][pick]}
    te = {k: v[k] for k in ("I_te", "T_te", "L_te")}
    sio.savemat(tmp_path / "db.mat", {**db, **tr, **te})
    ds = load_cross_modal_mat(tmp_path / "db.mat")
    assert ds.n_samples == 9  # training rows are not stored twice
    assert ds.split.train_in_database and ds.split.train.tolist() == pick
    assert ds.split.query.tolist() == [6, 7, 8]
    forced = load_cross_modal_mat(tmp_path / "db.mat", train_in_database=False)
    assert forced.n_samples == 12 and not forced.split.train_in_database
    assert forced.split.train.tolist() == [9, 10, 11]


def test_database_layout_with_separate_train(tmp_path):
    v = cross_modal_vars()
    other = cross_modal_vars(n_tr=4)
    sio.savemat(
        tmp_path / "db.mat",
        {
            "I_db": v["I_tr"],
            "T_db": v["T_tr"],
            "L_db": v["L_tr"],
            "I_te": v["I_te"],
            "T_te": v["T_te"],
            "L_te": v["L_te"],
            "I_tr": other["I_tr"],
            "T_tr": other["T_tr"],
            "L_tr": other["L_tr"],
        },
    )
    ds = load_cross_modal_mat(tmp_path / "db.mat")
    assert not ds.split.train_in_database
    assert ds.split.train.tolist() == [9, 10, 11, 12]
    np.testing.assert_array_equal(ds.subset("train").views["image"], other["I_tr"])
    with pytest.raises(ValueError, match="not found in its database"):
        load_cross_modal_mat(tmp_path / "db.mat", train_in_database=True)


def test_database_without_train(tmp_path):
    v = cross_modal_vars()
    sio.savemat(
        tmp_path / "db.mat",
        {
            "I_db": v["I_tr"],
            "T_db": v["T_tr"],
            "L_db": v["L_tr"],
            "I_te": v["I_te"],
            "T_te": v["T_te"],
            "L_te": v["L_te"],
        },
    )
    ds = load_cross_modal_mat(tmp_path / "db.mat")
    assert ds.split.train.tolist() == ds.split.database.tolist() == list(range(6))


def test_missing_variable_lists_what_is_there(tmp_path):
    v = cross_modal_vars()
    del v["T_te"]
    sio.savemat(tmp_path / "a.mat", v)
    with pytest.raises(KeyError, match=r"lacks variable.*T_te.*holds I_te, I_tr"):
        load_cross_modal_mat(tmp_path / "a.mat")


def test_row_mismatch_names_the_views(tmp_path):
    v = cross_modal_vars()
    v["T_tr"] = v["T_tr"][:5]
    sio.savemat(tmp_path / "a.mat", v)
    with pytest.raises(ValueError, match="views 'image' and 'text' have 6 and 5 rows"):
        load_cross_modal_mat(tmp_path / "a.mat")


def test_label_problems(tmp_path):
    v = cross_modal_vars()
    v["L_te"] = np.array([[0], [1], [2]])
    sio.savemat(tmp_path / "zero.mat", v)
    with pytest.raises(ValueError, match=r"hold class id 0.*one_based_labels=False"):
        load_cross_modal_mat(tmp_path / "zero.mat")
    ds = load_cross_modal_mat(tmp_path / "zero.mat", one_based_labels=False)
    assert ds.labels[6:].tolist() == [0, 1, 2]
    v = cross_modal_vars()
    v["L_te"] = np.array([[1], [2]])
    sio.savemat(tmp_path / "short.mat", v)
    with pytest.raises(ValueError, match="labels 'L_te' must have 3 rows"):
        load_cross_modal_mat(tmp_path / "short.mat")
    v = cross_modal_vars()
    v["I_te"][1, 1] = np.nan
    sio.savemat(tmp_path / "nan.mat", v)
    with pytest.raises(ValueError, match="view 'image' must be finite"):
        load_cross_modal_mat(tmp_path / "nan.mat")


def test_multilabel_blocks_stay_multi_hot(tmp_path):
    v = cross_modal_vars()
    v["L_tr"] = np.array([[1, 1, 0], [0, 1, 0], [0, 0, 1]] * 2)
    v["L_te"] = np.array([[1], [2], [3]])
    sio.savemat(tmp_path / "ml.mat", v)
    ds = load_cross_modal_mat(tmp_path / "ml.mat")
    assert ds.is_multilabel and ds.labels.dtype == np.uint8
    np.testing.assert_array_equal(ds.labels[6:], np.eye(3, dtype=np.uint8))


def test_multiview_mat_v5_and_v73(tmp_path):
    views = [RNG.random((8, 3)), RNG.integers(0, 5, (8, 2)).astype(float)]
    y = (np.arange(8) % 2 + 1)[:, None]
    sio.savemat(tmp_path / "v5.mat", {"X": cell(views), "Y": y})
    write_v73(tmp_path / "v73.mat", {"X": views, "Y": y})
    a = load_multiview_mat(tmp_path / "v5.mat", view_names=["a", "b"])
    b = load_multiview_mat(tmp_path / "v73.mat", view_names=["a", "b"])
    for key in ("a", "b"):
        np.testing.assert_array_equal(a.views[key], views[["a", "b"].index(key)])
        np.testing.assert_array_equal(a.views[key], b.views[key])
    np.testing.assert_array_equal(a.labels, np.arange(8) % 2)
    assert a.split is None and load_multiview_mat(tmp_path / "v5.mat").view_names == (
        "v1",
        "v2",
    )
    with pytest.raises(ValueError, match=r"must name the 2 views.*got 3"):
        load_multiview_mat(tmp_path / "v5.mat", view_names=["a", "b", "c"])
    with pytest.raises(KeyError, match="lacks variable 'gt'"):
        load_multiview_mat(tmp_path / "v5.mat", labels_key="gt")
    sio.savemat(
        tmp_path / "t.mat",
        {"X": cell([v.T for v in views]), "Y": y},
    )
    t = load_multiview_mat(tmp_path / "t.mat", transpose=True)
    np.testing.assert_array_equal(t.views["v1"], views[0])
