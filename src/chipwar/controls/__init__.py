"""chipwar.controls."""
