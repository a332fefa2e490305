"""Restricted parties: list records (editions), how records of one entity are merged, and the
readers of every list format chipwar takes.

* the shipped snapshot (``data/parties.yaml``);
* the U.S. Consolidated Screening List export, CSV and JSON, columns as published (source
  trade-gov-csl);
* FollowTheMoney entity JSON lines as OpenSanctions publishes them (``targets.nested.json`` /
  ``entities.ftm.json``: one entity per line, ``schema``, ``properties``; source
  opensanctions-ftm);
* a user CSV ``id,name,list,listed_from,listed_to[,aliases]``;
* the registry of Chinese names (``data/chinese_names.yaml``), applied to any of the above.

**One entity, one answer.** Records are the same entity when they share an explicit entity id
(``entity`` — the FtM id, a user CSV's id repeated) or the same normalised name on the same list.
Such records are merged into one ``ListedEntity``: on a date it is listed when *any* of its
records is active (start ≤ date ≤ end; a record without a start date is active from the
beginning of the data and says "start date not given"), and its history keeps every edition.

Layering: this module imports only names (below it); ownership imports it; screening imports
both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator, model_validator

from chipwar.catalog.io import (
    DATA_DIR,
    LIMIT_ENV,
    CsvTable,
    csv_records,
    format_validation_error,
    limits,
    parse_structured,
    raise_problems,
    read_csv,
    read_structured,
    read_text,
    require_columns,
)
from chipwar.catalog.types import Slug, SourceIds, Strict
from chipwar.controls.names import has_cjk, is_legal_form_only, normalize
from chipwar.errors import DataError, InputError, LimitError

CSL_COLUMNS = (
    "_id", "source", "entity_number", "type", "programs", "name", "title", "addresses",
    "federal_register_notice", "start_date", "end_date", "standard_order",
    "license_requirement", "license_policy", "call_sign", "vessel_type", "gross_tonnage",
    "gross_registered_tonnage", "vessel_flag", "vessel_owner", "remarks", "source_list_url",
    "alt_names", "citizenships", "dates_of_birth", "nationalities", "places_of_birth",
    "source_information_url", "ids",
)  # fmt: skip
"""The CSL CSV header as published (trade-gov-csl)."""

PARTY_COLUMNS = ("id", "name", "list", "listed_from", "listed_to")
NO_START = "start date not given"


@dataclass(frozen=True)
class Party:
    """One record (edition) of a restricted-party list. ``listed_from`` None: the list gives no
    start date (the record counts as active from the beginning of the data)."""

    id: str
    name: str
    list: str
    listed_from: dt.date | None
    listed_to: dt.date | None = None
    aliases: tuple[str, ...] = ()
    federal_register_notice: str = ""
    country: str = ""
    source: tuple[str, ...] = ()
    entity: str = ""
    """Explicit entity id shared by records of the same entity (FtM id); '' when none."""

    @property
    def all_aliases(self) -> tuple[str, ...]:
        return self.aliases

    def active_on(self, date: dt.date) -> bool:
        started = self.listed_from is None or self.listed_from <= date
        return started and (self.listed_to is None or date <= self.listed_to)

    def describe(self) -> str:
        """'Entity List from 2019-05-16 to 2021-01-01 (84 FR 22961) [record id]'."""
        start = self.listed_from.isoformat() if self.listed_from else NO_START
        end = f" to {self.listed_to.isoformat()}" if self.listed_to else ""
        fr = f" ({self.federal_register_notice})" if self.federal_register_notice else ""
        since = "since" if not end else "from"
        if self.listed_from is None:
            return f"{self.list}: {NO_START}{end}{fr} [{self.id}]"
        return f"{self.list} {since} {start}{end}{fr} [{self.id}]"


@dataclass
class ListedEntity:
    """Records of one entity, merged: the answer is per entity, the history per record."""

    id: str
    name: str
    records: list[Party]
    aliases: list[str | tuple[str, str]] = field(default_factory=list)
    """Aliases of every record, then (name, 'registry') from the Chinese-name registry."""
    registry_sources: list[str] = field(default_factory=list)

    def active(self, date: dt.date) -> list[Party]:
        return [r for r in self.records if r.active_on(date)]

    def status(self, date: dt.date) -> dict[str, Any]:
        """listed, lists (active records), since (earliest active start or 'start date not
        given'), reasons (one per active record) and history (every record)."""
        act = self.active(date)
        starts = [r.listed_from for r in act]
        since: str | None = None
        if act:
            since = NO_START if None in starts else min(s for s in starts if s).isoformat()
        reasons = []
        for r in act:
            fr = f" ({r.federal_register_notice})" if r.federal_register_notice else ""
            when = f"since {r.listed_from.isoformat()}" if r.listed_from else f"({NO_START})"
            reasons.append(f"listed on the {r.list} {when}{fr}")
        ended = [r for r in self.records if r.listed_to is not None and r.listed_to < date]
        if not act and ended:
            last = max(r.listed_to for r in ended if r.listed_to)
            reasons.append(f"not listed on {date.isoformat()}: last record ended {last}")
        return {
            "listed": bool(act),
            "lists": sorted({r.list for r in act}),
            "listed_since": since,
            "reasons": reasons,
            "history": [r.describe() + ("" if r in act else " (not active)") for r in
                        sorted(self.records, key=_record_order)],
        }  # fmt: skip


def _record_order(r: Party) -> tuple[dt.date, str]:
    return (r.listed_from or dt.date.min, r.id)


def merge_records(records: Iterable[Party]) -> list[ListedEntity]:
    """Group records of one entity (same explicit ``entity`` id, else same list and normalised
    name) in first-seen order; the entity id is its first record's id (or the explicit id)."""
    groups: dict[str, ListedEntity] = {}
    for r in records:
        key = f"id:{r.entity}" if r.entity else f"nm:{r.list.lower()}|{normalize(r.name)}"
        g = groups.get(key)
        if g is None:
            groups[key] = ListedEntity(r.entity or r.id, r.name, [r], list(r.aliases))
        else:
            g.records.append(r)
            g.aliases += [a for a in (r.name, *r.aliases) if a not in g.aliases and a != g.name]
    return list(groups.values())


# --------------------------------------------------------------------------- Chinese names


class _RegistryName(Strict):
    """One sourced name: Chinese (``zh-Hans``/``zh-Hant``) or another English name the company
    is known by (``latin``: a brand such as Z.ai, a former name, an English rendering that
    press and filings print but the lists do not)."""

    name: str = Field(min_length=1)
    script: str = Field(pattern=r"^(zh-(Hans|Hant)|latin)$")
    form: str = Field(pattern=r"^(legal|short|former|brand)$")
    source: SourceIds

    @model_validator(mode="after")
    def _script_matches(self) -> _RegistryName:
        if has_cjk(self.name) != self.script.startswith("zh-"):
            raise ValueError(f"name {self.name!r} is not written in script {self.script!r}")
        if self.script == "latin" and is_legal_form_only(self.name):
            raise ValueError(f"{self.name!r} is only a legal form; quote names with commas")
        return self


class RegistryCompany(Strict):
    id: Slug
    en: list[str] = Field(min_length=1)
    listed: bool
    names: list[_RegistryName] = Field(min_length=1)

    @field_validator("en")
    @classmethod
    def _names_a_company(cls, en: list[str]) -> list[str]:
        """An English name that is only a legal form ('Ltd.', what an unquoted YAML list
        makes of 'Huawei Technologies Co., Ltd.') would link the entry to every such record."""
        bad = [e for e in en if is_legal_form_only(e)]
        if bad:
            raise ValueError(f"{bad!r} is only a legal form; quote names that contain commas")
        return en


class _Registry(Strict):
    reviewed: dt.date
    companies: list[RegistryCompany]
    missing: list[dict[str, str]] = []

    @field_validator("companies")
    @classmethod
    def _ids_unique(cls, companies: list[RegistryCompany]) -> list[RegistryCompany]:
        ids = [c.id for c in companies]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"ids {twice} appear more than once; merge each into one entry")
        return companies


