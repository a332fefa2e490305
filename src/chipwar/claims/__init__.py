"""chipwar.claims."""
