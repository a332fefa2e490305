"""chipwar.dynamics: adoption, learning and self-sufficiency under policy scenarios.

``chipwar.dynamics.run("baseline")`` (a yearly DataFrame),
``chipwar.dynamics.forecast_probability(metric, year, threshold)`` and the other entry points of
:mod:`chipwar.dynamics.api` are re-exported lazily (so that loading the history does not load the
engines).
"""

from __future__ import annotations

from typing import Any

_API = ("forecast_probability", "run_scenario", "seed_claims", "calibrate", "backtest", "prepare")
__all__ = ["run", *_API]
"""``run`` is ``run_scenario``: a scenario name (``"baseline"``) or path -> yearly DataFrame."""


def __getattr__(name: str) -> Any:
    if name in _API or name == "run":
        from chipwar.dynamics import api

        return getattr(api, "run_scenario" if name == "run" else name)
    raise AttributeError(f"module 'chipwar.dynamics' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
