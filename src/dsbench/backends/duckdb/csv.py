"""Reading delimited text the way a careful person would: the settings a publisher or user gave,
DuckDB's sniffer for the rest, and a second look instead of a refusal where the sniffer's sample
misled it.

DuckDB's reader infers the dialect and the column types from a sample (20,480 rows by default) and
is strict about what it sees after it. Real files break that in a few known ways, each of which
gets one more read here, never a guess about the data:

- mixed line ends (CRLF lines and a last line ending in LF, say): the file is read from a copy in
  which the few odd line ends are written like the others;
- the first quoted field comes after the sample, so the sniffer chose "no quote" and the line
  splits into too many fields: read again with the RFC 4180 quote (``"``);
- a value that does not fit the column's inferred (or declared) type, such as ``nil`` in a numeric
  column: that column is read as text and remembered in the table's ``read_as_text`` (the
  generated suite turns it into a type-conformity finding); the file stays readable.

Anything else (a row with more fields than the header, which pandas refuses too, say) is a file
that cannot be parsed into rows; its error is one line naming the line, what was expected and the
dsbench option that helps (:func:`describe_csv_error`).
"""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from dsbench.data.encoding import (CHUNK_BYTES, NATIVE, canonical_codec, detect_encoding, open_bytes,
                                   transcode_to_utf8)
from dsbench.data.files import PROSE, stem, suffix
from dsbench.data.dataset import read_type
from dsbench.errors import DataError, shortened

if TYPE_CHECKING:
    from dsbench.data.model import Resource
    from dsbench.data.dataset import LoadOptions, Table

# DuckDB reads CSV lines up to 2 MB by default; a file with a longer line (a multi-megabyte value)
# is read again with room for lines up to this many bytes.
LONG_LINE_BYTES = 1 << 28
DEFAULT_MISSING = ("",)
RFC4180_QUOTE = '"'
# A value that does not fit its column's type turns that column into text; more retries than
# this mean the file is not what the reader thinks it is.
MAX_ATTEMPTS = 64

# Column types a user (``--types``) or a Table Schema may fix, by their Table Schema and DuckDB
# names, as the DuckDB type the reader is given.
# The DuckDB type a column is read as, by the type it was named (dsbench.data.dataset.READ_TYPES).
DUCKDB_TYPES = {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN", "date": "DATE",
                "datetime": "TIMESTAMP", "time": "TIME"}

# Table Schema field types fixed at load (see schema_types).
SCHEMA_TYPES = {"string": "VARCHAR", "integer": "BIGINT", "year": "BIGINT", "number": "DOUBLE",
                "boolean": "BOOLEAN", "date": "DATE", "time": "TIME"}


def duckdb_type(name: str, source: str | None = None, location: str | None = None) -> str:
    """The DuckDB type of a type name a user or manifest gave, or a DataError listing the known ones."""
    return DUCKDB_TYPES[read_type(name, source, location)]


def schema_types(fields: list[dict[str, Any]]) -> dict[str, str]:
    """The DuckDB types a Table Schema's fields fix at load: those whose values the reader parses
    as the schema means them (default formats only; a date with its own pattern, a number with a
    group separator or a boolean with its own words are left to the sniffer and to the checks the
    manifest's suite generates). A ``datetime`` is left to the sniffer too: whether its values carry
    a time zone decides between DuckDB's two timestamp types, which no declaration says."""
    types = {}
    for item in fields:
        name, declared = item.get("name"), str(item.get("type") or "").lower()
        if not isinstance(name, str) or declared not in SCHEMA_TYPES:
            continue
        if item.get("format") not in (None, "default", "any") and declared != "string":
            continue
        if any(key in item for key in ("decimalChar", "groupChar", "bareNumber", "trueValues", "falseValues")):
            continue
        types[name] = SCHEMA_TYPES[declared]
    return types


@dataclass
class CsvAttempt:
    """The reader options of one read, and what earlier reads taught."""

    options: dict[str, Any]
    types: dict[str, str] = field(default_factory=dict)  # column -> DuckDB type fixed at load
    read_as_text: dict[str, str] = field(default_factory=dict)  # column -> type its values failed
    line_ends: str | None = None  # the line end the odd ones were rewritten to, if any
    quote_set: bool = False  # a quote character was given (by the user, manifest or a retry)
    attempts: int = 0

    def reader_options(self) -> dict[str, Any]:
        options = dict(self.options)
        if self.types:
            options["dtype"] = dict(self.types)
        return options


CONVERSION = re.compile(r'Error when converting column "((?:[^"]|"")*)"\. Could not convert string .* to \'([^\']+)\'')
ORIGINAL_LINE = re.compile(r"Original Line: (.*)")
ERROR_LINE = re.compile(r"CSV Error on Line: (\d+)")
FIELD_COUNT = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")


