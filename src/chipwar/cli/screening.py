"""CLI commands for restricted-party screening and ownership (controls II) of the model."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
