"""Reading MATLAB files (v5 through scipy, v7.3 through h5py) into data sets.

Two layouts are understood:

* **cross-modal** (:func:`load_cross_modal_mat`): one matrix per view and part,
  named ``<prefix>_tr`` (training), ``<prefix>_te`` (test = queries) and,
  optionally, ``<prefix>_db`` (retrieval database); e.g. ``I_tr, T_tr, L_tr,
  I_te, T_te, L_te`` for image, text and labels. This is how the published
  files of most cross-modal hashing papers are laid out.
* **multi-view** (:func:`load_multiview_mat`): a cell array ``X`` of
  ``n_samples x d_v`` matrices and a label vector ``Y``, as in the files of the
  multi-view clustering literature.

MATLAB class ids are read as 1-based: class ``c`` becomes class id ``c - 1``,
which is column ``c - 1`` of a one-hot label matrix. So a file with class ids
and a file with the same labels one-hot give the same data set.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import h5py
import numpy as np
import scipy.io as sio
import scipy.sparse as sp

from hashmodal._validation import check_labels, describe
from hashmodal.datasets._dataset import MultiModalDataset, Split

__all__ = [
    "load_cross_modal_mat",
    "load_multiview_mat",
    "read_mat",
]

logger = logging.getLogger(__name__)

_H5_SKIP = ("#refs#", "#subsystem#")


def _read_h5_value(f: h5py.File, obj: Any, name: str) -> Any:
    """One variable of a v7.3 file, in MATLAB's orientation."""
    if isinstance(obj, h5py.Group):
        if "MATLAB_sparse" in obj.attrs:
            n_rows = int(obj.attrs["MATLAB_sparse"])
            jc = np.asarray(obj["jc"], dtype=np.int64)
            ir = (
                np.asarray(obj["ir"], dtype=np.int64)
                if "ir" in obj
                else np.zeros(0, np.int64)
            )
            data = np.asarray(obj["data"]) if "data" in obj else np.zeros(0)
            if data.dtype.names and {"real", "imag"} <= set(data.dtype.names):
                raise NotImplementedError(
                    f"variable {name!r} is a complex sparse matrix; hashmodal "
                    "reads real matrices only"
                )
            return sp.csc_matrix((data, ir, jc), shape=(n_rows, jc.size - 1)).tocsr()
        raise NotImplementedError(
            f"variable {name!r} is a MATLAB struct or object; hashmodal reads "
            "numeric matrices, sparse matrices and cell arrays of them"
        )
    mclass = obj.attrs.get("MATLAB_class", b"double")
    mclass = mclass.decode() if isinstance(mclass, bytes) else str(mclass)
    if obj.attrs.get("MATLAB_empty", 0):
        return np.zeros((0, 0))
    value = np.asarray(obj)
    if mclass == "cell":
        cells = np.empty(value.shape, dtype=object)
        for idx, ref in np.ndenumerate(value):
            cells[idx] = _read_h5_value(f, f[ref], f"{name}{{{idx}}}")
        return cells.T
    if mclass == "char":
        return "".join(map(chr, value.T.ravel(order="F")))
    if value.dtype.names:
        raise NotImplementedError(
            f"variable {name!r} is complex; hashmodal reads real matrices only"
        )
    if mclass == "logical":
        value = value.astype(bool)
    return value.T


def read_mat(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Variables of a MATLAB ``.mat`` file, v5/v7 or v7.3 (HDF5).

    Matrices come back in MATLAB's orientation (v7.3 files store them
    transposed; this is undone), sparse matrices as CSR, cell arrays as object
    arrays of their MATLAB shape, char arrays as ``str``.

    Parameters
    ----------
    path : str or path-like
        The file.

    Returns
    -------
    dict of str to value

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If it is neither a MATLAB v5 nor an HDF5 (v7.3) file.
    NotImplementedError
        For v7.3 structs, objects and complex matrices.

    Examples
    --------
    >>> import tempfile, numpy as np, scipy.io as sio
    >>> from pathlib import Path
    >>> f = Path(tempfile.mkdtemp()) / "a.mat"
    >>> sio.savemat(f, {"A": np.arange(6.0).reshape(2, 3)})
    >>> read_mat(f)["A"].shape
    (2, 3)
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no MATLAB file at {path}")
    if h5py.is_hdf5(path):
        with h5py.File(path, "r") as f:
            return {
                key: _read_h5_value(f, f[key], key)
                for key in f.keys()
                if key not in _H5_SKIP
            }
    try:
        raw = sio.loadmat(path)
    except (sio.matlab.MatReadError, ValueError, TypeError, OSError) as exc:
        raise ValueError(
            f"{path} is neither a MATLAB v5 nor a v7.3 (HDF5) file: {exc}"
        ) from None
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key.startswith("__"):
            continue
        if sp.issparse(value):
            value = sp.csr_matrix(value)
        elif isinstance(value, np.ndarray) and value.dtype.kind == "U":
            value = "".join(value.ravel())
        out[key] = value
    return out


