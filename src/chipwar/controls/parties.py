"""Restricted parties: the shipped snapshot, the U.S. Consolidated Screening List (CSV/JSON
export, columns as published; source trade-gov-csl), a user's parties CSV, and ``screen``, which
matches names to parties and entities and reports listed / affiliate status on a date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from chipwar.catalog.io import (
    DATA_DIR,
    CsvTable,
    csv_records,
    format_validation_error,
    raise_problems,
    read_csv,
    read_structured,
    require_columns,
)
from chipwar.catalog.sources import Source, check_source_ids
from chipwar.catalog.types import Slug, SourceIds, Strict
from chipwar.controls.names import NameIndex
from chipwar.errors import DataError, InputError

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


@dataclass(frozen=True)
class Party:
    """One entry of a restricted-party list."""

    id: str
    name: str
    list: str
    listed_from: dt.date
    listed_to: dt.date | None = None
    aliases: tuple[str, ...] = ()
    federal_register_notice: str = ""
    country: str = ""
    source: tuple[str, ...] = ()

    @property
    def all_aliases(self) -> tuple[str, ...]:
        return self.aliases

    def active_on(self, date: dt.date) -> bool:
        return self.listed_from <= date and (self.listed_to is None or date <= self.listed_to)


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


def _date(text: str, where: str, col: str, problems: list[str]) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        problems.append(f"{where}, column {col}: {text!r} is not allowed; expected an ISO date")
        return None


def _split(cell: str | None, sep: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in (cell or "").split(sep) if a.strip())


def read_parties_csv(path: str | Path) -> list[Party]:
    """A user parties CSV: ``id,name,list,listed_from,listed_to[,aliases]`` (aliases separated by
    ``|``; listed_to may be empty). Or a CSL CSV export (detected by its ``_id`` column)."""
    path = Path(path)
    reader = read_csv(path)
    if "_id" in (reader.fieldnames or []):
        return _parties_from_csl_rows(reader, path.name)
    require_columns(reader, PARTY_COLUMNS, path.name, f"{','.join(PARTY_COLUMNS)}[,aliases]")
    problems: list[str] = []
    out: list[Party] = []
    seen: dict[str, int] = {}
    for line, row in csv_records(reader, path.name, problems):
        where = f"{path.name} line {line}"
        pid, name, lst = (row.get(c, "").strip() for c in ("id", "name", "list"))
        for col, val in (("id", pid), ("name", name), ("list", lst)):
            if not val:
                problems.append(f"{where}, column {col}: empty; expected a non-empty value")
        if pid in seen:
            problems.append(f"{where}, column id: duplicate id {pid!r} (first on line {seen[pid]})")
        seen.setdefault(pid, line)
        start = _date(row.get("listed_from", ""), where, "listed_from", problems)
        if start is None and not (row.get("listed_from") or "").strip():
            problems.append(f"{where}, column listed_from: empty; expected an ISO date")
        end = _date(row.get("listed_to", "") or "", where, "listed_to", problems)
        if start and end and end < start:
            problems.append(f"{where}, column listed_to: before listed_from")
        if pid and name and lst and start:
            out.append(Party(pid, name, lst, start, end, _split(row.get("aliases"), "|")))
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
        alts = row.get("alt_names")
        aliases = (
            tuple(str(a).strip() for a in alts if str(a).strip())
            if isinstance(alts, list)
            else _split(str(alts or ""), alt_sep.strip())
        )
        if pid and nm and src:
            out.append(
                Party(pid, nm, csl_list_name(src), start or dt.date(1900, 1, 1), end, aliases,
                      str(row.get("federal_register_notice") or ""), "", ("trade-gov-csl",))
            )  # fmt: skip
    return out


def read_csl_csv(path: str | Path) -> list[Party]:
    """A CSL CSV export (header as published, see ``CSL_COLUMNS``). A missing start_date means
    'listed before any date modelled' (1900-01-01)."""
    parties = read_parties_csv(path)
    return parties


def read_csl_json(path: str | Path) -> list[Party]:
    """A CSL JSON export: ``{"results": [...]}`` (or a bare list) of records with the CSV's
    fields; ``alt_names``/``programs`` are lists; ``id`` or ``_id`` is the record id."""
    path = Path(path)
    raw = read_structured(path)
    records = raw.get("results") if isinstance(raw, dict) else raw
    if not isinstance(records, list):
        raise DataError(f"{path.name}: expected a list of records under 'results'")
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


def read_parties(path: str | Path) -> list[Party]:
    """A user parties file: CSV (user format or CSL), CSL JSON, or YAML in the shipped format."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".csv":
        return read_parties_csv(p)
    if suffix == ".json":
        return read_csl_json(p)
    if suffix in (".yaml", ".yml"):
        return read_parties_yaml(p)
    raise InputError("--parties", str(path), "a .csv, .json (CSL export) or .yaml file")


