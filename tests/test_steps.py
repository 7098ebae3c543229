"""Unit tests of the build's external commands (analysis.site.steps.start_command)."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from analysis.site.steps import StepError, run_command, start_command

# Waits for one line on stdin, then prints it back upper-cased.
ECHO = "import sys; print(sys.stdin.readline().strip().upper())"


def test_a_started_command_reads_its_input_when_finished():
    job = start_command("sphinx", [sys.executable, "-c", ECHO], 30, stdin=subprocess.PIPE)
    assert job.finish("go\n").stdout.strip() == "GO"
    assert run_command("sphinx", [sys.executable, "-c", "print(2)"], 30).stdout == "2\n"


def test_the_timeout_counts_from_the_start_or_from_the_input():
    waiting = start_command("sphinx", [sys.executable, "-c", ECHO], 2.0, stdin=subprocess.PIPE)
    late = start_command("sphinx", [sys.executable, "-c", ECHO + "; import time; "
                                    "time.sleep(30)"], 2.0, stdin=subprocess.PIPE)
    time.sleep(2.5)  # both were started more than their timeout ago
    # Counted from the input: it answers at once and is on time.
    assert waiting.finish("x\n", restart_clock=True).returncode == 0
    # Counted from the start, it is already late: it is killed and named.
    with pytest.raises(StepError, match="timed out after 2 s"):
        late.finish("x\n")
    assert late.proc.poll() is not None


def test_kill_stops_a_command_that_was_never_finished():
    job = start_command("sphinx", [sys.executable, "-c", ECHO], 30, stdin=subprocess.PIPE)
    job.kill()
    assert job.proc.poll() is not None
    job.kill()  # already stopped: nothing to do


def test_a_thread_lowers_its_own_priority_only():
    import os
    import threading

    from analysis.site.steps import lower_thread_priority

    seen: dict[str, int] = {}

    def lowered() -> None:
        lower_thread_priority(5)
        seen["thread"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    thread = threading.Thread(target=lowered)
    thread.start()
    thread.join()
    assert seen["thread"] == min(before + 5, 19)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before
