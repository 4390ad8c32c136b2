"""Runs one cell in the kernel named `rust`, as a notebook opened in JupyterLab would.

Usage: python kernel_probe.py CODE [--restart]

Prints one JSON line: {"seconds": s, "status": "ok" or "error", "text": what the
cell printed or returned}, seconds counted from the kernel's start to the
cell's reply. With --restart it then waits for a line on stdin, restarts the
kernel (Kernel > Restart: the same kernelspec as at the start), runs CODE again
and prints a second line. The kernelspec is looked up as Jupyter does
(JUPYTER_PATH first).
"""

import json
import subprocess
import sys
import time

from jupyter_client.manager import KernelManager


def run(kc, code, start):
    texts = []

    def keep(msg):
        content = msg["content"]
        if msg["msg_type"] == "stream":
            texts.append(content["text"])
        elif msg["msg_type"] in ("execute_result", "display_data"):
            texts.append(content["data"].get("text/plain", ""))

    reply = kc.execute_interactive(code, timeout=300, output_hook=keep)
    seconds = round(time.monotonic() - start, 2)
    print(json.dumps({"seconds": seconds, "status": reply["content"]["status"], "text": "".join(texts)}), flush=True)


def main():
    code = sys.argv[1]
    start = time.monotonic()
    km = KernelManager(kernel_name="rust")
    # The kernel's own output stays off ours, which carries only the JSON lines.
    km.start_kernel(stdout=subprocess.DEVNULL)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)
        run(kc, code, start)
        if "--restart" in sys.argv[2:]:
            sys.stdin.readline()
            start = time.monotonic()
            km.restart_kernel(now=True)
            kc.wait_for_ready(timeout=120)
            run(kc, code, start)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
