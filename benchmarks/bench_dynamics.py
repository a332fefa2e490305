"""Dynamics: sampled scenario runs, vectorised over samples vs a per-sample loop (same numbers)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _results import best_of, write_section
from chipwar.dynamics import api
from chipwar.dynamics.calibration import draw_fitted
from chipwar.dynamics.model import simulate, simulate_loop
from chipwar.dynamics.scenario import sample_params


def main() -> None:
    prep = api.prepare("baseline")
    fit = api.history_fit("baseline")
    rows = []
    for n in (100, 1000, 3000):
        params = sample_params(prep.scenario, n, 0, draw_fitted(fit, n, 0))
        vec = best_of(3, lambda p=params: simulate(prep.chips, p, prep.levers))
        a = simulate(prep.chips, params, prep.levers)
        start = time.perf_counter()
        b = simulate_loop(prep.chips, params, prep.levers)
        loop = time.perf_counter() - start
        same = np.allclose(a.domestic_share, b.domestic_share) and np.allclose(
            a.self_sufficiency, b.self_sufficiency
        )
        rows.append((n, vec, loop, loop / vec, same))
        print(f"samples {n}: vectorised {vec:.4f} s, loop {loop:.3f} s, x{loop / vec:.0f}, {same}")
    start = time.perf_counter()
    api.calibrate("baseline")
    calib = time.perf_counter() - start
    years, chips = len(prep.years), prep.chips.n_chips
    md = [
        "## dynamics",
        "",
        f"Baseline scenario ({years} years x {chips} chips), parameters drawn as in "
        "`chipwar dynamics run --samples N`. Ours: `model.simulate` (NumPy over the sample axis). "
        "Reference: `model.simulate_loop` (the same model, one sample at a time). "
        "Both give the same numbers (checked each run).",
        "",
        "| samples | vectorised [s] | per-sample loop [s] | speed-up | same result |",
        "|---:|---:|---:|---:|:---:|",
        *[
            f"| {n} | {v:.4f} | {lp:.3f} | {r:.0f}x | {'yes' if s else 'NO'} |"
            for n, v, lp, r, s in rows
        ],
        "",
        f"Calibration of the baseline to the history (SciPy least squares, batched "
        f"finite-difference Jacobian): {calib:.2f} s.",
    ]
    write_section("dynamics", "\n".join(md))


if __name__ == "__main__":
    main()
