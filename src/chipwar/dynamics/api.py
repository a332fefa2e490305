"""Python API of the dynamics part: run a scenario, compare, calibrate, backtest, and give the
probability of a forecast (for the claims checker).

    run_scenario("baseline", samples=500, seed=0)        -> yearly DataFrame (p5/p50/p95)
    forecast_probability("self_sufficiency", 2027, 0.30) -> probability and quantiles
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from chipwar.catalog.io import path_exists, read_bytes
from chipwar.dynamics.calibration import (
    FREE,
    Fit,
    draw_fitted,
    fit_shares,
    model_at,
    observations,
)
from chipwar.dynamics.model import ChipInputs, Levers, Outputs, Params, simulate
from chipwar.dynamics.scenario import (
    Scenario,
    chip_inputs,
    load_scenario,
    sample_params,
    scenario_path,
    year_levers,
)
from chipwar.errors import ChipwarError, InputError

METRICS: dict[str, str] = {
    "domestic_share_ai_accelerators": "domestic_share",
    "domestic_value_share_ai_accelerators": "domestic_value_share",
    "nvidia_share_ai_accelerators": "nvidia_share",
    "other_foreign_share_ai_accelerators": "other_foreign_share",
    "self_sufficiency": "self_sufficiency",
    "usd_per_pflop_hour_domestic": "usd_per_pflop_hour_domestic",
    "usd_per_pflop_hour_domestic_subsidised": "usd_per_pflop_hour_domestic_subsidised",
    "usd_per_pflop_hour_foreign": "usd_per_pflop_hour_foreign",
    "usd_per_pflop_hour_frontier": "usd_per_pflop_hour_frontier",
    "energy_twh": "energy_twh",
    "nvidia_china_revenue_usd_bn": "nvidia_revenue_usd_bn",
    "ai_accelerator_market_usd_bn": "ai_market_usd_bn",
    "unmet_units": "unmet_units",
}
"""Output column -> Outputs attribute. Shares and self-sufficiency are fractions (0-1)."""
BANDED = (
    "domestic_share_ai_accelerators", "self_sufficiency", "usd_per_pflop_hour_domestic",
    "usd_per_pflop_hour_foreign", "nvidia_china_revenue_usd_bn", "energy_twh",
)  # fmt: skip
QUANTILES = (5, 50, 95)


@dataclass(frozen=True)
class Prepared:
    scenario: Scenario
    chips: ChipInputs
    levers: Levers

    @property
    def years(self) -> np.ndarray:
        return self.scenario.years


def prepare(scenario: str | Path | Scenario) -> Prepared:
    """Load (file or built-in name) and build engine inputs; built-ins are cached."""
    if isinstance(scenario, Scenario):
        return _build(scenario)
    path = scenario_path(scenario)
    return _prepare_path(str(path.resolve()), content_key(path))


CACHED_FILES = 16
"""Scenario files (and calibrations) kept prepared per process; least recently used go first,
so a server answering many uploaded scenarios holds at most this many."""


def content_key(path: Path) -> str:
    """SHA-256 of the file's bytes: an edited file is read again even when its modification
    time did not change; "" when it cannot be read (the loader then says why)."""
    if not path_exists(path):
        return ""
    try:
        return hashlib.sha256(read_bytes(path)).hexdigest()
    except ChipwarError:
        return ""


@lru_cache(maxsize=CACHED_FILES)
def _prepare_path(path: str, digest: str) -> Prepared:
    return _build(load_scenario(path))


def _build(sc: Scenario) -> Prepared:
    return Prepared(sc, chip_inputs(sc), year_levers(sc, sc.years))


def simulate_scenario(
    prep: Prepared,
    samples: int = 1,
    seed: int | None = 0,
    overrides: dict[str, Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Outputs:
    """Sample the parameters (the fitted ones from the calibration scenario) and simulate;
    ``progress(years_done, years)`` is told after each simulated year."""
    values: dict[str, Any] = {}
    if prep.scenario.calibration is not None:
        values.update(draw_fitted(history_fit(prep.scenario.calibration), samples, seed))
    values.update(overrides or {})
    params = sample_params(prep.scenario, samples, seed, values)
    return simulate(prep.chips, params, prep.levers, progress)


def history_fit(calibration: str) -> Fit:
    """The fit of ``calibration`` (a built-in name or file) to all history, cached."""
    path = scenario_path(calibration)
    return _history_fit(str(path.resolve()), content_key(path))


@lru_cache(maxsize=CACHED_FILES)
def _history_fit(path: str, digest: str) -> Fit:
    return calibrate(path)


def frame(prep: Prepared, out: Outputs) -> pd.DataFrame:
    """Yearly rows; with several samples each metric is the median plus p5/p50/p95 columns."""
    years = prep.years
    rows: dict[str, Any] = {"year": years, "scenario": prep.scenario.name}
    n = out.domestic_share.shape[0]
    for col, attr in METRICS.items():
        values = getattr(out, attr)
        if n == 1:
            rows[col] = values[0]
        else:
            with warnings.catch_warnings():  # all-NaN years (no foreign chip) stay NaN
                warnings.simplefilter("ignore", RuntimeWarning)
                q = np.nanpercentile(values, QUANTILES, axis=0)
            rows[col] = q[1]
            if col in BANDED:
                for level, row in zip(QUANTILES, q, strict=True):
                    rows[f"{col}_p{level}"] = row
    result = pd.DataFrame(rows)
    result["cost_gap_domestic_vs_frontier"] = (
        result["usd_per_pflop_hour_domestic"] / result["usd_per_pflop_hour_frontier"]
    )
    result["samples"] = n
    return result


def run_scenario(
    scenario: str | Path | Scenario,
    samples: int = 1,
    seed: int | None = 0,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Run a scenario and return its yearly table (``progress`` as in :func:`simulate_scenario`)."""
    prep = prepare(scenario)
    return frame(prep, simulate_scenario(prep, samples, seed, progress=progress))


