"""Sensitivity of a sweep's outcome to its uncertainties, computed with SALib.

* ``sobol`` design → Sobol indices (``SALib.analyze.sobol``, Saltelli et al. 2010 estimators):
  first order ``S1 = V[E(Y|Xi)] / V(Y)`` and total order ``ST = E[V(Y|X~i)] / V(Y)`` with
  bootstrap confidence intervals (``S1_conf``, ``ST_conf``: half-width at ``conf_level``).
* ``morris`` design → elementary effects (``SALib.analyze.morris``, Morris 1991; μ* of
  Campolongo et al. 2007): ``mu``, ``mu_star`` (mean |EE|, with ``mu_star_conf``) and
  ``sigma``. Effects are per unit change of the input's *quantile* (inputs are drawn through
  their inverse CDF), in the outcome's unit.

* any design → a **tornado** (:func:`tornado`): for each uncertainty X, the outcome's mean over
  the rows where X is in its lowest decile and where it is in its highest decile, against the
  mean over all rows: ``at_low = E[Y | X <= q10(X)]``, ``at_high = E[Y | X >= q90(X)]``,
  ``swing = |at_high − at_low|`` (in the outcome's unit). Read from the sweep's own rows, so it
  includes the other inputs' variation (unlike a one-at-a-time tornado).

One table row per uncertainty and lever combination (lever columns first). The inputs of the
analysis are rebuilt from the manifest (the design is deterministic in the seed); the outcome
is read with DuckDB ordered by ``sample``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from chipwar.errors import DataError, InputError
from chipwar.experiments.designs import salib_problem, unit_design
from chipwar.experiments.runner import read_manifest, status
from chipwar.experiments.spec import Experiment, parse_experiment
from chipwar.experiments.store import connect, read_results

INDICES: dict[str, tuple[str, ...]] = {
    "sobol": ("S1", "S1_conf", "ST", "ST_conf"),
    "morris": ("mu", "mu_star", "mu_star_conf", "sigma"),
}
"""The indices reported per input by each design's SALib analysis, in column order."""


def sweep_experiment(out: str | Path) -> Experiment:
    """The experiment recorded in a sweep folder's manifest."""
    return parse_experiment(read_manifest(Path(out))["experiment"], where=f"{out}/manifest.json")


def analyse(
    out: str | Path,
    outcome: str,
    *,
    conf_level: float = 0.95,
    num_resamples: int = 1000,
) -> pd.DataFrame:
    """Sobol indices or Morris effects of ``outcome`` (see the module docstring)."""
    exp = sweep_experiment(out)
    if outcome not in exp.outcomes:
        raise InputError("--outcome", outcome, f"one of {', '.join(exp.outcomes)}")
    if exp.design not in ("sobol", "morris"):
        raise InputError(
            "design", exp.design, "sobol or morris for a sensitivity analysis (set design:)"
        )
    if not 0 < conf_level < 1:
        raise InputError("--conf-level", conf_level, "a fraction in (0, 1)")
    st = status(out)
    if not st["complete"]:
        raise DataError(
            f"{out}: {st['chunks_missing']} of {st['chunks']} chunks are missing; resume the "
            "run first (`chipwar sweep run` with the same --out)"
        )
    frame = read_results(out, ["sample", outcome])
    y_all = frame[outcome].to_numpy(dtype=float)
    if not np.isfinite(y_all).all():
        bad = int((~np.isfinite(y_all)).sum())
        raise DataError(
            f"outcome {outcome!r}: {bad} rows are NaN or infinite (e.g. 'never' as NaN); "
            "a sensitivity analysis needs a number in every row"
        )
    problem = salib_problem(exp)
    names = list(exp.uncertainties)
    combos = exp.lever_combinations()
    rows: list[dict[str, object]] = []
    unit = unit_design(exp)
    for k, combo in enumerate(combos):
        y = y_all[k * exp.design_rows : (k + 1) * exp.design_rows]
        levers = dict(zip(exp.levers, combo, strict=True))
        if exp.design == "sobol":
            from SALib.analyze import sobol

            res = sobol.analyze(
                problem, y, calc_second_order=False, conf_level=conf_level,
                num_resamples=num_resamples, seed=exp.seed,
            )  # fmt: skip
        else:
            from SALib.analyze import morris

            res = morris.analyze(
                problem, unit, y, num_levels=exp.morris.levels, conf_level=conf_level,
                num_resamples=num_resamples, seed=exp.seed,
            )  # fmt: skip
        indices = INDICES[exp.design]
        for j, name in enumerate(names):
            rows.append({**levers, "input": name, **{i: float(res[i][j]) for i in indices}})
    result = pd.DataFrame(rows)
    key = "ST" if exp.design == "sobol" else "mu_star"
    return result.sort_values([*exp.levers, key], ascending=[True] * len(exp.levers) + [False],
                              ignore_index=True)  # fmt: skip


def _sql_value(v: float | str) -> str:
    return repr(float(v)) if isinstance(v, int | float) else "'" + str(v).replace("'", "''") + "'"


def tornado(out: str | Path, outcome: str, fraction: float = 0.1) -> pd.DataFrame:
    """Conditional-mean tornado of ``outcome`` for every uncertainty (see the module
    docstring), per lever combination, sorted by swing; any design, any finished rows."""
    exp = sweep_experiment(out)
    if outcome not in exp.outcomes:
        raise InputError("--outcome", outcome, f"one of {', '.join(exp.outcomes)}")
    if not 0 < fraction < 0.5:
        raise InputError("fraction", fraction, "a fraction in (0, 0.5)")
    if not exp.uncertainties:
        raise InputError("uncertainties", [], "at least one uncertainty for a tornado")
    con = connect(out)
    rows: list[dict[str, object]] = []
    try:
        for combo in exp.lever_combinations():
            levers = dict(zip(exp.levers, combo, strict=True))
            where = " AND ".join(f"{k} = {_sql_value(v)}" for k, v in levers.items()) or "TRUE"
            for x in exp.uncertainties:  # names are checked SQL identifiers (spec.COLUMN)
                got = con.execute(
                    f"WITH q AS (SELECT quantile_cont({x}, {fraction}) AS lo, "
                    f"quantile_cont({x}, {1 - fraction}) AS hi FROM results WHERE {where}) "
                    f"SELECT avg({outcome}) FILTER (WHERE {x} <= q.lo), "
                    f"avg({outcome}) FILTER (WHERE {x} >= q.hi), avg({outcome}), "
                    f"any_value(q.lo), any_value(q.hi), count(*) FROM results, q WHERE {where}"
                ).fetchone()
                if got is None or got[5] == 0:
                    continue
                at_low, at_high, mean, lo, hi, n = got
                if at_low is None or at_high is None:
                    continue
                rows.append(
                    {
                        **levers,
                        "input": x,
                        "input_low": float(lo),
                        "input_high": float(hi),
                        "at_low": float(at_low),
                        "mean": float(mean),
                        "at_high": float(at_high),
                        "swing": abs(float(at_high) - float(at_low)),
                        "rows": int(n),
                    }
                )
    finally:
        con.close()
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    keys = [*exp.levers, "swing"]
    return frame.sort_values(keys, ascending=[True] * len(exp.levers) + [False], ignore_index=True)
