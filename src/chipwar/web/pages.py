"""Dashboard pages: server-rendered with Jinja2 (autoescape on), charts drawn by the locally
served Plotly.js from figures the report's section builders make, tables downloadable as CSV or
JSON. Every page's state (language, chips, sliders, filters) lives in its URL."""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from chipwar.catalog.accelerators import Accelerator, load_accelerators
from chipwar.catalog.sites import Site, load_sites
from chipwar.catalog.types import Range
from chipwar.commands import split_ids
from chipwar.errors import InputError
from chipwar.report.figures import Section
from chipwar.serialize import document, rows_of, to_jsonable
from chipwar.web.cache import once
from chipwar.web.i18n import LANG_NAMES, LANGS, ui_strings

router = APIRouter(include_in_schema=False)
TEMPLATES = Path(__file__).with_name("templates")
PAGES = (
    "overview", "compute", "controls", "screening", "supply", "dynamics", "claims", "sweep",
)  # fmt: skip
DEFAULT_CHIPS = ["nvidia-h20", "nvidia-h100-sxm", "huawei-ascend-910b", "huawei-ascend-910c"]
DEFAULT_SITES = ["cn-inner-mongolia", "cn-guizhou", "us-virginia"]
BREAKEVEN_KEYS = ("chip_a", "chip_b", "site", "unit", "current", "value", "message")


def to_js(obj: Any) -> Markup:
    """JSON for a ``<script type="application/json">`` block: ``<``, ``>``, ``&`` and the line
    separators escaped, so no string can close the block or start markup."""
    text = json.dumps(to_jsonable(obj), ensure_ascii=False)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(ch, esc)
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


@functools.cache
def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
    env.filters["tojs"] = to_js
    env.filters["cell"] = _cell
    return env


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _lang(lang: str) -> str:
    if lang not in LANGS:
        raise InputError("lang", lang, "one of " + ", ".join(LANGS))
    return lang


def _table(rows: Any, columns: list[str] | None = None) -> dict[str, Any]:
    """A table for a page: its columns and JSON rows (all of them, for the downloads)."""
    data = rows_of(rows)
    cols = columns or (list(data[0]) if data else [])
    return {"columns": cols, "rows": data}


def _charts(sec: Section) -> list[dict[str, Any]]:
    return [{"id": c.id, "figure": c.figure, "caption": c.caption} for c in sec.charts]


def render(
    request: Request, page: str, lang: str, data: dict[str, Any], **ctx: Any
) -> HTMLResponse:
    """The page ``page`` in ``lang``; ``data`` goes to the browser as JSON (charts, tables)."""
    from chipwar.controls.rules import load_rules
    from chipwar.controls.tool_rules import load_tool_rules

    t = ui_strings(lang)
    as_of = {
        "chip_rules": load_rules().reviewed_through,
        "tool_rules": load_tool_rules().rules_reviewed_through,
        "today": dt.date.today(),
    }
    html = (
        _env()
        .get_template(f"{page}.html.j2")
        .render(
            t=t, lang=lang, page=page, pages=PAGES, langs=LANG_NAMES, query=request.query_params,
            data=data, tables=data.get("tables", {}), charts=data.get("charts", []), as_of=as_of,
            **ctx,
        )
    )  # fmt: skip
    return HTMLResponse(html)


def lang_url(request: Request, lang: str) -> str:
    """This page's URL with another language (every other parameter kept)."""
    from urllib.parse import urlencode

    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return request.url.path + "?" + urlencode([*params, ("lang", lang)])


# ------------------------------------------------------------------ cached sections


@once(maxsize=32)
def _section(name: str, lang: str, today: dt.date) -> Section:
    """A report section (pure for a given day and language), built once."""
    from chipwar.report.sections import controls, dynamics, equipment, supply

    t = ui_strings(lang)
    builders = {
        "controls": controls.section_controls,
        "equipment": equipment.section_equipment,
        "nexperia": supply.section_nexperia,
        "selfsuff": dynamics.section_selfsuff,
    }
    return builders[name](t)


@once(maxsize=2)
def _claim_results(today: dt.date) -> list[Any]:
    """The claims evaluated once a day (the same for every language)."""
    from chipwar.claims import evaluate_all

    return evaluate_all()


