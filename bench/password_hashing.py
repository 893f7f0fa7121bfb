"""Argon2id cost of one sign-in, and of a burst of sign-ins, with the configured parameters.

Prints milliseconds per hash (median of 20), the throughput of a burst of 100 hashes on a thread
pool as wide as the machine, and the process's peak resident memory; appends them to
docs/BENCHMARKS.md.
"""

import os
import resource
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from argon2 import PasswordHasher, Type
from common import append_to_benchmarks, machine

from config.default import DefaultConfig

BURST = 100


def main() -> None:
    hasher = PasswordHasher(
        time_cost=DefaultConfig.ARGON2_TIME_COST,
        memory_cost=DefaultConfig.ARGON2_MEMORY_COST_KIB,
        parallelism=DefaultConfig.ARGON2_PARALLELISM,
        type=Type.ID,
    )
    stored = hasher.hash("barley-yield-trial-7")
    timings = []
    for _ in range(20):
        start = time.perf_counter()
        hasher.verify(stored, "barley-yield-trial-7")
        timings.append((time.perf_counter() - start) * 1000)
    per_hash = statistics.median(timings)

    workers = os.cpu_count() or 1
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(lambda _: hasher.verify(stored, "barley-yield-trial-7"), range(BURST)))
    burst_seconds = time.perf_counter() - start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    params = (
        f"t={DefaultConfig.ARGON2_TIME_COST}, m={DefaultConfig.ARGON2_MEMORY_COST_KIB // 1024} MiB, "
        f"p={DefaultConfig.ARGON2_PARALLELISM}"
    )
    lines = [
        f"- Argon2id ({params}): {per_hash:.1f} ms per sign-in hash (median of 20)",
        f"- {BURST} sign-ins at once on {workers} threads: {burst_seconds:.2f} s "
        f"({BURST / burst_seconds:.0f} hashes/s); peak resident memory {peak_mib:.0f} MiB "
        f"(at most {workers} x {DefaultConfig.ARGON2_MEMORY_COST_KIB // 1024} MiB of it is Argon2)",
    ]
    print("\n".join(lines))
    record = (
        f"\n## Password hashing — {datetime.now(UTC):%Y-%m-%d}, {machine()}\n\n"
        f"Command: `.venv/bin/python bench/password_hashing.py`\n\n" + "\n".join(lines) + "\n"
    )
    append_to_benchmarks(record)


if __name__ == "__main__":
    main()
