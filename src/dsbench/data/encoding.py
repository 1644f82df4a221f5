"""Text encodings of delimited files: detection (UTF-8, UTF-8 with BOM, UTF-16, GB18030/GBK) and
streaming transcoding to UTF-8 for encodings that DuckDB's CSV reader does not read itself."""

from __future__ import annotations

import codecs
import gzip
from pathlib import Path

from dsbench.errors import DataError

SNIFF_BYTES = 1 << 20
CHUNK_BYTES = 1 << 22
# Encodings DuckDB's CSV reader decodes natively, by their Python codec name. Only UTF-8: DuckDB
# 2.0's reader refuses any other ENCODING ("Copy is only supported for UTF-8 encoded files"), so
# UTF-16, Latin-1 and the rest are transcoded.
NATIVE = {"utf-8": "utf-8", "utf-8-sig": "utf-8"}


def open_bytes(path: Path):
    return gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")


def canonical_codec(name: str, source: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise DataError(f"unknown encoding {name!r}", source=source) from None


def _decodes(head: bytes, codec: str) -> bool:
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    try:
        decoder.decode(head, final=False)  # a character cut at the end of the sample is fine
        return True
    except UnicodeDecodeError:
        return False


def detect_encoding(path: Path) -> str:
    """Return the Python codec name of a text file: a BOM decides; else UTF-8 if the first MiB is
    valid UTF-8; else GB18030 (a superset of GBK and GB2312) if it decodes as that."""
    with open_bytes(path) as handle:
        head = handle.read(SNIFF_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if _decodes(head, "utf-8"):
        return "utf-8"
    if _decodes(head, "gb18030"):
        return "gb18030"
    raise DataError("text is neither UTF-8 nor GB18030; pass --encoding NAME", source=str(path))


def transcode_to_utf8(path: Path, codec: str, target: Path) -> None:
    """Stream ``path`` from ``codec`` into a UTF-8 file, failing on the first undecodable byte."""
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    offset = 0
    try:
        with open_bytes(path) as src, open(target, "w", encoding="utf-8", newline="") as dst:
            while chunk := src.read(CHUNK_BYTES):
                dst.write(decoder.decode(chunk))
                offset += len(chunk)
            dst.write(decoder.decode(b"", final=True))
    except UnicodeDecodeError as error:
        raise DataError(f"not valid {codec} at byte {offset + error.start}; pass --encoding NAME",
                        source=str(path)) from None
    except UnicodeError as error:  # e.g. UTF-16 without a byte-order mark
        raise DataError(f"not valid {codec}: {error}; pass --encoding NAME", source=str(path)) from None
    except (OSError, EOFError) as error:
        raise DataError(f"cannot read file: {error}", source=str(path)) from None
