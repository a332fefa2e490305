"""Ctrl-C anywhere ends with one line on stderr and exit code 130: no traceback, nothing
half-written. Each test runs the real console-script entry point (``chipwar.cli.run``) in a
subprocess and sends it a real SIGINT (``os.kill``) at a chosen point: while the command tree is
imported, inside the compute engine, and while ``report`` writes its HTML file. The point is
chosen by a small wrapper around the entry point (an import hook or a wrapped function that
signals its own process); the signal and its handling are the real ones."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals")

ENTRY = "import sys; from chipwar.cli import run; sys.argv[0] = 'chipwar'; run()"

SIGNAL_SELF = """
import os, signal, time
def _interrupt_here():
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(30)  # the KeyboardInterrupt arrives here
"""

ON_IMPORT = (
    SIGNAL_SELF
    + """
import importlib.abc, sys
class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == TARGET:
            sys.meta_path.remove(self)
            _interrupt_here()
        return None
sys.meta_path.insert(0, _Finder())
"""
)

IN_FUNCTION = (
    SIGNAL_SELF
    + """
import importlib
_module = importlib.import_module(MODULE)
_original = getattr(_module, FUNCTION)
def _wrapped(*args, **kwargs):
    WHEN_BEFORE
    return _original(*args, **kwargs)
setattr(_module, FUNCTION, _wrapped)
"""
)


def _run(prelude: str, *argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    code = prelude + "\nsys_argv = " + repr(["chipwar", *argv]) + "\nimport sys\n"
    code += "sys.argv = sys_argv\n" + ENTRY.replace("sys.argv[0] = 'chipwar'; ", "")
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=600, cwd=cwd
    )


def _assert_one_line_130(proc: subprocess.CompletedProcess[str], line: str = "interrupted") -> None:
    assert proc.returncode == 130, (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr
    assert proc.stderr.splitlines() == [line], proc.stderr


def test_ctrl_c_while_the_command_line_loads() -> None:
    proc = _run(ON_IMPORT.replace("TARGET", repr("typer")), "tco", "--help")
    _assert_one_line_130(proc)
    assert proc.stdout == ""


def test_ctrl_c_while_a_command_imports_its_engine() -> None:
    proc = _run(
        ON_IMPORT.replace("TARGET", repr("chipwar.compute.tco")),
        "tco", "-c", "nvidia-h20", "-s", "cn-guizhou",
    )  # fmt: skip
    _assert_one_line_130(proc)
    assert proc.stdout == ""


def test_ctrl_c_during_compute() -> None:
    prelude = (
        IN_FUNCTION.replace("MODULE", repr("chipwar.compute.tco"))
        .replace("FUNCTION", repr("tco_frame"))
        .replace("WHEN_BEFORE", "_interrupt_here()")
    )
    proc = _run(prelude, "compare", "-f", "json")
    _assert_one_line_130(proc)
    assert proc.stdout == ""


def test_ctrl_c_while_report_writes_leaves_nothing_half_written(tmp_path: Path) -> None:
    """The HTML is being written into its temporary file when the signal comes: the temporary
    file is removed and the target keeps its earlier content."""
    target = tmp_path / "r.html"
    target.write_text("earlier report", encoding="utf-8")
    prelude = IN_FUNCTION.replace("MODULE", repr("chipwar.report.build")).replace(
        "FUNCTION", repr("write_atomically")
    )
    prelude = prelude.replace(
        "WHEN_BEFORE",
        "path, write = args[0], args[1]\n"
        "    def write_then_stop(tmp):\n"
        "        write(tmp)\n"
        "        assert tmp.stat().st_size > 0\n"
        "        _interrupt_here()\n"
        "    args = (path, write_then_stop, *args[2:])",
    )
    proc = _run(prelude, "report", "-o", str(target))
    _assert_one_line_130(proc)
    assert target.read_text(encoding="utf-8") == "earlier report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]


def test_sweep_keeps_its_own_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """``sweep run`` says what it kept, still on one line, still 130."""
    import chipwar.experiments.runner as runner
    from chipwar.cli.main import main

    def stopped(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "run_experiment", stopped)
    experiment = Path(__file__).parent.parent / "scenarios" / "sweep-compute.yaml"
    capsys.readouterr()
    code = main(["sweep", "run", str(experiment), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 130
    assert err.splitlines() == [
        "interrupted; finished chunks are kept; run the same command to resume"
    ]


@pytest.mark.parametrize("delay_s", [0.05, 0.3, 1.0])
def test_ctrl_c_at_any_moment(delay_s: float) -> None:
    """The signal sent from outside after a delay, wherever the process then is (interpreter
    start-up before Python's own handler exists ends by the signal itself, -2: still no
    traceback and no output).

    Once in a fresh-clone run on a loaded machine (2026-12-03), the signal sent at 0.3 s was
    lost: exit 0, the whole answer, nothing on stderr; it did not reproduce in 27 tries under
    load, and its cause is not known. A lost signal is therefore tried once more at the same
    delay: one lost by a systematic bug is lost twice and still fails here."""
    for attempt in range(2):
        proc = subprocess.Popen(
            [sys.executable, "-c", ENTRY, "compare", "--samples", "20000", "-f", "json"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        time.sleep(delay_s)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=600)
        if proc.returncode != 0 or attempt == 1:
            break
    assert proc.returncode in (130, -signal.SIGINT), (proc.returncode, err[-2000:])
    assert "Traceback" not in err
    assert out == ""
    if proc.returncode == 130:
        assert err.splitlines() == ["interrupted"], err
