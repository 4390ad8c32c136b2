"""The GIL experiment: four busy countdowns, in one thread, four threads, four processes.

Prints one `label=seconds` line per way (best of two rounds), for the notebook to read.
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


def all_four(count):
    for _ in range(WORKERS):
        countdown(count)


def one_thread(count):
    # On a started thread like the others: CPython's main thread runs this
    # loop measurably slower, which would flatter the four threads.
    start_and_join([threading.Thread(target=all_four, args=(count,))])


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
    # Best of two rounds, taken in turn: the first second or two of a busy
    # process runs slower on some machines (clock ramp-up, interpreter
    # warm-up), which would otherwise penalise whichever way runs first.
    ways = [("one_thread", one_thread), ("four_threads", four_threads), ("four_processes", four_processes)]
    best = {}
    for _ in range(2):
        for label, way in ways:
            start = time.perf_counter()
            way(count)
            seconds = time.perf_counter() - start
            best[label] = min(seconds, best.get(label, seconds))
    for label, _ in ways:
        print(f"{label}={best[label]:.3f}", flush=True)
