"""Build the self-contained HTML report (plotly.js embedded, no external requests).

Each section is built by one function that calls an engine; a section whose engine is missing or
fails renders a notice instead (``Section.available`` False), so the report always builds.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape

from chipwar.catalog.io import write_atomically
from chipwar.catalog.sources import cited_source_ids
from chipwar.errors import ChipwarError, InputError
from chipwar.report.i18n import strings

TEMPLATES = Path(__file__).with_name("templates")

KEY_CHIPS = [
    "nvidia-h100-sxm",
    "nvidia-h20",
    "nvidia-b200",
    "huawei-ascend-910b",
    "huawei-ascend-910c",
]
"""Chips shown in the cost and token sections (those missing from the catalog are skipped)."""


@dataclass
class Chart:
    id: str
    figure: dict[str, Any]
    caption: str
    sources: list[str]

    @property
    def n_points(self) -> int:
        return sum(len(t.get("y") or t.get("x") or []) for t in self.figure.get("data", []))


@dataclass
class Section:
    id: str
    title: str
    available: bool = True
    note: str = ""
    charts: list[Chart] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    body: str = ""


@dataclass
class ReportResult:
    path: Path
    lang: str
    sections: list[Section]
    claims: list[dict[str, Any]]
    xlsx: Path | None = None

    def summary_lines(self) -> list[str]:
        from collections import Counter

        from chipwar.claims.verdict import VERDICTS

        counts = Counter(c["verdict"] for c in self.claims)
        shown = ", ".join(f"{counts[v]} {v}" for v in VERDICTS if counts[v])
        lines = [f"{len(self.claims)} claims: {shown}"]
        missing = [s.title for s in self.sections if not s.available]
        if missing:
            lines.append("sections without an engine yet: " + "; ".join(missing))
        lines.append(f"{sum(len(s.charts) for s in self.sections)} charts")
        return lines


# ------------------------------------------------------------------ figures


FONT = (
    "Noto Sans CJK TC, Noto Sans CJK SC, Noto Sans TC, PingFang TC, Microsoft JhengHei, sans-serif"
)


def _fig(data: list[dict[str, Any]], layout: dict[str, Any]) -> dict[str, Any]:
    """A Plotly figure; axis titles given as strings become ``{"text": ...}`` (plotly.js 3 drops
    plain-string axis titles silently)."""
    base = {
        "margin": {"l": 70, "r": 20, "t": 30, "b": 80},
        "height": 420,
        "font": {"family": FONT},
    }
    lay = {**base, **layout}
    for axis in ("xaxis", "yaxis"):
        ax = lay.get(axis)
        if isinstance(ax, dict) and isinstance(ax.get("title"), str):
            lay[axis] = {**ax, "title": {"text": ax["title"]}}
    return {"data": data, "layout": lay}


def _chips_present(ids: list[str]) -> list[str]:
    from chipwar.catalog.accelerators import load_accelerators

    cat = load_accelerators()
    return [c for c in ids if c in cat]


def _sources_of(chips: list[str], sites: list[str]) -> list[str]:
    from chipwar.catalog.accelerators import load_accelerators
    from chipwar.catalog.sites import load_sites

    acc, st = load_accelerators(), load_sites()
    out: list[str] = []
    for c in chips:
        out += list(acc[c].source) if c in acc else []
    for s in sites:
        if s in st:
            out += list(st[s].source) + list(st[s].electricity.price_per_kwh.source)
            for sub in st[s].subsidies:
                out += list(sub.source)
    return list(dict.fromkeys(out))


def section_compute(t: dict[str, str]) -> Section:
    from chipwar.catalog.sites import load_sites
    from chipwar.compute.tco import tco_frame

    chips = _chips_present(KEY_CHIPS)
    sites = list(load_sites())
    on = tco_frame(chips, sites, subsidy="auto").assign(subsidy_case="on")
    off = tco_frame(chips, sites, subsidy=0.0).assign(subsidy_case="off")
    frame = pd.concat([on, off], ignore_index=True)
    from chipwar.catalog.io import DATA_DIR

    srcs = [*_sources_of(chips, sites), *_yaml_sources([DATA_DIR / "tco_assumptions.yaml"])]
    cost = []
    for case, label in (("off", t["subsidy_off"]), ("on", t["subsidy_on"])):
        f = frame[frame["subsidy_case"] == case]
        cost.append(
            {
                "type": "bar",
                "name": label,
                "x": [f["chip"].tolist(), f["site"].tolist()],
                "y": f["usd_per_pflop_hour"].round(3).tolist(),
            }
        )
    share = []
    for chip in chips:
        f = on[on["chip"] == chip]
        share.append(
            {
                "type": "bar",
                "name": chip,
                "x": f["site"].tolist(),
                "y": f["electricity_share"].round(4).tolist(),
            }
        )
    charts = [
        Chart(
            "compute-cost",
            _fig(
                cost,
                {
                    "barmode": "group",
                    "yaxis": {"title": t["usd_per_pflop_hour"]},
                    "xaxis": {
                        "type": "multicategory",
                        "tickangle": -90,
                        "tickfont": {"size": 10},
                        "automargin": True,
                    },
                    "height": 600,
                    "margin": {"l": 70, "r": 20, "t": 30, "b": 40},
                },
            ),
            f"{t['usd_per_pflop_hour']}: {t['cap_compute_cost']}",
            srcs,
        ),
        Chart(
            "compute-share",
            _fig(
                share,
                {
                    "barmode": "group",
                    "yaxis": {"title": t["electricity_share"], "tickformat": ".0%"},
                },
            ),
            f"{t['electricity_share']} ({t['subsidy_eligible']}): {t['cap_compute_share']}",
            srcs,
        ),
    ]
    tables = {"tco": frame}
    be = _breakeven_table(chips, sites)
    if not be.empty:
        tables["breakeven"] = be
        cp = be[(be["param"] == "chip-price") & (be["site"] == BREAKEVEN_SITES[0])]
        x = [cp["chip_a"].tolist(), (t["vs"] + " " + cp["chip_b"]).tolist()]
        no_power = be[(be["param"] == "electricity-price") & be["value"].isna()]
        charts.append(
            Chart(
                "compute-breakeven",
                _fig(
                    [
                        {
                            "type": "bar",
                            "name": t["current_price"],
                            "x": x,
                            "y": cp["current"].round(0).tolist(),
                        },
                        {
                            "type": "bar",
                            "name": t["breakeven_price"],
                            "x": x,
                            "y": cp["value"].round(0).tolist(),
                        },
                    ],
                    {
                        "barmode": "group",
                        "yaxis": {"title": t["usd_per_chip"]},
                        "xaxis": {"type": "multicategory"},
                    },
                ),
                f"{t['breakeven']}: "
                + t["cap_breakeven"].format(
                    site=BREAKEVEN_SITES[0],
                    n=len(no_power),
                    total=int((be["param"] == "electricity-price").sum()),
                ),
                srcs,
            )
        )
    return Section("compute", t["compute"], charts=charts, tables=tables)


BREAKEVEN_SITES = ["cn-inner-mongolia", "cn-guizhou", "cn-shanghai"]


def _breakeven_table(chips: list[str], sites: list[str]) -> pd.DataFrame:
    """Break-even of each domestic chip vs H20 and H100 (per usable PFLOP-hour) at Chinese
    sites, for each parameter the compute engine can solve for (None = no value in range)."""
    from chipwar.compute.breakeven import PARAMS, breakeven

    rows = []
    refs = [c for c in ("nvidia-h20", "nvidia-h100-sxm") if c in chips]
    for a in [c for c in chips if c.startswith("huawei")]:
        for b in refs:
            for s in [s for s in BREAKEVEN_SITES if s in sites]:
                for param in PARAMS:
                    r = breakeven(a, b, s, param=param)
                    keys = ("chip_a", "chip_b", "site", "param", "unit", "current", "value")
                    rows.append({**{k: r.get(k) for k in keys}, "message": r.get("message")})
    return pd.DataFrame(rows)


def section_tokens(t: dict[str, str]) -> Section:
    from chipwar.catalog.io import DATA_DIR
    from chipwar.compute.workload import infer_frame

    chips = _chips_present(KEY_CHIPS)
    site = "cn-inner-mongolia"
    f = infer_frame("deepseek-v3", chips, site, precision="bf16", batch=64)
    f = f.assign(tokens_per_kwh=1e6 / f["kwh_per_mtok"])
    chart = Chart(
        "tokens-per-kwh",
        _fig(
            [
                {
                    "type": "bar",
                    "x": f["chip"].tolist(),
                    "y": f["tokens_per_kwh"].round(0).tolist(),
                    "name": t["tokens_per_kwh"],
                }
            ],
            {"yaxis": {"title": t["tokens_per_kwh"]}},
        ),
        f"{t['tokens_per_kwh']} {t['cap_tokens'].format(site=site)}",
        [
            *_sources_of(chips, [site]),
            *_yaml_sources([DATA_DIR / "workload_assumptions.yaml"]),
            *_model_sources("deepseek-v3"),
        ],
    )
    cols = [
        c
        for c in (
            "model",
            "chip",
            "site",
            "precision",
            "batch",
            "decode_tokens_per_s_per_chip",
            "kwh_per_mtok",
            "usd_per_mtok",
            "tokens_per_kwh",
        )
        if c in f
    ]
    return Section("tokens", t["tokens"], charts=[chart], tables={"tokens": f[cols]})


STATUS_COLORS = {"no licence required": "#4caf50", "licence required": "#e53935"}


def status_label(status: str, t: dict[str, str]) -> str:
    """An export-control status (``chipwar.controls.classify``) in the report's language."""
    if status in t:
        return t[status]
    m = re.fullmatch(r"licence required \((\S+) available\)", status)
    return t["licence_exception"].format(ex=m.group(1)) if m else status