@cache
def load_chinese_names() -> tuple[RegistryCompany, ...]:
    """The shipped registry of Chinese company names (each name with its source)."""
    path = DATA_DIR / "chinese_names.yaml"
    try:
        reg = _Registry.model_validate(read_structured(path))
    except ValidationError as exc:
        raise DataError(format_validation_error(exc, path.name)) from None
    return tuple(reg.companies)


def with_registry_names(
    entities: list[ListedEntity], registry: Sequence[RegistryCompany] | None = None
) -> list[ListedEntity]:
    """Add the registry's sourced names (Chinese, and other English names: brands, former
    names) as (name, 'registry') aliases to every entity whose name or alias normalises to
    one of a registry company's English link names (``en``)."""
    registry = load_chinese_names() if registry is None else registry
    by_en: dict[str, list[RegistryCompany]] = {}
    for c in registry:
        for en in c.en:
            by_en.setdefault(normalize(en), []).append(c)
    for e in entities:
        labels = [e.name, *(a for a in e.aliases if isinstance(a, str))]
        hits = {id(c): c for x in labels for c in by_en.get(normalize(x), [])}
        for c in hits.values():
            for n in c.names:
                e.aliases.append((n.name, "registry"))
                e.registry_sources += [s for s in n.source if s not in e.registry_sources]
    return entities


