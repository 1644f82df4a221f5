"""The blob store: digests are hashlib's, storing is idempotent and write-once, a writer over its
limit leaves nothing behind, and no digest-shaped string other than a real one becomes a path."""

from __future__ import annotations

import hashlib
import os
import stat

import pytest

from dsbench.service.blobs import Blob, BlobStore
from dsbench.service.problems import Problem


@pytest.fixture
def store(tmp_path):
    return BlobStore(tmp_path / "store")


def digest_of(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def temporaries(store: BlobStore) -> list:
    return list((store.root / "tmp").iterdir())


def test_put_bytes_stores_under_the_sha256_of_the_bytes(store):
    data = b"species,island\nAdelie,Torgersen\n"
    blob = store.put_bytes(data)
    hexdigest = hashlib.sha256(data).hexdigest()
    assert blob == Blob(digest_of(data), len(data))
    assert store.path(blob.digest) == store.root / "sha256" / hexdigest[:2] / hexdigest
    assert store.exists(blob.digest)
    assert store.read_bytes(blob.digest) == data
    with store.open(blob.digest) as file:
        assert file.read() == data
    assert temporaries(store) == []


def test_storing_the_same_bytes_twice_is_the_same_blob(store):
    first = store.put_bytes(b"same")
    mtime = store.path(first.digest).stat().st_mtime_ns
    second = store.put_bytes(b"same")
    assert first == second
    assert store.path(first.digest).stat().st_mtime_ns == mtime
    assert [p for p in (store.root / "sha256").rglob("*") if p.is_file()] == [store.path(first.digest)]
    assert temporaries(store) == []


def test_blobs_are_read_only(store):
    blob = store.put_bytes(b"immutable")
    mode = stat.S_IMODE(store.path(blob.digest).stat().st_mode)
    assert mode == 0o444


def test_empty_blob(store):
    blob = store.put_bytes(b"")
    assert blob == Blob(digest_of(b""), 0)
    assert store.read_bytes(blob.digest) == b""


def test_put_file_streams_a_file(store, tmp_path):
    source = tmp_path / "big.bin"
    data = os.urandom(3 * 1024 * 1024 + 17)
    source.write_bytes(data)
    blob = store.put_file(source)
    assert blob == Blob(digest_of(data), len(data))
    assert store.read_bytes(blob.digest) == data


def test_writer_in_chunks(store):
    with store.writer(limit=10) as writer:
        writer.write(b"12345")
        writer.write(b"67890")
        blob = writer.commit()
    assert blob == Blob(digest_of(b"1234567890"), 10)
    assert temporaries(store) == []


def test_writer_over_its_limit_is_413_and_leaves_no_temporary_file(store):
    with store.writer(limit=10) as writer:
        writer.write(b"12345")
        assert len(temporaries(store)) == 1
        with pytest.raises(Problem) as raised:
            writer.write(b"678901")
        assert raised.value.status == 413
        assert "10 bytes" in raised.value.detail
        assert temporaries(store) == []
        with pytest.raises(ValueError):
            writer.write(b"x")
        with pytest.raises(ValueError):
            writer.commit()
    assert temporaries(store) == []
    assert not any(p.is_file() for p in (store.root / "sha256").rglob("*"))


def test_writer_left_without_commit_deletes_its_temporary_file(store):
    with store.writer(limit=100) as writer:
        writer.write(b"abandoned")
    assert temporaries(store) == []
    with pytest.raises(RuntimeError), store.writer(limit=100) as writer:
        writer.write(b"client went away")
        raise RuntimeError
    assert temporaries(store) == []
    assert not store.exists(digest_of(b"abandoned"))


@pytest.mark.parametrize("digest", [
    "sha256:../../etc/passwd",
    "sha256:" + "A" * 64,
    "sha256:" + "a" * 63,
    "sha256:" + "a" * 65,
    "sha256:" + "a" * 64 + "\n",
    "sha256:" + "a" * 62 + "/.",
    "sha512:" + "a" * 64,
    "a" * 64,
    "",
    "sha256:",
])
def test_path_refuses_anything_but_a_sha256_digest(store, digest):
    with pytest.raises(ValueError):
        store.path(digest)
    with pytest.raises(ValueError):
        store.exists(digest)


def test_path_refuses_non_text(store):
    with pytest.raises(ValueError):
        store.path(b"sha256:" + b"a" * 64)


def test_missing_blob(store):
    digest = "sha256:" + "0" * 64
    assert not store.exists(digest)
    with pytest.raises(FileNotFoundError):
        store.read_bytes(digest)


def test_remove_temporaries_drops_what_a_killed_upload_left(store):
    writer = store.writer(limit=100)
    writer.write(b"half an upload")
    (store.root / "tmp" / "stray").write_bytes(b"x")
    (store.root / "tmp" / "dir").mkdir()
    # A server killed here has a temporary file and no blob.
    assert not store.exists(digest_of(b"half an upload"))
    assert store.remove_temporaries() == 3
    assert temporaries(store) == []
    kept = store.put_bytes(b"kept")
    assert store.remove_temporaries() == 0
    assert store.exists(kept.digest)
    writer.discard()


def test_store_refuses_a_root_whose_directories_lead_outside(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "store"
    root.mkdir()
    (root / "sha256").symlink_to(outside)
    with pytest.raises(ValueError):
        BlobStore(root)
    assert list(outside.iterdir()) == []
