"""Classify accelerators under the export-control rule version in force on a date.

Vectorised over chips: each paragraph test (``metric op threshold``, thresholds from
``data/rules/*.yaml`` only) is evaluated on whole NumPy columns with three-valued logic
(1 = true, 0 = false, NaN = unknown because a spec lacks the field), so the whole catalog or
10^6 synthetic specs are classified in one call. Sources: bis-2022-10-07-ifr, bis-2023-acs-ifr,
bis-2024-12-02-ifr, bis-2025-ai-diffusion-ifr, nvidia-2025-04-15-8k.

* ECCN = the first paragraph (in the rule's order) whose tests all hold; "not 3A090" if none.
* licence required = OR over the requirements in force for the destination, the transaction
  (export / reexport / transfer) and the end user's headquarters of
  (chip's ECCN in requirement.eccn) or (any of requirement.any_of holds).
* licence policy of a triggered requirement = the review policies that match it (named chips, or
  all of their tests; destination, transaction, date), most recent first, else its own policy.
* a system (ECCN 4A090) is classified by the IC it contains (3A090.x -> 4A090.x).
* TPP = max over precisions of dense TOPS × bit length; performance density = TPP / die area
  [TPP/mm²]; bandwidths in [GB/s].
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from chipwar.catalog.accelerators import Accelerator, get_accelerator
from chipwar.catalog.types import parse_date
from chipwar.controls.rules import (
    METRIC_FIELDS,
    METRIC_LABEL,
    METRICS,
    SYMBOL,
    TRANSACTIONS,
    Condition,
    Paragraph,
    Requirement,
    ResolvedVersion,
    ReviewPolicy,
    RuleBook,
    load_rules,
)
from chipwar.controls.systems import System, load_systems
from chipwar.errors import InputError

COLUMNS = [
    "chip", "date", "destination", "transaction", "end_user_hq", "rule_version", "eccn", "tpp",
    "performance_density", "license_required", "license_exception", "license_policy",
    "rules_reviewed_through", "stale", "reasons",
]  # fmt: skip
GB_PER_TB = 1000.0
UNDETERMINED = "undetermined"


def _spec_row(item: Accelerator | System) -> dict[str, object]:
    """One chip's engine inputs (metrics in rule units); a system carries its IC's metrics."""
    a = get_accelerator(item.ic) if isinstance(item, System) else item
    mem = a.memory_bandwidth_tbps * GB_PER_TB if a.memory_bandwidth_tbps is not None else None
    return {
        "chip": item.id,
        "system_of": item.ic if isinstance(item, System) else None,
        "ic_count": item.ic_count if isinstance(item, System) else None,
        "tpp": a.tpp,
        "performance_density": a.performance_density,
        "interconnect_gbps": a.interconnect_gbps,
        "memory_bandwidth_gbps": mem,
        "datacenter": a.datacenter,
        "designer_country": a.designer_country,
    }


def spec_frame(chips: Sequence[Accelerator | System]) -> pd.DataFrame:
    """The engine's input columns for accelerators: metrics in rule units, plus ``datacenter``.

    A system row carries its IC's metrics, ``system_of`` (the IC id) and ``ic_count``."""
    columns = ["chip", "system_of", "ic_count", *METRICS[:-1], "datacenter", "designer_country"]
    return pd.DataFrame([_spec_row(item) for item in chips], columns=columns)


@dataclass
class Specs:
    """The engine's input as NumPy columns (n rows), from a spec frame or from catalog items
    without building a DataFrame (a request classifies a few chips: pandas column access cost
    more than the rules themselves)."""

    n: int
    metrics: dict[str, np.ndarray]  # float per metric, NaN = unknown; dram_plus_io_gbps derived
    datacenter: np.ndarray  # bool; unknown counts as a data-center part
    chip: np.ndarray  # the ``chip`` column's values (row numbers when there is none)
    ids: np.ndarray  # the id a named-chip review policy matches (a system's IC)
    systems: np.ndarray  # bool: the row is a system (ECCN from its IC)
    system_of: np.ndarray | None = None
    ic_count: np.ndarray | None = None
    designer_country: np.ndarray | None = None

    @classmethod
    def of_frame(cls, specs: pd.DataFrame) -> Specs:
        n = len(specs)
        ids = specs["chip"].astype(str).to_numpy() if "chip" in specs else np.full(n, "")
        system_of = specs["system_of"].to_numpy() if "system_of" in specs else None
        if system_of is not None:
            ids = np.where(pd.isna(system_of), ids, system_of.astype(str))
        return cls(
            n=n,
            metrics=_metric_arrays(specs),
            datacenter=(
                specs["datacenter"].fillna(True).to_numpy(dtype=bool)
                if "datacenter" in specs
                else np.ones(n, dtype=bool)
            ),
            chip=specs["chip"].to_numpy() if "chip" in specs else np.arange(n),
            ids=ids,
            systems=(
                specs["system_of"].notna().to_numpy() if "system_of" in specs else np.zeros(n, bool)
            ),
            system_of=system_of,
            ic_count=specs["ic_count"].to_numpy() if "ic_count" in specs else None,
            designer_country=(
                specs["designer_country"].to_numpy() if "designer_country" in specs else None
            ),
        )

    @classmethod
    def of_items(cls, chips: Sequence[Accelerator | System]) -> Specs:
        """The same columns as ``of_frame(spec_frame(chips))``, without pandas."""
        rows = [_spec_row(item) for item in chips]
        n = len(rows)

        def column(key: str) -> np.ndarray:
            return _objects([r[key] for r in rows], n)

        metrics = {
            m: np.array([np.nan if r[m] is None else r[m] for r in rows], dtype=float)
            for m in METRICS[:-1]
        }
        metrics["dram_plus_io_gbps"] = (
            metrics["memory_bandwidth_gbps"] + metrics["interconnect_gbps"]
        )
        system_of = column("system_of")
        systems = np.array([v is not None for v in system_of], dtype=bool)
        chip = column("chip")
        return cls(
            n=n,
            metrics=metrics,
            datacenter=np.array([r["datacenter"] is not False for r in rows], dtype=bool),
            chip=chip,
            ids=np.array(
                [str(c if s is None else s) for c, s in zip(chip, system_of, strict=True)]
            ),
            systems=systems,
            system_of=system_of,
            ic_count=column("ic_count"),
            designer_country=column("designer_country"),
        )


