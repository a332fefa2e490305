"""chipwar: a sourced, runnable model of the US-China chip war.

Layers, one direction of dependency::

    data (sourced tables) -> engines (pure, vectorised) -> scenarios -> interfaces

See ``docs/`` (``docs/api.md`` for the Python API).
"""

from typing import Any

from chipwar.errors import ChipwarError

_API = ("tco", "compare", "classify", "screen", "data_as_of")
"""Functions of :mod:`chipwar.api`, loaded on first use (``import chipwar`` stays light)."""
_PACKAGES = ("supply", "dynamics", "claims", "catalog", "controls", "compute")
"""Engine packages reached as attributes: ``chipwar.supply.run("nexperia-2025")``."""

__all__ = ["ChipwarError", "__version__", *_API, *_PACKAGES]


def __getattr__(name: str) -> Any:
    """PEP 562: the API functions and engine packages are imported when first used, and
    ``__version__`` is read from the installed metadata on first use (importlib.metadata costs
    ~30 ms, which every ``chipwar --help`` paid)."""
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("chipwar")
        except PackageNotFoundError:  # pragma: no cover - a source tree without install
            value = "0.0.0+unknown"
        globals()["__version__"] = value
        return value
    if name in _API:
        from chipwar import api

        return getattr(api, name)
    if name in _PACKAGES:
        import importlib

        return importlib.import_module(f"chipwar.{name}")
    raise AttributeError(f"module 'chipwar' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The entry points, not the module's own imports."""
    return sorted(__all__)
