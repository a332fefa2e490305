"""Screening: names → candidate entities (explained scores) → listed status (one answer per
entity, every edition in its history) → aggregate listed ownership and the affiliates rule.

Layering (one direction): names → parties → ownership → affiliates (rule) → screening.

A party side and a graph side are searched:

* **parties** — list records merged into entities (``parties.merge_records``), with the
  registry's Chinese names added; their name index and a table of their records are arrays
  (``PartyIndex``). For a parties *file*, both are kept on disk under a directory named by the
  file's SHA-256 (and the algorithm version) and memory-mapped on later runs; a changed file
  has another hash and is indexed again.
* **graph** — the ownership graph's entities (shipped or ``--ownership``). A graph entity is the
  same entity as a party entity with its id, or whose name or alias normalises to one of the
  party entity's names (exact). Linked pairs give one answer.

An entity is a **seed** of the aggregate when it is listed on the date on a list the rule covers.
Aggregate a, paths and the affiliate decision: ``ownership.aggregate``, ``ownership.top_paths``
and ``affiliates.decide``. Sources: trade-gov-csl, bis-2025-09-affiliates-ifr,
bis-2025-11-affiliates-suspension.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from chipwar import cancel
from chipwar.catalog.io import DATA_DIR, read_structured
from chipwar.catalog.sources import Source, check_source_ids
from chipwar.catalog.types import parse_date
from chipwar.controls.affiliates import (
    AffiliatesRule,
    decide,
    load_affiliates_rule,
    rules_reviewed_through,
)
from chipwar.controls.names import ALGORITHM, Match, NameIndex, Packed, normalize
from chipwar.controls.ownership import (
    OwnershipGraph,
    aggregate,
    load_ownership,
    top_paths,
)
from chipwar.controls.parties import (
    ListedEntity,
    Party,
    load_chinese_names,
    load_parties,
    merge_records,
    read_csl_csv,
    read_csl_json,
    read_parties,
    with_registry_names,
)
from chipwar.errors import InputError

DEFAULT_MIN_SCORE = 0.8
"""Default minimum name score; chosen from the precision/recall curve of the benchmark
(benchmarks/bench_names.py, docs/screening.md § Threshold)."""

INDEX_PROGRESS_MIN_ENTITIES = 50_000
"""Building a party index reports progress only from this many entities (a 10^6-row file takes
minutes; the shipped snapshot, well under a second, reports nothing)."""
SCREEN_PROGRESS_MIN_NAMES = 1000
"""Screening reports progress only from this many names; they are then screened in chunks of
:data:`SCREEN_CHUNK_NAMES` (each chunk still batched, same answers) with a report after each."""
SCREEN_CHUNK_NAMES = 256

Progress = Callable[[int, int], None]

_NO_DAY_LO = np.iinfo(np.int64).min // 2
_NO_DAY_HI = np.iinfo(np.int64).max // 2
_EPOCH = dt.date(1970, 1, 1)


def _day(d: dt.date | None, none: int) -> int:
    return none if d is None else (d - _EPOCH).days


def _date(day: int, none: int) -> dt.date | None:
    return None if day == none else _EPOCH + dt.timedelta(days=int(day))


# --------------------------------------------------------------------------- party index


@dataclass
class PartyIndex:
    """Merged list entities as arrays: the name index, and per entity its records (CSR)."""

    names: NameIndex
    table: dict[str, np.ndarray]
    lists: list[str]
    source: str = "records given in memory"
    """What the parties are (a file name and its SHA-256, or the shipped snapshot)."""

    @classmethod
    def build(
        cls,
        records: Sequence[Party],
        source: str = "records given in memory",
        progress: Progress | None = None,
        progress_min: int = INDEX_PROGRESS_MIN_ENTITIES,
    ) -> PartyIndex:
        """``progress(entities indexed, entities)``: told only for at least ``progress_min``
        merged entities."""
        ents = with_registry_names(merge_records(records))
        told = progress if len(ents) >= progress_min else None
        index = NameIndex.build([(e.id, e.name, e.aliases) for e in ents], told)
        lists = sorted({r.list for e in ents for r in e.records})
        lpos = {x: i for i, x in enumerate(lists)}
        recs = [r for e in ents for r in e.records]
        ptr = np.zeros(len(ents) + 1, dtype=np.int64)
        np.cumsum([len(e.records) for e in ents], out=ptr[1:])
        ids, names = Packed.pack([e.id for e in ents]), Packed.pack([e.name for e in ents])
        rid, rfr = Packed.pack([r.id for r in recs]), Packed.pack([r.federal_register_notice
                                                                   for r in recs])  # fmt: skip
        table = {
            "ent_ptr": ptr, "ent_id_data": ids.data, "ent_id_off": ids.offsets,
            "ent_name_data": names.data, "ent_name_off": names.offsets,
            "rec_list": np.asarray([lpos[r.list] for r in recs], dtype=np.int32),
            "rec_from": np.asarray([_day(r.listed_from, _NO_DAY_LO) for r in recs], np.int64),
            "rec_to": np.asarray([_day(r.listed_to, _NO_DAY_HI) for r in recs], np.int64),
            "rec_id_data": rid.data, "rec_id_off": rid.offsets,
            "rec_fr_data": rfr.data, "rec_fr_off": rfr.offsets,
        }  # fmt: skip
        return cls(index, table, lists, source)

    @property
    def n(self) -> int:
        return int(self.table["ent_ptr"].size - 1)

    def describe(self, label: str) -> str:
        """'<label>: R records, E entities, L lists'."""
        r = int(self.table["rec_list"].size)
        return f"{label}: {r:,} records, {self.n:,} entities, {len(self.lists)} lists"

    def entity_id(self, i: int) -> str:
        return Packed(self.table["ent_id_data"], self.table["ent_id_off"])[i]

    def entity(self, i: int) -> ListedEntity:
        t = self.table
        rid = Packed(t["rec_id_data"], t["rec_id_off"])
        rfr = Packed(t["rec_fr_data"], t["rec_fr_off"])
        name = Packed(t["ent_name_data"], t["ent_name_off"])[i]
        recs = []
        for k in range(int(t["ent_ptr"][i]), int(t["ent_ptr"][i + 1])):
            recs.append(Party(rid[k], name, self.lists[int(t["rec_list"][k])],
                              _date(int(t["rec_from"][k]), _NO_DAY_LO),
                              _date(int(t["rec_to"][k]), _NO_DAY_HI), (), rfr[k]))  # fmt: skip
        return ListedEntity(self.entity_id(i), name, recs)

    def active_mask(self, day: int) -> np.ndarray:
        """Per entity: whether any of its records is active on ``day`` (vectorised)."""
        t = self.table
        rec_entity = np.repeat(np.arange(self.n), np.diff(t["ent_ptr"]))
        act = (t["rec_from"] <= day) & (day <= t["rec_to"])
        out = np.zeros(self.n, dtype=bool)
        out[rec_entity[act]] = True
        return out

    def save(self, directory: Path, meta: dict[str, Any]) -> None:
        self.names.save(directory / "names", meta)
        for k, v in self.table.items():
            np.save(directory / f"{k}.npy", np.ascontiguousarray(v))
        (directory / "lists.json").write_text(json.dumps(self.lists), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> PartyIndex:
        keys = [p.stem for p in directory.glob("*.npy")]
        table = {k: np.load(directory / f"{k}.npy", mmap_mode="r") for k in keys}
        lists = json.loads((directory / "lists.json").read_text(encoding="utf-8"))
        return cls(NameIndex.load(directory / "names"), table, lists)


def cache_dir() -> Path:
    """Where indexes of party files are kept: ``$CHIPWAR_CACHE_DIR`` or ~/.cache/chipwar."""
    base = os.environ.get("CHIPWAR_CACHE_DIR") or Path.home() / ".cache" / "chipwar"
    return Path(base) / "screening"


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _registry_digest() -> str:
    return hashlib.sha256((DATA_DIR / "chinese_names.yaml").read_bytes()).hexdigest()[:16]


def index_for_file(
    path: str | Path,
    *,
    rebuild: bool = False,
    progress: Progress | None = None,
    progress_min: int = INDEX_PROGRESS_MIN_ENTITIES,
) -> tuple[PartyIndex, dict[str, Any]]:
    """The party index of a parties file, from the on-disk cache when its content hash (and
    the algorithm version and registry) match, else built from the file and stored (written
    to a temporary directory, then renamed: never half-written). Returns (index, info)."""
    p = Path(path)
    digest = file_sha256(p)
    key = f"{digest[:32]}-v{ALGORITHM['version']}-r{_registry_digest()}"
    d = cache_dir() / key
    info = {"file": str(p), "sha256": digest, "index": str(d), "cached": False}
    label = f"{p.name} (sha256 {digest[:12]})"
    if d.is_dir() and not rebuild:
        info["cached"] = True
        idx = PartyIndex.load(d)
        idx.source = idx.describe(label)
        return idx, info
    idx = PartyIndex.build(read_parties(p), progress=progress, progress_min=progress_min)
    d.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=d.parent))
    try:
        idx.save(tmp, {"sha256": digest, "file": p.name})
        if d.exists():
            shutil.rmtree(d)
        os.replace(tmp, d)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    idx = PartyIndex.load(d)
    idx.source = idx.describe(label)
    return idx, info


@cache
def _shipped_party_index() -> PartyIndex:
    return PartyIndex.build(load_parties(), "shipped snapshot (data/parties.yaml)")


# --------------------------------------------------------------------------- the world


@dataclass
class World:
    """Parties + graph, linked: graph entity g ↔ party entity p (same id or exact name)."""

    parties: PartyIndex
    graph: OwnershipGraph
    graph_names: NameIndex
    g2p: dict[int, list[int]]
    p2g: dict[int, int]

    @classmethod
    def make(cls, parties: PartyIndex, graph: OwnershipGraph) -> World:
        ids = parties.names.ids
        pos = {ids[i]: i for i in range(len(ids))} if len(ids) <= 200_000 else {}
        g2p: dict[int, list[int]] = {}
        for gi, gid in enumerate(graph.ids):
            hit = [pos[gid]] if gid in pos else []
            if not hit:
                found: set[int] = set()
                for label in (graph.names[gi], *graph.aliases[gi]):
                    found.update(parties.names.exact_entries(label))
                hit = sorted(found)
            if hit:
                g2p[gi] = hit
        p2g = {p: g for g, ps in g2p.items() for p in ps}
        gnames = NameIndex.build(
            [(gid, graph.names[i], list(graph.aliases[i])) for i, gid in enumerate(graph.ids)]
        )
        return cls(parties, graph, gnames, g2p, p2g)


def _world(parties: Sequence[Party] | PartyIndex | None, graph: OwnershipGraph | None) -> World:
    if isinstance(parties, PartyIndex):
        pidx = parties
    elif parties is None:
        pidx = _shipped_party_index()
    else:
        pidx = PartyIndex.build(parties)
    return World.make(pidx, graph if graph is not None else load_ownership())


# --------------------------------------------------------------------------- status


def _status(
    w: World,
    date: dt.date,
    threshold: float | None,
    rule: AffiliatesRule,
    targets: list[tuple[str, int]],
    max_paths: int = 5,
) -> list[dict[str, Any]]:
    """Rows for targets ('g', graph index) or ('p', party entity index)."""
    thr = rule.threshold if threshold is None else threshold
    day = _day(date, 0)
    active = w.parties.active_mask(day)
    covered = np.array([rule.covers(x) for x in w.parties.lists], dtype=bool)
    g = w.graph
    seeds = np.zeros(g.n, dtype=bool)
    for gi, ps in w.g2p.items():
        for p in ps:
            if active[p] and _covered(w.parties, p, day, covered):
                seeds[gi] = True
    m = g.matrix(date)
    a = aggregate(m, seeds, ids=g.ids)
    status, why = rule.status_on(date)
    reviewed = rules_reviewed_through()
    as_of = {"parties": w.parties.source, "rules_reviewed_through": reviewed.isoformat(),
             "stale": date > reviewed}  # fmt: skip
    out: list[dict[str, Any]] = []
    for kind, i in targets:
        tg: int | None = i if kind == "g" else w.p2g.get(i)
        ps = w.g2p.get(i, []) if kind == "g" else [i]
        ents = [w.parties.entity(p) for p in ps]
        st = [e.status(date) for e in ents]
        listed = any(s["listed"] for s in st)
        agg = float(a[tg]) if tg is not None else 0.0
        reasons = [r for s in st for r in s["reasons"]]
        affiliate: bool | None = False
        if not listed:
            affiliate, why_aff = decide(agg, thr, status, why, date)
            reasons.append(why_aff)
        paths = ([p.describe(g.names) for p in top_paths(m, tg, seeds, k=max_paths)]
                 if tg is not None and agg > 0 else [])  # fmt: skip
        since = [s["listed_since"] for s in st if s["listed_since"]]
        out.append({
            "entity_id": g.ids[tg] if tg is not None else ents[0].id,
            "name": g.names[tg] if tg is not None else ents[0].name,
            "date": date.isoformat(),
            "listed": listed,
            "lists": sorted({x for s in st for x in s["lists"]}),
            "listed_since": min(since) if since else None,
            "affiliate": affiliate,
            "aggregate_listed_ownership": round(agg, 6),
            "threshold": thr,
            "rule_status": status,
            "paths": paths,
            "owners": _direct_owners(g, m, tg) if tg is not None else [],
            "reasons": reasons,
            "history": [h for s in st for h in s["history"]],
            "data_as_of": as_of,
        })  # fmt: skip
    return out


def _covered(pidx: PartyIndex, p: int, day: int, covered: np.ndarray) -> bool:
    t = pidx.table
    lo, hi = int(t["ent_ptr"][p]), int(t["ent_ptr"][p + 1])
    fr, to, ls = t["rec_from"][lo:hi], t["rec_to"][lo:hi], t["rec_list"][lo:hi]
    return bool(np.any((fr <= day) & (day <= to) & covered[ls]))


def _direct_owners(g: OwnershipGraph, m: Any, t: int) -> list[dict[str, Any]]:
    lo, hi = m.indptr[t], m.indptr[t + 1]
    rows = [
        {"owner_id": g.ids[int(j)], "owner": g.names[int(j)], "share": float(s)}
        for j, s in zip(m.indices[lo:hi], m.data[lo:hi], strict=True)
    ]
    return sorted(rows, key=lambda r: -r["share"])


def assess(
    entity_ids: Sequence[str],
    date: dt.date | str | None = None,
    *,
    threshold: float | None = None,
    graph: OwnershipGraph | None = None,
    parties: Sequence[Party] | PartyIndex | None = None,
    rule: AffiliatesRule | None = None,
    max_paths: int = 5,
) -> list[dict[str, Any]]:
    """Status of each entity (graph id or listed-entity id) on ``date``: listed (lists,
    history), aggregate listed ownership, affiliate (True / False / None = undetermined) and
    the top ownership paths."""
    day = parse_date(date)
    _check_threshold(threshold)
    w = _world(parties, graph)
    ids = w.parties.names.ids
    targets: list[tuple[str, int]] = []
    for eid in entity_ids:
        if eid in w.graph.index:
            targets.append(("g", w.graph.index[eid]))
            continue
        hit = next((i for i in range(len(ids)) if ids[i] == eid), None)
        if hit is None:
            w.graph.idx(eid)  # raises UnknownIdError with suggestions
        else:
            targets.append(("g", w.p2g[hit]) if hit in w.p2g else ("p", hit))
    return _status(w, day, threshold, rule or load_affiliates_rule(), targets, max_paths)


def _check_threshold(threshold: float | None) -> None:
    if threshold is not None and not 0 < threshold <= 1:
        raise InputError("threshold", threshold, "a number above 0 and at most 1")


# --------------------------------------------------------------------------- screen


def screen(
    queries: Sequence[str],
    date: dt.date | str | None = None,
    *,
    threshold: float | None = None,
    min_score: float = DEFAULT_MIN_SCORE,
    limit: int = 5,
    parties: Sequence[Party] | PartyIndex | None = None,
    graph: OwnershipGraph | None = None,
    progress: Progress | None = None,
    progress_min: int = SCREEN_PROGRESS_MIN_NAMES,
) -> list[dict[str, Any]]:
    """Candidates for each query name, one row per entity (records of one entity merged):
    the match (score, reason, ``algorithm``, ``features``), listed status with history, and the
    affiliate status and ownership paths on ``date``. ``progress(names screened, names)`` is
    told after each chunk, only for at least ``progress_min`` names. A cancelled caller
    (:mod:`chipwar.cancel`) stops it at the next chunk or name."""
    if not 0 < min_score <= 1:
        raise InputError("min_score", min_score, "a number above 0 and at most 1")
    _check_threshold(threshold)
    for q in queries:
        if not str(q).strip():
            raise InputError("name", q, "a non-empty company name")
    day = parse_date(date)
    w = _world(parties, graph)
    qs = list(queries)
    told = progress if len(qs) >= progress_min else None
    step = SCREEN_CHUNK_NAMES if told is not None else max(len(qs), 1)
    rule = load_affiliates_rule()
    reg_sources = _registry_sources()
    out: list[dict[str, Any]] = []
    for lo in range(0, len(qs), step):
        cancel.check()
        out += _screen_chunk(w, qs[lo : lo + step], day, threshold, min_score, limit, rule,
                             reg_sources)  # fmt: skip
        if told is not None:
            told(min(lo + step, len(qs)), len(qs))
    return out


def _screen_chunk(
    w: World,
    queries: list[str],
    day: dt.date,
    threshold: float | None,
    min_score: float,
    limit: int,
    rule: AffiliatesRule,
    reg_sources: dict[str, list[str]],
) -> list[dict[str, Any]]:
    """:func:`screen`'s rows for these names."""
    p_matches = w.parties.names.search(queries, min_score=min_score, limit=limit * 2)
    g_matches = w.graph_names.search(queries, min_score=min_score, limit=limit * 2)
    out: list[dict[str, Any]] = []
    for q, pm, gm in zip(queries, p_matches, g_matches, strict=True):
        cancel.check()  # per name: its status and ownership paths are the slow part
        best: dict[tuple[str, int], Match] = {}
        for m in pm:
            tgt = ("g", w.p2g[m.entry]) if m.entry in w.p2g else ("p", m.entry)
            if tgt not in best or m.score > best[tgt].score:
                best[tgt] = m
        for m in gm:
            tgt = ("g", m.entry)
            if tgt not in best or m.score > best[tgt].score:
                best[tgt] = m
        ranked = sorted(best.items(), key=lambda kv: (-kv[1].score, kv[0]))
        if not ranked:
            out.append({"query": q, "entity_id": None, "name": None, "score": 0.0,
                        "reason": "no candidate at or above the minimum score", "listed": False,
                        "lists": [], "affiliate": False, "aggregate_listed_ownership": 0.0,
                        "paths": [], "reasons": [], "history": [], "algorithm": ALGORITHM,
                        "features": {}})  # fmt: skip
            continue
        rows = _status(w, day, threshold, rule, [t for t, _ in ranked])
        # Equal scores: the whole query before one of its parts ('… (CETC) 54th Research
        # Institute' is the institute, not CETC, which its bracket alone names); then an entity
        # listed on the day, so that a company on two lists without a shared id (two entities)
        # is never answered by its ended record alone.
        order = sorted(
            range(len(ranked)),
            key=lambda i: (-ranked[i][1].score, ranked[i][1].part is not None,
                           not rows[i]["listed"], ranked[i][0]),
        )  # fmt: skip
        ranked = [ranked[i] for i in order][:limit]
        rows = [rows[i] for i in order][:limit]
        keep = ("listed", "lists", "listed_since", "affiliate", "aggregate_listed_ownership",
                "rule_status", "paths", "reasons", "history", "data_as_of")  # fmt: skip
        for (_, m), st in zip(ranked, rows, strict=True):
            reason = m.reason
            if m.kind in ("registry", "pinyin", "translit") and m.label in reg_sources:
                reason += f"; registry source: {', '.join(reg_sources[m.label])}"
            out.append({"query": q, "entity_id": st["entity_id"], "name": st["name"],
                        "matched": m.label, "score": round(m.score, 4), "reason": reason,
                        "algorithm": m.algorithm, "features": m.features, "date": st["date"],
                        **{k: st[k] for k in keep}})  # fmt: skip
    return out


@cache
def _registry_sources() -> dict[str, list[str]]:
    return {n.name: list(n.source) for c in load_chinese_names() for n in c.names}


def read_party_source(
    path: str | Path,
    progress: Progress | None = None,
    progress_min: int = INDEX_PROGRESS_MIN_ENTITIES,
) -> PartyIndex:
    """A parties file as a (cached, memory-mapped) party index; ``progress`` while building."""
    return index_for_file(path, progress=progress, progress_min=progress_min)[0]


# --------------------------------------------------------------------------- data check


def check_data(sources: dict[str, Source]) -> list[str]:
    """Checker for ``chipwar data validate``: parties, ownership, the affiliates rule and the
    Chinese-name registry load and cite sources that resolve; the sample files load."""
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
    for c in load_chinese_names():
        for n in c.names:
            problems += check_source_ids(n.source, f"chinese_names.yaml[{c.id}] {n.name}",
                                         sources)  # fmt: skip
    read_csl_csv(DATA_DIR / "csl_sample.csv")
    read_csl_json(DATA_DIR / "csl_sample.json")
    return problems


__all__ = ["DEFAULT_MIN_SCORE", "PartyIndex", "assess", "check_data", "index_for_file",
           "normalize", "screen"]  # fmt: skip
