"""The runs database: score cards appended to an embedded DuckDB file and read back per dataset.

One row per card and one per score of it; the bands drawn from them are
:mod:`dsbench.store.history`'s.

::

    from dsbench.store import runs
    runs.record(card, ".dsbench/history.duckdb")          # a ScoreCard or a card.json path
    runs.runs(".dsbench/history.duckdb", "penguins")      # [Run, …], oldest first

The database holds two tables (see ``MIGRATIONS``): ``runs``, one row per distinct card, and
``metrics``, one row per overall / dimension / indicator score of a run. ``schema_version`` holds
the version of that layout, so that a later dsbench can migrate a database an earlier one wrote.
The DuckDB connection is :mod:`dsbench.backends.duckdb.database`'s, opened when a database is.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dsbench.errors import DsbenchError, shortened

if TYPE_CHECKING:  # cards and renderers load on first use: `dsbench --help` imports this module
    from dsbench.cards.card import ScoreCard

DEFAULT_DATABASE = Path(".dsbench") / "history.duckdb"

# MIGRATIONS[k] turns a database of schema version k into version k + 1 (version 0: empty).
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE runs (
            run_id INTEGER PRIMARY KEY,
            recorded_at TIMESTAMP NOT NULL,           -- UTC wall clock of recording
            dataset VARCHAR NOT NULL,                 -- the card's dataset.name
            dataset_fingerprint VARCHAR NOT NULL,
            card_digest VARCHAR NOT NULL UNIQUE,
            standard_id VARCHAR NOT NULL,
            standard_version VARCHAR NOT NULL,
            dsbench_version VARCHAR NOT NULL,
            scale DOUBLE NOT NULL,
            score DOUBLE,                             -- NULL: nothing could be scored
            grade VARCHAR,
            passed BOOLEAN NOT NULL)""",
        """CREATE TABLE metrics (
            run_id INTEGER NOT NULL REFERENCES runs (run_id),
            position INTEGER NOT NULL,                -- order in the card: overall, dimensions, indicators
            kind VARCHAR NOT NULL CHECK (kind IN ('overall', 'dimension', 'indicator')),
            code VARCHAR NOT NULL,                    -- 'overall' for the overall score
            status VARCHAR,                           -- scored, not_applicable, not_evaluated …
            score DOUBLE,
            value DOUBLE,
            passed DOUBLE,
            evaluated DOUBLE,
            PRIMARY KEY (run_id, kind, code))""",
        "CREATE INDEX runs_by_dataset ON runs (dataset, standard_id)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


class HistoryError(DsbenchError):
    """A history database is missing, unreadable, of another kind, or holds no such runs."""


@dataclass(frozen=True)
class Metric:
    kind: str
    code: str
    status: str | None
    score: float | None
    value: float | None = None
    passed: float | None = None
    evaluated: float | None = None


@dataclass(frozen=True)
class Run:
    run_id: int
    recorded_at: datetime  # UTC, naive
    dataset: str
    dataset_fingerprint: str
    card_digest: str
    standard_id: str
    standard_version: str
    dsbench_version: str
    scale: float
    score: float | None
    grade: str | None
    passed: bool
    metrics: tuple[Metric, ...] = ()

    def metric(self, kind: str, code: str) -> Metric | None:
        return next((m for m in self.metrics if m.kind == kind and m.code == code), None)

    def summary(self) -> dict[str, Any]:
        """The run without its metrics, as JSON-ready values."""
        document = {k: v for k, v in asdict(self).items() if k != "metrics"}
        document["recorded_at"] = utc_text(self.recorded_at)
        return document


@dataclass(frozen=True)
class Recorded:
    run_id: int
    created: bool  # False: this card was recorded before, as run ``run_id``


