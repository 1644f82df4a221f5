"""Unpack an uploaded ``.zip``, ``.tar.gz``/``.tgz`` or ``.tar`` of a dataset directory into blobs.

Nothing is ever extracted to the file system by a member's name: each member's bytes are streamed
into the content-addressed BlobStore and the names come back as a mapping, so zip-slip (``../x``,
``/etc/x``), symlink and hardlink tricks have nothing to write through. Every entry is checked
before any member's data is read (names, types, duplicates, count, declared sizes and the
compression ratio), and the bytes actually unpacked are counted again while streaming, so an
archive whose headers understate sizes is stopped too. A broken archive is a 422 with one line,
never a traceback.
"""

from __future__ import annotations

import os
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from dsbench.service.blobs import CHUNK, Blob, BlobStore
from dsbench.service.names import check_relative_path
from dsbench.service.problems import Problem, bad_request

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # an archive with entries, an empty one
GZIP_MAGIC = b"\x1f\x8b"
# Only what zip tools commonly write: no bzip2/LZMA decompressors to be fed hostile input.
ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
S_IFMT, S_IFREG, S_IFDIR, S_IFLNK = 0o170000, 0o100000, 0o040000, 0o120000

# What the zip, tar and gzip readers raise on bytes that are not what they should be. OSError
# covers gzip.BadGzipFile and seeks to offsets a corrupt header names; ValueError covers a zip
# name flagged UTF-8 that is not; struct.error a short header. Only reads of the archive are
# wrapped in this, never writes to the store, so a full disk stays a server error.
CORRUPT = (zipfile.BadZipFile, zipfile.LargeZipFile, tarfile.TarError, EOFError, zlib.error,
           OSError, ValueError, struct.error)


@dataclass(frozen=True)
class Limits:
    """How much an archive may unpack to: entries, total bytes, and total bytes per byte of
    archive (a ratio far above what real data compresses to is a zip bomb)."""

    max_entries: int = 1000
    max_bytes: int = 2 * 1024**3
    max_ratio: float = 200.0


@dataclass(frozen=True)
class _Entry:
    name: str  # normalised, still with its top-level directory
    size: int  # as declared by the archive's header
    member: zipfile.ZipInfo | tarfile.TarInfo


def _corrupt(kind: str, exc: BaseException) -> Problem:
    lines = str(exc).strip().splitlines() or [type(exc).__name__]
    return bad_request(f"the {kind} archive is corrupt or truncated: {lines[0][:200]}")


def _read(kind: str, action: Callable):
    """``action()``, with what a broken archive raises turned into a one-line 422."""
    try:
        return action()
    except CORRUPT as exc:
        raise _corrupt(kind, exc) from None


def _checked_name(raw: str) -> str:
    if "\x00" in raw:
        raise bad_request(f"the archive entry {ascii(raw[:80])} contains a NUL character")
    return check_relative_path(raw)


def _zip_entries(archive: zipfile.ZipFile, limits: Limits) -> list[_Entry]:
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise bad_request(f"the archive has {len(infos)} entries, more than the {limits.max_entries} allowed")
    entries = []
    for info in infos:
        # orig_filename: zipfile cuts ``filename`` at a NUL, which would hide "a.csv\0.exe".
        raw = info.orig_filename
        kind = (info.external_attr >> 16) & S_IFMT
        if raw.endswith("/") or kind == S_IFDIR:
            stripped = raw.rstrip("/")
            if stripped not in ("", "."):
                _checked_name(stripped)
            continue
        name = _checked_name(raw)
        if kind == S_IFLNK:
            raise bad_request(f"the archive entry {name!r} is a symbolic link; only files are accepted")
        if kind not in (0, S_IFREG):
            raise bad_request(f"the archive entry {name!r} is not a regular file")
        if info.flag_bits & 0x1:
            raise bad_request(f"the archive entry {name!r} is encrypted")
        if info.compress_type not in ZIP_METHODS:
            raise bad_request(f"the archive entry {name!r} uses compression method {info.compress_type}; "
                              "only stored and deflated entries are read")
        entries.append(_Entry(name, info.file_size, info))
    return entries


def _tar_entries(archive: tarfile.TarFile, kind: str, limits: Limits, budget: int) -> list[_Entry]:
    """The entries, header by header. Stops at the first entry over a limit rather than listing
    them all first: reaching a header of a .tar.gz means decompressing everything before it."""
    entries, count, declared = [], 0, 0
    while (member := _read(kind, archive.next)) is not None:
        count += 1
        if count > limits.max_entries:
            raise bad_request(f"the archive has more than the {limits.max_entries} entries allowed")
        if member.isdir():
            if member.name.rstrip("/") not in ("", "."):
                _checked_name(member.name.rstrip("/"))
            continue
        name = _checked_name(member.name)
        if member.issym() or member.islnk():
            link = "symbolic" if member.issym() else "hard"
            raise bad_request(f"the archive entry {name!r} is a {link} link; only files are accepted")
        if not member.isreg() or member.issparse():
            raise bad_request(f"the archive entry {name!r} is not a regular file")
        declared += member.size
        _check_declared(declared, limits, budget)
        entries.append(_Entry(name, member.size, member))
    return entries


