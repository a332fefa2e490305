"""One function per computing command, shared by the CLI and the REST API.

Each function takes the command's options (named as the CLI names them, files as paths) and
returns a :class:`Result`: the data whose ``--format json`` document both interfaces print, and
the notes (warnings) the CLI writes to stderr. Presentation (tables, titles) stays in the CLI.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ParamSpec

from chipwar.plausibility import collect

P = ParamSpec("P")


@dataclass
class Result:
    """A command's answer: ``data`` (DataFrame, rows or one object), stderr ``notes`` and the
    plausibility ``warnings`` its inputs raised (:mod:`chipwar.plausibility`)."""

    data: Any
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def document(self) -> Any:
        """The JSON document (what ``--format json`` prints and the API answers)."""
        from chipwar.serialize import document

        return document(self.data)


def records_warnings(command: Callable[P, Result]) -> Callable[P, Result]:
    """Run ``command`` collecting its plausibility warnings into ``Result.warnings`` (they also
    reach an enclosing :func:`chipwar.plausibility.collect`, such as the CLI's, which prints
    them). The commands layer never prints."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> Result:
        with collect() as found:
            result = command(*args, **kwargs)
        result.warnings.extend(found)
        return result

    return run


def split_ids(values: Iterable[str] | None) -> list[str]:
    """Ids from repeated flags and comma-separated lists alike, in order and without repeats:
    ``-c a -c b,c,a`` -> [a, b, c]."""
    parts = (part.strip() for v in values or [] for part in v.split(","))
    return list(dict.fromkeys(p for p in parts if p))
