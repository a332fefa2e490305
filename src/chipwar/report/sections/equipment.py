"""The "Equipment controls" report section: a tool × regime × date timeline (destination China)
and ASML's China share with the equipment rule dates marked.

Engines: ``chipwar.controls.tools.timeline`` (one timeline per key tool, all four regimes),
``chipwar.dynamics.history`` and ``chipwar.dynamics.equipment_history`` (ASML's China share).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from chipwar.catalog.io import DATA_DIR
from chipwar.controls.tool_rules import REGIMES
from chipwar.report.figures import Chart, Section, _fig, _yaml_sources

KEY_TOOLS = [
    "asml-nxe-3400c",
    "asml-nxt-2100i",
    "asml-nxt-2000i",
    "asml-nxt-1980di",
    "asml-nxt-1970i",
    "asml-nxt-1950i",
    "asml-nxt-1470",
    "cat-metrology-inspection-advanced",
]
"""Tools shown in the timeline (every regime each)."""
END_USE = "advanced-node"
"""The timeline's end use: the strictest case, where the US 0 % de minimis band shows."""
START = dt.date(2019, 1, 1)
STATUS_COLORS = {
    "no licence required": "#4caf50",
    "licence required": "#e53935",
    "undetermined": "#9e9e9e",
}
SHARE_SERIES = [
    ("asml_china_share:20f", "asml_20f", "circle", "lines+markers"),
    ("asml_china_share:annual-report", "asml_annual_report", "circle-open", "markers"),
    ("asml_china_share:press", "asml_press", "diamond", "markers"),
    ("asml_china_share:guidance", "asml_guidance", "x", "markers"),
]


def section_equipment(t: dict[str, str]) -> Section:
    """Build the section (strings ``t`` from ``chipwar.report.i18n``)."""
    timeline_chart, timeline_rows = _timeline_chart(t)
    share_chart, share_rows = _share_chart(t)
    return Section(
        "equipment",
        t["equipment"],
        charts=[timeline_chart, share_chart],
        tables={"equipment_timeline": timeline_rows, "asml_china_share": share_rows},
        note=t["equipment_note"],
    )


def _rule_sources() -> list[str]:
    paths = sorted((DATA_DIR / "rules" / "equipment").glob("*.yaml"))
    return _yaml_sources([*paths, DATA_DIR / "tools.yaml"])


def _timeline_chart(t: dict[str, str]) -> tuple[Chart, pd.DataFrame]:
    from chipwar.catalog.tools import load_tools
    from chipwar.controls.tools import timeline

    end = dt.date.today()
    catalog = load_tools()
    tools = [x for x in KEY_TOOLS if x in catalog]
    rows: list[dict[str, Any]] = []
    traces: dict[str, dict[str, Any]] = {}
    for tool in tools:
        events = timeline(tool, "CN", END_USE)
        for regime in REGIMES:
            mine = [e for e in events if e["regime"] == regime]
            dates: list[dt.date] = [e["date"] for e in mine]  # type: ignore[misc]
            for i, ev in enumerate(mine):
                start = max(dates[i], START)
                stop = dates[i + 1] if i + 1 < len(mine) else end
                if stop <= start:
                    continue
                status = str(ev["status"])
                label = f"{tool} · {regime}"
                rows.append(
                    {
                        "tool": tool,
                        "regime": regime,
                        "from": start,
                        "to": stop,
                        "status": status,
                        "rule_version": ev["rule_version"],
                        "entry": ev["entry"],
                        "license_policy": ev["license_policy"],
                    }
                )
                tr = traces.setdefault(
                    status,
                    {
                        "type": "bar",
                        "orientation": "h",
                        "name": t.get(status, status),
                        "x": [],
                        "y": [],
                        "base": [],
                        "marker": {"color": STATUS_COLORS.get(status, "#ff9800")},
                    },
                )
                tr["y"].append(label)
                tr["base"].append(start.isoformat())
                tr["x"].append((stop - start).days * 86_400_000)
    n_rows = 4 * len(tools)
    chart = Chart(
        "equipment-timeline",
        _fig(
            list(traces.values()),
            {
                "barmode": "overlay",
                "xaxis": {"type": "date"},
                "yaxis": {
                    "title": t["tool_regime"],
                    "automargin": True,
                    "autorange": "reversed",
                    "tickfont": {"size": 10},
                    "categoryorder": "array",
                    "categoryarray": [f"{x} · {r}" for x in tools for r in REGIMES],
                },
                "height": 80 + 18 * n_rows,
                "margin": {"l": 260, "r": 20, "t": 30, "b": 40},
            },
        ),
        t["cap_equipment"].format(end_use=END_USE),
        _rule_sources(),
    )
    return chart, pd.DataFrame(rows)


