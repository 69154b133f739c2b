"""Experiment runner: grids of methods x bit lengths, records, tables and plots."""

from hashmodal.experiments._records import Record, read_records, write_records
from hashmodal.experiments._report import (
    format_tables,
    plot_map_vs_bits,
    plot_pr_curves,
    table_rows,
)
from hashmodal.experiments._runner import (
    PROTOCOLS,
    BenchResult,
    Task,
    plan_tasks,
    run_benchmark,
)

__all__ = [
    "PROTOCOLS",
    "BenchResult",
    "Record",
    "Task",
    "format_tables",
    "plan_tasks",
    "plot_map_vs_bits",
    "plot_pr_curves",
    "read_records",
    "run_benchmark",
    "table_rows",
    "write_records",
]
