"""The "Cost of compute" and "Tokens per kWh" report sections (engines: ``chipwar.compute``)."""

from __future__ import annotations

import pandas as pd

from chipwar.report.figures import (
    KEY_CHIPS,
    Chart,
    Section,
    _chips_present,
    _fig,
    _model_sources,
    _sources_of,
    _yaml_sources,
)


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