def next_attempt(problem: str, attempt: CsvAttempt, paths: list[Path]) -> bool:
    """Change ``attempt`` so that the next read gets past DuckDB's error ``problem``, if some
    change can and was not tried yet; True when one was made."""
    attempt.attempts += 1
    if attempt.attempts > MAX_ATTEMPTS:
        return False
    options = attempt.options
    line = ORIGINAL_LINE.search(problem)
    original = line.group(1) if line else ""
    if "Maximum line size" in problem and "max_line_size" not in options:
        options["max_line_size"] = LONG_LINE_BYTES
        return True
    if "null_padding in conjunction with quoted new lines" in problem and "parallel" not in options:
        options["parallel"] = False
        return True
    if ("sniffing file" in problem or "state machine reached an invalid state" in problem
            or "new line" in problem.lower()) and attempt.line_ends is None:
        majority = next(filter(None, map(mixed_line_ends, paths)), None)
        if majority is not None:
            attempt.line_ends = majority
            return True
    if not attempt.quote_set and RFC4180_QUOTE in original and "quote = (empty)" in problem:
        # The sniffer saw no quoted field in its sample; this line has one.
        options["quotechar"] = options["escapechar"] = RFC4180_QUOTE
        attempt.quote_set = True
        return True
    converting = CONVERSION.search(problem)
    if converting:
        column = converting.group(1).replace('""', '"')
        if attempt.types.get(column) != "VARCHAR":
            attempt.read_as_text.setdefault(column, attempt.types.get(column) or converting.group(2))
            attempt.types[column] = "VARCHAR"
            return True
    return False


def mixed_line_ends(path: Path) -> str | None:
    """The line end most lines of a file have (``"\\r\\n"`` or ``"\\n"``) when some lines end the
    other way; None when they all end alike. Reads the whole file (this is asked only once a read
    failed)."""
    crlf = lf = 0
    previous = b""
    with open_bytes(path) as handle:
        while chunk := handle.read(CHUNK_BYTES):
            crlf += chunk.count(b"\r\n") + (previous == b"\r" and chunk[:1] == b"\n")
            lf += chunk.count(b"\n")
            previous = chunk[-1:]
    lf -= crlf
    if not crlf or not lf:
        return None
    return "\r\n" if crlf >= lf else "\n"


def rewrite_line_ends(source: Path, target: Path, line_end: str, codec: str = "utf-8") -> None:
    """Copy ``source`` (in ``codec``) to ``target`` in UTF-8 with every line ending in ``line_end``.
    Line ends inside quoted values are rewritten too: in a file whose line ends are mixed, which
    of them belong to a value cannot be known."""
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    pending_cr = False
    try:
        with open_bytes(source) as src, open(target, "w", encoding="utf-8", newline="") as dst:
            while True:
                chunk = src.read(CHUNK_BYTES)
                text = decoder.decode(chunk, final=not chunk)
                if pending_cr:
                    text = "\r" + text
                pending_cr = bool(chunk) and text.endswith("\r")
                if pending_cr:
                    text = text[:-1]
                dst.write(text.replace("\r\n", "\n").replace("\n", line_end))
                if not chunk:
                    break
    except UnicodeDecodeError as error:
        raise DataError(f"not valid {codec}: {error.reason}; pass --encoding NAME", source=str(source)) from None


def describe_csv_error(problem: str) -> str:
    """DuckDB's CSV error as one line a user can act on: where, what was expected, which option helps."""
    where = ERROR_LINE.search(problem)
    at = f"line {where.group(1)}: " if where else ""
    original = ORIGINAL_LINE.search(problem)
    shown = f" ({shortened(original.group(1), 80)})" if original else ""
    counts = FIELD_COUNT.search(problem)
    if counts:
        return (f"{at}expected {counts.group(1)} fields, found {counts.group(2)}{shown}; "
                "pass --delimiter, --quote or --escape if the file uses other ones")
    if "Invalid unicode" in problem:
        return f"{at}not valid UTF-8; pass --encoding NAME"
    if "Maximum line size" in problem:
        limit = re.search(r"Maximum line size of (\d+) bytes", problem)
        return f"{at or 'a line '}is longer than {int(limit.group(1)) if limit else LONG_LINE_BYTES} bytes"
    if "sniffing file" in problem:
        return ("the delimiter, quote and header could not be told from the first lines; pass "
                "--delimiter, --quote, --escape or --sample-size all")
    if "unterminated quote" in problem.lower():
        return f"{at}a quoted value is never closed{shown}; pass --quote or --escape if the file uses other ones"
    if "state machine reached an invalid state" in problem:
        return (f"{at}the text does not follow the delimiter and quote rules{shown}; pass --delimiter, "
                "--quote or --escape")
    lines = [line for line in problem.split("\n\n")[0].splitlines()
             if not ERROR_LINE.search(line) and not line.startswith("Original Line:")]
    first = " ".join(" ".join(lines).split())
    for prefix in ("Invalid Input Error: ", "IO Error: ", "Conversion Error: ", "Binder Error: "):
        first = first.removeprefix(prefix)
    return f"{at}{shortened(first, 1000)}{shown}"


