"""A per-process cache for pure, slow results (report sections, the day's claims): computed
once, and concurrent requests for the same result wait for that one computation instead of
starting their own."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def once(maxsize: int = 32) -> Callable[[F], F]:
    """``functools.lru_cache`` whose misses are computed under a lock, one at a time."""

    def wrap(fn: F) -> F:
        cached = functools.lru_cache(maxsize=maxsize)(fn)
        lock = threading.Lock()

        @functools.wraps(fn)
        def call(*args: Any) -> Any:
            with lock:
                return cached(*args)

        call.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        return call  # type: ignore[return-value]

    return wrap
