"""The results stage's bookkeeping: which pages may start, errors, and its one log line."""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future

import pytest

from analysis.site.schedule import PendingResults, in_thread

pytestmark = pytest.mark.unit


def _pending(names: list[str], missing: list[str]) -> PendingResults:
    return PendingResults(names=names, missing=missing, in_pool=False,
                          started=time.perf_counter())


def test_a_page_may_start_once_the_results_it_reads_are_stored():
    pending = _pending(["capital", "forecast"], ["capital"])
    capital: Future[bool] = Future()
    pending.futures["capital"] = capital
    assert pending.ready(["forecast"]) and pending.ready([])  # stored before the build
    assert not pending.ready(["forecast", "capital"])
    assert pending.running() == [capital]
    capital.set_result(False)
    assert pending.ready(["capital"]) and pending.running() == []


def test_a_failed_result_stops_whoever_waits_for_it():
    pending = _pending(["capital"], ["capital"])
    failed: Future[bool] = Future()
    failed.set_exception(ValueError("data/capex.csv:3:2: not a number"))
    pending.futures["capital"] = failed
    assert pending.ready(["forecast"])  # a page that does not read it is not stopped
    with pytest.raises(ValueError, match="capex.csv:3:2"):
        pending.ready(["capital"])
    with pytest.raises(ValueError, match="capex.csv:3:2"):
        pending.finish(lambda _: None)


def test_the_stage_line_is_printed_once_when_every_result_is_stored():
    lines: list[str] = []
    pending = _pending(["capital", "forecast"], ["capital"])
    capital: Future[bool] = Future()
    pending.futures["capital"] = capital
    pending.log_when_done(lines.append)
    assert lines == []
    capital.set_result(False)
    pending.log_when_done(lines.append)
    pending.log_when_done(lines.append)
    pending.finish(lines.append)
    assert len(lines) == 1
    assert lines[0].startswith("Results: capital computed, forecast reused in ")


def test_nothing_to_compute_prints_its_line_at_once_and_no_results_none():
    lines: list[str] = []
    _pending(["forecast"], []).finish(lines.append)
    _pending([], []).finish(lines.append)
    assert lines == [lines[0]] and lines[0].startswith("Results: forecast reused in ")


def test_a_thread_future_holds_the_result_or_the_error_and_does_not_block_exit():
    gate = threading.Event()

    def wait_then(value: int) -> int:
        gate.wait(5)
        return value

    future = in_thread(wait_then, 7)
    assert not future.done()
    assert any(t.daemon and t.name == "results" for t in threading.enumerate())
    gate.set()
    assert future.result(timeout=5) == 7
    failing = in_thread(int, "not a number")
    with pytest.raises(ValueError):
        failing.result(timeout=5)