def header_mismatch(paths: list[Path], names: list[str], delimiter: str, quote: str) -> str | None:
    """For a table read from several files with a header line: the first file whose header
    differs from the first file's, as a message naming both files and the columns that differ;
    None when all agree."""
    def header(path: Path) -> list[str]:
        with open_bytes(path) as handle:
            first = handle.readline(1 << 20).decode("utf-8-sig", errors="replace")
        return next(csv.reader([first.rstrip("\r\n")], delimiter=delimiter, quotechar=quote), [])

    expected = header(paths[0])
    for path, name in zip(paths[1:], names[1:]):
        found = header(path)
        if found != expected:
            missing = [c for c in expected if c not in found]
            extra = [c for c in found if c not in expected]
            differ = "; ".join(part for part in (
                f"{names[0]} has {', '.join(missing)}" if missing else "",
                f"{name} has {', '.join(extra)}" if extra else "") if part) or "the same columns in another order"
            return (f"the files do not have the same columns: {names[0]} ({len(expected)} columns) and "
                    f"{name} ({len(found)} columns) differ: {differ}")
    return None


def csv_source(problem: str, files: list[Path], source: str) -> str:
    """The file a CSV error is about: the one DuckDB names, else the table's source."""
    named = re.search(r'file = (.+)', problem)
    if named:
        for file in files:
            if str(file) == named.group(1).strip():
                return str(file)
    return source


