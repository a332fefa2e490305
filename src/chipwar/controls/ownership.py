"""Ownership graph and aggregate ownership by listed parties (the BIS affiliates rule).

With W the owner→owned share matrix of the edges valid on a date, s the indicator of listed
parties and v = s + (1 − s)∘a (a listed entity counts as itself, whole; a non-listed one passes on
what listed parties hold of it), the aggregate listed ownership a solves

    a = Wᵀ v   ⇔   (I − Wᵀ D) a = Wᵀ s,   D = diag(1 − s)

i.e. shares multiply along a path, add across paths and across listed owners, and a path stops at
the first listed entity it meets (so a listed parent of a listed subsidiary is not counted twice).
When no listed party is owned by another this equals a = Wᵀ(I − Wᵀ)⁻¹ s = s·(W + W² + …).
It is solved by the Neumann/Jacobi iteration a ← Wᵀ(s + D a): exact after (longest path) steps on
a DAG, geometric on cycles whose share product is < 1. Inbound shares summing above 1 are a data
error (never clipped). Sources: bis-2025-09-affiliates-ifr, bis-2025-11-affiliates-suspension.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from pydantic import Field, ValidationError
from scipy.sparse.csgraph import connected_components

from chipwar.catalog.io import (
    DATA_DIR,
    csv_records,
    excerpt,
    format_validation_error,
    raise_problems,
    read_csv,
    read_structured,
    require_columns,
)
from chipwar.catalog.types import Slug, SourceIds, Strict, parse_date
from chipwar.controls.affiliates import AffiliatesRule, load_affiliates_rule, read_affiliates_rule
from chipwar.controls.parties import load_parties
from chipwar.errors import DataError, InputError, UnknownIdError

__all__ = ["AffiliatesRule", "load_affiliates_rule", "read_affiliates_rule"]

DAY_MIN = np.iinfo(np.int64).min // 2
DAY_MAX = np.iinfo(np.int64).max // 2
INFLOW_TOL = 1e-9


def _day(d: dt.date) -> int:
    return (d - dt.date(1970, 1, 1)).days


# --------------------------------------------------------------------------- data rows


class EntityRow(Strict):
    id: Slug
    name: str = Field(min_length=1)
    country: str | None = None
    aliases: list[str] = []
    source: SourceIds
    note: str = ""


class EdgeRow(Strict):
    owner: Slug
    owned: Slug
    share: float = Field(ge=0, le=1)
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    source: SourceIds
    note: str = ""


@dataclass
class OwnershipGraph:
    """Entities and dated ownership edges as arrays (owner, owned index; share; day bounds)."""

    ids: list[str]
    names: list[str]
    aliases: list[tuple[str, ...]]
    owner: np.ndarray
    owned: np.ndarray
    share: np.ndarray
    day_from: np.ndarray
    day_to: np.ndarray
    edge_source: list[list[str]] = field(default_factory=list)
    index: dict[str, int] = field(init=False)
    """Entity id -> its position in ``ids`` (derived)."""

    def __post_init__(self) -> None:
        self.index = {e: i for i, e in enumerate(self.ids)}

    @property
    def n(self) -> int:
        return len(self.ids)

    def idx(self, entity_id: str) -> int:
        try:
            return self.index[entity_id]
        except KeyError:
            raise UnknownIdError("entity", entity_id, self.ids[:2000]) from None

    def with_entities(self, extra: Iterable[tuple[str, str, Sequence[str]]]) -> OwnershipGraph:
        """A copy with extra isolated entities (id, name, aliases) for ids not yet present."""
        ids, names, aliases = list(self.ids), list(self.names), list(self.aliases)
        for eid, name, al in extra:
            if eid not in self.index:
                ids.append(eid)
                names.append(name)
                aliases.append(tuple(al))
        return OwnershipGraph(
            ids, names, aliases, self.owner, self.owned, self.share,
            self.day_from, self.day_to, self.edge_source,
        )  # fmt: skip

    def edges_on(self, date: dt.date) -> np.ndarray:
        """Indices of the edges valid on ``date`` (valid_from ≤ date ≤ valid_to, inclusive)."""
        d = _day(date)
        return np.nonzero((self.day_from <= d) & (d <= self.day_to))[0]

    def matrix(self, date: dt.date) -> sp.csr_matrix:
        """M = Wᵀ (owned × owner) of the edges valid on ``date``; duplicate edges add up.

        Raises DataError naming every entity whose inbound shares sum above 1."""
        mask = self.edges_on(date)
        m = sp.csr_matrix(
            (self.share[mask], (self.owned[mask], self.owner[mask])), shape=(self.n, self.n)
        )
        m.sum_duplicates()
        inflow = np.asarray(m.sum(axis=1)).ravel()
        bad = np.nonzero(inflow > 1 + INFLOW_TOL)[0]
        if bad.size:
            shown = ", ".join(
                f"{self.ids[i]} ({inflow[i]:.1%})" for i in bad[np.argsort(-inflow[bad])][:10]
            )
            more = f" and {bad.size - 10} more" if bad.size > 10 else ""
            raise DataError(
                f"ownership on {date.isoformat()}: inbound shares sum above 100 % for "
                f"{shown}{more}; expected at most 100 % per owned entity (not clipped)"
            )
        return m


def _edge_arrays(
    edges: Sequence[tuple[int, int, float, dt.date | None, dt.date | None]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    owner = np.fromiter((e[0] for e in edges), dtype=np.int64, count=len(edges))
    owned = np.fromiter((e[1] for e in edges), dtype=np.int64, count=len(edges))
    share = np.fromiter((e[2] for e in edges), dtype=np.float64, count=len(edges))
    dfrom = np.fromiter(
        (DAY_MIN if e[3] is None else _day(e[3]) for e in edges), dtype=np.int64, count=len(edges)
    )
    dto = np.fromiter(
        (DAY_MAX if e[4] is None else _day(e[4]) for e in edges), dtype=np.int64, count=len(edges)
    )
    return owner, owned, share, dfrom, dto


def read_ownership_yaml(
    path: str | Path, known: Iterable[tuple[str, str, Sequence[str]]] = ()
) -> OwnershipGraph:
    """The shipped format: ``entities`` (id, name, aliases, source) and ``edges`` (owner, owned,
    share, valid_from, valid_to, source). ``known``: other entities (listed parties) edges may
    name. Every problem is collected; nothing is returned half-loaded."""
    path = Path(path)
    raw = read_structured(path) or {}
    where = path.name
    if not isinstance(raw, dict):
        raise DataError(f"{where}: expected a mapping with 'entities' and 'edges'")
    for section in ("entities", "edges"):
        if not isinstance(raw.get(section) or [], list):
            raise DataError(
                f"{where}: {section}: expected a list of rows, got {excerpt(raw[section])}"
            )
    problems: list[str] = []
    ents: list[EntityRow] = []
    for i, row in enumerate(raw.get("entities") or []):
        try:
            ents.append(EntityRow.model_validate(row))
        except ValidationError as exc:
            label = row.get("id", i) if isinstance(row, dict) else i
            label = label if isinstance(label, str | int) else i
            problems.append(format_validation_error(exc, f"{where}: entities[{label}]"))
    ids: list[str] = []
    names: list[str] = []
    aliases: list[tuple[str, ...]] = []
    index: dict[str, int] = {}
    for e in ents:
        if e.id in index:
            problems.append(f"{where}: entities[{e.id}]: duplicate id {e.id!r}")
            continue
        index[e.id] = len(ids)
        ids.append(e.id)
        names.append(e.name)
        aliases.append(tuple(e.aliases))
    for eid, name, al in known:
        if eid not in index:
            index[eid] = len(ids)
            ids.append(eid)
            names.append(name)
            aliases.append(tuple(al))
    edges: list[tuple[int, int, float, dt.date | None, dt.date | None]] = []
    sources: list[list[str]] = []
    for i, row in enumerate(raw.get("edges") or []):
        try:
            ed = EdgeRow.model_validate(row)
        except ValidationError as exc:
            problems.append(format_validation_error(exc, f"{where}: edges[{i}]"))
            continue
        for col, val in (("owner", ed.owner), ("owned", ed.owned)):
            if val not in index:
                problems.append(f"{where}: edges[{i}]: {col}: unknown entity id {val!r}")
        if ed.owner == ed.owned:
            problems.append(f"{where}: edges[{i}]: an entity cannot own itself ({ed.owner!r})")
        if ed.valid_from and ed.valid_to and ed.valid_to < ed.valid_from:
            problems.append(f"{where}: edges[{i}]: valid_to is before valid_from")
        if ed.owner in index and ed.owned in index:
            edges.append((index[ed.owner], index[ed.owned], ed.share, ed.valid_from, ed.valid_to))
            sources.append(list(ed.source))
    if problems:
        raise DataError("\n".join(problems))
    return OwnershipGraph(ids, names, aliases, *_edge_arrays(edges), sources)


OWNERSHIP_COLUMNS = ("owner_id", "owned_id", "share", "valid_from", "valid_to")


def read_ownership_csv(path: str | Path) -> OwnershipGraph:
    """A plain CSV of edges: ``owner_id,owned_id,share,valid_from,valid_to`` (dates may be empty;
    ``owner_name``, ``owned_name``, ``source`` optional). Entities are the ids that appear.
    Errors name the line and column; all problems are reported at once, nothing half-loaded."""
    path = Path(path)
    reader = read_csv(path)
    expected = f"at least {','.join(OWNERSHIP_COLUMNS)}"
    require_columns(reader, ("owner_id", "owned_id", "share"), path.name, expected)
    problems: list[str] = []
    ids: list[str] = []
    names: list[str] = []
    index: dict[str, int] = {}
    edges: list[tuple[int, int, float, dt.date | None, dt.date | None]] = []
    sources: list[list[str]] = []

    def ent(eid: str, name: str) -> int:
        if eid not in index:
            index[eid] = len(ids)
            ids.append(eid)
            names.append(name or eid)
        elif name and names[index[eid]] == eid:
            names[index[eid]] = name
        return index[eid]

    for line, row in csv_records(reader, path.name, problems):
        where = f"{path.name} line {line}"
        owner = (row.get("owner_id") or "").strip()
        owned = (row.get("owned_id") or "").strip()
        bad = False
        for col, val in (("owner_id", owner), ("owned_id", owned)):
            if not val:
                problems.append(f"{where}, column {col}: empty; expected an entity id")
                bad = True
        share_text = (row.get("share") or "").strip()
        try:
            share = float(share_text)
            if not 0 <= share <= 1:
                raise ValueError
        except ValueError:
            problems.append(
                f"{where}, column share: {share_text!r} is not allowed; expected a number "
                "from 0 to 1 (a fraction, not a percentage)"
            )
            bad = True
            share = 0.0
        dates: list[dt.date | None] = []
        for col in ("valid_from", "valid_to"):
            v = (row.get(col) or "").strip()
            if not v:
                dates.append(None)
                continue
            try:
                dates.append(dt.date.fromisoformat(v))
            except ValueError:
                problems.append(
                    f"{where}, column {col}: {v!r} is not allowed; expected an ISO date or empty"
                )
                bad = True
                dates.append(None)
        if dates[0] and dates[1] and dates[1] < dates[0]:
            problems.append(f"{where}, column valid_to: before valid_from")
            bad = True
        if owner and owner == owned:
            problems.append(f"{where}, column owned_id: an entity cannot own itself ({owner!r})")
            bad = True
        if bad:
            continue
        i = ent(owner, (row.get("owner_name") or "").strip())
        j = ent(owned, (row.get("owned_name") or "").strip())
        edges.append((i, j, share, dates[0], dates[1]))
        src = (row.get("source") or "").strip()
        sources.append([src] if src else [])
    raise_problems(problems)
    if not edges:
        raise DataError(f"{path.name}: no ownership edges found")
    return OwnershipGraph(ids, names, [() for _ in ids], *_edge_arrays(edges), sources)


def read_ownership(path: str | Path) -> OwnershipGraph:
    """A user ownership file: CSV, or YAML/JSON in the shipped format."""
    p = Path(path)
    if p.suffix.lower() == ".csv":
        return read_ownership_csv(p)
    return read_ownership_yaml(p)


@cache
def load_ownership() -> OwnershipGraph:
    """The shipped ownership graph, including every shipped listed party as an entity."""
    known = [(p.id, p.name, p.all_aliases) for p in load_parties()]
    return read_ownership_yaml(DATA_DIR / "ownership.yaml", known)


# --------------------------------------------------------------------------- the engine


def aggregate(
    m: sp.csr_matrix,
    seeds: np.ndarray,
    *,
    tol: float = 1e-12,
    max_iter: int | None = None,
    ids: Sequence[str] | None = None,
) -> np.ndarray:
    """Aggregate share of every entity held by the seed set: a = Wᵀ(s + (1 − s)∘a) [0–1].

    ``m`` = Wᵀ (owned × owner), ``seeds`` boolean. ``max_iter`` (default: 10,000 plus the number
    of entities, since a chain of n edges needs n steps even without a cycle). Raises DataError
    naming an entity when the iteration does not converge (saying whether the graph has a
    cycle) or a share exceeds 1."""
    if max_iter is None:
        max_iter = 10_000 + m.shape[0]
    s = seeds.astype(np.float64)
    d = 1.0 - s
    a = m @ s
    for _ in range(max_iter):
        nxt = m @ (s + d * a)
        delta = np.abs(nxt - a)
        a = nxt
        if not delta.size or delta.max() <= tol:
            break
    else:
        worst = int(np.argmax(delta))
        name = ids[worst] if ids is not None else str(worst)
        n_components, _ = connected_components(m, directed=True, connection="strong")
        why = (
            "the graph has a cycle of holdings whose shares multiply to 100 % or more"
            if n_components < m.shape[0] or m.diagonal().any()
            else "the graph has no cycle, so this is a bug: please report it"
        )
        raise DataError(
            f"aggregate ownership does not converge after {max_iter:,} iterations at entity "
            f"{name!r}: {why}; expected every ownership cycle's product < 1"
        )
    over = np.nonzero(a > 1 + 1e-6)[0]
    if over.size:
        name = ids[int(over[0])] if ids is not None else str(int(over[0]))
        raise DataError(f"aggregate ownership of {name!r} is {a[over[0]]:.1%}; expected ≤ 100 %")
    return a


@dataclass
class OwnershipPath:
    nodes: list[int]  # listed owner first, target last
    shares: list[float]  # shares[k]: nodes[k] owns of nodes[k+1]
    product: float

    def describe(self, names: Sequence[str]) -> str:
        parts = [f"{names[n]} {_pct(s)}" for n, s in zip(self.nodes, self.shares, strict=False)]
        return " → ".join([*parts, names[self.nodes[-1]]]) + f" = {_pct(self.product)}"


def _pct(x: float) -> str:
    v = round(x * 100, 2)
    return f"{v:g}%"


def top_paths(
    m: sp.csr_matrix,
    target: int,
    listed: np.ndarray,
    *,
    k: int = 5,
    max_depth: int = 12,
    max_expansions: int = 20_000,
    min_product: float = 1e-4,
) -> list[OwnershipPath]:
    """The ``k`` largest-product ownership paths from a listed entity to ``target`` (best-first
    search backwards along in-edges; bounded; a path stops at the first listed entity)."""
    indptr, indices, data = m.indptr, m.indices, m.data
    heap: list[tuple[float, int, tuple[int, ...], tuple[float, ...]]] = [(-1.0, 0, (target,), ())]
    out: list[OwnershipPath] = []
    counter = 0
    while heap and len(out) < k and counter < max_expansions:
        neg, _, nodes, shares = heapq.heappop(heap)
        head = nodes[0]
        if head != target and listed[head]:
            out.append(OwnershipPath(list(nodes), list(shares), -neg))
            continue
        if len(nodes) > max_depth:
            continue
        for p in range(indptr[head], indptr[head + 1]):
            owner, share = int(indices[p]), float(data[p])
            prod = -neg * share
            if owner in nodes or prod < min_product or share <= 0:
                continue
            counter += 1
            heapq.heappush(heap, (-prod, counter, (owner, *nodes), (share, *shares)))
    return out


def owned_by(
    owner_ids: Sequence[str] | str, date: dt.date | str, min_share: float = 0.5
) -> dict[str, float]:
    """Entity id -> aggregate share (direct + indirect, over paths and the given owners) for every
    entity, other than the owners themselves, held >= ``min_share`` on ``date``; shipped data.

    Pure ownership: the affiliates rule's window is not applied here (see ``assess``)."""
    if not 0 <= min_share <= 1:
        raise InputError("min_share", min_share, "a number from 0 to 1")
    day = parse_date(date)
    g = load_ownership()
    seeds = np.zeros(g.n, dtype=bool)
    for oid in [owner_ids] if isinstance(owner_ids, str) else owner_ids:
        seeds[g.idx(oid)] = True
    a = aggregate(g.matrix(day), seeds, ids=g.ids)
    hit = np.nonzero((a >= min_share - 1e-12) & ~seeds & (a > 0))[0]
    return {g.ids[i]: float(a[i]) for i in hit}