def _as_view(value: Any, name: str, path: Path) -> np.ndarray | sp.csr_matrix:
    if sp.issparse(value):
        return sp.csr_matrix(value)
    if not isinstance(value, np.ndarray) or value.dtype.kind not in "biuf":
        raise ValueError(
            f"variable {name!r} in {path} must be a numeric matrix, got "
            f"{describe(value)}"
        )
    if value.ndim != 2:
        raise ValueError(
            f"variable {name!r} in {path} must be a 2-D matrix, got shape {value.shape}"
        )
    return value


def matlab_labels(
    value: Any, name: str, n_rows: int, *, one_based: bool = True
) -> np.ndarray:
    """Labels of a MATLAB file as class ids (0-based) or a multi-hot matrix.

    A column or row vector of ``n_rows`` entries is read as class ids
    (``c - 1`` if ``one_based``); a matrix with one 0/1 column per class as
    one-hot (returned as class ids when every row has exactly one 1) or
    multi-hot (returned as a ``uint8`` matrix).

    Raises
    ------
    ValueError
        If the shape does not fit ``n_rows``, or 1-based ids contain 0.
    """
    if sp.issparse(value):
        value = value.toarray()
    arr = np.asarray(value)
    if arr.ndim == 2 and (arr.shape[1] == 1 or (arr.shape[0] == 1 and n_rows != 1)):
        arr = arr.ravel()
    if arr.shape[0] != n_rows:
        raise ValueError(
            f"labels {name!r} must have {n_rows} rows like the views, got shape "
            f"{arr.shape}"
        )
    if arr.ndim == 1:
        ids = check_labels(arr, f"labels {name!r}")
        if one_based:
            if ids.min() < 1:
                raise ValueError(
                    f"labels {name!r} hold class id 0, but MATLAB class ids are "
                    "read as 1-based; pass one_based_labels=False for 0-based ids"
                )
            ids = ids - 1
        return ids
    hot = check_labels(arr, f"labels {name!r}")
    if (hot.sum(axis=1) == 1).all():
        return hot.argmax(axis=1).astype(np.int64)
    return hot


def _stack_labels(parts: Sequence[np.ndarray]) -> np.ndarray:
    """Concatenate label blocks; class ids become multi-hot if any block is."""
    if all(p.ndim == 1 for p in parts):
        return np.concatenate(parts)
    n_classes = max(p.shape[1] if p.ndim == 2 else int(p.max()) + 1 for p in parts)
    blocks = []
    for p in parts:
        if p.ndim == 1:
            hot = np.zeros((p.size, n_classes), dtype=np.uint8)
            hot[np.arange(p.size), p] = 1
        else:
            hot = np.zeros((p.shape[0], n_classes), dtype=np.uint8)
            hot[:, : p.shape[1]] = p
        blocks.append(hot)
    return np.concatenate(blocks)


def _stack_rows(parts: Sequence[Any]) -> np.ndarray | sp.csr_matrix:
    if any(sp.issparse(p) for p in parts):
        return sp.vstack([sp.csr_matrix(p) for p in parts], format="csr")
    return np.concatenate(parts, axis=0)


def _row_keys(views: Sequence[Any], labels: np.ndarray) -> list[bytes]:
    """Bytes that identify each row across all views and its labels."""
    dense = [v.toarray() if sp.issparse(v) else v for v in views]
    lab = labels.reshape(labels.shape[0], -1)
    return [
        b"".join(np.ascontiguousarray(d[i]).tobytes() for d in dense) + lab[i].tobytes()
        for i in range(lab.shape[0])
    ]


def _train_rows_in_database(
    train_views: Sequence[Any],
    train_labels: np.ndarray,
    db_views: Sequence[Any],
    db_labels: np.ndarray,
) -> np.ndarray | None:
    """Database row of each training row (identical in every view and label),
    each database row used once; ``None`` if some training row has no match."""
    free: dict[bytes, list[int]] = {}
    for i, key in enumerate(_row_keys(db_views, db_labels)):
        free.setdefault(key, []).append(i)
    rows = []
    for key in _row_keys(train_views, train_labels):
        slots = free.get(key)
        if not slots:
            return None
        rows.append(slots.pop(0))
    return np.asarray(rows, dtype=np.int64)


