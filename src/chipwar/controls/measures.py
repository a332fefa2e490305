"""Status of dated measures on a date: China's export bans and suspensions (MOFCOM Nos. 46/72,
55-58/62/70, the Nexperia ban), end-user authorizations (VEU), the affiliates rule, tariffs.

status(date) = the status of the last period that started on or before the date; before the
first period the measure is "not-yet-adopted". A period with status "undetermined" means the
sources reviewed do not say what happened after the previous period ended ("undetermined after
D", D = the day before it starts). Data: ``data/rules/*.yaml`` with ``kind: measure``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from chipwar.controls.content import period_at
from chipwar.controls.rules import Measure


def measure_status(measure: Measure, date: dt.date, reviewed_through: dt.date) -> dict[str, Any]:
    """One row: ``measure, jurisdiction, date, status, since, effect, licence_matter, stale,
    reasons`` (the instrument, why a status is undetermined, the sources)."""
    period = period_at(measure, date)
    reasons = [f"scope: {measure.scope}"]
    if period is None:
        first = measure.periods[0].start.isoformat()
        status, since, effect = "not-yet-adopted", None, f"no measure before {first}"
        reasons.append(f"first period starts {first}: {measure.periods[0].instrument}")
    else:
        status, since, effect = period.status, period.start, period.effect
        if status == "undetermined":
            last = (period.start - dt.timedelta(days=1)).isoformat()
            reasons.append(f"undetermined after {last}: {period.instrument}. {period.note}".strip())
        else:
            reasons.append(f"{status} since {period.start.isoformat()}: {period.instrument}")
            reasons += [period.note] if period.note else []
        reasons.append("sources: " + ", ".join(period.source))
    if not measure.licence_matter:
        reasons.append("not an export licence matter")
    return {
        "measure": measure.id,
        "jurisdiction": measure.jurisdiction,
        "date": date,
        "status": status,
        "since": since,
        "effect": effect,
        "licence_matter": measure.licence_matter,
        "stale": date > reviewed_through,
        "reasons": reasons,
    }
