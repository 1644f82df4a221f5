"""Unpacking uploaded archives into blobs: the archive of a directory gives its files by relative
name; hostile archives (zip-slip, links, devices, bombs, lying headers, duplicates, too many
entries, not an archive, truncated) are refused with a 4xx, and after every refusal nothing was
written outside the store and no temporary file is left."""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from dsbench.service.archives import Limits, unpack
from dsbench.service.blobs import BlobStore
from dsbench.service.problems import Problem

PACKAGE = b'{"name": "penguins", "resources": [{"path": "penguins.csv"}]}\n'
CSV = b"species,island,bill_length_mm\nAdelie,Torgersen,39.1\nGentoo,Biscoe,46.1\n"


@dataclass
class Place:
    """A store, a sibling directory that must stay empty (also the working directory, where a
    careless extraction by name would land), and a directory for the uploaded archives."""

    tmp: Path
    store: BlobStore
    outside: Path
    uploads: Path

    def refused(self, archive: Path, limits: Limits = Limits()) -> Problem:
        with pytest.raises(Problem) as raised:
            unpack(archive, self.store, limits)
        assert raised.value.status in (413, 422)
        assert "Traceback" not in raised.value.detail and "\n" not in raised.value.detail
        assert str(self.tmp) not in raised.value.detail
        self.assert_contained()
        return raised.value

    def assert_contained(self) -> None:
        assert [p for p in self.outside.rglob("*")] == [self.outside / "work"]
        assert list((self.store.root / "tmp").iterdir()) == []
        for path in self.tmp.rglob("*"):
            if path.is_file() or path.is_symlink():
                assert path.is_relative_to(self.uploads) or path.is_relative_to(self.store.root / "sha256"), path
        assert not Path("/etc/evil").exists()

    def blobs(self) -> list[Path]:
        return [p for p in (self.store.root / "sha256").rglob("*") if p.is_file()]


@pytest.fixture
def place(tmp_path, monkeypatch):
    outside = tmp_path / "outside"
    (outside / "work").mkdir(parents=True)
    monkeypatch.chdir(outside / "work")
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    return Place(tmp_path, BlobStore(tmp_path / "store"), outside, uploads)


def make_zip(path: Path, members, compression=zipfile.ZIP_DEFLATED) -> Path:
    """``members``: (name, bytes) pairs or (ZipInfo, bytes)."""
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return path


def tar_file(name: str, data: bytes) -> tuple[tarfile.TarInfo, io.BytesIO]:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, io.BytesIO(data)


def tar_special(name: str, kind: bytes, linkname: str = "") -> tuple[tarfile.TarInfo, None]:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    return info, None


def make_tar(path: Path, members, mode: str = "w:gz") -> Path:
    """``members``: (name, bytes) pairs or (TarInfo, fileobj) pairs."""
    with tarfile.open(path, mode) as archive:
        for name, data in members:
            info, fileobj = tar_file(name, data) if isinstance(name, str) else (name, data)
            archive.addfile(info, fileobj)
    return path


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@pytest.fixture
def penguins(place) -> Path:
    directory = place.uploads / "src" / "penguins"
    directory.mkdir(parents=True)
    (directory / "datapackage.json").write_bytes(PACKAGE)
    (directory / "penguins.csv").write_bytes(CSV)
    return directory


def check_penguins(place: Place, blobs: dict) -> None:
    assert list(blobs) == ["datapackage.json", "penguins.csv"]
    assert blobs["datapackage.json"].digest == sha256(PACKAGE)
    assert blobs["penguins.csv"].digest == sha256(CSV)
    assert blobs["penguins.csv"].size == len(CSV)
    assert place.store.read_bytes(blobs["penguins.csv"].digest) == CSV
    assert place.store.read_bytes(blobs["datapackage.json"].digest) == PACKAGE
    place.assert_contained()


# The archive of a directory ------------------------------------------------------------------

def test_tar_gz_of_a_directory(place, penguins):
    archive = place.uploads / "penguins.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(penguins, arcname="penguins")
    check_penguins(place, unpack(archive, place.store))


def test_zip_of_a_directory(place, penguins):
    archive = place.uploads / "penguins.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.write(penguins, "penguins/")
        for path in sorted(penguins.iterdir(), reverse=True):
            zipped.write(path, f"penguins/{path.name}")
    check_penguins(place, unpack(archive, place.store))


