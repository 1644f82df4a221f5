"""Suites uploaded with a version run beside the generated ones, in the sandbox `dsbench evaluate`
has: the card is the one the Python API makes with the same suite, and a hostile suite neither
reads nor writes anything outside its data."""

from __future__ import annotations

import shutil
from pathlib import Path

from dsbench.evaluation import evaluate
from tests.service.live import upload_directory, wait_for

ROOT = Path(__file__).resolve().parents[2]
# A valid regex that would end the statement if pasted into SQL, and a row condition that tries to.
HOSTILE = {"regex.yaml": """name: hostile-regex
table: penguins
expectations:
  - type: expect_column_values_to_match_regex
    kwargs: {column: species, regex: "^x' OR 1=1; COPY (SELECT 1) TO '%(marker)s' (FORMAT csv); --"}
""", "condition.yaml": """name: hostile-condition
table: penguins
expectations:
  - type: expect_column_values_to_be_between
    kwargs: {column: body_mass_g, min_value: 1, row_condition: "year > 0; COPY (SELECT 1) TO '%(marker)s'"}
"""}


def test_an_uploaded_suite_scores_as_the_api_does(service, org_name, tmp_path):
    publisher = service.member(org_name, f"{org_name}-pub", "publisher")
    data = tmp_path / "penguins"
    shutil.copytree(ROOT / "datasets" / "penguins", data)
    upload_directory(publisher, org_name, "penguins", "v1", data)
    suite = (ROOT / "suites" / "penguins.yaml").read_bytes()
    assert publisher.put(f"/api/v1/orgs/{org_name}/datasets/penguins/versions/v1/files/checks.yaml",
                         content=suite).status_code == 201
    request = {"dataset": "penguins", "version": "v1", "standard": "gbt-36344-2018"}
    missing = publisher.post(f"/api/v1/orgs/{org_name}/evaluations", json={**request, "suites": ["nope.yaml"]})
    assert missing.status_code == 422 and "nope.yaml" in missing.json()["detail"]
    answer = publisher.post(f"/api/v1/orgs/{org_name}/evaluations", json={**request, "suites": ["checks.yaml"]})
    done = wait_for(publisher, answer.headers["location"])
    assert done["state"] == "succeeded", done
    (tmp_path / "suites").mkdir()
    (tmp_path / "suites" / "checks.yaml").write_bytes(suite)
    expected = evaluate(str(data), "gbt-36344-2018", suites=[str(tmp_path / "suites" / "checks.yaml")])
    card = publisher.get(f"/api/v1/cards/{done['card']}")
    assert card.text == expected.to_json()
    assert any(s["id"] == "penguins" for s in expected.document["suites"])


def test_a_hostile_suite_stays_in_its_sandbox(service, org_name, tmp_path):
    publisher = service.member(org_name, f"{org_name}-pub", "publisher")
    marker = tmp_path / "written-by-the-suite.csv"
    upload_directory(publisher, org_name, "penguins", "v1", ROOT / "datasets" / "penguins")
    states = {}
    for name, text in HOSTILE.items():
        assert publisher.put(f"/api/v1/orgs/{org_name}/datasets/penguins/versions/v1/files/{name}",
                             content=(text % {"marker": marker}).encode()).status_code == 201
        answer = publisher.post(f"/api/v1/orgs/{org_name}/evaluations", json={
            "dataset": "penguins", "version": "v1", "standard": "gbt-36344-2018", "suites": [name]})
        done = wait_for(publisher, answer.headers["location"])
        states[name] = done["state"]
        if done["state"] == "failed":  # refused: one line naming the suite, no path of the server's
            assert done["reason"].startswith(name) and str(service.data_dir) not in done["reason"]
    assert states == {"regex.yaml": "succeeded", "condition.yaml": "failed"}  # the regex is only a value
    assert not marker.exists()
