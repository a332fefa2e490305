"""Progress: a Rich bar on stderr when stderr is a terminal (a real pseudo-terminal here), and
not one byte of it when stderr is piped. The ``chipwar.commands`` layer only calls the
``progress(done, total)`` callback it is given; the CLI supplies the bar."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from chipwar.commands.controls import screen
from chipwar.commands.runs import claims
from chipwar.controls import screening

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


def _run_on_pty(args: list[str], env: dict[str, str]) -> tuple[int, str, bytes]:
    """Run the CLI with stderr on a pseudo-terminal: (exit code, stderr text, stdout bytes)."""
    primary, secondary = pty.openpty()
    proc = subprocess.Popen([*CHIPWAR, *args], stdout=subprocess.PIPE, stderr=secondary, env=env)
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
    return proc.returncode, b"".join(chunks).decode("utf-8", "replace"), out


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_a_terminal_shows_a_progress_bar_on_stderr() -> None:
    code, err, out = _run_on_pty(_args(), _env())
    assert code == 0
    assert "checking claims" in err
    assert "3/3" in err  # the bar's count reached the total
    assert b"checking claims" not in out  # stdout (the table) stays clean


# ------------------------------------------------------------------ large screens
# Sized for a 2-core machine: 40 parties and 12 names, with the "large" threshold lowered to 10
# through CHIPWAR_PROGRESS_MIN_ITEMS (defaults: 50,000 entities, 1,000 names).


def _screen_files(tmp_path: Path) -> tuple[Path, Path]:
    rows = "".join(f"p{i},Party{i} Holdings,Entity List,2020-01-01,\n" for i in range(40))
    parties = tmp_path / "parties.csv"
    parties.write_text("id,name,list,listed_from,listed_to\n" + rows, encoding="utf-8")
    names = tmp_path / "names.csv"
    names.write_text("name\n" + "".join(f"Party{i} Holdings\n" for i in range(12)),
                     encoding="utf-8")  # fmt: skip
    return parties, names


def _screen_env(tmp_path: Path, least: str | None) -> dict[str, str]:
    env = {**_env(), "CHIPWAR_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("CHIPWAR_PROGRESS_MIN_ITEMS", None)
    if least is not None:
        env["CHIPWAR_PROGRESS_MIN_ITEMS"] = least
    return env


def test_screen_reports_indexing_then_names_only_when_large(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parties, names = _screen_files(tmp_path)
    monkeypatch.setenv("CHIPWAR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(screening, "SCREEN_CHUNK_NAMES", 5)
    monkeypatch.setenv("CHIPWAR_PROGRESS_MIN_ITEMS", "10")
    calls: list[tuple[int, int]] = []
    rows = screen(file=names, parties=parties, progress=lambda d, t: calls.append((d, t))).data
    first = {}  # each name's best row (PartyN names differ in their number: 2.10 says so)
    for r in rows:
        first.setdefault(r["query"], r["entity_id"])
    assert [first["Party0 Holdings"], first["Party1 Holdings"]] == ["p0", "p1"]
    # The index (40 entities, a first use of the file), then the 12 names in chunks of 5.
    assert calls[0] == (0, 40) and (40, 40) in calls
    assert calls[-3:] == [(5, 12), (10, 12), (12, 12)]
    # The same answers as one unchunked call, which reports nothing (below the defaults).
    monkeypatch.delenv("CHIPWAR_PROGRESS_MIN_ITEMS")
    quiet: list[tuple[int, int]] = []
    again = screen(file=names, parties=parties, progress=lambda d, t: quiet.append((d, t))).data
    assert quiet == []
    assert [(r["query"], r["entity_id"], r["score"]) for r in again] == [
        (r["query"], r["entity_id"], r["score"]) for r in rows
    ]


def test_screen_progress_minimum_must_be_a_positive_integer(monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:  # fmt: skip
    from chipwar.errors import InputError

    monkeypatch.setenv("CHIPWAR_PROGRESS_MIN_ITEMS", "ten")
    with pytest.raises(InputError, match="CHIPWAR_PROGRESS_MIN_ITEMS"):
        screen(names=["Huawei"])


def test_a_large_screen_piped_prints_no_progress(tmp_path: Path) -> None:
    parties, names = _screen_files(tmp_path)
    res = subprocess.run(
        [*CHIPWAR, "screen", "--file", str(names), "--parties", str(parties), "-f", "json"],
        capture_output=True, text=True, env=_screen_env(tmp_path, "10"), timeout=300,
        check=False,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "indexing parties" not in res.stderr
    assert "\x1b[" not in res.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_a_large_screen_on_a_terminal_shows_the_bar(tmp_path: Path) -> None:
    parties, names = _screen_files(tmp_path)
    args = ["screen", "--file", str(names), "--parties", str(parties), "-f", "json"]
    code, err, out = _run_on_pty(args, _screen_env(tmp_path, "10"))
    assert code == 0, err
    assert "screening (indexing parties, then names)" in err
    assert "12/12" in err  # the names' count reached the total
    assert b"indexing parties" not in out  # stdout (the JSON) stays clean
    # Below the default sizes the same screen shows no bar, even on a terminal.
    code, err, _ = _run_on_pty(args, _screen_env(tmp_path / "small", None))
    assert code == 0, err
    assert "screening (indexing" not in err


# ------------------------------------------------------------------ dynamics samples


def test_dynamics_run_reports_each_simulated_year() -> None:
    from chipwar.commands.runs import dynamics_run

    calls: list[tuple[int, int]] = []
    result = dynamics_run(
        scenario="baseline", samples=3, progress=lambda d, t: calls.append((d, t))
    )
    years = result.data["year"].nunique()
    assert years > 1
    assert calls == [(done, years) for done in range(1, years + 1)]


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_dynamics_samples_show_the_bar_on_a_terminal_only() -> None:
    from chipwar.cli.dynamics import PROGRESS_MIN_SAMPLES

    args = ["dynamics", "run", "baseline", "-n", str(PROGRESS_MIN_SAMPLES), "-f", "json"]
    code, err, out = _run_on_pty(args, _env())
    assert code == 0, err
    assert "simulating years" in err
    assert b"simulating" not in out
    piped = subprocess.run([*CHIPWAR, *args], capture_output=True, text=True, env=_env(),
                           timeout=300, check=False)  # fmt: skip
    assert piped.returncode == 0, piped.stderr
    assert "simulating years" not in piped.stderr and "\x1b[" not in piped.stderr
    small = _run_on_pty(["dynamics", "run", "baseline", "-n", "2", "-f", "json"], _env())
    assert small[0] == 0 and "simulating years" not in small[1]
