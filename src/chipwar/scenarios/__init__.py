"""chipwar.scenarios."""
