"""A failure the service did not foresee (here: a card's stored bytes lost from the blob store)
answers 500 as a problem document and logs one line, not a traceback."""

from __future__ import annotations

import secrets
from pathlib import Path

from tests.service.live import upload_directory, wait_for

ROOT = Path(__file__).resolve().parents[2]


def test_a_lost_blob_is_a_one_line_500(service, org_name, tmp_path):
    publisher = service.member(org_name, f"{org_name}-pub", "publisher")
    data = tmp_path / "lost"
    data.mkdir()
    (data / "lost.csv").write_text(f"id,token\n1,{secrets.token_hex(8)}\n")  # a card no other test shares
    upload_directory(publisher, org_name, "lost", "v1", data)
    answer = publisher.post(f"/api/v1/orgs/{org_name}/evaluations",
                            json={"dataset": "lost", "version": "v1", "standard": "iso-iec-25012"})
    done = wait_for(publisher, answer.headers["location"])
    assert done["state"] == "succeeded", done["reason"]
    digest = done["card"]
    stored = service.data_dir / "blobs" / "sha256"
    card_bytes = publisher.get(f"/api/v1/cards/{digest}").content
    import hashlib

    blob = stored / hashlib.sha256(card_bytes).hexdigest()[:2] / hashlib.sha256(card_bytes).hexdigest()
    blob.unlink()
    before = service.log.read_text()
    failed = publisher.get(f"/api/v1/cards/{digest}")
    assert failed.status_code == 500 and failed.headers["content-type"] == "application/problem+json"
    assert failed.json()["detail"] == "the service failed on this request; it was logged"
    logged = service.log.read_text()[len(before):]
    assert f"GET /api/v1/cards/{digest} failed: FileNotFoundError" in logged
    assert "Traceback" not in logged and str(service.data_dir) not in logged


def test_an_evaluation_over_its_memory_limit_fails_without_a_card(request, tmp_path_factory, tmp_path):
    from tests.service.conftest import start_service

    live = start_service("sqlite", request, tmp_path_factory, workers=1,
                         limits=(f"evaluation_memory_bytes={300 * 2 ** 20}",))
    try:
        publisher = live.member("tight", "tight-pub", "publisher")
        data = tmp_path / "penguins"
        data.mkdir()
        (data / "penguins.csv").write_bytes((ROOT / "datasets" / "penguins" / "penguins.csv").read_bytes())
        upload_directory(publisher, "tight", "penguins", "v1", data)
        answer = publisher.post("/api/v1/orgs/tight/evaluations",
                                json={"dataset": "penguins", "version": "v1", "standard": "gbt-36344-2018"})
        done = wait_for(publisher, answer.headers["location"])
        assert done["state"] == "failed" and done["card"] is None
        # Which allocation fails first varies: DuckDB's buffer ("Out of Memory Error") or RE2 compiling a
        # pattern, which DuckDB reports as "invalid regular expression …: Allocation failure".
        reason = done["reason"].lower()
        assert "out of memory" in reason or "allocation failure" in reason, done["reason"]
    finally:
        live.stop()