def test_plain_tar_of_a_directory_contents(place, penguins):
    """``tar -C penguins -cf x.tar .`` writes ``./`` and ``./penguins.csv``."""
    archive = place.uploads / "penguins.tar"
    with tarfile.open(archive, "w") as tar:
        tar.add(penguins, arcname=".")
    check_penguins(place, unpack(archive, place.store))


def test_names_keep_their_directories_below_the_top_one(place):
    archive = make_zip(place.uploads / "x.zip", [("penguins/raw/2007.csv", CSV), ("penguins/datapackage.json", PACKAGE),
                                                ("penguins/raw/2008.csv", CSV)])
    blobs = unpack(archive, place.store)
    assert list(blobs) == ["datapackage.json", "raw/2007.csv", "raw/2008.csv"]
    assert blobs["raw/2007.csv"] == blobs["raw/2008.csv"]
    assert len(place.blobs()) == 2


def test_without_a_shared_top_directory_names_are_kept(place):
    archive = make_tar(place.uploads / "x.tgz", [("datapackage.json", PACKAGE), ("data/penguins.csv", CSV)])
    assert list(unpack(archive, place.store)) == ["data/penguins.csv", "datapackage.json"]


def test_an_empty_file_in_an_archive(place):
    archive = make_zip(place.uploads / "x.zip", [("empty.csv", b""), ("penguins.csv", CSV)])
    assert unpack(archive, place.store)["empty.csv"].digest == sha256(b"")


# Zip-slip and names ----------------------------------------------------------------------------

SLIPS = ["../evil.csv", "/etc/evil", "a/../../x", "..\\evil", "penguins/../../evil.csv", "C:/evil.csv",
         ".hidden/x.csv", "a\uff0f..\uff0fevil.csv"]


@pytest.mark.parametrize("name", SLIPS)
def test_zip_slip_is_refused_naming_the_entry(place, name):
    archive = make_zip(place.uploads / "slip.zip", [("penguins/penguins.csv", CSV), (name, b"pwned")])
    problem = place.refused(archive)
    assert problem.status == 422
    assert ascii(name) in problem.detail  # the entry is named, look-alikes as escapes
    assert place.blobs() == []


@pytest.mark.parametrize("name", SLIPS)
def test_tar_slip_is_refused(place, name):
    archive = make_tar(place.uploads / "slip.tar.gz", [("penguins/penguins.csv", CSV), (name, b"pwned")])
    assert ascii(name) in place.refused(archive).detail
    assert place.blobs() == []


def test_a_nul_in_a_zip_name_is_refused_though_zipfile_hides_it(place):
    archive = make_zip(place.uploads / "nul.zip", [("a.csvX.exe", b"x")])
    archive.write_bytes(archive.read_bytes().replace(b"a.csvX.exe", b"a.csv\x00.exe"))
    assert "NUL" in place.refused(archive).detail


def test_a_directory_entry_with_dot_dot_is_refused(place):
    archive = make_tar(place.uploads / "dir.tgz", [tar_special("../up", tarfile.DIRTYPE), ("a.csv", CSV)])
    assert "'..'" in place.refused(archive).detail


# Links, devices and other non-files ----------------------------------------------------------

@pytest.mark.parametrize(("member", "said"), [
    (tar_special("penguins/link.csv", tarfile.SYMTYPE, "/etc/passwd"), "symbolic link"),
    (tar_special("penguins/link.csv", tarfile.SYMTYPE, "../../outside"), "symbolic link"),
    (tar_special("penguins/hard.csv", tarfile.LNKTYPE, "../../etc/passwd"), "hard link"),
    (tar_special("penguins/hard.csv", tarfile.LNKTYPE, "penguins/penguins.csv"), "hard link"),
    (tar_special("penguins/dev", tarfile.CHRTYPE), "not a regular file"),
    (tar_special("penguins/blk", tarfile.BLKTYPE), "not a regular file"),
    (tar_special("penguins/fifo", tarfile.FIFOTYPE), "not a regular file"),
])
def test_tar_links_and_devices_are_refused(place, member, said):
    archive = make_tar(place.uploads / "links.tar.gz", [("penguins/penguins.csv", CSV), member])
    assert said in place.refused(archive).detail
    assert place.blobs() == []


@pytest.mark.parametrize(("mode", "said"), [(0o120777, "symbolic link"), (0o010644, "not a regular file"),
                                            (0o020644, "not a regular file")])
def test_zip_symlinks_and_special_files_are_refused(place, mode, said):
    link = zipfile.ZipInfo("penguins/link.csv")
    link.create_system = 3
    link.external_attr = mode << 16
    archive = make_zip(place.uploads / "link.zip", [("penguins/penguins.csv", CSV), (link, "/etc/passwd")])
    assert said in place.refused(archive).detail
    assert place.blobs() == []


