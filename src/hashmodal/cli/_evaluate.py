"""``hashmodal evaluate``: mAP of query codes against database codes."""

from __future__ import annotations

import json
import logging
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from hashmodal.cli._app import app
from hashmodal.cli._common import fail
from hashmodal.codes import as_codes
from hashmodal.metrics import mean_average_precision

logger = logging.getLogger(__name__)


class Ties(StrEnum):
    index = "index"
    expected = "expected"


class Normalization(StrEnum):
    min_r_k = "min_r_k"
    hits_in_k = "hits_in_k"


def _load(path: Path, option: str) -> np.ndarray:
    try:
        return np.load(path, allow_pickle=False)
    except FileNotFoundError:
        fail(f"{option}: no such file {str(path)!r}")
    except (OSError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        fail(f"{option}: {str(path)!r} is not a readable .npy array ({reason})")


def _check_labels(arrays: dict, n_queries: int, n_database: int) -> None:
    """Label files must match their codes' rows and each other's form."""
    ql, dl = arrays["--query-labels"], arrays["--database-labels"]
    for option, labels, n_rows in (
        ("--query-labels", ql, n_queries),
        ("--database-labels", dl, n_database),
    ):
        if labels.ndim not in (1, 2):
            fail(
                f"{option} must be 1-D class ids or 2-D multi-hot, got shape "
                f"{labels.shape}"
            )
        if labels.shape[0] != n_rows:
            codes = (
                "--query-codes" if option == "--query-labels" else "--database-codes"
            )
            fail(f"{option} has {labels.shape[0]} rows but {codes} has {n_rows} codes")
    if ql.ndim != dl.ndim or (ql.ndim == 2 and ql.shape[1] != dl.shape[1]):
        fail(
            f"--query-labels and --database-labels must have the same form, got "
            f"shapes {ql.shape} and {dl.shape}"
        )


@app.command()
def evaluate(
    query_codes: Annotated[
        Path, typer.Option(help="Query codes (.npy): packed uint8, {0,1} or {-1,+1}.")
    ],
    database_codes: Annotated[
        Path, typer.Option(help="Database codes (.npy), same form as the queries.")
    ],
    query_labels: Annotated[
        Path, typer.Option(help="Query labels (.npy): 1-D class ids or 2-D multi-hot.")
    ],
    database_labels: Annotated[
        Path, typer.Option(help="Database labels (.npy), same form.")
    ],
    n_bits: Annotated[
        int | None, typer.Option(help="Bit length; required for packed uint8 codes.")
    ] = None,
    k: Annotated[
        int | None, typer.Option(help="Cut-off of mAP@K; omit for the whole database.")
    ] = None,
    ties: Annotated[
        Ties, typer.Option(help="Order inside equal distances.")
    ] = Ties.expected,
    normalization: Annotated[
        Normalization, typer.Option(help="Denominator of AP@K.")
    ] = Normalization.min_r_k,
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Also write the result as JSON here.")
    ] = None,
) -> None:
    """Mean average precision of a Hamming ranking of database codes per query."""
    arrays = {
        "--query-codes": _load(query_codes, "--query-codes"),
        "--database-codes": _load(database_codes, "--database-codes"),
        "--query-labels": _load(query_labels, "--query-labels"),
        "--database-labels": _load(database_labels, "--database-labels"),
    }
    if k is not None and k < 1:
        fail(f"--k must be an integer >= 1 (omit it for the whole database), got {k}")
    if json_path is not None and not json_path.parent.is_dir():
        fail(f"--json: folder {str(json_path.parent)!r} does not exist")
    try:
        queries = as_codes(arrays["--query-codes"], n_bits, name="--query-codes")
        database = as_codes(arrays["--database-codes"], n_bits, name="--database-codes")
        _check_labels(arrays, len(queries), len(database))
        score = mean_average_precision(
            queries,
            database,
            arrays["--query-labels"],
            arrays["--database-labels"],
            k=k,
            ties=ties.value,
            normalization=normalization.value,
        )
    except (ValueError, TypeError) as exc:
        fail(str(exc).splitlines()[0])

    result = score.to_dict()
    result["map"] = result.pop("value")
    result["n_bits"] = queries.n_bits
    result["n_database"] = len(database)

    table = Table(title="hashmodal evaluate")
    table.add_column("metric")
    table.add_column("value", justify="right")
    label = "mAP" if k is None else f"mAP@{k}"
    table.add_row(label, f"{score.value:.4f}")
    table.add_row("queries", str(score.n_queries))
    table.add_row("queries without relevant", str(score.n_queries_without_relevant))
    table.add_row("database items", str(len(database)))
    table.add_row("bits", str(queries.n_bits))
    table.add_row("ties", score.ties)
    table.add_row("normalization", str(score.normalization))
    Console().print(table)

    if json_path is not None:
        try:
            json_path.write_text(json.dumps(result, indent=2) + "\n")
        except OSError as exc:
            fail(f"--json: cannot write {str(json_path)!r} ({exc.strerror})")