def check_data(sources: dict[str, Source]) -> list[str]:
    """Checker for ``chipwar data validate``: parties, ownership and the affiliates rule load and
    cite sources that resolve; the CSL samples load."""
    from chipwar.controls.ownership import load_affiliates_rule, load_ownership

    problems: list[str] = []
    for p in load_parties():
        problems += check_source_ids(p.source, f"parties.yaml[{p.id}]", sources)
    g = load_ownership()
    for i, srcs in enumerate(g.edge_source):
        problems += check_source_ids(srcs, f"ownership.yaml: edges[{i}]", sources)
    raw = read_structured(DATA_DIR / "ownership.yaml") or {}
    for e in raw.get("entities") or []:
        problems += check_source_ids(e.get("source", []), f"ownership.yaml[{e['id']}]", sources)
    rule = load_affiliates_rule()
    ids = list(rule.source) + [s for p in rule.periods for s in p.source]
    problems += check_source_ids(ids, "affiliates_rule.yaml", sources)
    read_csl_csv(DATA_DIR / "csl_sample.csv")
    read_csl_json(DATA_DIR / "csl_sample.json")
    return problems


# --------------------------------------------------------------------------- screening


def screen(
    queries: Sequence[str],
    date: dt.date | str | None = None,
    *,
    threshold: float | None = None,
    min_score: float = 0.8,
    limit: int = 5,
    parties: Sequence[Party] | None = None,
    graph: Any = None,
) -> list[dict[str, Any]]:
    """Candidates for each query name: the matched entity with its score and reason, whether it
    is listed, on which lists, and its affiliate status and ownership paths on ``date``."""
    from chipwar.controls.ownership import assess, load_ownership

    if not 0 < min_score <= 1:
        raise InputError("min_score", min_score, "a number above 0 and at most 1")
    if threshold is not None and not 0 < threshold <= 1:
        raise InputError("threshold", threshold, "a number above 0 and at most 1")
    for q in queries:
        if not str(q).strip():
            raise InputError("name", q, "a non-empty company name")
    parties = load_parties() if parties is None else list(parties)
    g = graph if graph is not None else load_ownership()
    g = g.with_entities((p.id, p.name, p.all_aliases) for p in parties)
    # One index entry per entity: its names plus every alias of the parties with that id.
    extra: dict[str, list[str]] = {}
    for p in parties:
        extra.setdefault(p.id, []).extend([p.name, *p.aliases])
    entries = [
        (eid, g.names[i], [*g.aliases[i], *extra.get(eid, [])]) for i, eid in enumerate(g.ids)
    ]
    index = NameIndex.build(entries)
    matches = index.search(list(queries), min_score=min_score, limit=limit)
    wanted = sorted({index.ids[m.entry] for ms in matches for m in ms})
    status = {r["entity_id"]: r for r in assess(wanted, date, threshold=threshold, graph=g,
                                                parties=parties)} if wanted else {}  # fmt: skip
    out: list[dict[str, Any]] = []
    for q, ms in zip(queries, matches, strict=True):
        if not ms:
            out.append({"query": q, "entity_id": None, "name": None, "score": 0.0,
                        "reason": "no candidate at or above the minimum score", "listed": False,
                        "lists": [], "affiliate": False, "aggregate_listed_ownership": 0.0,
                        "paths": [], "reasons": []})  # fmt: skip
            continue
        for m in ms:
            st = status[index.ids[m.entry]]
            out.append(
                {
                    "query": q,
                    "entity_id": st["entity_id"],
                    "name": st["name"],
                    "matched": m.label,
                    "score": round(m.score, 4),
                    "reason": m.reason,
                    "listed": st["listed"],
                    "lists": st["lists"],
                    "affiliate": st["affiliate"],
                    "aggregate_listed_ownership": st["aggregate_listed_ownership"],
                    "rule_status": st["rule_status"],
                    "paths": st["paths"],
                    "reasons": st["reasons"],
                }
            )
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
