#!/usr/bin/env python3
"""CPython asyncio side of the asyncio4j benchmarks (see BENCHMARKS.md).

Every workload of BENCHMARKS.md is written here with plain ``asyncio`` on the
default event loop, with the same sizes as the JMH benchmarks. One run of a
workload is timed from the moment the loop starts working on it until the last
operation has run; creating and closing the loop is not timed (the JMH side
creates its loop in an invocation-level setup, also untimed).

Usage::

    python3 benchmarks/python/bench.py [--quick] [--reps N] [workload ...]

With no workload named, all are run. For each it prints exactly one line::

    BENCH <workload> cpython ops_per_s=<number> alloc_bytes_per_op=na

``ops_per_s`` is the best (fastest) of a few repetitions (5, or 3 with
``--quick``). ``--quick`` divides every size by QUICK_DIVISOR (10), the same
divisor the JMH side receives as ``-p sizeDivisor=10``; where a workload has
two sizes (``lock_1000``, ``semaphore_10``, ``gather_timeout``) only the
repetition count is divided so that the contention shape stays the same.
Allocation is not measured for CPython, hence ``na``.

Only the standard library is used.
"""

import argparse
import asyncio
import gc
import sys
import threading
import time

QUICK_DIVISOR = 10


# --------------------------------------------------------------------------
# Workloads. Each takes the size divisor and returns (ops, seconds) for one run.
# --------------------------------------------------------------------------


def _run_loop(setup_and_run):
    """Runs ``setup_and_run(loop)`` on a fresh loop, closing it afterwards."""
    loop = asyncio.new_event_loop()
    try:
        return setup_and_run(loop)
    finally:
        loop.close()


def _run_coro(main_factory):
    """Times ``loop.run_until_complete(main_factory())`` on a fresh loop."""

    def body(loop):
        coro = main_factory()
        t0 = time.perf_counter()
        loop.run_until_complete(coro)
        return time.perf_counter() - t0

    return _run_loop(body)


def call_soon(div):
    """1,000,000 no-op call_soon from the loop, run until the last has run."""
    n = 1_000_000 // div

    def noop():
        pass

    def body(loop):
        def start():
            cs = loop.call_soon
            for _ in range(n):
                cs(noop)
            cs(loop.stop)  # FIFO: runs after every no-op

        loop.call_soon(start)
        t0 = time.perf_counter()
        loop.run_forever()
        return time.perf_counter() - t0

    return n, _run_loop(body)


