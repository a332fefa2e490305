"""The seed articles' quantitative claims and their evaluators (ledger -> evidence -> verdict)."""

from chipwar.claims.evaluate import Result, evaluate, evaluate_all, summary
from chipwar.claims.ledger import Claim, check_data, load_claims

__all__ = ["Claim", "Result", "check_data", "evaluate", "evaluate_all", "load_claims", "summary"]