def test_a_zip_of_regular_files_with_unix_modes_is_accepted(place):
    info = zipfile.ZipInfo("penguins.csv")
    info.create_system = 3
    info.external_attr = 0o100644 << 16
    assert list(unpack(make_zip(place.uploads / "ok.zip", [(info, CSV)]), place.store)) == ["penguins.csv"]


# Bombs and sizes -------------------------------------------------------------------------------

ZEROS = bytes(50 * 1024 * 1024)


def test_zip_bomb_is_refused_before_anything_is_unpacked(place):
    archive = make_zip(place.uploads / "bomb.zip", [("zeros.csv", ZEROS)])
    assert archive.stat().st_size < len(ZEROS) / 200
    assert "zip bomb" in place.refused(archive).detail
    assert place.blobs() == []


def test_tar_gz_bomb_is_refused_at_its_first_header(place):
    archive = make_tar(place.uploads / "bomb.tar.gz", [("zeros.csv", ZEROS), ("more.csv", ZEROS)])
    assert "zip bomb" in place.refused(archive).detail
    assert place.blobs() == []


def test_many_entries_each_small_still_add_up(place):
    archive = make_zip(place.uploads / "bombs.zip", [(f"z{i}.csv", bytes(100_000)) for i in range(30)])
    assert "zip bomb" in place.refused(archive).detail


def test_total_over_max_bytes_is_413(place):
    data = os.urandom(4000)
    archive = make_zip(place.uploads / "big.zip", [("a.bin", data), ("b.bin", data[::-1])])
    problem = place.refused(archive, Limits(max_bytes=7000))
    assert problem.status == 413
    assert place.blobs() == []
    assert len(unpack(archive, place.store, Limits(max_bytes=8000))) == 2


def patch_zip_sizes(archive: Path, file_size: int) -> None:
    """Make the headers say the (only) member unpacks to ``file_size`` bytes."""
    data = bytearray(archive.read_bytes())
    local = data.index(b"PK\x03\x04")
    data[local + 22:local + 26] = file_size.to_bytes(4, "little")
    central = data.index(b"PK\x01\x02")
    data[central + 24:central + 28] = file_size.to_bytes(4, "little")
    archive.write_bytes(bytes(data))


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_a_zip_whose_headers_understate_the_size_is_stopped(place, compression):
    payload = os.urandom(20_000)
    archive = make_zip(place.uploads / "liar.zip", [("liar.csv", payload)], compression)
    patch_zip_sizes(archive, 10)
    # The declared 10 bytes pass every check; the unpacking stops at them and the CRC tells.
    place.refused(archive, Limits(max_bytes=1000))
    assert place.blobs() == []


def test_a_zip_whose_headers_overstate_the_size_is_refused(place):
    archive = make_zip(place.uploads / "liar.zip", [("liar.csv", CSV)], zipfile.ZIP_STORED)
    patch_zip_sizes(archive, len(CSV) + 5)
    place.refused(archive)
    assert place.blobs() == []


@pytest.mark.parametrize("suffix", ["zip", "tar.gz"])
def test_bytes_beyond_the_budget_are_stopped_while_streaming(place, monkeypatch, suffix):
    """The second line of defence, for headers that lie in a way the reader does not catch:
    with the declared-size check switched off, the writers' limits still stop the unpacking."""
    import dsbench.service.archives as archives

    monkeypatch.setattr(archives, "_check_declared", lambda *args: None)
    members = [("a.bin", os.urandom(3000)), ("b.bin", os.urandom(3000))]
    archive = (make_zip if suffix == "zip" else make_tar)(place.uploads / f"big.{suffix}", members)
    problem = place.refused(archive, Limits(max_bytes=4000))
    assert problem.status == 413
    assert "'b.bin'" in problem.detail
    assert [p.stat().st_size for p in place.blobs()] == [3000]  # a.bin fitted, b.bin never appeared


def test_a_zip_whose_local_header_names_another_file_is_refused(place):
    archive = make_zip(place.uploads / "two-names.zip", [("a.csv", CSV)])
    data = bytearray(archive.read_bytes())
    local = data.index(b"a.csv")  # the local header's copy comes first
    data[local:local + 5] = b"../ab"
    archive.write_bytes(bytes(data))
    assert "corrupt" in place.refused(archive).detail
    assert place.blobs() == []


