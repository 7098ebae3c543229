"""The build's results stage, and when each page may start.

The registered results a build is missing are computed on the workers, or, when there is only
one and no sweep, in a thread of the build's own process (it then starts at once, without
waiting for a worker to start). A page starts as soon as the results it reads are stored,
not when all of them are: while chapter 1's results are computed, the pages that do not read
them already run.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.params import Params

__all__ = ["PendingResults", "in_thread", "plan_results"]


def in_thread(fn: Callable[..., Any], *args: Any) -> Future[Any]:
    """Run ``fn(*args)`` in a daemon thread; its future holds the result or the exception.

    A daemon thread, so an interrupted build's process exits without waiting for it (what
    it was computing is stored atomically, or not at all).
    """
    future: Future[Any] = Future()
    future.set_running_or_notify_cancel()

    def run() -> None:
        try:
            future.set_result(fn(*args))
        except BaseException as exc:  # noqa: BLE001 - handed to whoever waits for it
            future.set_exception(exc)

    threading.Thread(target=run, name="results", daemon=True).start()
    return future


@dataclass
class PendingResults:
    """The results the pages read: which are missing, and the tasks computing them.

    Attributes:
        names: The registered results the pages read, in registration order.
        missing: Those not stored yet.
        in_pool: Whether the workers compute them (several, or beside a sweep), rather than
            a thread of this process (a single one).
        started: When the stage was planned (``time.perf_counter()``).
        futures: Result name → its task, once :meth:`start` submitted them.
        finished: Result name → when its task ended.
        logged: Whether the stage's line was printed.
    """

    names: list[str]
    missing: list[str]
    in_pool: bool
    started: float
    futures: dict[str, Future[Any]] = field(default_factory=dict)
    finished: dict[str, float] = field(default_factory=dict)
    logged: bool = False

    def start(self, params: Params, pool: Executor, root: Path) -> None:
        """Start computing the missing results: on ``pool``, or one in a thread here.

        Submitted before the sweep's tasks, so the two stages share the workers and neither
        leaves one idle while it finishes (the forecast alone takes seconds). Pages, the
        ledger and the briefing then read the results (:func:`analysis.site.results.get`)
        with the same parameters, so no page recomputes a chapter.
        """
        from analysis.site import results

        for name in self.missing:
            future = (pool.submit(results.ensure, name, params, root) if self.in_pool
                      else in_thread(results.ensure, name, params, root))
            future.add_done_callback(
                lambda _f, name=name: self.finished.setdefault(name, time.perf_counter()))
            self.futures[name] = future

    def ready(self, names: Iterable[str]) -> bool:
        """Whether the results ``names`` are stored (re-raises a computation's error)."""
        for name in names:
            future = self.futures.get(name)
            if future is not None:
                if not future.done():
                    return False
                future.result()
        return True

    def running(self) -> list[Future[Any]]:
        """The tasks still computing."""
        return [f for f in self.futures.values() if not f.done()]

    def log_when_done(self, log: Callable[[str], None]) -> None:
        """Print the stage's line once every result is stored (once)."""
        if self.logged or not self.names or not self.ready(self.names):
            return
        self.logged = True
        end = max(self.finished.values(), default=time.perf_counter())
        how = ", ".join(f"{n} {'computed' if n in self.missing else 'reused'}"
                        for n in self.names)
        log(f"Results: {how} in {end - self.started:.1f} s")

    def finish(self, log: Callable[[str], None]) -> None:
        """Wait for every task (a result no page waited for too), then print the line."""
        for future in self.futures.values():
            future.result()
        self.log_when_done(log)


def plan_results(read: Iterable[str], params: Params, sweep_to_compute: bool, root: Path
                 ) -> PendingResults:
    """Which registered results among ``read`` are missing, and where to compute them."""
    from analysis.site import results

    started = time.perf_counter()
    wanted = set(read)
    names = [name for name in results.registered() if name in wanted]
    missing = [name for name in names if not results.is_stored(name, params, root)]
    return PendingResults(names, missing, len(missing) > 1 or sweep_to_compute, started)