@once(maxsize=8)
def _claims(lang: str, today: dt.date) -> tuple[Section, list[dict[str, Any]]]:
    from chipwar.report.sections.claims import claims_section

    sec, rows, _ = claims_section(ui_strings(lang), _claim_results(today))
    return sec, rows


def section(name: str, lang: str) -> Section:
    return _section(name, lang, dt.date.today())


# ------------------------------------------------------------------ pages


@router.get("/", response_class=HTMLResponse)
async def overview(request: Request, lang: str = "en") -> HTMLResponse:
    from starlette.concurrency import run_in_threadpool

    from chipwar.commands.compute import compare

    lang = _lang(lang)
    frame = await run_in_threadpool(lambda: compare().data)
    sec, rows = await run_in_threadpool(_claims, lang, dt.date.today())
    cols = ["chip", "case", "usd_per_pflop_hour", "electricity_share", "usd_per_accelerator_hour"]
    cheapest = frame.loc[frame.groupby("case", sort=False)["usd_per_pflop_hour"].idxmin()][
        ["case", "chip", "usd_per_pflop_hour"]
    ]
    data = {
        "charts": _charts(sec),
        "tables": {
            "central": _table(frame, cols),
            "cheapest": _table(cheapest),
            "claims": _table(
                [
                    {k: r.get(k) for k in ("id", "verdict", "claimed_shown", "modelled")}
                    for r in rows
                ]
            ),
        },
    }
    return render(request, "overview", lang, data, lang_url=lambda x: lang_url(request, x))


@router.get("/compute", response_class=HTMLResponse)
async def compute_page(
    request: Request,
    lang: str = "en",
    chip: list[str] | None = Query(None),
    site: list[str] | None = Query(None),
) -> HTMLResponse:
    lang = _lang(lang)
    chips = split_ids(chip) or DEFAULT_CHIPS
    sites = split_ids(site) or DEFAULT_SITES
    data = {
        "chips": chips,
        "sites": sites,
        "all_chips": list(load_accelerators()),
        "all_sites": list(load_sites()),
        "unpriced": unpriced_chips(),
    }
    return render(request, "compute", lang, data, lang_url=lambda x: lang_url(request, x))


def unpriced_chips() -> list[str]:
    """Catalog chips with no sourced per-card price (``price_usd`` empty, e.g. nvidia-h800:
    only its 8-GPU server price is reported). The explorer marks them and leaves them out of
    its default selection; their break-even chip price cannot be computed."""
    return [a.id for a in load_accelerators().values() if a.price_usd is None]


NO_PRICE = (
    "the catalog has no sourced per-card price for {chip} (only a server price is reported), so "
    "its break-even chip price cannot be computed"
)


def _scaled(r: Range | None, k: float) -> Range | None:
    if r is None or k == 1.0:
        return r
    return r.model_copy(update={"low": r.low * k, "base": r.base * k, "high": r.high * k})


def _factor(name: str, value: float, low: float, high: float) -> float:
    if not low <= value <= high:
        raise InputError(name, value, f"a number from {low:g} to {high:g}")
    return value


INLINE_PAIRS = 16
"""Explorer answers of at most this many chip × site pairs (about 2 ms of engine work) are
computed on the event loop; larger ones in the worker threads. The work is CPU-bound in one
process, so threads add no parallelism, only GIL switches that interleave requests and stretch
the latency tail: 50 clients at 425 req/s, p95 122 ms inline against 246 ms in the pool (15 s
runs of ``bench_web.py``, 2026-12-03). A larger answer would hold the loop too long."""


