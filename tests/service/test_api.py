"""The service's main path, over SQLite and PostgreSQL: a publisher uploads a dataset, asks for an
evaluation, gets the card dsbench evaluate makes (byte for byte), publishes it; the public sees it
on the leaderboard only then."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from dsbench.render import renderer
from tests.service.live import upload_directory, wait_for

ROOT = Path(__file__).resolve().parents[2]
PENGUINS = ROOT / "datasets" / "penguins"
GOLDEN = ROOT / "reports" / "penguins" / "gbt-36344-2018"


def test_health_names_the_database(service):
    health = service.admin.get("/healthz").json()
    assert health["status"] == "ok" and health["database"] == service.kind and health["schema_version"] >= 1


def test_upload_evaluate_publish(service, org_name):
    publisher = service.member(org_name, f"{org_name}-pub", "publisher")
    upload_directory(publisher, org_name, "penguins", "v1", PENGUINS)
    version = publisher.get(f"/api/v1/orgs/{org_name}/datasets/penguins/versions/v1").json()
    assert [f["name"] for f in version["files"]] == sorted(p.name for p in PENGUINS.iterdir())

    request = {"dataset": "penguins", "version": "v1", "standard": "gbt-36344-2018"}
    answer = publisher.post(f"/api/v1/orgs/{org_name}/evaluations", json=request,
                            headers={"Idempotency-Key": f"{org_name}-1"})
    assert answer.status_code == 202 and answer.json()["state"] in ("queued", "running")
    location = answer.headers["location"]
    again = publisher.post(f"/api/v1/orgs/{org_name}/evaluations", json=request,
                           headers={"Idempotency-Key": f"{org_name}-1"})
    assert again.status_code == 202 and again.json()["id"] == answer.json()["id"]
    other = publisher.post(f"/api/v1/orgs/{org_name}/evaluations", json={**request, "standard": "iso-iec-25012"},
                           headers={"Idempotency-Key": f"{org_name}-1"})
    assert other.status_code == 422 and other.headers["content-type"] == "application/problem+json"

    done = wait_for(publisher, location)
    assert done["state"] == "succeeded", done
    assert done["worker_version"] and done["attempts"] == 1
    digest = done["card"]
    card = publisher.get(f"/api/v1/cards/{digest}")
    assert card.content == (GOLDEN / "card.json").read_bytes()  # what `dsbench evaluate` wrote
    assert card.headers["etag"] == f'"{digest}"'
    assert publisher.get(f"/api/v1/cards/{digest}", headers={"If-None-Match": f'"{digest}"'}).status_code == 304
    document = json.loads(card.content)
    html = publisher.get(f"/api/v1/cards/{digest}", headers={"Accept": "text/html"})
    assert html.headers["content-type"].startswith("text/html")
    assert html.text == renderer("html").render(document, "en")
    assert publisher.get(f"/api/v1/cards/{digest}.md").text == renderer("md").render(document, "en")
    assert publisher.get(f"/api/v1/cards/{digest}.md?lang=zh").text == renderer("md").render(document, "zh")
    assert publisher.get(f"/api/v1/cards/{digest}.svg").headers["content-type"] == "image/svg+xml"
    assert publisher.get(f"/api/v1/cards/{digest}.pdf").status_code == 404

    public = service.admin.as_(None)
    assert public.get(f"/api/v1/cards/{digest}").status_code == 404  # private until published
    board = public.get("/api/v1/leaderboards/gbt-36344-2018").json()["rows"]
    assert not any(r["org"] == org_name for r in board)

    published = publisher.put(f"/api/v1/orgs/{org_name}/cards/{digest}/publication")
    assert published.status_code == 200 and published.json()["published"]
    assert public.get(f"/api/v1/cards/{digest}").content == card.content
    board = public.get("/api/v1/leaderboards/gbt-36344-2018").json()["rows"]
    mine = [r for r in board if r["org"] == org_name]
    assert len(mine) == 1 and mine[0]["score"] == json.loads(card.content)["score"] and mine[0]["rank"] >= 1

    history = publisher.get(f"/api/v1/orgs/{org_name}/datasets/penguins/history",
                            params={"standard": "gbt-36344-2018"}).json()
    assert history["runs_recorded"] == 1 and history["runs"][0]["card_digest"] == digest

    assert publisher.delete(f"/api/v1/orgs/{org_name}/cards/{digest}/publication").status_code == 200
    assert public.get(f"/api/v1/cards/{digest}").status_code == 404


def test_bad_data_fails_with_its_reason(service, org_name, tmp_path):
    publisher = service.member(org_name, f"{org_name}-pub", "publisher")
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 this is not parquet")
    upload_directory(publisher, org_name, "broken", "v1", tmp_path)
    answer = publisher.post(f"/api/v1/orgs/{org_name}/evaluations",
                            json={"dataset": "broken", "version": "v1", "standard": "gbt-36344-2018"})
    done = wait_for(publisher, answer.headers["location"])
    assert done["state"] == "failed" and done["card"] is None
    assert done["reason"].startswith("broken") and "Parquet" in done["reason"] and "/tmp" not in done["reason"]
    assert publisher.get(f"/api/v1/orgs/{org_name}/cards").json()["items"] == []


def test_submit_returns_the_card_evaluate_makes(service, org_name, tmp_path):
    publisher = service.member(org_name, f"{org_name}-pub", "publisher")
    token = tmp_path / "token"
    token.write_text(publisher.token)
    run = subprocess.run([sys.executable, "-m", "dsbench", "submit", str(PENGUINS), "--server", service.url,
                          "--standard", "gbt-36344-2018", "--token-file", str(token), "--wait", "-o",
                          str(tmp_path / "out")], capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "out" / "card.json").read_bytes() == (GOLDEN / "card.json").read_bytes()
    verify = subprocess.run([sys.executable, "-m", "dsbench", "verify", str(tmp_path / "out" / "card.json")],
                            capture_output=True, text=True, timeout=180)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    gate = subprocess.run([sys.executable, "-m", "dsbench", "submit", str(PENGUINS), "--server", service.url,
                           "--standard", "gbt-36344-2018", "--token-file", str(token), "--wait", "--min-score",
                           "99.9", "--quiet"], capture_output=True, text=True, timeout=180)
    assert gate.returncode == 1 and "99.9" in gate.stdout  # the same evaluation (idempotent), a higher bar
    evaluations = publisher.get(f"/api/v1/orgs/{org_name}/evaluations").json()["items"]
    assert len(evaluations) == 1


def test_a_version_of_one_file_is_scored_as_that_file(service, org_name, tmp_path):
    from dsbench.evaluation import evaluate

    publisher = service.member(org_name, f"{org_name}-pub", "publisher")
    data = tmp_path / "one"
    data.mkdir()
    (data / "readings.csv").write_text("id,value,unit\n1,2.5,kg\n2,,kg\n3,4.0,\n3,4.0,\n")
    upload_directory(publisher, org_name, "one", "v1", data)
    answer = publisher.post(f"/api/v1/orgs/{org_name}/evaluations",
                            json={"dataset": "one", "version": "v1", "standard": "tc609-5-2025-04"})
    done = wait_for(publisher, answer.headers["location"])
    assert done["state"] == "succeeded", done["reason"]
    expected = evaluate(str(data / "readings.csv"), "tc609-5-2025-04")  # as `dsbench evaluate readings.csv`
    assert publisher.get(f"/api/v1/cards/{done['card']}").text == expected.to_json()