# --------------------------------------------------------------------------- shipped snapshot


class _Aliases(Strict):
    en: list[str] = []
    zh_hans: list[str] = []
    zh_hant: list[str] = []


class _PartyRow(Strict):
    id: Slug
    name: str = Field(min_length=1)
    list: str = Field(min_length=1)
    country: str = ""
    listed_from: dt.date
    listed_to: dt.date | None = None
    federal_register_notice: str = ""
    aliases: _Aliases = _Aliases()
    source: SourceIds
    note: str = ""


def read_parties_yaml(path: str | Path) -> list[Party]:
    """The shipped snapshot format (``parties:`` list)."""
    path = Path(path)
    raw = read_structured(path) or {}
    rows = raw.get("parties") if isinstance(raw, dict) else raw
    if not isinstance(rows, list):
        raise DataError(f"{path.name}: expected a list under 'parties'")
    problems: list[str] = []
    out: list[Party] = []
    seen: set[str] = set()
    for i, row in enumerate(rows):
        label = row.get("id", i) if isinstance(row, dict) else i
        try:
            r = _PartyRow.model_validate(row)
        except ValidationError as exc:
            problems.append(format_validation_error(exc, f"{path.name}: parties[{label}]"))
            continue
        if r.id in seen:
            problems.append(f"{path.name}: parties[{r.id}]: duplicate id")
        seen.add(r.id)
        if r.listed_to and r.listed_to < r.listed_from:
            problems.append(f"{path.name}: parties[{r.id}]: listed_to is before listed_from")
        al = tuple(r.aliases.en + r.aliases.zh_hans + r.aliases.zh_hant)
        out.append(
            Party(r.id, r.name, r.list, r.listed_from, r.listed_to, al,
                  r.federal_register_notice, r.country, tuple(r.source))
        )  # fmt: skip
    if problems:
        raise DataError("\n".join(problems))
    return out


@cache
def _load_parties() -> tuple[Party, ...]:
    return tuple(read_parties_yaml(DATA_DIR / "parties.yaml"))


def load_parties() -> list[Party]:
    """The shipped restricted-party snapshot."""
    return list(_load_parties())


# --------------------------------------------------------------------------- CSV / CSL


def _date(text: str, where: str, col: str, problems: list[str]) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        problems.append(
            f"{where}, column {col}: {text[:40]!r} is not allowed; expected an ISO date"
        )
        return None


def _split(cell: str | None, sep: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in (cell or "").split(sep) if a.strip())


