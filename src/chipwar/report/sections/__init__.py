"""Report sections, one module per topic (shared with the web dashboard)."""
