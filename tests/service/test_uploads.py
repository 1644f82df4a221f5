"""Hostile uploads over HTTP, over SQLite and PostgreSQL: file names that try to leave the version
(parent paths, separators percent-encoded, NUL, Unicode look-alikes, hidden and over-long names)
and archives that try to leave the dataset (zip-slip, absolute members, symbolic and hard links, a
zip bomb, too many entries) are refused with a 4xx problem, and afterwards the data directory holds
nothing but the store's own things, every blob named by its SHA-256. A good ``.tar.gz`` and ``.zip``
of penguins evaluate to the golden card. A service with small limits answers 413 to a body over its
limits (declared or chunked) and 429 past its rate, per token."""

from __future__ import annotations

import hashlib
import http.client
import io
import json
import os
import random
import secrets
import socket
import tarfile
import time
import zipfile
from pathlib import Path

import pytest

from tests.service.conftest import DATABASES, start_service
from tests.service.live import Api, LiveService, wait_for

ROOT = Path(__file__).resolve().parents[2]
PENGUINS = ROOT / "datasets" / "penguins"
GOLDEN = ROOT / "reports" / "penguins" / "gbt-36344-2018" / "card.json"
STANDARD = "gbt-36344-2018"
PROBLEM = "application/problem+json"
# What a data directory may hold: the store, the jobs' scratch space, the SQLite files, the pepper,
# the conformance kits built for download.
ALLOWED = {"blobs", "work", "service.sqlite", "service.sqlite-wal", "service.sqlite-shm", "token-pepper", "kits"}


def _evil() -> str:
    return f"evil-{secrets.token_hex(4)}.csv"


def assert_only_the_stores_things(live: LiveService, evil: str) -> None:
    """Nothing outside blobs/, work/, the database files and the pepper; no link anywhere; every
    blob named by its SHA-256; no upload half-done; nothing called ``evil`` anywhere near."""
    data = live.data_dir
    assert {p.name for p in data.iterdir()} <= ALLOWED, sorted(p.name for p in data.iterdir())
    assert {p.name for p in data.parent.iterdir()} == {data.name, f"{data.name}.log"}
    assert {p.name for p in (data / "blobs").iterdir()} == {"sha256", "tmp"}
    assert list((data / "blobs" / "tmp").iterdir()) == []
    for directory, subdirectories, files in os.walk(data):
        for name in subdirectories + files:
            path = Path(directory) / name
            assert not path.is_symlink(), path
            assert "evil" not in name, path
    blobs = (data / "blobs" / "sha256")
    for fan_out in blobs.iterdir():
        assert fan_out.is_dir() and len(fan_out.name) == 2, fan_out
        for blob in fan_out.iterdir():
            assert blob.is_file() and blob.name[:2] == fan_out.name, blob
            assert hashlib.sha256(blob.read_bytes()).hexdigest() == blob.name, blob
    for elsewhere in (Path("/tmp"), Path("/etc"), data.parent, data.parent.parent, ROOT):
        assert not (elsewhere / evil).exists(), elsewhere / evil


def _problem(answer, *statuses: int) -> None:
    assert answer.status_code in statuses, (answer.status_code, answer.text)
    assert answer.headers["content-type"] == PROBLEM, answer.headers
    assert answer.json()["status"] == answer.status_code


# -- file names ----------------------------------------------------------------------------------

def _raw_put(live: LiveService, token: str, path: str, body: bytes) -> tuple[int, str, bytes]:
    """A PUT of ``path`` exactly as written: no client normalising ``..`` or re-encoding."""
    connection = http.client.HTTPConnection("127.0.0.1", live.port, timeout=60)
    try:
        connection.request("PUT", path, body=body, headers={"Authorization": f"Bearer {token}",
                                                            "Content-Type": "application/octet-stream"})
        answer = connection.getresponse()
        return answer.status, answer.getheader("content-type") or "", answer.read()
    finally:
        connection.close()


def _evil_names(evil: str) -> list[str]:
    """As they go on the wire, in the last segment of …/files/{name}."""
    return [
        f"../{evil}", f"..%2F{evil}", f"..%2f..%2f..%2f{evil}", "..", ".", ".hidden", f".{evil}",
        "%2Fetc%2Fpasswd", f"%2Ftmp%2F{evil}",
        f"a\\{evil}", f"a%5C{evil}", f"..%5C{evil}",
        f"{evil}%00.csv", "%00",
        "%2e%2e", "%2E%2E", f"%2e%2e%2F{evil}", "%2e",
        "%E2%80%A4%E2%80%A4",  # ONE DOT LEADER twice, looks like ..
        f"%E2%80%A4%E2%80%A4%EF%BC%8F{evil}",  # … and a FULLWIDTH SOLIDUS
        f"..%EF%BC%8F{evil}", f"a%EF%BC%8F{evil}", "%EF%BC%8E%EF%BC%8E",  # FULLWIDTH FULL STOPs
        "a" * 200, "a" * 196 + ".csv", "b" * 129,
    ]


