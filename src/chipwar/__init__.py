"""chipwar: a sourced, runnable model of the US-China chip war.

Layers, one direction of dependency::

    data (sourced tables) -> engines (pure, vectorised) -> scenarios -> interfaces

See ``docs/`` and DESIGN.md.
"""

from importlib.metadata import PackageNotFoundError, version

from chipwar.errors import ChipwarError

try:
    __version__ = version("chipwar")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

__all__ = ["ChipwarError", "__version__"]
