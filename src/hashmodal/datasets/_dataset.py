"""The multi-modal data set object and its retrieval split."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import scipy.sparse as sp

from hashmodal._validation import (
    check_indices,
    check_labels,
    check_positive_int,
    check_random_state,
    check_views,
    describe,
)

__all__ = [
    "MultiModalDataset",
    "Split",
    "Subset",
    "stratified_split",
]

SUBSET_NAMES = ("train", "query", "database")


def _read_only(a: np.ndarray) -> np.ndarray:
    """A read-only view of ``a`` (the caller's array keeps its own flags)."""
    out = a.view()
    out.setflags(write=False)
    return out


@dataclass(frozen=True, eq=False)
class Split:
    """Train / query / database row indices of a retrieval protocol.

    Parameters
    ----------
    train, query, database : array-like of int
        Row indices into the data set. Each must be 1-D, integer and free of
        repeats; they are checked against the data set's size when the split is
        attached to a :class:`MultiModalDataset`.
    train_in_database : bool
        Whether the protocol draws the training set from the database (the
        training items are then also retrieved), as in the Wiki protocol where
        database = training set. ``True`` requires ``train`` to be a subset of
        ``database``; ``False`` requires the two to be disjoint.

    Examples
    --------
    >>> split = Split(train=[2, 3], query=[0, 1], database=[2, 3],
    ...               train_in_database=True)
    >>> split.n_queries, split.n_database, split.n_train
    (2, 2, 2)
    """

    train: np.ndarray
    query: np.ndarray
    database: np.ndarray
    train_in_database: bool

    def __post_init__(self) -> None:
        for name in SUBSET_NAMES:
            arr = np.asarray(getattr(self, name))
            if arr.ndim != 1:
                raise ValueError(
                    f"split {name!r} must be a 1-D index array, got shape {arr.shape}"
                )
            if arr.size == 0 and arr.dtype.kind == "f":
                arr = arr.astype(np.int64)
            if arr.dtype.kind not in "iu":
                raise TypeError(
                    f"split {name!r} must hold integer indices, got {describe(arr)}"
                )
            object.__setattr__(self, name, _read_only(arr.astype(np.int64)))
        if not isinstance(self.train_in_database, bool | np.bool_):
            raise TypeError(
                "train_in_database must be a bool, got "
                f"{describe(self.train_in_database)}"
            )
        object.__setattr__(self, "train_in_database", bool(self.train_in_database))

    @property
    def n_train(self) -> int:
        """Number of training items."""
        return int(self.train.size)

    @property
    def n_queries(self) -> int:
        """Number of queries."""
        return int(self.query.size)

    @property
    def n_database(self) -> int:
        """Number of database items."""
        return int(self.database.size)

    def validate(self, n_samples: int) -> None:
        """Check the split against a data set of ``n_samples`` rows.

        Raises
        ------
        ValueError
            If an index is out of range or repeated, query and database
            overlap, the query or database set is empty, or ``train`` breaks
            the ``train_in_database`` rule.
        """
        for name in SUBSET_NAMES:
            check_indices(getattr(self, name), f"split {name!r}", n_samples)
        for name in ("query", "database"):
            if getattr(self, name).size == 0:
                raise ValueError(f"split {name!r} must not be empty")
        both = np.intersect1d(self.query, self.database)
        if both.size:
            raise ValueError(
                f"split 'query' and 'database' must not overlap, but share "
                f"{both.size} row(s), e.g. row {both[0]}"
            )
        if self.train_in_database:
            outside = np.setdiff1d(self.train, self.database)
            if outside.size:
                raise ValueError(
                    f"train_in_database=True needs every train row in the "
                    f"database, but {outside.size} are not, e.g. row {outside[0]}"
                )
        else:
            shared = np.intersect1d(self.train, self.database)
            if shared.size:
                raise ValueError(
                    f"train_in_database=False needs train and database disjoint, "
                    f"but they share {shared.size} row(s), e.g. row {shared[0]}"
                )

    def equals(self, other: Split) -> bool:
        """Whether ``other`` has the same indices in the same order and flag."""
        return (
            isinstance(other, Split)
            and self.train_in_database == other.train_in_database
            and all(
                np.array_equal(getattr(self, n), getattr(other, n))
                for n in SUBSET_NAMES
            )
        )


class Subset(NamedTuple):
    """The views and labels of one part of a split (unpacks as a pair)."""

    views: dict[str, np.ndarray | sp.csr_matrix]
    labels: np.ndarray


@dataclass(frozen=True, eq=False)
class MultiModalDataset:
    """Paired views of the same items, their labels and a retrieval split.

    Parameters
    ----------
    name : str
        Short name, e.g. ``"wiki"``.
    views : mapping of str to 2-D array or scipy sparse matrix
        Modality name -> matrix of shape (n_samples, n_features_view), one row
        per item, rows aligned across views. Dense views keep their dtype
        (integer features stay integers); sparse views are stored as CSR.
    labels : array-like of shape (n_samples,) or (n_samples, n_classes)
        Class ids ``0..n_classes-1`` (stored as ``int64``), or a multi-hot 0/1
        matrix (stored as ``uint8``).
    split : Split or None, default=None
        The retrieval protocol; ``None`` for a data set without one (see
        :func:`stratified_split` and :meth:`with_split`).
    source : str, default=""
        Where the data came from: citation and file.
    class_names : sequence of str or None, default=None
        Name of each class, in class-id order.

    Raises
    ------
    TypeError
        If a view or the labels are not numeric, or a split is not integer.
    ValueError
        If there are no views, a view is empty or holds NaN/inf, views and
        labels differ in their number of rows, labels are not valid class ids
        or multi-hot rows, split indices are out of range or repeated, query and
        database overlap, or ``class_names`` does not match the labels.

    Notes
    -----
    The object is frozen and its dense arrays are read-only views, so a data set
    cannot be changed by accident; methods that change something return a new
    data set.

    Examples
    --------
    >>> import numpy as np
    >>> ds = MultiModalDataset(
    ...     name="toy",
    ...     views={"image": np.eye(4), "text": np.ones((4, 2))},
    ...     labels=[0, 1, 0, 1],
    ...     split=Split(train=[2, 3], query=[0, 1], database=[2, 3],
    ...                 train_in_database=True),
    ... )
    >>> ds.n_samples, ds.view_names, ds.n_classes
    (4, ('image', 'text'), 2)
    >>> views, labels = ds.subset("query")
    >>> views["image"].shape, labels.tolist()
    ((2, 4), [0, 1])
    """

    name: str
    views: Mapping[str, np.ndarray | sp.csr_matrix]
    labels: np.ndarray
    split: Split | None = None
    source: str = ""
    class_names: tuple[str, ...] | None = field(default=None)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise TypeError(f"name must be a non-empty str, got {describe(self.name)}")
        if not isinstance(self.source, str):
            raise TypeError(f"source must be a str, got {describe(self.source)}")
        views = check_views(self.views, allow_sparse=True, dtype=None)
        views = {k: v if sp.issparse(v) else _read_only(v) for k, v in views.items()}
        labels = check_labels(self.labels)
        n_samples = next(iter(views.values())).shape[0]
        if labels.shape[0] != n_samples:
            first = next(iter(views))
            raise ValueError(
                f"views and labels must have the same number of rows, but view "
                f"{first!r} has {n_samples} and labels have {labels.shape[0]}"
            )
        if self.split is not None:
            if not isinstance(self.split, Split):
                raise TypeError(
                    f"split must be a Split or None, got {describe(self.split)}"
                )
            self.split.validate(n_samples)
        class_names = self.class_names
        if class_names is not None:
            class_names = tuple(class_names)
            if not all(isinstance(c, str) for c in class_names):
                raise TypeError("class_names must be a sequence of str")
            n_needed = labels.shape[1] if labels.ndim == 2 else int(labels.max()) + 1
            too_few = len(class_names) < n_needed
            if too_few or (labels.ndim == 2 and len(class_names) != n_needed):
                raise ValueError(
                    f"class_names must name {n_needed} classes, got {len(class_names)}"
                )
        object.__setattr__(self, "views", views)
        object.__setattr__(self, "labels", _read_only(labels))
        object.__setattr__(self, "class_names", class_names)

    # -- description -------------------------------------------------------

    @property
    def view_names(self) -> tuple[str, ...]:
        """Names of the views, in order."""
        return tuple(self.views)

    @property
    def n_samples(self) -> int:
        """Number of items (rows)."""
        return int(self.labels.shape[0])

    @property
    def n_features(self) -> dict[str, int]:
        """Number of columns of each view."""
        return {k: int(v.shape[1]) for k, v in self.views.items()}

    @property
    def n_classes(self) -> int:
        """Number of classes: ``len(class_names)`` if given, else the number of
        label columns (multi-hot) or the largest class id + 1."""
        if self.class_names is not None:
            return len(self.class_names)
        if self.labels.ndim == 2:
            return int(self.labels.shape[1])
        return int(self.labels.max()) + 1

    @property
    def is_multilabel(self) -> bool:
        """Whether the labels are a multi-hot matrix with some row not one-hot."""
        return self.labels.ndim == 2 and bool((self.labels.sum(axis=1) != 1).any())

    def class_ids(self) -> np.ndarray:
        """Class ids of shape (n_samples,), ``int64``.

        Raises
        ------
        ValueError
            If the labels are multi-label (a row without exactly one 1).
        """
        if self.labels.ndim == 1:
            return self.labels.copy()
        counts = self.labels.sum(axis=1)
        if (counts != 1).any():
            row = int(np.nonzero(counts != 1)[0][0])
            raise ValueError(
                f"labels of {self.name!r} are multi-label (row {row} has "
                f"{int(counts[row])} classes); class ids need exactly one per row"
            )
        return self.labels.argmax(axis=1).astype(np.int64)

    def one_hot(self) -> np.ndarray:
        """Labels as a 0/1 matrix of shape (n_samples, n_classes), ``uint8``.

        Class ids become one-hot rows; a multi-hot matrix is returned as a copy.
        """
        if self.labels.ndim == 2:
            return self.labels.copy()
        out = np.zeros((self.n_samples, self.n_classes), dtype=np.uint8)
        out[np.arange(self.n_samples), self.labels] = 1
        return out

    def class_counts(self) -> np.ndarray:
        """Number of items of each class, shape (n_classes,)."""
        return self.one_hot().sum(axis=0, dtype=np.int64)

    def summary(self) -> str:
        """A few lines describing views, labels and split."""
        lines = [f"{self.name}: {self.n_samples} samples, {self.n_classes} classes"]
        if self.is_multilabel:
            lines[0] += " (multi-label)"
        for key, view in self.views.items():
            kind = "sparse" if sp.issparse(view) else "dense"
            lines.append(
                f"  view {key!r}: {view.shape[1]} features, {kind} {view.dtype}"
            )
        if self.split is None:
            lines.append("  split: none")
        else:
            s = self.split
            lines.append(
                f"  split: {s.n_train} train, {s.n_queries} queries, "
                f"{s.n_database} database (train_in_database={s.train_in_database})"
            )
        if self.source:
            lines.append(f"  source: {self.source}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        dims = ", ".join(f"{k}={v.shape[1]}" for k, v in self.views.items())
        split = (
            "no split"
            if self.split is None
            else f"{self.split.n_queries} queries/{self.split.n_database} database"
        )
        return (
            f"MultiModalDataset({self.name!r}, n_samples={self.n_samples}, "
            f"views=({dims}), n_classes={self.n_classes}, {split})"
        )

    # -- parts and variants ------------------------------------------------

    def subset(self, part: str) -> Subset:
        """Views and labels of the ``"train"``, ``"query"`` or ``"database"`` rows.

        Returns
        -------
        Subset
            ``(views, labels)``, rows in split order.

        Raises
        ------
        ValueError
            If ``part`` is not one of the three names, or the data set has no
            split.
        """
        if part not in SUBSET_NAMES:
            raise ValueError(
                f"part must be one of {', '.join(map(repr, SUBSET_NAMES))}, "
                f"got {part!r}"
            )
        if self.split is None:
            raise ValueError(
                f"data set {self.name!r} has no split; attach one with with_split()"
            )
        rows = getattr(self.split, part)
        return Subset(
            {k: v[rows] for k, v in self.views.items()}, self.labels[rows].copy()
        )

    def select_views(
        self, names: Iterable[str], *, rename: Mapping[str, str] | None = None
    ) -> MultiModalDataset:
        """A data set with only the views ``names``, in that order.

        Parameters
        ----------
        names : iterable of str
            Views to keep (e.g. ``["fou", "kar"]`` for a two-view, cross-modal
            variant).
        rename : mapping of str to str, optional
            New names for some of the kept views, e.g. ``{"fou": "image"}``.

        Raises
        ------
        ValueError
            If a name is unknown or repeated, or the new names collide.

        Examples
        --------
        >>> import numpy as np
        >>> ds = MultiModalDataset("toy", {"a": np.eye(2), "b": np.eye(2),
        ...                                "c": np.eye(2)}, [0, 1])
        >>> ds.select_views(["c", "a"], rename={"c": "image"}).view_names
        ('image', 'a')
        """
        names = [names] if isinstance(names, str) else list(names)
        rename = dict(rename or {})
        unknown = [n for n in [*names, *rename] if n not in self.views]
        if unknown:
            raise ValueError(
                f"unknown view {unknown[0]!r}; {self.name!r} has views "
                f"{', '.join(map(repr, self.view_names))}"
            )
        if not names or len(set(names)) != len(names):
            raise ValueError(f"names must list distinct views, got {names!r}")
        new = [rename.get(n, n) for n in names]
        if len(set(new)) != len(new):
            raise ValueError(f"renamed views collide: {new!r}")
        return MultiModalDataset(
            name=self.name,
            views={rename.get(n, n): self.views[n] for n in names},
            labels=self.labels,
            split=self.split,
            source=self.source,
            class_names=self.class_names,
        )

    def with_split(self, split: Split | None) -> MultiModalDataset:
        """The same data with another split (validated)."""
        return MultiModalDataset(
            name=self.name,
            views=self.views,
            labels=self.labels,
            split=split,
            source=self.source,
            class_names=self.class_names,
        )


def stratified_split(
    labels: Any,
    n_queries_per_class: int,
    *,
    n_train: int | None = None,
    random_state: Any = None,
) -> Split:
    """A per-class query / database split; train is the database or part of it.

    In every class with ``n_c`` items (rows in ascending order) ``q =
    n_queries_per_class`` items become queries; all other items form the
    database. Which items:

    * ``random_state=None`` (the default): a fixed rule with no randomness, so
      the split never changes across library or numpy versions. The ``i``-th
      query of a class (``i = 0..q-1``) is the class's item at position
      ``floor((i + 1/2) * n_c / q)``, i.e. queries are spread evenly over each
      class.
    * otherwise: ``q`` items drawn without replacement from each class by
      ``numpy.random.default_rng(random_state)``.

    The database (and train) rows come in a scrambled order, never class by
    class: data files often list items by class, and a database in class order
    would let metrics that order tied items by database index favour some
    classes (on the embedded uci-mfeat data, ITQ's 16-bit mAP with ties by
    index read 0.49 in class order against 0.41 tie-aware). The fixed rule
    sorts rows by the SplitMix64 hash of the row number (plain integer
    arithmetic, independent of any random generator's version); with
    ``random_state`` they are permuted by the generator.

    Parameters
    ----------
    labels : array-like of shape (n_samples,) or (n_samples, n_classes)
        Class ids, or single-label one-hot rows.
    n_queries_per_class : int
        Queries taken from each class; every class must have more items.
    n_train : int or None, default=None
        ``None``: train = the whole database. Otherwise ``n_train`` database
        rows drawn with ``random_state`` (a fixed rule if ``None``: evenly
        spaced database positions).
    random_state : None, int or numpy Generator, default=None
        See above.

    Returns
    -------
    Split
        Queries in ascending order, database and train scrambled (see above);
        ``train_in_database=True``.

    Raises
    ------
    ValueError
        If a class has ``n_queries_per_class`` items or fewer, labels are
        multi-label, or ``n_train`` exceeds the database size.

    Examples
    --------
    >>> split = stratified_split([0, 0, 0, 0, 1, 1, 1, 1], 1)
    >>> split.query.tolist(), sorted(split.database.tolist())
    ([2, 6], [0, 1, 3, 4, 5, 7])
    >>> split.database.tolist()
    [3, 5, 7, 4, 1, 0]
    """
    q = check_positive_int(n_queries_per_class, "n_queries_per_class")
    ids = check_labels(labels)
    if ids.ndim == 2:
        if (ids.sum(axis=1) != 1).any():
            raise ValueError(
                "stratified_split needs single-label data (class ids or one-hot), "
                "got multi-label rows"
            )
        ids = ids.argmax(axis=1)
    rng = None if random_state is None else check_random_state(random_state)

    queries = []
    for c in np.unique(ids):
        members = np.flatnonzero(ids == c)
        if members.size <= q:
            raise ValueError(
                f"n_queries_per_class={q} needs more than {q} items per class, "
                f"but class {c} has {members.size}"
            )
        if rng is None:
            pos = np.floor((np.arange(q) + 0.5) * members.size / q).astype(np.int64)
            queries.append(members[pos])
        else:
            queries.append(rng.choice(members, size=q, replace=False))
    query = np.sort(np.concatenate(queries))
    database = np.setdiff1d(np.arange(ids.size), query)
    if rng is None:
        database = database[np.argsort(_splitmix64(database), kind="stable")]
    else:
        database = rng.permutation(database)

    if n_train is None:
        train = database
    else:
        n_train = check_positive_int(n_train, "n_train")
        if n_train > database.size:
            raise ValueError(
                f"n_train must be at most the database size {database.size}, "
                f"got {n_train}"
            )
        if rng is None:
            pos = np.floor((np.arange(n_train) + 0.5) * database.size / n_train)
            train = database[pos.astype(np.int64)]
        else:
            train = rng.choice(database, size=n_train, replace=False)
    return Split(train=train, query=query, database=database, train_in_database=True)


def _splitmix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser of each value of ``x`` (wrapping uint64 arithmetic)."""
    z = x.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))