def read_parties_csv(path: str | Path) -> list[Party]:
    """A user parties CSV: ``id,name,list,listed_from,listed_to[,aliases]`` (aliases separated by
    ``|``; listed_from/listed_to may be empty). A repeated id is another edition of the same
    entity. Or a CSL CSV export (detected by its ``_id`` column)."""
    path = Path(path)
    reader = read_csv(path)
    if "_id" in (reader.fieldnames or []):
        return _parties_from_csl_rows(reader, path.name)
    require_columns(reader, PARTY_COLUMNS, path.name, f"{','.join(PARTY_COLUMNS)}[,aliases]")
    problems: list[str] = []
    out: list[Party] = []
    for line, row in csv_records(reader, path.name, problems):
        where = f"{path.name} line {line}"
        pid, name, lst = (row.get(c, "").strip() for c in ("id", "name", "list"))
        for col, val in (("id", pid), ("name", name), ("list", lst)):
            if not val:
                problems.append(f"{where}, column {col}: empty; expected a non-empty value")
        start = _date(row.get("listed_from", "") or "", where, "listed_from", problems)
        end = _date(row.get("listed_to", "") or "", where, "listed_to", problems)
        if start and end and end < start:
            problems.append(f"{where}, column listed_to: before listed_from")
        if pid and name and lst:
            out.append(Party(f"{pid}#{line}", name, lst, start, end,
                             _split(row.get("aliases"), "|"), entity=pid))  # fmt: skip
    raise_problems(problems)
    if not out:
        raise DataError(f"{path.name}: no parties found")
    return out


_CSL_SHORT = {
    "entity list": "Entity List",
    "military end user": "Military End User List",
    "specially designated nationals": "Specially Designated Nationals",
    "unverified list": "Unverified List",
    "denied persons": "Denied Persons List",
    "non-sdn chinese military-industrial complex": "NS-CMIC List",
}


def csl_list_name(source: str) -> str:
    """Short list name from a CSL ``source`` cell ('Entity List (EL) - Bureau of …')."""
    low = source.lower()
    for key, short in _CSL_SHORT.items():
        if key in low:
            return short
    return source.split(" - ")[0].strip() or source


def _parties_from_csl_rows(reader: CsvTable, name: str) -> list[Party]:
    require_columns(
        reader,
        ("_id", "source", "name", "start_date", "alt_names"),
        name,
        f"the published header {','.join(CSL_COLUMNS)}",
        what="CSL column(s)",
    )
    problems: list[str] = []
    rows: list[tuple[int, dict[str, Any]]] = list(csv_records(reader, name, problems))
    out = _csl_records(rows, name, problems, alt_sep="; ")
    raise_problems(problems)
    return out


def _csl_records(
    rows: Sequence[tuple[int, dict[str, Any]]], name: str, problems: list[str], alt_sep: str
) -> list[Party]:
    out: list[Party] = []
    for line, row in rows:
        where = f"{name} line {line}" if line > 0 else f"{name} results[{-line}]"
        pid = str(row.get("_id") or row.get("id") or "").strip()
        nm = str(row.get("name") or "").strip()
        src = str(row.get("source") or "").strip()
        for col, val in (("_id", pid), ("name", nm), ("source", src)):
            if not val:
                problems.append(f"{where}, column {col}: empty; expected a non-empty value")
        start = _date(str(row.get("start_date") or ""), where, "start_date", problems)
        end = _date(str(row.get("end_date") or ""), where, "end_date", problems)
        if start and end and end < start:
            problems.append(f"{where}, column end_date: before start_date")
        alts = row.get("alt_names")
        aliases = (
            tuple(str(a).strip() for a in alts if str(a).strip())
            if isinstance(alts, list)
            else _split(str(alts or ""), alt_sep.strip())
        )
        if pid and nm and src:
            out.append(
                Party(pid, nm, csl_list_name(src), start, end, aliases,
                      str(row.get("federal_register_notice") or ""), "", ("trade-gov-csl",))
            )  # fmt: skip
    return out


def read_csl_csv(path: str | Path) -> list[Party]:
    """A CSL CSV export (header as published, see ``CSL_COLUMNS``). A missing start_date is
    kept as missing ('start date not given'), never replaced by a made-up date."""
    return read_parties_csv(path)


