"""A kernel client that is ready as soon as its kernel has answered, without a fixed wait.

jupyter_client's ``wait_for_ready`` asks the kernel for its info, then waits until its IOPub
channel has been quiet for 0.2 s (a flush that always costs at least those 0.2 s). nbclient
calls it for every notebook, so each page of a build paid it. This client waits instead for
the IOPub ``idle`` status that answers its own request: that message proves the IOPub
subscription is connected (messages published before it connected are lost, so the first
output of a page would be), and once it has arrived nothing else of that request is to come.
The page kernel's manager hands this client to nbclient (``client_class``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from queue import Empty
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_core.utils import ensure_async

__all__ = ["IOPUB_WAIT_S", "ReadyKernelClient"]

#: How long the idle status of a request may take to arrive before it is asked again (the
#: same 0.2 s jupyter_client allows the IOPub channel to show it is connected).
IOPUB_WAIT_S = 0.2


class ReadyKernelClient(AsyncKernelClient):
    """:class:`AsyncKernelClient` whose ``wait_for_ready`` returns once its request is done."""

    async def wait_for_ready(self, timeout: float | None = None) -> None:  # type: ignore[override]
        """Ask the kernel for its info until the reply and its IOPub idle status both arrive.

        Args:
            timeout: Seconds before giving up (``None``: wait as long as the kernel lives).

        Raises:
            RuntimeError: The kernel died ("Kernel died before replying to kernel_info", as
                jupyter_client says) or did not answer within ``timeout``.
        """
        deadline = time.monotonic() + (math.inf if timeout is None else timeout)
        while True:
            msg_id = self.kernel_info()
            reply = await self._shell_reply(msg_id)
            if reply is not None and await self._iopub_idle(msg_id):
                self._handle_kernel_info_reply(reply)
                return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

    async def _shell_reply(self, msg_id: str, wait_s: float = 1.0) -> dict[str, Any] | None:
        """The kernel_info reply to ``msg_id`` (older replies are skipped), or None."""
        return await _first(self.shell_channel, wait_s, lambda msg: (
            msg["msg_type"] == "kernel_info_reply"
            and msg["parent_header"].get("msg_id") == msg_id))

    async def _iopub_idle(self, msg_id: str) -> bool:
        """Whether the IOPub idle status of request ``msg_id`` arrives in time."""
        return await _first(self.iopub_channel, IOPUB_WAIT_S, lambda msg: (
            msg["msg_type"] == "status" and msg["parent_header"].get("msg_id") == msg_id
            and msg["content"].get("execution_state") == "idle")) is not None


async def _first(channel: Any, wait_s: float, match: Callable[[dict[str, Any]], bool]
                 ) -> dict[str, Any] | None:
    """The first message on ``channel`` within ``wait_s`` that ``match`` accepts, or None."""
    end = time.monotonic() + wait_s
    while (left := end - time.monotonic()) > 0:
        try:
            msg = await ensure_async(channel.get_msg(timeout=left))
        except Empty:
            return None
        if match(msg):
            return msg
    return None
