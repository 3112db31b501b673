"""A NotebookClient that keeps the outputs Deno's kernel publishes after reporting a cell done.

Why: Deno's kernel (2.8.2 and later, whose kernel is JavaScript: cli/js/jupyter_kernel.js)
queues what a cell prints and displays on a channel that one loop drains onto the IOPub socket,
while the loop answering the execute request publishes `status: idle` directly once the cell's
code has returned. Nothing orders the two, so a cell's last output (a chart, a console.log) now
and then reaches IOPub after its idle; nbclient, like JupyterLab, stops collecting a cell's
outputs at its idle and drops it (measured with Deno 2.9.6; see README.md, Troubleshooting).
That loop drains in order, so after each cell this client runs a silent `console.log` of a
unique marker and collects the cell's outputs until the marker arrives: everything the cell
queued was published before it. No sleep: the marker is the proof.
"""

from __future__ import annotations

import uuid

from jupyter_client import KernelClient
from jupyter_core.utils import ensure_async
from nbclient import NotebookClient
from nbformat import NotebookNode
from traitlets import Bool, Integer

# What Deno's kernel_info_reply says it is.
DENO_KERNEL = "Deno kernel"
# Messages of the cell or of the barrier that are no output of the cell.
NOT_OUTPUT = {"status", "execute_input"}


class LateOutputsClient(NotebookClient):
    """nbclient's NotebookClient, waiting after each cell of a Deno kernel for a barrier."""

    # The output poll now also waits for the barrier's round trip; a timeout must fail the cell
    # rather than drop its outputs quietly, as nbclient's default does after 4 s.
    iopub_timeout = Integer(60).tag(config=True)
    raise_on_iopub_timeout = Bool(True).tag(config=True)

    kernel_implementation: str | None = None
    # The barrier goes through a shell socket of its own: nbclient may be waiting for the cell's
    # reply on its shell socket at that moment, and a send on a socket with a receive pending
    # loses the receive's wake-up now and then (seen: a run stalled until the cell timeout).
    barrier_client: KernelClient | None = None

    async def async_wait_for_reply(self, msg_id: str, cell: NotebookNode | None = None) -> dict | None:
        reply = await super().async_wait_for_reply(msg_id, cell)
        if reply and reply.get("msg_type") == "kernel_info_reply":
            self.kernel_implementation = reply["content"].get("implementation")
        return reply

    async def _async_poll_output_msg(self, parent_msg_id: str, cell: NotebookNode, cell_index: int) -> None:
        await super()._async_poll_output_msg(parent_msg_id, cell, cell_index)
        if self.kernel_implementation == DENO_KERNEL:
            await self._collect_late_outputs(parent_msg_id, cell, cell_index)

    async def _collect_late_outputs(self, parent_msg_id: str, cell: NotebookNode, cell_index: int) -> None:
        if self.barrier_client is None:
            self.barrier_client = self.km.client()
            # Its shell channel only: the outputs come on nbclient's IOPub channel, as the cell's do.
            only_shell = {"iopub": False, "stdin": False, "hb": False, "control": False}
            await ensure_async(self.barrier_client.start_channels(**only_shell))
        marker = f"datapark-barrier-{uuid.uuid4().hex}"
        # silent: no execution count, no execute_result.
        barrier_id = self.barrier_client.execute(f'console.log("{marker}")', silent=True, store_history=False)
        while True:
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=None))
            # A late output carries the header current when Deno encoded it: the cell's, or the
            # barrier's once the barrier's request has arrived. The barrier prints only the marker.
            if msg["parent_header"].get("msg_id") not in (parent_msg_id, barrier_id):
                continue
            if msg["msg_type"] == "stream" and msg["content"].get("text", "").strip() == marker:
                break
            if msg["msg_type"] not in NOT_OUTPUT:
                self.process_message(msg, cell, cell_index)
        # One request at a time, as nbclient sends them: the next cell waits for the barrier's reply.
        while True:
            reply = await ensure_async(self.barrier_client.shell_channel.get_msg(timeout=None))
            if reply["parent_header"].get("msg_id") == barrier_id:
                return

    async def _async_cleanup_kernel(self) -> None:
        if self.barrier_client is not None:
            await ensure_async(self.barrier_client.stop_channels())
            self.barrier_client = None
        await super()._async_cleanup_kernel()
