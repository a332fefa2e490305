"""A request past the time limit is answered 503 and its computation stops: the supply engine's
day loop, counted through :func:`chipwar.cancel.check`, stops advancing soon after the 503,
long before the run would have finished."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

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


def test_outside_a_cancellable_block_check_is_a_no_op() -> None:
    cancel.check()  # the CLI never cancels
    flag = threading.Event()
    with cancel.cancellable(flag):
        cancel.check()
        flag.set()
        with pytest.raises(cancel.Cancelled):
            cancel.check()
    cancel.check()


class Gate:
    """Counts the :func:`chipwar.cancel.check` calls made from one engine module and holds the
    ``pause_at``-th until the request's stop flag is set (the server gave up on it), so the run
    cannot finish before the time limit however fast the machine; then lets the real check
    decide. ``stopped`` is set when a check raised :class:`chipwar.cancel.Cancelled`."""

    def __init__(
        self,
        monkeypatch: pytest.MonkeyPatch,
        module: str,
        pause_at: int,
        where: Callable[[FrameType], bool] = lambda frame: True,
    ) -> None:
        self.module, self.pause_at = module, pause_at
        self.calls = 0
        self.stopped = threading.Event()
        self.flag_was_set = False
        real = cancel.check

        def gated() -> None:
            caller = sys._getframe(1)
            if caller.f_globals.get("__name__") == self.module and where(caller):
                self.calls += 1
                if self.calls == self.pause_at:
                    flag = cancel._FLAG.get()
                    assert flag is not None, "the engine runs outside cancellable()"
                    self.flag_was_set = flag.wait(60)
            try:
                real()
            except cancel.Cancelled:
                self.stopped.set()
                raise

        monkeypatch.setattr(cancel, "check", gated)

    def assert_stopped(self) -> None:
        assert self.stopped.wait(30), "the computation did not stop after the 503"
        at_stop = self.calls
        time.sleep(0.5)  # were it still running, it would reach its next check
        assert self.calls == at_stop  # no step after the one that saw the stop flag
        # It checked from this module (at every step up to the stop), and stopped at the held
        # check or, when the time limit came earlier, at an earlier one.
        assert 1 <= at_stop <= self.pause_at
        assert self.flag_was_set or at_stop < self.pause_at


def warm(path: str, params: dict[str, str]) -> None:
    """Answer one small request first, so that what the process caches (a calibration fit, the
    shipped lists' index) is not what the time limit interrupts."""
    with TestClient(create_app(Settings())) as client:
        assert client.get(path, params=params).status_code == 200


def test_timed_out_dynamics_run_stops_at_the_next_year(monkeypatch: pytest.MonkeyPatch) -> None:
    from chipwar.dynamics import api as dynamics_api

    warm("/api/v1/dynamics/run", {"scenario": "baseline"})  # the cached calibration fit
    gate = Gate(monkeypatch, "chipwar.dynamics.model", pause_at=3)
    tabled: list[int] = []
    real_frame = dynamics_api.frame

    def counted_frame(*args: Any, **kwargs: Any) -> Any:
        tabled.append(1)
        return real_frame(*args, **kwargs)

    monkeypatch.setattr(dynamics_api, "frame", counted_frame)
    with TestClient(create_app(Settings(request_timeout_s=0.2))) as client:
        r = client.get("/api/v1/dynamics/run", params={"scenario": "baseline", "samples": 200})
        assert r.status_code == 503, r.text
        gate.assert_stopped()
    assert tabled == []  # the run never reached its yearly table


def test_timed_out_screen_stops_at_the_next_name(monkeypatch: pytest.MonkeyPatch) -> None:
    warm("/api/v1/screen", {"name": "Huawei"})  # the shipped lists' name index, built once
    gate = Gate(monkeypatch, "chipwar.controls.screening", pause_at=5)
    names = [f"Company {i} Semiconductor Ltd" for i in range(40)]
    with TestClient(create_app(Settings(request_timeout_s=0.2))) as client:
        r = client.get("/api/v1/screen", params=[("name", n) for n in names])
        assert r.status_code == 503, r.text
        gate.assert_stopped()
    # chunk check + one per name: stopped at the 4th name of 40


def test_timed_out_index_build_stops_at_the_next_block(monkeypatch: pytest.MonkeyPatch) -> None:
    from chipwar.controls import names as names_module

    n = 3 * names_module.CANCEL_EVERY  # (the body's text is capped at 131,072 characters)
    # Count the checks of this upload's index only (not of a shipped list's).
    gate = Gate(monkeypatch, "chipwar.controls.names", 2, lambda f: f.f_locals.get("n") == n)
    rows = "".join(f"p{i},Co {i},entity-list,2020-01-01,\n" for i in range(n))
    body = {
        "file": "name\nCo 7\n",
        "parties": "id,name,list,listed_from,listed_to\n" + rows,
    }
    with TestClient(create_app(Settings(request_timeout_s=0.2))) as client:
        r = client.post("/api/v1/screen", json=body)
        assert r.status_code == 503, r.text
        gate.assert_stopped()
    # stopped in the second block of CANCEL_EVERY entries, of three
