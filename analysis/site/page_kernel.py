"""What a build's worker process runs for the pages: its page kernel and the page tasks.

Light to import (the page tasks import papermill and vl-convert only when they run): a
worker starts its kernel in its initializer (:func:`init_worker`), and runs its first page
without importing the rest of the build, so a rebuild's first page starts early.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing.util
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis.data_cutoff import FRAMES_ENV, ROOT_ENV
from analysis.site.steps import lower_thread_priority, worker_init

if TYPE_CHECKING:
    from analysis.site.execute import PageRun

__all__ = ["PageKernel", "export_page", "init_worker", "run_page", "started_task",
           "worker_kernel"]


#: The kernel client nbclient is given (:mod:`analysis.site.kernel_client`: no fixed wait).
READY_CLIENT = "analysis.site.kernel_client.ReadyKernelClient"

#: Run in a reused kernel before each page after the first: the page sees no variable of the
#: page before it (the shell's ``reset``, which ``%reset -f`` calls, empties the namespace and
#: the output history; the magic only adds a second full garbage collection) and starts in the
#: build's folder; the modules stay imported, which is the point of reusing the kernel. What
#: survives the reset is frozen out of later collections (see :data:`_FREEZE_CODE`).
#: Run after the warm-up imports and after each reset: the modules' objects (hundreds of
#: thousands, all long-lived) leave the garbage collector's generations, so a collection scans
#: only what pages make (a full collection, which each reset runs, fell from about 0.1 s to
#: almost nothing).
_FREEZE_CODE = "\nimport gc as _gc\n_gc.freeze()\ndel _gc\n"
_RESET_CODE = ("get_ipython().reset(new_session=False)\n"
               "import os as _os\n_os.chdir({cwd!r})\ndel _os\n" + _FREEZE_CODE)


class PageKernel:
    """One kernel for the pages a worker process executes in turn, emptied between pages.

    Starting a kernel and importing what a page imports (pandas, altair, scipy, statsmodels
    and the package) takes about 2.5 s, longer than most pages then run. A worker executes its
    pages one after another in this kernel; before each page but the first the kernel's
    namespace is emptied (:data:`_RESET_CODE`), so no page can read another's variables. Pages
    do not change process-wide settings (options, themes, seeds: randomness is drawn from
    generators seeded by a parameter), so what a page shows does not depend on which pages ran
    before it in the same kernel: the glued numbers equal those of the reference build, made
    with a fresh kernel for every page (``tests/test_site.py``, the golden snapshot), and
    ``tests/test_page_kernel.py`` shows the emptying. A page that fails or times out takes its
    kernel with it; the next page gets a new one.

    Args:
        kernel_name: The kernelspec to start.
        cwd: The kernel's working directory.
    """

    def __init__(self, kernel_name: str, cwd: Path) -> None:
        self.kernel_name = kernel_name
        self.cwd = Path(cwd)
        self.pages_run = 0
        self._km: Any = None
        self._warm_client: Any = None

    def manager(self) -> Any:
        """A running kernel's manager, ready for the next page (started or emptied here)."""
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self._close_warm_client()
        if self._km is not None and not self._alive():
            self.discard()
        if self._km is None:
            # nbclient asks this client whether the kernel is ready, once per page.
            km = AsyncKernelManager(kernel_name=self.kernel_name, client_class=READY_CLIENT)
            run_sync(km.start_kernel)(cwd=str(self.cwd))
            self._km, self.pages_run = km, 0
        elif self.pages_run:
            self._run(_RESET_CODE.format(cwd=str(self.cwd)))
        self.pages_run += 1
        return self._km

    def warm(self, code: str) -> None:
        """Start the kernel and send it ``code`` (imports), without waiting for either.

        The kernel starts and runs ``code`` while this process does other work. The client
        that sent ``code`` stays open until the first page starts, which waits for its
        answer (the imports would otherwise be the page's to wait for): closing it at once
        dropped the request before the starting kernel had read it, and nothing was warmed.
        """
        self.manager()
        kc = self._km.blocking_client()
        kc.start_channels()
        self._warm_client = (kc, kc.execute(code + _FREEZE_CODE, silent=True,
                                            store_history=False))

    def wait_warm(self) -> None:
        """Wait until the warm-up :meth:`warm` sent has been answered (if one is pending)."""
        self._close_warm_client()

    def _close_warm_client(self, timeout_s: float = 120) -> None:
        """Wait for the warm-up's answer (whatever it is: a page meets its own errors)."""
        warm, self._warm_client = self._warm_client, None
        if warm is None:
            return
        kc, msg_id = warm
        try:
            deadline = time.monotonic() + timeout_s
            while time.monotonic() < deadline:
                reply = kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
        except Exception:  # noqa: BLE001 - no answer (queue.Empty, a dead kernel): the page
            pass  # starting next finds out and reports it
        finally:
            kc.stop_channels()

    def _alive(self) -> bool:
        process = getattr(self._km.provisioner, "process", None)
        return process is not None and process.poll() is None

    def _run(self, code: str, timeout_s: float = 60) -> None:
        # No wait_for_ready: the kernel answered before (the warm-up or a page), and a request
        # on the shell channel is queued until it is read (only IOPub can miss messages).
        kc = self._km.blocking_client()
        kc.start_channels()
        try:
            msg_id = kc.execute(code, silent=True, store_history=False)
            while True:
                reply = kc.get_shell_msg(timeout=timeout_s)
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
        finally:
            kc.stop_channels()
        if reply["content"].get("status") != "ok":
            raise RuntimeError(f"resetting the kernel failed: {reply['content'].get('evalue')}")

    def discard(self) -> None:
        """Stop the kernel now (the next :meth:`manager` starts a new one)."""
        from jupyter_core.utils import run_sync

        warm, self._warm_client = self._warm_client, None
        if warm is not None:
            warm[0].stop_channels()
        km, self._km = self._km, None
        self.pages_run = 0
        if km is not None:
            try:
                run_sync(km.shutdown_kernel)(now=True)
            except Exception:  # noqa: BLE001 - already gone: nothing left to stop
                pass