def _check_declared(declared: int, limits: Limits, budget: int) -> None:
    if declared > limits.max_bytes:
        raise Problem(413, f"the archive unpacks to more than the limit of {limits.max_bytes} bytes")
    if declared > budget:
        raise bad_request(f"the archive unpacks to more than {limits.max_ratio:g} times its own size; "
                          "refused as a possible zip bomb")


def _check_tree(entries: Iterable[_Entry]) -> None:
    """No duplicate names, and no name that is both a file and a directory (``a`` and ``a/b``):
    the archive must be one directory tree."""
    names = set()
    for entry in entries:
        if entry.name in names:
            raise bad_request(f"the archive contains {entry.name!r} more than once")
        names.add(entry.name)
    for name in names:
        parts = name.split("/")
        for depth in range(1, len(parts)):
            if (directory := "/".join(parts[:depth])) in names:
                raise bad_request(f"the archive has {directory!r} both as a file and as a directory")


def _without_top_directory(names: list[str]) -> dict[str, str]:
    """Full name → name to return: the archive of a directory (every file under ``penguins/``)
    is its contents, so the shared top-level directory is dropped."""
    tops = {name.split("/", 1)[0] for name in names}
    if len(tops) == 1 and all("/" in name for name in names):
        return {name: name.split("/", 1)[1] for name in names}
    return {name: name for name in names}


def _store_members(entries: list[_Entry], opener: Callable[..., BinaryIO], kind: str,
                   store: BlobStore, budget: int) -> dict[str, Blob]:
    """Stream each member into a blob, each allowed only what is left of the budget: the sizes
    were checked as declared, this checks them as unpacked."""
    blobs, remaining = {}, budget
    for entry in entries:
        with _read(kind, lambda: opener(entry.member)) as source, store.writer(remaining) as writer:
            while chunk := _read(kind, lambda: source.read(CHUNK)):
                try:
                    writer.write(chunk)
                except Problem as problem:
                    if problem.status != 413:
                        raise
                    raise Problem(413, f"the archive unpacks to more than the {budget} bytes its headers "
                                       f"and limits allow (at {entry.name!r})") from None
            if writer.size != entry.size:
                raise bad_request(f"the archive entry {entry.name!r} holds {writer.size} bytes, "
                                  f"not the {entry.size} its header declares")
            blobs[entry.name] = writer.commit()
        remaining -= blobs[entry.name].size
    return blobs


def unpack(archive: Path, store: BlobStore, limits: Limits = Limits()) -> dict[str, Blob]:
    """The files of ``archive`` as {path relative to the dataset directory: Blob}, sorted by path.

    Raises a Problem (422, or 413 for too many bytes) on anything refused; then no mapping is
    returned, so nothing partial is referenced. Blobs stored before the failure stay in the store,
    which is harmless: they are content-addressed, unnamed, and identical bytes would reuse them.
    """
    with open(archive, "rb") as file:
        head = file.read(4)
        archive_size = os.fstat(file.fileno()).st_size
        budget = min(limits.max_bytes, int(limits.max_ratio * archive_size))
        if head.startswith(ZIP_MAGIC):
            kind = ".zip"
            with _read(kind, lambda: zipfile.ZipFile(file)) as zipped:
                entries = _zip_entries(zipped, limits)
                _check_declared(sum(entry.size for entry in entries), limits, budget)
                blobs = _checked_and_stored(entries, zipped.open, kind, store, budget)
        else:
            file.seek(0)
            gzipped = head.startswith(GZIP_MAGIC)
            kind = ".tar.gz" if gzipped else ".tar"
            try:
                tarred = tarfile.open(fileobj=file, mode="r:gz" if gzipped else "r:")
            except CORRUPT as exc:
                if gzipped:
                    raise _corrupt(kind, exc) from None
                raise bad_request("not a .zip or .tar.gz archive") from None
            with tarred:
                entries = _tar_entries(tarred, kind, limits, budget)
                blobs = _checked_and_stored(entries, tarred.extractfile, kind, store, budget)
    return dict(sorted(blobs.items()))


def _checked_and_stored(entries: list[_Entry], opener: Callable[..., BinaryIO], kind: str,
                        store: BlobStore, budget: int) -> dict[str, Blob]:
    """The checks that need every entry, then the members' bytes into blobs, by returned name."""
    if not entries:
        raise bad_request("the archive contains no files")
    _check_tree(entries)
    names = _without_top_directory([entry.name for entry in entries])
    stored = _store_members(entries, opener, kind, store, budget)
    return {names[name]: blob for name, blob in stored.items()}
