"""How a CSV file is written beyond its dialect, read from its first records.

The line terminator, the columns always quoted, the header line as it reads, a last line with or
without its terminator: the injected copy is written the same way."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

LAYOUT_SAMPLE_CHARS = 1 << 18  # the head of the file whose records show how it is written
LAYOUT_SAMPLE_RECORDS = 1000
COMPRESSIONS = {".gz": "gzip", ".gzip": "gzip", ".zst": "zstd"}  # a CSV file's suffix -> its compression


@dataclass
class CsvLayout:
    """How a CSV file is written, beyond its dialect, as seen in its first records: the line
    terminator, the columns whose every value is quoted (a file quoting all fields, or all text
    fields, as csv.QUOTE_ALL and QUOTE_NONNUMERIC write them), the header line as it reads,
    and whether the last line ends with a terminator; and how a column writes an empty value: quoted
    ("") or not (a column without one in the sample: quoted when the column is)."""

    newline: str = "\n"
    quoted: set[int] = field(default_factory=set)
    empty_quoted: dict[int, bool] = field(default_factory=dict)
    header: str | None = None
    final_newline: bool = True

    def quotes_empty(self, column: int) -> bool:
        return self.empty_quoted.get(column, column in self.quoted)


def csv_layout(path: str, delimiter: str, quote: str, escape: str, header: bool) -> CsvLayout:
    """The layout of the CSV file at ``path`` (plain or gzip; a zstd file gets the defaults) from its
    first records. A column counts as quoted when every one of its non-empty values in the sample
    is quoted and at least one of them is quoted without needing it (no delimiter, quote or line
    break): a file quoting only where needed then never has a quoted column."""
    import gzip

    layout = CsvLayout()
    suffix = Path(path).suffix.lower()
    if suffix not in (".gz", ".gzip") and suffix in COMPRESSIONS:
        return layout
    opener = gzip.open if suffix in (".gz", ".gzip") else open
    try:
        with opener(path, "rb") as handle:
            head = handle.read(LAYOUT_SAMPLE_CHARS + 1)
        if suffix not in (".gz", ".gzip"):
            with open(path, "rb") as handle:
                handle.seek(max(0, os.path.getsize(path) - 1))
                layout.final_newline = handle.read(1) in (b"\n", b"\r", b"")
    except OSError:
        return layout
    whole = len(head) <= LAYOUT_SAMPLE_CHARS
    text = head[:LAYOUT_SAMPLE_CHARS].decode("utf-8", errors="ignore").removeprefix("\ufeff")
    records = _sample_records(text, delimiter, quote, escape, whole, layout)
    if header and records:
        layout.header = records.pop(0)[0]
    if not quote or not records:
        return layout
    special = re.compile("[" + re.escape(delimiter + quote + (escape or "")) + "\r\n]")
    width = max(len(fields) for _, fields in records)
    for column in range(width):
        values = [fields[column] for _, fields in records if column < len(fields)]
        quoted = [value for was_quoted, value in values if was_quoted]
        if len(quoted) == sum(1 for was_quoted, value in values if was_quoted or value) \
                and any(value and not special.search(value) for value in quoted):
            layout.quoted.add(column)
        empties = {was_quoted for was_quoted, value in values if not value}
        if len(empties) == 1:
            layout.empty_quoted[column] = empties.pop()
    return layout


def _sample_records(text: str, delimiter: str, quote: str, escape: str, whole: bool,
                    layout: CsvLayout) -> list[tuple[str, list[tuple[bool, str]]]]:
    """The complete records at the start of ``text``: (the record's text, its fields as (quoted,
    value)); the first line terminator found goes into ``layout``. Stops at anything it cannot
    read as the dialect says (the sample then ends there)."""
    if quote:
        q, e = re.escape(quote), re.escape(escape or quote)
        body = f"[^{q}]*(?:{q}{q}[^{q}]*)*" if escape in ("", quote) else f"[^{q}{e}]*(?:{e}.[^{q}{e}]*)*"
        quoted_field = re.compile(f"{q}({body}){q}", re.DOTALL)
    plain_field = re.compile(f"[^{re.escape(delimiter + quote)}\r\n]*")
    records: list[tuple[str, list[tuple[bool, str]]]] = []
    position, seen_newline = 0, False
    while position < len(text) and len(records) < LAYOUT_SAMPLE_RECORDS:
        start, fields = position, []
        while True:
            match = quoted_field.match(text, position) if quote and text.startswith(quote, position) else None
            if match is not None:
                fields.append((True, match.group(1)))
            else:
                match = plain_field.match(text, position)
                fields.append((False, match.group()))
            position = match.end()
            if text.startswith(delimiter, position):
                position += len(delimiter)
                continue
            ending = next((n for n in ("\r\n", "\n", "\r") if text.startswith(n, position)), None)
            if ending is None and not (whole and position == len(text)):
                return records  # malformed or cut off by the sample's end
            if ending is not None and ending == "\r" and position + 1 == len(text) and not whole:
                return records  # perhaps the first half of a \r\n
            if ending is not None and not seen_newline:
                layout.newline, seen_newline = ending, True
            records.append((text[start:position], fields))
            position += len(ending or "")
            break
    return records
