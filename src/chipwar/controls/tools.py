"""Classify semiconductor manufacturing equipment under each regime's rules on a date.

One row per tool × regime (``us``, ``nl``, ``eu``, ``jp``): the regimes are evaluated side by
side and never merged; ``license_required_any`` is a separate column (Kleene OR over them).
Vectorised over tools: every test runs on whole NumPy columns with three-valued logic carried as
two boolean arrays (known true, known false), so a missing parameter gives ``None``, never a guess.

* A tool is in an entry if its ``kind`` is one the entry lists, or — for parameter entries, which
  apply to lithography scanners only — if every condition holds. Conditions test
  ``wavelength_nm``, ``numerical_aperture``, ``dedicated_chuck_overlay_nm`` and
  ``mrf_nm = wavelength_nm × K / numerical_aperture`` with the entry's own K (0.35 in the
  multilateral 3B001.f.1.b; 0.25 with the maximum NA in EU 3B501.f.1.b and the Dutch list;
  source ``eu-annex-i-2025-11-15``).
* A requirement in force for the destination triggers when: the tool is in one of its entries
  (or ``all_items``) AND its origin fits (``domestic`` = made where the regime exports from,
  ``foreign`` = made elsewhere) AND the end use fits (``advanced-node`` needs
  ``--end-use advanced-node``; unknown end use gives unknown) AND the tool is not carved out
  (``listed-by-export-country``: the maker's country lists the tool itself — NL: nl or eu list,
  JP: jp list; source ``ecfr-734-4-a-3-2026``).
* ``license_required`` = OR over the requirements (licences assumed not granted). A date before a
  regime's first modelled version gives False where the regime had no such rule (``nl`` before
  1 Sep 2023) and None where earlier rules exist but are not modelled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from chipwar.catalog.tools import MRF_DECIMALS, Tool, get_tool, mrf_nm, tool_frame
from chipwar.catalog.types import parse_date
from chipwar.controls.rules import NEGATION, SYMBOL
from chipwar.controls.tool_rules import (
    REGIMES,
    EndUse,
    Entry,
    ParamCondition,
    ResolvedToolVersion,
    ToolRequirement,
    ToolRuleBook,
    load_tool_rules,
    parse_end_use,
)

COLUMNS = [
    "tool", "date", "destination", "end_use", "regime", "rule_version", "entry",
    "license_required", "license_policy", "reasons", "license_required_any",
    "rules_reviewed_through", "stale",
]  # fmt: skip
NOT_LISTED = "not listed"
UNDETERMINED = "undetermined"
_OPS = {">=": np.greater_equal, ">": np.greater, "<": np.less, "<=": np.less_equal}

TF = tuple[np.ndarray, np.ndarray]
"""Three-valued state as (known true, known false) boolean arrays; neither = unknown."""


def _true(n: int) -> TF:
    return np.ones(n, dtype=bool), np.zeros(n, dtype=bool)


def _false(n: int) -> TF:
    return np.zeros(n, dtype=bool), np.ones(n, dtype=bool)


def _and(states: Sequence[TF], n: int) -> TF:
    t, f = _true(n)
    for a, b in states:
        t, f = t & a, f | b
    return t, f


def _or(states: Sequence[TF], n: int) -> TF:
    t, f = _false(n)
    for a, b in states:
        t, f = t | a, f & b
    return t, f


def _not(s: TF) -> TF:
    return s[1], s[0]


def _value(s: TF) -> np.ndarray:
    """Object array of True / False / None."""
    out = np.full(len(s[0]), None, dtype=object)
    out[s[0]] = True
    out[s[1]] = False
    return out


@dataclass(frozen=True)
class Query:
    """What is asked: a destination (ISO code), a date and the end use (None = unknown)."""

    destination: str
    date: dt.date
    end_use: EndUse | None


@dataclass
class Specs:
    """The engine's input columns (n tools)."""

    tool: np.ndarray
    kind: np.ndarray
    scanner: np.ndarray  # bool: category == lithography (parameter entries apply)
    origin: np.ndarray  # object: ISO code or None
    params: dict[str, np.ndarray]  # float, NaN = unknown

    @classmethod
    def of(cls, frame: pd.DataFrame) -> Specs:
        n = len(frame)

        def col(name: str, default: object) -> np.ndarray:
            return frame[name].to_numpy(dtype=object) if name in frame else np.full(n, default)

        params = {
            p: pd.to_numeric(frame[p], errors="coerce").to_numpy(dtype=float)
            if p in frame
            else np.full(n, np.nan)
            for p in ("wavelength_nm", "numerical_aperture", "dedicated_chuck_overlay_nm")
        }
        origin = col("vendor_country", None).copy()
        origin[pd.isna(origin)] = None
        tool = col("tool", None) if "tool" in frame else np.arange(n).astype(object)
        return cls(tool, col("kind", ""), col("category", "") == "lithography", origin, params)

    def __len__(self) -> int:
        return len(self.tool)


