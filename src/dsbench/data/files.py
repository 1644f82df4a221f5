"""What a file is, before any engine reads it: its format by name, whether it exists, whether it is
text at all (a PNG renamed ``.csv`` is named as a PNG) or nothing but white space."""

from __future__ import annotations

import hashlib
from pathlib import Path

from dsbench.data.encoding import open_bytes
from dsbench.errors import DataError

PARQUET = (".parquet", ".parq", ".pq")
CSV = (".csv", ".tsv", ".tab", ".txt")
PROSE = (".txt", ".md", ".markdown", ".rst")  # read as a table only when it has a delimiter
JSON = (".json", ".jsonl", ".ndjson")
ARROW = (".arrow", ".feather", ".ipc", ".arrows")
DUCKDB = (".duckdb", ".db", ".ddb")
COMPRESSION = (".gz", ".zst")

def path_exists(path: str | Path) -> bool:
    """Whether a path exists; false, not an OSError, for one the system cannot even look up (a
    name longer than the file system allows)."""
    try:
        return Path(path).exists()
    except OSError:
        return False


def blank(path: Path, probe: int = 1 << 16) -> bool:
    """True when a text file holds nothing but byte-order marks, white space and NUL bytes (from
    which DuckDB would invent a column 'column0')."""
    try:
        with open_bytes(path) as handle:
            head = handle.read(probe + 1)
    except (OSError, EOFError):
        return False  # the reader reports it
    if len(head) > probe:
        return False
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        head = head.replace(bom, b"")
    return not head.strip(b" \t\r\n\x00")


def suffix(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in COMPRESSION and len(suffixes) > 1:
        return suffixes[-2]
    return suffixes[-1] if suffixes else ""


def stem(path: Path) -> str:
    name = path.name
    for _ in path.suffixes:
        name = name.rsplit(".", 1)[0] if "." in name else name
    return name or path.name


def kind(path: Path, declared: str | None = None) -> str:
    """``parquet``, ``csv``, ``json``, ``arrow`` or ``unknown``: by the declared format (a manifest's,
    or ``--data-format``), else by the file's suffix."""
    declared = (declared or "").lower()
    ending = declared if declared and not declared.startswith(".") else suffix(path)
    ending = ending if ending.startswith(".") else f".{ending}"
    for name, suffixes in (("parquet", PARQUET), ("csv", CSV), ("json", JSON), ("arrow", ARROW)):
        if ending in suffixes:
            return name
    return "unknown"


# The first bytes of binary formats people rename or mistake for text.
MAGIC = ((b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
         (b"%PDF", "a PDF document"), (b"PK\x03\x04", "a ZIP archive (or an Office/XLSX file)"),
         (b"\x1f\x8b", "gzip-compressed data (name it .gz)"), (b"PAR1", "a Parquet file (name it .parquet)"),
         (b"ARROW1", "an Arrow IPC file (name it .arrow)"), (b"SQLite format 3\x00", "an SQLite database"),
         (b"\xd0\xcf\x11\xe0", "an old Office (OLE) file such as XLS"), (b"\x7fELF", "an executable"))


# Bytes that text holds rarely (a stray NUL in a value happens; a tenth of the bytes does not).
CONTROL_BYTES = [b for b in range(32) if b not in (9, 10, 11, 12, 13, 27)]
BINARY_SHARE = 0.1


def refuse_binary(path: Path, kind: str, probe: int = 1 << 16) -> None:
    """A DataError naming a binary file that was given as text (a PNG renamed .csv, say)."""
    try:
        with open_bytes(path) as handle:
            head = handle.read(probe)
    except (OSError, EOFError) as error:
        raise DataError(f"cannot read file: {error}", source=str(path)) from None
    for magic, what in MAGIC:
        if head.startswith(magic):
            raise DataError(f"this is {what}, not {kind.upper()} text", source=str(path))
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # UTF-16 text
    control = sum(head.count(bytes([byte])) for byte in CONTROL_BYTES)
    if control > BINARY_SHARE * len(head):
        raise DataError(f"this is a binary file ({control / len(head):.0%} of its first bytes are control "
                        f"characters), not {kind.upper()} text; pass --encoding if it is UTF-16 without a "
                        "byte-order mark", source=str(path))


def file_digest(path: Path, algorithm: str = "sha256") -> str:
    """The hex digest of the file at ``path`` by ``algorithm`` (a hashlib name), read in blocks."""
    digest = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def relative_to_root(path: Path, root: Path | None) -> str:
    """``path`` relative to a dataset's root (its directory, where its manifest is), else its name."""
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.name
