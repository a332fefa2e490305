"""Report section: a sweep's sensitivity — a tornado of each outcome and, for a Sobol or Morris
design, its indices (issue 19).

:func:`section_sweep` takes a sweep folder (written by ``chipwar sweep run``) and the report's
translation dict and returns the shared :class:`~chipwar.report.figures.Section`, so the HTML
report (``chipwar report --sweep DIR``) and a web page can both call it.

* Tornado (any design; :func:`chipwar.experiments.sensitivity.tornado`): for each uncertainty X,
  the outcome's mean where X is in its lowest decile and where it is in its highest decile,
  drawn as bars from the mean over all rows, largest swing on top.
* Sobol design: first-order (S1) and total-order (ST) indices with their bootstrap confidence
  half-widths as error bars (:func:`chipwar.experiments.sensitivity.analyse`, SALib).
* Morris design: μ* with its confidence half-width.

The charts show the first lever combination (the caption names it); the tables hold every
combination. At most :data:`MAX_OUTCOMES` numeric outcomes (a word outcome such as ``cheapest``
has no mean). Sources: the uncertainties' source ids and the method's reference.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from chipwar.errors import DataError
from chipwar.experiments.runner import read_manifest, status
from chipwar.experiments.sensitivity import analyse, sweep_experiment, tornado
from chipwar.experiments.spec import Experiment
from chipwar.experiments.store import query
from chipwar.report.figures import Chart, Section, _fig

MAX_OUTCOMES = 4
COLORS = {"low": "#1976d2", "high": "#e53935", "S1": "#1976d2", "ST": "#90caf9"}
METHOD_SOURCES = {
    "sobol": ["saltelli-2010-variance-based", "herman-usher-2017-salib"],
    "morris": ["morris-1991", "campolongo-2007-mu-star", "herman-usher-2017-salib"],
}


def numeric_outcomes(out: Path, exp: Experiment) -> list[str]:
    """The outcome columns that hold numbers (a chip id such as ``cheapest`` does not)."""
    cols = ", ".join(exp.outcomes)
    types = query(out, f"SELECT {cols} FROM results LIMIT 1").dtypes
    return [n for n in exp.outcomes if pd.api.types.is_numeric_dtype(types[n])]


def _first_combination(frame: pd.DataFrame, exp: Experiment) -> tuple[pd.DataFrame, str]:
    """Rows of the first lever combination, and its label (empty without levers)."""
    if not exp.levers or frame.empty:
        return frame, ""
    combo = exp.lever_combinations()[0]
    mask = pd.Series(True, index=frame.index)
    for name, value in zip(exp.levers, combo, strict=True):
        mask &= frame[name] == value
    label = ", ".join(f"{k} = {v}" for k, v in zip(exp.levers, combo, strict=True))
    return frame[mask], label


def _tornado_chart(
    key: str, outcome: str, frame: pd.DataFrame, where: str, exp: Experiment, t: dict[str, str]
) -> Chart:
    rows = frame.sort_values("swing")  # Plotly draws the first category at the bottom
    mean = float(rows["mean"].iloc[0])
    names = rows["input"].tolist()

    def bar(which: str) -> dict[str, Any]:
        delta = (rows[f"at_{which}"] - mean).round(6).tolist()
        return {
            "type": "bar", "orientation": "h", "y": names, "x": delta, "base": mean,
            "name": t[f"sweep_at_{which}"], "marker": {"color": COLORS[which]},
            "customdata": rows[f"input_{which}"].round(6).tolist(),
            "hovertemplate": "%{y} = %{customdata:.4g}: %{x:+.4g}<extra></extra>",
        }  # fmt: skip

    fig = _fig(
        [bar("low"), bar("high")],
        {
            "barmode": "overlay",
            "height": max(260, 60 + 36 * len(names)),
            "margin": {"l": 160, "r": 20, "t": 30, "b": 60},
            "xaxis": {
                "title": f"{outcome} = {exp.outcomes[outcome]} ({t['sweep_mean']} {mean:.4g})"
            },
            "yaxis": {"title": t["sweep_input"], "automargin": True},
            "legend": {"orientation": "h", "y": -0.25},
        },
    )
    caption = t["cap_sweep_tornado"].format(
        outcome=outcome, name=exp.name, rows=int(rows["rows"].iloc[0]), where=where
    )
    sources = sorted({s for u in exp.uncertainties.values() for s in u.source})
    return Chart(f"sweep-{key}-tornado", fig, caption, sources)


def _index_chart(
    key: str, outcome: str, frame: pd.DataFrame, where: str, exp: Experiment, t: dict[str, str]
) -> Chart:
    if exp.design == "sobol":
        rows = frame.sort_values("ST")
        traces = [
            {
                "type": "bar",
                "orientation": "h",
                "y": rows["input"].tolist(),
                "x": rows[m].round(6).tolist(),
                "name": t[f"sweep_{m.lower()}"],
                "marker": {"color": COLORS[m]},
                "error_x": {"type": "data", "array": rows[f"{m}_conf"].round(6).tolist()},
            }
            for m in ("S1", "ST")
        ]
        axis = t["sweep_sobol_axis"]
    else:
        rows = frame.sort_values("mu_star")
        traces = [
            {
                "type": "bar",
                "orientation": "h",
                "y": rows["input"].tolist(),
                "x": rows["mu_star"].round(6).tolist(),
                "name": t["sweep_mu_star"],
                "marker": {"color": COLORS["S1"]},
                "error_x": {"type": "data", "array": rows["mu_star_conf"].round(6).tolist()},
            }
        ]
        axis = t["sweep_morris_axis"].format(outcome=outcome)
    fig = _fig(
        traces,
        {
            "barmode": "group",
            "height": max(260, 60 + 44 * len(rows)),
            "margin": {"l": 160, "r": 20, "t": 30, "b": 60},
            "xaxis": {"title": axis},
            "yaxis": {"title": t["sweep_input"], "automargin": True},
            "legend": {"orientation": "h", "y": -0.25},
        },
    )
    caption = t[f"cap_sweep_{exp.design}"].format(
        outcome=outcome, name=exp.name, samples=exp.samples, seed=exp.seed, where=where
    )
    sources = sorted({s for u in exp.uncertainties.values() for s in u.source})
    return Chart(f"sweep-{key}-{exp.design}", fig, caption, sources + METHOD_SOURCES[exp.design])


def section_sweep(sweep_dir: str | Path, t: dict[str, str]) -> Section:
    """The sweep section for ``sweep_dir``; a folder that is not a sweep raises DataError."""
    out = Path(sweep_dir)
    manifest = read_manifest(out)
    exp = sweep_experiment(out)
    st = status(out)
    title = f"{t['sweep']}: {exp.name}"
    note = t["sweep_note"].format(
        design=exp.design, rows=st["rows"], done=st["chunks_done"], chunks=st["chunks"],
        seed=exp.seed, version=manifest["chipwar_version"], created=manifest["created"],
    )  # fmt: skip
    section = Section("sweep", title, note=note)
    if not exp.uncertainties or st["chunks_done"] == 0:
        section.available = False
        return section
    for k, outcome in enumerate(numeric_outcomes(out, exp)[:MAX_OUTCOMES]):
        torn = tornado(out, outcome)
        if torn.empty:
            continue
        first, where = _first_combination(torn, exp)
        where_text = t["sweep_where"].format(levers=where) if where else ""
        section.charts.append(_tornado_chart(str(k), outcome, first, where_text, exp, t))
        section.tables[f"sweep_tornado_{outcome}"[:31]] = torn
        if exp.design in ("sobol", "morris") and st["complete"]:
            try:
                idx = analyse(out, outcome)
            except DataError:  # e.g. an outcome with nulls ("never"): no indices, the tornado stays
                continue
            first_idx, _ = _first_combination(idx, exp)
            section.charts.append(_index_chart(str(k), outcome, first_idx, where_text, exp, t))
            section.tables[f"sweep_{exp.design}_{outcome}"[:31]] = idx
    return section
