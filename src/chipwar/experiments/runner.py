"""The sweep runner: an experiment's rows in chunks on a Dask cluster, each chunk written
atomically as one Parquet file, resumable after a crash.

Layout of the output folder::

    DIR/manifest.json          experiment, package version, data hashes, seeds, chunk plan
    DIR/chunks/chunk-000000.parquet   one file per chunk (written to a temporary name in the
    DIR/chunks/chunk-000001.parquet   same folder, then renamed: a file is whole or absent)

Each chunk file holds one row per experiment row: ``sample`` (the global row id), ``chunk``,
``seed`` (the generator seed of the row's Monte Carlo block, else the experiment seed), every
lever and uncertainty column (the inputs), and every outcome column (NaN is written as null,
e.g. a plant that never stops).

Determinism. A row's values depend only on the experiment (its seed, design and chunk size)
and the row id, never on how many workers ran it or in which order chunks finished: Monte Carlo
blocks seed their own generator (:func:`chipwar.experiments.designs.chunk_seed`), quasi-random
designs are built once from the seed. So a run resumed after ``kill -9`` (finished chunks are
skipped; leftover temporary files are removed) gives the same files as an uninterrupted run.

Execution. Without a scheduler address a ``distributed.LocalCluster`` of worker processes (one
thread each) is started and closed; with one, the chunks run on that existing cluster, whose
workers must have chipwar installed. Results come back to this process, which alone writes
files, so the workers need no shared disk.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from chipwar.catalog.io import DATA_DIR, write_atomically
from chipwar.errors import DataError, InputError
from chipwar.experiments.designs import (
    lever_values,
    row_seeds,
    uncertainty_values,
    unit_design,
    unit_rows,
)
from chipwar.experiments.models import Model, build_model
from chipwar.experiments.spec import Experiment, parse_experiment

MANIFEST = "manifest.json"
CHUNK_DIR = "chunks"
FORMAT_VERSION = 1

Progress = Callable[[int, int], None]


def chunk_path(out: Path, chunk: int) -> Path:
    return out / CHUNK_DIR / f"chunk-{chunk:06d}.parquet"


def data_hashes(exp: Experiment) -> dict[str, str]:
    """sha256 of the shipped data folder (every file, sorted by path) and of the base file."""
    h = hashlib.sha256()
    for path in sorted(p for p in DATA_DIR.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(DATA_DIR)).encode())
        h.update(path.read_bytes())
    out = {"chipwar/data": h.hexdigest()}
    if exp.base is not None and Path(exp.base).is_file():
        out[str(exp.base)] = hashlib.sha256(Path(exp.base).read_bytes()).hexdigest()
    return out


def check_model(exp: Experiment) -> Model:
    """Build the experiment's model, check every input and outcome name against it, and
    evaluate one row (at base values) under every lever combination, so a bad lever value is
    reported before anything is written."""
    model = build_model(exp.model, exp.settings, exp.base)
    model.check(
        [(f"uncertainties.{c}.input", i) for c in exp.uncertainties for i in exp.inputs_of(c)]
        + [(f"levers.{c}.input", i) for c in exp.levers for i in exp.inputs_of(c)],
        [(f"outcomes.{c}", o) for c, o in exp.outcomes.items()],
    )
    rows = np.arange(len(exp.lever_combinations()), dtype=np.int64) * exp.design_rows
    inputs: dict[str, np.ndarray] = {
        i: v for c, v in lever_values(exp, rows).items() for i in exp.inputs_of(c)
    }
    for c, u in exp.uncertainties.items():
        for i in exp.inputs_of(c):
            inputs[i] = np.full(len(rows), u.base)
    model.evaluate(inputs)
    return model


@lru_cache(maxsize=4)
def worker_state(canonical: str) -> tuple[Experiment, Model]:
    """The experiment and its model, built once per worker process and experiment."""
    exp = parse_experiment(json.loads(canonical))
    return exp, build_model(exp.model, exp.settings, exp.base)


def run_chunk(
    canonical: str, chunk: int, start: int, stop: int, q_rows: npt.NDArray[np.float64] | None
) -> dict[str, np.ndarray]:
    """Evaluate rows ``start..stop-1`` of the experiment (runs on a worker): the chunk's
    columns as arrays."""
    exp, model = worker_state(canonical)
    rows = np.arange(start, stop, dtype=np.int64)
    n = len(rows)
    levers = lever_values(exp, rows)
    uncertain = uncertainty_values(exp, rows, q_rows)
    inputs = {i: v for c, v in levers.items() for i in exp.inputs_of(c)}
    inputs.update({i: v for c, v in uncertain.items() for i in exp.inputs_of(c)})
    outputs = model.evaluate(inputs)
    cols: dict[str, np.ndarray] = {
        "sample": rows,
        "chunk": np.full(n, chunk, dtype=np.int32),
        "seed": row_seeds(exp, rows),
    }
    cols.update(levers)
    cols.update(uncertain)
    for name, output in exp.outcomes.items():
        cols[name] = np.asarray(outputs[output])
    return cols


def write_chunk(path: Path, cols: dict[str, np.ndarray]) -> None:
    """Write one chunk as Parquet atomically (temporary file in the same folder, then rename)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({k: pa.array(v, from_pandas=True) for k, v in cols.items()})
    write_atomically(path, lambda tmp: pq.write_table(table, tmp), ".chunk-", ".tmp")


@dataclass(frozen=True)
class RunSummary:
    out: Path
    chunks_total: int
    chunks_skipped: int
    chunks_run: int
    rows: int


