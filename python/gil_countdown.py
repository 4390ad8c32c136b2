"""The GIL experiment: four busy countdowns, in one thread, four threads, four processes.

Prints one `label=seconds` line per way, for the notebook to read.
Usage: python3 gil_countdown.py [COUNT]   (default 10_000_000 steps per countdown)
"""

import sys
import threading
import time
from multiprocessing import Process

WORKERS = 4


def countdown(n):
    while n > 0:
        n -= 1


def one_thread(count):
    for _ in range(WORKERS):
        countdown(count)


def start_and_join(workers):
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def four_threads(count):
    start_and_join([threading.Thread(target=countdown, args=(count,)) for _ in range(WORKERS)])


def four_processes(count):
    start_and_join([Process(target=countdown, args=(count,)) for _ in range(WORKERS)])


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    if count < 0:
        sys.exit("gil_countdown.py: COUNT must be zero or more")
    for label, way in [("one_thread", one_thread), ("four_threads", four_threads), ("four_processes", four_processes)]:
        start = time.perf_counter()
        way(count)
        print(f"{label}={time.perf_counter() - start:.3f}", flush=True)