def _condition(specs: Specs, c: ParamCondition) -> TF:
    if c.param == "mrf_nm":
        assert c.k_factor is not None
        values = mrf_nm(
            specs.params["wavelength_nm"], specs.params["numerical_aperture"], c.k_factor
        )
    else:
        values = specs.params[c.param]
    hit = _OPS[c.op](values, c.value)  # NaN compares False
    return hit, ~np.isnan(values) & ~hit


def _entry(specs: Specs, e: Entry) -> TF:
    if e.kinds:
        hit = np.isin(specs.kind, e.kinds)
        if e.scope == "undetermined":  # may or may not cover these kinds: unknown
            return np.zeros(len(specs), dtype=bool), ~hit
        return hit, ~hit
    t, f = _and([_condition(specs, c) for c in e.all_of], len(specs))
    return t & specs.scanner, f | ~specs.scanner


@dataclass
class RegimeDecision:
    """Arrays from one regime's evaluation (n tools)."""

    regime: str
    version: ResolvedToolVersion | None
    entries: list[TF]
    listed: TF
    requirements: list[ToolRequirement]
    parts: list[dict[str, TF]]  # per requirement: entry, origin, end_use, only, carve
    trigger: list[TF]
    required: TF


def _listed(specs: Specs, version: ResolvedToolVersion | None) -> tuple[list[TF], TF]:
    n = len(specs)
    if version is None:
        return [], _false(n)
    entries = [_entry(specs, e) for e in version.entries]
    return entries, _or(entries, n)


def _carved_out(specs: Specs, book: ToolRuleBook, listed: dict[str, TF]) -> TF:
    """Known true where the maker's country lists the tool on its own export-control list."""
    n = len(specs)
    t, f = _false(n)
    f = f & ~pd.isna(specs.origin)
    for country, regimes in book.info.export_lists.items():
        mask = specs.origin == country
        if mask.any():
            ct, cf = _or([listed[r] for r in regimes], n)
            t = np.where(mask, ct, t)
            f = np.where(mask, cf, f)
    return t, f


def _origin(specs: Specs, book: ToolRuleBook, regime: str, which: str) -> TF:
    n = len(specs)
    if which == "any":
        return _true(n)
    known = ~pd.isna(specs.origin)
    inside = np.isin(specs.origin, sorted(book.exporters(regime)))
    domestic = (inside, known & ~inside)
    return domestic if which == "domestic" else _not(domestic)


def _end_use(query: Query, which: str, n: int) -> TF:
    if which == "any" or query.end_use == "advanced-node":
        return _true(n)
    if query.end_use == "other":
        return _false(n)
    return np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)


def active_requirements(
    version: ResolvedToolVersion, book: ToolRuleBook, destination: str, date: dt.date
) -> list[ToolRequirement]:
    """Requirements of ``version`` that cover ``destination`` on ``date``."""
    return [
        r
        for r in version.requirements
        if book.matches(r, destination)
        and (r.valid_from is None or r.valid_from <= date)
        and (r.valid_until is None or date <= r.valid_until)
    ]


