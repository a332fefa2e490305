"""The HTML report: every engine's headline result and the claims ledger in one offline file."""

from chipwar.report.build import ReportResult, build_report

__all__ = ["ReportResult", "build_report"]
