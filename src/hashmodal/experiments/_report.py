"""Paper-style tables and plots from experiment records."""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from hashmodal.experiments._records import Record

__all__ = ["format_tables", "plot_map_vs_bits", "plot_pr_curves", "table_rows"]


def table_rows(
    records: Sequence[Record], *, task: str, metric: str, ties: str
) -> tuple[list[int], dict[str, dict[int, tuple[float, float, int]]]]:
    """Cells of one table: rows = methods, columns = bit lengths.

    Returns
    -------
    bits : list of int
        Sorted bit lengths (columns).
    cells : dict
        ``cells[method][n_bits] = (mean, std, n_seeds)`` over seeds.
    """
    grouped: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for r in records:
        if r.task == task and r.metric == metric and r.ties == ties:
            grouped[r.method][r.n_bits].append(r.value)
    bits = sorted({b for per_method in grouped.values() for b in per_method})
    cells = {
        method: {
            b: (float(np.mean(v)), float(np.std(v)), len(v)) for b, v in per.items()
        }
        for method, per in grouped.items()
    }
    return bits, cells


def format_tables(
    records: Sequence[Record],
) -> list[tuple[str, list[str], list[list[str]]]]:
    """Every (data set, task, metric, ties) table as (title, header, rows) of text.

    Tables come in the order the tasks were run, ties by database index first;
    rows are methods (with the protocol that gave their database codes),
    columns are bit lengths, cells the mean over seeds (± std with several).
    """
    tables = []
    keys = list(dict.fromkeys((r.dataset, r.task, r.metric) for r in records))
    tie_rules = sorted({r.ties for r in records}, key=_TIE_ORDER.get)
    for dataset, task, metric in keys:
        subset = [r for r in records if r.dataset == dataset]
        protocol = {r.method: r.protocol for r in subset if r.task == task}
        for ties in tie_rules:
            bits, cells = table_rows(subset, task=task, metric=metric, ties=ties)
            if not cells:
                continue
            title = f"{dataset} · {task} · {metric} · ties: {ties}"
            header = ["method", "protocol", *[f"{b} bits" for b in bits]]
            rows = []
            for method in cells:
                row = [method, protocol[method]]
                for b in bits:
                    if b not in cells[method]:
                        row.append("—")
                        continue
                    mean, std, n = cells[method][b]
                    row.append(f"{mean:.4f}" + (f" ± {std:.4f}" if n > 1 else ""))
                rows.append(row)
            tables.append((title, header, rows))
    return tables


_TIE_ORDER = {"index": 0, "expected": 1}


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text.replace("->", "-to-")).strip("_")


def plot_map_vs_bits(
    records: Sequence[Record],
    out_dir: str | os.PathLike[str],
    *,
    metric: str = "map@all",
    ties: str = "index",
) -> list[Path]:
    """One PNG per task: ``metric`` against bit length, a line per method."""
    out = Path(out_dir)
    paths = []
    for dataset, task in sorted({(r.dataset, r.task) for r in records}):
        subset = [r for r in records if r.dataset == dataset]
        bits, cells = table_rows(subset, task=task, metric=metric, ties=ties)
        if not cells:
            continue
        fig, ax = _new_axes()
        for method, per in cells.items():
            xs = [b for b in bits if b in per]
            ax.plot(xs, [per[b][0] for b in xs], marker="o", label=method)
        ax.set_xscale("log", base=2)
        ax.set_xticks(bits, [str(b) for b in bits])
        ax.set_xlabel("code length (bits)")
        ax.set_ylabel(metric)
        ax.set_title(f"{dataset}: {task} (ties: {ties})")
        path = out / f"map_vs_bits_{_slug(dataset)}_{_slug(task)}.png"
        paths.append(_save(fig, ax, path))
    return paths


def plot_pr_curves(
    curves: Mapping[tuple[str, str, str, int], tuple[np.ndarray, np.ndarray]],
    out_dir: str | os.PathLike[str],
) -> list[Path]:
    """One PNG per (data set, task): precision against recall, a line per method.

    Parameters
    ----------
    curves : mapping
        ``curves[(dataset, task, method, n_bits)] = (precision, recall)``.
    """
    out = Path(out_dir)
    paths = []
    for dataset, task in sorted({(d, t) for d, t, _, _ in curves}):
        fig, ax = _new_axes()
        n_bits = None
        for (d, t, method, b), (precision, recall) in sorted(curves.items()):
            if (d, t) != (dataset, task):
                continue
            n_bits = b
            ax.plot(recall, precision, label=method)
        ax.set_xlabel("recall")
        ax.set_ylabel("precision")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
        ax.set_title(f"{dataset}: {task}, {n_bits} bits (Hamming ranking)")
        path = out / f"pr_{_slug(dataset)}_{_slug(task)}_{n_bits}bits.png"
        paths.append(_save(fig, ax, path))
    return paths


def _new_axes():
    # A figure outside pyplot: no global backend or figure state is touched,
    # so plotting works headless and inside a user's interactive session.
    from matplotlib.figure import Figure

    fig = Figure(figsize=(5.5, 4))
    return fig, fig.subplots()


def _save(fig, ax, path: Path) -> Path:
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    return path
