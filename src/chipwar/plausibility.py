"""Plausibility warnings: a value that is allowed but unlikely to be meant.

A value outside its hard bounds is refused (:class:`~chipwar.errors.InputError`, see
``docs/limits.md``). A value inside them but outside its *plausible* range (for example
``cost_of_capital=5``, most likely meant as 5 %) is answered with a warning that suggests the
likely meaning: ``cost_of_capital=5: did you mean 0.05?``. The plausible ranges are
**plausibility (not sourced)** judgements, listed with their reasons in ``docs/limits.md``.

Who sees a warning:

* the command line prints each on stderr as ``warning: ...``; the global ``--strict`` flag turns
  it into an error (exit code 2) before anything is printed or written;
* the commands layer (:mod:`chipwar.commands`, shared by the CLI and the REST API) records them in
  ``Result.warnings``; the REST API sends them in the ``X-Chipwar-Notes`` header;
* a Python caller outside both gets a :class:`PlausibilityWarning` through :mod:`warnings` (so
  ``warnings.simplefilter("error", PlausibilityWarning)`` makes them errors), or uses
  :func:`strict` / :func:`collect`.

This module imports nothing heavy; engines may call :func:`flag` (it does no I/O).
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from chipwar.errors import InputError

__all__ = [
    "ImplausibleValueError",
    "PlausibilityWarning",
    "collect",
    "flag",
    "is_strict",
    "strict",
]


class PlausibilityWarning(UserWarning):
    """A value inside its hard bounds but outside its plausible range."""


class ImplausibleValueError(InputError):
    """A plausibility warning turned into an error (``--strict``, or :func:`strict`)."""


_STRICT: ContextVar[bool] = ContextVar("chipwar_strict", default=False)
_SINKS: ContextVar[tuple[Callable[[str], None], ...]] = ContextVar("chipwar_sinks", default=())


def is_strict() -> bool:
    """Whether warnings are errors in the current context."""
    return _STRICT.get()


@contextlib.contextmanager
def strict(on: bool = True) -> Iterator[None]:
    """Within the block, a plausibility warning raises :class:`ImplausibleValueError`."""
    token = _STRICT.set(on)
    try:
        yield
    finally:
        _STRICT.reset(token)


def set_strict(on: bool) -> None:
    """Turn strict mode on or off for the rest of the current context (the CLI's ``--strict``;
    the CLI runs each command in a context of its own)."""
    _STRICT.set(on)


@contextlib.contextmanager
def collect(on_warning: Callable[[str], None] | None = None) -> Iterator[list[str]]:
    """Within the block, warnings are appended to the yielded list (and passed to
    ``on_warning``) instead of going through :mod:`warnings`; an enclosing :func:`collect` sees
    them too."""
    found: list[str] = []

    def sink(text: str) -> None:
        found.append(text)
        if on_warning is not None:
            on_warning(text)

    token = _SINKS.set((*_SINKS.get(), sink))
    try:
        yield found
    finally:
        _SINKS.reset(token)


def _number(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return f"{value:g}" if isinstance(value, float) else str(value)


def flag(
    field: str,
    value: Any,
    plausible: str,
    suggestion: Any = None,
    why: str = "",
) -> None:
    """Report ``field=value`` as implausible: ``plausible`` says the plausible range in words
    and units, ``suggestion`` the likely meant value (``did you mean ...?``), ``why`` one more
    clause. Strict: raises :class:`ImplausibleValueError`; else a warning line (see the module
    docstring for where it goes)."""
    guess = "implausible " if suggestion is None else f"did you mean {_number(suggestion)}? "
    detail = f"plausible: {plausible}" + (f"; {why}" if why else "")
    if is_strict():
        raise ImplausibleValueError(
            field, value, f"a plausible value ({guess}{detail}; refused under --strict)"
        )
    text = f"{field}={_number(value)}: {guess}({detail})"
    sinks = _SINKS.get()
    if not sinks:
        warnings.warn(text, PlausibilityWarning, stacklevel=3)
    for sink in sinks:
        sink(text)
