"""The service's database: SQLite (WAL, the embedded default) or PostgreSQL (psycopg 3), behind one
small interface so every query is written once.

Queries use ``?`` placeholders (translated to ``%s`` for psycopg) and portable SQL: TEXT, BIGINT,
DOUBLE PRECISION, ``ON CONFLICT``, ``RETURNING``. Where the engines must differ (claiming a job) the
caller asks :attr:`Database.kind`. A write transaction on SQLite is ``BEGIN IMMEDIATE``: it takes the
write lock at its start, so two writers queue on the busy timeout instead of one failing with
"database is locked" when it upgrades a read lock.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path
from typing import Any, Iterator, Sequence

BUSY_TIMEOUT_S = 30.0
MIGRATION_LOCK = 0x64736265  # a PostgreSQL advisory lock: one process migrates at a time


def now_ms() -> int:
    return int(time.time() * 1000)


class DatabaseError(Exception):
    """The database URL is wrong or the database cannot be reached."""


class Transaction:
    """Statements inside one transaction; rows come back as dicts."""

    def __init__(self, connection: Any, kind: str):
        self._connection = connection
        self.kind = kind

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.kind == "postgresql" else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; the number of rows it changed."""
        cursor = self._connection.execute(self._sql(sql), tuple(params))
        return cursor.rowcount

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cursor = self._connection.execute(self._sql(sql), tuple(params))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

    def one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        rows = self.all(sql, params)
        return rows[0] if rows else None

    def value(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.one(sql, params)
        return None if row is None else next(iter(row.values()))


class Database:
    """``url``: ``sqlite:///PATH`` (or a plain path) or ``postgresql://…``. Each thread keeps its own
    connection (the web server's thread pool reuses its threads, so connections are reused too)."""

    def __init__(self, url: str):
        self.url = url
        if url.startswith(("postgresql://", "postgres://")):
            self.kind = "postgresql"
            self._target = url
        else:
            self.kind = "sqlite"
            self._target = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url
        self._local = threading.local()

    def __repr__(self) -> str:  # never the password of a PostgreSQL URL
        return f"Database({self.kind})"

    @property
    def display(self) -> str:
        """The URL without credentials, for logs and messages."""
        if self.kind == "sqlite":
            return f"sqlite:///{self._target}"
        from urllib.parse import urlsplit

        parts = urlsplit(self.url)
        host = parts.hostname or ""
        return f"postgresql://{host}{':' + str(parts.port) if parts.port else ''}{parts.path}"

    def _connect(self) -> Any:
        if self.kind == "postgresql":
            try:
                import psycopg
            except ImportError as error:  # pragma: no cover - the extra is missing
                raise DatabaseError("PostgreSQL needs psycopg: pip install 'dsbench[service]'") from error
            try:
                return psycopg.connect(self._target, autocommit=True)
            except psycopg.Error as error:
                raise DatabaseError(f"cannot connect to {self.display}: {' '.join(str(error).split())}") from None
        path = Path(self._target)
        if not path.parent.is_dir():
            raise DatabaseError(f"{path.parent}: no such directory for the service database")
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
        _write_ahead_log(connection)
        connection.execute("PRAGMA synchronous=NORMAL")  # durable at each checkpoint; safe in WAL mode
        connection.execute("PRAGMA foreign_keys=ON")
        return connection

    def connection(self) -> Any:
        connection = getattr(self._local, "connection", None)
        if connection is None or (self.kind == "postgresql" and connection.closed):
            connection = self._local.connection = self._connect()
        return connection

    @contextmanager
    def transaction(self, write: bool = False) -> Iterator[Transaction]:
        """With ``write``, one transaction: committed when the block ends, rolled back when it
        raises. Without, reads in autocommit: each statement sees the latest committed data, with no
        BEGIN and COMMIT around it (a third of a card GET's time on PostgreSQL, three round trips
        instead of one); a read that needs one snapshot across statements asks for ``write``."""
        connection = self.connection()
        if not write:
            yield Transaction(connection, self.kind)
            return
        if self.kind == "postgresql":
            with connection.transaction():
                yield Transaction(connection, self.kind)
            return
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield Transaction(connection, self.kind)
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None

    # -- schema -------------------------------------------------------------------------------

    def migrate(self) -> int:
        """Apply the numbered migrations not applied yet, each in its own transaction; the schema
        version reached. Safe when several processes start at once."""
        applied = 0
        for number, sql in migrations():
            with self.transaction(write=True) as tx:
                if self.kind == "postgresql":
                    tx.execute("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK,))
                tx.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
                current = tx.value("SELECT max(version) FROM schema_version") or 0
                if number <= current:
                    applied = current
                    continue
                for statement in statements(sql):
                    tx.execute(statement)
                tx.execute("INSERT INTO schema_version (version) VALUES (?)", (number,))
                applied = number
        return applied

    def schema_version(self) -> int:
        with self.transaction() as tx:
            return tx.value("SELECT max(version) FROM schema_version") or 0


def _write_ahead_log(connection: Any) -> None:
    """WAL mode. Switching a new database to it takes a lock SQLite does not wait for (no busy
    handler), so processes starting together on a new database retry it for the busy timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            connection.execute("PRAGMA journal_mode=WAL").fetchall()
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def migrations() -> list[tuple[int, str]]:
    """The numbered ``migrations/NNNN_name.sql`` files, in order."""
    found = []
    for entry in files("dsbench.service").joinpath("migrations").iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.read_text(encoding="utf-8")))
    return sorted(found)


def statements(sql: str) -> list[str]:
    """The statements of a migration file (no ``;`` inside a statement; ``--`` comments dropped)."""
    text = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
    return [s.strip() for s in text.split(";") if s.strip()]
