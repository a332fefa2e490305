"""Write the fuzz run's counts (``CHIPWAR_FUZZ_REPORT`` JSON lines of tests/test_fuzz_inputs.py)
into the ``fuzz`` section of ``benchmarks/RESULTS.md``.

``python benchmarks/fuzz_counts.py fuzz.jsonl [KIND=COMMIT ...] [--note=TEXT]``: one row per
kind, the last run of each kind in the file, with the commit its code was at (a snapshot of the
tree is fuzzed, so later edits do not leak into a running kind); a kind whose run failed is shown
as failed with the cases it reached.
Not a benchmark (no ratio): the release fuzz run of docs/limits.md records its counts here.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _results import write_section


def main(report: str, *args: str) -> None:
    commits = dict(a.split("=", 1) for a in args if "=" in a and not a.startswith("--"))
    note = next((a.removeprefix("--note=") for a in args if a.startswith("--note=")), "")
    last: dict[str, dict[str, object]] = {}
    for line in Path(report).read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            last[str(row["kind"])] = row
    lines = [
        "## input safety: fuzz run of every input kind (`tests/test_fuzz_inputs.py`)",
        "",
        "Each case: exit 0 with sane JSON, or exit 2 with a message and no traceback "
        "(docs/limits.md §5). Run under `nice -n 19` on the shared 2-core machine, several "
        "kinds at once; wall times include waiting for the CPU.",
        "",
        "| kind | commit | cases run | exit 0 | exit 2 | result | wall time [s] |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind, row in sorted(last.items()):
        codes = row["exit_codes"]
        assert isinstance(codes, dict)
        result = "no failure" if row.get("passed") else "FAILED"
        lines.append(
            f"| {kind} | `{commits.get(kind, '?')}` | {row['cases']:,} | {codes.get('0', 0):,} | "
            f"{codes.get('2', 0):,} | {result} | {row['seconds']} |"
        )
    if note:
        lines += ["", note]
    write_section("fuzz", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv[1], *sys.argv[2:])
