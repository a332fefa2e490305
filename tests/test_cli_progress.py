"""Progress: a Rich bar on stderr when stderr is a terminal (a real pseudo-terminal here), and
not one byte of it when stderr is piped. The ``chipwar.commands`` layer only calls the
``progress(done, total)`` callback it is given; the CLI supplies the bar."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

import pytest

from chipwar.commands.runs import claims

CHIPWAR = [sys.executable, "-m", "chipwar.cli.main"]


def _env() -> dict[str, str]:
    return {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100"}


def _args() -> list[str]:
    return ["claims", "--no-flip", *(a for i in _ledger_ids() for a in ("--id", i))]


def _ledger_ids() -> list[str]:
    from chipwar.claims import load_claims

    return [c.id for c in load_claims()][:3]


def test_commands_layer_reports_progress_through_its_callback_only() -> None:
    ids = _ledger_ids()
    calls: list[tuple[int, int]] = []
    result = claims(claim_id=ids, flip=False, progress=lambda d, t: calls.append((d, t)))
    assert len(result.data) == 3
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_piped_stderr_has_no_progress_output() -> None:
    res = subprocess.run(
        [*CHIPWAR, *_args()], capture_output=True, text=True,
        env=_env(), timeout=300, check=False,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "checking claims" not in res.stderr
    assert "\x1b[" not in res.stderr  # no cursor control at all
    assert res.stderr.strip().startswith("3 claims:")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_a_terminal_shows_a_progress_bar_on_stderr() -> None:
    primary, secondary = pty.openpty()
    proc = subprocess.Popen(
        [*CHIPWAR, *_args()], stdout=subprocess.PIPE,
        stderr=secondary, env=_env(),
    )  # fmt: skip
    os.close(secondary)
    chunks = []
    while True:
        try:
            data = os.read(primary, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    out, _ = proc.communicate(timeout=300)
    os.close(primary)
    err = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 0
    assert "checking claims" in err
    assert "3/3" in err  # the bar's count reached the total
    assert b"checking claims" not in out  # stdout (the table) stays clean
