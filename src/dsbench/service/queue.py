"""Evaluations as jobs: the queue is the ``evaluations`` table of the service database.

States: queued → running → succeeded | failed | cancelled | timed_out. A worker claims the oldest
queued job — ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, a ``BEGIN IMMEDIATE`` transaction on SQLite —
and holds it on a lease it renews with heartbeats. A worker that dies stops renewing; the reaper puts
its job back in the queue, or fails it once it has used its attempts. Only the lease holder can
finish a job, and the card rows are written in the same transaction as the final state, so no card
of a half-done job is ever visible.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from dsbench.service.accounts import new_id
from dsbench.service.database import Database, Transaction, now_ms
from dsbench.service.problems import Problem

STATES = ("queued", "running", "succeeded", "failed", "cancelled", "timed_out")
FINAL = ("succeeded", "failed", "cancelled", "timed_out")
COLUMNS = ("id, org_id, version_id, standard, inputs, publish, idempotency_key, requested_by, state, attempts, "
           "max_attempts, cancel_requested, reason, card_digest, worker_version, created, started, finished")
# An evaluation as the API shows it: with its dataset's and version's names.
VIEW = ("SELECT e.id, e.standard, e.publish, e.state, e.attempts, e.max_attempts, e.reason, e.card_digest, "
        "e.worker_version, e.created, e.started, e.finished, d.name AS dataset, v.label AS version, o.name AS org "
        "FROM evaluations e JOIN versions v ON v.id = e.version_id JOIN datasets d ON d.id = v.dataset_id "
        "JOIN orgs o ON o.id = e.org_id")


def request_digest(request: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(request, sort_keys=True).encode()).hexdigest()


def enqueue(tx: Transaction, *, org_id: str, version_id: str, standard: str, inputs: dict[str, dict[str, str]],
            publish: bool, requested_by: str, max_attempts: int, idempotency_key: str | None,
            request: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """A new queued evaluation, or the one this idempotency key made before; and whether it is new.
    The same key with a different request is refused (422). ``inputs``: the data files and the
    suite files, each name -> blob digest."""
    digest = request_digest(request)
    if idempotency_key is not None:
        earlier = _by_key(tx, org_id, idempotency_key)
        if earlier is not None:
            return _same_request(tx, org_id, earlier, digest), False
    evaluation_id = new_id()
    inserted = tx.execute(
        "INSERT INTO evaluations (id, org_id, version_id, standard, inputs, publish, idempotency_key, request_digest, "
        "requested_by, state, max_attempts, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?) "
        "ON CONFLICT (org_id, idempotency_key) DO NOTHING",
        (evaluation_id, org_id, version_id, standard, json.dumps(inputs, sort_keys=True), int(publish),
         idempotency_key, digest, requested_by, max_attempts, now_ms()))
    if not inserted:  # another request with this key won the race (PostgreSQL: both inserted at once)
        return _same_request(tx, org_id, _by_key(tx, org_id, idempotency_key), digest), False
    return get(tx, org_id, evaluation_id), True


def _by_key(tx: Transaction, org_id: str, key: str) -> dict[str, Any] | None:
    return tx.one("SELECT id, request_digest FROM evaluations WHERE org_id = ? AND idempotency_key = ?", (org_id, key))


def _same_request(tx: Transaction, org_id: str, row: dict[str, Any], digest: str) -> dict[str, Any]:
    if row["request_digest"] != digest:
        raise Problem(422, "this Idempotency-Key was used for a different request", title="Unprocessable Content")
    return get(tx, org_id, row["id"])


def get(tx: Transaction, org_id: str, evaluation_id: str) -> dict[str, Any] | None:
    return tx.one(f"{VIEW} WHERE e.org_id = ? AND e.id = ?", (org_id, evaluation_id))


def listing(tx: Transaction, org_id: str, before: tuple[int, str] | None, limit: int,
            state: str | None = None) -> list[dict[str, Any]]:
    """The organisation's evaluations, newest first, after the cursor ``before`` (created, id)."""
    created, last_id = before or (2 ** 62, "")
    return tx.all(f"{VIEW} WHERE e.org_id = ? AND (e.created < ? OR (e.created = ? AND e.id < ?)) "
                  + ("AND e.state = ? " if state else "") + "ORDER BY e.created DESC, e.id DESC LIMIT ?",
                  (org_id, created, created, last_id or "~" * 32, *([state] if state else []), limit))


def cancel(tx: Transaction, org_id: str, evaluation_id: str) -> dict[str, Any] | None:
    """A queued job is cancelled at once; a running one when its worker next beats."""
    tx.execute("UPDATE evaluations SET state = 'cancelled', finished = ?, reason = 'cancelled before it ran' "
               "WHERE org_id = ? AND id = ? AND state = 'queued'", (now_ms(), org_id, evaluation_id))
    tx.execute("UPDATE evaluations SET cancel_requested = 1 WHERE org_id = ? AND id = ? AND state = 'running'",
               (org_id, evaluation_id))
    return get(tx, org_id, evaluation_id)


