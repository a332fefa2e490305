"""Computers and servers built from catalog accelerators (ECCN 4A090 classifies them by their ICs).

A system is classified like the IC it contains: the IC's ECCN (3A090.a/.b) maps to the system's
(4A090.a/.b) by the ``systems`` table of the rule version in force (source bis-2022-10-07-ifr,
bis-2023-acs-ifr); licence requirements are those of the IC.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import Field

from chipwar.catalog.io import DATA_DIR, read_table
from chipwar.catalog.types import Slug, SourceIds, Strict


class System(Strict):
    """A server or computer containing ``ic_count`` accelerators of catalog id ``ic``."""

    id: Slug
    name: str
    vendor: str
    ic: str
    ic_count: int = Field(gt=0)
    source: SourceIds
    notes: str = ""


def read_systems(path: str | Path) -> list[System]:
    return read_table(System, path, "systems")


@cache
def load_systems() -> dict[str, System]:
    """The shipped systems (``data/systems.yaml``) as id -> System."""
    return {s.id: s for s in read_systems(DATA_DIR / "systems.yaml")}
