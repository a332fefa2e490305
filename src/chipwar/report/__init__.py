"""chipwar.report."""
