"""What a learner waits for in a notebook's first cell, cold and warm.

Usage: python first_cell.py CODE   (run from notebooks/, as JupyterLab runs kernels)

Copies the `rust` kernelspec with build folders of its own, empty, then runs
CODE in a new kernel (cold: as every kernel was before build folders were
kept), and right after in a second kernel (warm: it finds what the first one
compiled). Prints one JSON line: {"cold_s": s, "warm_s": s, "load": [1, 5, 15
minute load averages at the start]}, each time from the cell's request to its
reply, the kernel already started.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager


def private_kernelspec(root):
    """A copy of the `rust` kernelspec under ROOT/kernels whose build folders are ROOT/slots."""
    source = KernelSpecManager().get_kernel_spec("rust").resource_dir
    target = os.path.join(root, "kernels", "rust")
    # The whole folder: the kernel rewrites a kernelspec whose logo or version file is missing.
    shutil.copytree(source, target)
    spec_file = os.path.join(target, "kernel.json")
    with open(spec_file) as f:
        spec = json.load(f)
    if not spec["argv"][1].endswith("rust_kernel.py"):
        sys.exit("the rust kernelspec does not start the kernel through rust_kernel.py")
    spec["argv"][2] = os.path.join(root, "slots")
    with open(spec_file, "w") as f:
        json.dump(spec, f, indent=1)


def first_cell(code):
    km = KernelManager(kernel_name="rust")
    km.start_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=300)
        start = time.monotonic()
        reply = kc.execute_interactive(code, timeout=900)
        seconds = round(time.monotonic() - start, 2)
        if reply["content"]["status"] != "ok":
            sys.exit(f"the first cell failed: {reply['content']}")
        return seconds
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def main():
    code = sys.argv[1]
    load = [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None
    root = tempfile.mkdtemp(prefix="first-cell-")
    try:
        private_kernelspec(root)
        os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [root, os.environ.get("JUPYTER_PATH")]))
        cold = first_cell(code)
        warm = first_cell(code)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(json.dumps({"cold_s": cold, "warm_s": warm, "load": load}), flush=True)


if __name__ == "__main__":
    main()