def test_evil_file_names_are_refused(service, org_name):
    publisher = service.member(org_name, f"{org_name}-pub", "publisher")
    evil = _evil()
    assert publisher.post(f"/api/v1/orgs/{org_name}/datasets", json={"name": "names"}).status_code == 201
    base = f"/api/v1/orgs/{org_name}/datasets/names/versions/v1"
    assert publisher.put(f"{base}/files/good.csv", content=b"a,b\n1,2\n").status_code == 201
    body = b"stolen,1\n" + os.urandom(16).hex().encode()
    answers = {}
    for name in _evil_names(evil):
        status, media, content = _raw_put(service, publisher.token, f"{base}/files/{name}", body)
        answers[name] = status
        assert status in (404, 422), (name, status, content)
        assert media == PROBLEM, (name, media)
        if status == 422:  # the name was seen, and refused for what it is
            assert any(word in json.loads(content)["detail"] for word in ("file name", "NUL")), (name, content)
    # The names that decode to one segment reach the name check (422); the rest match no route (404).
    assert answers["%2e%2e"] == answers[".hidden"] == answers["%E2%80%A4%E2%80%A4"] == answers["a" * 200] == 422
    assert answers[f"../{evil}"] == answers["%2Fetc%2Fpasswd"] == 404
    version = publisher.get(base).json()
    assert [f["name"] for f in version["files"]] == ["good.csv"], version
    assert hashlib.sha256(body).hexdigest() not in {p.name for p in (service.data_dir / "blobs").rglob("*")}
    assert_only_the_stores_things(service, evil)


# -- archives ------------------------------------------------------------------------------------

