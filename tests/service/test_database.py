"""The service's store: migrations applied once and concurrently safe, WAL on SQLite, one code path
on both databases, and no password in anything printed."""

from __future__ import annotations

import threading

import pytest

from dsbench.service import queue
from dsbench.service.database import Database, migrations, statements
from tests.service.live import fresh_database


@pytest.fixture(params=("sqlite", "postgresql"))
def database(request, tmp_path) -> Database:
    if request.param == "sqlite":
        return Database(f"sqlite:///{tmp_path / 'service.sqlite'}")
    return Database(fresh_database(request.getfixturevalue("postgres_cluster")))


def test_migrations_apply_once_even_when_started_together(database):
    latest = max(number for number, _ in migrations())
    reached, errors = [], []

    def migrate() -> None:
        try:
            reached.append(Database(database.url).migrate())
        except Exception as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)

    threads = [threading.Thread(target=migrate) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and reached == [latest] * 4
    with database.transaction() as tx:
        assert tx.value("SELECT count(*) FROM schema_version") == latest  # each migration recorded once
    assert database.migrate() == latest == database.schema_version()


def test_sqlite_is_in_wal_mode(tmp_path):
    db = Database(str(tmp_path / "s.sqlite"))
    db.migrate()
    assert db.connection().execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_failed_transaction_leaves_nothing(database):
    database.migrate()
    with pytest.raises(RuntimeError):
        with database.transaction(write=True) as tx:
            tx.execute("INSERT INTO settings (name, value) VALUES (?, ?)", ("x", "1"))
            raise RuntimeError("stop")
    with database.transaction() as tx:
        assert tx.one("SELECT value FROM settings WHERE name = ?", ("x",)) is None
        assert queue.counts(tx) == {state: 0 for state in queue.STATES}


def test_the_url_shown_has_no_password():
    db = Database("postgresql://ann:hunter2@db.example:5433/dsbench")
    assert db.display == "postgresql://db.example:5433/dsbench" and "hunter2" not in repr(db)


def test_migration_files_split_into_statements():
    sql = "-- a comment; with a semicolon\nCREATE TABLE a (x TEXT); -- trailing\n\nCREATE INDEX b ON a (x);\n"
    assert statements(sql) == ["CREATE TABLE a (x TEXT)", "CREATE INDEX b ON a (x)"]
