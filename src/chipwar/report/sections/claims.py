"""The claims section: the seed articles' claims with verdicts (engine: ``chipwar.claims``)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from chipwar.claims.base import VERDICTS
from chipwar.claims.ledger import day_text
from chipwar.report.figures import Chart, Section, _fig

VERDICT_COLORS = {
    "supported": "#4caf50",
    "partly supported": "#ffb300",
    "undecided": "#8e24aa",
    "contradicted": "#e53935",
    "not checkable": "#9e9e9e",
}
"""Bar colour per verdict (the table's row classes use the same hues, lighter)."""


def claims_section(
    t: dict[str, str], results: list[Any] | None = None
) -> tuple[Section, list[dict[str, Any]], list[Any]]:
    """The claims section in the language of ``t``; ``results``: the evaluated claims when the
    caller already has them (the dashboard evaluates once for all languages)."""
    from chipwar.claims import evaluate_all

    if results is None:
        results = evaluate_all()
    rows = [_translated(r.as_dict(), t) for r in results]
    counts = {v: n for v in VERDICTS if (n := sum(r["verdict"] == v for r in rows))}
    colors = VERDICT_COLORS
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
    """A claim row plus its paraphrase, reason, claimed value, tolerance and flip in the report's
    language (``*_shown`` keys; the English fields stay for the Excel export)."""
    from chipwar.claims.verdict import render_reason

    templates = {k[len("reason.") :]: v for k, v in t.items() if k.startswith("reason.")}
    unit = "" if row["unit"] in ("date", "year") else t.get(f"unit.{row['unit']}", row["unit"])
    fp = row.get("flip_parts")
    paraphrase = {
        "zh-Hant": row.get("paraphrase_zh_hant"),
        "zh-Hans": row.get("paraphrase_zh_hans"),
    }.get(t.get("lang", "en"))
    return {
        **row,
        "paraphrase_shown": paraphrase or row["paraphrase"],
        "modelled_shown": _value_text(row["modelled"], row["unit"]),
        "modelled_low_shown": _value_text(row["modelled_low"], row["unit"]),
        "modelled_high_shown": _value_text(row["modelled_high"], row["unit"]),
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


def _value_text(x: float | None, unit: str) -> str:
    """A measured value as shown: an ISO date for ``date`` claims, a whole year for ``year``."""
    if x is None:
        return "—"
    if unit == "date":
        return day_text(x)
    if unit == "year":
        return f"{x:.0f}"
    return f"{x:.4g}"
