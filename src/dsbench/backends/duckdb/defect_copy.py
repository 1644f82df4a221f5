"""A table copied into DuckDB and changed cell by cell, for defect injection (:mod:`dsbench.corpus.inject`).

The copy (typed, or a CSV read again as text), the seeded choice of the cells to change, every
change recorded, and the copy written back as Parquet, or as CSV in the source's own layout.

The copy's columns are named c0, c1 … (so that no column of the data can shadow ``rowid``, which is
the row's position in the file); each change is recorded in a changes table (kind, column, row, old,
new; values as text). Selection: each candidate is ranked by DuckDB's hash of the text
``row:seed:defect:column`` (ties by row number) and the first ones are taken. Nothing from the data
or its manifest is pasted into SQL: values are bound parameters, names are quoted, and a column type
is written only when it has the form of a DuckDB scalar type name (:func:`castable`).
"""

from __future__ import annotations

import gzip
import re
import shutil
from pathlib import Path
from typing import Any, Sequence

from dsbench.errors import DataError

WORK, PICK, CHANGES, SOURCE = "dsbench_inject_work", "dsbench_inject_pick", "dsbench_inject_changes", \
    "dsbench_inject_source"
# The hash of one text: DuckDB's hash of several arguments barely separates column names whose own
# hashes are close, so that different columns would lose nearly the same rows.
RANK = "hash(concat_ws(':', rowid, $seed, $defect, $col))"
HASH_RANGE = 2 ** 64  # DuckDB's hash() is a UBIGINT
# The hash bound of a selection lets through this many times the cells wanted, plus this many:
# fewer than wanted is then a many-sigma event (and is handled, by sorting every candidate).
PREFILTER_MARGIN, PREFILTER_SLACK = 1.1, 100
# Column types whose names may appear in SQL (for TRY_CAST): DuckDB's own names of scalar types.
SAFE_TYPE = re.compile(r"^[A-Z][A-Z0-9_ ]*(\(\d+(, ?\d+)?\))?$")


def castable(column_type: str) -> bool:
    """Whether values can be cast to ``column_type`` in SQL: a scalar type, named as DuckDB names one."""
    return bool(SAFE_TYPE.match(column_type))


def versions() -> dict[str, str]:
    """The version of the engine that wrote the copies, as the ground truth records it."""
    import duckdb

    return {"duckdb": duckdb.__version__}


