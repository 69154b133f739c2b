"""The ``hashmodal`` command-line application object."""

import typer

app = typer.Typer(
    name="hashmodal",
    help="Multi-modal hash learning: learn binary codes, search and evaluate them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
