"""A worker: claims evaluations from the queue and runs each in a subprocess of its own.

While the subprocess runs the worker renews its lease every ``heartbeat_s``; it stops the subprocess
when the wall-clock limit passes (timed_out), when cancellation is asked for (cancelled), or when
its lease was lost to the reaper (the job belongs to another worker by then; nothing is written).
A worker also reaps: it re-queues the jobs of workers that stopped answering.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from dsbench._version import __version__
from dsbench.service import queue
from dsbench.service.blobs import BlobStore
from dsbench.service.cards import keep
from dsbench.service.config import ServiceConfig
from dsbench.service.database import Database

STORED_FORMATS = ("html", "md", "dqv", "badge", "junit")
FAILING_ROWS = "failing-rows"  # beside out/: each failed expectation's rows (Parquet), kept with the card
SUPERVISOR_ENV = "DSBENCH_SUPERVISOR_PID"
IDLE_POLL_S = (0.1, 1.0)  # the wait between empty polls grows from the first to the second
STOP_CHECK_S = 0.5  # how soon a stopping worker notices


class LeaseLost(Exception):
    """The job was given to another worker while this one ran it."""


class Worker:
    def __init__(self, config: ServiceConfig, name: str | None = None):
        self.config = config
        self.limits = config.limits
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.db = Database(config.database)
        self.blobs = BlobStore(config.blob_dir)
        self._last_reap = 0.0
        self.stop = threading.Event()

    def run(self, *, until_empty: bool = False) -> int:
        """Work until :attr:`stop` is set (or, ``until_empty``, until the queue is empty); the number
        of jobs run. A job running when ``stop`` is set goes back to the queue."""
        stop = self.stop
        done, idle = 0, IDLE_POLL_S[0]
        while not stop.is_set():
            self.reap_now_and_then()
            job = queue.claim(self.db, self.name, self.limits.lease_s)
            if job is None:
                if until_empty:
                    break
                stop.wait(idle)
                idle = min(idle * 2, IDLE_POLL_S[1])
                continue
            idle = IDLE_POLL_S[0]
            self.process(job)
            done += 1
        return done

    def reap_now_and_then(self) -> None:
        if time.monotonic() - self._last_reap >= self.limits.heartbeat_s:
            queue.reap(self.db)
            self.remove_stale_scratch()
            self._last_reap = time.monotonic()

    def remove_stale_scratch(self) -> None:
        """The scratch directories (``<job id>-<hex>``) of jobs no longer running: a worker killed
        mid-job never removed its own. Listed before the query, so a directory made after its job
        was claimed is seen with that job running (or since finished), never removed from under it."""
        entries = list(self.config.work_dir.iterdir())
        if not entries:
            return
        with self.db.transaction() as tx:
            running = {row["id"] for row in tx.all("SELECT id FROM evaluations WHERE state = 'running'")}
        for entry in entries:
            if entry.name.rsplit("-", 1)[0] not in running:
                shutil.rmtree(entry, ignore_errors=True)

    def process(self, job: dict[str, Any]) -> None:
        work = self.config.work_dir / f"{job['id']}-{secrets.token_hex(4)}"
        try:
            data, suites = self.materialise(job, work)
            state, reason = self.evaluate(job, data, suites, work / "out", work / "stderr.txt")
            self.record(job, state, reason, work / "out")
        except LeaseLost:
            pass
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def materialise(self, job: dict[str, Any], work: Path) -> tuple[Path, list[Path]]:
        """The job's data files in a directory named as the dataset (the card names the dataset by
        its directory when no manifest does, as ``dsbench evaluate`` would), and its suite files
        beside it."""
        with self.db.transaction() as tx:
            name = tx.value("SELECT d.name FROM versions v JOIN datasets d ON d.id = v.dataset_id WHERE v.id = ?",
                            (job["version_id"],))
        inputs = json.loads(job["inputs"])
        data = self._place(inputs["files"], (work / "data" / name).resolve())
        suites_dir = (work / "suites").resolve()
        self._place(inputs["suites"], suites_dir)
        return data, [suites_dir / n for n in sorted(inputs["suites"])]

    def _place(self, files: dict[str, str], root: Path) -> Path:
        root.mkdir(parents=True, exist_ok=True)
        for relative, digest in files.items():
            target = (root / relative).resolve()
            if root not in target.parents:  # names were checked on upload; this is the second lock
                raise ValueError(f"refusing to write {relative!r} outside the job's directory")
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(self.blobs.path(digest), target)
            except OSError:  # another file system: copy
                shutil.copyfile(self.blobs.path(digest), target)
        return root

    def evaluate(self, job: dict[str, Any], data: Path, suites: list[Path], out: Path,
                 stderr_path: Path) -> tuple[str, str | None]:
        spec = out.parent / "spec.json"
        limit = self.limits.evaluation_memory_bytes
        # DuckDB keeps to half the limit (it spills beyond it); the rest is for Python and the renderers.
        spec.write_text(json.dumps({"data": str(data), "standard": job["standard"], "output": str(out),
                                    "suites": [str(s) for s in suites], "formats": list(STORED_FORMATS),
                                    "memory_limit": f"{limit // 2 // 2 ** 20}MB",
                                    "failing_rows": str(out.parent / FAILING_ROWS)
                                    if json.loads(job["inputs"]).get("failing_rows") else None}))

        def limit_memory() -> None:  # in the child, before exec
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            _die_with_parent()

        with open(stderr_path, "wb") as stderr:
            # glibc reserves 64 MB of address space per thread's arena, which RLIMIT_AS counts though
            # it is never used: two arenas make the limit one of memory, not of DuckDB's thread count.
            env = {**os.environ, "MALLOC_ARENA_MAX": "2"}
            child = subprocess.Popen([sys.executable, "-m", "dsbench.service.job", str(spec)], cwd=out.parent,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr, env=env,
                                     start_new_session=True, preexec_fn=limit_memory)
            try:
                outcome = self.watch(job, child)
            finally:
                if child.poll() is None:
                    _kill(child)
        # The reason is shown to the caller: paths inside this machine become the dataset's own names.
        message = stderr_path.read_text(encoding="utf-8", errors="replace")
        message = message.replace(f"{data}/", "").replace(str(data), data.name)
        message = message.replace(f"{out.parent}/suites/", "").replace(str(out.parent), "")
        message = " ".join(message.split())[-500:] or None
        if outcome == "lost":
            raise LeaseLost
        if outcome == "stopping":
            queue.release(self.db, self.name, job["id"])
            raise LeaseLost
        if outcome in ("cancelled", "timed_out"):
            limit_text = f"the wall-clock limit of {self.limits.evaluation_timeout_s:g} s passed"
            return outcome, "cancelled while it ran" if outcome == "cancelled" else limit_text
        code = child.returncode
        if code == 0:
            return "succeeded", None
        if code < 0:
            return "failed", f"the evaluation was killed by signal {-code} (out of memory?)"
        return "failed", message or f"the evaluation stopped with exit code {code}"

    def watch(self, job: dict[str, Any], child: subprocess.Popen) -> str:
        """Wait for ``child``, beating; "done", or why it must stop."""
        deadline = time.monotonic() + self.limits.evaluation_timeout_s
        next_beat = time.monotonic() + self.limits.heartbeat_s
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return "timed_out"
            try:
                child.wait(timeout=min(remaining, STOP_CHECK_S, max(next_beat - time.monotonic(), 0.01)))
                return "done"
            except subprocess.TimeoutExpired:
                pass
            if self.stop.is_set():
                return "stopping"
            if time.monotonic() < next_beat:
                continue
            next_beat = time.monotonic() + self.limits.heartbeat_s
            try:
                beat = queue.heartbeat(self.db, self.name, job["id"], self.limits.lease_s)
            except Exception:  # noqa: BLE001 - the database is away for a moment: the lease may still hold
                continue
            if beat == "lost":
                return "lost"
            if beat == "cancel":
                return "cancelled"

    def record(self, job: dict[str, Any], state: str, reason: str | None, out: Path) -> None:
        """The final state, and the card with its renderings when there is one — in one transaction,
        only while this worker holds the lease."""
        document = blob = None
        renderings: dict[str, Any] = {}
        if state == "succeeded":
            from dsbench.render import renderer

            card_bytes = (out / "card.json").read_bytes()
            document, blob = json.loads(card_bytes), self.blobs.put_bytes(card_bytes).digest
            for name in STORED_FORMATS:
                renderings[name] = self.blobs.put_file(out / renderer(name).FILENAME).digest
            rows = self.failing_rows(out.parent / FAILING_ROWS)
            if rows:
                renderings["failing_rows"] = rows
        with self.db.transaction(write=True) as tx:
            finished = queue.finish(tx, self.name, job["id"], state, reason=reason, worker_version=__version__,
                                    card_digest=document["digest"] if document else None)
            if not finished:
                raise LeaseLost
            if document is not None:
                dataset_id = tx.value("SELECT dataset_id FROM versions WHERE id = ?", (job["version_id"],))
                keep(tx, org_id=job["org_id"], dataset_id=dataset_id, version_id=job["version_id"],
                     document=document, blob=blob, renderings=renderings, publish=bool(job["publish"]))

    def failing_rows(self, directory: Path) -> dict[str, dict[str, Any]]:
        """The failing-rows files the evaluation wrote (:func:`dsbench.service.job.rows_apart`), each
        stored as a blob: result id -> its file's name, blob, rows and whether they were capped."""
        from dsbench.service.job import INDEX

        if not (directory / INDEX).is_file():
            return {}
        written = json.loads((directory / INDEX).read_text(encoding="utf-8"))
        return {result: {**entry, "blob": self.blobs.put_file(directory / entry["file"]).digest}
                for result, entry in sorted(written.items())}


def _die_with_parent(sig: int = signal.SIGKILL) -> None:
    """On Linux, the evaluation is killed when its worker dies (SIGKILL included), so a dead worker
    leaves no orphan evaluation behind while its job is re-queued."""
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, sig)


def stop_with_supervisor() -> None:
    """A worker that ``dsbench serve`` started (it names itself in ``$DSBENCH_SUPERVISOR_PID``) is
    sent SIGTERM when serve dies, SIGKILL included: it gives its job back and exits, rather than run
    on unsupervised beside the workers of the next start."""
    supervisor = os.environ.pop(SUPERVISOR_ENV, None)
    if supervisor:
        _die_with_parent(signal.SIGTERM)
        if os.getppid() != int(supervisor):  # serve died before that took hold
            signal.raise_signal(signal.SIGTERM)


def _kill(child: subprocess.Popen) -> None:
    """The evaluation and anything it started."""
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    child.wait()