def _metric_arrays(specs: pd.DataFrame) -> dict[str, np.ndarray]:
    """Float columns for every metric (NaN = unknown); ``dram_plus_io_gbps`` is derived."""
    n = len(specs)
    out: dict[str, np.ndarray] = {}
    for m in METRICS[:-1]:
        if m in specs:
            col = specs[m]
            if col.dtype.kind in "fiub":  # already numbers (the catalog's): one conversion
                out[m] = col.to_numpy(dtype=float, na_value=np.nan)
            else:  # objects or text: unparseable -> NaN
                out[m] = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
        else:
            out[m] = np.full(n, np.nan)
    out["dram_plus_io_gbps"] = out["memory_bandwidth_gbps"] + out["interconnect_gbps"]
    return out


def _condition(values: np.ndarray, c: Condition) -> np.ndarray:
    """1.0 where ``value op threshold`` holds, 0.0 where it fails, NaN where value is unknown."""
    if c.op == ">=":
        hit = values >= c.value
    elif c.op == ">":
        hit = values > c.value
    elif c.op == "<":
        hit = values < c.value
    else:
        hit = values <= c.value
    return np.where(np.isnan(values), np.nan, hit.astype(float))


_TF = tuple[np.ndarray, np.ndarray]
_OPS = {">=": np.greater_equal, ">": np.greater, "<": np.less, "<=": np.less_equal}


def _and_tf(states: list[_TF], n: int) -> _TF:
    """Kleene AND on (known-true, known-false) pairs; empty -> true."""
    t, f = np.ones(n, dtype=bool), np.zeros(n, dtype=bool)
    for a, b in states:
        t &= a
        f |= b
    return t, f


def _or_tf(states: list[_TF], n: int) -> _TF:
    """Kleene OR on (known-true, known-false) pairs; empty -> false."""
    t, f = np.zeros(n, dtype=bool), np.ones(n, dtype=bool)
    for a, b in states:
        t |= a
        f &= b
    return t, f


def _state(t: np.ndarray, f: np.ndarray) -> np.ndarray:
    """1.0 where known true, 0.0 where known false, NaN where unknown."""
    out = t.astype(float)
    out[~(t | f)] = np.nan
    return out


def _in_scope(scope: str, datacenter: np.ndarray) -> np.ndarray:
    if scope == "datacenter":
        return datacenter
    if scope == "non-datacenter":
        return ~datacenter
    return np.ones(len(datacenter), dtype=bool)


def _dated(item: Requirement | ReviewPolicy, date: dt.date) -> bool:
    return (item.valid_from is None or item.valid_from <= date) and (
        item.valid_until is None or date <= item.valid_until
    )


def active_requirements(
    version: ResolvedVersion,
    book: RuleBook,
    destination: str,
    date: dt.date,
    transaction: str = "export",
    end_user_hq: str | None = None,
) -> list[Requirement]:
    """Requirements of ``version`` that cover ``destination``, ``transaction`` and an end user
    headquartered in ``end_user_hq`` (default: the destination) on ``date``."""
    hq = end_user_hq or destination
    return [
        r
        for r in version.requirements
        if book.matches(r.destinations, destination)
        and (not r.end_user_hq or book.matches(r.end_user_hq, hq))
        and transaction in r.transactions
        and _dated(r, date)
    ]


def active_policies(
    version: ResolvedVersion, book: RuleBook, destination: str, date: dt.date, transaction: str
) -> list[ReviewPolicy]:
    """Review policies of ``version`` for ``destination`` and ``transaction`` on ``date``."""
    return [
        p
        for p in version.policies
        if book.matches(p.destinations, destination)
        and transaction in p.transactions
        and _dated(p, date)
    ]


