"""The Wiki loader on both published files (MATLAB v5 and v7.3)."""

from __future__ import annotations

import numpy as np
import scipy.io as sio

from hashmodal.datasets import WIKI_CLASSES, load, load_wiki

# Class counts stated in ../shared/data/wiki/README.md.
TRAIN_COUNTS = [138, 272, 244, 248, 202, 178, 186, 144, 214, 347]
TEST_COUNTS = [34, 88, 96, 85, 65, 58, 51, 41, 71, 104]


def test_v5_and_v73_files_give_identical_data_sets(shared_data):
    folder = shared_data("wiki")
    a = load_wiki(folder / "wiki_data.mat")
    b = load_wiki(folder / "wiki_data_v73.mat")
    assert a.view_names == b.view_names == ("image", "text")
    for view in a.view_names:
        assert a.views[view].dtype == b.views[view].dtype == np.float64
        assert a.views[view].shape == b.views[view].shape
        assert a.views[view].tobytes() == b.views[view].tobytes()
    assert a.labels.dtype == b.labels.dtype == np.int64
    np.testing.assert_array_equal(a.labels, b.labels)
    assert a.split.equals(b.split)
    assert a.class_names == b.class_names == WIKI_CLASSES


def test_wiki_protocol_sizes_and_class_counts(shared_data):
    ds = load("wiki", path=shared_data("wiki"))
    assert ds.n_samples == 2866 and ds.n_classes == 10 and not ds.is_multilabel
    assert ds.n_features == {"image": 128, "text": 10}
    s = ds.split
    assert (s.n_queries, s.n_database, s.n_train) == (693, 2173, 2173)
    assert s.train_in_database and np.array_equal(s.train, s.database)
    _, q_labels = ds.subset("query")
    _, db_labels = ds.subset("database")
    assert np.bincount(q_labels, minlength=10).tolist() == TEST_COUNTS
    assert np.bincount(db_labels, minlength=10).tolist() == TRAIN_COUNTS


def test_wiki_matches_raw_file_and_list_files(shared_data):
    folder = shared_data("wiki")
    raw = sio.loadmat(folder / "wiki_data.mat")
    ds = load("wiki", path=folder / "wiki_data.mat")
    views, labels = ds.subset("query")
    np.testing.assert_array_equal(views["image"], raw["I_te"])
    np.testing.assert_array_equal(views["text"], raw["T_te"])
    np.testing.assert_array_equal(labels + 1, raw["L_te"].ravel())
    views, labels = ds.subset("train")
    np.testing.assert_array_equal(views["image"], raw["I_tr"])
    np.testing.assert_array_equal(ds.one_hot()[ds.split.train], raw["L_train"])
    # the class column of the .list files, row for row
    listed = np.loadtxt(folder / "trainset_txt_img_cat.list", dtype=str, ndmin=2)
    np.testing.assert_array_equal(labels + 1, listed[:, 2].astype(int))
    names = (folder / "categories.list").read_text().split()
    assert tuple(names) == WIKI_CLASSES


def test_wiki_views_option(shared_data):
    ds = load("wiki", path=shared_data("wiki"), views=["text"])
    assert ds.view_names == ("text",)
