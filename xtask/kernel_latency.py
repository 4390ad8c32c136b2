"""What a learner waits for in the Rust kernel: the median time of trivial warm cells.

Starts the `rust` kernel, runs one untimed cell (the first compile warms the
kernel up), then times CELLS trivial cells and prints one JSON object on one
line: {"median_s": s, "max_s": s, "cells": CELLS}.
"""

import json
import statistics
import sys
import time

from jupyter_client.manager import start_new_kernel

CELLS = 7


def main():
    km, kc = start_new_kernel(kernel_name="rust")
    try:
        kc.execute_interactive("let warm_up = 1;", timeout=300)
        times = []
        for i in range(CELLS):
            start = time.monotonic()
            reply = kc.execute_interactive(f"let cell_{i} = {i} * 2;", timeout=120)
            times.append(time.monotonic() - start)
            if reply["content"]["status"] != "ok":
                print(f"a trivial cell failed: {reply['content']}", file=sys.stderr)
                return 1
        result = {"median_s": round(statistics.median(times), 3), "max_s": round(max(times), 3), "cells": CELLS}
        print(json.dumps(result), flush=True)
        return 0
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


if __name__ == "__main__":
    sys.exit(main())
