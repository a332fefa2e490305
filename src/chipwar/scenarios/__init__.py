"""chipwar.scenarios."""

__all__ = ["loader"]
"""Its modules (imported on use: ``from chipwar.scenarios import tco``)."""
