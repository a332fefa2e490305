"""Shared pieces of the report and the dashboard sections: the ``Chart`` and ``Section``
records, the Plotly figure helper and the helpers that collect the source ids a chart cites."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from chipwar.catalog.sources import cited_source_ids

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


def stacked_layout(n_panels: int, panel_px: int) -> dict[str, Any]:
    """Layout of ``n_panels`` panels stacked vertically on one shared date axis (each panel
    ``panel_px`` pixels high); add each panel's y axis with :func:`panel_yaxis`."""
    n = max(n_panels, 1)
    return {
        "height": 90 + panel_px * n,
        "margin": {"l": 70, "r": 20, "t": 30, "b": 40},
        "xaxis": {"type": "date", "anchor": f"y{n if n > 1 else ''}"},
        "annotations": [],
        "legend": {"orientation": "h", "y": -0.06 if n > 1 else -0.2},
    }


def panel_yaxis(i: int, n_panels: int, **axis: Any) -> tuple[str, dict[str, Any]]:
    """The ``i``-th stacked panel's axis suffix (``""`` for the first, then ``"2"``, …) and its
    y axis: its share of the height (with a small gap) and the properties in ``axis``."""
    n = max(n_panels, 1)
    gap, top = 0.06 / n, 1 - i / n
    return ("" if i == 0 else str(i + 1)), {"domain": [top - 1 / n + gap, top - gap], **axis}


def band_traces(
    common: dict[str, Any],
    low: Any,
    high: Any,
    fillcolor: str,
    band_name: str,
    high_name: str,
    **extra: Any,
) -> list[dict[str, Any]]:
    """A shaded band between ``low`` and ``high`` (e.g. p5 and p95): an invisible line at
    ``high``, then ``low`` filled up to it. ``common``: the traces' shared keys (type, x, axes);
    ``extra``: keys for the filled trace (legendgroup, showlegend)."""
    import numpy as np

    group = {k: v for k, v in extra.items() if k == "legendgroup"}
    return [
        {**common, "mode": "lines", "line": {"width": 0}, "y": np.round(high, 4).tolist(),
         "name": high_name, "showlegend": False, "hoverinfo": "skip", **group},
        {**common, "mode": "lines", "line": {"width": 0}, "fill": "tonexty",
         "fillcolor": fillcolor, "y": np.round(low, 4).tolist(), "name": band_name, **extra},
    ]  # fmt: skip


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


def _rgba(hex_color: str, alpha: float) -> str:
    r, g, b = (int(hex_color[k : k + 2], 16) for k in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"