@router.get("/dashboard/data/compute")
async def compute_data(
    request: Request,
    chip: list[str] | None = Query(None),
    site: list[str] | None = Query(None),
    electricity: float = 1.0,
    chip_price: float = Query(1.0, alias="chip-price"),
    subsidy: str = "auto",
    utilization: float = 0.0,
    cost_of_capital: float | None = Query(None, alias="cost-of-capital"),
) -> Response:
    """The compute explorer's numbers: the TCO engine on catalog chips and sites with the
    electricity price and chip price scaled by the sliders, and the break-even chip price of
    each chip against the first one at each site."""
    from starlette.concurrency import run_in_threadpool

    from chipwar.catalog.io import lookup
    from chipwar.web.api import cached_answer, keep_answer

    hit, key = cached_answer(request)
    if hit is not None:
        return hit
    from chipwar.commands.compute import parse_subsidy
    from chipwar.compute.assumptions import load_assumptions, with_overrides

    e = _factor("electricity", electricity, 0.1, 5.0)
    p = _factor("chip-price", chip_price, 0.1, 5.0)
    util = None if utilization == 0 else _factor("utilization", utilization, 0.01, 1.0)
    sub = parse_subsidy(subsidy)
    acc, sts = load_accelerators(), load_sites()
    chip_ids = (split_ids(chip) or DEFAULT_CHIPS)[:12]
    site_ids = (split_ids(site) or DEFAULT_SITES)[:12]
    chips: list[Accelerator] = []
    for c in chip_ids:
        a = lookup(acc, c, "chip")
        upd = {
            "price_usd": _scaled(a.price_usd, p),
            "system_capex_usd": _scaled(a.system_capex_usd, p),
        }
        chips.append(a.model_copy(update=upd))
    sites: list[Site] = []
    for s in site_ids:
        st = lookup(sts, s, "site")
        el = st.electricity.model_copy(
            update={"price_per_kwh": _scaled(st.electricity.price_per_kwh, e)}
        )
        sites.append(st.model_copy(update={"electricity": el}))
    assumptions = load_assumptions()
    if cost_of_capital is not None:
        coc = _factor("cost-of-capital", cost_of_capital, 0.0, 0.5)
        assumptions = with_overrides(assumptions, {"cost_of_capital": coc}, source="dashboard")
    kwargs: dict[str, Any] = {"utilization": util, "subsidy": sub, "assumptions": assumptions}

    answer = lambda: json_bytes(explorer_document(chips, sites, **kwargs))  # noqa: E731
    small = len(chips) * len(sites) <= INLINE_PAIRS
    body = answer() if small else await run_in_threadpool(answer)
    return keep_answer(request, key, Response(body, media_type="application/json"), {})


def explorer_document(
    chips: list[Accelerator], sites: list[Site], **options: Any
) -> dict[str, Any]:
    """The explorer's answer: ``rows``, the TCO of every chip × site (the rows of
    :func:`chipwar.compute.tco.tco_frame`), and ``breakeven``, the chip price at which each chip
    after the first costs what the first does per usable PFLOP-hour, site by site (the answers
    of :func:`chipwar.compute.breakeven.breakeven`). One prepared batch serves both: the rows are
    built without a DataFrame and the break-even pairs are solved together
    (:func:`chipwar.compute.breakeven.breakeven_pairs`); a test holds the answer equal to the
    frame and the scalar solves."""
    from chipwar.compute.breakeven import breakeven_pairs
    from chipwar.compute.tco import base_case, prepare, rows_from

    batch = prepare(chips, sites, **options)
    rows = rows_from(batch, base_case(batch))
    pairs, skipped = [], {}
    for j, s in enumerate(sites):
        for i, a in enumerate(chips[1:], start=1):
            if a.price_usd is None and a.system_capex_usd is not None:
                skipped[(i, j)] = {
                    "chip_a": a.id, "chip_b": chips[0].id, "site": s.id, "unit": "USD",
                    "current": None, "value": None, "message": NO_PRICE.format(chip=a.id),
                }  # fmt: skip
            else:
                pairs.append((i, 0, j))
    solved = iter(breakeven_pairs(batch, pairs, param="chip-price"))
    be = []
    for j in range(len(sites)):
        for i in range(1, len(chips)):
            r = skipped.get((i, j)) or next(solved)
            be.append({k: r.get(k) for k in BREAKEVEN_KEYS})
    return {"rows": rows, "breakeven": document(be)}


