"""Pages that a worker runs in one reused kernel see none of each other's variables (issue 14).

A worker executes its pages one after another in one kernel (:class:`PageKernel`); between
pages the namespace is emptied, the working directory restored, and the imported modules kept.
A failed page takes its kernel with it.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from analysis.site.execute import PageKernel, execute_page
from analysis.site.pages import KERNEL_NAME

pytestmark = pytest.mark.page


def _page(*sources: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])


def _outputs(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return ["".join(o.get("text", "")) for c in nb.cells for o in c.get("outputs", [])]


def test_a_reused_kernel_forgets_variables_and_directory_but_keeps_imports(tmp_path):
    kernel = PageKernel(KERNEL_NAME, tmp_path)
    (tmp_path / "elsewhere").mkdir()
    try:
        first = execute_page(
            _page("import os, sys, json\nsecret = 41\nos.chdir('elsewhere')\n"
                  "print(os.getpid())"), "book/first", {}, tmp_path / "1.ipynb", KERNEL_NAME,
            tmp_path, kernel=kernel)
        second = execute_page(
            _page("import os, sys\nprint(os.getpid())\nprint('secret' in globals())\n"
                  "print(os.getcwd())\nprint('json' in sys.modules)"),
            "book/second", {}, tmp_path / "2.ipynb", KERNEL_NAME, tmp_path, kernel=kernel)
        assert first.error is None and second.error is None, (first.error, second.error)
        pid_1 = _outputs(tmp_path / "1.ipynb")[0].split()
        pid_2, seen, cwd, kept = _outputs(tmp_path / "2.ipynb")[0].split()
        assert pid_1 == [pid_2]  # the same kernel process ran both pages
        assert seen == "False" and Path(cwd) == tmp_path and kept == "True"
        failed = execute_page(_page("raise ValueError('boom')"), "book/third", {},
                              tmp_path / "3.ipynb", KERNEL_NAME, tmp_path, kernel=kernel)
        assert failed.error is not None and "boom" in failed.error
        assert kernel.pages_run == 0 and kernel._km is None  # its kernel was stopped
        after = execute_page(_page("import os\nprint(os.getpid())"), "book/fourth", {},
                             tmp_path / "4.ipynb", KERNEL_NAME, tmp_path, kernel=kernel)
        assert after.error is None and _outputs(tmp_path / "4.ipynb")[0].split() != pid_1
    finally:
        kernel.discard()


def test_warming_a_kernel_runs_its_imports_before_the_first_page(tmp_path):
    # The warm-up returns at once; its imports must still reach the kernel (a request sent
    # by a client closed at once was dropped before the kernel had started to read it).
    kernel = PageKernel(KERNEL_NAME, tmp_path)
    try:
        kernel.warm("import colorsys, sys\nsys.modules['colorsys'].warmed = True\n")
        run = execute_page(
            _page("import sys\nprint(getattr(sys.modules.get('colorsys'), 'warmed', False))"),
            "book/first", {}, tmp_path / "1.ipynb", KERNEL_NAME, tmp_path, kernel=kernel)
        assert run.error is None, run.error
        assert _outputs(tmp_path / "1.ipynb")[0].split() == ["True"]
    finally:
        kernel.discard()


def _worker_state(pause_s: float) -> tuple[int, bool]:
    """(pid, whether this worker started a page kernel); runs in a pool worker."""
    import os
    import time

    from analysis.site import page_kernel

    time.sleep(pause_s)  # hold this worker, so that the other task goes to the other one
    kernels = page_kernel._WORKER_KERNEL
    return os.getpid(), bool(kernels and kernels[0]._km is not None)


def test_only_as_many_workers_as_asked_start_a_kernel(tmp_path):
    # A build with one page to run starts one kernel, even if the sweep starts a second
    # worker: a kernel nobody uses would take a core from the one that is used.
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    from analysis.site.page_kernel import init_worker

    context = multiprocessing.get_context("spawn")
    left = context.Value("i", 1)
    with ProcessPoolExecutor(2, mp_context=context, initializer=init_worker,
                             initargs=(os.getpid(), KERNEL_NAME, str(tmp_path), "import json\n",
                                       left)) as pool:
        states = [f.result() for f in [pool.submit(_worker_state, 3.0) for _ in range(2)]]
    assert len({pid for pid, _ in states}) == 2, states  # two workers ran them
    assert sorted(has for _, has in states) == [False, True] and left.value == 0


def test_a_page_deadline_starts_once_its_kernel_has_warmed_up(tmp_path, monkeypatch):
    """The warm-up's imports are the worker's start: a page's clock starts after them."""
    from analysis.site import page_kernel

    order: list[str] = []
    marker = tmp_path / "page.papermill.started"

    class Warming:
        def wait_warm(self) -> None:
            order.append("warm" if not marker.exists() else "warm after the mark")

    def fake_page(args: tuple[str]) -> str:
        order.append("page")
        return args[0]

    monkeypatch.setattr(page_kernel, "run_page", fake_page)
    monkeypatch.setattr(page_kernel, "_WORKER_KERNEL", [Warming()])
    assert page_kernel.started_task((str(marker), fake_page, ("ran",))) == "ran"
    assert order == ["warm", "page"] and marker.exists()
    # Another task (the chart export) is marked at once.
    order.clear()
    assert page_kernel.started_task((str(tmp_path / "x.started"), str, (1,))) == "(1,)"
    assert order == []


