"""chipwar.supply."""
