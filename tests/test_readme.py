"""The README's Python examples run as written."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT / ".." / "shared" / "data"


def test_readme_python_examples(tmp_path, monkeypatch):
    if not (SHARED_DATA / "wiki").is_dir():
        pytest.skip(f"the Wiki example needs {SHARED_DATA / 'wiki'}")
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) >= 3
    monkeypatch.setenv("HASHMODAL_DATA", str(SHARED_DATA.resolve()))
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)
    assert (tmp_path / "scratch64.npz").is_file()


def test_readme_starts_with_the_two_commands():
    lines = (ROOT / "README.md").read_text().splitlines()
    commands = [line for line in lines[:8] if line.startswith("pip install")]
    assert commands[0].startswith("pip install . && hashmodal bench")
    assert commands[1].startswith("pip install '.[test]' && ruff check .")
    ci = (ROOT / ".ci" / "run").read_text()
    assert commands[1].split("#")[0].strip() in ci