def test_the_ready_client_loses_no_output_of_a_page_started_right_after_it(tmp_path):
    # The ready client skips jupyter_client's fixed 0.2 s IOPub flush and waits for the idle
    # status of its own request instead; every page, each with a fresh client on the same
    # kernel, must still show its first output. (The race it guards against is rare on one
    # machine, so this checks the behaviour, not the race.)
    kernel = PageKernel(KERNEL_NAME, tmp_path)
    try:
        for i in range(8):
            run = execute_page(_page(f"print('first output {i}')"), f"book/p{i}", {},
                               tmp_path / f"{i}.ipynb", KERNEL_NAME, tmp_path, kernel=kernel)
            assert run.error is None, run.error
            assert _outputs(tmp_path / f"{i}.ipynb") == [f"first output {i}\n"]
        assert kernel.pages_run == 8  # one kernel, a fresh client for every page
    finally:
        kernel.discard()


def test_the_ready_client_says_when_its_kernel_died(tmp_path):
    from jupyter_core.utils import run_sync

    from analysis.site.kernel_client import ReadyKernelClient

    kernel = PageKernel(KERNEL_NAME, tmp_path)
    try:
        km = kernel.manager()
        client = km.client()
        assert isinstance(client, ReadyKernelClient)
        client.start_channels()
        run_sync(km.shutdown_kernel)(now=True)
        # execute_page retries a kernel start on exactly this message.
        with pytest.raises(RuntimeError, match="Kernel died before replying to kernel_info"):
            run_sync(client.wait_for_ready)(timeout=30)
        client.stop_channels()
    finally:
        kernel.discard()


class _Channel:
    """A stand-in channel: hands out its queued messages, then raises Empty."""

    def __init__(self) -> None:
        self.queued: list[dict] = []

    async def get_msg(self, timeout: float | None = None) -> dict:
        from queue import Empty

        if not self.queued:
            raise Empty
        return self.queued.pop(0)


def test_the_ready_client_asks_again_until_its_own_idle_status_arrives():
    # The rule itself, without a kernel: a kernel_info reply is not enough, the IOPub idle
    # status of that same request must arrive too (else IOPub may not be connected yet), and
    # messages of other requests are skipped. A client that returned at the first reply, or at
    # any idle status, would stop after one request.
    from jupyter_core.utils import run_sync

    from analysis.site.kernel_client import ReadyKernelClient

    shell, iopub = _Channel(), _Channel()

    def reply(msg_id: str) -> dict:
        return {"msg_type": "kernel_info_reply", "parent_header": {"msg_id": msg_id},
                "content": {"protocol_version": "5.3"}}

    def idle(msg_id: str) -> dict:
        return {"msg_type": "status", "parent_header": {"msg_id": msg_id},
                "content": {"execution_state": "idle"}}

    class Stand(ReadyKernelClient):
        shell_channel = property(lambda self: shell)
        iopub_channel = property(lambda self: iopub)
        sent: list[str] = []

        def kernel_info(self) -> str:
            msg_id = f"k{len(self.sent) + 1}"
            self.sent.append(msg_id)
            if msg_id == "k1":  # answered, but its idle status never reaches IOPub
                shell.queued += [reply("k1")]
                iopub.queued += [idle("other")]
            else:  # a stale reply first, then the answer and its idle status
                shell.queued += [reply("k1"), reply(msg_id)]
                iopub.queued += [idle("k1"), idle(msg_id)]
            return msg_id

        async def _async_is_alive(self) -> bool:
            return True

    client = Stand()
    run_sync(client.wait_for_ready)(timeout=5)
    assert client.sent == ["k1", "k2"]
    assert shell.queued == [] and iopub.queued == []
