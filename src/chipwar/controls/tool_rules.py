"""Equipment-control rules kept as dated data (``data/rules/equipment/*.yaml``): schema, loader
and data checker.

Each file is one version of one regime's equipment rules (``kind: tool-rules``; regimes ``us``,
``nl``, ``eu``, ``jp``), plus one ``kind: tool-regimes`` file with what the regimes share (who
exports under each, groups, which lists count as a country's own, ``rules_reviewed_through``).
A version may ``extends:`` an earlier one of the same regime and add or remove entries and
requirements, so each file states only what its instrument changed. Thresholds and K factors live
only here. Destination codes and the EAR groups (``group:D:5``) come from
``data/rules/country-groups.yaml`` (``chipwar.controls.rules``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from chipwar.catalog.io import read_kinded_files
from chipwar.catalog.sources import Source, check_source_ids
from chipwar.catalog.tools import KINDS
from chipwar.catalog.types import Slug, SourceIds, Strict
from chipwar.controls.rules import RULES_DIR, SYMBOL, Op, RuleBook, load_rules
from chipwar.errors import DataError, InputError, UnknownIdError

TOOL_RULES_DIR = RULES_DIR / "equipment"
Regime = Literal["us", "nl", "eu", "jp"]
REGIMES: tuple[Regime, ...] = ("us", "nl", "eu", "jp")
EndUse = Literal["advanced-node", "other"]
END_USES: tuple[str, ...] = ("advanced-node", "other")
PARAM_LABEL = {
    "wavelength_nm": "wavelength [nm]",
    "numerical_aperture": "NA",
    "dedicated_chuck_overlay_nm": "dedicated chuck overlay [nm]",
    "mrf_nm": "MRF [nm]",
}


class ParamCondition(Strict):
    """``param op value``; ``mrf_nm`` takes the regime's ``k_factor`` (MRF = λ × K / NA)."""

    param: Literal["wavelength_nm", "numerical_aperture", "dedicated_chuck_overlay_nm", "mrf_nm"]
    op: Op
    value: float
    k_factor: float | None = Field(default=None, gt=0, lt=1)

    @model_validator(mode="after")
    def _k_for_mrf(self) -> ParamCondition:
        if (self.param == "mrf_nm") != (self.k_factor is not None):
            raise ValueError("k_factor is required for mrf_nm and allowed only there")
        return self

    @property
    def label(self) -> str:
        base = PARAM_LABEL[self.param]
        return f"{base[:-5]} (K = {self.k_factor:g}) [nm]" if self.k_factor else base

    def text(self) -> str:
        return f"{self.label} {SYMBOL[self.op]} {self.value:g}"


class Entry(Strict):
    """A control-list entry: a tool is in it if its kind is listed or all conditions hold.

    ``scope: undetermined`` marks an entry known to exist (instrument, date) whose parameter
    text is not in the sources: a tool of one of its ``kinds`` may or may not be in it, so its
    membership is unknown (None), never a guess; ``note`` says why.
    """

    id: str
    kinds: list[str] = []
    all_of: list[ParamCondition] = []
    scope: Literal["known", "undetermined"] = "known"
    cite: str
    note: str = ""

    @model_validator(mode="after")
    def _one_test(self) -> Entry:
        if bool(self.kinds) == bool(self.all_of):
            raise ValueError("give either kinds or all_of")
        if self.scope == "undetermined" and (not self.kinds or not self.note):
            raise ValueError("scope: undetermined needs kinds and a note saying why")
        unknown = [k for k in self.kinds if k not in KINDS]
        if unknown:
            raise ValueError(f"unknown kind(s) {unknown}; allowed: {', '.join(KINDS)}")
        return self


class AltPolicy(Strict):
    destinations: list[str] = Field(min_length=1)
    policy: str


class ToolRequirement(Strict):
    """A licence requirement: tools in one of ``entries`` (or every item, ``all_items``) of the
    given origin, to ``destinations`` minus ``except_destinations``, for an end use."""

    id: str
    entries: list[str] = []
    all_items: bool = False
    only_tools: list[str] = []
    origin: Literal["any", "domestic", "foreign"] = "any"
    end_use: Literal["any", "advanced-node"] = "any"
    destinations: list[str] = Field(min_length=1)
    except_destinations: list[str] = []
    carve_out: Literal["none", "listed-by-export-country"] = "none"
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    policy: str
    alt_policies: list[AltPolicy] = []
    cite: str
    source: SourceIds
    note: str = ""

    @model_validator(mode="after")
    def _what(self) -> ToolRequirement:
        if bool(self.entries) == self.all_items:
            raise ValueError("give either entries or all_items: true")
        return self


class ToolRuleVersion(Strict):
    """One dated version of one regime's equipment rules."""

    id: Slug
    kind: Literal["tool-rules"]
    regime: Regime
    title: str
    citation: str
    announced: dt.date | None = None
    published: dt.date | None = None
    effective: dt.date
    compliance: dt.date | None = None
    extends: str | None = None
    summary: str
    entries: list[Entry] | None = None
    add_entries: list[Entry] = []
    remove_entries: list[str] = []
    requirements: list[ToolRequirement] | None = None
    add_requirements: list[ToolRequirement] = []
    remove_requirements: list[str] = []
    source: SourceIds
    notes: str = ""


