"""Report section: the Nexperia scenario before and after calibration to what was observed.

Three charts from ``SAMPLES`` sampled runs of the sourced prior (``nexperia-2025-prior``) and of
the calibrated scenario (``nexperia-2025``), same seed: the 5-95 % band of each plant's output
(share of plan) for the plants cut in any sample, the 5-95 % band of each part's price multiplier
(P/P0, chipwar.supply.engine step 7), and the share of samples that reproduce each observation
(chipwar.supply.observations.score). Sources: the scenarios' and the observations' citations.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chipwar.catalog.sources import cited_source_ids
from chipwar.report.figures import (
    Chart,
    Section,
    _fig,
    _rgba,
    band_traces,
    panel_yaxis,
    stacked_layout,
)
from chipwar.supply.engine import SimResult, draw, simulate
from chipwar.supply.network import Network
from chipwar.supply.observations import read_observations, score
from chipwar.supply.results import build
from chipwar.supply.scenario import read_scenario

SAMPLES = 200
SEED = 0
PRIOR, POSTERIOR = "nexperia-2025-prior", "nexperia-2025"
COLORS = {"prior": "#9e9e9e", "posterior": "#1976d2"}


def _runs() -> dict[str, tuple[Network, SimResult]]:
    out = {}
    for key, name in (("prior", PRIOR), ("posterior", POSTERIOR)):
        net = build(read_scenario(name))
        out[key] = (net, simulate(net, draw(net, SAMPLES, SEED), keep_daily=True))
    return out


def _daily(res: SimResult) -> np.ndarray:
    if res.plant_output is None:
        raise ValueError("simulate(..., keep_daily=True) is needed")  # a bug, not bad input
    return res.plant_output


def _band(key: str, label: str, days: list[str], values: np.ndarray, axes: dict[str, str],
          t: dict[str, str], show: bool) -> list[dict[str, Any]]:  # fmt: skip
    """p5-p95 band (filled) and median line of values [T, R]."""
    p5, p50, p95 = np.percentile(values, [5, 50, 95], axis=1)
    color = COLORS[key]
    common = {"type": "scatter", "x": days, "legendgroup": key, **axes}
    band = f"{t['calib_' + key]} {t['band']}"
    return [
        *band_traces(common, p5, p95, _rgba(color, 0.25), band, f"{label} p95", showlegend=show),
        {**common, "mode": "lines", "line": {"color": color, "width": 2,
         "dash": "dot" if key == "prior" else "solid"}, "y": np.round(p50, 4).tolist(),
         "name": f"{t['calib_' + key]} {t['median']}", "showlegend": show},
    ]  # fmt: skip


def _panels(series: list[tuple[str, dict[str, np.ndarray]]], days: list[str], ytitle: str,
            t: dict[str, str], tickformat: str | None) -> dict[str, Any]:  # fmt: skip
    """One panel per series, each with the prior and the posterior band."""
    n = len(series)
    data: list[dict[str, Any]] = []
    layout = stacked_layout(n, 220)
    for i, (label, by_key) in enumerate(series):
        axis = {"title": {"text": ytitle}, **({"tickformat": tickformat} if tickformat else {})}
        ax, layout[f"yaxis{i + 1 if i else ''}"] = panel_yaxis(i, n, **axis)
        layout["annotations"].append(
            {"text": f"<b>{label}</b>", "xref": "paper", "yref": f"y{ax} domain", "x": 0.01,
             "y": 0.98, "xanchor": "left", "yanchor": "top", "showarrow": False}
        )  # fmt: skip
        for key in ("prior", "posterior"):
            axes = {"xaxis": "x", "yaxis": f"y{ax}"}
            data += _band(key, label, days, by_key[key], axes, t, show=i == 0)
    return {"data": data, "layout": {**_fig([], {})["layout"], **layout}}


def section_supply_calibration(t: dict[str, str]) -> Section:
    """Prior vs calibrated bands for plant output and parts' prices, and observation hit rates."""
    runs = _runs()
    net, _ = runs["posterior"]
    days = [net.date_of(i).isoformat() for i in range(net.days)]
    plants = [net.node_ids[i] for i in net.plant_nodes]
    plan = net.demand[None, :, None]
    share = {k: _daily(res) / plan for k, (_, res) in runs.items()}  # [T, P, R]
    cut = [j for j in range(len(plants)) if min(share[k][:, j].min() for k in share) < 0.999]
    plant_series = [(plants[j], {k: share[k][:, j, :] for k in share}) for j in cut]
    price = {k: res.part_price for k, (_, res) in runs.items()}  # [T, parts, R]
    moved = [
        p for p, pid in enumerate(net.part_ids) if max(price[k][:, p].max() for k in price) > 1
    ]
    part_series = [(net.part_ids[p], {k: price[k][:, p, :] for k in price}) for p in moved]

    obs = read_observations(POSTERIOR)
    outcomes = obs.outcomes()
    hit = {k: score(n, res, outcomes).hit.mean(axis=1) for k, (n, res) in runs.items()}
    ids = [o.id for o in outcomes]
    bars = [
        {"type": "bar", "orientation": "h", "y": ids, "x": np.round(hit[k], 3).tolist(),
         "name": t["calib_" + k], "marker": {"color": COLORS[k]}}
        for k in ("prior", "posterior")
    ]  # fmt: skip
    sources = list(dict.fromkeys(
        [*cited_source_ids(read_scenario(POSTERIOR).model_dump(mode="json")),
         *(s for o in obs.observations for s in o.source)]
    ))  # fmt: skip
    cap = t["cap_calibration"].format(n=SAMPLES, seed=SEED, prior=PRIOR, posterior=POSTERIOR)
    charts = [
        Chart("calibration-output", _panels(plant_series, days, t["share_of_plan"], t, ".0%"),
              f"{t['plant_output']}: {cap}", sources),
        Chart("calibration-price", _panels(part_series, days, t["price_multiplier"], t, None),
              f"{t['price_multiplier']}: {cap}", sources),
        Chart("calibration-observations",
              _fig(bars, {"barmode": "group", "height": 120 + 28 * len(ids),
                          "margin": {"l": 230, "r": 20, "t": 30, "b": 60},
                          "yaxis": {"title": t["calib_observation"], "automargin": True},
                          "xaxis": {"title": t["calib_hit_rate"], "range": [0, 1],
                                    "tickformat": ".0%"}}),
              f"{t['calib_hit_rate']}: {cap}", sources),
    ]  # fmt: skip
    table = [
        {"observation": o.id, "kind": o.kind, "observed": o.date.isoformat(),
         "tolerance_days": o.tolerance_days, "prior_hit_rate": round(float(hit["prior"][i]), 3),
         "posterior_hit_rate": round(float(hit["posterior"][i]), 3)}
        for i, o in enumerate(outcomes)
    ]  # fmt: skip
    import pandas as pd

    return Section(
        "supply_calibration", t["supply_calibration"], charts=charts,
        tables={"nexperia_calibration": pd.DataFrame(table)},
    )  # fmt: skip
