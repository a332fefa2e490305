"""The ledger's principles as rules over one row (the ones a rule can state).

1. **Independent evidence** — at evaluation (``evaluate``): a verdict needs at least one cited
   source that is neither a seed article, nor listed in the row's ``restates`` (the article's
   own source, a report that repeats it), nor a modelling assumption; otherwise the verdict is
   "not checkable" and the reason says *not checkable independently*.
2. **Observations for the past, models for the future** — here: a row whose ``tense`` is past or
   present may not use a check whose basis is ``model``.
3. **The proposition as stated** — here: the comparison must fit the reading
   (``ledger.READING_OPS``; a status is judged with the ``exact`` rule), and a quote that says
   "already reached / more than / at least" must be read as a lower bound, "at most / within" as
   an upper bound, "some regions / sometimes" as an existence claim, unless the row is a second,
   not-meant reading. Rows of one ``reading.group`` name exactly one meant reading.
4. **No verdict from catalog composition** — here: a check registered with
   ``composition=True`` may not back any row.
5. **Robustness** — at evaluation: a flip inside the knob's own range makes it "undecided".
6. **Bugs fail loudly** — at evaluation: only ``NotCheckable`` and ``ChipwarError`` become
   verdicts.

:func:`problems` returns one line per broken rule; ``evaluate`` refuses a row with problems
(``DataError``), and ``chipwar data validate`` lists them.
"""

from __future__ import annotations

import re
from collections import Counter

from chipwar.catalog.sources import Source, check_source_ids, load_sources
from chipwar.claims import checks as _checks  # registers every check type
from chipwar.claims.base import CHECKS
from chipwar.claims.ledger import (
    READING_OPS,
    TOLERANCE_RULES,
    Claim,
    evidence_source_ids,
    load_claims,
)
from chipwar.errors import DataError

del _checks

QUOTE_READINGS: tuple[tuple[re.Pattern[str], tuple[str, ...], str], ...] = (
    (
        re.compile(r"已經達到|已達|以上|超過|超\d|至少|不少於|多於|突破|逾"),
        ("lower_bound", "existence", "range", "status"),
        "a lower bound ('already reached', 'more than', 'at least')",
    ),
    (
        re.compile(r"最多|至多|不超過|以內|不到"),
        ("upper_bound", "existence", "range", "status"),
        "an upper bound ('at most', 'within')",
    ),
    (
        re.compile(r"部分區域|部分地區|有時"),
        ("existence",),
        "an existence claim ('some regions', 'sometimes')",
    ),
)
"""Principle 3: words in the quote that fix how it must be read (pattern, allowed reading kinds,
what the words say)."""


def problems(claim: Claim, sources: dict[str, Source] | None = None) -> list[str]:
    """Every principle or integrity rule the row breaks, one line each (empty when clean)."""
    bib = load_sources() if sources is None else sources
    where = f"claims.yaml[{claim.id}]"
    out: list[str] = []
    out += check_source_ids([claim.article], where + ".article", bib)
    out += check_source_ids(evidence_source_ids(claim), where + ".check", bib)
    out += check_source_ids(claim.restates, where + ".restates", bib)
    out += check_source_ids(claim.knob.source, where + ".knob.source", bib)
    if claim.tolerance.rule is None:
        out.append(
            f"{where}: tolerance.rule is missing; expected one of {', '.join(TOLERANCE_RULES)}"
        )
    check = CHECKS.get(claim.check.engine)
    if check is None:
        out.append(
            f"{where}: check.engine {claim.check.engine!r} is not a registered check "
            f"(allowed: {', '.join(sorted(CHECKS))})"
        )
        return out
    knobs = check.knobs if check.knobs != ("*",) else tuple(claim.check.params.get("inputs", {}))
    if claim.knob.input not in knobs:
        out.append(
            f"{where}: knob.input {claim.knob.input!r} is not an input of {check.name} "
            f"(allowed: {', '.join(knobs)})"
        )
    # principle 2
    if claim.tense != "future" and check.basis == "model":
        out.append(
            f"{where}: principle 2: a {claim.tense} claim must be judged by observations, but "
            f"check {check.name!r} is a model projection (allowed for tense 'future' only)"
        )
    # principle 3
    kind, op = claim.reading.kind, claim.claimed.op
    allowed_ops = ("at_least", "at_most") if kind == "existence" else READING_OPS[kind]
    if op not in allowed_ops:
        out.append(
            f"{where}: principle 3: reading {kind!r} is stated with op {'/'.join(allowed_ops)}, "
            f"not {op!r}"
        )
    if kind == "status" and claim.tolerance.rule != "exact":
        out.append(f"{where}: principle 3: a status is judged with the 'exact' rule")
    if kind == "date" and claim.claimed.unit not in ("date", "year"):
        out.append(f"{where}: principle 3: a date reading needs unit 'date' or 'year'")
    dated = claim.claimed.unit in ("date", "year") and claim.knob.input != "none"
    if dated and claim.knob.kind != "shift":
        out.append(f"{where}: knob.kind must be 'shift' for a {claim.claimed.unit} claim")
    if claim.reading.meant:
        for pattern, kinds, what in QUOTE_READINGS:
            hit = pattern.search(claim.quote)
            if hit and kind not in kinds:
                out.append(
                    f"{where}: principle 3: the quote says {hit.group(0)!r}, {what}; read it as "
                    f"{' or '.join(kinds)}, not {kind!r} (or add the other reading as a row "
                    "with meant: false)"
                )
    # principle 4
    if check.composition:
        out.append(
            f"{where}: principle 4: check {check.name!r} computes a share over whatever the "
            "catalog holds, which is no market share; it cannot back a verdict"
        )
    return out


def group_problems(claims: list[Claim]) -> list[str]:
    """Principle 3 across rows: each ``reading.group`` has two or more rows, one of them meant."""
    rows = [c for c in claims if c.reading.group]
    size = Counter(c.reading.group for c in rows)
    meant = Counter(c.reading.group for c in rows if c.reading.meant)
    return [
        f"claims.yaml: reading.group {g!r} has {size[g]} row(s) and {meant[g]} meant; "
        "expected two or more readings, exactly one meant"
        for g in size
        if size[g] < 2 or meant[g] != 1
    ]


def check_data(sources: dict[str, Source]) -> list[str]:
    """Checker for ``chipwar data validate``: rows parse and every row keeps the principles."""
    try:
        claims = load_claims()
    except DataError as exc:
        return str(exc).splitlines()
    out = [p for c in claims for p in problems(c, sources)]
    return out + group_problems(claims)
