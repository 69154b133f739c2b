"""Loaders of the named data sets read from files (Wiki and multi-view sets)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from hashmodal.datasets._dataset import MultiModalDataset, stratified_split
from hashmodal.datasets._matlab import load_cross_modal_mat, load_multiview_mat
from hashmodal.datasets._registry import DatasetInfo, register, select

__all__ = [
    "WIKI_CLASSES",
    "load_100leaves",
    "load_msrc_v1",
    "load_orl_4view",
    "load_wiki",
]

WIKI_CLASSES = (
    "art",
    "biology",
    "geography",
    "history",
    "literature",
    "media",
    "music",
    "royalty",
    "sport",
    "warfare",
)

WIKI_SOURCE = (
    "Rasiwasia et al., A New Approach to Cross-Modal Multimedia Retrieval, "
    "ACM MM 2010; SIFT BoVW (128) + LDA (10) features"
)
WIKI_OBTAIN = (
    "the Wiki cross-modal data set of Rasiwasia et al. (ACM MM 2010, "
    "http://www.svcl.ucsd.edu/projects/crossmodal/); the feature file "
    "wiki_data.mat with I_tr/T_tr/L_tr, I_te/T_te/L_te ships with the code of "
    "several cross-modal hashing papers (e.g. SCRATCH, MM 2018)"
)


def load_wiki(
    path: str | os.PathLike[str], *, views: Sequence[str] | None = None
) -> MultiModalDataset:
    """Load the Wiki image-text data set (2,866 pairs, 10 classes).

    Reads ``wiki_data.mat`` (MATLAB v5, labels as class ids 1..10) or
    ``wiki_data_v73.mat`` (v7.3, one-hot labels); both give the same data set.

    Protocol: the fixed split of the original release -- the 693 test pairs
    are the queries, the 2,173 training pairs are both the training set and the
    retrieval database (``train_in_database=True``). Rows: the 2,173 training
    pairs, then the 693 test pairs. Views: ``"image"`` (128-d SIFT
    bag-of-visual-words histogram) and ``"text"`` (10-d LDA topic proportions),
    ``float64``. Labels: class ids 0..9 in the order of :data:`WIKI_CLASSES`.

    Parameters
    ----------
    path : str or path-like
        The ``.mat`` file.
    views : sequence of str, optional
        Keep only these views.

    Returns
    -------
    MultiModalDataset

    Examples
    --------
    >>> ds = load_wiki("wiki_data.mat")  # doctest: +SKIP
    >>> ds.split.n_queries, ds.split.n_database  # doctest: +SKIP
    (693, 2173)
    """
    ds = load_cross_modal_mat(
        path, name="wiki", source=WIKI_SOURCE, class_names=WIKI_CLASSES
    )
    return select(ds, views)


def _load_multiview(
    path: str | os.PathLike[str],
    name: str,
    view_names: Sequence[str],
    source: str,
    *,
    views: Sequence[str] | None,
    n_queries_per_class: int,
    n_train: int | None,
    random_state: Any,
) -> MultiModalDataset:
    ds = load_multiview_mat(path, view_names=view_names, name=name, source=source)
    split = stratified_split(
        ds.labels, n_queries_per_class, n_train=n_train, random_state=random_state
    )
    return select(ds.with_split(split), views)


MSRC_VIEWS = ("cm", "hog", "gist", "lbp", "centrist")
MSRC_SOURCE = (
    "MSRC object recognition image database v1 (Microsoft Research Cambridge), "
    "5-view features as used in multi-view clustering (e.g. SFMC, TPAMI 2022)"
)
ORL_VIEWS = ("gist", "lbp", "hog", "centrist")
ORL_SOURCE = (
    "AT&T Laboratories Cambridge ORL Database of Faces, 4-view features "
    "(512/59/864/254) of the multi-view clustering literature"
)
LEAVES_VIEWS = ("v1", "v2", "v3")
LEAVES_SOURCE = (
    "Mallah, Cope & Orwell, Plant Leaf Classification Using Probabilistic "
    "Integration of Shape, Texture and Margin Features, 2013 (UCI One-hundred "
    "plant species leaves)"
)


def load_msrc_v1(
    path: str | os.PathLike[str],
    *,
    views: Sequence[str] | None = None,
    n_queries_per_class: int = 6,
    n_train: int | None = None,
    random_state: Any = None,
) -> MultiModalDataset:
    """Load MSRC-v1: 210 images, 7 classes (30 each), 5 views.

    Views (``X{1..5}`` of ``MSRC.mat``): ``cm`` colour moments (24), ``hog``
    (576), ``gist`` (512), ``lbp`` histogram (256, int32 counts), ``centrist``
    histogram (254, uint16 counts). Labels: ``Y`` 1..7 -> class ids 0..6.

    The file has no split. The default comes from
    :func:`~hashmodal.datasets.stratified_split` with ``random_state=None``
    (a fixed rule, no randomness): 6 queries per class spread evenly over
    each class, database = all other items, train = the database
    (``train_in_database=True``): 42 queries, 168 database items.

    Parameters
    ----------
    path : str or path-like
        The ``.mat`` file.
    views : sequence of str, optional
        Keep only these views.
    n_queries_per_class : int, default=6
        Queries per class.
    n_train : int, optional
        Train on this many database items instead of all of them.
    random_state : None, int or numpy Generator, default=None
        ``None`` keeps the fixed rule; otherwise queries are drawn at random.

    Returns
    -------
    MultiModalDataset
    """
    return _load_multiview(
        path,
        "msrc-v1",
        MSRC_VIEWS,
        MSRC_SOURCE,
        views=views,
        n_queries_per_class=n_queries_per_class,
        n_train=n_train,
        random_state=random_state,
    )


def load_orl_4view(
    path: str | os.PathLike[str],
    *,
    views: Sequence[str] | None = None,
    n_queries_per_class: int = 2,
    n_train: int | None = None,
    random_state: Any = None,
) -> MultiModalDataset:
    """Load ORL faces, 4 views: 400 images of 40 people (10 each).

    Views (``X{1..4}`` of ``ORL.mat``; names inferred from the usual
    dimensions): ``gist`` (512, float32), ``lbp`` (59, float32), ``hog`` (864,
    float32), ``centrist`` (254, float64), all scaled into [0, 1]. Labels:
    person 1..40 -> class ids 0..39.

    The file has no split. The default comes from
    :func:`~hashmodal.datasets.stratified_split` with ``random_state=None``
    (a fixed rule, no randomness): 2 queries per class spread evenly over
    each class, database = all other items, train = the database
    (``train_in_database=True``): 80 queries, 320 database items.

    Parameters
    ----------
    path : str or path-like
        The ``.mat`` file.
    views : sequence of str, optional
        Keep only these views.
    n_queries_per_class : int, default=2
        Queries per class.
    n_train : int, optional
        Train on this many database items instead of all of them.
    random_state : None, int or numpy Generator, default=None
        ``None`` keeps the fixed rule; otherwise queries are drawn at random.

    Returns
    -------
    MultiModalDataset
    """
    return _load_multiview(
        path,
        "orl-4view",
        ORL_VIEWS,
        ORL_SOURCE,
        views=views,
        n_queries_per_class=n_queries_per_class,
        n_train=n_train,
        random_state=random_state,
    )


def load_100leaves(
    path: str | os.PathLike[str],
    *,
    views: Sequence[str] | None = None,
    n_queries_per_class: int = 4,
    n_train: int | None = None,
    random_state: Any = None,
) -> MultiModalDataset:
    """Load 100Leaves: 1,600 leaves of 100 species (16 each), 3 views of 64-d.

    Views ``v1``, ``v2``, ``v3`` are ``X{1..3}`` of ``100Leaves.mat`` (shape,
    margin and texture descriptors; the file does not say which is which, and
    ``v2`` has the value range of the shape descriptor). Labels: species
    1..100 -> class ids 0..99.

    The file has no split. The default comes from
    :func:`~hashmodal.datasets.stratified_split` with ``random_state=None``
    (a fixed rule, no randomness): 4 queries per class spread evenly over
    each class, database = all other items, train = the database
    (``train_in_database=True``): 400 queries, 1200 database items.

    Parameters
    ----------
    path : str or path-like
        The ``.mat`` file.
    views : sequence of str, optional
        Keep only these views.
    n_queries_per_class : int, default=4
        Queries per class.
    n_train : int, optional
        Train on this many database items instead of all of them.
    random_state : None, int or numpy Generator, default=None
        ``None`` keeps the fixed rule; otherwise queries are drawn at random.

    Returns
    -------
    MultiModalDataset
    """
    return _load_multiview(
        path,
        "100leaves",
        LEAVES_VIEWS,
        LEAVES_SOURCE,
        views=views,
        n_queries_per_class=n_queries_per_class,
        n_train=n_train,
        random_state=random_state,
    )


_MV_OBTAIN = (
    "the multi-view clustering benchmark collections on GitHub "
    "(e.g. zskong/Multi-view-data, data/{file})"
)

register(
    DatasetInfo(
        name="wiki",
        description="Wiki image-text pairs: 2,866 items, image (128) + text (10), "
        "10 classes, fixed 693 query / 2,173 database (= train) split",
        files=("wiki_data.mat", "wiki_data_v73.mat"),
        obtain=WIKI_OBTAIN,
        embedded=False,
        loader=load_wiki,
    )
)
register(
    DatasetInfo(
        name="msrc-v1",
        description="MSRC-v1: 210 images, 5 views, 7 classes; 42 queries / 168 "
        "database (fixed rule)",
        files=("MSRC.mat",),
        obtain="MSRC object database v1 features as MSRC.mat from "
        + _MV_OBTAIN.format(file="MSRC.mat"),
        embedded=False,
        loader=load_msrc_v1,
    )
)
register(
    DatasetInfo(
        name="orl-4view",
        description="ORL faces: 400 images, 4 views, 40 classes; 80 queries / 320 "
        "database (fixed rule)",
        files=("ORL.mat",),
        obtain="ORL 4-view features as ORL.mat from "
        + _MV_OBTAIN.format(file="ORL.mat"),
        embedded=False,
        loader=load_orl_4view,
    )
)
register(
    DatasetInfo(
        name="100leaves",
        description="100Leaves: 1,600 leaves, 3 views, 100 classes; 400 queries / "
        "1,200 database (fixed rule)",
        files=("100Leaves.mat",),
        obtain="UCI One-hundred plant species leaves (Mallah et al. 2013) as "
        "100Leaves.mat from " + _MV_OBTAIN.format(file="100Leaves.mat"),
        embedded=False,
        loader=load_100leaves,
    )
)