def load_cross_modal_mat(
    path: str | os.PathLike[str],
    *,
    views: Mapping[str, str] | None = None,
    labels: str = "L",
    name: str | None = None,
    source: str = "",
    class_names: Sequence[str] | None = None,
    one_based_labels: bool = True,
    train_in_database: bool | None = None,
) -> MultiModalDataset:
    """Load a cross-modal ``.mat`` file with ``_tr`` / ``_te`` / ``_db`` parts.

    Parameters
    ----------
    path : str or path-like
        A MATLAB v5/v7 or v7.3 (HDF5) file.
    views : mapping of str to str, default={"image": "I", "text": "T"}
        View name -> variable prefix: view ``"image"`` is read from ``I_tr``,
        ``I_te`` (and ``I_db``). Order gives the view order.
    labels : str, default="L"
        Prefix of the label variables (``L_tr``, ``L_te``, ``L_db``): class ids
        or one-hot / multi-hot matrices (see :func:`matlab_labels`).
    name : str, optional
        Data set name; default: the file's stem.
    source : str, default=""
        Citation; the file name is appended.
    class_names : sequence of str, optional
        Class names in class-id order.
    one_based_labels : bool, default=True
        Read class ids as 1-based (MATLAB convention) and subtract one.
    train_in_database : bool or None, default=None
        Only used when the file has ``_db`` variables. ``None``: decided from
        the data -- ``True`` when every training row equals a database row
        (all views and labels), in which case the training rows are not stored
        twice; ``False`` otherwise.

    Returns
    -------
    MultiModalDataset
        Without ``_db``: rows are ``_tr`` then ``_te``; train = the ``_tr``
        rows, query = the ``_te`` rows, database = train
        (``train_in_database=True``). With ``_db``: rows are ``_db``, then
        ``_te``, then ``_tr`` unless found inside the database; query = ``_te``,
        database = ``_db``. With ``_db`` but no ``_tr``, train = database.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    KeyError
        If a required variable (``<prefix>_te``, and ``_tr`` or ``_db``) is
        missing; the message lists the file's variables.
    ValueError
        If row counts differ, values are not finite, or labels are malformed;
        or ``train_in_database=True`` but the training rows are not in the
        database.

    Examples
    --------
    >>> import tempfile, numpy as np, scipy.io as sio
    >>> from pathlib import Path
    >>> f = Path(tempfile.mkdtemp()) / "toy.mat"
    >>> rng = np.random.default_rng(0)
    >>> sio.savemat(f, {"I_tr": rng.random((6, 4)), "T_tr": rng.random((6, 3)),
    ...                 "L_tr": [[1], [2], [1], [2], [1], [2]],
    ...                 "I_te": rng.random((2, 4)), "T_te": rng.random((2, 3)),
    ...                 "L_te": [[1], [2]]})
    >>> ds = load_cross_modal_mat(f)
    >>> ds.view_names, ds.split.n_queries, ds.split.n_database
    (('image', 'text'), 2, 6)
    """
    path = Path(path)
    views = dict(views) if views is not None else {"image": "I", "text": "T"}
    if not views:
        raise ValueError("views must name at least one view prefix, got none")
    data = read_mat(path)
    prefixes = [*views.values(), labels]

    def part(suffix: str, required: bool) -> dict[str, Any] | None:
        keys = [f"{p}_{suffix}" for p in prefixes]
        present = [k in data for k in keys]
        if not any(present) and not required:
            return None
        missing = [k for k, ok in zip(keys, present, strict=True) if not ok]
        if missing:
            raise KeyError(
                f"{path} lacks variable(s) {', '.join(missing)}; it holds "
                f"{', '.join(sorted(data)) or 'no variables'}"
            )
        block = {
            v: _as_view(data[f"{p}_{suffix}"], f"{p}_{suffix}", path)
            for v, p in views.items()
        }
        n_rows = next(iter(block.values())).shape[0]
        for v in views:
            if block[v].shape[0] != n_rows:
                first = next(iter(views))
                raise ValueError(
                    f"views {first!r} and {v!r} have {n_rows} and "
                    f"{block[v].shape[0]} rows in part {suffix!r} of {path}"
                )
        lab = matlab_labels(
            data[f"{labels}_{suffix}"],
            f"{labels}_{suffix}",
            n_rows,
            one_based=one_based_labels,
        )
        return {"views": block, "labels": lab, "n": n_rows}

    test = part("te", required=True)
    db = part("db", required=False)
    train = part("tr", required=db is None)
    assert test is not None

    if db is None:
        assert train is not None
        order = [train, test]
        n_tr, n_te = train["n"], test["n"]
        train_idx = np.arange(n_tr)
        split = Split(
            train=train_idx,
            query=np.arange(n_tr, n_tr + n_te),
            database=train_idx,
            train_in_database=True,
        )
    else:
        n_db, n_te = db["n"], test["n"]
        db_idx = np.arange(n_db)
        query_idx = np.arange(n_db, n_db + n_te)
        order = [db, test]
        if train is None:
            split = Split(db_idx, query_idx, db_idx, train_in_database=True)
        else:
            rows = None
            if train_in_database is not False:
                rows = _train_rows_in_database(
                    list(train["views"].values()),
                    train["labels"],
                    list(db["views"].values()),
                    db["labels"],
                )
                if rows is None and train_in_database:
                    raise ValueError(
                        f"train_in_database=True, but some training rows of {path} "
                        "are not found in its database (_db) rows"
                    )
            if rows is not None:
                split = Split(rows, query_idx, db_idx, train_in_database=True)
            else:
                order.append(train)
                start = n_db + n_te
                split = Split(
                    np.arange(start, start + train["n"]),
                    query_idx,
                    db_idx,
                    train_in_database=False,
                )

    all_views = {v: _stack_rows([b["views"][v] for b in order]) for v in views}
    all_labels = _stack_labels([b["labels"] for b in order])
    cite = f"{source} (file {path.name})" if source else f"file {path.name}"
    logger.debug("loaded %s from %s", name or path.stem, path)
    return MultiModalDataset(
        name=name or path.stem,
        views=all_views,
        labels=all_labels,
        split=split,
        source=cite,
        class_names=tuple(class_names) if class_names is not None else None,
    )


