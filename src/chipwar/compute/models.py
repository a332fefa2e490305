"""Reference LLM catalog (``data/models.yaml``) and the workload efficiency assumptions.

Loaded once into pydantic rows at the boundary, then flattened into NumPy arrays
(:func:`model_arrays`) for the vectorised estimator in :mod:`chipwar.compute.workload`.
Sources: ``data/sources/workloads.yaml``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from chipwar.catalog.io import DATA_DIR, lookup, parse_one, read_structured, read_table
from chipwar.catalog.sources import Source, check_source_ids
from chipwar.catalog.types import Range, Slug, SourceIds, Strict


class ModelSpec(Strict):
    """One reference LLM: the architecture fields the roofline and training estimators need."""

    id: Slug
    name: str
    developer: str
    release_date: dt.date | None = None
    architecture: Literal["dense", "moe"]
    params: float = Field(gt=0)
    """Total parameters [count], embeddings and output head included."""
    active_params: float = Field(gt=0)
    """Parameters used per token [count] (= params for dense models)."""
    layers: int = Field(gt=0)
    hidden_size: int = Field(gt=0)
    attention_heads: int = Field(gt=0)
    attention: Literal["gqa", "mla"] = "gqa"
    kv_heads: int | None = Field(default=None, gt=0)
    head_dim: int = Field(gt=0)
    """Query/key head dimension [values]."""
    v_head_dim: int | None = Field(default=None, gt=0)
    """Value head dimension when it differs from ``head_dim`` (MLA)."""
    kv_lora_rank: int | None = Field(default=None, gt=0)
    qk_rope_head_dim: int | None = Field(default=None, gt=0)
    experts: int | None = Field(default=None, gt=0)
    experts_per_token: int | None = Field(default=None, gt=0)
    shared_experts: int | None = Field(default=None, ge=0)
    vocab_size: int = Field(gt=0)
    max_context: int = Field(gt=0)
    pretrain_seq_len: int | None = Field(default=None, gt=0)
    source: SourceIds
    notes: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> ModelSpec:
        if self.active_params > self.params:
            raise ValueError("active_params must not exceed params")
        if self.attention == "mla":
            if self.kv_lora_rank is None or self.qk_rope_head_dim is None:
                raise ValueError("attention 'mla' needs kv_lora_rank and qk_rope_head_dim")
        elif self.kv_heads is None:
            raise ValueError("attention 'gqa' needs kv_heads")
        if self.architecture == "moe":
            if self.experts is None or self.experts_per_token is None:
                raise ValueError("architecture 'moe' needs experts and experts_per_token")
            if self.experts_per_token > self.experts:
                raise ValueError("experts_per_token must not exceed experts")
        elif self.active_params != self.params:
            raise ValueError("a dense model has active_params == params")
        return self

    @property
    def kv_values_per_token(self) -> int:
        """Cached values per token [values]: MLA L·(r + d_rope); otherwise 2·L·n_kv·d_head."""
        if self.attention == "mla":
            assert self.kv_lora_rank is not None and self.qk_rope_head_dim is not None
            return self.layers * (self.kv_lora_rank + self.qk_rope_head_dim)
        assert self.kv_heads is not None
        return 2 * self.layers * self.kv_heads * self.head_dim

    @property
    def routed_params(self) -> float:
        """Parameters in routed experts [count]: (N − N_active)·E/(E − k); 0 for dense models.

        Derived from totals so that N = dense + routed and N_active = dense + routed·k/E."""
        if self.architecture == "dense" or self.experts is None or self.experts_per_token is None:
            return 0.0
        e, k = self.experts, self.experts_per_token
        return (self.params - self.active_params) * e / (e - k) if e > k else 0.0


class WorkloadAssumptions(Strict):
    """Efficiency factors (see data/workload_assumptions.yaml for their sources)."""

    bandwidth_efficiency: Range
    compute_efficiency: Range
    training_mfu: Range
    usable_memory_fraction: Range

    @model_validator(mode="after")
    def _fractions(self) -> WorkloadAssumptions:
        for name in type(self).model_fields:
            r: Range = getattr(self, name)
            if not (r.low > 0 and r.high <= 1):
                raise ValueError(f"{name} must lie in (0, 1], got {r.low}..{r.high}")
        return self


def read_models(path: str | Path) -> list[ModelSpec]:
    """Read and validate a model file (a list of rows, or one mapping)."""
    return read_table(ModelSpec, path, "models")


@cache
def _default_models() -> tuple[ModelSpec, ...]:
    return tuple(read_models(DATA_DIR / "models.yaml"))


def load_models(path: str | Path | None = None) -> dict[str, ModelSpec]:
    """The model catalog as id -> ModelSpec (the shipped one, or a user file)."""
    rows = _default_models() if path is None else read_models(path)
    return {m.id: m for m in rows}


def get_model(model_id: str | ModelSpec, extra: dict[str, ModelSpec] | None = None) -> ModelSpec:
    """Look a model up in ``extra`` then in the shipped catalog; a ModelSpec passes through."""
    if isinstance(model_id, ModelSpec):
        return model_id
    catalog = {**load_models(), **(extra or {})}
    return lookup(catalog, model_id, "model")


@cache
def load_workload_assumptions() -> WorkloadAssumptions:
    """The shipped efficiency factors."""
    path = DATA_DIR / "workload_assumptions.yaml"
    return parse_one(WorkloadAssumptions, read_structured(path), path.name)


@dataclass(frozen=True)
class ModelArrays:
    """Models flattened into equal-length float arrays (one element per model)."""

    ids: tuple[str, ...]
    params: np.ndarray
    active_params: np.ndarray
    routed_params: np.ndarray
    experts: np.ndarray
    """Routed experts E (1 for dense models; then routed_params is 0)."""
    experts_per_token: np.ndarray
    layers: np.ndarray
    attention_heads: np.ndarray
    qk_head_dim: np.ndarray
    v_head_dim: np.ndarray
    kv_values_per_token: np.ndarray
    max_context: np.ndarray


def model_arrays(models: list[ModelSpec]) -> ModelArrays:
    """Flatten ModelSpec rows into arrays for the vectorised engine."""

    def arr(values: list[float]) -> np.ndarray:
        return np.asarray(values, dtype=float)

    return ModelArrays(
        ids=tuple(m.id for m in models),
        params=arr([m.params for m in models]),
        active_params=arr([m.active_params for m in models]),
        routed_params=arr([m.routed_params for m in models]),
        experts=arr([m.experts or 1 for m in models]),
        experts_per_token=arr([m.experts_per_token or 1 for m in models]),
        layers=arr([m.layers for m in models]),
        attention_heads=arr([m.attention_heads for m in models]),
        qk_head_dim=arr([m.head_dim for m in models]),
        v_head_dim=arr([m.v_head_dim or m.head_dim for m in models]),
        kv_values_per_token=arr([m.kv_values_per_token for m in models]),
        max_context=arr([m.max_context for m in models]),
    )


def check_data(sources: dict[str, Source]) -> list[str]:
    """Validate models.yaml and workload_assumptions.yaml; every source id must resolve."""
    problems: list[str] = []
    for m in load_models().values():
        problems += check_source_ids(m.source, f"models.yaml[{m.id}]", sources)
    a = load_workload_assumptions()
    for name in type(a).model_fields:
        rng: Range = getattr(a, name)
        problems += check_source_ids(rng.source, f"workload_assumptions.yaml[{name}]", sources)
    return problems