def decide(
    specs: Specs,
    query: Query,
    book: ToolRuleBook,
    versions: dict[str, ResolvedToolVersion | None] | None = None,
) -> dict[str, RegimeDecision]:
    """Vectorised core: every regime for every tool. ``versions`` overrides the version in force
    per regime (used to compare versions on the same tools)."""
    n = len(specs)
    chosen: dict[str, ResolvedToolVersion | None] = {
        r: book.in_force(r, query.date) for r in REGIMES
    }
    chosen.update(versions or {})
    lists = {r: _listed(specs, chosen[r]) for r in REGIMES}
    listed: dict[str, TF] = {r: lists[r][1] for r in REGIMES}
    carved = _carved_out(specs, book, listed)
    out: dict[str, RegimeDecision] = {}
    for regime in REGIMES:
        version = chosen[regime]
        entries, any_listed = lists[regime]
        reqs = active_requirements(version, book, query.destination, query.date) if version else []
        parts, triggers = [], []
        for r in reqs:
            if r.all_items:
                in_entry = _true(n)
            else:
                in_entry = _or([entries[version.entry_index(e)] for e in r.entries], n)  # type: ignore[union-attr]
            only = np.isin(specs.tool, r.only_tools) if r.only_tools else np.ones(n, dtype=bool)
            part = {
                "entry": in_entry,
                "origin": _origin(specs, book, regime, r.origin),
                "end_use": _end_use(query, r.end_use, n),
                "only": (only, ~only),
                "carve": _not(carved) if r.carve_out != "none" else _true(n),
            }
            parts.append(part)
            triggers.append(_and(list(part.values()), n))
        if version is None:
            none = book.info.regimes[regime].before_first == "none"
            required = _false(n) if none else (np.zeros(n, bool), np.zeros(n, bool))
        else:
            required = _or(triggers, n)
        out[regime] = RegimeDecision(
            regime, version, entries, any_listed, reqs, parts, triggers, required
        )
    return out


# ------------------------------------------------------------------ reasons


def _num(v: float) -> str:
    return f"{v:.6g}"


def _cond_value(specs: Specs, j: int, c: ParamCondition) -> float:
    """The tested value for row ``j`` (NaN = unknown)."""
    if c.param == "mrf_nm":
        assert c.k_factor is not None
        lam, na = specs.params["wavelength_nm"][j], specs.params["numerical_aperture"][j]
        return round(float(lam) * c.k_factor / float(na), MRF_DECIMALS)  # NaN stays NaN
    return float(specs.params[c.param][j])


def _cond_text(specs: Specs, j: int, c: ParamCondition) -> str:
    v = _cond_value(specs, j, c)
    if np.isnan(v):
        need = "wavelength_nm and numerical_aperture" if c.param == "mrf_nm" else c.param
        return f"{c.label} unknown: needs {need}"
    shown = _num(v)
    if c.param == "mrf_nm":
        lam, na = specs.params["wavelength_nm"][j], specs.params["numerical_aperture"][j]
        shown = f"{_num(lam)} × {c.k_factor:g} / {_num(na)} = {shown}"
    holds = bool(_OPS[c.op](v, c.value))
    sym = SYMBOL[c.op] if holds else NEGATION[c.op]
    return f"{c.label} {shown} {sym} {c.value:g}"


def _entry_reasons(specs: Specs, j: int, d: RegimeDecision) -> list[str]:
    assert d.version is not None
    lines = []
    kind = specs.kind[j]
    for e, (t, _f) in zip(d.version.entries, d.entries, strict=True):
        if e.kinds:
            if t[j]:
                lines.append(f"{e.id}: lists tool kind '{kind}' [{e.cite}]")
            elif e.scope == "undetermined" and kind in e.kinds:
                lines.append(f"{e.id}: undetermined for tool kind '{kind}': {e.note} [{e.cite}]")
            continue
        if not specs.scanner[j]:
            continue
        if t[j]:
            lines.append(
                f"{e.id}: " + "; ".join(_cond_text(specs, j, c) for c in e.all_of) + f" [{e.cite}]"
            )
            continue
        for c in e.all_of:  # the first test that fails or is unknown
            v = _cond_value(specs, j, c)
            if np.isnan(v) or not _OPS[c.op](v, c.value):
                lines.append(f"{e.id}: {_cond_text(specs, j, c)}")
                break
    return lines


