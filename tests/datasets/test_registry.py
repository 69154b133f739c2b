"""Registry: names, path resolution, HASHMODAL_DATA, and the not-found error."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.io as sio

from hashmodal.datasets import (
    DATA_ENV_VAR,
    DatasetNotFoundError,
    available,
    list_datasets,
    load,
)

MULTIVIEW = {
    # name: (file, views and dims from the folder README, n_classes, n_queries)
    "msrc-v1": (
        "MSRC.mat",
        {"cm": 24, "hog": 576, "gist": 512, "lbp": 256, "centrist": 254},
        7,
        42,
    ),
    "orl-4view": (
        "ORL.mat",
        {"gist": 512, "lbp": 59, "hog": 864, "centrist": 254},
        40,
        80,
    ),
    "100leaves": ("100Leaves.mat", {"v1": 64, "v2": 64, "v3": 64}, 100, 400),
}
SIZES = {"msrc-v1": 210, "orl-4view": 400, "100leaves": 1600}


def test_available_names():
    assert available() == ("100leaves", "msrc-v1", "orl-4view", "uci-mfeat", "wiki")
    infos = list_datasets()
    assert [i.name for i in infos] == list(available())
    assert [i.name for i in infos if i.embedded] == ["uci-mfeat"]


def test_unknown_name():
    with pytest.raises(ValueError, match="unknown data set 'mnist'; available: 100"):
        load("mnist")


@pytest.mark.parametrize("name", sorted(MULTIVIEW))
def test_multiview_sets_load_with_documented_shapes(name, shared_data):
    file, dims, n_classes, n_queries = MULTIVIEW[name]
    folder = shared_data(name)
    ds = load(name, path=folder)
    assert ds.n_samples == SIZES[name] and ds.n_features == dims
    assert ds.n_classes == n_classes and not ds.is_multilabel
    s = ds.split
    assert s.n_queries == n_queries and s.n_database == SIZES[name] - n_queries
    assert s.train_in_database and np.array_equal(s.train, s.database)
    per_class = np.bincount(ds.labels[s.query])
    assert (per_class == n_queries // n_classes).all()
    raw = sio.loadmat(folder / file)
    np.testing.assert_array_equal(ds.labels + 1, raw["Y"].ravel())
    for i, view in enumerate(dims):
        np.testing.assert_array_equal(ds.views[view], raw["X"][0, i])
        assert ds.views[view].dtype == raw["X"][0, i].dtype
    # the same file through the file path, the root folder and $HASHMODAL_DATA
    assert load(name, path=folder / file).split.equals(s)
    assert load(name, path=folder.parent).split.equals(s)


def test_env_var_root(shared_data, monkeypatch):
    root = shared_data("wiki").parent
    monkeypatch.setenv(DATA_ENV_VAR, str(root))
    assert load("wiki").split.n_queries == 693


def test_not_found_error_names_places_and_source(tmp_path, monkeypatch):
    monkeypatch.delenv(DATA_ENV_VAR, raising=False)
    with pytest.raises(DatasetNotFoundError) as info:
        load("wiki", path=tmp_path)
    msg = str(info.value)
    assert isinstance(info.value, FileNotFoundError)
    assert str(tmp_path / "wiki_data.mat") in msg
    assert str(tmp_path / "wiki" / "wiki_data_v73.mat") in msg
    assert "Rasiwasia" in msg
    with pytest.raises(DatasetNotFoundError, match=str(tmp_path / "nothing.mat")):
        load("msrc-v1", path=tmp_path / "nothing.mat")
    with pytest.raises(DatasetNotFoundError, match=f"set \\${DATA_ENV_VAR}"):
        load("orl-4view")
    monkeypatch.setenv(DATA_ENV_VAR, str(tmp_path))
    with pytest.raises(DatasetNotFoundError) as info:
        load("100leaves")
    assert str(tmp_path / "100leaves" / "100Leaves.mat") in str(info.value)
    assert "Mallah" in str(info.value)


def test_embedded_ignores_env_var(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_ENV_VAR, str(tmp_path))
    assert load("uci-mfeat").n_samples == 2000


def test_loader_options_pass_through(shared_data):
    ds = load(
        "msrc-v1",
        path=shared_data("msrc-v1"),
        n_queries_per_class=10,
        n_train=50,
        random_state=0,
        views=["gist", "lbp"],
    )
    assert ds.view_names == ("gist", "lbp")
    assert ds.split.n_queries == 70 and ds.split.n_train == 50
