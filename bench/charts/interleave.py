#!/usr/bin/env python3
"""Side-by-side timing of `sim` builds, for docs/benchmarks/charts.md.

    bench/charts/interleave.py N BIN_A BIN_B [...] -- SIM_ARGS...

Runs each binary with SIM_ARGS plus `--out <fresh temp dir>`, the binaries
taking turns, N times each, and prints per binary the median and smallest wall
time and the median CPU time (user + system) of the whole process. Taking turns
spreads any change in the machine's load over every binary alike.
"""
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def main() -> None:
    n = int(sys.argv[1])
    sep = sys.argv.index("--")
    binaries, args = sys.argv[2:sep], sys.argv[sep + 1 :]
    wall = {b: [] for b in binaries}
    cpu = {b: [] for b in binaries}
    tmp = tempfile.mkdtemp()
    try:
        for _ in range(n):
            for b in binaries:
                out = os.path.join(tmp, "out")
                shutil.rmtree(out, ignore_errors=True)
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                start = time.perf_counter()
                subprocess.run(
                    [b, *args, "--out", out],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    check=True,
                )
                wall[b].append((time.perf_counter() - start) * 1e3)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                used = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
                cpu[b].append(used * 1e3)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for b in binaries:
        print(
            f"{b:40} wall median {statistics.median(wall[b]):6.1f} ms"
            f"  min {min(wall[b]):6.1f}  cpu median {statistics.median(cpu[b]):6.1f} ms  (n={n})"
        )


if __name__ == "__main__":
    main()
