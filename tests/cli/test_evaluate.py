"""``hashmodal evaluate`` through typer's CliRunner and once as a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from typer.testing import CliRunner

from hashmodal.cli import app
from hashmodal.codes import from_bits
from hashmodal.metrics import mean_average_precision

runner = CliRunner()


def _command(args):
    """Prefix the sub-command name when the app holds several commands."""
    several = len(app.registered_commands) > 1 or app.registered_callback
    return (["evaluate"] if several else []) + args


@pytest.fixture
def files(tmp_path):
    rng = np.random.default_rng(0)
    q_bits = rng.integers(0, 2, (20, 12)).astype(np.uint8)
    d_bits = rng.integers(0, 2, (60, 12)).astype(np.uint8)
    ql, dl = rng.integers(0, 4, 20), rng.integers(0, 4, 60)
    paths = {}
    for name, arr in {
        "q": from_bits(q_bits).packed,
        "d": from_bits(d_bits).packed,
        "ql": ql,
        "dl": dl,
        "qs": q_bits.astype(np.int8) * 2 - 1,
        "ds": d_bits.astype(np.int8) * 2 - 1,
    }.items():
        paths[name] = tmp_path / f"{name}.npy"
        np.save(paths[name], arr)
    paths["expected"] = {
        ties: mean_average_precision(q_bits, d_bits, ql, dl, k=10, ties=ties).value
        for ties in ("index", "expected")
    }
    return paths


def _args(files, q="q", d="d", extra=()):
    return _command(
        [
            "--query-codes", str(files[q]),
            "--database-codes", str(files[d]),
            "--query-labels", str(files["ql"]),
            "--database-labels", str(files["dl"]),
            *extra,
        ]
    )  # fmt: skip


def test_packed_codes_with_json(files, tmp_path):
    out = tmp_path / "out.json"
    result = runner.invoke(
        app, _args(files, extra=["--n-bits", "12", "--k", "10", "--json", str(out)])
    )
    assert result.exit_code == 0, result.output
    assert "mAP@10" in result.output
    data = json.loads(out.read_text())
    assert data["map"] == pytest.approx(files["expected"]["expected"])
    assert data["n_queries"] == 20 and data["n_bits"] == 12 and data["k"] == 10
    assert data["ties"] == "expected" and data["normalization"] == "min_r_k"
    assert "n_queries_without_relevant" in data


def test_sign_codes_and_index_ties(files, tmp_path):
    out = tmp_path / "out.json"
    result = runner.invoke(
        app,
        _args(files, "qs", "ds", ["--k", "10", "--ties", "index", "--json", str(out)]),
    )
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["map"] == pytest.approx(
        files["expected"]["index"]
    )


@pytest.mark.parametrize(
    "change, message",
    [
        ({}, "packed uint8 codes need n_bits"),
        ({"--n-bits": "7"}, "packed codes of 7 bits need 1 bytes"),
        ({"--k": "-1"}, "--k must be an integer >= 1"),
        ({"missing": True}, "no such file"),
        (
            {"bad_labels": True},
            "--database-labels has 20 rows but --database-codes has 60 codes",
        ),
        ({"not_npy": True}, "is not a readable .npy array"),
        ({"labels_3d": True}, "--query-labels must be 1-D class ids or 2-D multi-hot"),
        ({"json_dir": True}, "--json: folder"),
    ],
)
def test_bad_input_is_one_line_and_status_2(files, tmp_path, change, message):
    extra = []
    for key in ("--n-bits", "--k"):
        if key in change:
            extra += [key, change[key]]
    args = _args(files, extra=extra)
    if change.get("missing"):
        args[args.index(str(files["q"]))] = str(tmp_path / "nope.npy")
    if change.get("bad_labels"):
        args[args.index(str(files["dl"]))] = str(files["ql"])
        args += ["--n-bits", "12"]
    if change.get("labels_3d"):
        np.save(tmp_path / "ql3.npy", np.zeros((20, 2, 2)))
        args[args.index(str(files["ql"]))] = str(tmp_path / "ql3.npy")
        args += ["--n-bits", "12"]
    if change.get("json_dir"):
        args += ["--n-bits", "12", "--json", str(tmp_path / "no" / "out.json")]
    if change.get("not_npy"):
        (tmp_path / "junk.npy").write_text("not an array")
        args[args.index(str(files["q"]))] = str(tmp_path / "junk.npy")
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    err = result.stderr
    assert message in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_subprocess(files, tmp_path):
    out = tmp_path / "o.json"
    args = _args(files, extra=["--n-bits", "12", "--k", "10", "--json", str(out)])
    code = "from hashmodal.cli import main; main()"
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text())["map"] == pytest.approx(
        files["expected"]["expected"]
    )
    bad = subprocess.run(
        [sys.executable, "-c", code, *args[:-2], "--n-bits", "7"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2
    assert bad.stderr.startswith("error:") and "Traceback" not in bad.stderr