def json_bytes(doc: Any) -> bytes:
    """The document as compact UTF-8 JSON, as :class:`JSONResponse` renders it (NaN refused)."""
    return json.dumps(doc, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()


@router.get("/controls", response_class=HTMLResponse)
async def controls_page(
    request: Request,
    lang: str = "en",
    chip: str = "nvidia-h20",
    tool: str = "asml-nxt-2000i",
    date: str | None = None,
    destination: str = "CN",
) -> HTMLResponse:
    from starlette.concurrency import run_in_threadpool

    from chipwar.catalog.tools import load_tools
    from chipwar.commands.controls import classify, tools_classify

    lang = _lang(lang)
    sec = await run_in_threadpool(section, "controls", lang)
    events = await run_in_threadpool(
        lambda: classify(chip=[chip], destination=destination, timeline=True).data
    )
    now = await run_in_threadpool(
        lambda: classify(chip=[chip], destination=destination, date=date).data
    )
    tool_events = await run_in_threadpool(
        lambda: tools_classify(tool=[tool], destination=destination, timeline=True).data
    )
    equipment = await run_in_threadpool(section, "equipment", lang)
    data = {
        "charts": _charts(sec) + _charts(equipment),
        "tables": {
            "status": _table(now),
            "timeline": _table(events),
            "tool_timeline": _table(tool_events),
        },
        "all_chips": list(load_accelerators()),
        "all_tools": list(load_tools()),
    }
    return render(
        request, "controls", lang, data, chip=chip, tool=tool, date=date or "",
        destination=destination, chart_split=len(sec.charts),
        lang_url=lambda x: lang_url(request, x),
    )  # fmt: skip


@router.get("/screening", response_class=HTMLResponse)
async def screening_page(request: Request, lang: str = "en") -> HTMLResponse:
    lang = _lang(lang)
    return render(request, "screening", _lang(lang), {}, lang_url=lambda x: lang_url(request, x))


@router.get("/supply", response_class=HTMLResponse)
async def supply_page(request: Request, lang: str = "en") -> HTMLResponse:
    from starlette.concurrency import run_in_threadpool

    lang = _lang(lang)
    sec = await run_in_threadpool(section, "nexperia", lang)
    data = {"charts": _charts(sec), "tables": {k: _table(v) for k, v in sec.tables.items()}}
    return render(request, "supply", lang, data, lang_url=lambda x: lang_url(request, x))


@router.get("/dynamics", response_class=HTMLResponse)
async def dynamics_page(request: Request, lang: str = "en") -> HTMLResponse:
    from starlette.concurrency import run_in_threadpool

    lang = _lang(lang)
    sec = await run_in_threadpool(section, "selfsuff", lang)
    data = {"charts": _charts(sec), "tables": {k: _table(v) for k, v in sec.tables.items()}}
    return render(request, "dynamics", lang, data, lang_url=lambda x: lang_url(request, x))


@router.get("/claims", response_class=HTMLResponse)
async def claims_page(request: Request, lang: str = "en") -> HTMLResponse:
    from starlette.concurrency import run_in_threadpool

    lang = _lang(lang)
    sec, rows = await run_in_threadpool(_claims, lang, dt.date.today())
    cols = ["id", "article_id", "verdict", "quote", "claimed_shown", "modelled", "unit_shown",
            "reason_shown", "flip_shown", "sources"]  # fmt: skip
    keep = [*cols, "evidence"]  # the evidence rows travel in the JSON download
    data = {
        "charts": _charts(sec),
        "tables": {"claims": _table([{c: r.get(c) for c in keep} for r in rows], cols)},
        "verdicts": sorted({r["verdict"] for r in rows}),
    }
    return render(request, "claims", lang, data, lang_url=lambda x: lang_url(request, x))


@once(maxsize=8)
def _sweep_section(folder: str, lang: str, mtime_ns: int) -> Section:
    """The sweep's section (the report's builder), rebuilt when the folder's manifest changes."""
    from chipwar.report.sections.sweep import section_sweep

    return section_sweep(folder, ui_strings(lang))


@router.get("/sweep", response_class=HTMLResponse)
async def sweep_page(request: Request, lang: str = "en") -> HTMLResponse:
    """The sensitivity of a sweep given at start-up (``chipwar serve --sweep DIR``)."""
    from pathlib import Path

    from starlette.concurrency import run_in_threadpool

    from chipwar.web.settings import sweep_dir

    lang = _lang(lang)
    folder = sweep_dir()
    data: dict[str, Any] = {"charts": [], "tables": {}}
    note = None
    if folder is not None:
        mtime = (Path(folder) / "manifest.json").stat().st_mtime_ns
        sec = await run_in_threadpool(_sweep_section, folder, lang, mtime)
        data = {"charts": _charts(sec), "tables": {k: _table(v) for k, v in sec.tables.items()}}
        note = sec.note
    return render(
        request, "sweep", lang, data, note=note, configured=folder is not None,
        lang_url=lambda x: lang_url(request, x),
    )  # fmt: skip
