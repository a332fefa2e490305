"""The "Self-sufficiency" report section: history and dynamics scenarios with bands
(engine: ``chipwar.dynamics``)."""

from __future__ import annotations

from typing import Any

from chipwar.report.figures import Chart, Section, _fig


def section_selfsuff(t: dict[str, str]) -> Section:
    from chipwar.claims.adapters import dynamics_sources
    from chipwar.dynamics.api import run_scenario
    from chipwar.dynamics.history import load_history

    hist = load_history()
    data: list[dict[str, Any]] = []
    srcs: list[str] = []
    for series in (
        "self_sufficiency:icinsights",
        "self_sufficiency:icinsights-forecast",
        "self_sufficiency:seed",
        "self_sufficiency:seed-forecast",
    ):
        h = hist[hist["series"] == series]
        if h.empty:
            continue
        srcs += sorted(set(h["source"].astype(str)))
        seed = series.split(":")[1].startswith("seed")
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "marker": {"symbol": "x", "size": 10} if seed else {"size": 7},
                "name": f"{t['claimed_in_seed']} ({series.split(':')[1]})" if seed else series,
                "x": h["year"].astype(int).tolist(),
                "y": (h["value"].astype(float) / 100).round(4).tolist(),
            }
        )
    tables = {"history_self_sufficiency": hist[hist["series"].str.startswith("self_sufficiency")]}
    colors = ["33,150,243", "76,175,80", "229,57,53", "255,152,0"]
    for i, scenario in enumerate(DYNAMICS_SCENARIOS):
        f = run_scenario(scenario, samples=DYNAMICS_SAMPLES, seed=0)
        x = f["year"].astype(int).tolist()
        rgb = colors[i % len(colors)]
        if "self_sufficiency_p5" in f:
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": x,
                    "line": {"width": 0},
                    "y": f["self_sufficiency_p95"].round(4).tolist(),
                    "showlegend": False,
                    "name": f"{scenario} p95",
                    "legendgroup": scenario,
                }
            )
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": x,
                    "line": {"width": 0},
                    "fill": "tonexty",
                    "fillcolor": f"rgba({rgb},0.15)",
                    "legendgroup": scenario,
                    "y": f["self_sufficiency_p5"].round(4).tolist(),
                    "name": f"{scenario} {t['band']}",
                }
            )
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": x,
                "legendgroup": scenario,
                "line": {"color": f"rgb({rgb})"},
                "name": f"{scenario} {t['median']}",
                "y": f["self_sufficiency"].round(4).tolist(),
            }
        )
        tables[f"dynamics_{scenario}"] = f
        srcs += list(dynamics_sources(scenario))
    chart = Chart(
        "selfsuff",
        _fig(data, {"yaxis": {"title": t["self_sufficiency"], "tickformat": ".0%"}}),
        t["cap_selfsuff"].format(scenarios=", ".join(DYNAMICS_SCENARIOS), n=DYNAMICS_SAMPLES),
        list(dict.fromkeys(srcs)),
    )
    return Section("selfsuff", t["selfsuff"], charts=[chart], tables=tables)


DYNAMICS_SCENARIOS = ["baseline", "no-subsidy", "controls-lifted", "controls-tightened"]
DYNAMICS_SAMPLES = 400
