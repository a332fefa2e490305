"""Write the fuzz run's counts (``CHIPWAR_FUZZ_REPORT`` JSON lines of tests/test_fuzz_inputs.py)
into the ``fuzz`` section of ``benchmarks/RESULTS.md``.

``python benchmarks/fuzz_counts.py fuzz.jsonl [KIND=COMMIT ...] [--note=TEXT]``: one row per
kind, the last run of each kind in the file (a kind run in chunks, one ``--hypothesis-seed``
per chunk, is the sum of its consecutive seeded rows), with the commit its code was at (a
snapshot of the tree is fuzzed, so later edits do not leak into a running kind); a kind whose
run failed is shown as failed with the cases it reached.
Not a benchmark (no ratio): the release fuzz run of docs/limits.md records its counts here.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _results import write_section


def _add_chunk(before: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
    """``row`` added to the seeded chunks before it (a fresh run if ``before`` was not seeded)."""
    seeds = before.get("seeds") or [before.get("hypothesis_seed")]
    if None in seeds or row["hypothesis_seed"] in seeds:  # not a chunk of the same run
        return row
    codes = Counter(before["exit_codes"]) + Counter(row["exit_codes"])
    return {
        **row,
        "cases": before["cases"] + row["cases"],
        "exit_codes": dict(codes),
        "passed": before["passed"] and row["passed"],
        "seconds": round(before["seconds"] + row["seconds"], 1),
        "seeds": [*seeds, row["hypothesis_seed"]],
    }


def main(report: str, *args: str) -> None:
    commits = dict(a.split("=", 1) for a in args if "=" in a and not a.startswith("--"))
    note = next((a.removeprefix("--note=") for a in args if a.startswith("--note=")), "")
    last: dict[str, dict[str, Any]] = {}
    for line in Path(report).read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            kind = str(row["kind"])
            if row.get("hypothesis_seed") is not None and kind in last:
                row = _add_chunk(last[kind], row)
            last[kind] = row
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
        if row.get("seeds"):
            result += f" ({len(row['seeds'])} chunks, seeds {', '.join(row['seeds'])})"
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
