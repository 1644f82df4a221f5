"""The service's store: migrations applied once and concurrently safe, WAL on SQLite, one code path
on both databases, and no password in anything printed."""

from __future__ import annotations

import json
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


def test_a_leaderboard_reads_dimension_scores_kept_with_the_card_or_from_older_cards_documents(database, tmp_path):
    """A card kept now carries its dimension scores in its row (migration 0004); a card kept before
    has NULL there and its document is read instead: the leaderboard shows both the same way, as the
    card documents say."""
    from dsbench.evaluation import evaluate
    from dsbench.service import accounts, cards, catalog
    from dsbench.service.blobs import BlobStore
    from dsbench.service.pages.data import board
    from dsbench.service.standards import standard

    database.migrate()
    blobs = BlobStore(tmp_path / "blobs")
    documents = [evaluate(str(tmp_path / name), "gbt-36344-2018").document
                 for name in _tables(tmp_path, ("a.csv", "b.csv"))]
    with database.transaction(write=True) as tx:
        org = accounts.create_org(tx, "org", "Org")
        for number, document in enumerate(documents):
            dataset = catalog.create_dataset(tx, org["id"], f"d{number}", f"d{number}")
            version, _ = catalog.ensure_version(tx, dataset["id"], "v1")
            blob = blobs.put_bytes(json.dumps(document).encode()).digest
            cards.keep(tx, org_id=org["id"], dataset_id=dataset["id"], version_id=version["id"], document=document,
                       blob=blob, renderings={}, publish=True)
        tx.execute("UPDATE cards SET dimensions = NULL WHERE dataset_id = ?", (dataset["id"],))  # kept before 0004
    with database.transaction() as tx:
        shown = board(tx, blobs, standard("gbt-36344-2018"), "en", {})
    assert len(shown.rows) == 2
    for row in shown.rows:
        document = next(d for d in documents if d["digest"] == row["digest"])
        assert row["dimensions"] == {f"d{d['code']}": d["score"] for d in document["dimensions"]}
        assert row["statuses"] == {f"d{d['code']}": d["status"] for d in document["dimensions"]}
    assert {row["dimension_scores"] is None for row in shown.rows} == {True, False}


def _tables(directory, names):
    for number, name in enumerate(names):
        lines = ["id,reading"] + [f"{i},{'' if i % (3 + number) == 0 else i * 2}" for i in range(40)]
        (directory / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return names
