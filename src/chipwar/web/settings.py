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
    request_timeout_s: float = 30.0
    """A request still computing after this long is answered 503 (the work itself finishes in
    its thread; Python threads cannot be stopped)."""

    @classmethod
    def from_env(cls) -> Settings:
        """Defaults, overridden by ``CHIPWAR_MAX_BODY_BYTES``, ``CHIPWAR_MAX_SAMPLES``,
        ``CHIPWAR_MAX_SUPPLY_SAMPLES``, ``CHIPWAR_MAX_DAYS``, ``CHIPWAR_REQUEST_TIMEOUT_S``."""
        d = cls()
        return cls(
            max_body_bytes=int(_env("CHIPWAR_MAX_BODY_BYTES", d.max_body_bytes)),
            max_samples=int(_env("CHIPWAR_MAX_SAMPLES", d.max_samples)),
            max_supply_samples=int(_env("CHIPWAR_MAX_SUPPLY_SAMPLES", d.max_supply_samples)),
            max_days=int(_env("CHIPWAR_MAX_DAYS", d.max_days)),
            request_timeout_s=_env("CHIPWAR_REQUEST_TIMEOUT_S", d.request_timeout_s),
        )


def sweep_dir() -> str | None:
    """The sweep folder the dashboard shows (``chipwar serve --sweep DIR`` sets
    ``CHIPWAR_SWEEP_DIR``); chosen by whoever starts the server, never by a request."""
    return os.environ.get("CHIPWAR_SWEEP_DIR") or None