def _left_out(chip: str, exc: ChipwarError, t: dict[str, str]) -> str:
    """Why a chip is not in the timeline: the missing field, or the engine's message."""
    if isinstance(exc, InputError) and exc.value is None:
        return t["left_out_missing"].format(chip=chip, field=exc.field.rsplit(".", 1)[-1])
    return f"{chip}: {exc}"


def section_controls(t: dict[str, str]) -> Section:
    from chipwar.catalog.accelerators import load_accelerators
    from chipwar.controls.classify import timeline

    end = dt.date.today()
    rows = []
    traces: dict[str, dict[str, Any]] = {}
    skipped = []
    for chip in load_accelerators().values():
        try:
            tl = timeline(chip, "CN")
        except ChipwarError as exc:  # e.g. a chip without the die area a rule needs
            skipped.append(_left_out(chip.id, exc, t))
            continue
        dates: list[dt.date] = [ev["date"] for ev in tl]  # type: ignore[misc]
        for i, ev in enumerate(tl):
            start = max(dates[i], chip.release_date) if chip.release_date else dates[i]
            stop = dates[i + 1] if i + 1 < len(tl) else end
            if stop <= start:
                continue
            status = str(ev["status"])
            rows.append(
                {
                    "chip": chip.id,
                    "from": start,
                    "to": stop,
                    "status": status,
                    "rule_version": ev.get("rule_version"),
                    "eccn": ev.get("eccn"),
                }
            )
            tr = traces.setdefault(
                status,
                {
                    "type": "bar",
                    "orientation": "h",
                    "name": status_label(status, t),
                    "x": [],
                    "y": [],
                    "base": [],
                    "marker": {"color": STATUS_COLORS.get(status, "#ff9800")},
                },
            )
            tr["y"].append(chip.id)
            tr["base"].append(start.isoformat())
            tr["x"].append((stop - start).days * 86_400_000)
    chart = Chart(
        "controls-timeline",
        _fig(
            list(traces.values()),
            {
                "barmode": "overlay",
                "xaxis": {"type": "date"},
                "height": 60 + 24 * len(load_accelerators()),
                "margin": {"l": 160, "r": 20, "t": 30, "b": 40},
            },
        ),
        t["cap_controls"],
        _rule_sources(),
    )
    note = (t["left_out"] + ": " + "; ".join(skipped)) if skipped else ""
    return Section(
        "controls",
        t["controls"],
        charts=[chart],
        tables={"controls": pd.DataFrame(rows)},
        note=note,
    )


