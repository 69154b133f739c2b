"""Named data sets: ``load("wiki", path=...)``, ``available()``.

Where files are looked for
--------------------------
``load(name, path=...)`` accepts the data file itself or a folder holding it
(either the data set's folder or a root folder with a ``<name>/`` sub-folder).
Without ``path``, the folder named by the environment variable
``HASHMODAL_DATA`` is used as such a root: ``$HASHMODAL_DATA/<name>/``.
``uci-mfeat`` needs no file: without ``path`` it loads the copy embedded in
hashmodal.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hashmodal.datasets._dataset import MultiModalDataset

__all__ = [
    "DATA_ENV_VAR",
    "DatasetInfo",
    "DatasetNotFoundError",
    "available",
    "list_datasets",
    "load",
]

logger = logging.getLogger(__name__)

DATA_ENV_VAR = "HASHMODAL_DATA"


class DatasetNotFoundError(FileNotFoundError):
    """Raised when a data set's files are not where they were looked for.

    The message lists the places looked at and where the data can be obtained.
    """


@dataclass(frozen=True)
class DatasetInfo:
    """What the registry knows about a named data set.

    Attributes
    ----------
    name : str
        Registry name.
    description : str
        One line: items, views, classes, protocol.
    files : tuple of str
        File names looked for inside a folder, in order of preference.
    obtain : str
        Where the files come from (paper, URL).
    embedded : bool
        Whether hashmodal ships the data (no ``path`` needed).
    """

    name: str
    description: str
    files: tuple[str, ...]
    obtain: str
    embedded: bool
    loader: Callable[..., MultiModalDataset]


_REGISTRY: dict[str, DatasetInfo] = {}


def register(info: DatasetInfo) -> None:
    """Add a data set to the registry (used by hashmodal's loader modules)."""
    if info.name in _REGISTRY:
        raise ValueError(f"data set {info.name!r} is already registered")
    _REGISTRY[info.name] = info


def available() -> tuple[str, ...]:
    """Names accepted by :func:`load`, sorted.

    Examples
    --------
    >>> "wiki" in available() and "uci-mfeat" in available()
    True
    """
    return tuple(sorted(_REGISTRY))


def list_datasets() -> list[DatasetInfo]:
    """Registry entries with descriptions, sorted by name."""
    return [_REGISTRY[n] for n in available()]


def _info(name: str) -> DatasetInfo:
    if not isinstance(name, str) or name not in _REGISTRY:
        raise ValueError(
            f"unknown data set {name!r}; available: {', '.join(available())}"
        )
    return _REGISTRY[name]


def resolve_path(info: DatasetInfo, path: str | os.PathLike[str] | None) -> Path:
    """The data file to read for ``info``, or :class:`DatasetNotFoundError`."""
    looked: list[Path] = []
    if path is not None:
        base = Path(path).expanduser()
        if base.is_file():
            return base
        folders = [base, base / info.name] if base.is_dir() else []
        if not base.is_dir():
            looked.append(base)
        origin = f"path={str(path)!r}"
    elif os.environ.get(DATA_ENV_VAR):
        folders = [Path(os.environ[DATA_ENV_VAR]).expanduser() / info.name]
        origin = f"${DATA_ENV_VAR}={os.environ[DATA_ENV_VAR]!r}"
    else:
        raise DatasetNotFoundError(
            f"data set {info.name!r} is not shipped with hashmodal; pass "
            f"path=<file or folder> or set ${DATA_ENV_VAR} to a folder holding "
            f"{info.name}/. Files: {', '.join(info.files)}. Obtain: {info.obtain}"
        )
    for folder in folders:
        for fname in info.files:
            candidate = folder / fname
            looked.append(candidate)
            if candidate.is_file():
                return candidate
    raise DatasetNotFoundError(
        f"data set {info.name!r} not found ({origin}); looked for "
        f"{', '.join(str(p) for p in looked)}. Obtain: {info.obtain}"
    )


def load(
    name: str, path: str | os.PathLike[str] | None = None, **kwargs: Any
) -> MultiModalDataset:
    """Load a named data set.

    Parameters
    ----------
    name : str
        One of :func:`available`: ``"wiki"``, ``"uci-mfeat"``, ``"msrc-v1"``,
        ``"orl-4view"``, ``"100leaves"``.
    path : str or path-like, optional
        The data file, or a folder holding it (the data set's own folder or a
        root with a ``<name>/`` sub-folder). Default: ``$HASHMODAL_DATA/<name>/``;
        ``uci-mfeat`` without ``path`` loads the embedded copy.
    **kwargs
        Passed to the data set's loader, e.g. ``views=["fou", "kar"]`` to keep
        two views, or ``n_queries_per_class`` for sets without a fixed split.

    Returns
    -------
    MultiModalDataset

    Raises
    ------
    ValueError
        If ``name`` is unknown (the message lists the available names).
    DatasetNotFoundError
        A ``FileNotFoundError`` naming the places looked at and where to obtain
        the data.

    Examples
    --------
    >>> ds = load("uci-mfeat", views=["fou", "kar"])
    >>> ds.view_names, ds.split.n_queries, ds.split.n_database
    (('fou', 'kar'), 500, 1500)
    """
    info = _info(name)
    if info.embedded and path is None:
        return info.loader(None, **kwargs)
    file = resolve_path(info, path)
    logger.info("loading data set %r from %s", name, file)
    return info.loader(file, **kwargs)


def select(ds: MultiModalDataset, views: Sequence[str] | None) -> MultiModalDataset:
    """``ds`` restricted to ``views`` (all when ``None``)."""
    return ds if views is None else ds.select_views(views)
