"""External steps of the build: a name, a timeout and a one-line failure each.

None of them outlives the build.

The build calls out to papermill (page execution, in worker processes that start kernels),
vl-convert (chart export and the Vega bundle), Jupyter Book / Sphinx and headless Chromium.
Any of them can fail or hang. Here:

* :class:`StepError` says which step failed and what to do, on one line.
* :func:`run_command` runs a command in its own process group with a timeout and kills the
  whole group when it times out or the build is interrupted.
* :func:`worker_init` makes a worker process die with the build, even on ``SIGKILL``: a
  parent-death signal (Linux ``prctl``) plus a watchdog thread that notices a new parent. A
  worker's kernels then exit by themselves (ipykernel polls its parent every second).
* :func:`terminate_on_sigterm` turns ``SIGTERM`` into the same clean-up path as ``Ctrl-C``.
* :func:`swap_in` publishes a new site in one atomic exchange where the OS allows it.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "DEFAULT_TIMEOUTS_S",
    "lower_thread_priority",
    "write_atomic",
    "STEPS",
    "BuildError",
    "BuildInterrupted",
    "StartedCommand",
    "StepError",
    "kill_processes",
    "recover_publish",
    "run_command",
    "start_command",
    "swap_in",
    "terminate_on_sigterm",
    "timeouts",
    "worker_init",
]

#: Step id -> (what the reader sees, what to do when it fails).
STEPS: dict[str, tuple[str, str]] = {
    "papermill": ("page execution (papermill)",
                  "fix the page and cell named above; for a page that is just slow, raise "
                  "the limit with AMZN_REPORT_TIMEOUTS=papermill=SECONDS"),
    "vl-convert": ("chart export (vl-convert)",
                   "check the chart spec of that page and the vl-convert-python install "
                   "(pip install -r requirements.txt)"),
    "vega-bundle": ("Vega bundle (vl-convert javascript_bundle)",
                    "reinstall vl-convert-python (pip install -r requirements.txt) and rebuild"),
    "sphinx": ("site rendering (jupyter-book build / Sphinx)",
               "fix the warning shown (run with --debug for the full log) and rebuild; if it is "
               "just slow, raise AMZN_REPORT_TIMEOUTS=sphinx=SECONDS"),
    "pdf": ("briefing PDF (headless Chromium through Playwright)",
            "check that 'chromium --headless' runs on this machine, or take chromium off PATH "
            "to build without the PDF"),
}

#: Seconds each step may take: per page for papermill and vl-convert, per run for the rest.
DEFAULT_TIMEOUTS_S: dict[str, float] = {
    "papermill": 1800.0, "vl-convert": 600.0, "vega-bundle": 300.0, "sphinx": 1800.0,
    "pdf": 180.0,
}

TIMEOUTS_ENV = "AMZN_REPORT_TIMEOUTS"
_PR_SET_PDEATHSIG = 1


class BuildError(RuntimeError):
    """The build failed; the published site was left as it was."""


class StepError(BuildError):
    """An external step failed or timed out; ``str()`` is one line, ``detail`` the full log.

    Attributes:
        step: Step id (a key of :data:`STEPS`).
        detail: Full output of the step, shown with ``--debug``.
    """

    def __init__(self, step: str, what: str, detail: str = "") -> None:
        label, hint = STEPS[step]
        flat = " ".join(what.split())
        super().__init__(f"{label} {flat}; {hint} (the published site is unchanged)")
        self.step = step
        self.detail = detail


class BuildInterrupted(BaseException):
    """The build got SIGINT or SIGTERM; raised like KeyboardInterrupt so that every step cleans up.

    Attributes:
        signum: The signal received.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(f"interrupted by {signal.Signals(signum).name}")
        self.signum = signum


def timeouts(overrides: Mapping[str, float] | None = None,
             environ: Mapping[str, str] = os.environ) -> dict[str, float]:
    """Return the timeout of every step: defaults < ``AMZN_REPORT_TIMEOUTS`` < ``overrides``.

    The variable holds ``step=seconds`` pairs separated by commas, e.g. ``pdf=60,sphinx=900``.

    Raises:
        ValueError: An unknown step or a non-positive number.
    """
    out = dict(DEFAULT_TIMEOUTS_S)
    pairs: dict[str, Any] = {}
    for item in filter(None, (p.strip() for p in environ.get(TIMEOUTS_ENV, "").split(","))):
        name, _, value = item.partition("=")
        pairs[name.strip()] = value
    pairs.update(overrides or {})
    for name, value in pairs.items():
        if name not in out:
            raise ValueError(f"{TIMEOUTS_ENV}: unknown step {name!r}; steps: {', '.join(out)}")
        try:
            seconds = float(value)
        except ValueError:
            raise ValueError(f"{TIMEOUTS_ENV}: {name}={value!r} is not a number") from None
        if not seconds > 0:
            raise ValueError(f"{TIMEOUTS_ENV}: {name} must be positive")
        out[name] = seconds
    return out


