"""Helpers shared by the command-line sub-commands."""

from __future__ import annotations

from typing import NoReturn

import typer

__all__ = ["fail", "parse_int_list", "parse_name_list"]


def fail(message: str) -> NoReturn:
    """Print one line of error to stderr and exit with status 2."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


def parse_name_list(text: str, option: str) -> list[str]:
    """Split a comma-separated option value into non-empty names."""
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        fail(f"{option} must list at least one name, got {text!r}")
    return names


def parse_int_list(text: str, option: str, *, minimum: int = 1) -> list[int]:
    """Split a comma-separated option value into integers ``>= minimum``."""
    values = []
    for part in parse_name_list(text, option):
        try:
            value = int(part)
        except ValueError:
            fail(f"{option} must be comma-separated integers, got {part!r}")
        if value < minimum:
            fail(f"{option} values must be >= {minimum}, got {value}")
        values.append(value)
    return values
