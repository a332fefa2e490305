"""GLEIF golden-copy files as an ownership source (source gleif-golden-copy).

* **Level 1** (LEI-CDF CSV, one row per LEI): ``LEI``, ``Entity.LegalName`` (in the local
  language, e.g. 中芯国际集成电路制造有限公司), ``Entity.OtherEntityNames.OtherEntityName.N`` and
  ``Entity.TransliteratedOtherEntityNames.TransliteratedOtherEntityName.N`` (→ aliases),
  ``Entity.LegalAddress.Country``. With it, any company a user has GLEIF data for is matched in
  its local-language name, like the shipped Chinese-name registry.
* **Level 2** (relationship-record CSV, one row per relationship):
  ``Relationship.StartNode.NodeID`` (the child), ``Relationship.EndNode.NodeID`` (the parent),
  ``Relationship.RelationshipType``, ``Relationship.RelationshipStatus``, periods
  ``Relationship.RelationshipPeriods.RelationshipPeriod.N.{StartDate,EndDate,PeriodType}`` and
  quantifiers ``Relationship.RelationshipQuantifiers.RelationshipQuantifier.N.{MeasurementMethod,
  QuantifierAmount,QuantifierUnits}``.

Edges: ``IS_DIRECTLY_CONSOLIDATED_BY`` (parent → child) and ``IS_INTERNATIONAL_BRANCH_OF``
(head office → branch, counted 100 %); ``IS_ULTIMATELY_CONSOLIDATED_BY`` is skipped (the chain of
direct relationships already implies it; counting both would double a share) and so are fund
relationships. Share: the quantifier in PERCENTAGE units when the record gives one (÷ 100).

**Consolidation without a percentage** — how it is counted is a choice (``consolidation``):
``"full"`` (default) counts it as 100 %: accounting consolidation means control, and the
affiliates test asks about ownership ≥ 50 %, so a controlled child is treated as wholly held (this
may flag an entity whose true chain product is below 50 %: it errs towards screening more);
``"majority"`` counts 50 % (the least share consistent with control by voting majority);
``"skip"`` drops the edge (only quantified relationships count). Validity: the
RELATIONSHIP_PERIOD's start/end dates when given; an INACTIVE relationship without an end date
is skipped. Each reader checks its header and names the bad row.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Literal

from chipwar.catalog.io import (
    csv_records,
    is_memory_file,
    raise_problems,
    read_bytes,
    read_csv,
    require_columns,
)
from chipwar.controls.ownership import OwnershipGraph, _edge_arrays, read_ownership
from chipwar.errors import DataError, InputError

Consolidation = Literal["full", "majority", "skip"]
CONSOLIDATION_SHARE = {"full": 1.0, "majority": 0.5, "skip": None}
"""Share counted for a consolidation relationship that gives no percentage."""

L1_REQUIRED = ("LEI", "Entity.LegalName")
L2_REQUIRED = (
    "Relationship.StartNode.NodeID", "Relationship.EndNode.NodeID",
    "Relationship.RelationshipType", "Relationship.RelationshipStatus",
)  # fmt: skip
_LEI = re.compile(r"^[A-Z0-9]{18}[0-9]{2}$")
_OTHER = re.compile(
    r"^Entity\.(?:OtherEntityNames\.OtherEntityName|TransliteratedOtherEntityNames\."
    r"TransliteratedOtherEntityName)\.\d+$"
)
_PERIOD = "Relationship.RelationshipPeriods.RelationshipPeriod.{}.{}"
_QUANT = "Relationship.RelationshipQuantifiers.RelationshipQuantifier.{}.{}"


def read_gleif_level1(path: str | Path) -> dict[str, tuple[str, tuple[str, ...], str]]:
    """LEI -> (legal name, other and transliterated names, legal-address country)."""
    path = Path(path)
    reader = read_csv(path)
    require_columns(
        reader,
        L1_REQUIRED,
        path.name,
        "a GLEIF LEI-CDF golden-copy CSV header "
        "(LEI, Entity.LegalName, Entity.OtherEntityNames.OtherEntityName.1, …)",
    )
    others = [c for c in (reader.fieldnames or []) if _OTHER.match(c)]
    problems: list[str] = []
    out: dict[str, tuple[str, tuple[str, ...], str]] = {}
    for line, row in csv_records(reader, path.name, problems):
        where = f"{path.name} line {line}"
        lei = (row.get("LEI") or "").strip()
        name = (row.get("Entity.LegalName") or "").strip()
        if not _LEI.match(lei):
            problems.append(f"{where}, column LEI: {lei[:30]!r} is not allowed; expected a "
                            "20-character LEI (ISO 17442)")  # fmt: skip
            continue
        if not name:
            problems.append(f"{where}, column Entity.LegalName: empty; expected the legal name")
            continue
        if lei in out:
            problems.append(f"{where}, column LEI: duplicate LEI {lei}")
            continue
        aliases = tuple(dict.fromkeys(v.strip() for c in others if (v := row.get(c) or "")
                                      and v.strip() and v.strip() != name))  # fmt: skip
        out[lei] = (name, aliases, (row.get("Entity.LegalAddress.Country") or "").strip())
    raise_problems(problems)
    if not out:
        raise DataError(f"{path.name}: no LEI records found")
    return out


def read_gleif_level2(
    path: str | Path,
    level1: str | Path | None = None,
    *,
    consolidation: Consolidation = "full",
) -> OwnershipGraph:
    """An ownership graph from a GLEIF relationship-record CSV (and, when given, entity names
    and aliases from a Level 1 CSV). See the module docstring for the counting rules."""
    if consolidation not in CONSOLIDATION_SHARE:
        raise InputError("consolidation", consolidation, "one of full, majority, skip")
    path = Path(path)
    reader = read_csv(path)
    require_columns(reader, L2_REQUIRED, path.name, "a GLEIF relationship-record golden-copy "
                    f"CSV header ({', '.join(L2_REQUIRED)}, …)")  # fmt: skip
    fields = set(reader.fieldnames or [])
    n_periods = sum(1 for k in range(1, 10) if _PERIOD.format(k, "StartDate") in fields)
    n_quant = sum(1 for k in range(1, 10) if _QUANT.format(k, "QuantifierAmount") in fields)
    names = read_gleif_level1(level1) if level1 is not None else {}
    ids: list[str] = []
    index: dict[str, int] = {}

    def ent(lei: str) -> int:
        if lei not in index:
            index[lei] = len(ids)
            ids.append(lei)
        return index[lei]

    problems: list[str] = []
    edges: list[tuple[int, int, float, dt.date | None, dt.date | None]] = []
    sources: list[list[str]] = []
    for line, row in csv_records(reader, path.name, problems):
        where = f"{path.name} line {line}"
        child = (row.get("Relationship.StartNode.NodeID") or "").strip()
        parent = (row.get("Relationship.EndNode.NodeID") or "").strip()
        rtype = (row.get("Relationship.RelationshipType") or "").strip()
        status = (row.get("Relationship.RelationshipStatus") or "").strip()
        bad = False
        for col, val in (("Relationship.StartNode.NodeID", child),
                         ("Relationship.EndNode.NodeID", parent)):  # fmt: skip
            if not _LEI.match(val):
                problems.append(f"{where}, column {col}: {val[:30]!r} is not allowed; expected "
                                "a 20-character LEI")  # fmt: skip
                bad = True
        if status not in ("ACTIVE", "INACTIVE", "NULL", ""):
            problems.append(f"{where}, column Relationship.RelationshipStatus: {status[:20]!r} "
                            "is not allowed; expected ACTIVE or INACTIVE")  # fmt: skip
            bad = True
        if bad or rtype not in ("IS_DIRECTLY_CONSOLIDATED_BY", "IS_INTERNATIONAL_BRANCH_OF"):
            continue
        start = end = None
        for k in range(1, n_periods + 1):
            if (row.get(_PERIOD.format(k, "PeriodType")) or "") == "RELATIONSHIP_PERIOD":
                start = _iso(row.get(_PERIOD.format(k, "StartDate")), where,
                             _PERIOD.format(k, "StartDate"), problems)  # fmt: skip
                end = _iso(row.get(_PERIOD.format(k, "EndDate")), where,
                           _PERIOD.format(k, "EndDate"), problems)  # fmt: skip
        if status == "INACTIVE" and end is None:
            continue
        share: float | None = None
        for k in range(1, n_quant + 1):
            amount = (row.get(_QUANT.format(k, "QuantifierAmount")) or "").strip()
            units = (row.get(_QUANT.format(k, "QuantifierUnits")) or "").strip()
            if amount and units == "PERCENTAGE":
                try:
                    share = float(amount) / 100.0
                    if not 0 <= share <= 1:
                        raise ValueError
                except ValueError:
                    problems.append(f"{where}, column {_QUANT.format(k, 'QuantifierAmount')}: "
                                    f"{amount[:20]!r} is not allowed; expected a percentage "
                                    "0-100")  # fmt: skip
                    share = None
                    bad = True
        if bad:
            continue
        if rtype == "IS_INTERNATIONAL_BRANCH_OF":
            share = 1.0
        if share is None:
            share = CONSOLIDATION_SHARE[consolidation]
            if share is None:
                continue
            how = f"consolidation without percentage counted as {share:.0%} ({consolidation})"
        else:
            how = "percentage given"
        if child == parent:
            problems.append(f"{where}: an entity cannot be its own parent ({child})")
            continue
        edges.append((ent(parent), ent(child), share, start, end))
        sources.append(["gleif-golden-copy", how])
    raise_problems(problems)
    if not edges and not names:
        raise DataError(f"{path.name}: no usable relationship records (IS_DIRECTLY_"
                        "CONSOLIDATED_BY or IS_INTERNATIONAL_BRANCH_OF)")  # fmt: skip
    for lei in names:
        ent(lei)
    ent_names = [names[i][0] if i in names else i for i in ids]
    aliases = [names[i][1] if i in names else () for i in ids]
    return OwnershipGraph(ids, ent_names, aliases, *_edge_arrays(edges), sources)


def _iso(text: str | None, where: str, col: str, problems: list[str]) -> dt.date | None:
    t = (text or "").strip()
    if not t:
        return None
    try:
        return dt.date.fromisoformat(t[:10])
    except ValueError:
        problems.append(f"{where}, column {col}: {t[:30]!r} is not allowed; expected an ISO date")
        return None


def is_gleif_level2(path: str | Path) -> bool:
    p = Path(path)
    if p.suffix.lower() != ".csv":
        return False
    # bytes of the header line only, so bad UTF-8 later in the file is the reader's error
    if is_memory_file(p):  # an upload to the REST API
        head = read_bytes(p)[:65_536].split(b"\n", 1)[0]
    elif p.is_file():
        with open(p, "rb") as f:
            head = f.readline(65_536)
    else:
        return False
    return b"Relationship.StartNode.NodeID" in head


def read_ownership_any(
    path: str | Path, level1: str | Path | None = None, consolidation: Consolidation = "full"
) -> OwnershipGraph:
    """``--ownership``: a GLEIF Level 2 CSV (detected by its header), else chipwar's CSV/YAML."""
    if is_gleif_level2(path):
        return read_gleif_level2(path, level1, consolidation=consolidation)
    return read_ownership(path)