@dataclass
class Decision:
    """Arrays from one vectorised evaluation (n chips)."""

    version: ResolvedVersion
    destination: str
    date: dt.date
    metrics: dict[str, np.ndarray]
    datacenter: np.ndarray
    paragraph_state: np.ndarray  # (P, n) Kleene states
    eccn_index: np.ndarray  # paragraph index; -1 none matched; -2 undetermined
    requirements: list[Requirement]
    trigger: np.ndarray  # (R, n) Kleene states
    license_required: np.ndarray  # Kleene state
    exception: list[str | None]  # per requirement index later combined per row
    exception_code: np.ndarray  # (R, n) int: index into exception_names, -1 none
    exception_names: list[str]
    transaction: str = "export"
    end_user_hq: str = ""
    policies: list[ReviewPolicy] = field(default_factory=list)
    skipped_policies: list[ReviewPolicy] = field(default_factory=list)
    """Policies that match destination and date but not the transaction (named in reasons)."""
    policy_hit: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=bool))  # (Q, n)

    def policies_for(self, k: int, j: int) -> list[ReviewPolicy]:
        """Review policies that apply to requirement ``k`` for row ``j``, most recent first."""
        rid = self.requirements[k].id
        hits = [
            p
            for q, p in enumerate(self.policies)
            if self.policy_hit[q, j] and (not p.requirements or rid in p.requirements)
        ]
        return hits[::-1]

    def policy_texts(self, k: int, j: int) -> list[str]:
        hits = self.policies_for(k, j)
        return [p.policy for p in hits] if hits else [self.requirements[k].policy]

    def policy_text(self, k: int, j: int) -> str:
        return "; ".join(self.policy_texts(k, j))


@dataclass(frozen=True)
class Selection:
    """What a rule version says for one question, before any chip is looked at: the
    requirements and review policies in force for the destination, transaction, end user and
    date, and per requirement the look-up tables from a paragraph index to "its ECCN is listed"
    and to each licence exception. Chip-independent, so kept per question (:func:`select`)."""

    requirements: list[Requirement]
    policies: list[ReviewPolicy]
    skipped_policies: list[ReviewPolicy]
    # per requirement: None when every paragraph's ECCN is listed, else a bool table over
    # paragraph index + 2 (the -1 "none" and -2 "undetermined" slots, both False)
    listed: list[np.ndarray | None]
    exception_names: list[str]
    # per requirement: (exception code, bool table over paragraph index + 2), applied in order
    exceptions: list[list[tuple[int, np.ndarray, str]]]


_SELECTIONS: OrderedDict[tuple[object, ...], tuple[RuleBook, Selection]] = OrderedDict()
_SELECTIONS_MAX = 4096
_SELECTIONS_LOCK = threading.Lock()


def select(
    version: ResolvedVersion,
    book: RuleBook,
    destination: str,
    date: dt.date,
    transaction: str = "export",
    end_user_hq: str | None = None,
) -> Selection:
    """The :class:`Selection` of ``version`` for one question, memoised (at most
    ``_SELECTIONS_MAX`` questions, least recently used dropped). The key holds the rule book's
    identity and the entry the book itself, so a book read again from changed rule files
    (a new object) never gets an older book's selection."""
    hq = end_user_hq or destination
    key = (id(book), version.id, destination, date, transaction, hq)
    with _SELECTIONS_LOCK:
        hit = _SELECTIONS.get(key)
        if hit is not None and hit[0] is book:
            _SELECTIONS.move_to_end(key)
            return hit[1]
    found = _select(version, book, destination, date, transaction, hq)
    with _SELECTIONS_LOCK:
        _SELECTIONS[key] = (book, found)
        if len(_SELECTIONS) > _SELECTIONS_MAX:
            _SELECTIONS.popitem(last=False)
    return found


def _select(
    version: ResolvedVersion,
    book: RuleBook,
    destination: str,
    date: dt.date,
    transaction: str,
    hq: str,
) -> Selection:
    eccn_of = [p.eccn for p in version.paragraphs]
    reqs = active_requirements(version, book, destination, date, transaction, hq)
    pols = active_policies(version, book, destination, date, transaction)
    listed: list[np.ndarray | None] = []
    names: list[str] = []
    exceptions: list[list[tuple[int, np.ndarray, str]]] = []
    for r in reqs:
        if r.eccn and all(e in r.eccn for e in eccn_of):
            listed.append(None)
        else:
            listed.append(np.array([e in r.eccn for e in eccn_of] + [False, False]))
        offered: list[tuple[int, np.ndarray, str]] = []
        for ex in reversed(r.exceptions):
            if ex.name not in names:
                names.append(ex.name)
            table = np.array([e in ex.eccn for e in eccn_of] + [False, False])
            offered.append((names.index(ex.name), table, ex.scope))
        exceptions.append(offered)
    skipped = [
        p
        for p in version.policies
        if p not in pols and book.matches(p.destinations, destination) and _dated(p, date)
    ]
    return Selection(reqs, pols, skipped, listed, names, exceptions)


