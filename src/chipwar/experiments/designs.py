"""Designs: which input values each row of an experiment gets.

* ``monte-carlo`` — independent random draws (:func:`chipwar.catalog.sampling.draw`). Design
  rows are cut into blocks of ``chunk_size``; block b draws with a generator seeded
  ``SeedSequence([seed, b]).generate_state(1)[0]``. A row's numbers depend only on the seed,
  the chunk size and its design row, never on the number of workers; and design row d gets the
  same values under every lever combination (common random numbers: lever comparisons are
  paired).
* ``latin-hypercube`` — ``scipy.stats.qmc.LatinHypercube(d=k, seed=seed)``: one stratum per
  sample in every input (McKay, Beckman & Conover 1979).
* ``sobol`` — Saltelli's scheme through SALib (``SALib.sample.sobol``, first and total order,
  N·(k + 2) rows; Saltelli et al. 2010) for Sobol indices.
* ``morris`` — Morris trajectories through SALib (``SALib.sample.morris``, N·(k + 1) rows, p
  grid levels; Morris 1991, Campolongo et al. 2007).
* ``full-factorial`` — every lever combination once, uncertainties at ``base``.

Quasi-random designs are points ``q`` in the unit cube; each column is mapped to values with
the inverse CDF of its uncertainty (:func:`chipwar.catalog.sampling.ppf`), with ``q`` clipped
to [1e-12, 1 − 1e-12] so an unbounded lognormal stays finite at a Morris grid end.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from chipwar.catalog.sampling import draw, ppf
from chipwar.experiments.spec import Experiment

Array = npt.NDArray[np.float64]
Q_EPS = 1e-12


def salib_problem(exp: Experiment) -> dict[str, object]:
    """The SALib problem over the unit cube, one variable per uncertainty (spec order)."""
    names = list(exp.uncertainties)
    return {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}


def unit_design(exp: Experiment) -> Array | None:
    """The design's points in the unit cube, shape (design_rows, k); None for monte-carlo and
    full-factorial (which need none)."""
    k = len(exp.uncertainties)
    if exp.design == "latin-hypercube":
        from scipy.stats import qmc

        return np.asarray(qmc.LatinHypercube(d=k, seed=exp.seed).random(exp.samples))
    if exp.design == "sobol":
        from SALib.sample import sobol

        return np.asarray(
            sobol.sample(salib_problem(exp), exp.samples, calc_second_order=False, seed=exp.seed)
        )
    if exp.design == "morris":
        from SALib.sample import morris

        return np.asarray(
            morris.sample(
                salib_problem(exp), exp.samples, num_levels=exp.morris.levels, seed=exp.seed
            )
        )
    return None


def chunk_seed(seed: int, chunk: int) -> int:
    """The seed of one chunk's generator: ``SeedSequence([seed, chunk]).generate_state(1)[0]``."""
    return int(np.random.SeedSequence([seed, chunk]).generate_state(1)[0])


def unit_rows(exp: Experiment, unit: Array | None, rows: npt.NDArray[np.int64]) -> Array | None:
    """The unit-design points of the given global row ids (None where the design has none)."""
    return None if unit is None else unit[rows % exp.design_rows]


def row_seeds(exp: Experiment, rows: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The generator seed behind each row: its Monte Carlo block's seed, else the experiment's."""
    if exp.design != "monte-carlo":
        return np.full(len(rows), exp.seed, dtype=np.int64)
    blocks = (rows % exp.design_rows) // exp.chunk_size
    seeds = {int(b): chunk_seed(exp.seed, int(b)) for b in np.unique(blocks)}
    return np.asarray([seeds[int(b)] for b in blocks], dtype=np.int64)


def _monte_carlo(exp: Experiment, rows: npt.NDArray[np.int64]) -> dict[str, Array]:
    design_row = rows % exp.design_rows
    blocks = design_row // exp.chunk_size
    out = {name: np.empty(len(rows)) for name in exp.uncertainties}
    for b in np.unique(blocks):
        lo = int(b) * exp.chunk_size
        hi = min(lo + exp.chunk_size, exp.design_rows)
        rng = np.random.default_rng(chunk_seed(exp.seed, int(b)))
        mask = blocks == b
        for name, u in exp.uncertainties.items():
            out[name][mask] = draw(u, hi - lo, rng)[design_row[mask] - lo]
    return out


def uncertainty_values(
    exp: Experiment, rows: npt.NDArray[np.int64], q_rows: Array | None
) -> dict[str, Array]:
    """Values of every uncertainty column for the given global row ids (one chunk);
    ``q_rows``: their unit-design points (:func:`unit_rows`)."""
    if exp.design == "monte-carlo":
        return _monte_carlo(exp, rows)
    if q_rows is None:  # full-factorial: uncertainties at base
        return {name: np.full(len(rows), u.base) for name, u in exp.uncertainties.items()}
    q = np.clip(q_rows, Q_EPS, 1.0 - Q_EPS)
    return {name: ppf(u, q[:, j]) for j, (name, u) in enumerate(exp.uncertainties.items())}


def lever_values(exp: Experiment, rows: npt.NDArray[np.int64]) -> dict[str, np.ndarray]:
    """Values of every lever column for the given global row ids (combination-major)."""
    combos = exp.lever_combinations()
    which = rows // exp.design_rows
    out: dict[str, np.ndarray] = {}
    for j, name in enumerate(exp.levers):
        levels = [c[j] for c in combos]
        if all(isinstance(v, int | float) for v in levels):
            out[name] = np.asarray(levels, dtype=float)[which]
        else:
            out[name] = np.asarray([str(v) for v in levels], dtype=object)[which]
    return out