class CsvLoading:
    """How a :class:`~dsbench.backends.duckdb.loader.Dataset` reads CSV files (a mixin: it uses the
    dataset's connection, scratch directory and table registration)."""

    def _add_csv(self, name: str, source: str, files: list[Path], options: LoadOptions,
                 resource: Resource | None) -> Table:
        """Read CSV files into a table, reading again where the sniffer's sample misled it (see
        :mod:`dsbench.backends.duckdb.csv`); a file that cannot be parsed into rows is a DataError."""
        attempt = CsvAttempt(self._csv_options(files, options, resource))
        attempt.quote_set = "quotechar" in attempt.options
        codecs_ = [self._codec(f, options, resource) for f in files]

        def copies(line_ends: str | None) -> list[str]:
            return [self._readable_copy(f, c, line_ends, index) for index, (f, c) in enumerate(zip(files, codecs_))]

        paths = copies(None)
        if options.data_format is None and resource is None and all(suffix(f) in PROSE for f in files):
            self._refuse_prose(paths[0], attempt, files[0])
        if len(paths) > 1:
            self._check_headers(paths, files, attempt, source)
        attempt.types = self._fixed_types(paths, attempt, options, resource, source)
        while True:
            try:
                relation = self.con.read_csv(paths if len(paths) > 1 else paths[0], **attempt.reader_options())
                table = self._add(name, relation, source, "csv", files)
                break
            except duckdb.Error as error:
                problem = self._unscratched(str(error), paths, files)
                rewritten = attempt.line_ends
                if not next_attempt(problem, attempt, [Path(p) for p in paths]):
                    raise DataError(describe_csv_error(problem), source=csv_source(problem, files, source)) from None
                if attempt.line_ends != rewritten:
                    declared = resource.dialect.lineTerminator if resource else None
                    attempt.line_ends = declared if declared in ("\r\n", "\n") else attempt.line_ends
                    paths = copies(attempt.line_ends)
        table.read_from = list(paths)
        table.read_as_text = {c: t for c, t in attempt.read_as_text.items() if c in table.columns}
        table.missing_values = list(attempt.options["na_values"])
        return table

    def _csv_options(self, files: list[Path], options: LoadOptions, resource: Resource | None) -> dict[str, Any]:
        """DuckDB reader options from the user's options, else the manifest's dialect."""
        dialect = resource.dialect if resource else None
        schema = resource.schema_ if resource else None
        base = [] if options.missing_values_only else list(schema.missingValues if schema else DEFAULT_MISSING)
        missing = list(dict.fromkeys(base + [t.strip() for t in options.missing_values or ()]))
        # A short row is padded with NULLs (missing values the checks see) instead of making the
        # sniffer give up on the delimiter and read each line as one text column.
        reader: dict[str, Any] = {"na_values": missing, "null_padding": True}
        delimiter = options.delimiter or (dialect.delimiter if dialect else None)
        if delimiter is None and (options.data_format == "tsv" or all(suffix(f) in (".tsv", ".tab") for f in files)):
            delimiter = "\t"
        header = options.header if options.header is not None else (dialect.header if dialect else None)
        quote = options.quote if options.quote is not None else (dialect.quoteChar if dialect else None)
        escape = options.escape if options.escape is not None else (dialect.escape_char() if dialect else None)
        for key, value in (("sep", delimiter), ("header", header), ("quotechar", quote), ("escapechar", escape),
                           ("comment", dialect.commentChar if dialect else None),
                           ("sample_size", options.sample_size)):
            if value is not None:
                reader[key] = value
        if quote is not None and escape is None:
            reader["escapechar"] = quote  # RFC 4180: a quote inside a quoted value is doubled
        return reader

    def _refuse_prose(self, path: str, attempt: CsvAttempt, original: Path) -> None:
        """A ``.txt`` file is read as a table only when the sniffer finds a delimiter that splits
        its lines into the same number of fields (not padding short lines, as tables are read)."""
        strict = {k: v for k, v in attempt.options.items() if k != "null_padding"}
        try:
            columns = self.con.read_csv(path, **strict).columns
        except duckdb.Error:
            return  # the read itself reports the problem
        if len(columns) == 1:
            raise DataError("looks like prose, not a table: no delimiter was found in its lines; pass "
                            "--data-format csv to read each line as a row, or --delimiter", source=str(original))

    def _fixed_types(self, paths: list[str], attempt: CsvAttempt, options: LoadOptions,
                     resource: Resource | None, source: str) -> dict[str, str]:
        """Column types fixed at load: the manifest's field types, then ``--types`` (which must
        name columns of the file)."""
        declared = schema_types(resource.schema_.fields) if resource else {}
        if not declared and not options.types:
            return {}
        try:
            columns = self.con.read_csv(paths[0], **attempt.options).columns
        except duckdb.Error:
            return {}  # the read itself reports the problem
        types = {c: t for c, t in declared.items() if c in columns}
        for column, type_name in (options.types or {}).items():
            if column not in columns:
                raise DataError(f"--types names column {column!r}, which the file does not have "
                                f"(columns: {', '.join(columns[:20])})", source=source)
            types[column] = duckdb_type(type_name, location="--types")
        return types

    def _check_headers(self, paths: list[str], files: list[Path], attempt: CsvAttempt, source: str) -> None:
        """Files read as one table must have one header: else DuckDB would read the second file's
        columns under the first file's names."""
        if attempt.options.get("header") is False:
            return
        try:
            has_header, delimiter, quote = self.con.execute(
                "SELECT HasHeader, Delimiter, Quote FROM sniff_csv(?, null_padding = true)", [paths[0]]).fetchall()[0]
        except duckdb.Error:
            has_header, delimiter, quote = True, attempt.options.get("sep", ","), '"'
        if not has_header:
            return
        quote = attempt.options.get("quotechar") or (quote if len(quote or "") == 1 else '"')
        problem = header_mismatch([Path(p) for p in paths], [f.name for f in files],
                                  attempt.options.get("sep") or delimiter, quote)
        if problem is not None:
            raise DataError(problem, source=source)

    def _codec(self, path: Path, options: LoadOptions, resource: Resource | None) -> str:
        requested = options.encoding or (resource.encoding if resource else None)
        return canonical_codec(requested, str(path)) if requested else detect_encoding(path)

    def _readable_copy(self, path: Path, codec: str, line_ends: str | None, index: int = 0) -> str:
        """Path to the bytes DuckDB should read: the file itself when DuckDB can decode it and its
        line ends agree, otherwise a UTF-8 copy (with one kind of line end) in the scratch directory."""
        if codec in NATIVE and line_ends is None:
            return str(path)
        prefix = "lines" if line_ends is not None else "utf8"
        target = self.scratch_dir() / f"{prefix}-{len(self.tables)}-{index}-{stem(path)}.csv"
        if line_ends is not None:
            rewrite_line_ends(path, target, line_ends, codec)
        else:
            transcode_to_utf8(path, codec, target)
        return str(target)

    def _unscratched(self, text: str, paths: list[str], files: list[Path]) -> str:
        """An engine message with the scratch copies' paths replaced by the files they copy."""
        for copy, original in zip(paths, files):
            if copy != str(original):
                text = text.replace(copy, str(original))
        return text.replace(str(self.scratch_dir()), "<scratch>")
