"""A build stopped by SIGINT or SIGKILL leaves no worker or kernel behind, keeps the published
site and does not block the next build.

A real build runs in a child process; once a kernel is running, the build is signalled, and
5 s later every process still working in the scratch checkout is counted (kernels and page
workers run there). Then a normal build must succeed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from analysis import params
from analysis.site.build import build

pytestmark = pytest.mark.site

GRACE_S = 5.0
_DRIVER = ("import sys; from pathlib import Path; import analysis.site.build as b; "
           "b.repo_root = lambda: Path(sys.argv[1]); from analysis.__main__ import main; "
           "sys.exit(main(sys.argv[2:]))")


def _in_checkout(root: Path, exclude: set[int]) -> list[psutil.Process]:
    """Live (non-zombie) processes whose working directory is ``root``."""
    found = []
    for proc in psutil.process_iter(["pid", "cwd", "status"]):
        try:
            if proc.info["pid"] in exclude or proc.info["status"] == psutil.STATUS_ZOMBIE:
                continue
            if proc.info["cwd"] and Path(proc.info["cwd"]) == root:
                found.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def _kernels(build_proc: psutil.Process) -> list[psutil.Process]:
    try:
        kids = build_proc.children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    out = []
    for kid in kids:
        try:
            if any("ipykernel_launcher" in part for part in kid.cmdline()):
                out.append(kid)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return out


@pytest.fixture(scope="module")
def published(small_build, copy_built, tmp_path_factory) -> Path:
    """A copy of the session's one-page book, built and published with the defaults."""
    return copy_built(small_build, tmp_path_factory.mktemp("interrupt").resolve() / "repo")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGKILL])
def test_signal_leaves_no_process_and_the_next_build_runs(published, tree_digest, signum):
    root = published
    site = root / "_build" / "html"
    before = tree_digest(site)
    # A parameter only the page reads: what is tested is the signal, not the models (and
    # --no-cache makes the page run again either way).
    cost = {"cost_per_employee_usd_k": 150 + signum}
    child = subprocess.Popen([sys.executable, "-c", _DRIVER, str(root), "build", "--no-cache",
                              "-p", f"cost_per_employee_usd_k={150 + signum}"], cwd=root,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    build_proc = psutil.Process(child.pid)
    deadline = time.monotonic() + 300
    while not _kernels(build_proc):
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline, "no kernel started within 300 s"
        time.sleep(0.2)
    started = {p.pid for p in build_proc.children(recursive=True)} | {child.pid}
    os.kill(child.pid, signum)
    t_signal = time.monotonic()
    gone_after = None
    while time.monotonic() - t_signal < GRACE_S:
        child.poll()  # reap the build once it exits, so that it is not left as a zombie
        if not _in_checkout(root, {os.getpid()}) and gone_after is None:
            gone_after = time.monotonic() - t_signal
        time.sleep(0.1)
    left = _in_checkout(root, {os.getpid()})
    left_started = [p for p in psutil.process_iter(["status"]) if p.pid in started
                    and p.info["status"] != psutil.STATUS_ZOMBIE]
    print(f"{signal.Signals(signum).name}: {len(started)} process(es) while running, "
          f"{len(left)} left in the checkout and {len(left_started)} of them alive "
          f"{GRACE_S:g} s after the signal (all gone after {gone_after} s)")
    assert not left and not left_started, [p.cmdline() for p in left + left_started]
    _, err = child.communicate(timeout=60)
    if signum == signal.SIGINT:
        assert child.returncode == 130
        assert "error: build stopped (the published site is unchanged)" in err.splitlines()
        assert "Traceback" not in err
    assert tree_digest(site) == before
    again = build(params.validate(cost), root=root, stream=None)
    assert {r["how"] for r in again.runs} <= {"executed", "cached"}
    assert (again.site / "index.html").exists()
