"""Checks on the dynamics engine (``chipwar.dynamics``): a variable's median and band in a year,
or the probability that it passes a threshold, under a calibrated scenario. A *model*
projection (principle 2): only forecasts may be judged by it."""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from typing import Any

import numpy as np

from chipwar.catalog.sources import cited_source_ids
from chipwar.claims.base import DataMissing, Modelled, register
from chipwar.dynamics import api as dyn
from chipwar.dynamics.calibration import TARGETS
from chipwar.dynamics.history import load_history
from chipwar.dynamics.model import simulate
from chipwar.dynamics.scenario import sample_params

DYNAMICS_SAMPLES = 400
"""Samples per dynamics evaluation (the flip search runs it a few dozen times)."""


def _dynamics_samples(params: dict[str, Any], knob: str, value: float) -> np.ndarray:
    """Samples of ``variable`` in ``year`` under the dynamics scenario; the ``other_ss`` knob
    scales the non-AI self-sufficiency trend (the input that dominates the total)."""
    prep = dyn.prepare(str(params.get("scenario", "baseline")))
    seed, n = int(params.get("seed", 0)), int(params.get("samples", DYNAMICS_SAMPLES))
    values: dict[str, Any] = {}
    if prep.scenario.calibration is not None:
        values.update(dyn.draw_fitted(dyn.history_fit(prep.scenario.calibration), n, seed))
    p = sample_params(prep.scenario, n, seed, values)
    if knob == "other_ss" and value != 1.0:
        p = dataclasses.replace(
            p, other_self_sufficiency=np.clip(p.other_self_sufficiency * value, 0.0, 1.0)
        )
    out = simulate(prep.chips, p, prep.levers)
    var = str(params.get("variable", "self_sufficiency"))
    attr = dyn.METRICS.get(var, var)
    years = np.asarray(prep.years)
    year = int(params["year"])
    if year not in years:
        raise DataMissing(f"year {year} is outside the dynamics scenario ({years[0]}-{years[-1]})")
    return np.asarray(getattr(out, attr))[:, int(np.searchsorted(years, year))]


@lru_cache(maxsize=8)
def dynamics_sources(scenario: str) -> tuple[str, ...]:
    """Every source id the dynamics scenario cites, plus those of the history series its
    calibration fits and of the IC Insights self-sufficiency trend (chipwar.dynamics)."""
    prep = dyn.prepare(scenario)
    out = cited_source_ids(prep.scenario.model_dump())
    series = [name for name, _ in TARGETS] + ["self_sufficiency:icinsights"]
    frame = load_history()
    for src in frame.loc[frame["series"].isin(series), "source"]:
        out += [x.strip() for x in str(src).split(";") if x.strip()]
    return tuple(dict.fromkeys(out))


@register("dynamics.value", engine="chipwar.dynamics.api", knobs=("other_ss",), basis="model")
def dynamics_value(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """Median and 5-95 % band of a dynamics variable in a year."""
    s = _dynamics_samples(params, knob, value)
    return Modelled(
        value=float(np.nanmedian(s)),
        low=float(np.nanpercentile(s, 5)),
        high=float(np.nanpercentile(s, 95)),
        sources=list(dynamics_sources(str(params.get("scenario", "baseline")))),
        basis=f"dynamics {params.get('scenario', 'baseline')}: {params.get('variable')} in "
        f"{params['year']} (median, 5-95 % band of {s.size} samples)",
        assumptions=["calibrated baseline scenario (chipwar.dynamics)"],
    )


@register("dynamics.probability", engine="chipwar.dynamics.api", knobs=("other_ss",), basis="model")
def dynamics_probability(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """P(variable >= threshold) in a year over the scenario's samples."""
    s = _dynamics_samples(params, knob, value)
    p = float(np.mean(s >= float(params["threshold"])))
    return Modelled(
        value=p,
        sources=list(dynamics_sources(str(params.get("scenario", "baseline")))),
        basis=f"dynamics {params.get('scenario', 'baseline')}: "
        f"P({params.get('variable')} >= {params['threshold']}) in {params['year']}",
        rows=[
            {
                "samples": int(s.size),
                "p5": float(np.nanpercentile(s, 5)),
                "p50": float(np.nanmedian(s)),
                "p95": float(np.nanpercentile(s, 95)),
            }
        ],
        assumptions=["calibrated baseline scenario (chipwar.dynamics)"],
    )
