"""chipwar.dynamics."""
