"""One function per computing command, shared by the CLI and the REST API.

Each function takes the command's options (named as the CLI names them, files as paths) and
returns a :class:`Result`: the data whose ``--format json`` document both interfaces print, and
the notes (warnings) the CLI writes to stderr. Presentation (tables, titles) stays in the CLI.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from chipwar.serialize import document


@dataclass
class Result:
    """A command's answer: ``data`` (DataFrame, rows or one object) and stderr ``notes``."""

    data: Any
    notes: list[str] = field(default_factory=list)

    def document(self) -> Any:
        """The JSON document (what ``--format json`` prints and the API answers)."""
        return document(self.data)


def split_ids(values: Iterable[str] | None) -> list[str]:
    """Ids from repeated flags and comma-separated lists alike, in order and without repeats:
    ``-c a -c b,c,a`` -> [a, b, c]."""
    parts = (part.strip() for v in values or [] for part in v.split(","))
    return list(dict.fromkeys(p for p in parts if p))
