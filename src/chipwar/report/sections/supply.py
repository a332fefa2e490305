"""The "Nexperia" supply report section: plant output with Monte Carlo bands and part prices
(engine: ``chipwar.supply``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

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


def section_nexperia(t: dict[str, str]) -> Section:
    from chipwar.supply import results
    from chipwar.supply.scenario import read_scenario

    scn = read_scenario("nexperia-2025")
    scn_sources = list(dict.fromkeys(cited_source_ids(scn.model_dump(mode="json"))))
    net = results.build(scn)
    res, _ = results.run(net, samples=1, seed=0)
    summary = results.summarize(net, res, 1, 0)
    days = [(net.start_date + dt.timedelta(days=i)).isoformat() for i in range(res.days)]
    sampled, _ = results.run(net, samples=NEXPERIA_SAMPLES, seed=0, keep_daily=True)
    chart = _nexperia_output_chart(net, res, sampled, days, t, scn_sources)
    price = res.part_price[:, :, 0]  # [T, parts], base-value run
    prices = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": pid,
            "x": days,
            "y": [round(float(v), 4) for v in price[:, k]],
        }
        for k, pid in enumerate(net.part_ids)
        if float(price[:, k].max()) > 1.0
    ]
    charts = [chart]
    if prices:
        charts.append(
            Chart(
                "nexperia-price",
                _fig(
                    prices, {"yaxis": {"title": t["price_multiplier"]}, "xaxis": {"type": "date"}}
                ),
                f"{t['price_multiplier']}: {t['cap_price']}",
                list(dict.fromkeys([*scn.market.source, *scn_sources])),
            )
        )
    plants = pd.DataFrame(summary["plants"])
    reported = pd.DataFrame(scn.reported)
    return Section(
        "nexperia",
        t["nexperia"],
        charts=charts,
        tables={"nexperia_plants": plants, "nexperia_reported": reported},
    )


NEXPERIA_SAMPLES = 200
"""Sampled runs behind the plant-output band (seed 0)."""

PLANT_STYLES = [
    ("#1976d2", "solid", "circle"),
    ("#e53935", "dash", "square"),
    ("#2e7d32", "dot", "diamond"),
    ("#8e24aa", "dashdot", "triangle-up"),
    ("#ef6c00", "longdash", "x"),
]


def _nexperia_output_chart(
    net: Any, base: Any, sampled: Any, days: list[str], t: dict[str, str], sources: list[str]
) -> Chart:
    """Small multiples: one panel per plant whose output falls below plan in the base run or in
    any sample, each with its base-value line and the 5-95 % band of the sampled runs. The base
    lines of the cut plants coincide as shares of plan, so one shared panel would show one line.
    """
    import numpy as np

    plan = np.asarray(net.demand, dtype=float)
    share_base = base.plant_output_mean / plan  # [T, P]
    share = sampled.plant_output / plan[None, :, None]  # [T, P, R]
    p5, p95 = np.percentile(share, [5, 95], axis=2)  # [T, P]
    cut = [j for j in range(len(plan)) if min(share_base[:, j].min(), share[:, j].min()) < 0.999]
    others = [net.node_ids[net.plant_nodes[j]] for j in range(len(plan)) if j not in cut]
    same = [
        net.node_ids[net.plant_nodes[j]]
        for j in cut
        if any(
            k != j
            and np.allclose(share_base[:, j], share_base[:, k], atol=1e-6)
            and share_base[:, j].min() < 0.999
            for k in cut
        )
    ]
    n = len(cut)
    data: list[dict[str, Any]] = []
    layout = stacked_layout(n, 230)
    for i, j in enumerate(cut):
        name = net.node_ids[net.plant_nodes[j]]
        color, dash, symbol = PLANT_STYLES[i % len(PLANT_STYLES)]
        ax, layout[f"yaxis{i + 1 if i else ''}"] = panel_yaxis(
            i, n, range=[0, 1.05], tickformat=".0%", title={"text": t["share_of_plan"]}
        )
        layout["annotations"].append(
            {
                "text": f"<b>{name}</b> ({net.node_country[net.plant_nodes[j]]})",
                "xref": "paper",
                "yref": f"y{ax} domain",
                "x": 0.01,
                "y": 0.02,
                "xanchor": "left",
                "yanchor": "bottom",
                "showarrow": False,
            }
        )
        common = {"type": "scatter", "x": days, "xaxis": "x", "yaxis": f"y{ax}"}
        band = f"{name} {t['band']}"
        data += [
            *band_traces(
                common,
                p5[:, j],
                p95[:, j],
                _rgba(color, 0.2),
                band,
                f"{name} p95",
                legendgroup=name,
            ),
            {
                **common,
                "mode": "lines+markers",
                "line": {"color": color, "dash": dash, "width": 2},
                "marker": {"symbol": symbol, "size": 6, "maxdisplayed": 30},
                "y": np.round(share_base[:, j], 4).tolist(),
                "name": f"{name} {t['base_run']}",
                "legendgroup": name,
            },
        ]
    return Chart(
        "nexperia-output",
        {"data": data, "layout": {**_fig([], {})["layout"], **layout}},
        f"{t['plant_output']}: "
        + t["cap_nexperia_output"].format(
            n=NEXPERIA_SAMPLES, seed=0, same=", ".join(same) or "—", others=", ".join(others) or "—"
        ),
        sources,
    )