def claim(db: Database, worker: str, lease_s: float) -> dict[str, Any] | None:
    """The oldest queued job, now running under ``worker``'s lease; None when the queue is empty."""
    lock = " FOR UPDATE SKIP LOCKED" if db.kind == "postgresql" else ""
    now = now_ms()
    with db.transaction(write=True) as tx:
        return tx.one(
            "UPDATE evaluations SET state = 'running', attempts = attempts + 1, lease_owner = ?, lease_expires = ?, "
            "started = ? WHERE id = (SELECT id FROM evaluations WHERE state = 'queued' ORDER BY created, id LIMIT 1"
            f"{lock}) RETURNING {COLUMNS}", (worker, now + int(lease_s * 1000), now))


def heartbeat(db: Database, worker: str, evaluation_id: str, lease_s: float) -> str:
    """Renew the lease: "held", "cancel" (held, and cancellation was asked for) or "lost" (the reaper
    gave the job away, or it is no longer running)."""
    with db.transaction(write=True) as tx:
        row = tx.one("UPDATE evaluations SET lease_expires = ? WHERE id = ? AND lease_owner = ? AND state = 'running' "
                     "RETURNING cancel_requested", (now_ms() + int(lease_s * 1000), evaluation_id, worker))
    if row is None:
        return "lost"
    return "cancel" if row["cancel_requested"] else "held"


def finish(tx: Transaction, worker: str, evaluation_id: str, state: str, *, reason: str | None = None,
           card_digest: str | None = None, worker_version: str | None = None) -> bool:
    """Set the final state, if ``worker`` still holds the lease; whether it did."""
    assert state in FINAL
    return bool(tx.execute(
        "UPDATE evaluations SET state = ?, reason = ?, card_digest = ?, worker_version = ?, finished = ?, "
        "lease_owner = NULL, lease_expires = NULL WHERE id = ? AND lease_owner = ? AND state = 'running'",
        (state, reason, card_digest, worker_version, now_ms(), evaluation_id, worker)))


def release(db: Database, worker: str, evaluation_id: str) -> None:
    """Give a job back to the queue: its worker is shutting down (not the job's fault, so the attempt
    does not count)."""
    with db.transaction(write=True) as tx:
        tx.execute("UPDATE evaluations SET state = 'queued', attempts = attempts - 1, lease_owner = NULL, "
                   "lease_expires = NULL WHERE id = ? AND lease_owner = ? AND state = 'running'",
                   (evaluation_id, worker))


def reap(db: Database) -> int:
    """Jobs whose lease expired (their worker died or hangs): back to the queue, or failed when their
    attempts are used up, or cancelled when that was asked for. The number of jobs reaped."""
    now = now_ms()
    with db.transaction(write=True) as tx:
        expired = "state = 'running' AND lease_expires < ?"
        cancelled = tx.execute("UPDATE evaluations SET state = 'cancelled', reason = 'cancelled', finished = ?, "
                               f"lease_owner = NULL, lease_expires = NULL WHERE {expired} AND cancel_requested = 1",
                               (now, now))
        failed = tx.execute(
            "UPDATE evaluations SET state = 'failed', finished = ?, lease_owner = NULL, lease_expires = NULL, "
            "reason = 'its worker stopped answering ' || attempts || ' time(s) (lease expired); no more attempts' "
            f"WHERE {expired} AND attempts >= max_attempts", (now, now))
        requeued = tx.execute("UPDATE evaluations SET state = 'queued', lease_owner = NULL, lease_expires = NULL "
                              f"WHERE {expired}", (now,))
    return cancelled + failed + requeued


def retry(tx: Transaction, evaluation_id: str, more_attempts: int) -> bool:
    """A failed job back in the queue (a site admin's retry), as it was before any worker claimed it,
    with ``more_attempts`` attempts beyond those it used (which still count). It keeps its place by
    when it was asked for. Only a failed job; whether it was one."""
    return bool(tx.execute(
        "UPDATE evaluations SET state = 'queued', max_attempts = attempts + ?, reason = NULL, card_digest = NULL, "
        "worker_version = NULL, started = NULL, finished = NULL, lease_owner = NULL, lease_expires = NULL, "
        "cancel_requested = 0 WHERE id = ? AND state = 'failed'", (more_attempts, evaluation_id)))


def counts(tx: Transaction) -> dict[str, int]:
    """Jobs per state (the queue's health)."""
    found = {r["state"]: r["n"] for r in tx.all("SELECT state, count(*) AS n FROM evaluations GROUP BY state")}
    return {state: int(found.get(state, 0)) for state in STATES}