def utc_text(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# -- the database -----------------------------------------------------------------------------------


def _schema_version(db: Any) -> int:
    """0 for an empty database; refuses a database that has other tables and no dsbench schema."""
    tables = db.table_names()
    if "schema_version" not in tables:
        if tables:
            raise HistoryError("not a dsbench history database (it holds other tables)")
        return 0
    row = db.row("SELECT max(version) FROM schema_version")
    return int(row[0] or 0)


def _open(path: Path, *, write: bool, migrate: bool = False) -> Any:
    """The database at ``path`` (a dsbench.backends.duckdb.database.Database), refused when it was
    written by a newer dsbench or is not a history database; with ``migrate``, an older schema is
    brought up to date (writing) or refused (reading). For reading, the database must exist; for
    writing, it and its directory are created when absent."""
    from dsbench.backends.duckdb.database import CannotOpen, open_database

    if not write and not path.is_file():
        raise HistoryError("no history database here (`dsbench evaluate --history` records one)",
                           source=str(path))
    if write:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise HistoryError(f"cannot create the directory: {error.strerror or error}", source=str(path)) from None
    try:
        db = open_database(path, read_only=not write)
    except CannotOpen as error:
        raise HistoryError(f"cannot open the history database: {shortened(str(error))}", source=str(path)) from None
    try:
        version = _schema_version(db)
        if version > SCHEMA_VERSION:
            raise HistoryError(f"written by a newer dsbench (schema version {version}, this one knows "
                               f"{SCHEMA_VERSION})")
        if migrate and version < SCHEMA_VERSION:
            if not write:
                raise HistoryError(f"schema version {version} is older than {SCHEMA_VERSION}: record a run "
                                   "with this dsbench to migrate it")
            _migrate(db, version)
    except HistoryError as error:
        db.close()
        raise error.within(source=str(path)) from None
    except BaseException:
        db.close()
        raise
    return db


def connect(path: Path, *, write: bool) -> Any:
    """The history database at ``path`` with the current schema (migrated when writing)."""
    return _open(path, write=write, migrate=True)


def _migrate(db: Any, version: int) -> None:
    db.begin()
    try:
        if version == 0:
            db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
            db.execute("INSERT INTO schema_version VALUES (0)")
        for statements in MIGRATIONS[version:]:
            for statement in statements:
                db.execute(statement)
        db.execute("UPDATE schema_version SET version = ?", [SCHEMA_VERSION])
        db.commit()
    except BaseException:
        db.rollback()
        raise


def check_database(path: str | Path) -> None:
    """Refuse, before any work, a database that recording into would fail on: not a dsbench history
    database, of a newer schema, or in a directory that cannot be created. Creates nothing."""
    path = Path(path)
    if path.is_dir():
        raise HistoryError("is a directory, not a history database", source=str(path))
    if path.exists():
        _open(path, write=False).close()  # an older schema is fine: recording migrates it
        return
    existing = next(p for p in (path.parent, *path.parent.parents) if p.exists())
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise HistoryError(f"cannot create the history database: {existing} is not a writable directory",
                           source=str(path))


# -- recording --------------------------------------------------------------------------------------


def card_metrics(document: dict) -> list[Metric]:
    """The overall, dimension and indicator scores of a card, in the card's order."""
    from dsbench.render._shared import card_number

    found = [Metric("overall", "overall", "scored" if document.get("score") is not None else None,
                    card_number(document.get("score")))]
    for dimension in document["dimensions"]:
        found.append(Metric("dimension", dimension["code"], dimension.get("status"), card_number(dimension.get("score"))))
    for dimension in document["dimensions"]:
        for item in dimension["indicators"]:
            found.append(Metric("indicator", item["code"], item.get("status"), card_number(item.get("score")),
                                card_number(item.get("value")), card_number(item.get("passed")),
                                card_number(item.get("evaluated"))))
    return found


def record(card: ScoreCard | str | Path, db_path: str | Path = DEFAULT_DATABASE, *,
           recorded_at: datetime | None = None) -> Recorded:
    """Append ``card`` (a ScoreCard, or the path of a card.json read through the card loader) to the
    history database, created with its directory when absent. A card recorded before (same digest)
    is not recorded again: ``Recorded.created`` is then False. ``recorded_at`` defaults to now; give
    it to import an archive of earlier cards (a naive datetime is taken as UTC)."""
    from dsbench.cards.card import ScoreCard
    from dsbench.cards.compare import load_card
    from dsbench.render._shared import card_number

    document = (card if isinstance(card, ScoreCard) else load_card(card)).document
    moment = recorded_at or datetime.now(timezone.utc)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    db = connect(Path(db_path), write=True)
    try:
        db.begin()
        try:
            existing = db.row("SELECT run_id FROM runs WHERE card_digest = ?", [document["digest"]])
            if existing:
                db.rollback()
                return Recorded(int(existing[0]), created=False)
            run_id = int(db.row("SELECT coalesce(max(run_id), 0) + 1 FROM runs")[0])
            db.execute("INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       [run_id, moment, document["dataset"]["name"], document["dataset"]["fingerprint"],
                        document["digest"], document["standard"]["id"], document["standard"]["version"],
                        document["engine"].get("dsbench", "unknown"), float(document["scale"]),
                        card_number(document["score"]), document["grade"], bool(document["passed"])])
            db.execute_many("INSERT INTO metrics VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            [[run_id, position, m.kind, m.code, m.status, m.score, m.value, m.passed, m.evaluated]
                             for position, m in enumerate(card_metrics(document))])
            db.commit()
        except BaseException:
            db.rollback()
            raise
    finally:
        db.close()
    return Recorded(run_id, created=True)


