"""Per-process caches: pure, slow results (report sections, the day's claims) computed once,
concurrent requests for the same result waiting for that one computation; and the answers of
GET requests by canonical query (:class:`ResponseCache`)."""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
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


class ResponseCache:
    """Answers (JSON bytes and headers) of GET requests, keyed by the canonical query: the
    path, the query's items sorted by name (repeated names keep their order, which the answer
    follows) and today's date (a default ``date`` is today). Every GET answer is a pure
    function of that key and the shipped data, so a repeated question (a slider moved back, a
    page reloaded, a system asking again) is answered without recomputing. Least recently used
    answers are dropped past ``max_bytes`` in all."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.hits = 0
        self._items: OrderedDict[Hashable, tuple[bytes, dict[str, str]]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(path: str, items: list[tuple[str, str]]) -> Hashable:
        return (path, tuple(sorted(items, key=lambda kv: kv[0])), dt.date.today())

    def get(self, key: Hashable) -> tuple[bytes, dict[str, str]] | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                self.hits += 1
            return found

    def put(self, key: Hashable, body: bytes, headers: dict[str, str]) -> None:
        if len(body) > self.max_bytes // 4:
            return  # one big answer must not evict everything
        with self._lock:
            if key in self._items:
                return
            self._items[key] = (body, headers)
            self.size += len(body)
            while self.size > self.max_bytes:
                _, (old, _) = self._items.popitem(last=False)
                self.size -= len(old)