def _mid_year(year: int) -> str:
    return f"{year}-07-01"


def _mid_quarter(quarter: str) -> str:
    year, q = quarter.split("Q")
    return f"{year}-{3 * int(q) - 1:02d}-15"


def _share_chart(t: dict[str, str]) -> tuple[Chart, pd.DataFrame]:
    from chipwar.controls.tool_rules import load_tool_rules
    from chipwar.dynamics.equipment_history import asml_china_quarterly
    from chipwar.dynamics.history import load_history

    hist = load_history()
    data: list[dict[str, Any]] = []
    sources: list[str] = []
    rows = []
    for series, key, symbol, mode in SHARE_SERIES:
        h = hist[hist["series"] == series]
        if h.empty:
            continue
        years = h["year"].astype(int).tolist()
        values = (h["value"].astype(float) / 100).round(4).tolist()
        data.append(
            {
                "type": "scatter",
                "mode": mode,
                "name": t[key],
                "x": [_mid_year(y) for y in years],
                "y": values,
                "marker": {"symbol": symbol, "size": 9},
            }
        )
        sources += [s.strip() for s in ";".join(h["source"].astype(str)).split(";")]
        rows += [
            {"series": series, "period": str(y), "share": v, "source": s, "note": n}
            for y, v, s, n in zip(years, values, h["source"], h["note"], strict=True)
        ]
    q = asml_china_quarterly()
    q = q[q["series"] == "asml_china_share:system-sales"]
    data.append(
        {
            "type": "scatter",
            "mode": "markers",
            "name": t["asml_quarterly"],
            "x": [_mid_quarter(x) for x in q["quarter"]],
            "y": (q["value"].astype(float) / 100).round(4).tolist(),
            "marker": {"symbol": "square", "size": 8},
        }
    )
    sources += q["source"].astype(str).tolist()
    rows += [
        {
            "series": r.series,
            "period": r.quarter,
            "share": float(r.value) / 100,  # type: ignore[arg-type]
            "source": r.source,
            "note": r.note,
        }
        for r in q.itertuples(index=False)
    ]
    book = load_tool_rules()
    shapes, annotations = [], []
    for regime, versions in book.versions.items():
        for v in versions:
            if v.effective < START:
                continue
            day = v.effective.isoformat()
            shapes.append(
                {
                    "type": "line",
                    "xref": "x",
                    "yref": "paper",
                    "x0": day,
                    "x1": day,
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": "#90a4ae", "width": 1, "dash": "dot"},
                }
            )
            annotations.append(
                {
                    "x": day,
                    "y": 1.0,
                    "xref": "x",
                    "yref": "paper",
                    "text": f"{regime} {day}",
                    "textangle": -90,
                    "showarrow": False,
                    "xanchor": "right",
                    "yanchor": "top",
                    "font": {"size": 9, "color": "#546e7a"},
                }
            )
    chart = Chart(
        "asml-china-share",
        _fig(
            data,
            {
                "xaxis": {"type": "date"},
                "yaxis": {
                    "title": t["asml_china_share"],
                    "tickformat": ".0%",
                    "rangemode": "tozero",
                },
                "shapes": shapes,
                "annotations": annotations,
                "height": 480,
            },
        ),
        t["cap_asml_share"],
        list(dict.fromkeys([*sources, *_rule_sources()])),
    )
    return chart, pd.DataFrame(rows)
