"""Limits of the web server; each has a safe default and an environment variable."""

from __future__ import annotations

import os
from dataclasses import dataclass

from chipwar.errors import InputError


def _env(name: str, default: float) -> float:
    text = os.environ.get(name)
    if text is None:
        return default
    try:
        value = float(text)
    except ValueError:
        raise InputError(name, text, "a positive number") from None
    if not value > 0:
        raise InputError(name, text, "a positive number")
    return value


@dataclass(frozen=True)
class Settings:
    """Caps on what one request may ask for."""

    max_body_bytes: int = 1_000_000
    """Largest POST body (bytes); a larger one is answered 413."""
    max_samples: int = 20_000
    """Largest ``samples`` of tco/compare (Monte Carlo) and dynamics endpoints."""
    max_supply_samples: int = 500
    """Largest ``samples`` of ``supply/run``."""
    max_days: int = 3_650
    """Largest ``days`` of ``supply/run``."""
    threads: int = 4
    """Worker threads computing answers at once (the rest wait their turn). Computation holds
    Python's GIL, so more threads than cores only add switching: on the 2-core benchmark
    machine 4 threads gave the compute explorer under 50 clients a p95 of 519 ms against
    652 ms with anyio's default 40 (same throughput: the GIL is the bottleneck)."""
    response_cache_bytes: int = 64_000_000
    """Memory for GET answers kept by canonical query (:class:`chipwar.web.cache.ResponseCache`)."""
    request_timeout_s: float = 30.0
    """A request still computing after this long is answered 503, and its computation is told
    to stop (:mod:`chipwar.cancel`: the supply day loop, the TCO block loop, the dynamics year
    loop, screening per name and the name index per 1,000 entries check it)."""

    @classmethod
    def from_env(cls) -> Settings:
        """Defaults, overridden by ``CHIPWAR_MAX_BODY_BYTES``, ``CHIPWAR_MAX_SAMPLES``,
        ``CHIPWAR_MAX_SUPPLY_SAMPLES``, ``CHIPWAR_MAX_DAYS``, ``CHIPWAR_THREADS``,
        ``CHIPWAR_RESPONSE_CACHE_BYTES``, ``CHIPWAR_REQUEST_TIMEOUT_S``."""
        d = cls()
        return cls(
            max_body_bytes=int(_env("CHIPWAR_MAX_BODY_BYTES", d.max_body_bytes)),
            max_samples=int(_env("CHIPWAR_MAX_SAMPLES", d.max_samples)),
            max_supply_samples=int(_env("CHIPWAR_MAX_SUPPLY_SAMPLES", d.max_supply_samples)),
            max_days=int(_env("CHIPWAR_MAX_DAYS", d.max_days)),
            threads=int(_env("CHIPWAR_THREADS", d.threads)),
            response_cache_bytes=int(_env("CHIPWAR_RESPONSE_CACHE_BYTES", d.response_cache_bytes)),
            request_timeout_s=_env("CHIPWAR_REQUEST_TIMEOUT_S", d.request_timeout_s),
        )


def sweep_dir() -> str | None:
    """The sweep folder the dashboard shows (``chipwar serve --sweep DIR`` sets
    ``CHIPWAR_SWEEP_DIR``); chosen by whoever starts the server, never by a request."""
    return os.environ.get("CHIPWAR_SWEEP_DIR") or None
