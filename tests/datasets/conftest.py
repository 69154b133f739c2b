"""Shared fixtures of the data-set tests: where ``../shared/data`` lies."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


def shared_path(*parts: str) -> Path:
    """Path under ``../shared/data``; skips the calling test if it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not available: {path} is missing")
    return path


@pytest.fixture
def shared_data():
    """The ``shared_path`` helper, as a fixture."""
    return shared_path
