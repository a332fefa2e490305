"""Build the self-contained HTML report (plotly.js embedded, no external requests).

Each section is built by one function that calls an engine; a section whose engine is missing or
fails renders a notice instead (``Section.available`` False), so the report always builds.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader

from chipwar.catalog.io import write_atomically
from chipwar.claims.base import VERDICTS
from chipwar.errors import ChipwarError
from chipwar.report.figures import Chart, Section
from chipwar.report.i18n import strings
from chipwar.report.sections.claims import claims_section
from chipwar.report.sections.key_findings import key_findings

TEMPLATES = Path(__file__).with_name("templates")

__all__ = ["SECTIONS", "Chart", "ReportResult", "Section", "build_report"]


@dataclass
class ReportResult:
    path: Path
    lang: str
    sections: list[Section]
    claims: list[dict[str, Any]]
    xlsx: Path | None = None

    def summary_lines(self) -> list[str]:
        from collections import Counter

        counts = Counter(c["verdict"] for c in self.claims)
        shown = ", ".join(f"{counts[v]} {v}" for v in VERDICTS if counts[v])
        lines = [f"{len(self.claims)} claims: {shown}"]
        missing = [s.title for s in self.sections if not s.available]
        if missing:
            lines.append("sections without an engine yet: " + "; ".join(missing))
        lines.append(f"{sum(len(s.charts) for s in self.sections)} charts")
        return lines


def _section(module: str, fn: str) -> Callable[[dict[str, str]], Section]:
    """The builder ``fn`` of ``report/sections/<module>.py``, imported when its section is built
    (so a section whose engine is missing becomes a notice, not an import error of the report)."""

    def build(t: dict[str, str]) -> Section:
        import importlib

        out: Section = getattr(importlib.import_module(f"chipwar.report.sections.{module}"), fn)(t)
        return out

    return build


SECTIONS: list[tuple[str, Callable[[dict[str, str]], Section]]] = [
    ("compute", _section("compute", "section_compute")),
    ("tokens", _section("compute", "section_tokens")),
    ("controls", _section("controls", "section_controls")),
    ("equipment", _section("equipment", "section_equipment")),
    ("nexperia", _section("supply", "section_nexperia")),
    ("supply_calibration", _section("supply_calibration", "section_supply_calibration")),
    ("selfsuff", _section("dynamics", "section_selfsuff")),
]


def _safe(key: str, fn: Callable[[dict[str, str]], Section], t: dict[str, str]) -> Section:
    """Build a section; a data or input problem the project itself reports (a ChipwarError,
    e.g. a table that fails validation) becomes a notice in the report, so the other sections
    still build. Anything else is a bug and raises: a bug must never become an answer."""
    try:
        return fn(t)
    except ChipwarError as exc:
        return Section(key, t[key], available=False, note=f"{t['failed']} ({exc})")


def _articles(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(article id, "title (outlet)") in ledger order, for the ledger's article filter."""
    return list(dict.fromkeys((r["article_id"], f"{r['title']} ({r['outlet']})") for r in rows))


def _sources_table(ids: list[str]) -> dict[str, dict[str, Any]]:
    from chipwar.catalog.sources import load_sources

    src = load_sources()
    return {i: src[i].model_dump(mode="json") for i in ids if i in src}


def build_report(
    path: str | Path,
    lang: str = "en",
    xlsx: str | Path | None = None,
    sweep: str | Path | None = None,
) -> ReportResult:
    """Write the HTML report to ``path`` (atomically) and optionally the tables to ``xlsx``.
    ``sweep``: a sweep folder (``chipwar sweep run``) whose sensitivity section is added; a
    folder that is not a sweep is an input error (raised before anything is written)."""
    import plotly.offline

    t = strings(lang)
    path = Path(path)
    extra: list[Section] = []
    if sweep is not None:
        from chipwar.report.sections.sweep import section_sweep

        extra.append(section_sweep(sweep, t))
    sections = [_safe(key, fn, t) for key, fn in SECTIONS] + extra
    claims_sec, rows, _ = claims_section(t)
    findings, findings_left_out = key_findings(sections, rows, t)
    cited = sorted(
        {s for r in rows for s in r["sources"]}
        | {r["article_id"] for r in rows}
        | {s for sec in [*sections, claims_sec] for c in sec.charts for s in c.sources}
        | {s for f in findings for s in f.sources}
    )
    env = html_environment()
    tmpl = env.get_template("report.html.j2")
    page = tmpl.render(
        t=t,
        lang=lang,
        sections=sections,
        claims=rows,
        claims_section=claims_sec,
        findings=findings,
        findings_left_out=findings_left_out,
        verdicts=VERDICTS,
        articles=_articles(rows),
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


def html_environment() -> Environment:
    """The Jinja environment of every HTML template: autoescape ON for all of them (the report's
    template is ``report.html.j2``, whose ``.j2`` suffix ``select_autoescape(["html"])`` did not
    match, so text went out raw). Only two values are marked safe in the template, explicitly:
    the Plotly library (``plotly_js | safe``) and chart JSON (``tojs | safe``), whose ``<``, ``>``
    and ``&`` are escaped by ``_to_js`` so no string can close the script block."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
    env.filters["tojs"] = _to_js
    return env


_JS_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def _to_js(obj: Any) -> str:
    """JSON for a ``<script>`` block: ``<``, ``>``, ``&`` (and U+2028/2029) written as ``\\uXXXX``
    escapes, which JSON reads back as the same characters, so a string such as
    ``</script><script>…`` cannot end the block or start another."""
    from chipwar.serialize import to_jsonable

    return json.dumps(to_jsonable(obj), ensure_ascii=False).translate(_JS_ESCAPES)


def _fmt(x: Any) -> str:
    """A table cell as text (autoescape escapes it in the page)."""
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:.4g}"
    return str(x)


def _write_atomic(path: Path, text: str) -> None:
    write_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"), ".report-", ".tmp")
