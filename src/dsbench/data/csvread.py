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
  column: that column is read as text and remembered in :attr:`CsvRead.read_as_text` (the
  generated suite turns it into a type-conformity finding); the file stays readable;
Anything else (a row with more fields than the header, which pandas refuses too, say) is a file that cannot be parsed into rows; its error is one line naming the line,
what was expected and the dsbench option that helps (:func:`describe_csv_error`).
"""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dsbench.errors import DataError, shortened

# DuckDB reads CSV lines up to 2 MB by default; a file with a longer line (a multi-megabyte value)
# is read again with room for lines up to this many bytes.
LONG_LINE_BYTES = 1 << 28
RFC4180_QUOTE = '"'
# A value that does not fit its column's type turns that column into text; more retries than
# this mean the file is not what the reader thinks it is.
MAX_ATTEMPTS = 64
LINE_END_PROBE = 1 << 22

# Column types a user (``--types``) or a Table Schema may fix, by their Table Schema and DuckDB
# names, as the DuckDB type the reader is given.
TYPE_NAMES = {
    "string": "VARCHAR", "text": "VARCHAR", "varchar": "VARCHAR",
    "integer": "BIGINT", "int": "BIGINT", "bigint": "BIGINT", "year": "BIGINT",
    "number": "DOUBLE", "double": "DOUBLE", "float": "DOUBLE",
    "boolean": "BOOLEAN", "bool": "BOOLEAN",
    "date": "DATE", "datetime": "TIMESTAMP", "timestamp": "TIMESTAMP", "time": "TIME",
}

# Table Schema field types fixed at load (see schema_types).
SCHEMA_TYPES = {"string": "VARCHAR", "integer": "BIGINT", "year": "BIGINT", "number": "DOUBLE",
                "boolean": "BOOLEAN", "date": "DATE", "time": "TIME"}


def duckdb_type(name: str, source: str | None = None, location: str | None = None) -> str:
    """The DuckDB type of a type name a user or manifest gave, or a DataError listing the known ones."""
    found = TYPE_NAMES.get(name.strip().lower())
    if found is None:
        raise DataError(f"unknown column type {name!r} (expected one of {', '.join(sorted(TYPE_NAMES))})",
                        source=source, location=location)
    return found


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
        majority = next((mixed_line_ends(p) for p in paths if mixed_line_ends(p)), None)
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
    other way; None when they all end alike. Reads at most LINE_END_PROBE bytes, plus the last
    line (where an appended row's odd ending usually is)."""
    from dsbench.data.encoding import open_bytes

    with open_bytes(path) as handle:
        head = handle.read(LINE_END_PROBE)
        tail = b""
        if len(head) == LINE_END_PROBE:
            tail = _tail(path)
    crlf = head.count(b"\r\n") + tail.count(b"\r\n")
    lf = head.count(b"\n") + tail.count(b"\n") - crlf
    if not crlf or not lf:
        return None
    return "\r\n" if crlf >= lf else "\n"


def _tail(path: Path, size: int = 1 << 16) -> bytes:
    if path.suffix == ".gz":
        return b""  # a compressed file cannot be read from its end
    with open(path, "rb") as handle:
        handle.seek(0, 2)
        handle.seek(max(0, handle.tell() - size))
        return handle.read()


def rewrite_line_ends(source: Path, target: Path, line_end: str, codec: str = "utf-8") -> None:
    """Copy ``source`` (in ``codec``) to ``target`` in UTF-8 with every line ending in ``line_end``.
    Line ends inside quoted values are rewritten too: in a file whose line ends are mixed, which
    of them belong to a value cannot be known."""
    from dsbench.data.encoding import CHUNK_BYTES, open_bytes

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


def describe_csv_error(problem: str, attempt: CsvAttempt | None = None) -> str:
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
    if "unterminated quote" in problem.lower() or "quote" in problem.lower() and "state" in problem:
        return f"{at}a quoted value is never closed{shown}; pass --quote or --escape if the file uses other ones"
    if "state machine reached an invalid state" in problem:
        return f"{at}the text does not follow the delimiter and quote rules{shown}; pass --delimiter, --quote or --escape"
    first = " ".join(problem.split("\n\n")[0].split())
    for prefix in ("Invalid Input Error: ", "IO Error: ", "Conversion Error: ", "Binder Error: "):
        first = first.removeprefix(prefix)
    first = ERROR_LINE.sub("", first)
    first = ORIGINAL_LINE.sub("", first).strip()
    return f"{at}{shortened(first, 200)}"


def header_mismatch(paths: list[Path], names: list[str], delimiter: str, quote: str) -> str | None:
    """For a table read from several files with a header line: the first file whose header
    differs from the first file's, as a message naming both files and the columns that differ;
    None when all agree."""
    from dsbench.data.encoding import open_bytes

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