# -- reading ----------------------------------------------------------------------------------------

_RUN_COLUMNS = ("run_id, recorded_at, dataset, dataset_fingerprint, card_digest, standard_id, standard_version, "
                "dsbench_version, scale, score, grade, passed")


def read_runs(db: Any, dataset: str, standard: str | None) -> list[Run]:
    """The runs of ``dataset`` (against ``standard`` when given) in the open database ``db``,
    oldest first."""
    where, params = "dataset = ?", [dataset]
    if standard is not None:
        where, params = where + " AND standard_id = ?", params + [standard]
    rows = db.rows(f"SELECT {_RUN_COLUMNS} FROM runs WHERE {where} ORDER BY recorded_at, run_id", params)
    metrics: dict[int, list[Metric]] = {}
    for run_id, *fields in db.rows(
            "SELECT run_id, kind, code, status, score, value, passed, evaluated FROM metrics "
            f"WHERE run_id IN (SELECT run_id FROM runs WHERE {where}) ORDER BY run_id, position", params):
        metrics.setdefault(run_id, []).append(Metric(*fields))
    return [Run(*row, metrics=tuple(metrics.get(row[0], ()))) for row in rows]


def recorded_datasets(db: Any) -> list[str]:
    """The names of the datasets with runs in the open database ``db``, sorted."""
    return [name for (name,) in db.rows("SELECT DISTINCT dataset FROM runs ORDER BY dataset")]


def recorded_standards(db: Any, dataset: str) -> list[str]:
    """The ids of the standards ``dataset`` has runs against in the open database ``db``, sorted."""
    return [standard for (standard,) in db.rows(
        "SELECT DISTINCT standard_id FROM runs WHERE dataset = ? ORDER BY standard_id", [dataset])]


def runs(db_path: str | Path, dataset: str, standard: str | None = None) -> list[Run]:
    """The recorded runs of ``dataset`` (against ``standard`` when given), oldest first; [] when
    there are none."""
    db = connect(Path(db_path), write=False)
    try:
        return read_runs(db, dataset, standard)
    finally:
        db.close()


__all__ = ["DEFAULT_DATABASE", "HistoryError", "Metric", "Recorded", "Run", "SCHEMA_VERSION", "check_database",
           "record", "runs"]