class DefectCopy:
    """One table copied into a DuckDB table of the dataset's connection, changed cell by cell in one
    transaction that is rolled back at the end (DuckDB then does not commit after each update, which
    costs seconds on a table of millions of rows)."""

    def __init__(self, con: Any, table: Any, seed: int, dialect: dict[str, Any] | None = None,
                 tokens: Sequence[str] = (), paths: Sequence[str] = ()):
        """The typed copy of ``table``; the text copy (every column as text, read with ``dialect``,
        ``tokens`` being the missing values) is :meth:`read_as_text`'s."""
        from dsbench.engine.sql import quote_ident

        self.con, self.table, self.seed = con, table, seed
        self.names = list(table.columns)
        self.slots = {name: quote_ident(f"c{i}") for i, name in enumerate(self.names)}
        self.text = dialect is not None
        self.dialect = dict(dialect or {})
        self.tokens = list(tokens)
        self.paths = list(paths)
        try:
            if self.text:
                self._read_text()
            else:
                self._load(table.view)
            self.rows = self._scalar(f"SELECT count(*) FROM {WORK}")
            self.run(f"CREATE TABLE {CHANGES} (kind VARCHAR, col VARCHAR, rn BIGINT, old VARCHAR, new VARCHAR)")
        except BaseException:
            self._drop()
            raise
        # The work table is committed before the transaction, so its rowids are the row positions
        # (rows a transaction adds get rowids of their own, far above: the appended copies, which
        # come last either way).
        self.con.execute("BEGIN TRANSACTION")
        self.changed: set[str] = set()  # columns with changed cells

    @classmethod
    def read_as_text(cls, con: Any, table: Any, resource: Any, seed: int) -> "DefectCopy":
        """The copy of a CSV table with every column as text, in the dialect DuckDB detects for it
        (with the manifest's delimiter, header, quote and escape), so that untouched cells are
        written back unchanged; its ``dialect`` and ``paths`` say how and what was read."""
        from dsbench.backends.duckdb.csv import DEFAULT_MISSING

        schema = resource.schema_ if resource is not None else None
        tokens = list(schema.missingValues if schema is not None else DEFAULT_MISSING)
        paths = table.read_from or [str(f) for f in table.files]  # what the loader read (UTF-8, one line end)
        dialect = _sniff(con, table, resource.dialect if resource is not None else None, paths[0])
        return cls(con, table, seed, dialect, tokens, paths)

    # SQL helpers: named parameters ($name), each statement getting exactly the ones it uses; every
    # result is read to its end (DuckDB refuses new work on a connection with a result pending).
    def run(self, sql: str, **params: Any) -> list[tuple]:
        used = set(re.findall(r"\$(\w+)", sql))
        return self.con.execute(sql, {k: v for k, v in params.items() if k in used}).fetchall()

    def _row(self, sql: str, **params: Any) -> tuple:
        return self.run(sql, **params)[0]

    def _scalar(self, sql: str, **params: Any) -> Any:
        return self._row(sql, **params)[0]

    def _load(self, source: str) -> None:
        from dsbench.engine.sql import quote_ident

        select = ", ".join(f"{quote_ident(name)} AS {slot}" for name, slot in self.slots.items())
        # Insertion order is kept (DuckDB's preserve_insertion_order): rowid is the row's position.
        self.run(f"CREATE TABLE {WORK} AS SELECT {select} FROM {source}")

    def _read_text(self) -> None:
        import duckdb

        from dsbench.backends.duckdb.csv import CsvAttempt, next_attempt
        from dsbench.backends.duckdb.errors import describe_duckdb_error

        table, dialect, paths = self.table, self.dialect, self.paths
        attempt = CsvAttempt({}, quote_set=True)
        while True:
            try:
                # A quoted empty value ("") stays an empty text, apart from an empty field (NULL), so
                # that each is written back as it was.
                relation = self.con.read_csv(paths if len(paths) > 1 else paths[0], all_varchar=True,
                                             na_values=[""], allow_quoted_nulls=False, null_padding=True,
                                             sep=dialect["delimiter"], quotechar=dialect["quote"],
                                             escapechar=dialect["escape"], header=dialect["header"],
                                             **attempt.options)
                relation.create_view(SOURCE)
                break
            except duckdb.Error as error:
                if not next_attempt(str(error), attempt, []):
                    raise DataError(describe_duckdb_error(error), source=table.source) from None
        seen = [row[0] for row in self.run(f"DESCRIBE SELECT * FROM {SOURCE}")]
        typed_rows = self._scalar(f"SELECT count(*) FROM {table.view}")
        text_rows = self._scalar(f"SELECT count(*) FROM {SOURCE}")
        if seen != self.names or typed_rows != text_rows:
            raise DataError("read as text, the file gives other columns or rows than when loaded "
                            f"({len(seen)} columns, {text_rows} rows against {len(self.names)}, "
                            f"{typed_rows}); it cannot be copied faithfully", source=table.source)
        self._load(SOURCE)

    # -- conditions on a column --------------------------------------------------------------------
    def present(self, name: str) -> str:
        """SQL: the cell holds a value (in CSV text: neither NULL nor a missing-value token)."""
        slot = self.slots[name]
        if self.text:
            return f"({slot} IS NOT NULL AND NOT list_contains($tokens, {slot}))"
        return f"({slot} IS NOT NULL)"

    def sql_type(self, name: str) -> str:
        """Column ``name``'s type as SQL may name it; refused unless :func:`castable` (the plan
        sends no other column to a defect that casts)."""
        column_type = self.table.columns[name]
        if not castable(column_type):
            raise ValueError(f"column {name!r} is of type {column_type!r}, which is not cast to")
        return column_type

    def value(self, name: str) -> str:
        """SQL: the cell's value in the column's loaded type (a CSV cell is text until cast)."""
        slot, column_type = self.slots[name], self.table.columns[name]
        if self.text and column_type != "VARCHAR":
            return f"TRY_CAST({slot} AS {self.sql_type(name)})"
        return slot

    def salted(self, salt: str) -> str:
        """SQL: a per-row draw from the seeded hash, independent of the selection's."""
        return f"hash(concat_ws(':', rowid, $seed, $defect || ':{salt}', $col))"

    def change(self, defect: str, name: str, condition: str, new: str, count: int, **params: Any) -> int:
        """Change the ``count`` cells of column ``name`` that meet ``condition``, were not changed
        yet and rank first by the seeded hash, to the SQL expression ``new`` (of the row's rowid
        and old value); record each change. Returns how many changed."""
        slot = self.slots[name]
        common = {"seed": self.seed, "defect": defect, "col": name, "tokens": self.tokens, **params}
        unchanged = f" AND rowid NOT IN (SELECT rn FROM {CHANGES} WHERE col = $col)" if name in self.changed else ""
        self._pick(f"{condition}{unchanged}", count, common)
        picked = f"rowid IN (SELECT rn FROM {PICK})"
        self.run(f"INSERT INTO {CHANGES} SELECT $defect, $col, rowid, CAST({slot} AS VARCHAR), "
                 f"CAST({new} AS VARCHAR) FROM {WORK} WHERE {picked}", **common)
        self.run(f"UPDATE {WORK} SET {slot} = {new} WHERE {picked}", **common)
        self.changed.add(name)
        return self._scalar(f"SELECT count(*) FROM {PICK}")

    def _pick(self, condition: str, count: int, params: dict[str, Any]) -> None:
        """The ``count`` rows meeting ``condition`` whose hash('rowid:seed:defect:column') is the
        smallest (ties by rowid), into the pick table. Hashes are uniform, so the winners are
        almost surely among the rows whose hash is below a bound a little above the expected
        count's; those few are sorted instead of all rows (and all of them when the bound let
        fewer through: the result is the same either way)."""
        rank = RANK
        eligible = self._scalar(f"SELECT count(*) FROM {WORK} WHERE {condition}", **params)
        share = min(1.0, (count * PREFILTER_MARGIN + PREFILTER_SLACK) / eligible) if eligible else 1.0
        bounded = f" AND {rank} < $bound" if share < 1.0 else ""
        for where in ([f"{condition}{bounded}", condition] if bounded else [condition]):
            self.run(f"CREATE OR REPLACE TABLE {PICK} AS SELECT rowid AS rn FROM {WORK} WHERE {where} "
                     f"ORDER BY {rank}, rowid LIMIT $count", count=count, bound=int(share * HASH_RANGE), **params)
            if self._scalar(f"SELECT count(*) FROM {PICK}") >= min(count, eligible):
                return

    # -- what the defects need to know ---------------------------------------------------------------
    def observed_range(self, name: str) -> tuple[Any, Any]:
        """(min, max) of the present (and finite) values of column ``name``."""
        value, column_type = self.value(name), self.table.columns[name]
        finite = f" AND isfinite({value})" if column_type in ("FLOAT", "DOUBLE") else ""
        low, high = self._row(f"SELECT min({value}), max({value}) FROM {WORK} WHERE {self.present(name)}{finite}",
                              tokens=self.tokens)
        return low, high

    def cast_beyond(self, name: str, literal: str, side: str, bound: Any) -> tuple[str | None, bool]:
        """(``literal`` in column ``name``'s type as DuckDB writes it, or None when the type cannot
        hold it; whether it lies beyond ``bound`` on ``side``, "above" or "below")."""
        beyond = ">" if side == "above" else "<"
        text, outside = self._row(
            f"SELECT CAST(v AS VARCHAR), v {beyond} $bound "
            f"FROM (SELECT TRY_CAST($target AS {self.sql_type(name)}) AS v)",
            target=literal, bound=bound)
        return text, outside

    def decimal_places(self, name: str) -> int | None:
        """The most decimal places a present value of column ``name`` has (as written in CSV, else as
        DuckDB writes it); values in exponent notation are not counted."""
        slot = self.slots[name] if self.text else f"CAST({self.value(name)} AS VARCHAR)"
        return self._scalar(
            f"SELECT max(length(regexp_extract({slot}, '^\\s*[-+]?[0-9]*\\.([0-9]+)\\s*$', 1))) "
            f"FROM {WORK} WHERE {self.present(name)}", tokens=self.tokens)

    def declared_classes(self, name: str, enum: list[str]) -> list[tuple[Any, str]]:
        """(value in column ``name``'s type, its text) of each value of ``enum`` the type can hold, in
        the enum's order."""
        return self.run(f"SELECT v, CAST(v AS VARCHAR) FROM (SELECT TRY_CAST(e AS {self.sql_type(name)}) AS v, "
                        "i FROM (SELECT unnest($enum) AS e, unnest(range(len($enum))) AS i)) "
                        "WHERE v IS NOT NULL ORDER BY i", enum=enum)

    def observed_classes(self, name: str, limit: int) -> list[tuple[Any, str]]:
        """(value, its text) of the distinct present values of column ``name``, sorted, at most ``limit``."""
        return self.run(f"SELECT DISTINCT {self.value(name)} AS v, CAST(v AS VARCHAR) FROM {WORK} "
                        f"WHERE {self.present(name)} AND v IS NOT NULL ORDER BY v LIMIT {int(limit)}",
                        tokens=self.tokens)

    # -- the defects -----------------------------------------------------------------------------------
    def move_out_of_range(self, name: str, count: int, low: Any, high: Any, strict_low: bool, strict_high: bool,
                          above: str | None, below: str | None) -> int:
        """Move ``count`` values of column ``name`` inside [low, high] (or the open ends) to the
        value ``above`` or ``below`` (decimal literals; a side without one is not taken), the side
        drawn per row. Returns how many moved."""
        value = self.value(name)
        inside = (f"{self.present(name)} AND {value} {'>' if strict_low else '>='} $low "
                  f"AND {value} {'<' if strict_high else '<='} $high")
        pick_above = ("true" if below is None else "false" if above is None
                      else f"{self.salted('side')} % 2 = 0")
        if self.text:
            new = f"CASE WHEN {pick_above} THEN $above ELSE $below END"
        else:
            column_type = self.sql_type(name)
            new = (f"CASE WHEN {pick_above} THEN TRY_CAST($above AS {column_type}) "
                   f"ELSE TRY_CAST($below AS {column_type}) END")
        return self.change("out_of_range", name, inside, new, count, low=low, high=high, above=above, below=below)

    def flip_labels(self, name: str, count: int, classes: list[Any], targets: list[Any]) -> int:
        """Turn ``count`` labels of column ``name`` (values of ``classes``) into another class: 1 to
        m - 1 places further along the list of m classes, cyclically, written as ``targets`` gives
        it. Returns how many flipped."""
        value = self.value(name)
        position = f"list_position($classes, {value})"
        shift = f"CAST({self.salted('class')} % ($m - 1) AS BIGINT)"
        new = f"list_extract($targets, ({position} + {shift}) % $m + 1)"
        condition = f"{self.present(name)} AND list_contains($classes, {value})"
        return self.change("label_flips", name, condition, new, count, classes=classes,
                           targets=targets if self.text else classes, m=len(classes))

    def blank(self, name: str, count: int, token: str | None) -> int:
        """Make ``count`` present values of column ``name`` missing: in CSV text ``token`` (None: an
        empty field), else NULL of the column's type. Returns how many."""
        if self.text:
            new = "$token" if token is not None else "CAST(NULL AS VARCHAR)"
        else:
            new = f"CASE WHEN false THEN {self.slots[name]} END"  # NULL of the column's own type
        return self.change("nulls", name, self.present(name), new, count, token=token)

    def duplicate_rows(self, count: int) -> str:
        """Append ``count`` rows again, in source order after the last row (copy i is row rows + i);
        returns the JSON of ``rows`` (the copies) and ``source_rows``."""
        slots = ", ".join(self.slots.values())
        self._pick("true", count, {"seed": self.seed, "defect": "duplicates", "col": ""})
        self.run(f"INSERT INTO {WORK} SELECT {slots} FROM {WORK} WHERE rowid IN (SELECT rn FROM {PICK}) "
                 "ORDER BY rowid")
        return self._scalar(f"SELECT to_json(struct_pack(rows := list(copy ORDER BY copy), "
                            f"source_rows := list(rn ORDER BY rn))) FROM (SELECT rn, $rows + "
                            f"row_number() OVER (ORDER BY rn) - 1 AS copy FROM {PICK})", rows=self.rows)

    def changed_cells(self) -> dict[tuple[str, str], str]:
        """(defect, column) -> the JSON of the changed cells' ``new``, ``old`` and ``rows``, by row."""
        return {(kind, col): text for kind, col, text in self.run(
            f"SELECT kind, col, to_json(struct_pack(new := list(new ORDER BY rn), old := list(old ORDER BY rn), "
            f"rows := list(rn ORDER BY rn))) FROM {CHANGES} GROUP BY kind, col")}

    # -- output ----------------------------------------------------------------------------------------
    def _select_named(self) -> str:
        from dsbench.engine.sql import quote_ident

        return ", ".join(f"{slot} AS {quote_ident(name)}" for name, slot in self.slots.items())

    def write_parquet(self, path: Path) -> None:
        self.run(f"COPY (SELECT {self._select_named()} FROM {WORK} ORDER BY rowid) TO $path (FORMAT parquet)",
                 path=str(path))

    def write_csv(self, path: Path, layout: Any, compression: str) -> None:
        """Write the text copy as CSV in its dialect and ``layout`` (line terminator, columns always
        quoted, header line as it read, final line terminator; see dsbench.corpus.inject.csv_layout),
        compressed with ``compression`` ("none", "gzip" or "zstd")."""
        from dsbench.engine.sql import quote_ident

        select = self._select_named()
        query = f"SELECT {select} FROM {WORK} ORDER BY rowid"
        dialect = dict(self.dialect)
        if not dialect["quote"] and self._new_texts_need_quotes(dialect["delimiter"]):
            dialect.update(quote='"', escape='"')
        # DuckDB quotes every value holding a '#', lest a line start like a comment; only a
        # first column that starts with one needs that.
        first = next(iter(self.slots.values()))
        comment = "#" if self._scalar(f"SELECT count(*) FROM {WORK} WHERE starts_with({first}, '#')") else ""
        quoted = [quote_ident(name) for index, name in enumerate(self.names) if index in layout.quoted]
        options = ("FORMAT csv, DELIMITER $delimiter, QUOTE $quote, ESCAPE $escape, HEADER $header, NULLSTR '', "
                   "COMMENT $comment, NEW_LINE $newline" + (f", FORCE_QUOTE ({', '.join(quoted)})" if quoted else ""))
        params = {**dialect, "comment": comment, "newline": layout.newline}
        # The header line as it was: DuckDB quotes a column's name as it quotes its values, while
        # a file may quote its header alone (or every name, and only the text columns' values).
        own_header = dialect["header"] and layout.header is not None and \
            self._written_header(f"SELECT {select} FROM {WORK} LIMIT 0", options, params, path,
                                 layout.newline) != layout.header
        if own_header and compression not in ("none", "gzip"):
            own_header = False  # rewriting the header needs a compressor at hand: zstd keeps DuckDB's
        if not own_header:
            self.run(f"COPY ({query}) TO $path ({options}, COMPRESSION $compression)", path=str(path),
                     compression=compression, **params)
            if compression == "none" and not layout.final_newline:
                _drop_final_newline(path, layout.newline)
            return
        body = path.with_name(path.name + ".body")
        try:
            self.run(f"COPY ({query}) TO $path ({options}, COMPRESSION 'none')", path=str(body),
                     **{**params, "header": False})
            if not layout.final_newline:
                _drop_final_newline(body, layout.newline)
            with open(path, "wb") as file, open(body, "rb") as data:
                # gzip without a file name or time in its header: the same bytes on every run
                out = gzip.GzipFile(fileobj=file, mode="wb", compresslevel=6, mtime=0) \
                    if compression == "gzip" else file
                out.write((layout.header + layout.newline).encode("utf-8"))
                shutil.copyfileobj(data, out, 1 << 20)
                if out is not file:
                    out.close()
        finally:
            body.unlink(missing_ok=True)

    def _written_header(self, query: str, options: str, params: dict[str, Any], path: Path, newline: str) -> str:
        """The header line DuckDB writes for the columns of ``query`` (no rows) with these options."""
        probe = path.with_name(path.name + ".header")
        try:
            self.run(f"COPY ({query}) TO $path ({options}, COMPRESSION 'none')", path=str(probe), **params)
            return probe.read_bytes().decode("utf-8").removesuffix(newline)
        finally:
            probe.unlink(missing_ok=True)

    def _new_texts_need_quotes(self, delimiter: str) -> bool:
        """Whether a value the injection wrote (a label class or a missing-value token from the
        manifest, say) holds the delimiter, a quote or a line break: a file read without quoting
        is then written with it."""
        return bool(self._scalar(
            f"SELECT count(*) FROM (SELECT DISTINCT new FROM {CHANGES}) WHERE contains(new, $delimiter) "
            "OR regexp_matches(new, $special)", delimiter=delimiter, special=r'["\r\n]'))

    def close(self) -> None:
        self.con.execute("ROLLBACK")
        self._drop()

    def _drop(self) -> None:
        from dsbench.engine.sql import quote_ident

        for name in (WORK, PICK, CHANGES):
            self.con.execute(f"DROP TABLE IF EXISTS {quote_ident(name)}")
        self.con.execute(f"DROP VIEW IF EXISTS {quote_ident(SOURCE)}")


