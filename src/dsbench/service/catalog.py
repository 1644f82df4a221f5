"""Datasets, their versions and the files of each version, always reached through their
organisation (the caller's membership is checked before; here every query carries the org id)."""

from __future__ import annotations

from typing import Any

from dsbench.service.accounts import new_id
from dsbench.service.blobs import Blob
from dsbench.service.database import Transaction, now_ms
from dsbench.service.problems import Problem, not_found


def dataset(tx: Transaction, org_id: str, name: str) -> dict[str, Any]:
    row = tx.one("SELECT id, name, title, created FROM datasets WHERE org_id = ? AND name = ?", (org_id, name))
    if row is None:
        raise not_found("dataset")
    return row


def datasets(tx: Transaction, org_id: str, after: str | None, limit: int) -> list[dict[str, Any]]:
    return tx.all("SELECT id, name, title, created FROM datasets WHERE org_id = ? AND name > ? ORDER BY name "
                  "LIMIT ?", (org_id, after or "", limit))


def create_dataset(tx: Transaction, org_id: str, name: str, title: str) -> dict[str, Any]:
    if tx.one("SELECT 1 AS found FROM datasets WHERE org_id = ? AND name = ?", (org_id, name)):
        raise Problem(409, f"a dataset called {name!r} exists already")
    row = {"id": new_id(), "name": name, "title": title, "created": now_ms()}
    tx.execute("INSERT INTO datasets (id, org_id, name, title, created) VALUES (?, ?, ?, ?, ?)",
               (row["id"], org_id, name, title, row["created"]))
    return row


def version(tx: Transaction, dataset_id: str, label: str) -> dict[str, Any]:
    row = tx.one("SELECT id, label, created FROM versions WHERE dataset_id = ? AND label = ?", (dataset_id, label))
    if row is None:
        raise not_found("version")
    return row


def versions(tx: Transaction, dataset_id: str, after: str | None, limit: int) -> list[dict[str, Any]]:
    return tx.all("SELECT id, label, created FROM versions WHERE dataset_id = ? AND label > ? ORDER BY label "
                  "LIMIT ?", (dataset_id, after or "", limit))


def ensure_version(tx: Transaction, dataset_id: str, label: str) -> tuple[dict[str, Any], bool]:
    """The version ``label`` of the dataset, created when missing; and whether it was created."""
    row = tx.one("SELECT id, label, created FROM versions WHERE dataset_id = ? AND label = ?", (dataset_id, label))
    if row is not None:
        return row, False
    row = {"id": new_id(), "label": label, "created": now_ms()}
    tx.execute("INSERT INTO versions (id, dataset_id, label, created) VALUES (?, ?, ?, ?)",
               (row["id"], dataset_id, label, row["created"]))
    return row, True


def files(tx: Transaction, version_id: str) -> list[dict[str, Any]]:
    return tx.all("SELECT name, blob, bytes, created FROM files WHERE version_id = ? ORDER BY name", (version_id,))


def put_file(tx: Transaction, version_id: str, name: str, blob: Blob) -> bool:
    """Record ``blob`` as the file ``name`` of the version; whether it is new (else replaced)."""
    changed = tx.execute("UPDATE files SET blob = ?, bytes = ?, created = ? WHERE version_id = ? AND name = ?",
                         (blob.digest, blob.size, now_ms(), version_id, name))
    if not changed:
        tx.execute("INSERT INTO files (version_id, name, blob, bytes, created) VALUES (?, ?, ?, ?, ?)",
                   (version_id, name, blob.digest, blob.size, now_ms()))
    return not changed


def delete_file(tx: Transaction, version_id: str, name: str) -> None:
    if not tx.execute("DELETE FROM files WHERE version_id = ? AND name = ?", (version_id, name)):
        raise not_found("file")
