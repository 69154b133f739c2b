"""``hashmodal bench``: fit, evaluate and report a grid of methods and bit lengths."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from hashmodal.cli._app import app
from hashmodal.cli._common import fail, parse_int_list, parse_name_list

logger = logging.getLogger(__name__)

DEFAULT_METHODS = "lsh,pcah,itq,sh,sklsh,cvh,cmfh,scratch"
# Cross-modal pair of the embedded data: Fourier coefficients -> Karhunen-Loeve
# coefficients, the pairing used by cross-view hashing demos on this data.
DEFAULT_VIEWS = {"uci-mfeat": "fou,kar"}


@app.command()
def bench(
    dataset: Annotated[
        str,
        typer.Option(
            help="Registered data set name, e.g. uci-mfeat (embedded) or wiki."
        ),
    ] = "uci-mfeat",
    data_path: Annotated[
        Path | None,
        typer.Option(
            help="File or folder holding the data set (not needed if embedded)."
        ),
    ] = None,
    methods: Annotated[
        str, typer.Option(help="Comma-separated method names.")
    ] = DEFAULT_METHODS,
    bits: Annotated[
        str, typer.Option(help="Comma-separated code lengths.")
    ] = "16,32,64,128",
    views: Annotated[
        str | None,
        typer.Option(help="The two views cross-modal methods use, e.g. 'image,text'."),
    ] = None,
    single_view: Annotated[
        str,
        typer.Option(
            help="What single-view methods are applied to: 'concat' (all views "
            "concatenated), comma-separated view names, or 'each' (every view)."
        ),
    ] = "concat",
    seeds: Annotated[str, typer.Option(help="Comma-separated random seeds.")] = "0",
    protocol: Annotated[
        str,
        typer.Option(
            help="Database codes of cross-modal methods: 'train_codes' (learned for "
            "the training items, when the database is the training set) or 'encoded'."
        ),
    ] = "train_codes",
    out: Annotated[
        Path, typer.Option(help="Folder for results.json, results.csv and plots.")
    ] = Path("hashmodal-bench"),
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
) -> None:
    """Run methods x bit lengths on a data set; print tables, write results and plots.

    With no arguments: a representative set of methods at 16, 32, 64 and 128
    bits on the embedded UCI Multiple Features data.
    """
    from rich.console import Console
    from rich.table import Table

    from hashmodal.datasets import load
    from hashmodal.experiments import (
        PROTOCOLS,
        format_tables,
        plot_map_vs_bits,
        plot_pr_curves,
        run_benchmark,
        write_records,
    )

    method_names = parse_name_list(methods, "--methods")
    bit_lengths = parse_int_list(bits, "--bits")
    seed_list = parse_int_list(seeds, "--seeds", minimum=0)
    view_spec = views if views is not None else DEFAULT_VIEWS.get(dataset)
    pair = parse_name_list(view_spec, "--views") if view_spec else None
    if pair is not None and len(pair) != 2:
        fail(f"--views must name exactly two views, got {pair}")
    if protocol not in PROTOCOLS:
        fail(f"--protocol must be one of {', '.join(PROTOCOLS)}, got {protocol!r}")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"--out: cannot create folder {str(out)!r} ({exc.strerror})")

    try:
        data = load(dataset, path=data_path)
    except (ValueError, TypeError, FileNotFoundError, KeyError) as exc:
        fail(str(exc).strip("'\""))
    inputs = parse_name_list(single_view, "--single-view")
    if inputs == ["each"]:
        inputs = list(data.view_names)
    unknown = [v for v in inputs if v != "concat" and v not in data.view_names]
    if unknown:
        fail(
            f"--single-view {','.join(unknown)}: {dataset} has the views "
            f"{', '.join(data.view_names)} (or use 'concat' or 'each')"
        )
    if pair is not None and not set(pair) <= set(data.view_names):
        fail(
            f"--views {','.join(pair)}: {dataset} has the views "
            f"{', '.join(data.view_names)}"
        )
    try:
        result = run_benchmark(
            data,
            method_names,
            bit_lengths,
            cross_modal_views=pair,
            single_view_inputs=inputs,
            seeds=seed_list,
            protocol=protocol,
            progress=not quiet,
        )
    except (ValueError, TypeError, FileNotFoundError, KeyError) as exc:
        fail(str(exc).strip("'\""))

    write_records(result.records, out)
    plots = plot_map_vs_bits(result.records, out)
    plots += plot_pr_curves(result.curves, out)

    console = Console()
    for title, header, rows in format_tables(result.records):
        console.print(f"\n[bold]{title}[/bold]", highlight=False)
        table = Table()
        for i, name in enumerate(header):
            table.add_column(name, justify="left" if i < 2 else "right")
        for row in rows:
            table.add_row(*row)
        console.print(table)
    console.print(
        f"wrote {out / 'results.json'}, {out / 'results.csv'} and {len(plots)} plot(s)"
    )
