"""An embedded DuckDB file of dsbench's own (the runs database), opened sealed.

Nothing in the file or in a query reaches another file; the module gives the names of its tables
and explicit transactions."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Sequence


class CannotOpen(Exception):
    """The file could not be opened as a DuckDB database (the message is DuckDB's)."""


class Database:
    """A connection to one DuckDB database file; every result is read to its end."""

    def __init__(self, connection: Any):
        self._con = connection

    def _run(self, sql: str, parameters: Sequence[Any]) -> Any:
        return self._con.execute(sql, list(parameters)) if parameters else self._con.execute(sql)

    def rows(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple]:
        return self._run(sql, parameters).fetchall()

    def row(self, sql: str, parameters: Sequence[Any] = ()) -> tuple | None:
        return self._run(sql, parameters).fetchone()

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> None:
        self._run(sql, parameters)

    def execute_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self._con.executemany(sql, [list(row) for row in rows])

    def table_names(self) -> set[str]:
        return {name for (name,) in self.rows("SELECT table_name FROM duckdb_tables()")}

    def begin(self) -> None:
        self._con.begin()

    def commit(self) -> None:
        self._con.commit()

    def rollback(self) -> None:
        self._con.rollback()

    def close(self) -> None:
        self._con.close()


def open_database(path: Path, *, read_only: bool) -> Database:
    """The DuckDB database at ``path`` (created when absent and not ``read_only``); raises
    :class:`CannotOpen` when it cannot be opened."""
    import duckdb

    try:
        # The database is ours; nothing in it or in a query may reach other files.
        connection = duckdb.connect(str(path), read_only=read_only, config={"enable_external_access": False})
    except duckdb.Error as error:
        raise CannotOpen(str(error)) from None
    return Database(connection)
