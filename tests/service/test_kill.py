"""The service when things die, over SQLite and PostgreSQL, each case with a service of its own and
short leases (``lease_s=3``, ``heartbeat_s=1``): a worker SIGKILLed in the middle of an evaluation
(its job is re-queued after the lease and done by another worker, or failed once its attempts are
used up; no card shows before, no scratch directory stays after); the serve process SIGKILLed in
the middle of an upload and of an evaluation (no half-written blob, the upload's temporary file
gone at the next start, no worker of the dead server left running, its job given back); and an
evaluation cancelled or timed out while it runs.

The slow dataset is a generated CSV of 20 000 rows and 60 columns (3.5 MB): ``dsbench evaluate``
takes about 5.5 s on it on an idle machine (and ~250 MB), long enough to be caught running."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import socket
import time
from datetime import datetime
from pathlib import Path

import pytest

from tests.service.conftest import DATABASES, start_service
from tests.service.live import Api, LiveService, upload_directory, wait_for

STANDARD = "gbt-36344-2018"
SHORT_LEASE = ("lease_s=3", "heartbeat_s=1")
LEASE_S = 3.0
JOB_MODULE = "dsbench.service.job"
PATIENCE_S = 120.0  # the longest any wait here may take on a loaded machine


# -- processes ---------------------------------------------------------------------------------

def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    fields = text[text.rindex(")") + 2:].split()
    return fields[0], int(fields[1])


def _cmdline(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return []


def _processes() -> dict[int, int]:
    """Every live process: pid -> parent pid."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _stat(int(entry))) is not None and stat[0] != "Z":
            found[int(entry)] = stat[1]
    return found