def decide(
    specs: Specs,
    destination: str,
    date: dt.date,
    version: ResolvedVersion,
    book: RuleBook,
    transaction: str = "export",
    end_user_hq: str | None = None,
) -> Decision:
    """Vectorised core: classify every row of ``specs`` under ``version`` for one destination.

    Three-valued logic is carried as two boolean arrays per test (known true, known false);
    AND/OR are element-wise boolean operations, converted to 1/0/NaN floats only at the end.
    """
    n = specs.n
    metrics = specs.metrics
    known = {m: ~np.isnan(v) for m, v in metrics.items()}
    datacenter = specs.datacenter

    def cond(c: Condition) -> _TF:
        hit = _OPS[c.op](metrics[c.metric], c.value)  # NaN compares False
        return hit, known[c.metric] & ~hit

    par_tf: list[_TF] = []
    for p in version.paragraphs:
        t, f = _and_tf([cond(c) for c in p.all_of], n)
        if p.item != "logic-ic":
            t, f = np.zeros(n, dtype=bool), np.ones(n, dtype=bool)
        elif p.scope != "any":
            scope = _in_scope(p.scope, datacenter)
            t, f = t & scope, f | ~scope
        par_tf.append((t, f))
    ps = np.vstack([_state(t, f) for t, f in par_tf])  # (P, n) Kleene states
    # ECCN = first paragraph not known false: its index if known true, -2 if unknown.
    eccn_index = np.full(n, -1, dtype=np.int64)
    open_ = np.ones(n, dtype=bool)
    for i, (t, f) in enumerate(par_tf):
        hit = open_ & ~f
        eccn_index[hit & t] = i
        eccn_index[hit & ~t] = -2
        open_ &= f

    sel = select(version, book, destination, date, transaction, end_user_hq)
    triggers: list[_TF] = []
    exc_codes = []
    for r, lookup, offered in zip(sel.requirements, sel.listed, sel.exceptions, strict=True):
        # The chip's ECCN is in r.eccn: known when the ECCN is known; when it is undetermined,
        # still known-true if every paragraph's ECCN is in the set and one paragraph holds.
        if lookup is None:
            by_class = _or_tf(par_tf, n)
        elif r.eccn:
            member = lookup[eccn_index]  # -1 and -2 index the two trailing False entries
            by_class = (member, (eccn_index != -2) & ~member)
        else:
            by_class = (np.zeros(n, dtype=bool), np.ones(n, dtype=bool))
        crit = _or_tf([cond(c) for c in r.any_of], n)
        if r.scope != "any":
            scope = _in_scope(r.scope, datacenter)
            crit = (crit[0] & scope, crit[1] | ~scope)
        triggers.append(_or_tf([by_class, crit], n))
        code = np.full(n, -1)
        for index, table, scope_name in offered:
            ok = table[eccn_index] & _in_scope(scope_name, datacenter)
            code = np.where(ok, index, code)
        exc_codes.append(code)
    trigger = np.vstack([_state(*tf) for tf in triggers]) if triggers else np.zeros((0, n))
    required = _state(*_or_tf(triggers, n))
    hit_rows = []
    for pol in sel.policies:
        if pol.chips:
            hit_rows.append(np.isin(specs.ids, pol.chips))
        else:
            hit_rows.append(_and_tf([cond(c) for c in pol.all_of], n)[0])
    policy_hit = np.vstack(hit_rows) if hit_rows else np.zeros((0, n), dtype=bool)
    return Decision(
        version=version,
        destination=destination,
        date=date,
        metrics=metrics,
        datacenter=datacenter,
        paragraph_state=ps,
        eccn_index=eccn_index,
        requirements=sel.requirements,
        trigger=trigger,
        license_required=required,
        exception=[],
        exception_code=np.vstack(exc_codes) if exc_codes else np.zeros((0, n), dtype=int),
        exception_names=sel.exception_names,
        transaction=transaction,
        end_user_hq=end_user_hq or destination,
        policies=sel.policies,
        skipped_policies=sel.skipped_policies,
        policy_hit=policy_hit,
    )


def _exception_per_row(d: Decision) -> list[str | None]:
    """A licence exception applies only if every triggered requirement offers one."""
    n = len(d.eccn_index)
    if not d.requirements:
        return [None] * n
    triggered = d.trigger == 1
    offered = d.exception_code >= 0
    ok = (~triggered | offered).all(axis=0) & triggered.any(axis=0)
    out: list[str | None] = []
    for j in range(n):
        if not ok[j]:
            out.append(None)
            continue
        names = {d.exception_names[c] for c in d.exception_code[triggered[:, j], j] if c >= 0}
        out.append("/".join(sorted(names)) if names else None)
    return out


def _family(version: ResolvedVersion) -> str:
    heads = {p.eccn.split(".")[0] for p in version.paragraphs}
    return heads.pop() if len(heads) == 1 else "controlled"


def _num(v: float, threshold: float | None = None) -> str:
    """Format a value so that it never prints equal to a threshold it differs from."""
    d = 0 if abs(v) >= 100 else 2
    if threshold is not None:
        while d < 8 and v != threshold and round(v, d) == round(threshold, d):
            d += 1
    text = f"{v:,.{d}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _thr(v: float) -> str:
    return format(v, ",.10g")


def _cond_text(c: Condition, value: float, holds: bool) -> str:
    sym = SYMBOL[c.op] if holds else {">=": "<", ">": "≤", "<": "≥", "<=": ">"}[c.op]
    return f"{METRIC_LABEL[c.metric]} {_num(value, c.value)} {sym} {_thr(c.value)}"