def _requirement_reasons(
    specs: Specs, j: int, d: RegimeDecision, book: ToolRuleBook, query: Query
) -> list[str]:
    lines = []
    dest = query.destination
    for r, part, (t, f) in zip(d.requirements, d.parts, d.trigger, strict=True):
        if part["entry"][1][j] or part["only"][1][j]:
            continue  # the tool is not in this requirement's entries
        policy = book.policy(r, dest)
        if t[j]:
            lines.append(f"{r.id}: licence needed to {dest} ({policy}) [{r.cite}]")
        elif not f[j]:
            why = []
            if not (part["entry"][0][j] or part["entry"][1][j]):
                why.append("whether the tool is in its entries is undetermined (see above)")
            if not (part["origin"][0][j] or part["origin"][1][j]):
                why.append("the tool's origin (vendor_country) is unknown")
            if not (part["end_use"][0][j] or part["end_use"][1][j]):
                why.append("the end use is unknown (give --end-use advanced-node|other)")
            if not (part["carve"][0][j] or part["carve"][1][j]):
                why.append("whether the maker's country lists it is unknown")
            lines.append(f"{r.id}: undetermined: {'; '.join(why)} [{r.cite}]")
        elif part["origin"][1][j]:
            what = "US-origin" if r.origin == "domestic" else "foreign-made"
            lines.append(f"{r.id}: applies to {what} tools only (made in {specs.origin[j]})")
        elif part["end_use"][1][j]:
            lines.append(f"{r.id}: applies only to advanced-node fabs (end use: other)")
        elif part["carve"][1][j]:
            lists = book.info.export_lists.get(str(specs.origin[j]), [])
            lines.append(
                f"{r.id}: not required: first exported from {specs.origin[j]}, whose own list "
                f"({'/'.join(lists)}) controls it [{r.cite}]"
            )
    return lines


def _row_reasons(
    specs: Specs, j: int, d: RegimeDecision, book: ToolRuleBook, query: Query
) -> list[str]:
    info = book.info.regimes[d.regime]  # type: ignore[index]
    if d.version is None:
        first = book.versions[d.regime][0]
        if info.before_first == "none":
            return [f"{d.regime}: no such rule before {first.effective} ({first.id})"]
        return [f"{d.regime}: rules before {first.effective} ({first.id}) are not modelled"]
    v = d.version
    lines = [f"{v.id}: {v.meta.citation}, in force from {v.effective}"]
    lines += _entry_reasons(specs, j, d)
    lines += _requirement_reasons(specs, j, d, book, query)
    if d.required[1][j] and not any(t[j] for t, _ in d.trigger):
        if not d.listed[0][j]:
            lines.append(f"{v.id}: the tool is in no entry of this version")
        lines.append(f"{v.id}: no licence requirement to {query.destination} for this tool")
    home = book.exporters(d.regime)
    origin = specs.origin[j]
    if d.regime != "us" and origin is not None and origin not in home:
        lines.append(f"made in {origin}: this row is for an export from {', '.join(sorted(home))}")
    if d.regime == "us" and query.destination in book.members("group:D:5") | {"MO"}:
        lines.append(book.info.screening_note.strip())
    return lines


# ------------------------------------------------------------------ public API


def classify_frame(
    frame: pd.DataFrame,
    destination: str,
    date: dt.date | str | None = None,
    end_use: str | None = None,
    *,
    reasons: bool = True,
    book: ToolRuleBook | None = None,
    versions: dict[str, ResolvedToolVersion | None] | None = None,
) -> pd.DataFrame:
    """Classify rows of a tool frame (``chipwar.catalog.tools.tool_frame`` columns) for a
    destination, date and end use; one row per tool × regime in ``COLUMNS`` order (tool-major).

    ``reasons=False`` skips the per-row text (the vectorised path the benchmark times).
    """
    book = book or load_tool_rules()
    query = Query(book.destination(destination), parse_date(date), parse_end_use(end_use))
    specs = Specs.of(frame)
    n = len(specs)
    decisions = decide(specs, query, book, versions)
    any_required = _value(_or([decisions[r].required for r in REGIMES], n))
    stale = query.date > book.rules_reviewed_through
    k = len(REGIMES)
    cols: dict[str, np.ndarray] = {
        "entry": np.empty((n, k), dtype=object),
        "license_required": np.empty((n, k), dtype=object),
        "license_policy": np.empty((n, k), dtype=object),
    }
    for i, regime in enumerate(REGIMES):
        d = decisions[regime]
        cols["entry"][:, i] = _entries(d, n)
        cols["license_required"][:, i] = _value(d.required)
        cols["license_policy"][:, i] = _policies(d, book, query.destination, n)
    versions_used = [decisions[r].version for r in REGIMES]
    data = {
        "tool": np.repeat(specs.tool, k),
        "date": _constant(query.date, n * k),
        "destination": _constant(query.destination, n * k),
        "end_use": _constant(query.end_use, n * k),
        "regime": np.tile(np.array(REGIMES, dtype=object), n),
        "rule_version": np.tile(
            np.array([v.id if v else None for v in versions_used], dtype=object), n
        ),
        "entry": cols["entry"].ravel(),
        "license_required": cols["license_required"].ravel(),
        "license_policy": cols["license_policy"].ravel(),
        "license_required_any": np.repeat(any_required, k),
        "rules_reviewed_through": _constant(book.rules_reviewed_through, n * k),
        "stale": _constant(stale, n * k),
    }
    out = pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in data.items()})
    if not reasons:
        return out
    out["reasons"] = [
        _row_reasons(specs, j, decisions[regime], book, query)
        for j in range(n)
        for regime in REGIMES
    ]
    return out[COLUMNS]


