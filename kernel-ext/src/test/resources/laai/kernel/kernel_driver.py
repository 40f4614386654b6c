"""Drives one Jupyter kernel for a JUnit test class over the real Jupyter protocol.

Started as `python3 kernel_driver.py KERNEL_NAME` (with JUPYTER_PATH pointing at the installed
kernelspec). Reads one JSON request per line on stdin and answers one JSON line on stdout:

  {"op": "execute", "code": "...", "timeout": 30, "interrupt_after": 1.0, "interrupt_again_after": 0.3}
      -> {"outputs": [{"type": "...", "content": {...}}, ...], "reply": {...}, "timed_out": false}
  {"op": "execute", "code": "...", "interrupt_on": "step [3-9]/", "interrupt_delay": 0.5}
      interrupts once an output of the cell matches that regular expression (and interrupt_delay
      seconds have passed since, if given), and adds "stopped_after": the seconds from the
      interrupt to the kernel going idle
  {"op": "interrupt"} -> {"ok": true}: an interrupt_request while no cell runs, once the kernel
      has answered it
  {"op": "complete", "code": "...", "cursor": N} -> the complete_reply content
  {"op": "is_complete", "code": "..."}          -> the is_complete_reply content
  {"op": "shutdown"} -> {"ok": true}

"outputs" holds the cell's iopub messages in order, without status and execute_input.
"""
import json
import queue
import re
import sys
import time

from jupyter_client.manager import KernelManager


def answer(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def execute(km, kc, req):
    msg_id = kc.execute(req["code"], store_history=True, allow_stdin=False)
    interrupted_at = None
    if req.get("interrupt_after"):
        time.sleep(req["interrupt_after"])
        km.interrupt_kernel()
        interrupted_at = time.monotonic()
        if req.get("interrupt_again_after"):
            time.sleep(req["interrupt_again_after"])
            km.interrupt_kernel()
    deadline = time.monotonic() + req.get("timeout", 30)
    interrupt_on = req.get("interrupt_on")
    interrupt_delay = req.get("interrupt_delay", 0)
    matched_at = None
    outputs = []
    while True:
        now = time.monotonic()
        if matched_at is not None and interrupted_at is None and now >= matched_at + interrupt_delay:
            km.interrupt_kernel()
            interrupted_at = now = time.monotonic()
        remaining = deadline - now
        if remaining <= 0:
            return {"outputs": outputs, "reply": None, "timed_out": True}
        wait = remaining
        if matched_at is not None and interrupted_at is None:
            wait = max(0.0, min(remaining, matched_at + interrupt_delay - now))
        try:
            msg = kc.get_iopub_msg(timeout=wait)
        except queue.Empty:
            if wait < remaining:
                continue  # time to interrupt
            return {"outputs": outputs, "reply": None, "timed_out": True}
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind == "status":
            if msg["content"]["execution_state"] == "idle":
                break
            continue
        if kind == "execute_input":
            continue
        outputs.append({"type": kind, "content": msg["content"]})
        if interrupt_on and matched_at is None and re.search(interrupt_on, json.dumps(msg["content"])):
            matched_at = time.monotonic()
    stopped_after = time.monotonic() - interrupted_at if interrupted_at is not None else None
    reply = shell_reply(kc, msg_id, timeout=max(deadline - time.monotonic(), 1))
    return {"outputs": outputs, "reply": reply, "timed_out": False, "stopped_after": stopped_after}


def interrupt_and_wait(kc, timeout=30):
    """An interrupt_request on the client's own control channel, answered before the next request."""
    msg = kc.session.msg("interrupt_request", content={})
    kc.control_channel.send(msg)
    while True:
        reply = kc.get_control_msg(timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
            return


def shell_reply(kc, msg_id, timeout=30):
    while True:
        reply = kc.get_shell_msg(timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"]


def main():
    km = KernelManager(kernel_name=sys.argv[1])
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        # Generous: on a machine shared with long training runs a JVM can take minutes to start.
        kc.wait_for_ready(timeout=300)
        answer({"ready": True})
        for line in sys.stdin:
            req = json.loads(line)
            if req["op"] == "execute":
                answer(execute(km, kc, req))
            elif req["op"] == "complete":
                answer(shell_reply(kc, kc.complete(req["code"], req["cursor"])))
            elif req["op"] == "is_complete":
                answer(shell_reply(kc, kc.is_complete(req["code"])))
            elif req["op"] == "interrupt":
                interrupt_and_wait(kc)
                answer({"ok": True})
            elif req["op"] == "shutdown":
                break
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
        answer({"ok": True})


if __name__ == "__main__":
    main()
