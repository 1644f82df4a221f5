"""Many submissions at once against the shared service (4 workers): 50 evaluations asked for by
three organisations from twelve threads, each thread with a publisher token of its own, some
Idempotency-Keys sent by several threads at the same moment. Every evaluation runs once and
succeeds, the repeated keys give one evaluation each, nothing answers 5xx or "database is locked",
and every card is byte for byte the one ``dsbench evaluate`` (or the Python API it calls) makes of
the same files.

The same test runs over SQLite and over PostgreSQL and compares both against the same expected
bytes (the golden penguins card, and cards made in this process), so the cards the two databases'
services make are byte-identical to each other too."""

from __future__ import annotations

import json
import random
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from dsbench.evaluation import evaluate
from tests.service.live import Api, upload_directory

ROOT = Path(__file__).resolve().parents[2]
PENGUINS = ROOT / "datasets" / "penguins"
GOLDEN = ROOT / "reports" / "penguins" / "gbt-36344-2018" / "card.json"
STANDARDS = ("gbt-36344-2018", "iso-iec-25012")
ORGS = 3
THREADS_PER_ORG = 4
SUBMISSIONS = 50
REPEATED_KEYS = 6  # the first submissions' keys, each sent by THREADS_PER_ORG threads at once
FINAL = ("succeeded", "failed", "cancelled", "timed_out")
PATIENCE_S = 300.0


def _write_tiny(directory: Path, seed: int) -> None:
    """A small CSV with a manifest that names no dataset: the card names it after the directory."""
    rng = random.Random(seed)
    directory.mkdir(parents=True)
    (directory / "datapackage.json").write_text('{"resources": [{"name": "people", "path": "people.csv"}]}\n')
    lines = ["id,name,age,score,city"]
    for number in range(rng.randint(15, 40)):
        lines.append(f"{number},{rng.choice(['ann', 'bob', 'cy', ''])},{rng.randint(1, 90)},"
                     f"{rng.random():.4f},{rng.choice(['x', 'y', 'z', ''])}")
    (directory / "people.csv").write_text("\n".join(lines) + "\n")


@pytest.fixture(scope="module")
def datasets(tmp_path_factory) -> dict[str, Path]:
    """Two tiny datasets per organisation (named as they will be in the service) and penguins."""
    root = tmp_path_factory.mktemp("tiny")
    found = {"penguins": PENGUINS}
    for number in range(2 * ORGS):
        name = f"tiny-{number}"
        _write_tiny(root / name, seed=number)
        found[name] = root / name
    return found


@pytest.fixture(scope="module")
def expected(datasets) -> dict[tuple[str, str], bytes]:
    """(dataset, standard) -> the card's bytes, made once for both databases."""
    cards = {("penguins", STANDARDS[0]): GOLDEN.read_bytes()}
    for name, directory in datasets.items():
        if name != "penguins":
            for standard in STANDARDS:
                cards[(name, standard)] = evaluate(directory, standard).to_json().encode("utf-8")
    return cards


def _combinations(org_index: int) -> list[tuple[str, str]]:
    mine = [f"tiny-{2 * org_index}", f"tiny-{2 * org_index + 1}"]
    return [("penguins", STANDARDS[0])] + [(name, standard) for name in mine for standard in STANDARDS]


class Recorder:
    """Every answer the test gets, from any thread."""

    def __init__(self):
        self.answers: list[tuple[str, str, int, str]] = []
        self._lock = threading.Lock()

    def __call__(self, answer):
        with self._lock:
            self.answers.append((answer.request.method, str(answer.request.url), answer.status_code, answer.text))
        return answer


