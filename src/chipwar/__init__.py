"""chipwar: a sourced, runnable model of the US-China chip war.

Layers, one direction of dependency::

    data (sourced tables) -> engines (pure, vectorised) -> scenarios -> interfaces

See ``docs/`` and DESIGN.md.
"""

from typing import Any

from chipwar.errors import ChipwarError


def __getattr__(name: str) -> Any:
    """``__version__`` is read from the installed metadata on first use (importlib.metadata
    costs ~30 ms, which every ``chipwar --help`` paid)."""
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("chipwar")
        except PackageNotFoundError:  # pragma: no cover - a source tree without install
            value = "0.0.0+unknown"
        globals()["__version__"] = value
        return value
    raise AttributeError(f"module 'chipwar' has no attribute {name!r}")


__all__ = ["ChipwarError", "__version__"]