@pytest.mark.parametrize("suffix", ["zip", "tar.gz"])
def test_too_many_entries(place, suffix):
    members = [(f"penguins/{i}.csv", b"%d\n" % i) for i in range(6)]
    maker = make_zip if suffix == "zip" else make_tar
    archive = maker(place.uploads / f"many.{suffix}", members)
    assert "entries" in place.refused(archive, Limits(max_entries=5)).detail
    assert len(unpack(archive, place.store, Limits(max_entries=6))) == 6


def test_directory_entries_count_as_entries(place):
    archive = make_zip(place.uploads / "dirs.zip", [(f"d{i}/", b"") for i in range(10)] + [("a.csv", CSV)])
    assert "entries" in place.refused(archive, Limits(max_entries=10)).detail


# Duplicates, conflicts, encryption, compression ------------------------------------------------

def test_duplicate_zip_names(place):
    with pytest.warns(UserWarning):
        archive = make_zip(place.uploads / "dup.zip", [("a.csv", CSV), ("a.csv", b"other")])
    assert "more than once" in place.refused(archive).detail
    assert place.blobs() == []


@pytest.mark.parametrize("names", [("a.csv", "a.csv"), ("a.csv", "./a.csv"), ("d/a.csv", "d/./a.csv")])
def test_duplicate_tar_names(place, names):
    archive = make_tar(place.uploads / "dup.tgz", [(names[0], CSV), (names[1], b"other")])
    assert "more than once" in place.refused(archive).detail


def test_a_name_both_file_and_directory(place):
    archive = make_tar(place.uploads / "both.tgz", [("a", CSV), ("a/b.csv", CSV)])
    assert "both as a file and as a directory" in place.refused(archive).detail


def test_encrypted_zip_members_are_refused(place):
    archive = make_zip(place.uploads / "secret.zip", [("secret.csv", CSV)])
    data = bytearray(archive.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        data[data.index(signature) + offset] |= 0x1
    archive.write_bytes(bytes(data))
    assert "encrypted" in place.refused(archive).detail


def test_unusual_zip_compression_is_refused(place):
    archive = make_zip(place.uploads / "bz.zip", [("a.csv", CSV)], zipfile.ZIP_BZIP2)
    assert "compression method 12" in place.refused(archive).detail


# Not an archive, broken archives ----------------------------------------------------------------

@pytest.mark.parametrize("content", [b"species,island\nAdelie,Torgersen\n", b"", b"PK", b"\x00" * 100,
                                     b"%PDF-1.7\n" + os.urandom(2000)])
def test_not_an_archive(place, content):
    path = place.uploads / "penguins.zip"
    path.write_bytes(content)
    assert place.refused(path).detail == "not a .zip or .tar.gz archive"


def test_gzip_that_is_not_a_tar(place):
    path = place.uploads / "penguins.csv.gz"
    path.write_bytes(gzip.compress(CSV))
    assert place.refused(path).status == 422


def test_empty_archives(place):
    empty_zip = place.uploads / "empty.zip"
    zipfile.ZipFile(empty_zip, "w").close()
    assert "no files" in place.refused(empty_zip).detail
    only_dirs = make_tar(place.uploads / "dirs.tgz", [tar_special("penguins", tarfile.DIRTYPE)])
    assert "no files" in place.refused(only_dirs).detail


def truncated(path: Path, keep: float) -> Path:
    data = path.read_bytes()
    path.write_bytes(data[:int(len(data) * keep)])
    return path


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.8])  # all inside the members' data, not the padding
@pytest.mark.parametrize("suffix", ["zip", "tar.gz", "tar"])
def test_truncated_archives(place, suffix, keep):
    members = [("penguins/a.bin", os.urandom(30_000)), ("penguins/b.bin", os.urandom(30_000))]
    if suffix == "zip":
        archive = make_zip(place.uploads / "cut.zip", members)
    else:
        archive = make_tar(place.uploads / f"cut.{suffix}", members, "w:gz" if suffix == "tar.gz" else "w")
    problem = place.refused(truncated(archive, keep))
    assert problem.status == 422


def test_corrupt_deflate_stream(place):
    archive = make_zip(place.uploads / "bad.zip", [("a.csv", CSV * 100)])
    data = bytearray(archive.read_bytes())
    start = data.index(b"a.csv") + len("a.csv")
    data[start + 5:start + 40] = os.urandom(35)
    archive.write_bytes(bytes(data))
    assert "corrupt" in place.refused(archive).detail


def test_a_missing_archive_is_a_server_error_not_a_422(place):
    with pytest.raises(FileNotFoundError):
        unpack(place.uploads / "missing.zip", place.store)
