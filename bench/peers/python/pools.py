#!/usr/bin/env python3
"""The workloads of lpm-bench on Python's own process pools, standard library only.

    pools.py --kind executor|pool --workers 2 [--sequential N --pipelined N]
    pools.py --kind executor|pool --workers 8 --start-only 1
    pools.py --kind executor|pool --workers 2 --large 1   (W8 only)

executor is concurrent.futures.ProcessPoolExecutor, pool is multiprocessing.Pool,
both with the platform's default start method (fork on Linux). Neither can stream
bytes to a worker or hand it a socket through its API, so W5 and W7 are absent.
Prints one JSON object of metric -> value on stdout.
"""
import argparse
import concurrent.futures
import json
import multiprocessing
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from procmemory import IDLE_SETTLE_S, idle_memory, quantile  # noqa: E402

PAYLOAD = {"Hello": "World"}


def echo(data):
    """The task: answers with the payload, as every peer's worker does."""
    return data


def announce(queue):
    """Runs once in each worker as it starts: says it is ready, with its pid."""
    queue.put(os.getpid())


def start(kind, workers):
    """Starts a pool and waits until every worker has started; returns it, its pids
    and the ms from construction to that point."""
    ready = multiprocessing.SimpleQueue()
    t0 = time.perf_counter()
    if kind == "executor":
        pool = concurrent.futures.ProcessPoolExecutor(workers, initializer=announce, initargs=(ready,))
        pool.submit(echo, None)  # the executor starts its processes on first use
    else:
        pool = multiprocessing.Pool(workers, initializer=announce, initargs=(ready,))
    pids = [ready.get() for _ in range(workers)]
    return pool, pids, (time.perf_counter() - t0) * 1000


def call(kind, pool):
    """Enqueues one request; returns something with a blocking result getter."""
    if kind == "executor":
        return pool.submit(echo, PAYLOAD).result
    return pool.apply_async(echo, (PAYLOAD,)).get


def sequential(kind, pool, count):
    latencies = []
    t0 = time.perf_counter()
    for _ in range(count):
        t = time.perf_counter()
        call(kind, pool)()
        latencies.append((time.perf_counter() - t) * 1e6)
    return latencies, count / (time.perf_counter() - t0)


def pipelined(kind, pool, count):
    t0 = time.perf_counter()
    results = [call(kind, pool) for _ in range(count)]
    for result in results:
        result()
    return count / (time.perf_counter() - t0)


# W8: (label, bytes, rounds), as lpm-bench.
LARGE = [("64k", 64 << 10, 200), ("1m", 1 << 20, 50), ("16m", 16 << 20, 10)]


def large_round_trips(kind, pool):
    """The median µs of echoing a bytes object of each size (pickled through a pipe)."""
    result = {}
    for label, size, rounds in LARGE:
        payload = bytes(size)
        call = (lambda: pool.submit(echo, payload).result()) if kind == "executor" \
            else (lambda: pool.apply_async(echo, (payload,)).get())
        for _ in range(2):  # warm-up, as LPM gets
            call()
        times = []
        for _ in range(rounds):
            t = time.perf_counter()
            if len(call()) != size:
                raise SystemExit("W8 echoed the wrong number of bytes")
            times.append((time.perf_counter() - t) * 1e6)
        result[f"W8_{label}_us"] = quantile(times, 0.5)
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kind", choices=["executor", "pool"], required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sequential", type=int, default=10000)
    parser.add_argument("--pipelined", type=int, default=100000)
    parser.add_argument("--start-only", type=int, default=0)
    parser.add_argument("--large", type=int, default=0)
    args = parser.parse_args()

    pool, pids, start_ms = start(args.kind, args.workers)
    result = {f"W3_{args.workers}w_ms": start_ms}
    if args.large:
        result = large_round_trips(args.kind, pool)
    elif not args.start_only:
        time.sleep(IDLE_SETTLE_S)
        result.update(idle_memory(pids))
        sequential(args.kind, pool, 1000)  # warm-up, as LPM gets
        latencies, per_second = sequential(args.kind, pool, args.sequential)
        result["W1_p50_us"] = quantile(latencies, 0.5)
        result["W1_p99_us"] = quantile(latencies, 0.99)
        result["W1_rps"] = per_second
        result["W2_rps"] = pipelined(args.kind, pool, args.pipelined)
    print(json.dumps(result), flush=True)
    if args.kind == "executor":
        pool.shutdown()
    else:
        pool.terminate()


if __name__ == "__main__":
    main()