class RegimeInfo(Strict):
    name: str
    exports_from: list[str] = Field(min_length=1)
    before_first: Literal["none", "unknown"]
    note: str = ""


class Group(Strict):
    members: list[str]
    source: SourceIds
    note: str = ""


class ToolRegimes(Strict):
    """What the regimes share (the ``kind: tool-regimes`` file)."""

    id: Slug
    kind: Literal["tool-regimes"]
    rules_reviewed_through: dt.date
    regimes: dict[Regime, RegimeInfo]
    groups: dict[str, Group]
    export_lists: dict[str, list[Regime]]
    advanced_node: str
    screening_note: str
    source: SourceIds


@dataclass(frozen=True)
class ResolvedToolVersion:
    """A version with ``extends`` applied: its full entries and requirements."""

    meta: ToolRuleVersion
    entries: tuple[Entry, ...]
    requirements: tuple[ToolRequirement, ...]

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def regime(self) -> Regime:
        return self.meta.regime

    @property
    def effective(self) -> dt.date:
        return self.meta.effective

    def entry_index(self, entry_id: str) -> int:
        return [e.id for e in self.entries].index(entry_id)


@dataclass(frozen=True)
class ToolRuleBook:
    """Every equipment rule version by regime (effective-date order) and the shared table."""

    versions: dict[str, tuple[ResolvedToolVersion, ...]]
    info: ToolRegimes
    chip_rules: RuleBook

    @property
    def rules_reviewed_through(self) -> dt.date:
        return self.info.rules_reviewed_through

    def version(self, version_id: str) -> ResolvedToolVersion:
        for vs in self.versions.values():
            for v in vs:
                if v.id == version_id:
                    return v
        known = [v.id for vs in self.versions.values() for v in vs]
        raise UnknownIdError("equipment rule version", version_id, known)

    def in_force(self, regime: str, date: dt.date) -> ResolvedToolVersion | None:
        """The latest version of ``regime`` in effect on ``date`` (None before the first)."""
        current = [v for v in self.versions[regime] if v.effective <= date]
        return current[-1] if current else None

    def destination(self, code: str) -> str:
        return self.chip_rules.destination(code)

    def members(self, spec: str) -> frozenset[str]:
        """Expand ``*``, ``group:NAME`` (equipment groups first, then the EAR groups) or a code."""
        if spec.startswith("group:") and spec.removeprefix("group:") in self.info.groups:
            out: set[str] = set()
            for m in self.info.groups[spec.removeprefix("group:")].members:
                out |= self.members(m)
            return frozenset(out)
        return self.chip_rules.members(spec)

    def matches(self, r: ToolRequirement, code: str) -> bool:
        """Whether requirement ``r`` names destination ``code`` (and does not except it)."""
        hit = any(code in self.members(d) for d in r.destinations)
        return hit and not any(code in self.members(d) for d in r.except_destinations)

    def policy(self, r: ToolRequirement, code: str) -> str:
        for alt in r.alt_policies:
            if any(code in self.members(d) for d in alt.destinations):
                return alt.policy
        return r.policy

    def exporters(self, regime: str) -> frozenset[str]:
        out: set[str] = set()
        for spec in self.info.regimes[regime].exports_from:  # type: ignore[index]
            out |= self.members(spec)
        return frozenset(out)


def k_factors(book: ToolRuleBook) -> list[float]:
    """Every K factor an MRF condition uses, largest first (0.35 multilateral, 0.25 EU/Dutch)."""
    ks = {
        c.k_factor
        for vs in book.versions.values()
        for v in vs
        for e in v.entries
        for c in e.all_of
        if c.k_factor is not None
    }
    return sorted(ks, reverse=True)


def parse_end_use(value: str | None) -> EndUse | None:
    """``advanced-node`` | ``other`` | None (unknown); anything else raises InputError."""
    if value is None:
        return None
    v = value.strip().lower()
    if v not in END_USES:
        raise InputError("end_use", value, "advanced-node or other (or leave it out: unknown)")
    return v  # type: ignore[return-value]