def read_csl_json(path: str | Path) -> list[Party]:
    """A CSL JSON export: ``{"results": [...]}`` (or a bare list) of records with the CSV's
    fields; ``alt_names``/``programs`` are lists; ``id`` or ``_id`` is the record id."""
    path = Path(path)
    raw = read_structured(path)
    records = raw.get("results") if isinstance(raw, dict) else raw
    if not isinstance(records, list):
        raise DataError(f"{path.name}: expected a list of records under 'results'")
    if isinstance(raw, dict) and isinstance(raw.get("total"), int) and raw["total"] != len(records):
        raise DataError(
            f"{path.name}: 'total' says {raw['total']} records but 'results' holds "
            f"{len(records)}; expected the complete export"
        )
    problems: list[str] = []
    rows: list[tuple[int, dict[str, Any]]] = []
    for i, rec in enumerate(records):
        if not isinstance(rec, dict):
            problems.append(f"{path.name} results[{i}]: expected an object")
            continue
        rows.append((-i, rec))
    out = _csl_records(rows, path.name, problems, alt_sep="; ")
    raise_problems(problems)
    return out


# --------------------------------------------------------------------------- FollowTheMoney

FTM_COMPANY_SCHEMATA = frozenset({"Company", "Organization", "LegalEntity", "PublicBody"})
"""FtM schemata read as parties; other entities on a line (Person, Address, Sanction, …) are
counted and skipped."""


def _ftm_lines(path: Path) -> Iterator[tuple[int, str]]:
    for i, line in enumerate(read_text(path).splitlines(), start=1):
        if line.strip():
            yield i, line


def read_parties_ftm(path: str | Path, list_name: str | None = None) -> list[Party]:
    """FollowTheMoney entities, one JSON object per line (OpenSanctions ``entities.ftm.json``
    or ``targets.nested.json``): ``id``, ``schema``, ``properties`` with ``name`` (first =
    primary, the rest and ``alias``/``previousName``/``weakAlias`` = aliases),
    ``startDate``/``endDate``, ``country``, ``datasets``; in ``targets.nested.json`` the nested
    ``properties.sanctions`` (Sanction entities: ``program``/``authority``, ``startDate`` or
    ``listingDate``, ``endDate``) give one record each — editions of one entity. ``first_seen``
    / ``last_seen`` (crawl dates) are never used as listing dates. The list is the sanction's
    program, else ``list_name``, else the entity's first dataset. Companies, organisations,
    legal entities and public bodies are read; other schemata are skipped. Every line must be
    a JSON object with ``id``, ``schema`` and ``properties``; errors name the line."""
    path = Path(path)
    problems: list[str] = []
    out: list[Party] = []
    n_lines = 0
    max_rows = limits().max_rows
    for line_no, line in _ftm_lines(path):
        n_lines += 1
        where = f"{path.name} line {line_no}"
        if n_lines > max_rows:
            raise LimitError(f"{path.name}: more than {max_rows:,} entities (lines); set "
                             f"{LIMIT_ENV['max_rows']} to raise it")  # fmt: skip
        try:  # the reading layer's JSON checks (depth, cell size, duplicate keys, …) per line
            ent = parse_structured(line, "json", where)
        except DataError as exc:  # the body is one line: name the file's line, not "line 1"
            msg = str(exc).replace(f"{where} line 1, column ", f"{where}, column ")
            problems.append(f"{msg}; expected one FtM entity (a JSON object) per line")
            continue
        if not isinstance(ent, dict):
            problems.append(f"{where}: expected a JSON object, got {type(ent).__name__}")
            continue
        missing = [k for k in ("id", "schema", "properties") if k not in ent]
        if missing:
            problems.append(f"{where}: missing {', '.join(missing)}; expected an FtM entity "
                            "with id, schema and properties")  # fmt: skip
            continue
        props = ent["properties"]
        if not isinstance(props, dict):
            problems.append(f"{where}, field properties: expected an object of lists")
            continue
        if ent["schema"] not in FTM_COMPANY_SCHEMATA:
            continue
        names = [str(n).strip() for n in props.get("name", []) if str(n).strip()]
        if not names:
            problems.append(f"{where} (id {str(ent['id'])[:40]!r}), field properties.name: "
                            "empty; expected at least one name")  # fmt: skip
            continue
        aliases = names[1:] + [
            str(a).strip()
            for k in ("alias", "previousName", "weakAlias")
            for a in props.get(k, [])
            if str(a).strip()
        ]
        datasets = ent.get("datasets") or []
        lst = list_name or (str(datasets[0]) if datasets else "FtM")
        country = ",".join(str(c) for c in props.get("country", []))
        eid = str(ent["id"])
        uniq = tuple(dict.fromkeys(aliases))
        sanctions = [s for s in props.get("sanctions", []) if isinstance(s, dict)]
        if sanctions:  # nested Sanction entities: one record (edition) each
            for k, sanc in enumerate(sanctions):
                sp_ = sanc.get("properties") or {}
                w = f"{where}, sanctions[{k}]"
                start = _ftm_date(sp_.get("startDate") or sp_.get("listingDate"), w,
                                  "properties.startDate", problems)  # fmt: skip
                end = _ftm_date(sp_.get("endDate"), w, "properties.endDate", problems)
                prog = (sp_.get("program") or sp_.get("authority") or [lst])[0]
                fr = ", ".join(str(x) for x in sp_.get("sourceUrl", [])[:1])
                rid = f"{eid}/{sanc.get('id', k)}"
                out.append(Party(rid, names[0], str(prog), start, end, uniq, fr, country,
                                 ("opensanctions-ftm",), entity=eid))  # fmt: skip
            continue
        start = _ftm_date(props.get("startDate"), where, "properties.startDate", problems)
        end = _ftm_date(props.get("endDate"), where, "properties.endDate", problems)
        out.append(Party(eid, names[0], lst, start, end, uniq, "", country,
                         ("opensanctions-ftm",), entity=eid))  # fmt: skip
    raise_problems(problems)
    if not out:
        raise DataError(f"{path.name}: {n_lines} line(s) but no Company/Organization/LegalEntity "
                        "entity; expected FtM JSON lines")  # fmt: skip
    return out