def _zip(members: list[tuple[str | zipfile.ZipInfo, bytes]], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for member, data in members:
            archive.writestr(member, data)
    return buffer.getvalue()


def _zip_symlink(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.create_system = 3  # Unix: the mode is in the high bits of external_attr
    info.external_attr = (0o120777 << 16)
    return info, target.encode()


def _tar(members: list[tuple[tarfile.TarInfo, bytes | None]], gz: bool = True) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz" if gz else "w") as archive:
        for info, data in members:
            if data is not None:
                info.size = len(data)
            archive.addfile(info, io.BytesIO(data) if data is not None else None)
    return buffer.getvalue()


def _tar_file(name: str, data: bytes) -> tuple[tarfile.TarInfo, bytes]:
    return tarfile.TarInfo(name), data


def _tar_link(name: str, target: str, kind: bytes) -> tuple[tarfile.TarInfo, None]:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, target
    return info, None


def _evil_archives(evil: str) -> dict[str, tuple[bytes, str]]:
    """label -> (archive, what the refusal says)."""
    row = b"a,b\n1,2\n"
    zeros = b"0" * (20 * 1024 * 1024)  # deflates about 1000 to 1
    return {
        "zip-slip": (_zip([("data/ok.csv", row), (f"../{evil}", row)]), "contains '..'"),
        "zip-slip-deep": (_zip([(f"data/../../{evil}", row)]), "contains '..'"),
        "zip-absolute": (_zip([(f"/tmp/{evil}", row)]), "is absolute"),
        "zip-backslash": (_zip([(f"..\\{evil}", row)]), "backslash"),
        "zip-symlink": (_zip([("data/ok.csv", row), _zip_symlink(f"data/{evil}", "/etc/passwd")]), "symbolic link"),
        "zip-bomb": (_zip([("data/zeros.csv", zeros)]), "zip bomb"),
        "zip-many": (_zip([(f"data/f{n}.csv", row) for n in range(1001)], zipfile.ZIP_STORED), "1000 allowed"),
        "tar-slip": (_tar([_tar_file("data/ok.csv", row), _tar_file(f"../{evil}", row)]), "contains '..'"),
        "tar-absolute": (_tar([_tar_file(f"/tmp/{evil}", row)], gz=False), "is absolute"),
        "tar-symlink": (_tar([_tar_file("data/ok.csv", row),
                              _tar_link(f"data/{evil}", "/etc/passwd", tarfile.SYMTYPE)]), "symbolic link"),
        "tar-symlink-dir": (_tar([_tar_link("data/up", "..", tarfile.SYMTYPE), _tar_file(f"data/up/{evil}", row)]),
                            "symbolic link"),
        "tar-hardlink": (_tar([_tar_file("data/ok.csv", row),
                               _tar_link(f"data/{evil}", "/etc/passwd", tarfile.LNKTYPE)]), "hard link"),
        "tar-bomb": (_tar([_tar_file("data/zeros.csv", zeros)]), "zip bomb"),
        "tar-many": (_tar([_tar_file(f"data/f{n}.csv", row) for n in range(1001)]), "1000 entries allowed"),
    }


def test_evil_archives_are_refused(service, org_name):
    publisher = service.member(org_name, f"{org_name}-pub", "publisher")
    evil = _evil()
    assert publisher.post(f"/api/v1/orgs/{org_name}/datasets", json={"name": "arch"}).status_code == 201
    base = f"/api/v1/orgs/{org_name}/datasets/arch/versions"
    archives = _evil_archives(evil)
    assert len(archives["zip-bomb"][0]) * 200 < 20 * 1024 * 1024  # a bomb indeed (the service allows 200:1)
    for label, (archive, refusal) in archives.items():
        answer = publisher.put(f"{base}/{label}/archive", content=archive)
        _problem(answer, 413, 422)
        assert refusal in answer.json()["detail"], (label, answer.json())
        assert publisher.get(f"{base}/{label}").status_code == 404, label  # no version, no file recorded
    assert publisher.get(base).json()["items"] == []
    assert_only_the_stores_things(service, evil)


def _penguins_archives() -> dict[str, bytes]:
    files = sorted(p for p in PENGUINS.iterdir() if p.is_file())
    directory = tarfile.TarInfo("penguins")
    directory.type, directory.mode = tarfile.DIRTYPE, 0o755
    members = [(directory, None)] + [_tar_file(f"penguins/{p.name}", p.read_bytes()) for p in files]
    return {"tgz": _tar(members),
            "zip": _zip([("penguins/", b"")] + [(f"penguins/{p.name}", p.read_bytes()) for p in files])}


def test_good_archives_evaluate_to_the_golden_card(service, org_name):
    publisher = service.member(org_name, f"{org_name}-pub", "publisher")
    assert publisher.post(f"/api/v1/orgs/{org_name}/datasets", json={"name": "penguins"}).status_code == 201
    expected = {p.name: f"sha256:{hashlib.sha256(p.read_bytes()).hexdigest()}"
                for p in PENGUINS.iterdir() if p.is_file()}
    locations = []
    for label, archive in _penguins_archives().items():
        answer = publisher.put(f"/api/v1/orgs/{org_name}/datasets/penguins/versions/{label}/archive",
                               content=archive)
        assert answer.status_code == 200, answer.text
        assert {f["name"]: f["sha256"] for f in answer.json()["files"]} == expected
        evaluation = publisher.post(f"/api/v1/orgs/{org_name}/evaluations",
                                    json={"dataset": "penguins", "version": label, "standard": STANDARD})
        assert evaluation.status_code == 202, evaluation.text
        locations.append(evaluation.headers["location"])
    for location in locations:
        done = wait_for(publisher, location)
        assert done["state"] == "succeeded", done
        assert publisher.get(f"/api/v1/cards/{done['card']}").content == GOLDEN.read_bytes()


# -- limits --------------------------------------------------------------------------------------

UPLOAD_LIMIT, JSON_LIMIT, PER_MINUTE = 1_000_000, 10_000, 30


@pytest.fixture(scope="module", params=DATABASES)
def limited(request, tmp_path_factory) -> LiveService:
    live = start_service(request.param, request, tmp_path_factory, workers=0,
                         limits=(f"max_upload_bytes={UPLOAD_LIMIT}", f"max_json_bytes={JSON_LIMIT}",
                                 f"requests_per_minute={PER_MINUTE}"))
    yield live
    live.stop()


def _raw_answer(live: LiveService, head: str, body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
    """Send ``head`` (and ``body``) on a socket of its own; the status, headers and body answered."""
    with socket.create_connection(("127.0.0.1", live.port), timeout=60) as connection:
        connection.sendall(head.encode() + body)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = connection.recv(65536)
            assert chunk, received
            received += chunk
        header_block, rest = received.split(b"\r\n\r\n", 1)
        lines = header_block.decode().split("\r\n")
        headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
        while len(rest) < int(headers.get("content-length", 0)):
            chunk = connection.recv(65536)
            assert chunk
            rest += chunk
        return int(lines[0].split()[1]), headers, rest


def test_bodies_over_the_limits_are_413(limited):
    org = f"lim-{secrets.token_hex(3)}"
    publisher = limited.member(org, f"{org}-pub", "publisher")
    assert publisher.post(f"/api/v1/orgs/{org}/datasets", json={"name": "d"}).status_code == 201
    path = f"/api/v1/orgs/{org}/datasets/d/versions/v1/files"
    tmp = limited.data_dir / "blobs" / "tmp"

    # At the limit: taken.
    assert publisher.put(f"{path}/at-limit.csv", content=b"x" * UPLOAD_LIMIT).status_code == 201
    # Declared over the limit: refused before a byte of the body is read.
    status, headers, body = _raw_answer(limited, f"PUT {path}/declared.csv HTTP/1.1\r\nHost: x\r\n"
                                        f"Authorization: Bearer {publisher.token}\r\n"
                                        f"Content-Length: {UPLOAD_LIMIT + 1}\r\n\r\n")
    assert status == 413 and headers["content-type"] == PROBLEM and json.loads(body)["status"] == 413
    # Chunked, no length given: refused at the first byte over.
    chunks = [os.urandom(64 * 1024) for _ in range(16)]  # 1 MiB > 1 000 000 bytes
    answer = publisher.put(f"{path}/chunked.csv", content=iter(chunks))
    sent = answer.request.headers
    assert sent.get("transfer-encoding") == "chunked" and "content-length" not in sent
    _problem(answer, 413)
    assert list(tmp.iterdir()) == []  # what was written of it is gone
    stored = {p.name for p in (limited.data_dir / "blobs" / "sha256").rglob("*")}
    assert hashlib.sha256(b"".join(chunks)).hexdigest() not in stored
    assert [f["name"] for f in publisher.get(f"/api/v1/orgs/{org}/datasets/d/versions/v1").json()["files"]] == [
        "at-limit.csv"]

    # JSON over max_json_bytes, with a length and chunked; under it, the body is read (and judged).
    big = json.dumps({"name": "e", "title": "t" * JSON_LIMIT}).encode()
    _problem(publisher.post(f"/api/v1/orgs/{org}/datasets", content=big,
                            headers={"Content-Type": "application/json"}), 413)
    _problem(publisher.post(f"/api/v1/orgs/{org}/datasets", content=iter([big[:5000], big[5000:]]),
                            headers={"Content-Type": "application/json"}), 413)
    under = json.dumps({"name": "e", "title": "t" * (JSON_LIMIT - 100)}).encode()
    _problem(publisher.post(f"/api/v1/orgs/{org}/datasets", content=under,
                            headers={"Content-Type": "application/json"}), 422)  # title: at most 200


def test_an_archive_unpacks_to_no_more_than_the_upload_limit(limited):
    """An archive under the limit that unpacks past it (plain text, 3 to 1: no bomb) is refused:
    the file it holds could not have been uploaded by itself."""
    org = f"lim-{secrets.token_hex(3)}"
    publisher = limited.member(org, f"{org}-pub", "publisher")
    assert publisher.post(f"/api/v1/orgs/{org}/datasets", json={"name": "d"}).status_code == 201
    rng = random.Random(5)
    text = "".join(f"{rng.randint(0, 10**9)},{rng.randint(0, 10**9)}\n" for _ in range(80_000)).encode()
    archive = _zip([("d/big.csv", text)])
    assert len(archive) < UPLOAD_LIMIT < len(text) < 200 * len(archive)
    assert publisher.put(f"/api/v1/orgs/{org}/datasets/d/versions/v1/files/big.csv", content=text).status_code == 413
    _problem(publisher.put(f"/api/v1/orgs/{org}/datasets/d/versions/v1/archive", content=archive), 413)
    assert publisher.get(f"/api/v1/orgs/{org}/datasets/d/versions/v1").status_code == 404
    assert hashlib.sha256(text).hexdigest() not in {p.name for p in (limited.data_dir / "blobs").rglob("*")}
    assert list((limited.data_dir / "blobs" / "tmp").iterdir()) == []
    small = publisher.put(f"/api/v1/orgs/{org}/datasets/d/versions/v2/archive", content=_penguins_archives()["zip"])
    assert small.status_code == 200, small.text  # under the limit unpacked too: taken


def test_past_the_rate_a_token_gets_429_and_others_are_served(limited):
    org = f"rate-{secrets.token_hex(3)}"
    first = limited.member(org, f"{org}-user", "evaluator")
    second = Api(limited.url, limited.admin.post(f"/api/v1/users/{org}-user/tokens",
                                                 json={"name": "second"}).json()["secret"])
    started, served = time.monotonic(), 0
    while (answer := first.get(f"/api/v1/orgs/{org}")).status_code == 200:
        served += 1
        assert served <= 2 * PER_MINUTE, "never limited"
    elapsed = time.monotonic() - started
    _problem(answer, 429)
    # A bucket of 30 that refills at 30 a minute: 30 at once, and what refilled meanwhile.
    assert PER_MINUTE <= served <= PER_MINUTE + elapsed * PER_MINUTE / 60 + 1, (served, elapsed)
    assert int(answer.headers["retry-after"]) >= 1
    assert second.get(f"/api/v1/orgs/{org}").status_code == 200  # the same user, another token