def _sniff(con: Any, table: Any, declared: Any, path: str) -> dict[str, Any]:
    """The dialect (delimiter, quote, escape, header) DuckDB detects for the CSV file at ``path``,
    given what the manifest declares (``declared``: its resource's dialect, or None) and, for a table
    of .tsv or .tab files, the tab."""
    import duckdb

    from dsbench.backends.duckdb.errors import describe_duckdb_error

    sniff: dict[str, Any] = {}
    if declared is not None and declared.delimiter is not None:
        sniff["sep"] = declared.delimiter
    elif all(f.suffix.lower() in (".tsv", ".tab") for f in table.files):
        sniff["sep"] = "\t"
    if declared is not None and declared.header is not None:
        sniff["header"] = declared.header
    declared_quote = getattr(declared, "quoteChar", None)
    if declared_quote is not None:
        sniff["quote"] = declared_quote
    declared_escape = declared.escape_char() if hasattr(declared, "escape_char") else None
    if declared_escape is not None:
        sniff["escape"] = declared_escape
    arguments = "".join(f", {name} := ${name}" for name in sniff)
    try:
        found = con.execute(f"SELECT Delimiter, Quote, Escape, HasHeader FROM sniff_csv($path{arguments})",
                            {"path": path, **sniff}).fetchall()[0]
    except duckdb.Error as error:
        raise DataError(describe_duckdb_error(error), source=table.source) from None
    delimiter, quote, escape, header = (None if v == "(empty)" else v for v in found)
    quote = quote or ""  # a file without quoting is read, and written, without
    escape = escape or quote  # with quoting and no escape character, quotes are doubled
    return {"delimiter": delimiter, "quote": quote, "escape": escape, "header": bool(header)}


def _drop_final_newline(path: Path, newline: str) -> None:
    """Remove the line terminator that ends the file, as the source file had none after its last
    line (unless that line is empty: without its terminator, it would not be a line)."""
    ending = newline.encode("utf-8")
    size = path.stat().st_size
    with open(path, "rb+") as handle:
        handle.seek(max(0, size - 2 * len(ending)))
        tail = handle.read()
        if tail.endswith(ending) and not tail.endswith(ending * 2) and size > len(ending):
            handle.truncate(size - len(ending))