def _manifest(exp: Experiment) -> dict[str, Any]:
    from chipwar import __version__

    return {
        "format": FORMAT_VERSION,
        "experiment": exp.model_dump(mode="json"),
        "experiment_sha256": exp.digest(),
        "chipwar_version": __version__,
        "data_sha256": data_hashes(exp),
        "seed": exp.seed,
        "design": exp.design,
        "rows": exp.rows,
        "chunk_size": exp.chunk_size,
        "chunks": exp.n_chunks,
        "block_seeds": "monte-carlo: design rows in blocks of chunk_size; block b draws with "
        "default_rng(SeedSequence([seed, b]).generate_state(1)[0])",
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    }


def read_manifest(out: Path) -> dict[str, Any]:
    """The manifest of a sweep folder; DataError if it is missing or not one."""
    path = Path(out) / MANIFEST
    if not path.is_file():
        raise DataError(f"{out}: not a sweep folder (no {MANIFEST}); run `chipwar sweep run`")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}: not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT_VERSION:
        raise DataError(f"{path}: not a chipwar sweep manifest of format {FORMAT_VERSION}")
    return data


def check_out(exp: Experiment, out: Path) -> None:
    """DataError if ``out`` holds another sweep (experiment, version or data differ) or chunk
    files without a manifest; InputError if it is a file; nothing is created."""
    if out.exists() and not out.is_dir():
        raise InputError("--out", str(out), "a folder (new, or one this sweep wrote), not a file")
    if (out / MANIFEST).exists():
        old, fresh = read_manifest(out), _manifest(exp)
        for key in ("experiment_sha256", "chipwar_version", "data_sha256"):
            if old.get(key) != fresh[key]:
                raise DataError(
                    f"{out}: holds a sweep with a different {key.replace('_', ' ')} "
                    f"({str(old.get(key))[:16]}…); use a new --out folder"
                )
    elif any((out / CHUNK_DIR).glob("chunk-*.parquet")):
        raise DataError(f"{out}: has chunk files but no manifest; use a new --out folder")


def create_out(exp: Experiment, out: Path) -> None:
    """Create ``out`` with its manifest (kept if it exists: a resume) and remove temporary
    files left by a killed run."""
    (out / CHUNK_DIR).mkdir(parents=True, exist_ok=True)
    for tmp in (out / CHUNK_DIR).glob(".chunk-*"):
        tmp.unlink()
    if not (out / MANIFEST).exists():
        text = json.dumps(_manifest(exp), indent=2) + "\n"
        write_atomically(
            out / MANIFEST, lambda p: p.write_text(text, encoding="utf-8"), ".m-", ".tmp"
        )


def done_chunks(out: Path, n_chunks: int) -> set[int]:
    """Chunks whose file exists (files are written whole or not at all)."""
    return {c for c in range(n_chunks) if chunk_path(out, c).exists()}


def _client(scheduler: str | None, workers: int) -> tuple[Any, Any]:
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            return Client(scheduler, timeout="10s"), None
        except (OSError, TimeoutError) as exc:
            raise InputError(
                "--scheduler", scheduler, f"a reachable Dask scheduler ({exc})"
            ) from None
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",  # the scheduler's HTTP endpoint on a free port, never 8787
        silence_logs=40,
    )
    return Client(cluster), cluster


def run_experiment(
    exp: Experiment,
    out: str | Path,
    *,
    workers: int = 2,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> RunSummary:
    """Run (or resume) ``exp`` into folder ``out`` on Dask; see the module docstring."""
    if isinstance(workers, bool) or workers < 1:
        raise InputError("--workers", workers, "an integer >= 1")
    out = Path(out)
    exp.check_limits()
    check_model(exp)
    check_out(exp, out)
    n_chunks = exp.n_chunks
    done = done_chunks(out, n_chunks)
    todo = [c for c in range(n_chunks) if c not in done]
    if not todo:
        if progress:
            progress(len(done), n_chunks)
        return RunSummary(out, n_chunks, len(done), 0, exp.rows)
    unit = unit_design(exp)
    canonical = exp.canonical_json()
    client, cluster = _client(scheduler, workers)  # connect before creating anything
    try:
        create_out(exp, out)
        if progress:
            progress(len(done), n_chunks)
        from distributed import as_completed

        futures = []
        for c in todo:
            start, stop = c * exp.chunk_size, min((c + 1) * exp.chunk_size, exp.rows)
            rows = np.arange(start, stop, dtype=np.int64)
            q_rows = unit_rows(exp, unit, rows)
            key = f"chipwar-chunk-{exp.digest()[:12]}-{c}"
            futures.append(
                client.submit(run_chunk, canonical, c, start, stop, q_rows, key=key, pure=False)
            )
        finished = len(done)
        for fut in as_completed(futures):
            cols = fut.result()
            write_chunk(chunk_path(out, int(cols["chunk"][0])), cols)
            fut.release()
            finished += 1
            if progress:
                progress(finished, n_chunks)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return RunSummary(out, n_chunks, len(done), len(todo), exp.rows)


def status(out: str | Path) -> dict[str, Any]:
    """Progress of a sweep folder: chunks done and missing, rows, experiment, version."""
    out = Path(out)
    m = read_manifest(out)
    n_chunks = int(m["chunks"])
    done = done_chunks(out, n_chunks)
    size = sum(chunk_path(out, c).stat().st_size for c in done)
    return {
        "experiment": m["experiment"]["name"],
        "model": m["experiment"]["model"],
        "design": m["design"],
        "rows": int(m["rows"]),
        "chunks": n_chunks,
        "chunks_done": len(done),
        "chunks_missing": n_chunks - len(done),
        "complete": len(done) == n_chunks,
        "seed": m["seed"],
        "chipwar_version": m["chipwar_version"],
        "created": m["created"],
        "parquet_bytes": size,
    }