def _paragraph_reasons(d: Decision, j: int) -> list[str]:
    """One line per paragraph test that decided the ECCN for row ``j``."""
    lines: list[str] = []
    idx = int(d.eccn_index[j])
    last = idx if idx >= 0 else len(d.version.paragraphs) - 1
    for i, p in enumerate(d.version.paragraphs[: last + 1]):
        state = d.paragraph_state[i, j]
        if not _in_scope(p.scope, d.datacenter[j : j + 1])[0]:
            what = "data centers" if p.scope == "datacenter" else "non-data-center ICs"
            lines.append(f"{p.id}: applies only to ICs designed or marketed for {what}")
            continue
        if state == 1:
            for c in p.all_of:
                lines.append(f"{p.id}: {_cond_text(c, d.metrics[c.metric][j], True)}")
            continue
        failed = False
        for c in p.all_of:
            v = d.metrics[c.metric][j]
            if np.isnan(v):
                need = f"needed for {METRIC_LABEL[c.metric]}"
                lines.append(f"{p.id}: {METRIC_FIELDS[c.metric]} unknown ({need})")
                failed = True
                break
            s = _condition(np.array([v]), c)[0]
            if s == 0:
                lines.append(f"{p.id}: {_cond_text(c, v, False)}")
                failed = True
                break
        if not failed:  # pragma: no cover - state 0 always has a failing test
            lines.append(f"{p.id}: not met")
    lines += list(d.version.not_applicable)
    return lines


def _requirement_reasons(d: Decision, j: int, eccn: str) -> list[str]:
    lines: list[str] = []
    covered = False
    for k, r in enumerate(d.requirements):
        state = d.trigger[k, j]
        to = f"to {d.destination}" + (
            f" for an end user headquartered in {d.end_user_hq}" if r.end_user_hq else ""
        )
        policy = d.policy_text(k, j)
        if r.eccn and eccn in r.eccn:
            covered = True
            ex_code = int(d.exception_code[k, j])
            ex = (
                f"; licence exception {d.exception_names[ex_code]} available"
                if ex_code >= 0
                else ""
            )
            lines.append(f"{r.id}: {eccn} {to} needs a licence ({policy}){ex} [{r.cite}]")
            continue
        if r.any_of and not _in_scope(r.scope, d.datacenter[j : j + 1])[0]:
            what = "data centers" if r.scope == "datacenter" else "non-data-center ICs"
            lines.append(f"{r.id}: applies only to ICs designed or marketed for {what}")
        elif r.any_of:
            hits, misses = [], []
            for c in r.any_of:
                v = d.metrics[c.metric][j]
                if np.isnan(v):
                    misses.append(f"{METRIC_FIELDS[c.metric]} unknown")
                elif _condition(np.array([v]), c)[0] == 1:
                    hits.append(_cond_text(c, v, True))
                else:
                    misses.append(_cond_text(c, v, False))
            if state == 1:
                covered = True
                lines.append(f"{r.id}: {hits[0]} -> licence needed {to} ({policy}) [{r.cite}]")
            else:
                lines += [f"{r.id}: {m}" for m in misses]
    if not covered and not np.isnan(d.license_required[j]):
        what = f"an item {eccn}" if eccn.startswith("not ") else eccn
        lines.append(f"{d.version.id}: no licence requirement to {d.destination} for {what}")
    return lines + _policy_reasons(d, j)


def _policy_reasons(d: Decision, j: int) -> list[str]:
    """Why each review policy of the version does or does not set the policy of row ``j``."""
    triggered = {d.requirements[k].id for k in range(len(d.requirements)) if d.trigger[k, j] == 1}

    def relevant(p: ReviewPolicy) -> bool:
        return bool(triggered) and (not p.requirements or bool(triggered & set(p.requirements)))

    lines: list[str] = []
    for q, p in enumerate(d.policies):
        if not relevant(p):
            continue
        if p.chips:
            named = ", ".join(p.chips)
            lines.append(
                f"{p.id}: names {named} -> {p.policy} [{p.cite}]"
                if d.policy_hit[q, j]
                else f"{p.id}: applies only to the chips it names ({named}), not to this one"
            )
            continue
        tests = []
        for c in p.all_of:
            v = d.metrics[c.metric][j]
            if np.isnan(v):
                tests.append(f"{METRIC_FIELDS[c.metric]} unknown")
            else:
                tests.append(_cond_text(c, v, bool(_condition(np.array([v]), c)[0] == 1)))
        if d.policy_hit[q, j]:
            lines.append(f"{p.id}: {' and '.join(tests)} -> {p.policy} [{p.cite}]")
            lines += [p.reason] if p.reason else []
        else:
            lines.append(f"{p.id}: {'; '.join(tests)} (policy not applicable)")
    for p in d.skipped_policies:
        if relevant(p):
            lines.append(
                f"{p.id}: applies only to {'/'.join(p.transactions)} ({p.policy}); not to a "
                f"{d.transaction}, which keeps the requirement's policy [{p.cite}]"
            )
    return lines