#: The kernel a page worker process reuses for its pages (one per worker process of one
#: build's pool; stopped when the worker exits). Only worker processes set it.
_WORKER_KERNEL: list[PageKernel] = []


def worker_kernel(kernel_name: str, cwd: str) -> PageKernel:
    """This worker's page kernel (created, not started, on first use)."""
    if not _WORKER_KERNEL:
        kernel = PageKernel(kernel_name, Path(cwd))
        _WORKER_KERNEL.append(kernel)
        # Run when the pool shuts its workers down; if a worker is killed instead, its
        # kernel notices its parent is gone and exits within a second (ipykernel's poller).
        multiprocessing.util.Finalize(kernel, kernel.discard, exitpriority=10)
    return _WORKER_KERNEL[0]


@contextlib.contextmanager
def _stderr_to(path: str | Path) -> Iterator[None]:
    """Send this process's file descriptor 2 (and so its children's) to ``path`` meanwhile."""
    log_fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    saved_fd = os.dup(2)
    os.dup2(log_fd, 2)
    try:
        yield
    finally:
        os.dup2(saved_fd, 2)
        os.close(saved_fd)
        os.close(log_fd)


def _first_chart() -> None:
    lower_thread_priority()  # the first export is seconds away; the kernel's start is not
    try:
        import vl_convert

        vl_convert.vegalite_to_svg('{"mark": "point"}')
    except Exception:  # noqa: BLE001, S110 - the export meets any problem and reports it
        pass


