"""The experiment format (issue 19), in the manner of the EMA workbench.

An experiment is a YAML/JSON file::

    name: compute-910c-vs-h20            # a slug
    model: compute                       # compute | workload | supply | dynamics | ishigami
    base: null                           # the engine's scenario file or built-in name
    settings: {chips: [...], site: ...}  # model options (see chipwar.experiments.models)
    design: monte-carlo                  # monte-carlo | latin-hypercube | sobol | morris |
                                         # full-factorial (levers only)
    samples: 10000                       # design size (Sobol: N base rows; Morris: trajectories)
    seed: 1
    chunk_size: 5000                     # rows per Parquet chunk (part of the experiment:
                                         # Monte Carlo draws are seeded per chunk)
    uncertainties:                       # column name -> uncertain value (explicit
      price_910c:                        #   distribution, parameters, source ids)
        input: chip_capex_usd[huawei-ascend-910c]   # the model input(s) it sets (default: name)
        distribution: pert
        low: 10000
        base: 20000
        high: 28000
        source: [some-source-id]
    levers:                              # column name -> values (or a grid); every
      subsidy: {input: subsidy, values: [0.0, 0.5]}  # combination is crossed with the design
    outcomes:                            # column name -> model output
      cost_910c: usd_per_pflop_hour[huawei-ascend-910c]

Rows: ``samples`` design rows (Sobol: N·(k + 2); Morris: N·(k + 1); full-factorial: 1) for
each combination of lever values, combination-major. Column names are SQL identifiers
(lower-case letters, digits, underscores) so queries need no quoting.

JSON Schema: ``docs/experiment.schema.json`` (:func:`json_schema`).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, model_validator

from chipwar.catalog.io import (
    check_size,
    env_int,
    format_validation_error,
    read_document,
)
from chipwar.catalog.types import Slug, SourceIds, Strict
from chipwar.catalog.uncertainty import Uncertain
from chipwar.errors import DataError

ModelName = Literal["compute", "workload", "supply", "dynamics", "ishigami"]
Design = Literal["monte-carlo", "latin-hypercube", "sobol", "morris", "full-factorial"]
COLUMN = r"^[a-z][a-z0-9_]{0,62}$"
RESERVED = ("sample", "chunk", "seed")
MAX_ROWS_ENV = "CHIPWAR_MAX_SWEEP_ROWS"
MAX_ROWS_DEFAULT = 100_000_000
"""Rows of one experiment (design rows × lever combinations) allowed by default; the
environment variable ``CHIPWAR_MAX_SWEEP_ROWS`` raises it (``catalog.io.check_size``)."""
MAX_CHUNK_ENV = "CHIPWAR_MAX_SWEEP_CHUNK"
MAX_CHUNK_DEFAULT = 2_000_000
"""Rows of one chunk allowed by default (a chunk's inputs, outputs and the engine's temporaries
are held in a worker's memory at once); ``CHIPWAR_MAX_SWEEP_CHUNK`` raises it."""


class UncertaintySpec(Uncertain):
    """One uncertainty: the model input(s) it sets and its distribution, with source ids."""

    input: str | list[str] | None = Field(
        None, description="Model input, or several set to the same value; default: the name."
    )
    source: SourceIds


class Grid(Strict):
    """``num`` evenly spaced values from ``start`` to ``stop`` (both included)."""

    start: float
    stop: float
    num: int = Field(ge=2, le=1000)


class LeverSpec(Strict):
    """A lever: explicit values (numbers or words) or a numeric grid."""

    input: str | None = Field(None, description="Model input; default: the column name.")
    values: list[float | str] | None = Field(None, min_length=1)
    grid: Grid | None = None
    source: list[str] = Field(default_factory=list)
    note: str = ""

    @model_validator(mode="after")
    def _one(self) -> LeverSpec:
        if (self.values is None) == (self.grid is None):
            raise ValueError("give either values or grid")
        return self

    def levels(self) -> list[float | str]:
        if self.values is not None:
            return list(self.values)
        g = self.grid
        assert g is not None
        step = (g.stop - g.start) / (g.num - 1)
        return [g.start + i * step for i in range(g.num)]


class MorrisOptions(Strict):
    levels: int = Field(4, ge=2, le=20, description="Grid levels p of the Morris design.")


class Experiment(Strict):
    """A whole experiment (see the module docstring)."""

    name: Slug
    description: str = ""
    model: ModelName
    base: str | None = Field(None, description="Scenario file or built-in name for the model.")
    settings: dict[str, Any] = Field(default_factory=dict)
    design: Design = "monte-carlo"
    samples: int = Field(1, ge=1)
    seed: int = Field(0, ge=0)
    chunk_size: int = Field(10_000, ge=1)
    uncertainties: dict[str, UncertaintySpec] = Field(default_factory=dict)
    levers: dict[str, LeverSpec] = Field(default_factory=dict)
    outcomes: dict[str, str] = Field(min_length=1)
    morris: MorrisOptions = Field(default_factory=lambda: MorrisOptions.model_validate({}))
    source: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> Experiment:
        import re

        names = [*self.uncertainties, *self.levers, *self.outcomes]
        for n in names:
            if not re.match(COLUMN, n) or n in RESERVED:
                raise ValueError(
                    f"column name {n!r} must match {COLUMN} and not be one of {', '.join(RESERVED)}"
                )
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"column names must be unique across sections: {', '.join(dup)}")
        if self.design in ("sobol", "morris", "latin-hypercube") and not self.uncertainties:
            raise ValueError(f"design {self.design} needs at least one uncertainty")
        if self.design == "sobol" and self.samples & (self.samples - 1):
            raise ValueError(f"design sobol needs samples a power of 2, got {self.samples}")
        if self.design == "full-factorial" and not self.levers:
            raise ValueError("design full-factorial needs at least one lever")
        return self

    def check_limits(self) -> None:
        """LimitError if the experiment has more rows, or bigger chunks, than allowed (before
        any design is built or any work starts)."""
        check_size(
            "rows", self.rows, env_int(MAX_ROWS_ENV, MAX_ROWS_DEFAULT), env=MAX_ROWS_ENV,
            unit="rows",
        )  # fmt: skip
        check_size(
            "chunk_size", self.chunk_size, env_int(MAX_CHUNK_ENV, MAX_CHUNK_DEFAULT),
            env=MAX_CHUNK_ENV, unit="rows",
        )  # fmt: skip

    @property
    def design_rows(self) -> int:
        """Rows of the design for one lever combination."""
        k = len(self.uncertainties)
        if self.design == "sobol":
            return self.samples * (k + 2)
        if self.design == "morris":
            return self.samples * (k + 1)
        if self.design == "full-factorial":
            return 1
        return self.samples

    def lever_combinations(self) -> list[tuple[float | str, ...]]:
        """Every combination of lever values, in the levers' order (first lever slowest)."""
        return list(itertools.product(*(lv.levels() for lv in self.levers.values())))

    @property
    def rows(self) -> int:
        return self.design_rows * max(1, math.prod(len(lv.levels()) for lv in self.levers.values()))

    @property
    def n_chunks(self) -> int:
        return -(-self.rows // self.chunk_size)

    def inputs_of(self, column: str) -> list[str]:
        """The model inputs that an uncertainty or lever column sets."""
        spec = self.uncertainties.get(column) or self.levers[column]
        if spec.input is None:
            return [column]
        return [spec.input] if isinstance(spec.input, str) else list(spec.input)

    def canonical_json(self) -> str:
        """The experiment as compact JSON (what workers receive and the hash covers). Keys keep
        their order: the order of the uncertainties is the order of the design's columns."""
        return json.dumps(self.model_dump(mode="json"), separators=(",", ":"))

    def digest(self) -> str:
        """sha256 of :meth:`canonical_json`."""
        return hashlib.sha256(self.canonical_json().encode()).hexdigest()


def parse_experiment(raw: Any, where: str = "experiment") -> Experiment:
    """Validate a mapping into an Experiment; every problem names the field (DataError)."""
    if not isinstance(raw, dict):
        raise DataError(f"{where}: expected a mapping at the top level")
    try:
        return Experiment.model_validate(raw)
    except ValidationError as exc:
        raise DataError(format_validation_error(exc, where)) from None


def read_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment file (YAML or JSON); base paths resolve against its
    folder; every uncertainty's source ids must be in the bibliography."""
    from chipwar.catalog.sources import load_sources

    path = Path(path)
    exp = parse_experiment(read_document(path, "an experiment (a mapping)"), where=path.name)
    exp.check_limits()
    if exp.base is not None and not Path(exp.base).is_absolute():
        beside = path.parent / exp.base
        if beside.exists():
            exp = exp.model_copy(update={"base": str(beside.resolve())})
    known = load_sources()
    for col, u in exp.uncertainties.items():
        for sid in u.source:
            if sid not in known:
                raise DataError(
                    f"{path.name}: uncertainties.{col}.source: {sid!r} is not in the bibliography "
                    "(src/chipwar/data/sources/*.yaml)"
                )
    return exp


def json_schema() -> dict[str, Any]:
    """JSON Schema of the experiment format (published as docs/experiment.schema.json)."""
    schema = Experiment.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "chipwar experiment"
    return schema
