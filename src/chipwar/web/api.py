"""``/api/v1``: one endpoint per computing CLI command, answering the CLI's ``--format json``.

GET takes the command's options as query parameters named as the CLI names them (lists repeated
or comma-separated). POST takes the same query parameters and a JSON object whose keys are the
CLI's file options (``spec``, ``scenario``, ``model-spec``, ``bom``, ``parties``, ``ownership``,
``file``); each value is the file's content in the file's own schema (an object or a list), or
its text (YAML, or CSV for the tabular files). No endpoint reads a server path named in the
request: built-in scenarios are chosen by name from the shipped list.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import secrets
import threading
from collections.abc import Callable, Hashable, Iterator
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from chipwar.cancel import cancellable
from chipwar.catalog.io import memory_files, parse_structured
from chipwar.commands import Result, runs
from chipwar.commands import compute as cc
from chipwar.commands import controls as ctl
from chipwar.commands import workloads as wk
from chipwar.compute.options import TcoOptions
from chipwar.errors import ChipwarError, InputError, UnknownIdError
from chipwar.web.cache import ResponseCache, once
from chipwar.web.settings import Settings

router = APIRouter(prefix="/api/v1")

TEMP_PREFIX = "chipwar-api-"
CSV_KEYS = ("bom", "parties", "ownership", "file")
"""Body keys whose text form is CSV (the others' text form is YAML)."""
FILE_ARGS = {
    "spec": "spec",
    "scenario": "scenario",
    "model-spec": "model_spec",
    "bom": "bom",
    "parties": "parties",
    "ownership": "ownership",
    "file": "file",
}


class BodyTooLargeError(ChipwarError):
    """A request body over :attr:`Settings.max_body_bytes` (answered 413)."""


class RequestTimeoutError(ChipwarError):
    """A request still computing after :attr:`Settings.request_timeout_s` (answered 503)."""


# ------------------------------------------------------------------ body


async def read_body(request: Request, settings: Settings) -> dict[str, Any]:
    """The POST body as a JSON object, refused (413) past the size limit while it streams in
    (read once per request, then kept on ``request.state``)."""
    cached = getattr(request.state, "chipwar_body", None)
    if cached is not None:
        return dict(cached)
    request.state.chipwar_body = body = await _read_body(request, settings)
    return dict(body)


async def _read_body(request: Request, settings: Settings) -> dict[str, Any]:
    limit = settings.max_body_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLargeError(f"body: {declared} bytes is over the limit of {limit} bytes")
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > limit:
            raise BodyTooLargeError(f"body: over the limit of {limit} bytes")
    if not raw.strip():
        return {}
    try:
        text = bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("body", bytes(raw[:40]), "UTF-8 JSON") from None
    # The reading layer's in-memory parser: its limits on nesting, sizes and rows, duplicate
    # keys and non-finite numbers refused, errors naming the place in the body.
    obj = parse_structured(text, "json", "request body")
    if not isinstance(obj, dict):
        raise InputError("body", type(obj).__name__, "a JSON object keyed by file option")
    return obj


@contextlib.contextmanager
def body_files(body: dict[str, Any], allowed: tuple[str, ...]) -> Iterator[dict[str, Path]]:
    """Each body entry as an in-memory file (:func:`chipwar.catalog.io.memory_files`) that the
    command's readers read like a file on disk; nothing is written. Its name says its format:
    ``bom.csv``, ``spec.json``, ``scenario.yaml`` …"""
    for key in body:
        if key not in allowed:
            allowed_text = ", ".join(allowed) if allowed else "none (this endpoint reads no file)"
            raise InputError("body", key, f"keys among {allowed_text}")
    files: dict[str, bytes] = {}
    names: dict[str, str] = {}
    for key, value in body.items():
        if value is None:
            continue
        if isinstance(value, str):
            suffix, text = (".csv" if key in CSV_KEYS else ".yaml"), value
        elif isinstance(value, dict | list):
            text = json.dumps(value, ensure_ascii=False)
            csl = key == "parties" and isinstance(value, dict) and "results" in value
            # A parties list is the shipped YAML format (JSON is YAML); .json means CSL.
            suffix = ".yaml" if key == "parties" and not csl else ".json"
        else:
            raise InputError(
                f"body.{key}", value, "the file's content (an object or a list) or its text"
            )
        names[key] = key + suffix
        files[key + suffix] = text.encode("utf-8")
    with memory_files(files, "/" + TEMP_PREFIX + secrets.token_hex(8)) as paths:
        yield {key: paths[name] for key, name in names.items()}


async def answer(
    request: Request,
    command: Callable[..., Result],
    files: tuple[str, ...] = (),
    **options: Any,
) -> Response:
    """Run ``command`` in a worker thread (with the POST body's files) and answer its JSON
    document; stderr notes go in the ``X-Chipwar-Notes`` header (a JSON array, ASCII)."""
    settings: Settings = request.app.state.settings
    body = await read_body(request, settings) if request.method == "POST" else {}
    hit, key = cached_answer(request)
    if hit is not None:
        return hit

    stop = threading.Event()

    def work() -> Result:
        with cancellable(stop), body_files(body, files) as paths:
            kwargs = {**options, **{FILE_ARGS[k]: p for k, p in paths.items()}}
            result = command(**kwargs)
            result.data = result.document()  # serialise while the body's files are readable
            return result

    try:
        result = await asyncio.wait_for(run_in_threadpool(work), settings.request_timeout_s)
    except TimeoutError:
        stop.set()  # the engines' loops stop at their next check (chipwar.cancel)
        raise RequestTimeoutError(
            f"request: still computing after {settings.request_timeout_s:g} s (the limit); "
            "ask for fewer samples, chips or days"
        ) from None
    notes = [*result.warnings, *result.notes]  # plausibility warnings first
    headers = {"X-Chipwar-Notes": json.dumps(notes)} if notes else {}
    return keep_answer(request, key, JSONResponse(result.data, headers=headers), headers)


def cached_answer(request: Request) -> tuple[Response | None, Hashable]:
    """A GET's answer from the app's :class:`ResponseCache` (``None`` on a miss), and its key
    (``None`` for a POST: bodies are not cached)."""
    if request.method != "GET":
        return None, None
    cache: ResponseCache = request.app.state.responses
    key = cache.key(request.url.path, request.query_params.multi_items())
    found = cache.get(key)
    if found is None:
        return None, key
    body, headers = found
    return Response(body, media_type="application/json", headers=headers), key


def keep_answer(
    request: Request, key: Hashable, response: Response, headers: dict[str, str]
) -> Response:
    """Store a computed GET answer under ``key`` and return it."""
    if key is not None:
        request.app.state.responses.put(key, bytes(response.body), headers)
    return response


def cap(field: str, value: int | None, low: int, high: int) -> None:
    """A size-like option within [low, high] (the server's limit)."""
    if value is not None and not low <= value <= high:
        raise InputError(field, value, f"an integer from {low} to {high} (this server's limit)")


MAX_SEED = 2**32 - 1


def cap_draws(samples: int | None, seed: int, max_samples: int) -> None:
    """``samples`` within this server's limit and ``seed`` a 32-bit unsigned integer."""
    cap("samples", samples, 1, max_samples)
    cap("seed", seed, 0, MAX_SEED)


def builtin(kind: str, name: str, known: list[str]) -> str:
    """A built-in scenario name (never a path); unknown names are 404 with suggestions."""
    if name not in known:
        raise UnknownIdError(kind, name, known)
    return name


def _supply_builtins() -> list[str]:
    from chipwar.supply.scenario import builtin_scenarios

    return builtin_scenarios()


def _dynamics_builtins() -> list[str]:
    from chipwar.dynamics.scenario import builtin_scenarios

    return builtin_scenarios()


def _body_schema(keys: tuple[str, ...], required: tuple[str, ...] = ()) -> dict[str, Any]:
    """OpenAPI ``requestBody`` for a POST: an object of the given file keys."""
    props = {
        k: {
            "description": f"The --{k} file: its content (object or list) or its text "
            + ("(CSV)" if k in CSV_KEYS else "(YAML)"),
            "anyOf": [{"type": "object"}, {"type": "array"}, {"type": "string"}],
        }
        for k in keys
    }
    schema = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    return {"requestBody": {"required": False, "content": {"application/json": {"schema": schema}}}}


ERRORS = {
    404: {"description": "Unknown id (with suggestions)"},
    413: {"description": "Body over the limit"},
    422: {"description": "Invalid input (the CLI's message)"},
    503: {"description": "Over the request time limit"},
}


def endpoint(path: str, files: tuple[str, ...] = ()) -> Callable[[Callable[..., Any]], Any]:
    """Register a handler for GET and, where the command reads files, POST."""

    def register(fn: Callable[..., Any]) -> Any:
        name = path.strip("/").replace("/", "_").replace("-", "_")
        doc = (fn.__doc__ or "").strip()
        router.add_api_route(
            path, fn, methods=["GET"], operation_id=f"{name}_get", responses=ERRORS,  # type: ignore[arg-type]
            summary=doc.splitlines()[0] if doc else None,
        )  # fmt: skip
        if files:
            router.add_api_route(
                path, fn, methods=["POST"], operation_id=f"{name}_post",
                responses=ERRORS, openapi_extra=_body_schema(files),  # type: ignore[arg-type]
                summary=(doc.splitlines()[0] + " (files in the body)") if doc else None,
            )  # fmt: skip
        return fn

    return register


# ------------------------------------------------------------------ compute

Ids = list[str] | None
COMPUTE_FILES = ("spec", "scenario")
WORKLOAD_FILES = ("spec", "scenario", "model-spec")


def tco_options(
    precision: str = "bf16",
    utilization: float | None = None,
    subsidy: str = "auto",
    date: str | None = None,
) -> TcoOptions:
    """The TCO options of the query (named as the CLI's flags), validated once (422)."""
    return TcoOptions.parse(
        precision=precision, utilization=utilization, subsidy=subsidy, date=date
    )


def tco_options_no_subsidy(
    precision: str = "bf16", utilization: float | None = None, date: str | None = None
) -> TcoOptions:
    """As :func:`tco_options` for ``compare``, whose cases set the subsidy themselves."""
    return TcoOptions.parse(precision=precision, utilization=utilization, date=date)


TCO_OPTIONS = Depends(tco_options)


@endpoint("/tco", COMPUTE_FILES)
async def tco(
    request: Request,
    chip: Ids = Query(None, description="Accelerator ids (repeated or comma-separated)."),
    site: Ids = Query(None, description="Site ids (repeated or comma-separated)."),
    options: TcoOptions = TCO_OPTIONS,
    set_: Ids = Query(None, alias="set", description="NAME=VALUE or NAME=LOW,BASE,HIGH."),
    samples: int | None = None,
    seed: int = 0,
) -> Response:
    """Cost per accelerator-hour and per usable PFLOP-hour, for each chip × site."""
    cap_draws(samples, seed, request.app.state.settings.max_samples)
    return await answer(
        request, cc.tco, COMPUTE_FILES, chip=chip, site=site, options=options, set_=set_,
        samples=samples, seed=seed,
    )  # fmt: skip


@endpoint("/compare", COMPUTE_FILES)
async def compare(
    request: Request,
    options: TcoOptions = Depends(tco_options_no_subsidy),
    set_: Ids = Query(None, alias="set"),
    samples: int | None = None,
    seed: int = 0,
) -> Response:
    """The seed's central question: H20 / H100 / Ascend 910B / 910C per usable PFLOP-hour."""
    cap_draws(samples, seed, request.app.state.settings.max_samples)
    return await answer(
        request, cc.compare, COMPUTE_FILES, options=options, set_=set_, samples=samples,
        seed=seed,
    )  # fmt: skip


@endpoint("/breakeven", COMPUTE_FILES)
async def breakeven(
    request: Request,
    chip: str = Query(..., description="Chip A."),
    vs: str = Query(..., description="Chip B."),
    site: str = Query(...),
    param: str = Query(..., description="electricity-price, subsidy or chip-price."),
    options: TcoOptions = TCO_OPTIONS,
    set_: Ids = Query(None, alias="set"),
) -> Response:
    """The value of one input at which chip A and chip B cost the same per PFLOP-hour."""
    return await answer(
        request, cc.breakeven, COMPUTE_FILES, chip=chip, vs=vs, site=site, param=param,
        options=options, set_=set_,
    )  # fmt: skip


@endpoint("/sensitivity", COMPUTE_FILES)
async def sensitivity(
    request: Request,
    chip: str = Query(...),
    site: str = Query(...),
    options: TcoOptions = TCO_OPTIONS,
    set_: Ids = Query(None, alias="set"),
) -> Response:
    """Tornado: USD per usable PFLOP-hour with each uncertain input at its low and high."""
    return await answer(
        request, cc.sensitivity, COMPUTE_FILES, chip=chip, site=site, options=options,
        set_=set_,
    )  # fmt: skip


# ------------------------------------------------------------------ workloads


@endpoint("/infer", WORKLOAD_FILES)
async def infer(
    request: Request,
    model: Ids = Query(None),
    chip: Ids = Query(None),
    site: Ids = Query(None),
    precision: Ids = Query(None, description="Default bf16."),
    batch: Ids = Query(None, description="Default 1."),
    context: Ids = Query(None),
    chips: int | None = None,
    subsidy: str = "auto",
) -> Response:
    """Inference roofline: tokens/s per chip, chips to hold the model, USD and kWh per Mtok."""
    cap("chips", chips, 1, 1_000_000)
    return await answer(
        request, wk.infer, WORKLOAD_FILES, model=model, chip=chip, site=site,
        precision=precision, batch=batch, context=context, chips=chips, subsidy=subsidy,
    )  # fmt: skip


@endpoint("/train", WORKLOAD_FILES)
async def train(
    request: Request,
    model: str = Query(...),
    tokens: float = Query(..., description="Training tokens, e.g. 14.8e12."),
    chips: int = Query(..., description="Cluster size K."),
    chip: Ids = Query(None),
    site: Ids = Query(None),
    mfu: float | None = None,
    precision: str = "bf16",
    flops: float | None = None,
    attention: bool = False,
    subsidy: str = "auto",
) -> Response:
    """Training run: total FLOPs, chip-hours, energy (MWh), cost (USD), days on K chips."""
    return await answer(
        request, wk.train, WORKLOAD_FILES, model=model, tokens=tokens, chips=chips, chip=chip,
        site=site, mfu=mfu, precision=precision, flops=flops, attention=attention,
        subsidy=subsidy,
    )  # fmt: skip


@endpoint("/size", WORKLOAD_FILES)
async def size(
    request: Request,
    target: str = Query(..., description="tokens_per_s=1e6[,model=ID,…] or train=MODEL,…"),
    chip: Ids = Query(None),
    site: Ids = Query(None),
    model: str | None = None,
    subsidy: str = "auto",
) -> Response:
    """Cluster sizing: chips, facility MW, capex and yearly opex per chip × site."""
    return await answer(
        request, wk.size, WORKLOAD_FILES, target=target, chip=chip, site=site, model=model,
        subsidy=subsidy,
    )  # fmt: skip


@endpoint("/energy-gap", WORKLOAD_FILES)
async def energy_gap(
    request: Request,
    site: str = Query(...),
    model: str = "deepseek-v3",
    chip: Ids = Query(None, description="Default huawei-ascend-910b,huawei-ascend-910c."),
    reference: str = "nvidia-h20",
    precision: str = "bf16",
    batch: int = 64,
    context: int | None = None,
) -> Response:
    """Electricity per million tokens vs a reference chip, and the equalising subsidy."""
    return await answer(
        request, wk.energy_gap, WORKLOAD_FILES, site=site, model=model, chip=chip,
        reference=reference, precision=precision, batch=batch, context=context,
    )  # fmt: skip


# ------------------------------------------------------------------ controls


@endpoint("/classify", ("spec",))
async def classify(
    request: Request,
    chip: Ids = Query(None),
    all_: bool = Query(False, alias="all", description="Every chip in the catalog."),
    date: str | None = None,
    destination: str = "CN",
    transaction: str = "export",
    end_user_hq: str | None = Query(None, alias="end-user-hq"),
    timeline: bool = False,
) -> Response:
    """Is this chip controlled for this destination on this date, and why?"""
    return await answer(
        request, ctl.classify, ("spec",), chip=chip, all_=all_, date=date,
        destination=destination, transaction=transaction, end_user_hq=end_user_hq,
        timeline=timeline,
    )  # fmt: skip


@endpoint("/content", ("bom",))
async def content(
    request: Request,
    date: str | None = None,
    destination: str = "CN",
    product_value: float | None = Query(None, alias="product-value"),
) -> Response:
    """Controlled-content shares of a product (the BOM is the POST body's ``bom``)."""
    settings: Settings = request.app.state.settings
    body = await read_body(request, settings) if request.method == "POST" else {}
    if body.get("bom") is None:
        raise InputError("bom", None, 'a bill of materials in the POST body: {"bom": ...}')
    return await answer(
        request, ctl.content, ("bom",), date=date, destination=destination,
        product_value=product_value,
    )  # fmt: skip


@endpoint("/screen", ("file", "ownership", "parties"))
async def screen(
    request: Request,
    name: Ids = Query(None, description="Company names (repeated)."),
    date: str | None = None,
    threshold: float | None = None,
    min_score: float | None = Query(
        None, alias="min-score", description="Minimum name-match score 0-1 (default: measured)."
    ),
    limit: int = 3,
) -> Response:
    """Screen company names against restricted parties and their ≥50 % affiliates."""
    cap("limit", limit, 1, 100)
    if name is not None and len(name) > 1000:
        raise InputError("name", len(name), "at most 1000 names per request")
    return await answer(
        request, ctl.screen, ("file", "ownership", "parties"), names=name, date=date,
        threshold=threshold, min_score=min_score, limit=limit,
    )  # fmt: skip


@endpoint("/ownership", ("ownership", "parties"))
async def ownership(
    request: Request,
    entity: str = Query(..., description="Entity id, e.g. nexperia-bv."),
    date: str | None = None,
    threshold: float | None = None,
) -> Response:
    """Who owns an entity, through which paths, and its listed / affiliate status."""
    return await answer(
        request, ctl.ownership, ("ownership", "parties"), entity=entity, date=date,
        threshold=threshold,
    )  # fmt: skip


@endpoint("/tools/classify", ("spec",))
async def tools_classify(
    request: Request,
    tool: Ids = Query(None),
    date: str | None = None,
    destination: str = "CN",
    end_use: str | None = Query(None, alias="end-use"),
    timeline: bool = False,
) -> Response:
    """Is this tool controlled for this destination, date and end use, under each regime?"""
    return await answer(
        request, ctl.tools_classify, ("spec",), tool=tool, date=date, destination=destination,
        end_use=end_use, timeline=timeline,
    )  # fmt: skip


# ------------------------------------------------------------------ scenarios


def _scenario_arg(request: Request, name: str | None, kind: str, known: list[str]) -> Any:
    """GET: a built-in name; POST with a ``scenario`` body: that file (name ignored)."""
    if request.method == "POST":
        return None
    if name is None:
        raise InputError("scenario", None, "a built-in scenario: " + ", ".join(known))
    return builtin(kind, name, known)


async def _scenario_run(
    request: Request, command: Callable[..., Result], name: str | None, kind: str,
    known: list[str], **options: Any,
) -> Response:  # fmt: skip
    scenario = _scenario_arg(request, name, kind, known)
    key = "file" if command is runs.supply_run else "scenario"
    if scenario is None:  # POST: the body's scenario is the file

        def with_body(**kw: Any) -> Result:
            path = kw.pop("scenario", None)
            if path is None:
                raise InputError("body.scenario", None, "a scenario in the POST body")
            return command(**{key: path}, **kw)

        return await answer(request, with_body, ("scenario",), **options)
    return await answer(request, command, (), **{key: scenario}, **options)


@endpoint("/supply/run", ("scenario",))
async def supply_run(
    request: Request,
    scenario: str | None = Query(None, description="A built-in scenario, e.g. nexperia-2025."),
    samples: int = 1,
    seed: int = 0,
    days: int | None = None,
    daily: bool = False,
) -> Response:
    """Simulate a supply scenario: per plant stoppage, lost units, recovery; part prices."""
    settings: Settings = request.app.state.settings
    cap_draws(samples, seed, settings.max_supply_samples)
    cap("days", days, 1, settings.max_days)
    return await _scenario_run(
        request, runs.supply_run, scenario, "supply scenario", _supply_builtins(),
        samples=samples, seed=seed, days=days, daily=daily,
    )  # fmt: skip


@endpoint("/dynamics/run", ("scenario",))
async def dynamics_run(
    request: Request,
    scenario: str | None = Query(None, description="A built-in scenario, e.g. baseline."),
    samples: int = 1,
    seed: int = 0,
) -> Response:
    """Run a dynamics scenario: yearly shares, self-sufficiency, costs, energy, revenue."""
    cap_draws(samples, seed, request.app.state.settings.max_samples)
    return await _scenario_run(
        request, runs.dynamics_run, scenario, "dynamics scenario", _dynamics_builtins(),
        samples=samples, seed=seed,
    )  # fmt: skip


@endpoint("/dynamics/claims", ("scenario",))
async def dynamics_claims(
    request: Request,
    scenario: str = "baseline",
    samples: int = 2000,
    seed: int = 0,
) -> Response:
    """The seed's two forecasts beside the model's distribution for them."""
    cap_draws(samples, seed, request.app.state.settings.max_samples)
    return await _scenario_run(
        request, runs.dynamics_claims, scenario, "dynamics scenario", _dynamics_builtins(),
        samples=samples, seed=seed,
    )  # fmt: skip


@endpoint("/claims")
async def claims(
    request: Request,
    id_: Ids = Query(None, alias="id", description="Only these claim ids."),
    flip: bool = True,
) -> Response:
    """Every quantitative claim in the seed articles, checked against the models and data."""
    from chipwar.commands import split_ids

    return await answer(request, cached_claims, (), claim_id=split_ids(id_) or None, flip=flip)


def cached_claims(*, claim_id: list[str] | None = None, flip: bool = True) -> Result:
    """``runs.claims`` computed once per day and claim-id list: the evaluation reads only the
    shipped data, so it is pure for a given date, and its flip search takes seconds."""
    import copy

    doc = _claims_document(tuple(claim_id or ()), flip, dt.date.today())
    return Result(copy.deepcopy(doc))


@once(maxsize=32)
def _claims_document(claim_id: tuple[str, ...], flip: bool, today: dt.date) -> Any:
    return runs.claims(claim_id=list(claim_id) or None, flip=flip).document()