def init_worker(parent_pid: int, kernel_name: str, cwd: str, warm_code: str,
                kernels_left: Any, frames_dir: str = "") -> None:
    """Initialise a build's worker process (``ProcessPoolExecutor(initializer=...)``).

    It dies with the build (:func:`analysis.site.steps.worker_init`). The first workers, as
    many as ``kernels_left`` (a shared ``multiprocessing.Value``) says, start their page
    kernel at once and run ``warm_code`` (imports) in it while the worker computes the sweep
    and the results. The tree being built (``cwd``) is where its page kernels read data and
    pages (:data:`analysis.data_cutoff.ROOT_ENV`); ``frames_dir``, if given, holds the tables
    the build validated (:data:`analysis.data_cutoff.FRAMES_ENV`). A worker started later (for
    the sweep) starts none, so a build with one page to run starts one kernel. It waits for
    nothing (see :meth:`PageKernel.warm`): a failure is left for the first page to meet and
    report.
    """
    worker_init(parent_pid)
    os.environ[ROOT_ENV] = cwd  # the page kernels read the tree being built
    if frames_dir:  # and the tables the build validated, as it validated them
        os.environ[FRAMES_ENV] = frames_dir
    with kernels_left.get_lock():
        if kernels_left.value <= 0:
            return
        kernels_left.value -= 1
    # The kernel's start-up notices are not the build's output.
    with _stderr_to(os.devnull):
        try:
            worker_kernel(kernel_name, cwd).warm(warm_code)
        except Exception:  # noqa: BLE001 - the page that needs the kernel meets it, reports it
            if _WORKER_KERNEL:
                _WORKER_KERNEL[0].discard()
    # vl-convert's first chart takes half a second (its JavaScript engine starts); a thread
    # of its own, which nothing waits for, spends it before the first export. It starts once
    # the kernel has been sent its imports: the engine's start holds this process's GIL, and
    # started first it delayed the kernel's start by most of a second.
    threading.Thread(target=_first_chart, daemon=True, name="vl-convert-warm").start()


def run_page(args: tuple[Any, ...]) -> PageRun:
    """Execute one page into ``<out_dir>.tmp`` (runs in a worker process)."""
    import nbformat

    from analysis.site.execute import execute_page

    nb_json, docname, params, out_dir, cwd, kernel_name = args
    nb = nbformat.reads(nb_json, as_version=4)
    out_dir = Path(out_dir)
    tmp_dir = out_dir.with_name(out_dir.name + ".tmp")
    shutil.rmtree(tmp_dir, ignore_errors=True)
    tmp_dir.mkdir(parents=True)
    # Kernel processes inherit fd 2 and print transport notices there; keep them in a log.
    with _stderr_to(tmp_dir / "kernel.log"):
        return execute_page(nb, docname, params, tmp_dir / "page.ipynb", kernel_name,
                            Path(cwd), kernel=worker_kernel(kernel_name, cwd))


def export_page(args: tuple[Any, ...]) -> str | None:
    """Export the figures of an executed page and complete its cache entry (in a worker).

    ``args``: the page's cache folder, when it started, its seconds, and the folder of
    earlier drawings or ``None`` (:func:`analysis.site.execute.export_figures`).

    Returns:
        ``None``, or the error message (the parent names the step).
    """
    import nbformat

    from analysis.site.execute import export_figures

    out_dir, started, seconds = Path(args[0]), args[1], args[2]
    drawings = None if args[3] is None else Path(args[3])
    tmp_dir = out_dir.with_name(out_dir.name + ".tmp")
    try:
        executed = nbformat.read(tmp_dir / "page.ipynb", as_version=4)
        # PNGs not drawn before are drawn by the build while the site renders (rasters).
        figures = export_figures(executed, tmp_dir / "figures", drawings, png=False)
    except Exception as exc:  # noqa: BLE001 - reported by step and page in the parent
        return f"{type(exc).__name__}: {exc}"
    (tmp_dir / "record.json").write_text(
        json.dumps({"started": started, "seconds": seconds, "figures": figures}),
        encoding="utf-8")
    shutil.rmtree(out_dir, ignore_errors=True)
    tmp_dir.replace(out_dir)  # a cache entry appears whole or not at all
    return None


def started_task(args: tuple[str, Any, tuple[Any, ...]]) -> Any:
    """Mark the moment a worker starts a task (its deadline counts from there), then run it.

    A page (:func:`run_page`) is marked once its worker's kernel has answered its warm-up.
    """
    marker, fn, fn_args = args
    if fn is run_page and _WORKER_KERNEL:
        # A page's deadline counts from when its kernel is ready: the warm-up (imports, which
        # take seconds on a loaded machine) is the worker's start, not the page's run.
        _WORKER_KERNEL[0].wait_warm()
    Path(marker).touch()
    return fn(fn_args)