def _alive(pid: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[0] != "Z"


def workers_of(live: LiveService) -> set[int]:
    """The ``dsbench worker`` processes the serve process started."""
    return {pid for pid, parent in _processes().items()
            if parent == live.process.pid and "worker" in _cmdline(pid)}


def running_jobs(live: LiveService) -> dict[int, int]:
    """The evaluation subprocesses of this service's workers: job pid -> worker pid."""
    workers = workers_of(live)
    return {pid: parent for pid, parent in _processes().items()
            if parent in workers and JOB_MODULE in _cmdline(pid)}


def poll(condition, what: str, timeout: float = PATIENCE_S, every: float = 0.05):
    """``condition()`` until it is truthy; its value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"not {what} after {timeout} s")


# -- data --------------------------------------------------------------------------------------

def _write_table(path: Path, rows: int, columns: int, seed: int) -> None:
    rng = random.Random(seed)
    lines = [",".join(f"c{j}" for j in range(columns))]
    for _ in range(rows):
        lines.append(",".join(str(rng.randint(0, 1000)) if j % 2 else rng.choice(("a", "b", "", "cc"))
                              for j in range(columns)))
    path.write_text("\n".join(lines) + "\n")


@pytest.fixture(scope="module")
def slow_dataset(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("slow") / "slow"
    directory.mkdir()
    (directory / "datapackage.json").write_text('{"resources": [{"name": "data", "path": "data.csv"}]}\n')
    _write_table(directory / "data.csv", 20_000, 60, seed=7)
    return directory


@pytest.fixture
def services(request, tmp_path_factory):
    """Start services of this test's own; all are stopped (killed if need be) when it ends."""
    started: list[LiveService] = []

    def start(kind: str, workers: int, limits: tuple[str, ...]) -> LiveService:
        live = start_service(kind, request, tmp_path_factory, workers=workers, limits=limits)
        started.append(live)
        return live

    yield start
    for live in started:
        live.stop()


def _moment(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _submit_slow(live: LiveService, slow_dataset: Path, org: str):
    publisher = live.member(org, f"{org}-pub", "publisher")
    upload_directory(publisher, org, "slow", "v1", slow_dataset)
    answer = publisher.post(f"/api/v1/orgs/{org}/evaluations",
                            json={"dataset": "slow", "version": "v1", "standard": STANDARD})
    assert answer.status_code == 202, answer.text
    return publisher, answer.headers["location"]


def _kill_the_worker_running_it(live: LiveService) -> tuple[int, int, float]:
    """SIGKILL the worker whose evaluation subprocess runs; (job pid, worker pid, when)."""
    jobs = poll(lambda: running_jobs(live), "running an evaluation subprocess")
    assert len(jobs) == 1, jobs
    (job, worker), = jobs.items()
    os.kill(worker, signal.SIGKILL)
    return job, worker, time.time()


def _scratch_of(live: LiveService, location: str) -> list[Path]:
    """The job's scratch directories under the data directory's work/ (``<id>-<hex>``)."""
    return list((live.data_dir / "work").glob(f"{location.rsplit('/', 1)[1]}-*"))


def _no_card_yet(publisher, org: str, evaluation: dict) -> None:
    """No card while the evaluation is not done. The cards are listed first and the state read
    after: a card may appear between two reads only together with the final state (one
    transaction), so a card listed must find the evaluation succeeded when read next."""
    assert evaluation["card"] is None, evaluation
    if publisher.get(f"/api/v1/orgs/{org}/cards").json()["items"]:
        now = publisher.get(f"/api/v1/orgs/{org}/evaluations/{evaluation['id']}").json()
        assert now["state"] == "succeeded", now


# -- a killed worker ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind", DATABASES)
def test_a_killed_workers_job_is_requeued_and_done_by_another(kind, services, slow_dataset):
    live = services(kind, 2, SHORT_LEASE)
    org = "kill-requeue"
    publisher, location = _submit_slow(live, slow_dataset, org)
    job, killed, when = _kill_the_worker_running_it(live)
    assert _scratch_of(live, location)  # what the killed worker left (its lease still runs)

    poll(lambda: not _alive(job), "the orphaned evaluation gone (it dies with its worker)", timeout=30)
    runners: set[int] = set()
    deadline = time.monotonic() + PATIENCE_S
    while (evaluation := publisher.get(location).json())["state"] != "succeeded":
        assert evaluation["state"] in ("queued", "running"), evaluation
        _no_card_yet(publisher, org, evaluation)  # nothing of the killed attempt, nor of the running one
        runners.update(running_jobs(live).values())
        assert time.monotonic() < deadline, evaluation
        time.sleep(0.1)

    assert evaluation["attempts"] == 2 and evaluation["reason"] is None
    assert runners and not _alive(killed), runners  # the second attempt ran in a live worker
    # Re-queued once the 3 s lease ran out, not after the default minute: the workers got the limit.
    assert _moment(evaluation["started"]) - when < 30, evaluation
    card = publisher.get(f"/api/v1/cards/{evaluation['card']}")
    assert card.status_code == 200 and card.json()["dataset"]["name"] == "slow"
    assert [c["digest"] for c in publisher.get(f"/api/v1/orgs/{org}/cards").json()["items"]] == [evaluation["card"]]
    # The pool replaced the dead worker.
    workers = poll(lambda: (found := workers_of(live)) and len(found) == 2 and found, "two workers again", timeout=30)
    assert killed not in workers
    # The killed attempt's scratch space does not stay behind.
    poll(lambda: _scratch_of(live, location) == [], "the job's scratch directories removed", timeout=30)


@pytest.mark.parametrize("kind", DATABASES)
def test_a_killed_workers_job_fails_when_its_attempts_are_used_up(kind, services, slow_dataset):
    live = services(kind, 2, (*SHORT_LEASE, "max_attempts=1"))
    org = "kill-fail"
    publisher, location = _submit_slow(live, slow_dataset, org)
    job, _, when = _kill_the_worker_running_it(live)

    deadline = time.monotonic() + PATIENCE_S
    while (evaluation := publisher.get(location).json())["state"] == "running":
        _no_card_yet(publisher, org, evaluation)
        assert time.monotonic() < deadline, evaluation
        time.sleep(0.1)
    assert evaluation["state"] == "failed" and evaluation["attempts"] == 1, evaluation
    assert "lease" in evaluation["reason"], evaluation
    assert _moment(evaluation["finished"]) - when < 30, evaluation
    _no_card_yet(publisher, org, evaluation)
    assert not _alive(job)
    assert running_jobs(live) == {}  # nobody took it up again
    poll(lambda: _scratch_of(live, location) == [], "the job's scratch directory removed", timeout=30)


# -- a killed server -----------------------------------------------------------------------------

def _blobs_are_whole(data_dir: Path) -> list[Path]:
    """Every stored blob is named by the SHA-256 of its bytes; the blobs."""
    blobs = [p for p in (data_dir / "blobs" / "sha256").rglob("*") if p.is_file()]
    for path in blobs:
        assert path.name == hashlib.sha256(path.read_bytes()).hexdigest(), path
        assert path.parent.name == path.name[:2]
    return blobs


@pytest.mark.parametrize("kind", DATABASES)
def test_a_server_killed_mid_upload_leaves_no_partial_blob_nor_worker(kind, services, slow_dataset):
    live = services(kind, 1, SHORT_LEASE)
    org = "kill-upload"
    publisher, location = _submit_slow(live, slow_dataset, org)
    jobs = poll(lambda: running_jobs(live), "running an evaluation subprocess")
    assert publisher.post(f"/api/v1/orgs/{org}/datasets", json={"name": "big"}).status_code == 201
    base = f"/api/v1/orgs/{org}/datasets/big/versions/v1"
    assert publisher.put(f"{base}/files/small.csv", content=b"a,b\n1,2\n").status_code == 201
    tmp = live.data_dir / "blobs" / "tmp"
    assert list(tmp.iterdir()) == []
    workers = poll(lambda: workers_of(live), "a worker started")

    # A PUT that declares 4 MiB and sends half of it, then waits.
    declared, half = 4 * 1024 * 1024, os.urandom(2 * 1024 * 1024)
    connection = socket.create_connection(("127.0.0.1", live.port), timeout=30)
    try:
        connection.sendall((f"PUT {base}/files/partial.csv HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            f"Authorization: Bearer {publisher.token}\r\nContent-Type: application/octet-stream\r\n"
                            f"Content-Length: {declared}\r\n\r\n").encode() + half)
        # The server is writing it: a temporary file holds (some of) the half sent.
        poll(lambda: [p for p in tmp.iterdir() if p.stat().st_size > 0], "an upload in the store's tmp", timeout=60)
        os.kill(live.process.pid, signal.SIGKILL)  # the serve process only
        live.process.wait(timeout=30)
    finally:
        connection.close()

    try:
        # Its workers do not run on unsupervised (beside the next start's).
        poll(lambda: not any(_alive(pid) for pid in workers), "the dead server's workers gone", timeout=30)
        poll(lambda: not any(_alive(pid) for pid in jobs), "their evaluation gone", timeout=30)
    finally:
        for pid in workers:  # whatever the outcome, none of them outlives the test
            if _alive(pid) and "worker" in _cmdline(pid):
                os.kill(pid, signal.SIGKILL)
    leftovers = list(tmp.iterdir())
    assert leftovers and all(p.stat().st_size < declared for p in leftovers)  # caught mid-upload
    blobs = _blobs_are_whole(live.data_dir)
    assert hashlib.sha256(half).hexdigest() not in {p.name for p in blobs}

    live.restart()
    assert list(tmp.iterdir()) == []  # the next start removed what the killed upload left
    _blobs_are_whole(live.data_dir)
    version = Api(live.url, publisher.token).get(base).json()  # the same token, the new port
    assert [f["name"] for f in version["files"]] == ["small.csv"], version
    assert len(poll(lambda: workers_of(live), "a worker started again")) == 1
    # The stopped worker gave its job back (not its fault: the attempt does not count); done now.
    done = wait_for(Api(live.url, publisher.token), location, timeout=PATIENCE_S)
    assert done["state"] == "succeeded" and done["attempts"] == 1, done


# -- cancelled, timed out ------------------------------------------------------------------------

@pytest.mark.parametrize("kind", DATABASES)
def test_a_running_evaluation_is_cancelled(kind, services, slow_dataset):
    live = services(kind, 1, SHORT_LEASE)
    org = "cancel"
    publisher, location = _submit_slow(live, slow_dataset, org)
    jobs = poll(lambda: running_jobs(live), "running an evaluation subprocess")
    assert publisher.get(location).json()["state"] == "running"
    answer = publisher.post(f"{location}/cancel")
    assert answer.status_code == 202 and answer.json()["state"] == "running", answer.text  # stops at its next beat

    done = wait_for(publisher, location, timeout=PATIENCE_S)
    assert done["state"] == "cancelled" and done["card"] is None and done["reason"], done
    _no_card_yet(publisher, org, done)
    assert "cancel" in done["reason"]
    poll(lambda: not any(_alive(pid) for pid in jobs), "the cancelled evaluation's process gone", timeout=30)
    poll(lambda: _scratch_of(live, location) == [], "its scratch directory removed", timeout=30)
    # A finished evaluation stays as it is.
    assert publisher.post(f"{location}/cancel").json()["state"] == "cancelled"


@pytest.mark.parametrize("kind", DATABASES)
def test_an_evaluation_over_its_wall_clock_limit_times_out(kind, services, slow_dataset):
    live = services(kind, 1, ("heartbeat_s=1", "evaluation_timeout_s=1"))
    org = "timeout"
    publisher, location = _submit_slow(live, slow_dataset, org)
    done = wait_for(publisher, location, timeout=PATIENCE_S)
    assert done["state"] == "timed_out" and done["card"] is None, done
    assert "1 s" in done["reason"] and done["attempts"] == 1, done
    _no_card_yet(publisher, org, done)
    assert running_jobs(live) == {}
    poll(lambda: _scratch_of(live, location) == [], "its scratch directory removed", timeout=30)
