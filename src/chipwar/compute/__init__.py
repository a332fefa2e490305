"""chipwar.compute."""

__all__ = ["assumptions", "breakeven", "models", "montecarlo", "tco", "workload"]
"""Its modules (imported on use: ``from chipwar.compute import tco``)."""
