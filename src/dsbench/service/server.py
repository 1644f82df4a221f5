"""Running the service: the first site admin, the seeded samples, the API server and its workers.

``serve`` starts ``--workers N`` worker processes (``dsbench worker``, the same command that runs
more workers on other machines) and restarts one that dies; uvicorn serves the API in this process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from dataclasses import asdict
from pathlib import Path
from typing import Callable

from dsbench.service import accounts, campaigns, catalog, queue
from dsbench.service.blobs import BlobStore
from dsbench.service.config import ServiceConfig
from dsbench.service.database import Database

SAMPLES_ORG = "samples"
SAMPLES_CAMPAIGN = "samples"
SEEDED = "seeded"
ADMIN = "admin"


def bootstrap(config: ServiceConfig) -> str | None:
    """The site admin ``admin`` and a token of theirs, the first time; the token's text (shown once)
    or None when a site admin exists already."""
    db = Database(config.database)
    db.migrate()
    with db.transaction(write=True) as tx:
        if tx.one("SELECT 1 AS found FROM users WHERE site_admin = 1"):
            return None
        user = accounts.create_user(tx, ADMIN, site_admin=True)
        _, secret = accounts.issue_token(tx, config.pepper(), user["id"], "created by dsbench serve")
    return secret


def seed(config: ServiceConfig, datasets: Path | None = None, standards: list[str] | None = None) -> int:
    """Queue the bundled datasets' evaluations against the shipped standards, to be published, once
    (an organisation ``samples`` holds them, and runs a campaign of them under the first standard,
    so that a new platform shows one); the number queued."""
    from dsbench.files import shipped
    from dsbench.scoring.standard import load_standard, shipped_standards

    datasets = datasets or shipped("datasets")
    standards = standards or list(shipped_standards())
    db, blobs = Database(config.database), BlobStore(config.blob_dir)
    with db.transaction(write=True) as tx:
        if tx.one("SELECT 1 AS found FROM settings WHERE name = ?", (SEEDED,)):
            return 0
        tx.execute("INSERT INTO settings (name, value) VALUES (?, '1')", (SEEDED,))
        admin = tx.one("SELECT id FROM users WHERE name = ?", (ADMIN,))
        org = accounts.create_org(tx, SAMPLES_ORG, "Bundled sample datasets")
        if admin:
            accounts.set_member(tx, org["id"], admin["id"], "admin")
        queued = 0
        campaign = campaigns.create(tx, org["id"], SAMPLES_CAMPAIGN, "Bundled sample datasets",
                                    load_standard(standards[0])) if standards else None
        for directory in sorted(p for p in datasets.iterdir() if p.is_dir()):
            dataset = catalog.create_dataset(tx, org["id"], directory.name, directory.name)
            if campaign is not None:
                campaigns.join(tx, campaign["id"], dataset["id"], "submitted")
            version, _ = catalog.ensure_version(tx, dataset["id"], "bundled")
            inputs = {}
            for path in sorted(p for p in directory.iterdir() if p.is_file()):
                blob = blobs.put_file(path)
                catalog.put_file(tx, version["id"], path.name, blob)
                inputs[path.name] = blob.digest
            for standard in standards:
                queue.enqueue(tx, org_id=org["id"], version_id=version["id"], standard=standard,
                              inputs={"files": inputs, "suites": {}, "failing_rows": True},
                              publish=True, requested_by=admin["id"] if admin else "", max_attempts=1,
                              idempotency_key=None, request={"seed": directory.name, "standard": standard})
                queued += 1
    return queued


def run_seeded(config: ServiceConfig, workers: int, report: Callable[[str], None]) -> None:
    """Work the queue empty with ``workers`` threads (each evaluation in its own process)."""
    from dsbench.service.worker import Worker

    threads = [threading.Thread(target=Worker(config).run, kwargs={"until_empty": True}) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with Database(config.database).transaction() as tx:
        counts = queue.counts(tx)
    report(f"seeded: {counts['succeeded']} cards made, {counts['failed']} failed")


class WorkerPool:
    """``count`` worker processes, restarted when one dies, stopped with the server."""

    def __init__(self, config: ServiceConfig, count: int):
        self.config, self.count = config, count
        self.processes: list[subprocess.Popen] = []
        self._stop = threading.Event()
        self._watcher = threading.Thread(target=self._watch, daemon=True)

    def _start_one(self) -> subprocess.Popen:
        from dsbench.service.worker import SUPERVISOR_ENV

        env = {**os.environ, "DSBENCH_DATABASE": self.config.database,  # not on the command line: ps shows that
               SUPERVISOR_ENV: str(os.getpid())}  # the worker stops when this process dies
        limits = [f"--limit={name}={value}" for name, value in asdict(self.config.limits).items()]
        return subprocess.Popen([sys.executable, "-m", "dsbench", "worker", "--data-dir", str(self.config.data_dir),
                                 *limits], env=env, stdin=subprocess.DEVNULL)

    def start(self) -> None:
        self.processes = [self._start_one() for _ in range(self.count)]
        self._watcher.start()

    def _watch(self) -> None:
        while not self._stop.wait(1.0):
            for index, process in enumerate(self.processes):
                if process.poll() is not None and not self._stop.is_set():
                    self.processes[index] = self._start_one()

    def stop(self) -> None:
        self._stop.set()
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def serve(config: ServiceConfig, *, host: str, port: int, workers: int, report: Callable[[str], None],
          seed_samples: bool = True) -> None:
    """Migrate, bootstrap, seed (the first time), start the workers, then serve until interrupted."""
    import uvicorn

    from dsbench.service.app import create_app

    app = create_app(config)
    secret = bootstrap(config)
    if seed_samples:
        queued = seed(config)
        if queued:
            report(f"seeding: evaluating the bundled datasets ({queued} cards) …")
            run_seeded(config, max(1, workers), report)
    pool = WorkerPool(config, workers)
    pool.start()
    report(f"dsbench service on http://{host}:{port}/  (database {Database(config.database).display}, "
           f"{workers} worker{'s' if workers != 1 else ''})")
    if secret:
        report(f"site admin token (shown once; keep it): {secret}")
    else:
        report(f"a new token of the site admin, if you need one: dsbench token --data-dir {config.data_dir}")
    report(f"to sign in on the web pages as the site admin: dsbench password admin --data-dir {config.data_dir}")
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    finally:
        pool.stop()