def _rule_sources() -> list[str]:
    """Source ids cited by the shipped export-control rule files (data/rules/us-*.yaml)."""
    from chipwar.catalog.io import DATA_DIR

    return _yaml_sources(sorted((DATA_DIR / "rules").glob("us-*.yaml")))


def _model_sources(model_id: str) -> list[str]:
    """Source ids of one reference model in data/models.yaml."""
    from chipwar.catalog.io import DATA_DIR, read_structured

    rows = read_structured(DATA_DIR / "models.yaml")
    return [str(x) for r in rows if r.get("id") == model_id for x in r.get("source", [])]


def _yaml_sources(paths: list[Path]) -> list[str]:
    """Every ``source`` id cited anywhere in the given data files."""
    from chipwar.catalog.io import read_structured

    return list(
        dict.fromkeys(sid for path in paths for sid in cited_source_ids(read_structured(path)))
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
    n = max(len(cut), 1)
    gap = 0.06 / n
    data: list[dict[str, Any]] = []
    layout: dict[str, Any] = {
        "height": 90 + 230 * n,
        "margin": {"l": 70, "r": 20, "t": 30, "b": 40},
        "xaxis": {"type": "date", "anchor": f"y{n if n > 1 else ''}"},
        "annotations": [],
        "legend": {"orientation": "h", "y": -0.06 if n > 1 else -0.2},
    }
    for i, j in enumerate(cut):
        ax = "" if i == 0 else str(i + 1)
        name = net.node_ids[net.plant_nodes[j]]
        color, dash, symbol = PLANT_STYLES[i % len(PLANT_STYLES)]
        top = 1 - i / n
        layout[f"yaxis{ax}"] = {
            "domain": [top - 1 / n + gap, top - gap],
            "range": [0, 1.05],
            "tickformat": ".0%",
            "title": {"text": t["share_of_plan"]},
        }
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
        data += [
            {
                **common,
                "mode": "lines",
                "line": {"width": 0},
                "y": np.round(p95[:, j], 4).tolist(),
                "name": f"{name} p95",
                "legendgroup": name,
                "showlegend": False,
                "hoverinfo": "skip",
            },
            {
                **common,
                "mode": "lines",
                "line": {"width": 0},
                "fill": "tonexty",
                "fillcolor": _rgba(color, 0.2),
                "y": np.round(p5[:, j], 4).tolist(),
                "name": f"{name} {t['band']}",
                "legendgroup": name,
            },
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


def _rgba(hex_color: str, alpha: float) -> str:
    r, g, b = (int(hex_color[k : k + 2], 16) for k in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


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


def section_equipment(t: dict[str, str]) -> Section:
    from chipwar.report.sections.equipment import section_equipment as build

    return build(t)


SECTIONS: list[tuple[str, Callable[[dict[str, str]], Section]]] = [
    ("compute", section_compute),
    ("tokens", section_tokens),
    ("controls", section_controls),
    ("equipment", section_equipment),
    ("nexperia", section_nexperia),
    ("supply_calibration", lambda t: _sections("supply_calibration").section_supply_calibration(t)),
    ("selfsuff", section_selfsuff),
]


def _sections(name: str) -> Any:
    """A section module of report/sections/ (imported when its section is built)."""
    import importlib

    return importlib.import_module(f"chipwar.report.sections.{name}")


def _safe(key: str, fn: Callable[[dict[str, str]], Section], t: dict[str, str]) -> Section:
    """Build a section; a missing engine or a failure becomes a notice in the report."""
    try:
        return fn(t)
    except ImportError as exc:
        return Section(key, t[key], available=False, note=f"{t['unavailable']} ({exc})")
    except Exception as exc:  # defensive by design: the report must always build
        return Section(key, t[key], available=False, note=f"{t['failed']} ({exc})")


# ------------------------------------------------------------------ claims section


def claims_section(t: dict[str, str]) -> tuple[Section, list[dict[str, Any]], list[Any]]:
    from chipwar.claims import evaluate_all

    results = evaluate_all()
    rows = [_translated(r.as_dict(), t) for r in results]
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1
    colors = {
        "supported": "#4caf50",
        "partly supported": "#ffb300",
        "contradicted": "#e53935",
        "not checkable": "#9e9e9e",
    }
    chart = Chart(
        "claims-verdicts",
        _fig(
            [
                {
                    "type": "bar",
                    "x": [t[k] for k in counts],
                    "y": list(counts.values()),
                    "marker": {"color": [colors[k] for k in counts]},
                }
            ],
            {"height": 320, "yaxis": {"title": t["verdicts"]}},
        ),
        t["cap_claims"],
        list(dict.fromkeys(r["article_id"] for r in rows)),
    )
    table = pd.DataFrame(rows).drop(columns=["reason_parts", "flip_parts"], errors="ignore")
    sec = Section("claims", t["claims"], charts=[chart], tables={"claims": table})
    return sec, rows, results


def _translated(row: dict[str, Any], t: dict[str, str]) -> dict[str, Any]:
    """A claim row plus its reason, claimed value, tolerance and flip in the report's language
    (``*_shown`` keys; the English fields stay for the Excel export)."""
    from chipwar.claims.verdict import render_reason

    templates = {k[len("reason.") :]: v for k, v in t.items() if k.startswith("reason.")}
    unit = t.get(f"unit.{row['unit']}", row["unit"])
    fp = row.get("flip_parts")
    return {
        **row,
        "reason_shown": render_reason(row["reason_parts"], templates, t) or row["reason"],
        "claimed_shown": f"{row['claimed_bound']} {unit}".rstrip(),
        "unit_shown": unit,
        "assumptions_shown": [t.get(f"assume.{a}", a) for a in row["assumptions"]],
        "tolerance_shown": t["tolerance_rounded"]
        if row.get("tolerance_rule") == "rounded"
        else row["tolerance"],
        "flip_shown": None
        if not fp
        else f"{fp['knob']} {fp['change']} → {t.get(fp['verdict'], fp['verdict'])}",
    }


def _sources_table(ids: list[str]) -> dict[str, dict[str, Any]]:
    from chipwar.catalog.sources import load_sources

    src = load_sources()
    return {i: src[i].model_dump(mode="json") for i in ids if i in src}


def build_report(
    path: str | Path, lang: str = "en", xlsx: str | Path | None = None
) -> ReportResult:
    """Write the HTML report to ``path`` (atomically) and optionally the tables to ``xlsx``."""
    import plotly.offline

    t = strings(lang)
    path = Path(path)
    sections = [_safe(key, fn, t) for key, fn in SECTIONS]
    claims_sec, rows, _ = claims_section(t)
    cited = sorted(
        {s for r in rows for s in r["sources"]}
        | {r["article_id"] for r in rows}
        | {s for sec in [*sections, claims_sec] for c in sec.charts for s in c.sources}
    )
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    env.filters["tojs"] = _to_js
    tmpl = env.get_template("report.html.j2")
    page = tmpl.render(
        t=t,
        lang=lang,
        sections=sections,
        claims=rows,
        claims_section=claims_sec,
        sources=_sources_table(cited),
        plotly_js=plotly.offline.get_plotlyjs(),
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        fmt=_fmt,
    )
    _write_atomic(path, page)
    xlsx_path = None
    if xlsx is not None:
        from chipwar.report.xlsx import write_tables

        tables = {"claims": claims_sec.tables["claims"]}
        for s in sections:
            tables.update(s.tables)
        xlsx_path = write_tables(Path(xlsx), tables)
    return ReportResult(path, lang, [*sections, claims_sec], rows, xlsx_path)


def _to_js(obj: Any) -> str:
    """JSON for a <script> block (``</`` escaped so a string cannot close the tag)."""
    from chipwar.cli.output import to_jsonable

    return json.dumps(to_jsonable(obj), ensure_ascii=False).replace("</", "<\\/")


def _fmt(x: Any) -> str:
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:.4g}"
    return html.escape(str(x))


def _write_atomic(path: Path, text: str) -> None:
    write_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"), ".report-", ".tmp")
