"""Tests of ``hashmodal bench`` on the embedded data."""

import json

import pytest
from typer.testing import CliRunner

from hashmodal.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def bench_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    result = runner.invoke(
        app,
        [
            "bench",
            "--methods",
            "itq,cmfh",
            "--bits",
            "8,16",
            "--quiet",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    return out, result.output


def test_tables_are_printed(bench_out):
    _, output = bench_out
    flat = " ".join(output.split())
    assert "uci-mfeat · concat->concat · map@all · ties: index" in flat
    assert "uci-mfeat · fou->kar · map@all · ties: expected" in flat
    assert "database=train_codes" in flat
    assert "fou->kar" in output and "kar->fou" in output
    assert "8 bits" in output and "16 bits" in output


def test_single_view_each(tmp_path):
    result = runner.invoke(
        app,
        [
            "bench",
            "--methods",
            "lsh",
            "--bits",
            "8",
            "--single-view",
            "each",
            "--quiet",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    rows = json.loads((tmp_path / "results.json").read_text())
    assert {row["task"] for row in rows} == {
        f"{v}->{v}" for v in ("fou", "fac", "kar", "pix", "zer", "mor")
    }


def test_results_files_and_plots(bench_out):
    out, _ = bench_out
    rows = json.loads((out / "results.json").read_text())
    required = {
        "dataset",
        "method",
        "task",
        "n_bits",
        "metric",
        "value",
        "ties",
        "train_seconds",
        "encode_seconds",
    }
    assert all(required <= set(row) for row in rows)
    assert {row["method"] for row in rows} == {"itq", "cmfh"}
    assert {row["n_bits"] for row in rows} == {8, 16}
    csv_lines = (out / "results.csv").read_text().splitlines()
    assert len(csv_lines) == len(rows) + 1
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert "map_vs_bits_uci-mfeat_fou-to-kar.png" in pngs
    assert "pr_uci-mfeat_concat-to-concat_16bits.png" in pngs
    assert len(pngs) == 6


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--methods", "nope"], "unknown method"),
        (["--bits", "16,x"], "--bits must be comma-separated integers"),
        (["--bits", "0"], "--bits values must be >= 1"),
        (["--views", "fou"], "--views must name exactly two views"),
        (["--dataset", "nowhere"], "nowhere"),
        (["--views", "fou,xyz"], "--views fou,xyz: uci-mfeat has the views fou, fac"),
        (["--protocol", "other"], "--protocol must be one of train_codes, encoded"),
        (["--single-view", "fou,xyz"], "--single-view xyz: uci-mfeat has the views"),
    ],
)
def test_bad_input_is_one_line_and_status_2(tmp_path, args, message):
    result = runner.invoke(app, ["bench", "--quiet", "--out", str(tmp_path), *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_unwritable_out_fails_before_the_grid(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = runner.invoke(
        app,
        ["bench", "--quiet", "--methods", "lsh", "--bits", "8", "--out", str(blocker)],
    )
    assert result.exit_code == 2, result.output
    assert "--out" in result.output
    assert "Traceback" not in result.output
    assert "map@all" not in result.output  # refused before fitting anything