def read_tool_rules(directory: str | Path | None = None) -> ToolRuleBook:
    """Read and validate every equipment rule file; resolve ``extends`` chains."""
    directory = TOOL_RULES_DIR if directory is None else Path(directory)
    raw_versions: dict[str, ToolRuleVersion] = {}
    info: ToolRegimes | None = None
    kinds: dict[str, type[Strict]] = {"tool-rules": ToolRuleVersion, "tool-regimes": ToolRegimes}
    items, problems = read_kinded_files(directory, kinds, id_is_file_name=("tool-rules",))
    for _, item in items:
        if isinstance(item, ToolRuleVersion):
            raw_versions[item.id] = item
        elif isinstance(item, ToolRegimes):
            info = item
    if info is None:
        problems.append(f"{directory}: no tool-regimes file")
    if problems:
        raise DataError("\n".join(problems))
    assert info is not None
    by_regime: dict[str, list[ResolvedToolVersion]] = {r: [] for r in REGIMES}
    for vid in raw_versions:
        resolved = _resolve(raw_versions, vid, ())
        by_regime[resolved.regime].append(resolved)
    for r, vs in by_regime.items():
        if not vs:
            raise DataError(f"{directory}: no rule version for regime {r!r}")
        vs.sort(key=lambda v: (v.effective, v.id))
    versions = {r: tuple(vs) for r, vs in by_regime.items()}
    return ToolRuleBook(versions, info, load_rules())


def _resolve(
    raw: dict[str, ToolRuleVersion], vid: str, seen: tuple[str, ...]
) -> ResolvedToolVersion:
    v = raw[vid]
    if vid in seen:
        raise DataError(f"equipment rules: extends cycle {' -> '.join((*seen, vid))}")
    entries: list[Entry] = []
    reqs: list[ToolRequirement] = []
    if v.extends is not None:
        if v.extends not in raw:
            raise DataError(f"{vid}: extends unknown version {v.extends!r}")
        parent = raw[v.extends]
        if parent.regime != v.regime or parent.effective > v.effective:
            raise DataError(f"{vid}: extends {v.extends}, of another regime or a later date")
        base = _resolve(raw, v.extends, (*seen, vid))
        entries, reqs = list(base.entries), list(base.requirements)
    if v.entries is not None:
        entries = list(v.entries)
    if v.requirements is not None:
        reqs = list(v.requirements)
    for what, current, removed in (
        ("remove_entries", [e.id for e in entries], v.remove_entries),
        ("remove_requirements", [r.id for r in reqs], v.remove_requirements),
    ):
        unknown = [x for x in removed if x not in current]
        if unknown:
            raise DataError(f"{vid}: {what} names unknown id(s) {unknown}")
    entries = [e for e in entries if e.id not in v.remove_entries] + list(v.add_entries)
    reqs = [r for r in reqs if r.id not in v.remove_requirements] + list(v.add_requirements)
    ids = [e.id for e in entries]
    for name, seq in (("entry", ids), ("requirement", [r.id for r in reqs])):
        if len(seq) != len(set(seq)):
            raise DataError(f"{vid}: duplicate {name} ids {seq}")
    for r in reqs:
        missing = [e for e in r.entries if e not in ids]
        if missing:
            raise DataError(f"{vid}.{r.id}: entries {missing} are not defined in this version")
    return ResolvedToolVersion(v, tuple(entries), tuple(reqs))


@cache
def load_tool_rules() -> ToolRuleBook:
    """The shipped equipment rule book (cached)."""
    return read_tool_rules()


def check_data(sources: dict[str, Source]) -> list[str]:
    """Checker for ``chipwar data validate``: rules load, destinations and sources resolve,
    and the tool catalog's sources resolve."""
    from chipwar.catalog.tools import load_tools

    problems: list[str] = []
    for t in load_tools().values():
        problems += check_source_ids(t.source, f"tools.yaml[{t.id}]", sources)
        unknown = [f for f in t.unverified if f not in type(t).model_fields]
        if unknown:
            problems.append(f"tools.yaml[{t.id}]: unverified names unknown field(s) {unknown}")
    try:
        book = read_tool_rules()
    except DataError as exc:
        return problems + str(exc).splitlines()
    known = set(book.chip_rules.groups.countries)
    problems += check_source_ids(book.info.source, "rules/equipment[regimes]", sources)

    def dests(specs: list[str], where: str) -> list[str]:
        out = []
        for d in specs:
            try:
                book.members(d)
            except DataError as exc:
                out.append(f"{where}: {exc}")
            if d != "*" and not d.startswith("group:") and d not in known:
                out.append(f"{where}: destination {d!r} is not in countries")
        return out

    for name, g in book.info.groups.items():
        problems += check_source_ids(g.source, f"rules/equipment[regimes].{name}", sources)
        problems += dests(g.members, f"rules/equipment[regimes].{name}")
    for regime, info in book.info.regimes.items():
        problems += dests(info.exports_from, f"rules/equipment[regimes].{regime}")
    tools = set(load_tools())
    for vs in book.versions.values():
        for v in vs:
            problems += check_source_ids(v.meta.source, f"rules/equipment[{v.id}]", sources)
            for r in v.requirements:
                where = f"rules/equipment[{v.id}].{r.id}"
                problems += check_source_ids(r.source, where, sources)
                problems += dests(r.destinations + r.except_destinations, where)
                for alt in r.alt_policies:
                    problems += dests(alt.destinations, where)
                bad = [t for t in r.only_tools if t not in tools]
                if bad:
                    problems.append(f"{where}: only_tools {bad} not in the tool catalog")
    return problems
