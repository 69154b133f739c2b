"""Command-line interface: ``hashmodal evaluate``, ``hashmodal bench``.

Each sub-command lives in its own module and registers itself on ``app``.
"""

from hashmodal.cli import (
    _bench,  # noqa: F401  (registers `bench`)
    _evaluate,  # noqa: F401  (registers `evaluate`)
)
from hashmodal.cli._app import app

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the ``hashmodal`` console script."""
    app()
