"""chipwar.controls."""

__all__ = [
    "affiliates",
    "classify",
    "content",
    "gleif",
    "measures",
    "names",
    "ownership",
    "parties",
    "rules",
    "screening",
    "systems",
    "tool_rules",
    "tools",
]
"""Its modules (imported on use: ``from chipwar.controls import tco``)."""