# ---------------------------------------------------------------- calibration


def calibrate(scenario: str | Path | Scenario = "baseline", until: int | None = None) -> Fit:
    """Fit alpha_domestic, beta and ecosystem_learning to the domestic-share history <= until."""
    prep = prepare(scenario)
    years = prep.years
    obs = observations(years, until=until)
    if not obs:
        allowed = sorted({o.year for o in observations(years)})
        raise InputError(
            "until", until, f"a year with observations on or before it ({allowed[0]}-{allowed[-1]})"
        )
    base = sample_params(prep.scenario, 1)
    p = prep.scenario.parameters
    prior = {}
    for name in FREE:
        r = getattr(p, name)
        prior[name] = (r.base, max((r.high - r.low) / 4, 1e-6))
    return fit_shares(prep.chips, base, prep.levers, years, obs, prior, FREE, until)


def fitted_params(prep: Prepared, fit: Fit, samples: int = 1, seed: int | None = 0) -> Params:
    return sample_params(prep.scenario, samples, seed, draw_fitted(fit, samples, seed))


def backtest(
    scenario: str | Path | Scenario = "baseline", until: int = 2021, last: int = 2024
) -> tuple[Fit, pd.DataFrame]:
    """Fit on years <= until, then compare the model with every observation in until+1..last.

    Beside the model, a naive persistence forecast: each series' last value on or before
    ``until`` (or, for a series with none, the latest observation of any series).
    """
    prep = prepare(scenario)
    years = prep.years
    if until not in years:
        raise InputError("until", until, f"a year in the scenario ({years[0]}-{years[-1]})")
    known = sorted({o.year for o in observations(years)})
    if until >= known[-1]:
        raise InputError(
            "until", until, f"a year before the last observation ({known[-1]}) so that "
            "there is something to backtest"
        )  # fmt: skip
    if not until < last <= years[-1]:
        raise InputError("last", last, f"a year after --until {until}, at most {years[-1]}")
    test = observations(years, until=last, since=until + 1)
    if not test:
        after = [y for y in known if y > until]
        raise InputError("last", last, f"a year with observations after {until} ({after[0]}+)")
    fit = calibrate(prep.scenario, until)
    train = observations(years, until=until)
    latest = max(train, key=lambda o: o.year)
    naive = []
    for o in test:
        same = [t for t in train if t.series == o.series]
        naive.append((max(same, key=lambda t: t.year) if same else latest).share * 100)
    out = simulate(prep.chips, fitted_params(prep, fit), prep.levers)
    model = model_at(out, prep.years, test)[0]
    table = pd.DataFrame(
        {
            "series": [o.series for o in test],
            "year": [o.year for o in test],
            "basis": [o.basis for o in test],
            "observed_pct": [o.share * 100 for o in test],
            "forecast_pct": model * 100,
            "persistence_pct": naive,
        }
    )
    table["error_pp"] = table["forecast_pct"] - table["observed_pct"]
    table["persistence_error_pp"] = table["persistence_pct"] - table["observed_pct"]
    return fit, table


def backtest_errors(table: pd.DataFrame) -> dict[str, float]:
    """Mean absolute error, root-mean-square error and mean error (bias), in percentage points;
    ``persistence_mae_pp`` is the naive forecast's MAE on the same observations."""
    err = table["error_pp"].to_numpy(dtype=float)
    if len(err) == 0:
        nan = float("nan")
        return {"mae_pp": nan, "rmse_pp": nan, "bias_pp": nan, "persistence_mae_pp": nan, "n": 0}
    out: dict[str, float] = {
        "mae_pp": float(np.mean(np.abs(err))),
        "rmse_pp": float(np.sqrt(np.mean(err**2))),
        "bias_pp": float(np.mean(err)),
        "persistence_mae_pp": float("nan"),
        "n": len(err),
    }
    if "persistence_error_pp" in table:
        out["persistence_mae_pp"] = float(
            np.mean(np.abs(table["persistence_error_pp"].to_numpy(dtype=float)))
        )
    return out


# ---------------------------------------------------------------- forecasts and claims