def classify_frame(
    specs: pd.DataFrame,
    destination: str,
    date: dt.date | str | None = None,
    *,
    version: str | None = None,
    reasons: bool = True,
    missing: Literal["raise", "flag"] = "raise",
    book: RuleBook | None = None,
    transaction: str = "export",
    end_user_hq: str | None = None,
) -> pd.DataFrame:
    """Classify rows of specs (columns ``tpp``, ``performance_density`` [TPP/mm²],
    ``interconnect_gbps``, ``memory_bandwidth_gbps`` [GB/s], ``datacenter``, optional ``chip``,
    ``system_of`` and ``ic_count`` for systems).

    ``transaction`` is export (from the US), reexport or transfer (in-country); ``end_user_hq``
    is the country of the end user's ultimate parent (default: the destination).
    ``missing="raise"`` raises InputError naming the first chip whose outcome needs a missing
    field; ``"flag"`` returns ``eccn = "undetermined"`` and ``license_required = None`` instead.
    Every row carries ``rules_reviewed_through`` and ``stale`` (the date is after it).
    """
    a = _answer(
        Specs.of_frame(specs), destination, date, version, missing, book, transaction,
        end_user_hq,
    )  # fmt: skip
    return rows_frame(_explained_rows(a)) if reasons else _bulk_frame(a)


def classify_rows(
    chips: Sequence[str | Accelerator | System] | str,
    destination: str,
    date: dt.date | str,
    *,
    version: str | None = None,
    missing: Literal["raise", "flag"] = "raise",
    transaction: str = "export",
    end_user_hq: str | None = None,
    book: RuleBook | None = None,
) -> list[dict[str, object]]:
    """:func:`classify`'s rows as plain Python values (keys in ``COLUMNS`` order), without
    building a DataFrame: what a request or a JSON document needs."""
    accs = _resolve_chips([chips] if isinstance(chips, str) else chips)
    a = _answer(
        Specs.of_items(accs), destination, date, version, missing, book, transaction, end_user_hq
    )
    return _explained_rows(a)


@dataclass
class _Answer:
    """One question evaluated for every row of ``specs``: the decision and the ECCN texts."""

    specs: Specs
    book: RuleBook
    version: ResolvedVersion
    day: dt.date
    destination: str
    end_user_hq: str
    transaction: str
    decision: Decision
    labels: list[str]
    eccn_code: np.ndarray
    ic_eccn: np.ndarray  # the IC's ECCN text per row (object)
    eccn: np.ndarray  # the row's ECCN text (a system's from its IC's)


def _answer(
    specs: Specs,
    destination: str,
    date: dt.date | str | None,
    version: str | None,
    missing: Literal["raise", "flag"],
    book: RuleBook | None,
    transaction: str,
    end_user_hq: str | None,
) -> _Answer:
    book = book or load_rules()
    day = parse_date(date)
    dest = book.destination(destination)
    hq = dest if end_user_hq is None else book.destination(end_user_hq, field="end_user_hq")
    transaction = transaction.strip().lower()
    if transaction not in TRANSACTIONS:
        raise InputError("transaction", transaction, "one of " + ", ".join(TRANSACTIONS))
    ver = book.version(version) if version else book.in_force(day)
    d = decide(specs, dest, day, ver, book, transaction, hq)
    undetermined = (d.eccn_index == -2) | np.isnan(d.license_required)
    if missing == "raise" and undetermined.any():
        j = int(np.argmax(undetermined))
        field, needed = _missing_field(d, j)
        raise InputError(
            f"{specs.chip[j]}.{field}",
            None,
            f"a value: {ver.id} {needed} needs {METRIC_LABEL.get(_metric_of(field), field)}",
        )
    eccn_names = [p.eccn for p in ver.paragraphs]
    labels = list(dict.fromkeys([*eccn_names, f"not {_family(ver)}", UNDETERMINED]))
    codes = np.array([labels.index(e) for e in eccn_names] + [len(labels) - 2, len(labels) - 1])
    eccn_code = codes[np.where(d.eccn_index >= 0, d.eccn_index, len(eccn_names) - d.eccn_index - 1)]
    eccn = np.asarray(labels, dtype=object)[eccn_code]
    ic_eccn = eccn
    if specs.systems.any():
        eccn = np.where(specs.systems, [_system_eccn(ver, e) for e in eccn], eccn)
    return _Answer(
        specs, book, ver, day, dest, hq, transaction, d, labels, eccn_code, ic_eccn, eccn
    )


def _bulk_frame(a: _Answer) -> pd.DataFrame:
    """Rows without reasons, categorical columns: cheap for 10^6 specs."""
    n, d = a.specs.n, a.decision
    required = d.license_required
    known = ~np.isnan(required)
    reviewed = a.book.reviewed_through
    return pd.DataFrame(
        {
            "chip": a.specs.chip,
            "date": _constant(a.day, n),
            "destination": _constant(a.destination, n),
            "transaction": _constant(a.transaction, n),
            "end_user_hq": _constant(a.end_user_hq, n),
            "rule_version": _constant(a.version.id, n),
            "eccn": pd.Categorical(a.eccn)
            if a.specs.systems.any()
            else pd.Categorical.from_codes(a.eccn_code, a.labels),  # type: ignore[call-overload]
            "tpp": d.metrics["tpp"],
            "performance_density": d.metrics["performance_density"],
            "license_required": required == 1
            if known.all()
            else np.where(known, required == 1, None),
            "rules_reviewed_through": _constant(reviewed, n),
            "stale": np.full(n, a.day > reviewed),
        }
    )