def _constant(value: object, size: int) -> np.ndarray:
    out = np.empty(size, dtype=object)
    out[:] = [value] if size else []
    return out


def _joined(hits: list[np.ndarray], labels: list[str], n: int) -> tuple[np.ndarray, np.ndarray]:
    """'; '-joined labels of the hits per row, built once per distinct combination (a bitmask),
    so the cost does not grow with string work per row. Returns (text, any hit)."""
    code = np.zeros(n, dtype=np.int64)
    for i, hit in enumerate(hits):
        code |= hit.astype(np.int64) << i
    distinct, inverse = np.unique(code, return_inverse=True)
    texts = np.array(
        ["; ".join(lab for i, lab in enumerate(labels) if c >> i & 1) for c in distinct],
        dtype=object,
    )
    return texts[inverse], code != 0


def _entries(d: RegimeDecision, n: int) -> np.ndarray:
    """The entries a tool is known to be in ('; '-joined), NOT_LISTED or UNDETERMINED."""
    if d.version is None:
        return np.full(n, None, dtype=object)
    text, _ = _joined([t for t, _ in d.entries], [e.id for e in d.version.entries], n)
    unknown = ~(d.listed[0] | d.listed[1])
    return np.where(d.listed[0], text, np.where(unknown, UNDETERMINED, NOT_LISTED))


def _policies(d: RegimeDecision, book: ToolRuleBook, destination: str, n: int) -> np.ndarray:
    """The policies of the triggered requirements ('; '-joined, each once), None if none."""
    by_text: dict[str, np.ndarray] = {}
    for r, (t, _) in zip(d.requirements, d.trigger, strict=True):
        policy = book.policy(r, destination)
        by_text[policy] = by_text.get(policy, np.zeros(n, dtype=bool)) | t
    joined, hit = _joined(list(by_text.values()), list(by_text), n)
    return np.where(hit, joined, np.array(None, dtype=object))


def _resolve_tools(tools: Sequence[str | Tool]) -> list[Tool]:
    return [t if isinstance(t, Tool) else get_tool(t) for t in tools]


def classify_tools(
    tools: Sequence[str | Tool] | str,
    destination: str,
    date: dt.date | str | None = None,
    end_use: str | None = None,
) -> pd.DataFrame:
    """Classify catalog ids or Tool specs: one row per tool × regime (``COLUMNS``).

    A tool can be shipped to the destination on that date under a regime iff its
    ``license_required`` is False there (licences assumed not granted); None = undetermined.
    """
    resolved = _resolve_tools([tools] if isinstance(tools, str) else tools)
    return classify_frame(tool_frame(resolved), destination, date, end_use)


def change_dates(book: ToolRuleBook | None = None) -> list[dt.date]:
    """Every date on which some regime's equipment answer can change."""
    book = book or load_tool_rules()
    dates: set[dt.date] = set()
    for vs in book.versions.values():
        for v in vs:
            dates.add(v.effective)
            for r in v.requirements:
                if r.valid_from:
                    dates.add(r.valid_from)
                if r.valid_until:
                    dates.add(r.valid_until + dt.timedelta(days=1))
    return sorted(dates)


