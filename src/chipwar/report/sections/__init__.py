"""Report section builders, one module per section (shared by the HTML report and, later, the
web dashboard)."""
