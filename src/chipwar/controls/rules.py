"""Export-control rule sets kept as dated data: loader, schema and data checker.

Each file in ``data/rules/`` is one version of a chip rule (``kind: chip``), one content regime
(``kind: content``: de minimis, rare earths), one dated measure (``kind: measure``: China's export
bans, end-user authorizations, tariffs), the destination table (``kind: country-groups``) or the
rule set's review record (``kind: rule-set``: ``rules_reviewed_through``). A chip version may
``extends:`` an earlier one and add or remove licence requirements and review policies, so each
file states only what that instrument changed. Thresholds live only here, never in engine code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field

from chipwar.catalog.accelerators import load_accelerators
from chipwar.catalog.io import DATA_DIR, read_kinded_files
from chipwar.catalog.sources import Source, check_source_ids
from chipwar.catalog.types import Slug, SourceIds, Strict
from chipwar.controls.systems import load_systems
from chipwar.errors import DataError, InputError, UnknownIdError

RULES_DIR = DATA_DIR / "rules"

Metric = Literal[
    "tpp", "performance_density", "interconnect_gbps", "memory_bandwidth_gbps", "dram_plus_io_gbps"
]  # fmt: skip
METRICS: tuple[str, ...] = (
    "tpp", "performance_density", "interconnect_gbps", "memory_bandwidth_gbps", "dram_plus_io_gbps"
)  # fmt: skip
METRIC_LABEL: dict[str, str] = {
    "tpp": "TPP",
    "performance_density": "performance density",
    "interconnect_gbps": "I/O bandwidth [GB/s]",
    "memory_bandwidth_gbps": "memory bandwidth [GB/s]",
    "dram_plus_io_gbps": "memory + I/O bandwidth [GB/s]",
}
METRIC_FIELDS: dict[str, str] = {
    "tpp": "dense_tflops",
    "performance_density": "die_area_mm2",
    "interconnect_gbps": "interconnect_gbps",
    "memory_bandwidth_gbps": "memory_bandwidth_tbps",
    "dram_plus_io_gbps": "memory_bandwidth_tbps and interconnect_gbps",
}
"""Accelerator-schema field(s) each metric is computed from (named in missing-field errors)."""

Op = Literal[">=", ">", "<", "<="]
Transaction = Literal["export", "reexport", "transfer"]
TRANSACTIONS: tuple[Transaction, ...] = ("export", "reexport", "transfer")
"""export from the US; reexport from one foreign country to another; transfer within a country."""
NEGATION: dict[str, str] = {">=": "<", ">": "≤", "<": "≥", "<=": ">"}
SYMBOL: dict[str, str] = {">=": "≥", ">": ">", "<": "<", "<=": "≤"}
Scope = Literal["any", "datacenter", "non-datacenter"]


class Condition(Strict):
    """``metric op value``, e.g. ``tpp >= 4800``."""

    metric: Metric
    op: Op
    value: float


class Paragraph(Strict):
    """One classification paragraph (e.g. 3A090.a.2): all conditions must hold."""

    id: str
    eccn: str
    scope: Scope = "any"
    item: Literal["logic-ic", "memory-ic"] = "logic-ic"
    all_of: list[Condition] = Field(min_length=1)
    cite: str = ""
    note: str = ""


class LicenseException(Strict):
    """A licence exception or notification that a requirement allows for some items."""

    name: str
    eccn: list[str] = []
    scope: Scope = "any"
    note: str = ""


class Requirement(Strict):
    """A licence requirement: items of one of ``eccn`` (or meeting ``any_of``) to destinations.

    Destinations are ISO codes or ``group:NAME`` from the country-groups table.
    """

    id: str
    eccn: list[str] = []
    any_of: list[Condition] = []
    scope: Scope = "any"
    destinations: list[str] = Field(min_length=1)
    end_user_hq: list[str] = []
    """If given, the requirement applies only when the end user's ultimate parent is headquartered
    in one of these (ISO codes or ``group:NAME``), wherever the item goes."""
    transactions: list[Transaction] = list(TRANSACTIONS)
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    policy: str
    exceptions: list[LicenseException] = []
    cite: str = ""
    source: SourceIds
    note: str = ""


class ReviewPolicy(Strict):
    """A licence review policy that replaces a requirement's own policy for some items.

    It applies to a triggered requirement (named in ``requirements``, or any) when the destination,
    transaction and date match and either the chip is one of ``chips`` (named chips and their
    stated equivalents only) or, with no ``chips``, every test of ``all_of`` holds.
    """

    id: str
    requirements: list[str] = []
    """Requirement ids it modifies; empty = every requirement of the version."""
    chips: list[str] = []
    all_of: list[Condition] = []
    destinations: list[str] = Field(min_length=1)
    transactions: list[Transaction] = list(TRANSACTIONS)
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    policy: str
    cite: str = ""
    reason: str = ""
    """A line added to the answer when the policy applies (e.g. a related tariff)."""
    source: SourceIds
    note: str = ""


class ChipRuleVersion(Strict):
    """One dated version of the advanced-computing chip rules."""

    id: Slug
    kind: Literal["chip"]
    jurisdiction: str
    title: str
    instrument: Literal["rule", "letter", "announcement", "licensing", "guidance"]
    citation: str
    announced: dt.date | None = None
    published: dt.date | None = None
    effective: dt.date
    compliance: dt.date | None = None
    extends: str | None = None
    summary: str
    paragraphs: list[Paragraph] | None = None
    not_applicable: list[str] = []
    requirements: list[Requirement] | None = None
    add_requirements: list[Requirement] = []
    remove_requirements: list[str] = []
    add_policies: list[ReviewPolicy] = []
    remove_policies: list[str] = []
    systems: dict[str, str] | None = None
    """ECCN of a computer or server containing ICs of each IC ECCN (e.g. 3A090.a -> 4A090.a)."""
    systems_cite: str = ""
    reason: str = ""
    """A line added to every answer while this version is in force (e.g. 'no legal effect')."""
    source: SourceIds
    notes: str = ""


class ContentThreshold(Strict):
    """A share threshold for one set of destinations within a content regime."""

    id: str
    destinations: list[str] = Field(min_length=1)
    threshold: float = Field(ge=0, le=1)
    counts: Literal["controlled-us-origin", "all-us-origin", "cn-rare-earth"]
    comparison: Literal[">", ">="]
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    cite: str = ""
    source: SourceIds
    note: str = ""


PeriodStatus = Literal["in-force", "suspended", "not-yet-applicable", "ended", "undetermined"]


class ContentPeriod(Strict):
    """A period during which a regime or measure is in force, suspended, not yet applicable,
    ended, or undetermined (the sources reviewed do not say what happened; ``note`` says why)."""

    start: dt.date
    status: PeriodStatus
    instrument: str
    effect: str = ""
    """What the status means for a transaction (measures), e.g. 'licence not granted'."""
    source: SourceIds
    note: str = ""


class Measure(Strict):
    """A dated measure that is not a chip-parameter rule: an export ban on a company, an end-user
    authorization, a tariff. Its status on a date is the last period started by then."""

    id: Slug
    kind: Literal["measure"]
    jurisdiction: str
    title: str
    citation: str
    scope: str
    licence_matter: bool = True
    """False for measures that are not export licensing (tariffs, corporate orders)."""
    periods: list[ContentPeriod] = Field(min_length=1)
    source: SourceIds
    notes: str = ""


class RuleSet(Strict):
    """A rule set's review record: the date through which its files were checked against their
    sources. Any rule directory (chips here, tools elsewhere) may carry one."""

    id: Slug
    kind: Literal["rule-set"]
    rules_reviewed_through: dt.date
    source: SourceIds
    note: str = ""


class ContentRegime(Strict):
    """A rule over a product's bill of materials (US de minimis, China's rare-earth rule)."""

    id: Slug
    kind: Literal["content"]
    jurisdiction: str
    title: str
    citation: str
    summary: str
    periods: list[ContentPeriod] = Field(min_length=1)
    thresholds: list[ContentThreshold] = Field(min_length=1)
    zero_de_minimis_eccns: list[str] = []
    source: SourceIds
    notes: str = ""


class CountryGroup(Strict):
    members: list[str]
    source: SourceIds
    note: str = ""


class CountryGroups(Strict):
    """The destinations the model knows and the groups the rules name."""

    id: Slug
    kind: Literal["country-groups"]
    countries: dict[str, str]
    aliases: dict[str, str] = {}
    groups: dict[str, CountryGroup]
    source: SourceIds
    notes: str = ""


@dataclass(frozen=True)
class ResolvedVersion:
    """A chip rule version with ``extends`` applied: its full paragraphs and requirements."""

    meta: ChipRuleVersion
    paragraphs: tuple[Paragraph, ...]
    requirements: tuple[Requirement, ...]
    not_applicable: tuple[str, ...]
    policies: tuple[ReviewPolicy, ...] = ()
    systems: dict[str, str] | None = None

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def effective(self) -> dt.date:
        return self.meta.effective


@dataclass(frozen=True)
class RuleBook:
    """Everything in ``data/rules``: chip versions in effective-date order, regimes, groups."""

    versions: tuple[ResolvedVersion, ...]
    regimes: dict[str, ContentRegime]
    groups: CountryGroups
    rule_set: RuleSet
    measures: dict[str, Measure] = field(default_factory=dict)

    @property
    def reviewed_through(self) -> dt.date:
        return self.rule_set.rules_reviewed_through

    def version(self, version_id: str) -> ResolvedVersion:
        for v in self.versions:
            if v.id == version_id:
                return v
        raise UnknownIdError("rule version", version_id, [v.id for v in self.versions])

    def in_force(self, date: dt.date) -> ResolvedVersion:
        """The latest chip rule version whose effective date is on or before ``date``."""
        current = [v for v in self.versions if v.effective <= date]
        if not current:
            first = self.versions[0]
            raise InputError(
                "date",
                date.isoformat(),
                f"a date on or after {first.effective.isoformat()} "
                f"(the first rule version, {first.id})",
            )
        return current[-1]

    def destination(self, code: str, field: str = "destination") -> str:
        """Normalise an ISO code (aliases such as HK -> CN); unknown codes list what is allowed."""
        code = code.strip().upper()
        code = self.groups.aliases.get(code, code)
        if code not in self.groups.countries:
            allowed = sorted({*self.groups.countries, *self.groups.aliases})
            raise InputError(field, code, "one of " + ", ".join(allowed))
        return code

    def members(self, spec: str) -> frozenset[str]:
        """Expand ``group:NAME`` (recursively) or return the single code."""
        if spec == "*":
            return frozenset(self.groups.countries)
        if not spec.startswith("group:"):
            return frozenset({spec})
        name = spec.removeprefix("group:")
        if name not in self.groups.groups:
            raise DataError(f"rules: unknown country group {name!r}")
        out: set[str] = set()
        for m in self.groups.groups[name].members:
            out |= self.members(m)
        return frozenset(out)

    def matches(self, destinations: list[str], code: str) -> bool:
        return any(code in self.members(d) for d in destinations)

    def groups_of(self, code: str) -> list[str]:
        return [g for g in self.groups.groups if code in self.members(f"group:{g}")]


def read_rules(directory: str | Path | None = None) -> RuleBook:
    """Read and validate every rule file; resolve ``extends`` chains."""
    directory = RULES_DIR if directory is None else Path(directory)
    chips: dict[str, ChipRuleVersion] = {}
    regimes: dict[str, ContentRegime] = {}
    measures: dict[str, Measure] = {}
    groups: CountryGroups | None = None
    rule_set: RuleSet | None = None
    kinds: dict[str, type[Strict]] = {
        "chip": ChipRuleVersion,
        "content": ContentRegime,
        "country-groups": CountryGroups,
        "measure": Measure,
        "rule-set": RuleSet,
    }
    items, problems = read_kinded_files(directory, kinds, id_is_file_name=("chip",))
    for _, item in items:
        if isinstance(item, ChipRuleVersion):
            chips[item.id] = item
        elif isinstance(item, ContentRegime):
            regimes[item.id] = item
        elif isinstance(item, Measure):
            measures[item.id] = item
        elif isinstance(item, RuleSet):
            rule_set = item
        elif isinstance(item, CountryGroups):
            groups = item
    if groups is None:
        problems.append(f"{directory}: no country-groups file")
    if rule_set is None:
        problems.append(f"{directory}: no rule-set file (kind: rule-set, rules_reviewed_through)")
    if problems:
        raise DataError("\n".join(problems))
    assert groups is not None and rule_set is not None
    resolved = [_resolve(chips, vid, ()) for vid in chips]
    resolved.sort(key=lambda v: (v.effective, v.id))
    if not resolved:
        raise DataError(f"{directory}: no chip rule versions")
    return RuleBook(tuple(resolved), regimes, groups, rule_set, measures)


def _resolve(chips: dict[str, ChipRuleVersion], vid: str, seen: tuple[str, ...]) -> ResolvedVersion:
    v = chips[vid]
    if vid in seen:
        raise DataError(f"rules: extends cycle {' -> '.join((*seen, vid))}")
    base_pol: tuple[ReviewPolicy, ...] = ()
    base_sys: dict[str, str] | None = None
    if v.extends is None:
        base_par: tuple[Paragraph, ...] = ()
        base_req: tuple[Requirement, ...] = ()
        base_na: tuple[str, ...] = ()
    else:
        if v.extends not in chips:
            raise DataError(f"{vid}: extends unknown version {v.extends!r}")
        if chips[v.extends].effective > v.effective:
            raise DataError(f"{vid}: extends {v.extends}, which takes effect later")
        parent = _resolve(chips, v.extends, (*seen, vid))
        base_par, base_req, base_na = (
            parent.paragraphs,
            parent.requirements,
            parent.not_applicable,
        )
        base_pol, base_sys = parent.policies, parent.systems
    paragraphs = tuple(v.paragraphs) if v.paragraphs is not None else base_par
    reqs = list(v.requirements) if v.requirements is not None else list(base_req)
    unknown = [r for r in v.remove_requirements if r not in {q.id for q in reqs}]
    if unknown:
        raise DataError(f"{vid}: remove_requirements names unknown requirement(s) {unknown}")
    reqs = [r for r in reqs if r.id not in v.remove_requirements] + list(v.add_requirements)
    if not paragraphs:
        raise DataError(f"{vid}: no paragraphs (give them or extend a version that has them)")
    ids = [r.id for r in reqs]
    if len(ids) != len(set(ids)):
        raise DataError(f"{vid}: duplicate requirement ids {ids}")
    na = tuple(v.not_applicable) if v.not_applicable else base_na
    unknown = [p for p in v.remove_policies if p not in {q.id for q in base_pol}]
    if unknown:
        raise DataError(f"{vid}: remove_policies names unknown policy(ies) {unknown}")
    pols = tuple(p for p in base_pol if p.id not in v.remove_policies) + tuple(v.add_policies)
    bad = [p.id for p in pols if not set(p.requirements) <= set(ids)]  # [] = every requirement
    if bad:
        raise DataError(f"{vid}: review policy(ies) {bad} name a requirement not in this version")
    systems = v.systems if v.systems is not None else base_sys
    return ResolvedVersion(v, paragraphs, tuple(reqs), na, pols, systems)


def as_of_warning(
    date: dt.date, reviewed_through: dt.date, today: dt.date | None = None, what: str = "rules"
) -> str | None:
    """One line for stderr when an answer is dated after the rule data's review date (stale) or
    in the future; None otherwise. ``what`` names the rule set (chip rules, tool rules...)."""
    today = today or dt.date.today()
    if date > today:
        return (
            f"warning: {date.isoformat()} is in the future; the {what} are reviewed through "
            f"{reviewed_through.isoformat()} and later changes cannot be known"
        )
    if date > reviewed_through:
        return (
            f"warning: {date.isoformat()} is after {reviewed_through.isoformat()}, the date the "
            f"{what} were last reviewed against their sources: the answer may be stale"
        )
    return None


@cache
def load_rules() -> RuleBook:
    """The shipped rule book (cached)."""
    return read_rules()


def check_data(sources: dict[str, Source]) -> list[str]:
    """Checker for ``chipwar data validate``: rules load, groups resolve, sources resolve."""
    try:
        book = read_rules()
    except DataError as exc:
        return str(exc).splitlines()
    chips = set(load_accelerators())
    problems: list[str] = []
    problems += check_source_ids(book.groups.source, "rules[country-groups]", sources)
    known = set(book.groups.countries)
    for name, g in book.groups.groups.items():
        where = f"rules[country-groups].{name}"
        problems += check_source_ids(g.source, where, sources)
        for m in g.members:
            if not m.startswith("group:") and m not in known:
                problems.append(f"{where}: member {m!r} is not in countries")
    for alias, target in book.groups.aliases.items():
        if target not in known:
            problems.append(f"rules[country-groups]: alias {alias} -> unknown {target}")

    def dest_problems(dests: list[str], where: str) -> list[str]:
        out = []
        for d in dests:
            try:
                book.members(d)
            except DataError as exc:
                out.append(f"{where}: {exc}")
            if d != "*" and not d.startswith("group:") and d not in known:
                out.append(f"{where}: destination {d!r} is not in countries")
        return out

    for v in book.versions:
        problems += check_source_ids(v.meta.source, f"rules[{v.id}]", sources)
        eccns = {p.eccn for p in v.paragraphs}
        for r in v.requirements:
            where = f"rules[{v.id}].{r.id}"
            problems += check_source_ids(r.source, where, sources)
            problems += dest_problems(r.destinations + r.end_user_hq, where)
            bad = [e for e in r.eccn if e not in eccns]
            if bad:
                problems.append(f"{where}: eccn {bad} not defined by any paragraph")
            if not r.eccn and not r.any_of:
                problems.append(f"{where}: needs eccn or any_of")
        for pol in v.policies:
            where = f"rules[{v.id}].{pol.id}"
            problems += check_source_ids(pol.source, where, sources)
            problems += dest_problems(pol.destinations, where)
            problems += [
                f"{where}: chip {c!r} is not in the catalog" for c in pol.chips if c not in chips
            ]
    problems += check_source_ids(book.rule_set.source, f"rules[{book.rule_set.id}]", sources)
    for system in load_systems().values():
        where = f"systems.yaml[{system.id}]"
        problems += check_source_ids(system.source, where, sources)
        if system.ic not in chips:
            problems.append(f"{where}: ic {system.ic!r} is not in the accelerator catalog")
    for measure in book.measures.values():
        where = f"rules[{measure.id}]"
        problems += check_source_ids(measure.source, where, sources)
        for period in measure.periods:
            problems += check_source_ids(period.source, f"{where}.periods", sources)
        starts = [period.start for period in measure.periods]
        if starts != sorted(starts):
            problems.append(f"{where}: periods are not in date order")
    for regime in book.regimes.values():
        problems += check_source_ids(regime.source, f"rules[{regime.id}]", sources)
        for p in regime.periods:
            problems += check_source_ids(p.source, f"rules[{regime.id}].periods", sources)
        for t in regime.thresholds:
            where = f"rules[{regime.id}].{t.id}"
            problems += check_source_ids(t.source, where, sources)
            problems += dest_problems(t.destinations, where)
    return problems
