"""Saving and reading data sets as ``.npz`` or HDF5 (``.h5``) files.

Layout (the same names in both formats; in HDF5 a ``/`` is a group)
------------------------------------------------------------------
``format``
    ``"hashmodal-dataset-1"`` (HDF5: root attribute).
``name``, ``source``
    Strings (HDF5: root attributes).
``view_names``
    The view names in order (HDF5: root attribute).
``views/<name>``
    A dense view, ``n_samples x d``, in its own dtype. A sparse view is a
    CSR matrix stored as ``views/<name>/data``, ``views/<name>/indices``,
    ``views/<name>/indptr`` and ``views/<name>/shape``.
``labels``
    Class ids (``int64``, ``n_samples``) or a multi-hot ``uint8`` matrix.
``class_names``
    Optional, one string per class (HDF5: root attribute).
``split/train``, ``split/query``, ``split/database``, ``split/train_in_database``
    Optional: ``int64`` row indices and a boolean.

View names must not contain ``/``. Files written by other tools load as long
as they follow this layout; ``format``, ``source`` and ``class_names`` may then
be missing (``name`` defaults to the file's stem, the view order to sorted
names).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import h5py
import numpy as np
import scipy.sparse as sp

from hashmodal.datasets._dataset import MultiModalDataset, Split

__all__ = [
    "FORMAT",
    "load_dataset_file",
    "load_h5",
    "load_npz",
    "save_dataset",
    "save_h5",
    "save_npz",
]

FORMAT = "hashmodal-dataset-1"
_SPLIT = ("train", "query", "database")


def _check_dataset(dataset: Any) -> MultiModalDataset:
    if not isinstance(dataset, MultiModalDataset):
        raise TypeError(
            f"dataset must be a MultiModalDataset, got {type(dataset).__name__}"
        )
    bad = [v for v in dataset.view_names if "/" in v]
    if bad:
        raise ValueError(f"view names must not contain '/' to be saved, got {bad[0]!r}")
    return dataset


def _flat_arrays(ds: MultiModalDataset) -> dict[str, np.ndarray]:
    """The arrays of the layout, keyed by their path."""
    out: dict[str, np.ndarray] = {"labels": np.asarray(ds.labels)}
    for key, view in ds.views.items():
        if sp.issparse(view):
            out[f"views/{key}/data"] = view.data
            out[f"views/{key}/indices"] = view.indices
            out[f"views/{key}/indptr"] = view.indptr
            out[f"views/{key}/shape"] = np.asarray(view.shape, dtype=np.int64)
        else:
            out[f"views/{key}"] = np.asarray(view)
    if ds.split is not None:
        for part in _SPLIT:
            out[f"split/{part}"] = np.asarray(getattr(ds.split, part))
        out["split/train_in_database"] = np.asarray(ds.split.train_in_database)
    return out


def _text(ds: MultiModalDataset) -> dict[str, Any]:
    text: dict[str, Any] = {
        "format": FORMAT,
        "name": ds.name,
        "source": ds.source,
        "view_names": list(ds.view_names),
    }
    if ds.class_names is not None:
        text["class_names"] = list(ds.class_names)
    return text


def _assemble(
    get: Any, has: Any, text: dict[str, Any], path: Path
) -> MultiModalDataset:
    """Build the data set from array getters and the string fields."""
    fmt = text.get("format")
    if fmt is not None and fmt != FORMAT:
        raise ValueError(f"{path} has format {fmt!r}; this hashmodal reads {FORMAT!r}")
    if not has("labels"):
        raise KeyError(f"{path} is not a hashmodal data set file: no 'labels'")
    names = text.get("view_names")
    if names is None:
        names = sorted(text.get("stored_views", []))
    views: dict[str, Any] = {}
    for key in names:
        base = f"views/{key}"
        if has(f"{base}/indptr"):
            shape = tuple(int(n) for n in get(f"{base}/shape"))
            views[key] = sp.csr_matrix(
                (get(f"{base}/data"), get(f"{base}/indices"), get(f"{base}/indptr")),
                shape=shape,
            )
        elif has(base):
            views[key] = get(base)
        else:
            raise KeyError(f"{path} lists view {key!r} but does not hold {base}")
    split = None
    if has("split/query"):
        split = Split(
            train=get("split/train"),
            query=get("split/query"),
            database=get("split/database"),
            train_in_database=bool(get("split/train_in_database")),
        )
    class_names = text.get("class_names")
    return MultiModalDataset(
        name=text.get("name") or path.stem,
        views=views,
        labels=get("labels"),
        split=split,
        source=text.get("source", ""),
        class_names=tuple(class_names) if class_names is not None else None,
    )


def save_npz(
    dataset: MultiModalDataset, path: str | os.PathLike[str], *, compress: bool = True
) -> None:
    """Write ``dataset`` to a ``.npz`` file (layout in the module docs).

    Parameters
    ----------
    dataset : MultiModalDataset
    path : str or path-like
        Target file; numpy appends ``.npz`` if missing.
    compress : bool, default=True
        Use ``numpy.savez_compressed``.

    Raises
    ------
    TypeError
        If ``dataset`` is not a :class:`MultiModalDataset`.
    ValueError
        If a view name contains ``/``.

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> from pathlib import Path
    >>> ds = MultiModalDataset("toy", {"image": np.eye(3)}, [0, 1, 1])
    >>> f = Path(tempfile.mkdtemp()) / "toy.npz"
    >>> save_npz(ds, f)
    >>> load_npz(f).view_names
    ('image',)
    """
    ds = _check_dataset(dataset)
    arrays = _flat_arrays(ds)
    for key, value in _text(ds).items():
        arrays[key] = np.asarray(value, dtype=str)
    (np.savez_compressed if compress else np.savez)(path, **arrays)


def load_npz(path: str | os.PathLike[str]) -> MultiModalDataset:
    """Read a data set written by :func:`save_npz` (or in the same layout).

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    KeyError
        If ``labels`` or a listed view is missing.
    ValueError
        If the file has another format tag, or its contents are invalid (the
        data set's own checks).
    """
    path = Path(path)
    with np.load(path, allow_pickle=False) as npz:
        files = set(npz.files)
        text: dict[str, Any] = {}
        for key in ("format", "name", "source"):
            if key in files:
                text[key] = str(npz[key])
        for key in ("view_names", "class_names"):
            if key in files:
                text[key] = [str(s) for s in npz[key]]
        text["stored_views"] = {
            f.split("/")[1] for f in files if f.startswith("views/")
        }
        return _assemble(lambda k: npz[k], files.__contains__, text, path)


def save_h5(dataset: MultiModalDataset, path: str | os.PathLike[str]) -> None:
    """Write ``dataset`` to an HDF5 file (layout in the module docs).

    Arrays are gzip-compressed datasets; strings are root attributes.

    Raises
    ------
    TypeError
        If ``dataset`` is not a :class:`MultiModalDataset`.
    ValueError
        If a view name contains ``/``.
    """
    ds = _check_dataset(dataset)
    with h5py.File(path, "w") as f:
        for key, value in _text(ds).items():
            f.attrs[key] = value
        for key, arr in _flat_arrays(ds).items():
            if arr.ndim == 0:
                f.create_dataset(key, data=arr)
            else:
                f.create_dataset(key, data=arr, compression="gzip")


def load_h5(path: str | os.PathLike[str]) -> MultiModalDataset:
    """Read a data set written by :func:`save_h5` (or in the same layout).

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    KeyError, ValueError
        As :func:`load_npz`.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no HDF5 data set file at {path}")

    def as_str(value: Any) -> str:
        return value.decode() if isinstance(value, bytes) else str(value)

    with h5py.File(path, "r") as f:
        text: dict[str, Any] = {}
        for key in ("format", "name", "source"):
            if key in f.attrs:
                text[key] = as_str(f.attrs[key])
        for key in ("view_names", "class_names"):
            if key in f.attrs:
                text[key] = [as_str(s) for s in np.atleast_1d(f.attrs[key])]
        text["stored_views"] = set(f["views"].keys()) if "views" in f else set()
        return _assemble(lambda k: f[k][()], f.__contains__, text, path)


def save_dataset(dataset: MultiModalDataset, path: str | os.PathLike[str]) -> None:
    """Write ``dataset`` as ``.npz`` or ``.h5`` / ``.hdf5``, chosen by suffix.

    Raises
    ------
    ValueError
        For another suffix.
    """
    if _file_format(path) == "npz":
        save_npz(dataset, path)
    else:
        save_h5(dataset, path)


def load_dataset_file(path: str | os.PathLike[str]) -> MultiModalDataset:
    """Read a ``.npz`` or ``.h5`` / ``.hdf5`` data set file, chosen by suffix.

    Raises
    ------
    ValueError
        For another suffix.
    """
    if _file_format(path) == "npz":
        return load_npz(path)
    return load_h5(path)


def _file_format(path: str | os.PathLike[str]) -> str:
    """``"npz"`` or ``"h5"``, from the suffix of ``path`` (any letter case)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".npz":
        return "npz"
    if suffix in (".h5", ".hdf5"):
        return "h5"
    raise ValueError(f"path must end in .npz, .h5 or .hdf5, got {str(path)!r}")
