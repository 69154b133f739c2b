"""Result records of an experiment grid and their JSON / CSV files."""

from __future__ import annotations

import csv
import json
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path

__all__ = ["Record", "read_records", "write_records"]


@dataclass(frozen=True)
class Record:
    """One measured value of one (data set, method, task, bit length) cell.

    Attributes
    ----------
    dataset, method, task : str
        What was run. ``task`` is ``"QUERY_VIEW->DATABASE_VIEW"`` with the data
        set's view names (``"concat"`` stands for all views concatenated).
    n_bits : int
        Code length.
    metric : str
        Metric name, e.g. ``"map@all"``.
    value : float
        The metric's value.
    ties : str
        How equal Hamming distances were ordered: ``"index"`` (by database
        index) or ``"expected"`` (tie-aware expected value).
    train_seconds : float
        Wall time of ``fit`` (shared by the tasks of one fit).
    encode_seconds : float
        Wall time of encoding what the task encodes: the queries, plus the
        database items under ``database=encoded`` (under
        ``database=train_codes`` the database codes come from ``fit``).
    seed : int
        ``random_state`` of the method.
    protocol : str
        Where the database codes came from: ``"database=train_codes"`` (codes
        the method learned for the training items) or ``"database=encoded"``.
    n_queries, n_queries_without_relevant : int
        Queries evaluated, and how many of them had no relevant item (counted
        as 0).
    """

    dataset: str
    method: str
    task: str
    n_bits: int
    metric: str
    value: float
    ties: str
    train_seconds: float
    encode_seconds: float
    seed: int
    protocol: str
    n_queries: int
    n_queries_without_relevant: int


_FIELDS = [f.name for f in fields(Record)]


def write_records(records: Sequence[Record], out_dir: str | os.PathLike[str]) -> None:
    """Write ``results.json`` and ``results.csv`` (same rows) into ``out_dir``.

    Each file is written beside its target and moved into place, so an
    earlier result file is never left half-written.

    Parameters
    ----------
    records : sequence of Record
        The rows; every ``value`` must be finite.
    out_dir : str or path-like
        Folder, created if missing.

    Raises
    ------
    ValueError
        If a value is NaN or infinite (nothing is written then).

    Examples
    --------
    >>> import tempfile
    >>> row = Record("toy", "itq", "concat->concat", 16, "map@all", 0.5, "index",
    ...              0.1, 0.01, 0, "database=encoded", 10, 0)
    >>> out = tempfile.mkdtemp()
    >>> write_records([row], out)
    >>> read_records(f"{out}/results.json") == [row]
    True
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = [asdict(r) for r in records]
    for row in rows:
        if not math.isfinite(row["value"]):
            raise ValueError(f"record value must be finite, got {row}")

    tmp = out / "results.json.tmp"
    tmp.write_text(json.dumps(rows, indent=2) + "\n")
    os.replace(tmp, out / "results.json")

    tmp = out / "results.csv.tmp"
    with tmp.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=_FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    os.replace(tmp, out / "results.csv")


def read_records(path: str | os.PathLike[str]) -> list[Record]:
    """Read records from a ``results.json`` written by :func:`write_records`.

    Parameters
    ----------
    path : str or path-like
        The JSON file.

    Returns
    -------
    list of Record
    """
    rows: Iterable[dict] = json.loads(Path(path).read_text())
    return [Record(**row) for row in rows]
