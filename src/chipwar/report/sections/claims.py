"""The claims section: the seed articles' claims with verdicts (engine: ``chipwar.claims``)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from chipwar.report.figures import Chart, Section, _fig


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
