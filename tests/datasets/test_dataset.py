"""MultiModalDataset, Split and stratified_split: construction checks and helpers."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from hashmodal.datasets import MultiModalDataset, Split, stratified_split


def make(n=6, **overrides):
    rng = np.random.default_rng(0)
    kwargs = dict(
        name="toy",
        views={"image": rng.random((n, 4)), "text": rng.random((n, 3))},
        labels=np.arange(n) % 2,
        split=Split(
            train=np.arange(2, n),
            query=[0, 1],
            database=np.arange(2, n),
            train_in_database=True,
        ),
    )
    kwargs.update(overrides)
    return MultiModalDataset(**kwargs)


def test_basic_properties_and_subsets():
    ds = make()
    assert ds.view_names == ("image", "text")
    assert ds.n_samples == 6 and ds.n_classes == 2 and not ds.is_multilabel
    assert ds.n_features == {"image": 4, "text": 3}
    views, labels = ds.subset("query")
    np.testing.assert_array_equal(views["image"], ds.views["image"][[0, 1]])
    np.testing.assert_array_equal(labels, [0, 1])
    views, labels = ds.subset("database")
    assert views["text"].shape == (4, 3) and labels.tolist() == [0, 1, 0, 1]
    assert "6 samples" in ds.summary() and "train_in_database=True" in ds.summary()
    assert "n_samples=6" in repr(ds)


def test_arrays_are_read_only_and_caller_arrays_untouched():
    image = np.zeros((6, 2))
    ds = make(views={"image": image})
    assert image.flags.writeable
    with pytest.raises(ValueError):
        ds.views["image"][0, 0] = 1.0
    with pytest.raises(ValueError):
        ds.labels[0] = 1
    with pytest.raises(AttributeError):
        ds.name = "other"


def test_integer_and_sparse_views_keep_their_form():
    views = {"pix": np.arange(12, dtype=np.uint8).reshape(6, 2), "bow": sp.eye(6)}
    ds = make(views=views)
    assert ds.views["pix"].dtype == np.uint8
    assert sp.issparse(ds.views["bow"]) and ds.views["bow"].format == "csr"
    sub_views, _ = ds.subset("query")
    np.testing.assert_array_equal(sub_views["bow"].toarray(), np.eye(6)[[0, 1]])


def test_views_with_different_row_counts():
    with pytest.raises(ValueError, match=r"'image': 6, 'text': 5"):
        make(views={"image": np.ones((6, 2)), "text": np.ones((5, 2))})


def test_views_and_labels_rows_differ():
    with pytest.raises(ValueError, match="view 'image' has 6 and labels have 5"):
        make(labels=[0, 1, 0, 1, 0])


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_view(bad):
    x = np.ones((6, 2))
    x[3, 1] = bad
    with pytest.raises(ValueError, match="view 'text' must be finite"):
        make(views={"image": np.ones((6, 2)), "text": x})


def test_empty_views():
    with pytest.raises(ValueError, match="at least one view"):
        make(views={})
    with pytest.raises(ValueError, match=r"view 'image' must not be empty"):
        make(views={"image": np.ones((6, 0))})


def test_bad_labels():
    with pytest.raises(ValueError, match="class ids >= 0"):
        make(labels=[0, 1, -1, 0, 1, 0])
    with pytest.raises(ValueError, match="whole numbers"):
        make(labels=[0, 1, 0.5, 0, 1, 0])
    with pytest.raises(ValueError, match="multi-hot"):
        make(labels=np.full((6, 2), 2))
    with pytest.raises(ValueError, match="labels must be finite"):
        make(labels=[0, 1, np.nan, 0, 1, 0])


def test_split_out_of_range():
    split = Split(train=[2, 3], query=[0, 6], database=[2, 3], train_in_database=True)
    with pytest.raises(ValueError, match=r"split 'query' must index rows 0..5, got 6"):
        make(split=split)
    split = Split(train=[2, 3], query=[-1], database=[2, 3], train_in_database=True)
    with pytest.raises(ValueError, match="got -1"):
        make(split=split)


def test_split_not_integer():
    with pytest.raises(TypeError, match="split 'query' must hold integer indices"):
        Split(train=[2], query=[0.0, 1.0], database=[2], train_in_database=True)
    with pytest.raises(ValueError, match="split 'train' must be a 1-D index array"):
        Split(train=[[2]], query=[0], database=[2], train_in_database=True)
    with pytest.raises(TypeError, match="train_in_database must be a bool"):
        Split(train=[2], query=[0], database=[2], train_in_database=1)


def test_split_duplicates():
    split = Split(
        train=[2, 3], query=[0, 1], database=[2, 3, 3], train_in_database=True
    )
    with pytest.raises(ValueError, match="split 'database' must not repeat an index"):
        make(split=split)


def test_query_database_overlap():
    split = Split(
        train=[2, 3], query=[0, 1, 2], database=[2, 3, 4], train_in_database=True
    )
    with pytest.raises(ValueError, match=r"'query' and 'database' must not overlap.*1"):
        make(split=split)


def test_train_in_database_flag_is_checked():
    split = Split(train=[5], query=[0], database=[2, 3], train_in_database=True)
    with pytest.raises(ValueError, match="every train row in the database"):
        make(split=split)
    split = Split(train=[3, 4], query=[0], database=[2, 3], train_in_database=False)
    with pytest.raises(ValueError, match="train and database disjoint"):
        make(split=split)
    make(split=Split(train=[4, 5], query=[0], database=[2, 3], train_in_database=False))


def test_empty_query_refused():
    split = Split(train=[2], query=[], database=[2, 3], train_in_database=True)
    with pytest.raises(ValueError, match="split 'query' must not be empty"):
        make(split=split)


def test_class_ids_and_one_hot():
    ds = make(labels=[2, 0, 1, 2, 0, 1])
    hot = ds.one_hot()
    assert hot.dtype == np.uint8
    np.testing.assert_array_equal(hot, np.eye(3, dtype=np.uint8)[[2, 0, 1, 2, 0, 1]])
    ds_hot = make(labels=hot)
    assert not ds_hot.is_multilabel and ds_hot.n_classes == 3
    np.testing.assert_array_equal(ds_hot.class_ids(), [2, 0, 1, 2, 0, 1])
    np.testing.assert_array_equal(ds_hot.class_counts(), [2, 2, 2])


def test_multilabel():
    labels = np.array(
        [[1, 1, 0], [0, 1, 0], [0, 0, 1], [1, 0, 1], [0, 1, 0], [1, 0, 0]]
    )
    ds = make(labels=labels)
    assert ds.is_multilabel and ds.n_classes == 3
    np.testing.assert_array_equal(ds.one_hot(), labels)
    with pytest.raises(ValueError, match="row 0 has 2 classes"):
        ds.class_ids()


def test_class_names_checked():
    assert make(class_names=["a", "b"]).n_classes == 2
    with pytest.raises(ValueError, match="class_names must name 2 classes, got 1"):
        make(class_names=["a"])


def test_subset_errors():
    with pytest.raises(ValueError, match="part must be one of 'train', 'query'"):
        make().subset("test")
    with pytest.raises(ValueError, match="has no split"):
        make(split=None).subset("query")


def test_select_views():
    ds = make()
    two = ds.select_views(["text", "image"], rename={"text": "t"})
    assert two.view_names == ("t", "image")
    np.testing.assert_array_equal(two.views["t"], ds.views["text"])
    assert two.split is ds.split
    with pytest.raises(ValueError, match="unknown view 'audio'"):
        ds.select_views(["audio"])
    with pytest.raises(ValueError, match="distinct views"):
        ds.select_views(["text", "text"])


def test_stratified_split_fixed_rule_by_hand():
    labels = np.repeat([0, 1], 8)
    split = stratified_split(labels, 2)
    # positions floor((i + 0.5) * 8 / 2) = 2, 6 within each class
    assert split.query.tolist() == [2, 6, 10, 14]
    rest = [i for i in range(16) if i not in (2, 6, 10, 14)]
    assert sorted(split.database.tolist()) == rest
    assert split.train_in_database and split.train.tolist() == split.database.tolist()
    again = stratified_split(labels, 2)
    assert split.equals(again)


def test_stratified_split_database_is_not_in_class_order():
    # Tied items are ordered by database index in index-order metrics, so a
    # database listed class by class would favour the first classes.
    labels = np.repeat(np.arange(4), 50)
    for random_state in (None, 3):
        split = stratified_split(labels, 5, random_state=random_state)
        head = labels[split.database[:40]]
        assert len(set(head.tolist())) == 4
        assert not np.all(np.diff(split.database) > 0)


def test_stratified_split_random_and_train_sample():
    labels = np.repeat(np.arange(5), 10)
    a = stratified_split(labels, 3, n_train=20, random_state=7)
    b = stratified_split(labels, 3, n_train=20, random_state=7)
    assert a.equals(b)
    assert np.bincount(labels[a.query]).tolist() == [3] * 5
    assert a.n_database == 35 and a.n_train == 20
    assert np.isin(a.train, a.database).all()
    assert not a.equals(stratified_split(labels, 3, n_train=20, random_state=8))
    with pytest.raises(ValueError, match="class 4 has 3"):
        stratified_split(np.r_[labels[:40], [4, 4, 4]], 3)
    with pytest.raises(ValueError, match="at most the database size 35"):
        stratified_split(labels, 3, n_train=36)
