"""chipwar: a sourced, runnable model of the US-China chip war.

Layers, one direction of dependency::

    data (sourced tables) -> engines (pure, vectorised) -> scenarios -> interfaces

See ``docs/`` and DESIGN.md.
"""

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from chipwar.errors import ChipwarError

try:
    __version__ = version("chipwar")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

_API = ("tco", "compare", "classify", "screen", "data_as_of")
"""Functions of :mod:`chipwar.api`, loaded on first use (``import chipwar`` stays light)."""
_PACKAGES = ("supply", "dynamics", "claims", "catalog", "controls", "compute")
"""Engine packages reached as attributes: ``chipwar.supply.run("nexperia-2025")``."""

__all__ = ["ChipwarError", "__version__", *_API, *_PACKAGES]


def __getattr__(name: str) -> Any:
    """PEP 562: the API functions and engine packages are imported when first used."""
    if name in _API:
        from chipwar import api

        return getattr(api, name)
    if name in _PACKAGES:
        return importlib.import_module(f"chipwar.{name}")
    raise AttributeError(f"module 'chipwar' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The entry points, not the module's own imports."""
    return sorted(__all__)
