"""The seed articles' quantitative claims, judged (ledger -> verdict -> checks -> evaluate).

``chipwar.claims.table()`` gives every verdict as a DataFrame; ``evaluate_all()`` the results.
"""

from chipwar.claims.base import VERDICTS, Modelled, NotCheckable
from chipwar.claims.evaluate import Result, evaluate, evaluate_all, summary, table
from chipwar.claims.ledger import Claim, load_claims
from chipwar.claims.principles import check_data

__all__ = [
    "VERDICTS",
    "Claim",
    "Modelled",
    "NotCheckable",
    "Result",
    "check_data",
    "evaluate",
    "evaluate_all",
    "load_claims",
    "summary",
    "table",
]
