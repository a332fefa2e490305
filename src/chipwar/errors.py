"""The error hierarchy. Every bad input raises a ChipwarError subclass whose message names the
field, the value and what is allowed; interfaces print it (CLI: exit 2) or return it (API: 4xx)."""

from __future__ import annotations

from typing import Any


class ChipwarError(Exception):
    """Base class for every error caused by input (flags, files, data rows, API bodies)."""

    exit_code = 2


class UnknownIdError(ChipwarError, KeyError):
    """An id that is not in a catalog."""

    def __init__(self, kind: str, value: str, known: list[str] | None = None) -> None:
        hint = ""
        if known:
            close = _close_matches(value, known)
            hint = f"; did you mean {', '.join(close)}?" if close else f"; known: {_preview(known)}"
        super().__init__(f"unknown {kind} {value!r}{hint}")
        self.kind, self.value = kind, value

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0])


class InputError(ChipwarError, ValueError):
    """A value outside what is allowed: names the field, the value and the allowed range."""

    def __init__(self, field: str, value: Any, allowed: str) -> None:
        super().__init__(f"{field}: {short_repr(value)} is not allowed; expected {allowed}")
        self.field, self.value, self.allowed = field, value, allowed


class DataError(ChipwarError):
    """A reference-data or user-data file that is malformed (names file, row/line and field)."""


class ScenarioError(ChipwarError):
    """A scenario file that does not validate."""


class NotApplicableError(ChipwarError):
    """A question with no answer for these inputs (e.g. a chip lacking a precision)."""


def short_repr(value: Any, n: int = 60) -> str:
    """``repr(value)`` cut to about ``n`` characters (then ``…`` and the full length), so that an
    error message quotes only a short excerpt of a long value."""
    if isinstance(value, str) and len(value) > n:
        return repr(value[:n]) + f"… ({len(value):,} characters)"
    text = repr(value)
    return text if len(text) <= n else text[:n] + f"… ({len(text):,} characters)"


def _preview(items: list[str], n: int = 8) -> str:
    head = ", ".join(items[:n])
    return head + (", …" if len(items) > n else "")


def _close_matches(value: str, known: list[str]) -> list[str]:
    import difflib

    return difflib.get_close_matches(value, known, n=3, cutoff=0.6)


class OutputError(ChipwarError):
    """An output path that cannot be written (a directory, a missing folder, a full disk, or the
    same path given for two outputs); nothing is left half-written."""


class LimitError(ChipwarError):
    """Input or requested work above a stated limit (nesting depth, file size, sample count, …);
    the message names the limit, the value and how to raise it."""
