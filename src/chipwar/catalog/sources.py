"""The bibliography: every number in reference data cites ids that resolve here.

The bibliography is split by domain into ``data/sources/*.yaml`` (one mapping of id -> entry per
file) so each part of the model keeps its references beside its data; ids are unique across files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from chipwar.catalog.io import DATA_DIR, format_validation_error, read_structured
from chipwar.catalog.types import Strict
from chipwar.errors import DataError


class Source(Strict):
    """One bibliography entry."""

    title: str
    publisher: str
    date: dt.date | None = None
    url: str | None = None
    accessed: dt.date | None = None
    kind: str = "secondary"  # primary | secondary | analyst | press | dataset | assumption
    note: str = ""


def load_sources(directory: str | Path | None = None) -> dict[str, Source]:
    """Read every ``*.yaml`` in ``data/sources/`` into one id -> Source mapping."""
    if directory is None:
        return dict(_load_default())
    return _load_dir(Path(directory))


@cache
def _load_default() -> dict[str, Source]:
    return _load_dir(DATA_DIR / "sources")


def _load_dir(directory: Path) -> dict[str, Source]:
    out: dict[str, Source] = {}
    origin: dict[str, str] = {}
    problems: list[str] = []
    for path in sorted(directory.glob("*.yaml")):
        raw = read_structured(path) or {}
        if not isinstance(raw, dict):
            raise DataError(f"{path}: expected a mapping of source id -> entry")
        for sid, entry in raw.items():
            if sid in out:
                problems.append(f"{path.name}: source id {sid!r} already defined in {origin[sid]}")
                continue
            try:
                out[sid] = Source.model_validate(entry)
                origin[sid] = path.name
            except ValidationError as exc:
                problems.append(format_validation_error(exc, f"{path.name}[{sid}]"))
    if problems:
        raise DataError("\n".join(problems))
    return out


def cited_source_ids(node: Any) -> list[str]:
    """Every id under a ``source`` key anywhere in nested mappings and lists, in order (repeats
    kept)."""
    if isinstance(node, dict):
        out: list[str] = []
        for key, value in node.items():
            if key == "source" and isinstance(value, list | tuple):
                out.extend(str(v) for v in value)
            else:
                out.extend(cited_source_ids(value))
        return out
    if isinstance(node, list | tuple):
        return [sid for item in node for sid in cited_source_ids(item)]
    return []


def check_source_ids(ids: Iterable[str], where: str, sources: dict[str, Source]) -> list[str]:
    """Return one problem line per id that does not resolve in the bibliography."""
    return [
        f"{where}: source {sid!r} is not in the bibliography" for sid in ids if sid not in sources
    ]


def data_as_of() -> dt.date:
    """How current the shipped data are: the newest ``accessed`` (else publication) date among
    the sources in ``data/sources/``."""
    days = [s.accessed or s.date for s in load_sources().values()]
    return max(d for d in days if d is not None)