def _explained_rows(a: _Answer) -> list[dict[str, object]]:
    """One row per chip with its reasons, as plain Python values in ``COLUMNS`` order (bools
    and None for ``license_required``, so callers may test ``is False``)."""
    n, d, ver, s = a.specs.n, a.decision, a.version, a.specs
    required = d.license_required
    reviewed = a.book.reviewed_through
    stale = a.day > reviewed
    exceptions = _exception_per_row(d)
    chips = s.chip.tolist()
    origin = s.designer_country if s.designer_country is not None else [None] * n
    system_of = s.system_of if s.system_of is not None else [None] * n
    count = s.ic_count if s.ic_count is not None else [None] * n
    tpp = d.metrics["tpp"].tolist()
    density = d.metrics["performance_density"].tolist()
    rows: list[dict[str, object]] = []
    for j in range(n):
        ks = [k for k in range(len(d.requirements)) if d.trigger[k, j] == 1]
        texts = [t for k in ks for t in d.policy_texts(k, j)]
        ic_eccn, eccn = str(a.ic_eccn[j]), str(a.eccn[j])
        reasons = (
            _system_reason(ver, system_of[j], count[j], ic_eccn, eccn)
            + _paragraph_reasons(d, j)
            + _requirement_reasons(d, j, ic_eccn)
            + ([ver.meta.reason] if ver.meta.reason else [])
            + _origin(origin[j])
        )
        rows.append(
            {
                "chip": chips[j],
                "date": a.day,
                "destination": a.destination,
                "transaction": a.transaction,
                "end_user_hq": a.end_user_hq,
                "rule_version": ver.id,
                "eccn": eccn,
                "tpp": tpp[j],
                "performance_density": density[j],
                "license_required": None if np.isnan(required[j]) else bool(required[j] == 1),
                "license_exception": exceptions[j],
                "license_policy": "; ".join(dict.fromkeys(texts)) or None,
                "rules_reviewed_through": reviewed,
                "stale": stale,
                "reasons": reasons,
            }
        )
    return rows


FLOAT_COLUMNS = ("tpp", "performance_density")


def rows_frame(rows: Sequence[dict[str, object]]) -> pd.DataFrame:
    """The explained rows as the engine's DataFrame: object columns holding the rows' Python
    values (lists stay lists), ``tpp`` and ``performance_density`` as floats."""
    n = len(rows)
    objects = {c: _objects([r[c] for r in rows], n) for c in COLUMNS if c not in FLOAT_COLUMNS}
    out = pd.DataFrame(objects, dtype=object)
    for col in FLOAT_COLUMNS:
        out.insert(COLUMNS.index(col), col, np.array([r[col] for r in rows], dtype=float))
    return out


def _objects(values: Sequence[object], n: int) -> np.ndarray:
    """An object array holding ``values`` as they are (lists stay lists, one per row)."""
    arr = np.empty(n, dtype=object)
    for j, v in enumerate(values):
        arr[j] = v
    return arr


def _system_eccn(version: ResolvedVersion, ic_eccn: str) -> str:
    """ECCN of a computer containing ICs of ``ic_eccn`` (4A090 from 3A090) under ``version``."""
    table = version.systems or {}
    if ic_eccn in table:
        return table[ic_eccn]
    heads = {e.split(".")[0] for e in table.values()}
    if ic_eccn.startswith("not ") and len(heads) == 1:
        return f"not {heads.pop()}"
    return ic_eccn


def _system_reason(
    version: ResolvedVersion, ic: object, count: object, ic_eccn: str, eccn: str
) -> list[str]:
    if not isinstance(ic, str):
        return []
    cite = f" [{version.meta.systems_cite}]" if version.meta.systems_cite else ""
    n = int(count) if isinstance(count, int | float | np.integer) and not pd.isna(count) else "?"
    return [f"system with {n} x {ic}: classified by its ICs ({ic_eccn}) -> {eccn}{cite}"]


def _origin(country: object) -> list[str]:
    if not isinstance(country, str) or country == "US":
        return []
    return [
        f"designed in {country}: a US licence applies only if the item is subject to the EAR "
        "(U.S. content, foreign direct product rules); not assessed here"
    ]


def _constant(value: object, n: int) -> pd.Categorical:
    """A column holding one value (categorical: cheap for 10^6 rows)."""
    return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), [value])  # type: ignore[call-overload]


def _metric_of(field: str) -> str:
    for m, f in METRIC_FIELDS.items():
        if f == field:
            return m
    return field


def _missing_field(d: Decision, j: int) -> tuple[str, str]:
    """The first unknown field that an undetermined test of row ``j`` needs."""
    for i, p in enumerate(d.version.paragraphs):
        if np.isnan(d.paragraph_state[i, j]):
            for c in p.all_of:
                if np.isnan(d.metrics[c.metric][j]):
                    return METRIC_FIELDS[c.metric].split(" and ")[0], p.id
    for k, r in enumerate(d.requirements):
        if np.isnan(d.trigger[k, j]):
            for c in r.any_of:
                if np.isnan(d.metrics[c.metric][j]):
                    return METRIC_FIELDS[c.metric].split(" and ")[0], r.id
    return "spec", "a test"  # pragma: no cover