def threadsafe_4(div):
    """4 threads x 100,000 call_soon_threadsafe; wait for all 400,000 to run."""
    per_thread = 100_000 // div
    threads_n = 4
    total = per_thread * threads_n

    def body(loop):
        count = 0

        def callback():
            nonlocal count
            count += 1
            if count == total:
                loop.stop()

        def produce():
            cst = loop.call_soon_threadsafe
            for _ in range(per_thread):
                cst(callback)

        threads = [threading.Thread(target=produce) for _ in range(threads_n)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        loop.run_forever()
        elapsed = time.perf_counter() - t0
        for t in threads:
            t.join()
        assert count == total, count
        return elapsed

    return total, _run_loop(body)


def call_later(div):
    """100,000 timers with delays (i % 1000) * 10 us; run until all fired."""
    n = 100_000 // div

    def body(loop):
        count = 0

        def fired():
            nonlocal count
            count += 1
            if count == n:
                loop.stop()

        def start():
            cl = loop.call_later
            for i in range(n):
                cl((i % 1000) * 1e-5, fired)

        loop.call_soon(start)
        t0 = time.perf_counter()
        loop.run_forever()
        elapsed = time.perf_counter() - t0
        assert count == n, count
        return elapsed

    return n, _run_loop(body)


async def _trivial(i):
    return i


def create_task(div):
    """Create 100,000 tasks of a trivial coroutine, then await each."""
    n = 100_000 // div

    async def main():
        ct = asyncio.create_task
        tasks = [ct(_trivial(i)) for i in range(n)]
        total = 0
        for t in tasks:
            total += await t
        assert total == n * (n - 1) // 2, total

    return n, _run_coro(main)


def gather_coros(div):
    """gather() 100,000 trivial coroutines."""
    n = 100_000 // div

    async def main():
        results = await asyncio.gather(*[_trivial(i) for i in range(n)])
        assert len(results) == n and results[-1] == n - 1

    return n, _run_coro(main)


def queue_1p1c(div):
    """One producer puts 1,000,000 ints into a Queue(128), one consumer sums them."""
    n = 1_000_000 // div

    async def main():
        q = asyncio.Queue(maxsize=128)

        async def producer():
            put = q.put
            for i in range(n):
                await put(i)

        async def consumer():
            get = q.get
            total = 0
            for _ in range(n):
                total += await get()
            return total

        p = asyncio.create_task(producer())
        total = await consumer()
        await p
        assert total == n * (n - 1) // 2, total

    return n, _run_coro(main)


def pingpong(div):
    """Two tasks pass a token through two Queue(1)s, 100,000 round trips."""
    n = 100_000 // div

    async def main():
        ping = asyncio.Queue(maxsize=1)
        pong = asyncio.Queue(maxsize=1)

        async def server():
            for _ in range(n):
                await pong.put(await ping.get())

        s = asyncio.create_task(server())
        token = 0
        for _ in range(n):
            await ping.put(token)
            token = await pong.get() + 1
        await s
        assert token == n, token

    return n, _run_coro(main)


def _contended(div, make_primitive):
    tasks_n = 1000
    per_task = 100 // div

    async def main():
        prim = make_primitive()
        count = 0

        async def worker():
            nonlocal count
            for _ in range(per_task):
                async with prim:
                    await asyncio.sleep(0)
                    count += 1

        await asyncio.gather(*[worker() for _ in range(tasks_n)])
        assert count == tasks_n * per_task, count

    return tasks_n * per_task, _run_coro(main)


def lock_1000(div):
    """1,000 tasks each take a Lock 100 times, yielding once while holding it."""
    return _contended(div, asyncio.Lock)


def semaphore_10(div):
    """As lock_1000 with a Semaphore(10)."""
    return _contended(div, lambda: asyncio.Semaphore(10))


async def _yield_once(i):
    await asyncio.sleep(0)
    return i


def gather_timeout(div):
    """1,000 times: gather 100 coroutines that each yield once, under a 10 s timeout."""
    rounds = 1000 // div
    width = 100

    if hasattr(asyncio, "timeout"):  # Python 3.11+

        async def one_round():
            async with asyncio.timeout(10):
                return await asyncio.gather(*[_yield_once(i) for i in range(width)])

    else:

        async def one_round():
            return await asyncio.wait_for(
                asyncio.gather(*[_yield_once(i) for i in range(width)]), 10
            )

    async def main():
        for _ in range(rounds):
            results = await one_round()
            assert len(results) == width

    return rounds * width, _run_coro(main)


class _LeakyBucketLimiter:
    """A leaky-bucket limiter in the style of aiolimiter's AsyncLimiter.

    asyncio has no rate limiter and PyPI is not used here, so this is the
    algorithm of the library an asyncio user would most likely pick
    (``aiolimiter``): a bucket of ``max_rate`` that leaks at
    ``max_rate / time_period`` per second; ``acquire()`` waits on a future only
    when the bucket is full.
    """

    def __init__(self, max_rate, time_period=1.0):
        self.max_rate = max_rate
        self.time_period = time_period
        self._rate_per_sec = max_rate / time_period
        self._level = 0.0
        self._last_check = 0.0
        self._waiters = {}

    def _leak(self):
        loop = asyncio.get_running_loop()
        if self._level:
            elapsed = loop.time() - self._last_check
            decrement = elapsed * self._rate_per_sec
            self._level = max(self._level - decrement, 0)
        self._last_check = loop.time()

    def has_capacity(self, amount=1):
        self._leak()
        requested = self._level + amount
        if requested < self.max_rate:
            for fut in self._waiters.values():
                if not fut.done():
                    fut.set_result(True)
                    break
        return self._level + amount <= self.max_rate

    async def acquire(self, amount=1):
        loop = asyncio.get_running_loop()
        task = asyncio.current_task(loop)
        while not self.has_capacity(amount):
            fut = loop.create_future()
            self._waiters[task] = fut
            try:
                await asyncio.wait_for(
                    asyncio.shield(fut), 1 / self._rate_per_sec * amount
                )
            except asyncio.TimeoutError:
                pass
            fut.cancel()
            self._waiters.pop(task, None)
        self._level += amount


def rate_limit_free(div):
    """1,000,000 acquire()s of a limiter whose rate never makes anyone wait."""
    n = 1_000_000 // div

    async def main():
        # Capacity n in the bucket: no acquire() of this run can ever wait.
        limiter = _LeakyBucketLimiter(max_rate=n, time_period=1.0)
        acquire = limiter.acquire
        for _ in range(n):
            await acquire()

    return n, _run_coro(main)


WORKLOADS = {
    "call_soon": call_soon,
    "threadsafe_4": threadsafe_4,
    "call_later": call_later,
    "create_task": create_task,
    "gather_coros": gather_coros,
    "queue_1p1c": queue_1p1c,
    "pingpong": pingpong,
    "lock_1000": lock_1000,
    "semaphore_10": semaphore_10,
    "gather_timeout": gather_timeout,
    "rate_limit_free": rate_limit_free,
    # asyncio has no bridges: its one form of queue_1p1c is also the await form, which
    # asyncio4j runs as the extra workload of that name.
    "queue_1p1c_await": queue_1p1c,
}


def best_ops_per_s(workload, div, reps):
    best = 0.0
    for _ in range(reps):
        gc.collect()
        ops, seconds = workload(div)
        best = max(best, ops / seconds)
    return best


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"divide sizes by {QUICK_DIVISOR} and take the best of 3 runs",
    )
    parser.add_argument(
        "--reps", type=int, default=None, help="runs per workload (default 5, quick 3)"
    )
    parser.add_argument("workloads", nargs="*", metavar="workload")
    args = parser.parse_args(argv)
    names = args.workloads or list(WORKLOADS)
    unknown = [n for n in names if n not in WORKLOADS]
    if unknown:
        parser.error(
            "unknown workload(s): %s (known: %s)"
            % (", ".join(unknown), ", ".join(WORKLOADS))
        )
    div = QUICK_DIVISOR if args.quick else 1
    reps = args.reps or (3 if args.quick else 5)
    for name in names:
        ops_per_s = best_ops_per_s(WORKLOADS[name], div, reps)
        print(f"BENCH {name} cpython ops_per_s={ops_per_s:.1f} alloc_bytes_per_op=na")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
