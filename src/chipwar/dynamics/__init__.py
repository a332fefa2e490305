"""chipwar.dynamics: adoption, learning and self-sufficiency under policy scenarios.

``chipwar.dynamics.forecast_probability(metric, year, threshold)`` and the other entry points of
:mod:`chipwar.dynamics.api` are re-exported lazily (so that loading the history does not load the
engines).
"""

from __future__ import annotations

from typing import Any

_API = ("forecast_probability", "run_scenario", "seed_claims", "calibrate", "backtest", "prepare")


def __getattr__(name: str) -> Any:
    if name in _API:
        from chipwar.dynamics import api

        return getattr(api, name)
    raise AttributeError(f"module 'chipwar.dynamics' has no attribute {name!r}")
