"""Start-up time of the ``chipwar`` command, as ratios to a bare ``python -c pass``.

Each case is a fresh process (the console script of this environment), run ``--runs`` times
interleaved with the others so that the machine's load falls on all of them alike; the figure
is the median wall time. Cases: ``chipwar --help``, ``chipwar tco --help``, one real command
(``chipwar tco -c nvidia-h20 -s cn-guizhou -f json``), and, for scale, ``python -c "import
pandas"`` (what every command paid before commands imported what they use when they run).

Usage: ``python benchmarks/bench_startup.py [--runs N]`` (default 15).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _results import write_section

CHIPWAR = shutil.which("chipwar", path=str(Path(sys.executable).parent)) or "chipwar"
CASES: dict[str, list[str]] = {
    "`python -c pass` (reference)": [sys.executable, "-c", "pass"],
    "`chipwar --help`": [CHIPWAR, "--help"],
    "`chipwar tco --help`": [CHIPWAR, "tco", "--help"],
    "`chipwar tco -c nvidia-h20 -s cn-guizhou -f json`": [
        CHIPWAR, "tco", "-c", "nvidia-h20", "-s", "cn-guizhou", "-f", "json",
    ],
    '`python -c "import pandas"` (for scale)': [sys.executable, "-c", "import pandas"],
}  # fmt: skip


def run_once(argv: list[str]) -> float:
    env = {**os.environ, "COLUMNS": "100"}
    t0 = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs per case (median taken)")
    args = parser.parse_args()
    times: dict[str, list[float]] = {name: [] for name in CASES}
    for argv in CASES.values():  # warm the file cache once
        run_once(argv)
    for _ in range(args.runs):
        for name, argv in CASES.items():
            times[name].append(run_once(argv))
    base = statistics.median(times["`python -c pass` (reference)"])
    rows = []
    for name, ts in times.items():
        med = statistics.median(ts)
        rows.append(f"| {name} | {1000 * med:.0f} ms | {med / base:.1f}x |")
        print(f"{name}: median {1000 * med:.0f} ms = {med / base:.1f}x python -c pass")
    write_section(
        "startup",
        "## start-up — the `chipwar` command vs a bare interpreter "
        "(`benchmarks/bench_startup.py`)\n\n"
        f"Median wall time of {args.runs} fresh processes per case, interleaved; ratio to "
        "`python -c pass` measured in the same run.\n\n"
        "| command | median wall time | ratio to `python -c pass` |\n|---|---:|---:|\n"
        + "\n".join(rows)
        + "\n\n`--help` (root or of any command) imports neither pandas, NumPy nor pydantic "
        "(guarded by `tests/test_startup.py`); a command imports its engine when it runs.",
    )


if __name__ == "__main__":
    main()