def forecast_probability(
    metric: str,
    year: int,
    threshold: float,
    scenario: str | Path | Scenario = "baseline",
    samples: int = 2000,
    seed: int = 0,
) -> dict[str, Any]:
    """P(metric[year] >= threshold) under the scenario's sampled parameters, with quantiles.

    ``metric`` is an output column (e.g. ``self_sufficiency``, ``domestic_share_ai_accelerators``);
    shares are fractions (0.30 = 30 %).
    """
    if metric not in METRICS:
        raise InputError("metric", metric, "one of " + ", ".join(METRICS))
    prep = prepare(scenario)
    years = prep.years
    if year not in years:
        raise InputError("year", year, f"a year in {years[0]}-{years[-1]}")
    out = simulate_scenario(prep, samples, seed)
    values = getattr(out, METRICS[metric])[:, int(np.searchsorted(years, year))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        q = np.nanpercentile(values, QUANTILES)
    return {
        "metric": metric,
        "year": int(year),
        "threshold": float(threshold),
        "probability": float(np.mean(values >= threshold)),
        "p5": float(q[0]),
        "p50": float(q[1]),
        "p95": float(q[2]),
        "samples": samples,
        "seed": seed,
        "scenario": prep.scenario.name,
    }


SEED_CLAIMS: tuple[dict[str, Any], ...] = (
    {
        "claim": "China's chip self-sufficiency reaches 30 % by 2027",
        "metric": "self_sufficiency",
        "year": 2027,
        "threshold": 0.30,
        "source": "seed-2025-article",
    },
    {
        "claim": "AI-chip localisation passes 80 % within three years (from 34 % in 2025)",
        "metric": "domestic_share_ai_accelerators",
        "year": 2028,
        "threshold": 0.80,
        "source": "seed-2025-article",
    },
)


def seed_claims(
    scenario: str | Path | Scenario = "baseline", samples: int = 2000, seed: int = 0
) -> pd.DataFrame:
    """The seed's two forecasts beside the model's distribution for them, each with a reason
    computed from the same draws (what drives the median)."""
    rows = []
    for claim in SEED_CLAIMS:
        res = forecast_probability(
            claim["metric"], claim["year"], claim["threshold"], scenario, samples, seed
        )
        rows.append({**claim, **res, "reason": claim_reason(claim, scenario, samples, seed)})
    return pd.DataFrame(rows)


def claim_reason(
    claim: dict[str, Any], scenario: str | Path | Scenario, samples: int, seed: int
) -> str:
    """One sentence on what drives the model's median for a seed claim (same draws).

    Self-sufficiency: ss = s_other (M - M_ai)/M + made_in_cn V_dom/M, split into the non-AI
    trend's part and the AI-accelerator part [pp]. AI localisation: which foreign chips can be
    bought that year and the median under the controls-lifted counterfactual.
    """
    prep = prepare(scenario)
    years = prep.years
    t = int(np.searchsorted(years, claim["year"]))
    values: dict[str, Any] = {}
    if prep.scenario.calibration is not None:
        values.update(draw_fitted(history_fit(prep.scenario.calibration), samples, seed))
    params = sample_params(prep.scenario, samples, seed, values)
    out = simulate(prep.chips, params, prep.levers)
    year = claim["year"]
    if claim["metric"] == "self_sufficiency":
        market = params.ic_market_usd_bn[:, t]
        ai_in = np.minimum(out.ai_market_usd_bn[:, t], market)
        non_ai = params.other_self_sufficiency[:, t] * (market - ai_in) / market
        ai_part = out.self_sufficiency[:, t] - non_ai
        gap = claim["threshold"] - float(np.median(out.self_sufficiency[:, t]))
        tail = (
            f"{claim['threshold'] * 100:.0f} % needs {gap * 100:.1f} pp more, which the "
            "AI slice alone cannot supply"
            if gap > 0
            else f"the median passes {claim['threshold'] * 100:.0f} %"
        )
        return (
            f"median {year}: the non-AI trend gives {np.median(non_ai) * 100:.1f} pp and AI "
            f"accelerators add {np.median(ai_part) * 100:.1f} pp (an AI market of "
            f"USD {np.median(ai_in):.0f} bn in an IC market of {np.median(market):.0f} bn); " + tail
        )
    foreign = [
        f"{cid} {a:.2f}"
        for cid, a, dom in zip(prep.chips.ids, prep.chips.available[t], prep.chips.domestic,
                               strict=True)
        if not dom and a > 0
    ]  # fmt: skip
    lifted = forecast_probability(
        claim["metric"], year, claim["threshold"], "controls-lifted", samples, seed
    )
    unmet = float(np.median(out.unmet_units[:, t]))
    return (
        f"foreign chips buyable in {year} (fraction of the year): "
        f"{', '.join(foreign) if foreign else 'none'} (leakage median "
        f"{np.median(params.leakage):.2f}); with the controls lifted the median is "
        f"{lifted['p50'] * 100:.0f} % and P = {lifted['probability']:.2f}; median unmet "
        f"demand {unmet:,.0f} cards: localisation follows from what can be bought"
    )