def test_fifty_submissions_at_once(service, datasets, expected):
    log_start = service.log.stat().st_size
    run = secrets.token_hex(4)
    record = Recorder()
    orgs = [f"conc-{run}-{index}" for index in range(ORGS)]
    apis: dict[str, list[Api]] = {}
    for index, org in enumerate(orgs):
        publisher = service.member(org, f"{org}-pub", "publisher")
        for name in {name for name, _ in _combinations(index)}:
            upload_directory(publisher, org, name, "v1", datasets[name])
        tokens = [publisher.token] + [
            service.admin.post(f"/api/v1/users/{org}-pub/tokens", json={"name": f"thread-{n}"}).json()["secret"]
            for n in range(1, THREADS_PER_ORG)]
        apis[org] = [Api(service.url, token) for token in tokens]
        assert len({api.token for api in apis[org]}) == THREADS_PER_ORG

    # Submission k: organisation k % 3, one of its five (dataset, standard) in turn, its own key.
    submissions = []
    for k in range(SUBMISSIONS):
        index = k % ORGS
        dataset, standard = _combinations(index)[(k // ORGS) % 5]
        submissions.append((orgs[index], f"{run}-{k}", {"dataset": dataset, "version": "v1", "standard": standard}))
    # Each thread's list of posts: its organisation's submissions in turn, and every thread of the
    # organisation sends the repeated keys.
    plans: list[tuple[Api, list[tuple[str, str, dict]]]] = []
    for org in orgs:
        mine = [s for s in submissions if s[0] == org]
        for number, api in enumerate(apis[org]):
            plan = [s for position, s in enumerate(mine) if position % THREADS_PER_ORG == number]
            repeated = [s for s in mine if int(s[1].rsplit("-", 1)[1]) < REPEATED_KEYS]
            plan = repeated + [s for s in plan if s not in repeated]
            plans.append((api, plan))
    barrier = threading.Barrier(len(plans))

    def post_all(api: Api, plan: list[tuple[str, str, dict]]) -> list[tuple[str, str, dict]]:
        barrier.wait(timeout=60)
        made = []
        for org, key, body in plan:
            answer = record(api.post(f"/api/v1/orgs/{org}/evaluations", json=body, headers={"Idempotency-Key": key}))
            assert answer.status_code == 202, answer.text
            made.append((org, key, answer.json()))
        return made

    with ThreadPoolExecutor(len(plans)) as pool:
        made = [entry for future in [pool.submit(post_all, *plan) for plan in plans] for entry in future.result()]

    assert len(made) == SUBMISSIONS + (THREADS_PER_ORG - 1) * REPEATED_KEYS
    by_key: dict[str, set[str]] = {}
    for org, key, evaluation in made:
        by_key.setdefault(key, set()).add(evaluation["id"])
    assert all(len(ids) == 1 for ids in by_key.values()), by_key  # a repeated key: one and the same evaluation
    ids = {next(iter(ids)) for ids in by_key.values()}
    assert len(by_key) == SUBMISSIONS and len(ids) == SUBMISSIONS

    # Wait for all of them, one listing per organisation at a time.
    finals: dict[str, dict] = {}
    deadline = time.monotonic() + PATIENCE_S
    for index, org in enumerate(orgs):
        api = apis[org][0]
        while True:
            items = record(api.get(f"/api/v1/orgs/{org}/evaluations", params={"limit": 200})).json()["items"]
            if all(item["state"] in FINAL for item in items):
                break
            assert time.monotonic() < deadline, [item["state"] for item in items]
            time.sleep(0.5)
        succeeded = record(api.get(f"/api/v1/orgs/{org}/evaluations",
                                   params={"limit": 200, "state": "succeeded"})).json()["items"]
        assert {item["id"] for item in succeeded} == {item["id"] for item in items}
        assert {item["id"] for item in items} == {e["id"] for o, _, e in made if o == org}
        finals.update({item["id"]: item for item in succeeded})
    assert len(finals) == SUBMISSIONS and set(finals) == ids
    assert all(item["attempts"] == 1 and item["card"] and item["reason"] is None for item in finals.values())

    # Each card, byte for byte; each organisation holds one card per (dataset, standard).
    for index, org in enumerate(orgs):
        api = apis[org][1]
        mine = [item for item in finals.values() if item["org"] == org]
        digests = {}
        for item in mine:
            digests.setdefault((item["dataset"], item["standard"]), set()).add(item["card"])
        assert set(digests) == set(_combinations(index))
        assert all(len(found) == 1 for found in digests.values()), digests  # the same files, the same card
        for combination, (digest,) in digests.items():
            card = record(api.get(f"/api/v1/cards/{digest}"))
            assert card.status_code == 200 and card.content == expected[combination], combination
            assert json.loads(card.content)["digest"] == digest
        held = record(api.get(f"/api/v1/orgs/{org}/cards", params={"limit": 200})).json()["items"]
        assert sorted(c["digest"] for c in held) == sorted(d for (d,) in digests.values())

    assert [a for a in record.answers if a[2] >= 500] == []
    assert [a for a in record.answers if "database is locked" in a[3]] == []
    with open(service.log, "rb") as log:
        log.seek(log_start)
        text = log.read().decode("utf-8", errors="replace")
    for sign in ("database is locked", "Traceback", " failed: "):
        assert sign not in text, text[-3000:]
