"""Content-addressed, write-once storage of uploaded bytes.

A blob's name is the SHA-256 of its bytes, so nothing a publisher types ever becomes part of a
path: ``root/sha256/<first 2 hex>/<64 hex>``. Bytes arrive in a temporary file under ``root/tmp``
and become visible only by one ``os.replace`` after they are hashed and on disk, so a server
killed mid-upload leaves a temporary file (removed at the next start), never a half-written blob.
Storing the same bytes twice is the same blob; a stored blob is never changed (mode 0o444).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from dsbench.service.problems import too_large

DIGEST = re.compile(r"sha256:([0-9a-f]{64})")
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Blob:
    """Stored bytes, by their digest (``sha256:<64 hex>``) and size."""

    digest: str
    size: int


class BlobStore:
    """The blobs under one root. Every path it opens or writes is checked to lie inside ``root``,
    even though digests alone could not leave it: a symlink planted under the root must not
    redirect writes elsewhere."""

    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        self.tmp = self._inside(self.root / "tmp")
        self.tmp.mkdir(parents=True, exist_ok=True)
        self._inside(self.root / "sha256").mkdir(exist_ok=True)

    def _inside(self, path: Path) -> Path:
        resolved = path.resolve()
        if not resolved.is_relative_to(self.root):
            raise ValueError("a blob store path leads outside its root")
        return resolved

    def writer(self, limit: int) -> BlobWriter:
        """A new blob written chunk by chunk, refused as soon as it exceeds ``limit`` bytes."""
        return BlobWriter(self, limit)

    def put_bytes(self, data: bytes) -> Blob:
        with self.writer(len(data)) as writer:
            writer.write(data)
            return writer.commit()

    def put_file(self, path: Path) -> Blob:
        """Store a file of the server's own (an upload already spooled, say), streamed rather
        than read whole."""
        with open(path, "rb") as source, self.writer(sys.maxsize) as writer:
            while chunk := source.read(CHUNK):
                writer.write(chunk)
            return writer.commit()

    def path(self, digest: str) -> Path:
        """Where the blob ``digest`` lives. Only a well-formed digest is ever turned into a path;
        anything else (``sha256:../../etc/passwd``, upper case, a short hash) is a ValueError."""
        match = DIGEST.fullmatch(digest) if isinstance(digest, str) else None
        if match is None:
            raise ValueError(f"not a sha256 digest: {str(digest)[:80]!a}")
        hexdigest = match.group(1)
        return self._inside(self.root / "sha256" / hexdigest[:2] / hexdigest)

    def exists(self, digest: str) -> bool:
        return self.path(digest).is_file()

    def read_bytes(self, digest: str) -> bytes:
        return self.path(digest).read_bytes()

    def open(self, digest: str) -> BinaryIO:
        return self.path(digest).open("rb")

    def remove_temporaries(self) -> int:
        """Delete what interrupted uploads left in ``root/tmp``; returns how many entries went.
        Call it only at server start: it would pull the file from under an upload in progress."""
        removed = 0
        for entry in self.tmp.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink(missing_ok=True)
            removed += 1
        return removed


class BlobWriter:
    """One blob being written: ``write`` chunks, then ``commit``. Leaving the ``with`` block
    without a commit (an exception, a client gone) deletes the temporary file."""

    def __init__(self, store: BlobStore, limit: int):
        self.store = store
        self.limit = limit
        self.size = 0
        self._hash = hashlib.sha256()
        fd, name = tempfile.mkstemp(dir=store.tmp, prefix="upload-")
        self._temp: Path | None = Path(name)
        self._file: BinaryIO | None = os.fdopen(fd, "wb")

    def __enter__(self) -> BlobWriter:
        return self

    def __exit__(self, *exc_info) -> None:
        self.discard()

    def write(self, chunk: bytes) -> None:
        if self._file is None:
            raise ValueError("this blob writer is closed")
        self.size += len(chunk)
        if self.size > self.limit:
            # Stop at the first byte too many: the rest is never written to disk.
            self.discard()
            raise too_large(self.limit)
        self._file.write(chunk)
        self._hash.update(chunk)

    def commit(self) -> Blob:
        """Make the bytes a visible blob: on disk (fsync) before the rename that shows them, the
        rename itself on disk (fsync of the directory) before the caller records the digest."""
        if self._file is None:
            raise ValueError("this blob writer is closed")
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        self._file = None
        blob = Blob(f"sha256:{self._hash.hexdigest()}", self.size)
        target = self.store.path(blob.digest)
        if target.exists():
            # Same digest, same bytes: the blob is already there and stays untouched.
            self.discard()
            return blob
        fan_out = target.parent
        created = not fan_out.exists()
        fan_out.mkdir(exist_ok=True)
        os.chmod(self._temp, 0o444)  # read-only before it is visible, never after
        # Two uploads of the same bytes may race here; os.replace of identical content is harmless.
        os.replace(self._temp, target)
        self._temp = None
        _fsync_directory(fan_out)
        if created:
            _fsync_directory(fan_out.parent)
        return blob

    def discard(self) -> None:
        """Drop an uncommitted blob (also one whose commit failed half-way); a no-op once
        committed or discarded."""
        if self._file is not None:
            self._file.close()
            self._file = None
        if self._temp is not None:
            self._temp.unlink(missing_ok=True)
            self._temp = None


def _fsync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
