"""npz / HDF5 writers and readers: round trips and refusals."""

from __future__ import annotations

import h5py
import numpy as np
import pytest
import scipy.sparse as sp

from hashmodal.datasets import (
    MultiModalDataset,
    Split,
    load,
    load_dataset_file,
    load_h5,
    load_npz,
    save_dataset,
    save_h5,
    save_npz,
)


def assert_same(a: MultiModalDataset, b: MultiModalDataset) -> None:
    assert (a.name, a.source, a.class_names) == (b.name, b.source, b.class_names)
    assert a.view_names == b.view_names
    for key in a.view_names:
        x, y = a.views[key], b.views[key]
        assert sp.issparse(x) == sp.issparse(y)
        assert x.dtype == y.dtype and x.shape == y.shape
        if sp.issparse(x):
            assert (x != y).nnz == 0
        else:
            assert x.tobytes() == y.tobytes()
    assert a.labels.dtype == b.labels.dtype
    np.testing.assert_array_equal(a.labels, b.labels)
    if a.split is None:
        assert b.split is None
    else:
        assert a.split.equals(b.split)


def mixed_dataset(split=True, multilabel=False):
    rng = np.random.default_rng(3)
    n = 12
    labels = (
        (rng.random((n, 4)) < 0.4).astype(np.uint8) if multilabel else np.arange(n) % 3
    )
    return MultiModalDataset(
        name="mixed",
        views={
            "text": sp.random(n, 30, density=0.2, random_state=1, format="csr"),
            "image": rng.standard_normal((n, 5)).astype(np.float32),
            "pix": rng.integers(0, 7, (n, 8)).astype(np.uint8),
        },
        labels=labels,
        split=Split(
            train=np.arange(4, 10),
            query=np.arange(4),
            database=np.arange(4, n),
            train_in_database=True,
        )
        if split
        else None,
        source="synthetic",
        class_names=None if multilabel else ("a", "b", "c"),
    )


@pytest.mark.parametrize("suffix", [".npz", ".h5"])
@pytest.mark.parametrize("split", [True, False])
@pytest.mark.parametrize("multilabel", [True, False])
def test_round_trip(tmp_path, suffix, split, multilabel):
    ds = mixed_dataset(split=split, multilabel=multilabel)
    path = tmp_path / f"ds{suffix}"
    save_dataset(ds, path)
    assert_same(ds, load_dataset_file(path))


def test_round_trip_of_embedded_uci(tmp_path):
    ds = load("uci-mfeat")
    save_npz(ds, tmp_path / "u.npz")
    save_h5(ds, tmp_path / "u.h5")
    assert_same(ds, load_npz(tmp_path / "u.npz"))
    assert_same(ds, load_h5(tmp_path / "u.h5"))


def test_documented_layout(tmp_path):
    ds = mixed_dataset()
    save_npz(ds, tmp_path / "a.npz")
    with np.load(tmp_path / "a.npz") as npz:
        assert str(npz["format"]) == "hashmodal-dataset-1"
        assert npz["view_names"].tolist() == ["text", "image", "pix"]
        np.testing.assert_array_equal(npz["views/image"], ds.views["image"])
        np.testing.assert_array_equal(npz["views/text/indptr"], ds.views["text"].indptr)
        np.testing.assert_array_equal(npz["split/query"], [0, 1, 2, 3])
    save_h5(ds, tmp_path / "a.h5")
    with h5py.File(tmp_path / "a.h5") as f:
        assert f.attrs["name"] == "mixed"
        np.testing.assert_array_equal(f["views/pix"][()], ds.views["pix"])
        assert bool(f["split/train_in_database"][()])


def test_foreign_file_in_layout_loads(tmp_path):
    path = tmp_path / "plain.h5"
    with h5py.File(path, "w") as f:
        f["views/b"] = np.ones((3, 2))
        f["views/a"] = np.zeros((3, 1))
        f["labels"] = np.array([0, 1, 1])
    ds = load_h5(path)
    assert ds.name == "plain" and ds.view_names == ("a", "b") and ds.split is None


def test_refusals(tmp_path):
    with pytest.raises(TypeError, match="dataset must be a MultiModalDataset"):
        save_npz({"image": np.eye(2)}, tmp_path / "x.npz")
    bad = MultiModalDataset("x", {"a/b": np.eye(2)}, [0, 1])
    with pytest.raises(ValueError, match=r"must not contain '/'.*'a/b'"):
        save_h5(bad, tmp_path / "x.h5")
    with pytest.raises(ValueError, match=r"must end in .npz, .h5 or .hdf5"):
        save_dataset(mixed_dataset(), tmp_path / "x.mat")
    np.savez(tmp_path / "nolabels.npz", x=np.eye(2))
    with pytest.raises(KeyError, match="no 'labels'"):
        load_npz(tmp_path / "nolabels.npz")
    np.savez(tmp_path / "other.npz", format="something-else", labels=[0])
    with pytest.raises(ValueError, match="format 'something-else'"):
        load_npz(tmp_path / "other.npz")
    with pytest.raises(FileNotFoundError):
        load_h5(tmp_path / "missing.h5")
