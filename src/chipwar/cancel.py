"""Cooperative cancellation: a caller that gives up on a computation (the web server past its
request time limit) sets a flag, and the engines' long loops (supply days, TCO blocks, dynamics
years, screened names, name-index blocks) check it and stop with :class:`Cancelled` at their
next step. Python threads cannot be killed, so the
work stops itself; outside :func:`cancellable` the check is a no-op (the CLI never cancels).

The flag lives in a context variable, so it follows the computation into the threads an engine
starts (they are given a copy of the caller's context) and never into other requests'
threads."""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections.abc import Iterator

from chipwar.errors import ChipwarError

_FLAG: contextvars.ContextVar[threading.Event | None] = contextvars.ContextVar(
    "chipwar_cancel", default=None
)


class Cancelled(ChipwarError):
    """The computation was stopped because its caller gave up on it."""


def check() -> None:
    """Raise :class:`Cancelled` if the current computation's caller has given up."""
    flag = _FLAG.get()
    if flag is not None and flag.is_set():
        raise Cancelled("computation stopped: its caller gave up (request time limit)")


@contextlib.contextmanager
def cancellable(flag: threading.Event) -> Iterator[None]:
    """Run the block so that setting ``flag`` stops it at the engines' next check."""
    token = _FLAG.set(flag)
    try:
        yield
    finally:
        _FLAG.reset(token)
