"""Run one command and print how it ran as JSON: the measuring end of harness.run_child.

Why a process of its own: on Linux a child's ``ru_maxrss`` includes the peak RSS of the process it
was spawned from (exec records the replaced address space's high-water mark, and subprocess's vfork or
posix_spawn lend the child the parent's own address space). A benchmark script that has imported
pyarrow or generated data would put a floor of hundreds of MiB under every peak RSS it measures. This
script imports only a few standard modules and forks before exec, so the floor is its own ~10 MiB.

Usage: python -S benchmarks/launch.py CMD [ARG...]
CMD's stdout is discarded and its stderr passed through; the JSON goes to stdout.
"""

from __future__ import annotations

import json
import os
import sys
import time


def busy_cpu_seconds() -> float | None:
    """CPU seconds the whole machine has spent not idle since boot (/proc/stat), or None."""
    try:
        with open("/proc/stat", encoding="ascii") as handle:
            fields = [int(v) for v in handle.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    busy = sum(fields[:8]) - idle  # user nice system idle iowait irq softirq steal
    return busy / os.sysconf("SC_CLK_TCK")


def main(argv: list[str]) -> int:
    """Wall time, CPU time (``ru_utime + ru_stime``) and peak RSS of ``argv`` from ``os.wait4``, and the
    CPU time the rest of the machine used meanwhile (to spot a contaminated measurement)."""
    busy_before = busy_cpu_seconds()
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
            os.execvp(argv[0], argv)
        except OSError as error:
            print(f"launch.py: cannot run {argv[0]}: {error}", file=sys.stderr)
        os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - started
    busy_after = busy_cpu_seconds()
    cpu = usage.ru_utime + usage.ru_stime
    others = (max(busy_after - busy_before - cpu, 0.0)
              if busy_before is not None and busy_after is not None else float("nan"))
    json.dump({"returncode": os.waitstatus_to_exitcode(status), "wall_s": wall, "cpu_s": cpu,
               "peak_rss_mib": usage.ru_maxrss / 1024, "others_cpu_s": others}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