def _resolve_chips(chips: Sequence[str | Accelerator | System]) -> list[Accelerator | System]:
    """Catalog ids (accelerators or systems) and specs, in order."""
    systems = load_systems()
    out: list[Accelerator | System] = []
    for c in chips:
        if isinstance(c, Accelerator | System):
            out.append(c)
        elif c in systems:
            out.append(systems[c])
        else:
            out.append(get_accelerator(c))
    return out


def classify(
    chips: Sequence[str | Accelerator | System] | str,
    destination: str,
    date: dt.date | str,
    *,
    version: str | None = None,
    missing: Literal["raise", "flag"] = "raise",
    transaction: str = "export",
    end_user_hq: str | None = None,
) -> pd.DataFrame:
    """Classify catalog ids (accelerators or systems) or specs for a destination (ISO-3166
    alpha-2) on a date, for a transaction and an end user headquartered in ``end_user_hq``.

    One row per chip with the columns of ``COLUMNS``. A chip can be bought in the destination on
    that date iff ``license_required`` is False (licences assumed not granted).
    """
    return rows_frame(
        classify_rows(
            chips,
            destination,
            date,
            version=version,
            missing=missing,
            transaction=transaction,
            end_user_hq=end_user_hq,
        )
    )


def _status(row: Mapping[str, object]) -> str:
    if row["license_required"] is None:
        return UNDETERMINED
    if not row["license_required"]:
        return "no licence required"
    ex = row["license_exception"]
    return f"licence required ({ex} available)" if ex else "licence required"


def change_dates(book: RuleBook | None = None) -> list[dt.date]:
    """Every date on which some chip rule outcome can change: versions and dated requirements."""
    book = book or load_rules()
    dates: set[dt.date] = set()
    for i, v in enumerate(book.versions):
        dates.add(v.effective)
        end = book.versions[i + 1].effective if i + 1 < len(book.versions) else None
        dated: list[Requirement | ReviewPolicy] = [*v.requirements, *v.policies]
        for r in dated:
            for day in (
                r.valid_from,
                r.valid_until + dt.timedelta(days=1) if r.valid_until else None,
            ):
                if day and day > v.effective and (end is None or day < end):
                    dates.add(day)
    return sorted(dates)


def timeline(
    chip: str | Accelerator | System,
    destination: str = "CN",
    transaction: str = "export",
    end_user_hq: str | None = None,
) -> list[dict[str, object]]:
    """Dates on which the chip's status for the destination changed, with the reasons.

    Each entry: ``date, status, rule_version, eccn, license_required, license_exception,
    license_policy, reasons``. The first entry is the status under the first rule version.
    """
    book = load_rules()
    specs = Specs.of_items(_resolve_chips([chip]))
    out: list[dict[str, object]] = []
    prev: tuple[object, ...] | None = None
    for day in change_dates(book):
        row = _explained_rows(
            _answer(specs, destination, day, None, "raise", book, transaction, end_user_hq)
        )[0]
        policy = row["license_policy"]
        lead = policy.split("; ")[0] if isinstance(policy, str) else None  # the deciding one
        key = (row["eccn"], row["license_required"], row["license_exception"], lead)
        if key != prev:
            out.append(
                {
                    "date": day,
                    "status": _status(row),
                    "rule_version": row["rule_version"],
                    "eccn": row["eccn"],
                    "license_required": row["license_required"],
                    "license_exception": row["license_exception"],
                    "license_policy": row["license_policy"],
                    "reasons": row["reasons"],
                }
            )
            prev = key
    return out


def classify_reference(
    spec: dict[str, float | bool | None],
    destination: str,
    date: dt.date,
    version: ResolvedVersion,
    book: RuleBook,
    active: list[Requirement] | None = None,
) -> tuple[str, bool]:
    """Straightforward per-row reference (no NumPy) for tests and the benchmark.

    Returns (eccn, license_required); every field the version needs must be present.
    ``active`` (the requirements in force for the destination) may be passed precomputed.
    """
    mem = spec.get("memory_bandwidth_gbps")
    io = spec.get("interconnect_gbps")
    values: dict[str, float | None] = {m: spec.get(m) for m in METRICS[:-1]}
    values["dram_plus_io_gbps"] = None if mem is None or io is None else float(mem) + float(io)
    dc = bool(spec.get("datacenter", True))

    def holds(c: Condition) -> bool:
        v = values[c.metric]
        if v is None:
            raise InputError(c.metric, None, "a number")
        return {
            ">=": v >= c.value,
            ">": v > c.value,
            "<": v < c.value,
            "<=": v <= c.value,
        }[c.op]

    def scoped(p: Paragraph) -> bool:
        return p.scope == "any" or (p.scope == "datacenter") == dc

    eccn = None
    for p in version.paragraphs:
        if p.item == "logic-ic" and scoped(p) and all(holds(c) for c in p.all_of):
            eccn = p.eccn
            break
    required = False
    reqs = active if active is not None else active_requirements(version, book, destination, date)
    for r in reqs:
        in_scope = r.scope == "any" or (r.scope == "datacenter") == dc
        if (eccn is not None and eccn in r.eccn) or (in_scope and any(holds(c) for c in r.any_of)):
            required = True
    return (eccn or f"not {_family(version)}", required)
