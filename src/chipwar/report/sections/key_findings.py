"""The "key findings" box at the top of the report: the headline numbers the README states,
computed from the engines when the report is built (never typed in).

Inputs are the tables the sections already built (``tco`` from the compute section, ``tokens``
from the tokens section; no engine runs twice), the dynamics forecast probabilities
(``chipwar.dynamics.api.forecast_probability``, the report's sample count and seed) and the
claims ledger's verdict counts. Each finding links to the section that shows it and cites the
sources of that section's chart. A finding whose inputs are missing (a section that did not
build) is left out, and the box says how many were left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from chipwar.claims.base import VERDICTS
from chipwar.dynamics.api import forecast_probability
from chipwar.report.figures import Section

SHARE_SITES = ["cn-inner-mongolia", "cn-guizhou", "us-virginia"]
"""Sites of the README's electricity-share range (a western Chinese hub, a southern one, the
largest US data-centre market)."""
RANK_SITE = "cn-inner-mongolia"
DOMESTIC = ("huawei-ascend-910b", "huawei-ascend-910c")
REFERENCE = "nvidia-h20"
FORECAST_SAMPLES = 400
"""Samples per dynamics forecast (the self-sufficiency section's count; seed 0)."""


@dataclass
class Finding:
    id: str
    text: str
    href: str
    sources: list[str] = field(default_factory=list)


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %" if x < 0.1 else f"{100 * x:.0f} %"


def _range(values: pd.Series | list[float], fmt: Any = _pct) -> str:
    lo, hi = float(min(values)), float(max(values))
    return fmt(lo) if fmt(lo) == fmt(hi) else f"{fmt(lo)}–{fmt(hi)}"


def _sources(sections: dict[str, Section], key: str) -> list[str]:
    sec = sections.get(key)
    if sec is None:
        return []
    return list(dict.fromkeys(s for c in sec.charts for s in c.sources))


def electricity_share(tco: pd.DataFrame, t: dict[str, str]) -> str:
    """Electricity share of the all-in cost with today's subsidies (``subsidy_case`` on): range at
    SHARE_SITES and the highest anywhere; and how much the subsidy cuts an Ascend cluster's cost
    per usable PFLOP-hour where it applies: (cost_off - cost_on) / cost_off."""
    on_rows = tco[tco["subsidy_case"] == "on"]
    off = tco[tco["subsidy_case"] == "off"]
    at = on_rows[on_rows["site"].isin(SHARE_SITES)]
    top = on_rows.sort_values("electricity_share").iloc[-1]
    on = on_rows.set_index(["chip", "site"])["usd_per_pflop_hour"]
    base = off.set_index(["chip", "site"])["usd_per_pflop_hour"]
    cut = ((base - on) / base).dropna()
    cut = cut[(cut > 0) & cut.index.get_level_values("chip").str.startswith("huawei")]
    text = t["kf_electricity"].format(
        range=_range(at["electricity_share"]),
        sites=", ".join(SHARE_SITES),
        max=_pct(float(top["electricity_share"])),
        max_site=top["site"],
        max_chip=top["chip"],
    )
    if len(cut):
        text += " " + t["kf_subsidy"].format(range=_range(cut))
    return text


def cost_ranking(tco: pd.DataFrame, t: dict[str, str]) -> str:
    """Chips ranked by USD per usable dense BF16 PFLOP-hour at RANK_SITE, subsidy off."""
    f = tco[(tco["subsidy_case"] == "off") & (tco["site"] == RANK_SITE)]
    f = f.sort_values("usd_per_pflop_hour")
    ranked = ", ".join(f"{r.chip} {r.usd_per_pflop_hour:.2f}" for r in f.itertuples())
    return t["kf_cost"].format(site=RANK_SITE, cheapest=f.iloc[0]["chip"], ranked=ranked)


def energy_per_token(tokens: pd.DataFrame, t: dict[str, str]) -> str | None:
    """Energy per token of the domestic chips over the H20's (DeepSeek-V3 decode), and the
    power subsidy that would equalise the bill: s = 1 - kWh_H20 / kWh_domestic."""
    k = tokens.set_index("chip")["kwh_per_mtok"]
    dom = [c for c in DOMESTIC if c in k]
    if REFERENCE not in k or not dom:
        return None
    ratio = [float(k[c] / k[REFERENCE]) for c in dom]
    return t["kf_tokens"].format(
        chips=", ".join(dom),
        range=_range(ratio, lambda x: f"{x:.2f}×"),
        ref=REFERENCE,
        subsidy=_range([1 - 1 / r for r in ratio]),
    )


def forecasts(t: dict[str, str]) -> str:
    """P(self-sufficiency >= 30 % in 2027) and P(domestic AI-accelerator share >= 80 % in 2028),
    baseline and controls lifted."""
    ss = forecast_probability(
        "self_sufficiency", 2027, 0.30, "baseline", samples=FORECAST_SAMPLES, seed=0
    )
    ai = forecast_probability(
        "domestic_share_ai_accelerators", 2028, 0.80, "baseline", samples=FORECAST_SAMPLES, seed=0
    )
    lifted = forecast_probability(
        "domestic_share_ai_accelerators",
        2028,
        0.80,
        "controls-lifted",
        samples=FORECAST_SAMPLES,
        seed=0,
    )
    return t["kf_forecast"].format(
        p_ss=f"{ss['probability']:.2f}",
        p_ai=f"{ai['probability']:.2f}",
        p_lifted=f"{lifted['probability']:.2f}",
        n=FORECAST_SAMPLES,
    )


def verdicts(rows: list[dict[str, Any]], t: dict[str, str]) -> str:
    counts = {v: sum(r["verdict"] == v for r in rows) for v in VERDICTS}
    shown = ", ".join(f"{n} {t[v]}" for v, n in counts.items() if n)
    return t["kf_claims"].format(n=len(rows), counts=shown)


def key_findings(
    sections: list[Section], claim_rows: list[dict[str, Any]], t: dict[str, str]
) -> tuple[list[Finding], int]:
    """The findings, and how many were left out because their section did not build."""
    by_id = {s.id: s for s in sections if s.available}
    out: list[Finding] = []
    left_out = 0
    tco = by_id["compute"].tables.get("tco") if "compute" in by_id else None
    if tco is not None:
        out.append(
            Finding(
                "electricity",
                electricity_share(tco, t),
                "#section-compute",
                _sources(by_id, "compute"),
            )
        )
        out.append(
            Finding("cost", cost_ranking(tco, t), "#section-compute", _sources(by_id, "compute"))
        )
    else:
        left_out += 2
    tokens = by_id["tokens"].tables.get("tokens") if "tokens" in by_id else None
    text = energy_per_token(tokens, t) if tokens is not None else None
    if text:
        out.append(Finding("tokens", text, "#section-tokens", _sources(by_id, "tokens")))
    else:
        left_out += 1
    if "selfsuff" in by_id:
        out.append(
            Finding("forecast", forecasts(t), "#section-selfsuff", _sources(by_id, "selfsuff"))
        )
    else:
        left_out += 1
    out.append(Finding("claims", verdicts(claim_rows, t), "#section-claims", []))
    return out, left_out
