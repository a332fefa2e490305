"""Kept for the report until its claims section moves to ``report/sections/claims.py``."""

from chipwar.claims.checks.dynamics import dynamics_sources

__all__ = ["dynamics_sources"]
