"""Tests of experiment records, their files, tables and plots."""

import json

import numpy as np
import pytest

from hashmodal.experiments import (
    Record,
    format_tables,
    plot_map_vs_bits,
    plot_pr_curves,
    read_records,
    write_records,
)


def _record(method="itq", n_bits=16, value=0.5, seed=0, ties="index"):
    return Record(
        dataset="toy",
        method=method,
        task="concat->concat",
        n_bits=n_bits,
        metric="map@all",
        value=value,
        ties=ties,
        train_seconds=0.1,
        encode_seconds=0.01,
        seed=seed,
        protocol="database=encoded",
        n_queries=10,
        n_queries_without_relevant=0,
    )


def test_json_and_csv_hold_the_same_rows(tmp_path):
    records = [_record(n_bits=b, value=b / 100) for b in (16, 32)]
    write_records(records, tmp_path)
    assert read_records(tmp_path / "results.json") == records
    lines = (tmp_path / "results.csv").read_text().splitlines()
    assert lines[0].startswith("dataset,method,task,n_bits,metric,value,ties")
    assert len(lines) == 3
    rows = json.loads((tmp_path / "results.json").read_text())
    assert {"dataset", "method", "task", "n_bits", "metric", "value"} <= set(rows[0])


def test_non_finite_value_is_refused_and_old_file_kept(tmp_path):
    write_records([_record()], tmp_path)
    before = (tmp_path / "results.json").read_text()
    with pytest.raises(ValueError, match="finite"):
        write_records([_record(value=float("nan"))], tmp_path)
    assert (tmp_path / "results.json").read_text() == before


def test_tables_average_over_seeds():
    records = [
        _record(value=0.4, seed=0),
        _record(value=0.6, seed=1),
        _record(n_bits=32, value=0.7),
    ]
    [(title, header, rows)] = format_tables(records)
    assert title == "toy · concat->concat · map@all · ties: index"
    assert header == ["method", "protocol", "16 bits", "32 bits"]
    assert rows == [["itq", "database=encoded", "0.5000 ± 0.1000", "0.7000"]]


def test_tables_put_index_ties_first():
    records = [_record(ties="expected", value=0.3), _record(ties="index")]
    titles = [title for title, _, _ in format_tables(records)]
    assert titles == [
        "toy · concat->concat · map@all · ties: index",
        "toy · concat->concat · map@all · ties: expected",
    ]


def test_plots_are_written(tmp_path):
    records = [_record(method=m, n_bits=b) for m in ("itq", "lsh") for b in (16, 32)]
    paths = plot_map_vs_bits(records, tmp_path)
    curves = {
        ("toy", "concat->concat", "itq", 32): (
            np.linspace(1, 0.2, 5),
            np.linspace(0, 1, 5),
        )
    }
    paths += plot_pr_curves(curves, tmp_path)
    assert [p.suffix for p in paths] == [".png", ".png"]
    assert all(p.stat().st_size > 1000 for p in paths)
