"""Report build time, and the claims' flip search against a plain grid scan.

1. ``chipwar report`` end to end (all sections, every claim with flip search), wall time and
   size: in-process, and as a user runs it (a fresh ``chipwar report -o`` process, imports
   included).
2. Flip search (outward x2 steps, finer scan, bisection) vs. a reference grid scan in 1 % steps
   over factors 1/16 .. 16, on the ledger's evidence claims: evaluations, time, and agreement of
   the flip factor.
3. One embedded plotly.js for the whole page vs. the straightforward per-chart
   ``plotly.io.to_html(include_plotlyjs=True)``: file size.
"""

from __future__ import annotations

import math
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _results import write_section
from chipwar.claims import load_claims
from chipwar.claims.evaluate import evaluate, flip
from chipwar.report import build_report


def grid_flip(claim, verdict: str) -> tuple[float | None, int]:  # type: ignore[no-untyped-def]
    """Reference: walk factors 1.01^k outwards (both directions) until the verdict changes."""
    n = 0
    best = None
    for sign in (1, -1):
        k = 1
        while 1.01**k <= 16:
            x = 1.01 ** (sign * k)
            n += 1
            if evaluate(claim, x, with_flip=False).verdict != verdict:
                if best is None or abs(math.log(x)) < abs(math.log(best)):
                    best = x
                break
            k += 1
    return best, n


def main() -> None:
    out = Path(tempfile.mkdtemp()) / "report.html"
    t0 = time.perf_counter()
    res = build_report(out, lang="en", xlsx=out.with_suffix(".xlsx"))
    build_s = time.perf_counter() - t0
    size_mb = out.stat().st_size / 1e6
    charts = [c for s in res.sections for c in s.charts]

    import subprocess

    exe = Path(sys.executable).with_name("chipwar")
    t0 = time.perf_counter()
    proc = subprocess.run(
        [str(exe), "report", "-o", str(out.with_name("cli.html"))],
        capture_output=True,
        text=True,
        check=True,
    )
    cli_s = time.perf_counter() - t0
    printed = proc.stdout.strip()

    scale = [c for c in load_claims() if c.check.engine == "evidence" and c.knob.kind == "scale"]
    claims = scale[:12]
    ours_t = ref_t = 0.0
    ours_n = ref_n = 0
    agree = 0
    import sys as _sys

    ev_mod = _sys.modules["chipwar.claims.evaluate"]
    for c in claims:
        base = evaluate(c, with_flip=False).verdict
        calls = [0]
        orig = ev_mod._state

        def counted(claim, x, _orig=orig, _calls=calls):  # type: ignore[no-untyped-def]
            _calls[0] += 1
            return _orig(claim, x)

        ev_mod._state = counted
        t = time.perf_counter()
        f = flip(c, base)
        ours_t += time.perf_counter() - t
        ev_mod._state = orig
        ours_n += calls[0]
        t = time.perf_counter()
        g, n = grid_flip(c, base)
        ref_t += time.perf_counter() - t
        ref_n += n
        if f is not None and g is not None and abs(math.log(f.at / g)) <= math.log(1.011):
            agree += 1

    import plotly.io as pio

    naive = sum(len(pio.to_html(c.figure, include_plotlyjs=True, full_html=False)) for c in charts)
    ours_bytes = out.stat().st_size

    md = f"""## report

`chipwar report` (all sections, {len(res.claims)} claims with flip search, xlsx):
**{build_s:.1f} s** wall in-process, **{cli_s:.1f} s** as a fresh `chipwar report -o` process
(imports included), {size_mb:.1f} MB HTML, {len(charts)} charts (limit: < 60 s). It prints:

```
{printed}
```

| flip search on {len(claims)} evidence claims | evaluations | time [s] |
|---|---:|---:|
| ours (x2 steps, finer scan, bisection) | {ours_n} | {ours_t:.2f} |
| reference grid scan, 1 % steps over 1/16..16 | {ref_n} | {ref_t:.2f} |
| ratio (reference / ours) | {ref_n / max(ours_n, 1):.1f}x | {ref_t / max(ours_t, 1e-9):.1f}x |

Flip factors agree within the grid's 1 % step on {agree} of {len(claims)} claims (ours is
resolved to ~1e-5; the grid cannot go below 1 %).

Page size, one embedded plotly.js vs. per-chart `to_html(include_plotlyjs=True)`:
{ours_bytes / 1e6:.1f} MB vs {naive / 1e6:.1f} MB ({naive / ours_bytes:.1f}x).
"""
    print(md)
    write_section("report", md)


if __name__ == "__main__":
    main()
