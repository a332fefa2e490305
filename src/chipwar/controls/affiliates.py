"""The BIS affiliates (50 %) rule: its status on a date and the decision it gives.

The dated periods come from one place, the rule-book measure ``data/rules/us-bis-affiliates-
rule.yaml`` (the one ``chipwar rules measures`` reports), so screening and the rule book cannot
disagree: in force 2025-09-29, suspended 2025-11-10 to 2026-11-09, and **undetermined** after
2026-11-09 (the sources reviewed do not say whether the suspension was extended). The threshold
and the lists whose parties count come from ``data/affiliates_rule.yaml``.

Decision for a non-listed entity with aggregate listed ownership a and threshold t:
a < t → not an affiliate (whatever the rule's status); a ≥ t → affiliate when in force, not an
affiliate when suspended or not yet in force, **undetermined** (``None``) when the rule's status
is undetermined, with the reason. Sources: bis-2025-09-affiliates-ifr,
bis-2025-11-affiliates-suspension.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

from pydantic import Field

from chipwar.catalog.io import DATA_DIR, parse_one, read_structured
from chipwar.catalog.types import SourceIds, Strict
from chipwar.controls.rules import Measure, RuleSet

MEASURE_FILE = DATA_DIR / "rules" / "us-bis-affiliates-rule.yaml"


class _RuleConstants(Strict):
    id: str
    name: str
    threshold: float = Field(gt=0, le=1)
    covered_lists: list[str]
    source: SourceIds
    measure: str


class AffiliatesRule:
    """Threshold, covered lists and dated status of the affiliates rule (from the measure)."""

    def __init__(self, constants: _RuleConstants, measure: Measure) -> None:
        self.id = constants.id
        self.name = constants.name
        self.threshold = constants.threshold
        self.covered_lists = list(constants.covered_lists)
        self.source = list(constants.source)
        self.measure = measure
        self.periods = measure.periods

    def status_on(self, date: dt.date) -> tuple[str, str]:
        """("in_force" | "suspended" | "undetermined" | "not_in_force", explanation)."""
        current = [p for p in self.measure.periods if p.start <= date]
        if not current:
            first = self.measure.periods[0].start.isoformat()
            return "not_in_force", f"the affiliates rule takes effect on {first}"
        p = current[-1]
        status = p.status.replace("-", "_")
        src = f"source: {', '.join(p.source)}"
        if status == "undetermined":
            last = (p.start - dt.timedelta(days=1)).isoformat()
            note = " ".join(p.note.split())
            return status, f"undetermined after {last}: {p.instrument}. {note} ({src})"
        return status, f"{p.instrument} ({src})"

    def covers(self, list_name: str) -> bool:
        """Whether ownership by a party on ``list_name`` counts (Entity List, MEU, SDN)."""
        low = list_name.lower()
        keys = ("entity list", "(el)", "military end", "meu", "specially designated", "sdn")
        return any(k in low for k in keys) or low.strip() in {"el", "meu", "sdn"}


def decide(aggregate: float, threshold: float, status: str, why: str, date: dt.date
           ) -> tuple[bool | None, str]:  # fmt: skip
    """(affiliate, reason) for a non-listed entity: True / False / None (undetermined)."""
    if not (aggregate >= threshold - 1e-12 and aggregate > 0):
        return False, f"{aggregate:.1%} owned by listed parties < {threshold:.0%}"
    head = f"{aggregate:.1%} owned by listed parties ≥ {threshold:.0%}"
    if status == "in_force":
        return True, f"affiliate: {head} (affiliates rule in force: {why})"
    if status == "suspended":
        return False, (f"not an affiliate: {head}, but the affiliates rule is suspended on "
                       f"{date.isoformat()} ({why})")  # fmt: skip
    if status == "undetermined":
        return None, f"undetermined: {head}, and the affiliates rule's status is {why}"
    return False, f"not an affiliate: {head}, but {why}"


def read_affiliates_rule(
    path: str | Path = DATA_DIR / "affiliates_rule.yaml", measure_path: str | Path = MEASURE_FILE
) -> AffiliatesRule:
    constants = parse_one(_RuleConstants, read_structured(path), Path(path).name)
    measure = parse_one(Measure, read_structured(measure_path), Path(measure_path).name)
    return AffiliatesRule(constants, measure)


@cache
def load_affiliates_rule() -> AffiliatesRule:
    return read_affiliates_rule()


@cache
def rules_reviewed_through() -> dt.date:
    """The date through which the rule book (this measure included) was checked against its
    sources (``data/rules/rule-set.yaml``)."""
    path = DATA_DIR / "rules" / "rule-set.yaml"
    return parse_one(RuleSet, read_structured(path), path.name).rules_reviewed_through
