"""The Python originals' algorithms with multiprocessing, for `cargo xtask bench`.

Each command runs one workload on a process pool of --workers and prints one
JSON object on one line, {"workload": name, "workers": n, "seconds": wall time
of the timed part, "result": value}, so the benchmark can put it beside the
Rust version measured in the same run.

  python3 baselines.py pi --workers 2 --throws 1000000
  python3 baselines.py count --workers 2 --dir DIR        (files of one integer per line)
  python3 baselines.py fib --workers 2 --n 30 --chunksize 2
  python3 baselines.py spin --workers 2 --tasks 8 --seconds 0.05
  python3 baselines.py overhead --workers 2 --tasks 100000
  python3.14t baselines.py pi --workers 2 --pool thread   (threads instead of processes)

With --pool thread the workers are threads of one process (multiprocessing's
ThreadPool): under the GIL they take turns, while CPython's free-threaded
build (python3.14t) runs them on every core.
"""

import argparse
import json
import os
import random
import sys
import time
from collections import Counter
from multiprocessing import Pool
from multiprocessing.pool import ThreadPool


def pi_chunk(args):
    seed, throws = args
    rng = random.Random(seed)
    inside = 0
    for _ in range(throws):
        x, y = rng.random(), rng.random()
        if x * x + y * y <= 1.0:
            inside += 1
    return inside


def count_file(path):
    counts = Counter()
    with open(path) as f:
        for line in f:
            counts[int(line)] += 1
    return counts


def fib(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


def spin(seconds):
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass
    return seconds


def nothing(x):
    return x


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workload", choices=["pi", "count", "fib", "spin", "overhead"])
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--throws", type=int, default=1_000_000)
    parser.add_argument("--dir")
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--chunksize", type=int, default=2)
    parser.add_argument("--tasks", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=0.05)
    parser.add_argument("--pool", choices=["process", "thread"], default="process")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")

    pool_kind = ThreadPool if args.pool == "thread" else Pool
    with pool_kind(args.workers) as pool:
        pool.map(nothing, range(args.workers))  # start every worker before timing
        start = time.perf_counter()
        if args.workload == "pi":
            chunks = [(2026 + w, args.throws // args.workers + (w < args.throws % args.workers)) for w in range(args.workers)]
            result = 4 * sum(pool.map(pi_chunk, chunks)) / args.throws
        elif args.workload == "count":
            if not args.dir or not os.path.isdir(args.dir):
                parser.error("count needs --dir, a folder of files")
            files = sorted(os.path.join(args.dir, f) for f in os.listdir(args.dir))
            total = Counter()
            for counts in pool.map(count_file, files):
                total.update(counts)
            result = sum(total.values())
        elif args.workload == "fib":
            result = sum(pool.map(fib, range(args.n), chunksize=args.chunksize))
        elif args.workload == "spin":
            result = sum(pool.map(spin, [args.seconds] * args.tasks, chunksize=1))
        else:
            # One task per message, as a pool pays for each submitted task.
            result = len(pool.map(nothing, range(args.tasks), chunksize=1))
        seconds = time.perf_counter() - start
    answer = {"workload": args.workload, "pool": args.pool, "workers": args.workers, "seconds": round(seconds, 6), "result": result}
    print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
