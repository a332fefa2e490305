"""The "Export controls" report section: each catalog chip's status by date, destination China
(engine: ``chipwar.controls.classify.timeline``)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pandas as pd

from chipwar.errors import ChipwarError, InputError
from chipwar.report.figures import Chart, Section, _fig, _rule_sources

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
