"""Every example command in the README prints lines that fit in a 100-column terminal (tables
wrap between words, numbers and ids are never split). The commands run for real, as a reader
would paste them, with ``COLUMNS=100``."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SLOW = ("chipwar sweep", "chipwar report", "chipwar serve", "chipwar supply calibrate")
"""Left out: they start servers or clusters, or take minutes (tested in their own files)."""


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.findall(r"^\$ (chipwar [^\n]+)$", text, flags=re.M)
    return [c for c in found if not c.startswith(SLOW)]


def test_the_readme_has_examples_to_check() -> None:
    assert len(readme_commands()) >= 10


@pytest.mark.parametrize("command", readme_commands())
def test_readme_example_fits_in_100_columns(command: str, tmp_path: Path) -> None:
    env = {**os.environ, "COLUMNS": "100", "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    res = subprocess.run(
        command, shell=True, capture_output=True, text=True, cwd=ROOT, env=env, timeout=600,
        check=False,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout.strip() or "> /dev/null" in command
    for stream in (res.stdout, res.stderr):
        widest = max((len(line) for line in stream.splitlines()), default=0)
        assert widest <= 100, f"{command}: a line of {widest} characters"


def test_the_outputs_shown_in_the_readme_fit_in_100_columns() -> None:
    """What the README shows under each example (the ``$`` lines are commands, not output)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```console\n(.*?)```", text, flags=re.S)
    assert len(blocks) >= 10
    for block in blocks:
        for line in block.splitlines():
            if not line.startswith("$ "):
                assert len(line) <= 100, f"README shows a line of {len(line)}: {line[:60]}"
