"""``chipwar serve``: the REST API and web dashboard under uvicorn."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from chipwar.errors import InputError


def serve(
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Interface to bind (default: this machine only)."
    ),
    port: int = typer.Option(8000, "--port", help="TCP port."),
    workers: int = typer.Option(
        1,
        "--workers",
        help="Worker processes (default 1: on 2 cores a second one raised throughput but also "
        "the p95 latency, since a keep-alive client stays on the process that accepted it; "
        "each process keeps its own caches; see docs/web.md).",
    ),
    sweep: Path | None = typer.Option(
        None, "--sweep", help="A sweep folder (chipwar sweep run) to show on the Sweep page."
    ),
) -> None:
    """Serve the REST API (/api/v1, /docs) and the dashboard (/) under uvicorn. Limits come from
    CHIPWAR_MAX_BODY_BYTES, CHIPWAR_MAX_SAMPLES, CHIPWAR_MAX_SUPPLY_SAMPLES, CHIPWAR_MAX_DAYS and
    CHIPWAR_REQUEST_TIMEOUT_S."""
    import uvicorn

    from chipwar.cli.output import stderr
    from chipwar.web.settings import Settings

    if not 0 < port < 65536:
        raise InputError("--port", port, "an integer from 1 to 65535")
    if workers < 1:
        raise InputError("--workers", workers, "an integer >= 1")
    Settings.from_env()  # bad limits in the environment: exit 2 before binding
    if sweep is not None:
        from chipwar.experiments.runner import read_manifest

        read_manifest(sweep)  # not a sweep folder: exit 2 before binding
        os.environ["CHIPWAR_SWEEP_DIR"] = str(sweep.resolve())  # the app's processes read it
    if host not in ("127.0.0.1", "localhost", "::1"):
        stderr.print(f"warning: serving on {host}: reachable from other machines", highlight=False)
    stderr.print(f"chipwar: http://{host}:{port}/ (API docs at /docs)", highlight=False)
    uvicorn.run(
        "chipwar.web.app:create_app", factory=True, host=host, port=port, workers=workers,
        log_level="warning",
    )  # fmt: skip


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("serve")(serve)
