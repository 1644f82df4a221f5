"""DuckDB's error messages in dsbench's words: one line saying where, what is wrong and which dsbench
option helps, never the engine's own option names."""

from __future__ import annotations

import re

from dsbench.backends.duckdb.csv import describe_csv_error
from dsbench.errors import shortened

JSON_ERROR = re.compile(r'Malformed JSON in file "[^"]*", at byte \d+ in (line|record/value) (\d+): ([^.]*)')
ENGINE_HINTS = re.compile(r"\s*(Try |Possible |HINT:|Consider ).*$")


def describe_duckdb_error(error: Exception | str) -> str:
    """DuckDB's message as one line in dsbench's words: where, what is wrong and which dsbench option
    helps; never the engine's own option names."""
    raw = str(error)
    if any(marker in raw for marker in ("CSV Error", "sniffing file", "Invalid unicode", "Maximum line size",
                                        "state machine")):
        return describe_csv_error(raw)
    malformed = JSON_ERROR.search(raw)
    if malformed:
        unit = "line" if malformed.group(1) == "line" else "value"
        return (f"{unit} {malformed.group(2)}: malformed JSON ({malformed.group(3).strip()}); dsbench reads an "
                "array of records or JSON Lines (one record per line)")
    if "No magic bytes found" in raw:
        return "not a Parquet file, or a truncated one (no Parquet footer at its end)"
    text = " ".join(raw.split("\n\n")[0].split())
    for prefix in ("Invalid Input Error: ", "IO Error: ", "Conversion Error: ", "Binder Error: ",
                   "Parser Error: ", "Catalog Error: "):
        text = text.removeprefix(prefix)
    return shortened(ENGINE_HINTS.sub("", text), 1000) or "unreadable data"
