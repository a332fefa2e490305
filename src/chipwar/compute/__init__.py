"""chipwar.compute."""