def load_multiview_mat(
    path: str | os.PathLike[str],
    *,
    view_names: Sequence[str] | None = None,
    views_key: str = "X",
    labels_key: str = "Y",
    name: str | None = None,
    source: str = "",
    class_names: Sequence[str] | None = None,
    one_based_labels: bool = True,
    split: Split | None = None,
    transpose: bool = False,
) -> MultiModalDataset:
    """Load a multi-view ``.mat`` file: a cell array of views and a label vector.

    Parameters
    ----------
    path : str or path-like
        A MATLAB v5/v7 or v7.3 (HDF5) file.
    view_names : sequence of str, optional
        One name per cell, in cell order; default ``"v1"``, ``"v2"``, ...
    views_key, labels_key : str, default="X", "Y"
        Names of the cell array and of the labels.
    name : str, optional
        Data set name; default: the file's stem.
    source : str, default=""
        Citation; the file name is appended.
    class_names : sequence of str, optional
        Class names in class-id order.
    one_based_labels : bool, default=True
        Read class ids as 1-based and subtract one.
    split : Split or None, default=None
        Split to attach (such files carry none).
    transpose : bool, default=False
        The cells hold ``d_v x n_samples`` matrices (features in rows).

    Returns
    -------
    MultiModalDataset

    Raises
    ------
    KeyError
        If ``views_key`` or ``labels_key`` is missing.
    ValueError
        If ``view_names`` has the wrong length, or views/labels are invalid.
    """
    path = Path(path)
    data = read_mat(path)
    for key in (views_key, labels_key):
        if key not in data:
            raise KeyError(
                f"{path} lacks variable {key!r}; it holds "
                f"{', '.join(sorted(data)) or 'no variables'}"
            )
    cells = data[views_key]
    if not isinstance(cells, np.ndarray) or cells.dtype != object:
        raise ValueError(
            f"variable {views_key!r} in {path} must be a cell array of views, got "
            f"{describe(cells)}"
        )
    cells = list(cells.ravel(order="F"))
    if view_names is None:
        view_names = [f"v{i + 1}" for i in range(len(cells))]
    view_names = list(view_names)
    if len(view_names) != len(cells):
        raise ValueError(
            f"view_names must name the {len(cells)} views in {path}, got "
            f"{len(view_names)}: {view_names!r}"
        )
    mats = {}
    for i, (v, cell) in enumerate(zip(view_names, cells, strict=True)):
        mat = _as_view(cell, f"{views_key}{{{i + 1}}}", path)
        mats[v] = (
            mat.T.tocsr()
            if sp.issparse(mat) and transpose
            else (mat.T if transpose else mat)
        )
    n_rows = next(iter(mats.values())).shape[0]
    lab = matlab_labels(
        data[labels_key], labels_key, n_rows, one_based=one_based_labels
    )
    cite = f"{source} (file {path.name})" if source else f"file {path.name}"
    return MultiModalDataset(
        name=name or path.stem,
        views=mats,
        labels=lab,
        split=split,
        source=cite,
        class_names=tuple(class_names) if class_names is not None else None,
    )
