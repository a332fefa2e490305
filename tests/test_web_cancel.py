"""A request past the time limit is answered 503 and its computation stops: the supply engine's
day loop, counted through :func:`chipwar.cancel.check`, stops advancing soon after the 503,
long before the run would have finished."""

from __future__ import annotations

import threading
import time

import pytest
from fastapi.testclient import TestClient

from chipwar import cancel
from chipwar.web.app import create_app
from chipwar.web.settings import Settings


def test_timed_out_supply_run_stops_computing(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = 0
    stopped = threading.Event()
    real = cancel.check

    def counting() -> None:
        nonlocal calls
        calls += 1
        try:
            real()
        except cancel.Cancelled:
            stopped.set()
            raise

    monkeypatch.setattr(cancel, "check", counting)
    days = 3650
    with TestClient(create_app(Settings(request_timeout_s=0.5))) as client:
        t0 = time.monotonic()
        r = client.get(
            "/api/v1/supply/run",
            params={"scenario": "nexperia-2025", "samples": 500, "days": days},
        )
        assert r.status_code == 503, r.text
        assert "still computing" in r.json()["error"]
        assert stopped.wait(10), "the computation did not stop after the 503"
        time.sleep(0.2)  # other blocks reach their next check
        at_stop = calls
        time.sleep(1.0)
        assert calls == at_stop  # the counter no longer advances: no day is being simulated
        assert 0 < at_stop < days  # it had started and stopped well before the last day
        assert time.monotonic() - t0 < 10


def test_outside_a_cancellable_block_check_is_a_no_op() -> None:
    cancel.check()  # the CLI never cancels
    flag = threading.Event()
    with cancel.cancellable(flag):
        cancel.check()
        flag.set()
        with pytest.raises(cancel.Cancelled):
            cancel.check()
    cancel.check()