def _ftm_date(values: Any, where: str, col: str, problems: list[str]) -> dt.date | None:
    if not values:
        return None
    if not isinstance(values, list):
        values = [values]
    dates = [_date(str(v), where, col, problems) for v in values]
    ok = [d for d in dates if d is not None]
    return min(ok) if ok else None


def read_parties(path: str | Path) -> list[Party]:
    """A user parties file: CSV (user format or CSL), CSL JSON, FtM JSON lines (``.jsonl``,
    ``.ftm.json``, ``.ijson``), or YAML in the shipped format."""
    p = Path(path)
    name = p.name.lower()
    if name.endswith((".jsonl", ".ftm.json", ".ijson", ".ndjson")):
        return read_parties_ftm(p)
    suffix = p.suffix.lower()
    if suffix == ".csv":
        return read_parties_csv(p)
    if suffix == ".json":
        return read_csl_json(p)
    if suffix in (".yaml", ".yml"):
        return read_parties_yaml(p)
    raise InputError(
        "--parties",
        str(path),
        "a .csv (user or CSL), .json (CSL), .jsonl / .ftm.json (FtM) or .yaml file",
    )


def renamed(records: Sequence[Party], entities: Sequence[ListedEntity]) -> list[Party]:
    """Records with ``id`` replaced by their merged entity's id (for id-keyed consumers)."""
    out: list[Party] = []
    for e in entities:
        out += [replace(r, id=e.id) for r in e.records]
    return out


def read_queries_csv(path: str | Path) -> list[str]:
    """Names to screen: a CSV with a ``name`` column (other columns ignored)."""
    p = Path(path)
    reader = read_csv(p)
    if "name" not in (reader.fieldnames or []):
        raise DataError(f"{p.name} line 1: no 'name' column; expected a CSV with a name column")
    out: list[str] = []
    problems: list[str] = []
    column = reader.fieldnames.index("name")
    for line, cells in reader.rows:
        nm = cells[column].strip() if column < len(cells) else ""
        if not nm:
            problems.append(f"{p.name} line {line}, column name: empty")
        out.append(nm)
    raise_problems(problems)
    return out
