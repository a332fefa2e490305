"""Start-up: ``chipwar --help`` and ``chipwar CMD --help`` (every command and group) import
neither pandas, NumPy nor pydantic; ``import chipwar`` alone does not import pandas. Each case
runs in a fresh interpreter and reads ``sys.modules`` (no timing assertion; the times are in
``benchmarks/bench_startup.py``)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("pandas", "numpy", "pydantic")

PROBE = """
import json, sys
from chipwar.cli.main import main
rc = main(sys.argv[1:])
sys.stdout.flush()
print("\\nPROBE" + json.dumps({"rc": rc, "heavy": [m for m in HEAVY if m in sys.modules]}))
""".replace("HEAVY", repr(HEAVY))


def _probe(*argv: str) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    line = proc.stdout.rsplit("PROBE", 1)[1]
    result: dict[str, object] = json.loads(line)
    return result


def _command_paths() -> list[list[str]]:
    from chipwar.cli.main import _command

    paths: list[list[str]] = []

    def walk(cmd: object, prefix: list[str]) -> None:
        paths.append(prefix)
        for name, sub in sorted(getattr(cmd, "commands", {}).items()):
            walk(sub, [*prefix, name])

    walk(_command(), [])
    return paths


PATHS = _command_paths()


def test_the_tree_has_every_command() -> None:
    names = {" ".join(p) for p in PATHS}
    assert {"", "tco", "report", "supply run", "data list", "sweep run", "serve"} <= names
    assert len(PATHS) > 30


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "root")
def test_help_imports_no_heavy_library(path: list[str]) -> None:
    got = _probe(*path, "--help")
    assert got == {"rc": 0, "heavy": []}


def test_version_imports_no_heavy_library() -> None:
    assert _probe("--version") == {"rc": 0, "heavy": []}


def test_a_real_command_still_imports_its_engine() -> None:
    """The probe can see heavy imports (so the help cases above can fail)."""
    got = _probe("tco", "-c", "nvidia-h20", "-s", "cn-guizhou", "-f", "json")
    heavy = got["heavy"]
    assert got["rc"] == 0 and isinstance(heavy, list) and set(HEAVY) <= set(heavy)


def test_import_chipwar_alone_does_not_import_pandas() -> None:
    code = f"import sys, chipwar; print([m for m in {HEAVY!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pandas" not in out.stdout, out.stdout


def test_light_modules_stay_light() -> None:
    code = (
        "import sys, chipwar.compute.options, chipwar.catalog.constants, chipwar.cli.options; "
        f"print([m for m in {HEAVY!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