def status(required: object) -> str:
    """``licence required`` / ``no licence required`` / ``undetermined``."""
    if required is None:
        return UNDETERMINED
    return "licence required" if required else "no licence required"


def timeline(
    tool: str | Tool, destination: str = "CN", end_use: str | None = None
) -> list[dict[str, object]]:
    """For each regime, the dates on which its answer for the tool changed (entry, licence or
    policy), in date order: ``date, regime, status, rule_version, entry, license_policy, reasons``.
    The first entry per regime is its answer on the first modelled date."""
    book = load_tool_rules()
    frame = tool_frame(_resolve_tools([tool]))
    out: list[dict[str, object]] = []
    prev: dict[str, tuple[object, ...]] = {}
    for day in change_dates(book):
        rows = classify_frame(frame, destination, day, end_use, book=book)
        for row in rows.to_dict(orient="records"):
            key = tuple(
                None if pd.isna(row[k]) else row[k]
                for k in ("entry", "license_required", "license_policy")
            )
            if prev.get(row["regime"]) != key:
                out.append(
                    {
                        "date": day,
                        "regime": row["regime"],
                        "status": status(row["license_required"]),
                        "rule_version": row["rule_version"],
                        "entry": row["entry"],
                        "license_required": row["license_required"],
                        "license_policy": row["license_policy"],
                        "reasons": row["reasons"],
                    }
                )
                prev[row["regime"]] = key
    return out


def classify_reference(
    tool: Tool, destination: str, date: dt.date, end_use: str | None, book: ToolRuleBook
) -> dict[str, bool | None]:
    """Straightforward per-tool reference (no NumPy) for tests and the benchmark: regime ->
    licence required (None = undetermined)."""

    def kleene_and(xs: list[bool | None]) -> bool | None:
        return False if False in xs else (None if None in xs else True)

    def kleene_or(xs: list[bool | None]) -> bool | None:
        return True if True in xs else (None if None in xs else False)

    def holds(c: ParamCondition) -> bool | None:
        v = tool.mrf_nm(c.k_factor or 0.0) if c.param == "mrf_nm" else getattr(tool, c.param)
        if v is None:
            return None
        return {">=": v >= c.value, ">": v > c.value, "<": v < c.value, "<=": v <= c.value}[c.op]

    def in_entry(e: Entry) -> bool | None:
        if e.kinds:
            if e.scope == "undetermined":
                return None if tool.kind in e.kinds else False
            return tool.kind in e.kinds
        if tool.category != "lithography":
            return False
        return kleene_and([holds(c) for c in e.all_of])

    def listed(regime: str) -> bool | None:
        v = book.in_force(regime, date)
        return False if v is None else kleene_or([in_entry(e) for e in v.entries])

    dest = book.destination(destination)
    use = parse_end_use(end_use)
    out: dict[str, bool | None] = {}
    for regime in REGIMES:
        v = book.in_force(regime, date)
        if v is None:
            none = book.info.regimes[regime].before_first == "none"
            out[regime] = False if none else None
            continue
        home = book.exporters(regime)
        states: list[bool | None] = []
        for r in active_requirements(v, book, dest, date):
            if r.only_tools and tool.id not in r.only_tools:
                states.append(False)
                continue
            entry = (
                True
                if r.all_items
                else kleene_or([in_entry(v.entries[v.entry_index(e)]) for e in r.entries])
            )
            origin: bool | None = True
            if r.origin != "any":
                origin = (
                    None
                    if tool.vendor_country is None
                    else (tool.vendor_country in home) == (r.origin == "domestic")
                )
            use_ok: bool | None = True
            if r.end_use == "advanced-node":
                use_ok = None if use is None else use == "advanced-node"
            carve: bool | None = False
            if r.carve_out != "none":
                if tool.vendor_country is None:
                    carve = None
                else:
                    lists = book.info.export_lists.get(tool.vendor_country, [])
                    carve = kleene_or([listed(x) for x in lists])
            not_carved = None if carve is None else not carve
            states.append(kleene_and([entry, origin, use_ok, not_carved]))
        out[regime] = kleene_or(states)
    return out