def _set_parent_death_signal() -> None:
    """Ask Linux to SIGKILL this process when the thread that started it exits."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # no libc/prctl: the watchdog still covers it
        pass


def _watch_parent(parent_pid: int, interval_s: float) -> None:
    while True:
        if os.getppid() != parent_pid:
            os._exit(1)  # the build is gone: nothing left to report to
        time.sleep(interval_s)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all: under a temporary name beside it, then renamed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def lower_thread_priority(increment: int = 10) -> None:
    """Lower the calling thread's priority (Linux, where a thread has its own nice value).

    For work done ahead of time that nothing waits for yet, so it takes the cores only when
    what the build waits for leaves them idle. Elsewhere, or if refused, nothing changes.
    """
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), increment)
    except (AttributeError, OSError):
        pass


def worker_init(parent_pid: int, interval_s: float = 0.5) -> None:
    """Initialise a page worker so that it never outlives the build.

    Runs first in each worker (``ProcessPoolExecutor(initializer=...)``): ignores SIGINT
    (the build decides what an interrupt means and stops the workers itself), sets a
    parent-death signal and starts a watchdog thread for the case where it cannot.

    Args:
        parent_pid: Process id of the build.
        interval_s: How often the watchdog looks.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _set_parent_death_signal()
    if os.getppid() != parent_pid:  # the build died before the signal was armed
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent_pid, interval_s), daemon=True,
                     name="parent-watchdog").start()


def kill_processes(pids: Sequence[int]) -> None:
    """SIGKILL each process (already gone is fine)."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def _child_setup() -> None:  # runs in the child between fork and exec
    _set_parent_death_signal()


class StartedCommand:
    """A step's command, started by :func:`start_command` and finished by :meth:`finish`.

    Its timeout counts from its start, so a command started early (to run beside other
    work) has no more time than one run at once.
    """

    def __init__(self, step: str, proc: subprocess.Popen[str], timeout_s: float) -> None:
        self.step, self.proc, self.timeout_s = step, proc, timeout_s
        self.started = time.monotonic()

    def finish(self, stdin_text: str | None = None, restart_clock: bool = False
               ) -> subprocess.CompletedProcess[str]:
        """Wait for the command (the caller judges the exit code).

        Args:
            stdin_text: Written to its standard input first (if it was started with one).
            restart_clock: Count its timeout from now (for a command that was started to
                wait for its input).

        Raises:
            StepError: It did not finish within its timeout (its group is killed).
        """
        if restart_clock:
            self.started = time.monotonic()
        left = max(0.0, self.timeout_s - (time.monotonic() - self.started))
        try:
            out, err = self.proc.communicate(stdin_text, timeout=left)
        except subprocess.TimeoutExpired:
            _kill_group(self.proc)
            out, err = self.proc.communicate()
            raise StepError(self.step, f"timed out after {self.timeout_s:g} s",
                            (out or "") + (err or "")) from None
        except BaseException:
            _kill_group(self.proc)
            raise
        return subprocess.CompletedProcess(self.proc.args, self.proc.returncode, out, err)

    def kill(self) -> None:
        """Stop the command and its group if it is still running."""
        if self.proc.poll() is None:
            _kill_group(self.proc)


def start_command(step: str, cmd: Sequence[str], timeout_s: float, **kwargs: Any
                  ) -> StartedCommand:
    """Start ``cmd`` for ``step``; :meth:`StartedCommand.finish` waits for it.

    The command gets its own process group and a parent-death signal. On timeout, or when
    the build is interrupted while it is waited for, the whole group is killed.

    Raises:
        StepError: The command could not start.
    """
    try:
        proc = subprocess.Popen(list(cmd), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                encoding="utf-8", errors="replace", start_new_session=True,
                                preexec_fn=_child_setup, **kwargs)
    except OSError as exc:
        raise StepError(step, f"could not start ({cmd[0]}: {exc.strerror or exc})") from None
    return StartedCommand(step, proc, timeout_s)


def run_command(step: str, cmd: Sequence[str], timeout_s: float, **kwargs: Any
                ) -> subprocess.CompletedProcess[str]:
    """Run ``cmd`` for ``step`` and return its result (see :func:`start_command`).

    Raises:
        StepError: The command could not start or did not finish within ``timeout_s``.
    """
    return start_command(step, cmd, timeout_s, **kwargs).finish()


def _kill_group(proc: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.kill()
    proc.wait()


@contextlib.contextmanager
def terminate_on_sigterm() -> Iterator[None]:
    """Within the block, SIGTERM and SIGINT raise :class:`BuildInterrupted` in the main thread.

    So every step's clean-up runs; outside the main thread this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        raise BuildInterrupted(signum)

    previous = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


def swap_in(new: Path, current: Path) -> None:
    """Put the directory ``new`` at ``current``; the old content is deleted afterwards.

    On Linux the two are exchanged with one ``renameat2(RENAME_EXCHANGE)``, so a reader (or
    a kill) never sees a missing site. Elsewhere two renames are used, and
    :func:`recover_publish` repairs the one gap a kill can leave between them.
    """
    previous = current.with_name(current.name + ".previous")
    shutil.rmtree(previous, ignore_errors=True)
    if current.exists() and _exchange(new, current):
        shutil.rmtree(new, ignore_errors=True)  # `new` now holds the old site
        return
    if current.exists():
        current.replace(previous)
    new.replace(current)
    shutil.rmtree(previous, ignore_errors=True)


def recover_publish(current: Path) -> None:
    """Restore the published site if a build was killed between the two renames."""
    previous = current.with_name(current.name + ".previous")
    if not current.exists() and previous.is_dir():
        previous.replace(current)


def _exchange(a: Path, b: Path) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0
