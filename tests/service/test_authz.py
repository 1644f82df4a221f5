"""Authorisation, swept over every operation of the committed OpenAPI document (docs/openapi.json,
held to the code by tests/test_docs.py), so a new route is checked as soon as it exists: without a
valid token every non-public operation answers 401; a role without the right answers 403 and the
right roles get through; another organisation's resources answer 404, never 403 or 200; unpublished
cards stay private. Over SQLite and PostgreSQL, against a real ``dsbench serve``.

Two organisations A and B each hold a member of every role, a dataset with one version (a small CSV
and its manifest) and one succeeded, unpublished evaluation with its card. Path parameters are A's
objects; the isolation sweep puts B's in their place one at a time, and all at once."""

from __future__ import annotations

import io
import json
import re
import secrets
import sqlite3
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import httpx
import pytest

from dsbench.service.accounts import RIGHTS, ROLES
from tests.service.live import Api, LiveService, upload_directory, wait_for

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
STANDARD = "gbt-36344-2018"
SCRATCH = "scratch"  # the version the let-through pass uploads into and deletes from, never v1
PROBLEM = "application/problem+json"

# Which of an organisation's roles each x-required-role lets through (the site admin: all).
ALLOWED: dict[str, tuple[str, ...]] = {
    "none": ROLES, "any-token": ROLES, "member": ROLES, "evaluator": RIGHTS["evaluate"],
    "publisher": RIGHTS["upload"], "admin": RIGHTS["manage"], "site-admin": ()}
# Path parameters naming something an organisation holds (B's value in A's place must be 404), and
# those naming something global (users, standards: the same for everyone, not swept).
SCOPED = {"org", "dataset", "version", "name", "evaluation", "digest", "ref", "token_id"}
GLOBAL = {"user", "standard"}
# Parameters that an operation creates rather than looks up: a new name is no one's to hide.
CREATED = {"PUT /api/v1/orgs/{org}/datasets/{dataset}/versions/{version}": {"version"},
           "PUT /api/v1/orgs/{org}/datasets/{dataset}/versions/{version}/files/{name}": {"version", "name"},
           "PUT /api/v1/orgs/{org}/datasets/{dataset}/versions/{version}/archive": {"version"}}
QUERY = {"standard": STANDARD}  # values of required query parameters
# The operations anyone may call without a token: a new one must be added here on purpose.
PUBLIC = {"GET /healthz", "GET /api/v1/cards", "GET /api/v1/cards/{ref}", "GET /api/v1/leaderboards/{standard}",
          "GET /api/v1/standards", "GET /api/v1/standards/{standard}"}


def fresh(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


# A valid minimal JSON body of each operation that takes one (``side``: the organisation called).
JSON_BODIES: dict[str, Callable[["Side"], dict[str, Any]]] = {
    "POST /api/v1/users": lambda side: {"name": fresh("authz-user")},
    "POST /api/v1/users/{user}/tokens": lambda side: {"name": "authz"},
    "POST /api/v1/tokens": lambda side: {"name": "authz"},
    "POST /api/v1/orgs": lambda side: {"name": fresh("authz-org"), "title": "authz"},
    "PUT /api/v1/orgs/{org}/members/{user}": lambda side: {"role": "evaluator"},
    "POST /api/v1/orgs/{org}/datasets": lambda side: {"name": fresh("made")},
    "POST /api/v1/orgs/{org}/evaluations": lambda side: {"dataset": side.dataset, "version": side.version,
                                                          "standard": STANDARD},
}


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    spec: dict[str, Any] = field(repr=False, compare=False)

    @property
    def role(self) -> str | None:
        return self.spec.get("x-required-role")

    @property
    def params(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)

    @property
    def swept(self) -> list[str]:
        """The path parameters whose B value must answer 404."""
        return [p for p in self.params if p in SCOPED and p not in CREATED.get(str(self), set())]

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


OPERATIONS = [Operation(method.upper(), path, spec) for path, methods in sorted(DOCUMENT["paths"].items())
              for method, spec in sorted(methods.items())]
PROTECTED = [op for op in OPERATIONS if op.role != "none"]


@dataclass
class Side:
    """One organisation and what it holds."""

    org: str
    dataset: str
    version: str
    file: str
    csv: bytes
    archive: bytes
    members: dict[str, Api] = field(default_factory=dict)      # role -> Api with the member's token
    token_ids: dict[str, str] = field(default_factory=dict)    # role -> the id of that token
    evaluation: str = ""
    digest: str = ""

    def values(self, token_id: str, user: str) -> dict[str, str]:
        return {"org": self.org, "dataset": self.dataset, "version": self.version, "name": self.file,
                "evaluation": self.evaluation, "digest": self.digest, "ref": self.digest, "token_id": token_id,
                "user": user, "standard": STANDARD}


@dataclass
class World:
    service: LiveService
    a: Side
    b: Side
    site: Api       # the site admin
    outsider: Api   # a user in no organisation
    spare: str      # a user the membership operations add and remove
    expired: str    # a token of A's publisher, expired
    revoked: str    # a token of A's publisher, revoked
    key: str        # the Idempotency-Key both A's and B's evaluations were asked for with

    def api(self, header: str | None) -> Api:
        """An Api sending exactly this Authorization header (or none)."""
        api = Api(self.service.url)
        if header is not None:
            api.client.headers["Authorization"] = header
        return api

    def call(self, api: Api, op: Operation, values: dict[str, str], side: Side | None = None,
             query: dict[str, str] | None = None) -> httpx.Response:
        """``op`` with ``values`` in its path, its required query parameters and a valid body
        (made for ``side``, A by default)."""
        params = {p["name"]: QUERY[p["name"]] for p in op.spec.get("parameters", [])
                  if p["in"] == "query" and p.get("required")}
        return api.request(op.method, op.path.format(**values), params={**params, **(query or {})},
                           **body(op, side or self.a))


def body(op: Operation, side: Side) -> dict[str, Any]:
    """httpx keyword arguments with a valid body of ``op`` (none when it takes none)."""
    content = op.spec.get("requestBody", {}).get("content", {})
    if not content:
        return {}
    if "application/json" in content:
        return {"json": JSON_BODIES[str(op)](side)}
    if "application/octet-stream" in content:
        return {"content": side.csv, "headers": {"Content-Type": "application/octet-stream"}}
    if "application/zip" in content:
        return {"content": side.archive, "headers": {"Content-Type": "application/zip"}}
    raise AssertionError(f"{op}: no body for {sorted(content)}; teach tests/service/test_authz.py one")


def problem(answer: httpx.Response, status: int) -> str | None:
    """None when ``answer`` is the problem document of ``status``, else what it was instead."""
    if answer.status_code != status:
        return f"{answer.status_code} {answer.text[:160]}"
    if answer.headers.get("content-type") != PROBLEM:
        return f"{status} as {answer.headers.get('content-type')}, not {PROBLEM}"
    if answer.json().get("status") != status:
        return f"{status} with a problem document saying {answer.json().get('status')}"
    return None


def make_side(service: LiveService, org: str, dataset: str, version: str, file: str, rows: str,
              tmp: Path) -> Side:
    directory = tmp / dataset
    directory.mkdir()
    csv = f"id,name,score\n{rows}".encode()
    manifest = json.dumps({"name": dataset, "resources": [{"name": "data", "path": file}]}).encode()
    (directory / file).write_bytes(csv)
    (directory / "datapackage.json").write_bytes(manifest)
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr(file, csv)
        archive.writestr("datapackage.json", manifest)
    side = Side(org, dataset, version, file, csv, packed.getvalue())
    for role in ROLES:
        api = service.member(org, f"{org}-{role}", role)
        side.members[role] = api
        side.token_ids[role] = api.get("/api/v1/me").json()["token"]
    upload_directory(side.members["publisher"], org, dataset, version, directory)
    return side


def set_expiry(service: LiveService, token_id: str, expires_ms: int) -> None:
    """Write a token's expiry straight into the service's database (the API only sets future ones)."""
    if service.kind == "sqlite":
        with sqlite3.connect(service.data_dir / "service.sqlite", timeout=30) as connection:
            changed = connection.execute("UPDATE tokens SET expires = ? WHERE id = ?", (expires_ms, token_id))
            assert changed.rowcount == 1
        connection.close()
    else:
        import psycopg

        with psycopg.connect(service.database, autocommit=True) as connection:
            assert connection.execute("UPDATE tokens SET expires = %s WHERE id = %s",
                                      (expires_ms, token_id)).rowcount == 1


@pytest.fixture(scope="module")
def world(service, tmp_path_factory) -> World:
    tag = secrets.token_hex(3)
    tmp = tmp_path_factory.mktemp("authz")
    a = make_side(service, f"authz-a-{tag}", "alpha", "v1", "data-a.csv", "1,x,3.5\n2,y,4.0\n3,z,2.5\n", tmp)
    b = make_side(service, f"authz-b-{tag}", "beta", "v2", "data-b.csv", "7,p,1.0\n8,q,\n", tmp)
    locations = {}
    for side in (a, b):  # the same Idempotency-Key in both: it is per organisation
        answer = side.members["publisher"].post(f"/api/v1/orgs/{side.org}/evaluations",
                                                json={"dataset": side.dataset, "version": side.version,
                                                      "standard": STANDARD}, headers={"Idempotency-Key": tag})
        assert answer.status_code == 202, answer.text
        locations[side.org] = answer.headers["location"]
    for side in (a, b):
        done = wait_for(side.members["publisher"], locations[side.org])
        assert done["state"] == "succeeded" and done["card"], done
        side.evaluation, side.digest = done["id"], done["card"]
    assert a.digest != b.digest and a.evaluation != b.evaluation

    site = service.admin
    spare = f"authz-spare-{tag}"
    assert site.post("/api/v1/users", json={"name": spare}).status_code == 201
    outsider_name = f"authz-outsider-{tag}"
    assert site.post("/api/v1/users", json={"name": outsider_name}).status_code == 201
    outsider = Api(service.url, site.post(f"/api/v1/users/{outsider_name}/tokens",
                                          json={"name": "authz"}).json()["secret"])

    publisher = a.members["publisher"]
    tokens = {}
    for name in ("expired", "revoked"):
        made = publisher.post("/api/v1/tokens", json={"name": name, "expires_in_days": 1})
        assert made.status_code == 201, made.text
        tokens[name] = made.json()
        assert Api(service.url, made.json()["secret"]).get("/api/v1/me").status_code == 200  # works until …
    set_expiry(service, tokens["expired"]["id"], int(time.time() * 1000) - 1000)
    assert publisher.delete(f"/api/v1/tokens/{tokens['revoked']['id']}").status_code == 204
    return World(service, a, b, site, outsider, spare, tokens["expired"]["secret"], tokens["revoked"]["secret"], tag)


def test_the_sweep_knows_every_operation():
    """Every operation has a known x-required-role, a body the sweep can send, and path
    parameters it knows how to fill; and the sweep's lists name no operation that is gone."""
    assert len(OPERATIONS) >= 30 and len({str(op) for op in OPERATIONS}) == len(OPERATIONS)
    assert RIGHTS["upload"] == RIGHTS["publish"], "x-required-role publisher means both rights"
    unknown_roles = [f"{op}: {op.role}" for op in OPERATIONS if op.role not in ALLOWED]
    unknown_params = [f"{op}: {p}" for op in OPERATIONS for p in op.params if p not in SCOPED | GLOBAL]
    unknown_queries = [f"{op}: {p['name']}" for op in OPERATIONS for p in op.spec.get("parameters", [])
                       if p["in"] == "query" and p.get("required") and p["name"] not in QUERY]
    without_body = []
    for op in OPERATIONS:
        try:
            body(op, Side("o", "d", "v", "f", b"", b""))
        except (KeyError, AssertionError):
            without_body.append(str(op))
    assert (unknown_roles, unknown_params, unknown_queries, without_body) == ([], [], [], [])
    assert {str(op) for op in OPERATIONS if op.role == "none"} == PUBLIC, "which operations are public changed"
    names = {str(op) for op in OPERATIONS}
    assert set(JSON_BODIES) <= names and set(CREATED) <= names and set(LET_THROUGH_SETUP) <= names


def test_the_running_service_serves_the_committed_document(world):
    assert world.service.admin.as_(None).get("/api/v1/openapi.json").json() == DOCUMENT


@pytest.mark.parametrize("credential", ["no token", "Bearer nonsense", "Bearer dsb_x_y", "Basic abc", "expired",
                                        "revoked", "token in the query string"])
def test_without_a_valid_token_every_protected_operation_is_401(world, credential):
    header = {"no token": None, "token in the query string": None, "expired": f"Bearer {world.expired}",
              "revoked": f"Bearer {world.revoked}"}.get(credential, credential)
    api = world.api(header)
    query = {"access_token": world.a.members["admin"].token} if credential == "token in the query string" else None
    values = world.a.values(world.a.token_ids["admin"], world.spare)
    wrong = []
    for op in PROTECTED:
        answer = world.call(api, op, values, query=query)
        if (found := problem(answer, 401)) or answer.headers.get("www-authenticate") != "Bearer":
            wrong.append(f"{op}: {found or 'no WWW-Authenticate: Bearer'}")
    if credential == "token in the query string":  # a public operation that reads an optional token
        answer = world.call(api, Operation("GET", "/api/v1/cards/{ref}", {}), values, query=query)
        if found := problem(answer, 401):
            wrong.append(f"GET /api/v1/cards/{{ref}}: {found}")
    assert not wrong, "\n".join(wrong)
    assert len(PROTECTED) >= 25


def test_a_role_without_the_right_is_403(world):
    """Each organisation role the operation's x-required-role leaves out gets 403 in its own
    organisation, as does every organisation role (admin too) and a user of no organisation on a
    site-admin operation."""
    values = world.a.values(world.a.token_ids["admin"], world.spare)
    wrong, denied = [], set()
    for op in OPERATIONS:
        if op.role in ("none", "any-token", "member"):
            continue
        callers = {f"A's {role}": api for role, api in world.a.members.items() if role not in ALLOWED[op.role]}
        if op.role == "site-admin":
            callers["no organisation's user"] = world.outsider
        for who, api in callers.items():
            if found := problem(world.call(api, op, values), 403):
                wrong.append(f"{op} as {who}: {found}")
            denied.add(str(op))
    assert not wrong, "\n".join(wrong)
    # Every operation some role lacks the right to was tried (evaluate is every role's right).
    lacking = {str(op) for op in OPERATIONS if op.role in ALLOWED and set(ROLES) - set(ALLOWED[op.role])}
    assert denied == lacking and any(op.role == "publisher" for op in OPERATIONS if str(op) in denied)


def test_publishing_on_success_needs_the_publish_right(world):
    side = world.a
    answer = side.members["evaluator"].post(f"/api/v1/orgs/{side.org}/evaluations", json={
        "dataset": side.dataset, "version": side.version, "standard": STANDARD, "publish": True})
    assert problem(answer, 403) is None, answer.text


def _revocable(world: World, op: Operation, api: Api, values: dict[str, str]) -> None:
    made = api.post("/api/v1/tokens", json={"name": "revoked by the sweep"})
    assert made.status_code == 201, made.text
    values["token_id"] = made.json()["id"]


def _member_to_remove(world: World, op: Operation, api: Api, values: dict[str, str]) -> None:
    answer = world.site.put(f"/api/v1/orgs/{values['org']}/members/{world.spare}", json={"role": "evaluator"})
    assert answer.status_code == 200, answer.text


def _into_scratch(world: World, op: Operation, api: Api, values: dict[str, str]) -> None:
    values.update(version=SCRATCH, name="spare.csv")


def _file_to_delete(world: World, op: Operation, api: Api, values: dict[str, str]) -> None:
    _into_scratch(world, op, api, values)
    answer = world.site.put(f"/api/v1/orgs/{values['org']}/datasets/{values['dataset']}/versions/{SCRATCH}/files/"
                            "spare.csv", content=world.a.csv)
    assert answer.status_code in (200, 201), answer.text


def _failed_evaluation(world: World, op: Operation, api: Api, values: dict[str, str]) -> None:
    """An evaluation that failed (a file that is no Parquet), for the retry to take."""
    version = f"broken-{secrets.token_hex(3)}"
    site = world.site
    path = f"/api/v1/orgs/{values['org']}/datasets/{values['dataset']}/versions/{version}"
    assert site.put(path).status_code in (200, 201)
    assert site.put(f"{path}/files/broken.parquet", content=b"not parquet").status_code in (200, 201)
    answer = site.post(f"/api/v1/orgs/{values['org']}/evaluations",
                       json={"dataset": values["dataset"], "version": version, "standard": STANDARD})
    assert answer.status_code == 202, answer.text
    assert wait_for(site, answer.headers["location"], timeout=120)["state"] == "failed"
    values["evaluation"] = answer.json()["id"]


# What the let-through pass does before a state-changing operation, so that it succeeds on a
# throwaway object and leaves A's dataset, version, file, tokens and members as they were.
LET_THROUGH_SETUP = {
    "DELETE /api/v1/tokens/{token_id}": _revocable,
    "DELETE /api/v1/orgs/{org}/members/{user}": _member_to_remove,
    "PUT /api/v1/orgs/{org}/datasets/{dataset}/versions/{version}": _into_scratch,
    "PUT /api/v1/orgs/{org}/datasets/{dataset}/versions/{version}/files/{name}": _into_scratch,
    "PUT /api/v1/orgs/{org}/datasets/{dataset}/versions/{version}/archive": _into_scratch,
    "DELETE /api/v1/orgs/{org}/datasets/{dataset}/versions/{version}/files/{name}": _file_to_delete,
    "POST /api/v1/admin/evaluations/{evaluation}/retry": _failed_evaluation,
}


def _undo(world: World, op: Operation, values: dict[str, str], answer: httpx.Response) -> None:
    """Put back what a let-through operation changed that later checks rely on."""
    if str(op) == "POST /api/v1/orgs/{org}/evaluations" and answer.status_code == 202:
        world.site.post(f"/api/v1/orgs/{values['org']}/evaluations/{answer.json()['id']}/cancel")
    if str(op) == "PUT /api/v1/orgs/{org}/cards/{digest}/publication" and answer.status_code == 200:
        assert world.site.delete(f"/api/v1/orgs/{values['org']}/cards/{values['digest']}/publication").is_success


def test_the_right_roles_are_let_through(world):
    """Every role the x-required-role names, and the site admin, succeed (2xx) in their own
    organisation; anyone may call a public operation (no 401 or 403)."""
    wrong, done = [], set()
    for op in OPERATIONS:
        callers = {f"A's {role}": world.a.members[role] for role in ALLOWED[op.role]}
        callers["the site admin"] = world.site
        if op.role == "none":
            callers["anyone"] = world.api(None)
        for who, api in callers.items():
            token_id = api.get("/api/v1/me").json()["token"] if who != "anyone" else "none"
            values = world.a.values(token_id, world.spare)
            if str(op) in LET_THROUGH_SETUP:
                LET_THROUGH_SETUP[str(op)](world, op, api, values)
            answer = world.call(api, op, values)
            _undo(world, op, values, answer)
            done.add(str(op))
            if who == "anyone":
                if answer.status_code in (401, 403) or answer.status_code >= 500:
                    wrong.append(f"{op} as {who}: {answer.status_code} {answer.text[:160]}")
            elif not answer.is_success:
                wrong.append(f"{op} as {who}: {answer.status_code} {answer.text[:160]}")
    assert not wrong, "\n".join(wrong)
    assert done == {str(op) for op in OPERATIONS}


def test_another_organisations_resources_are_404(world):
    """As A's admin, every organisation-held path parameter given B's value, one at a time and all
    at once, answers 404: never 403 (which would say it exists) nor success."""
    a, b = world.a, world.b
    mine = a.values(a.token_ids["admin"], world.spare)
    theirs = b.values(b.token_ids["admin"], world.spare)
    admin = a.members["admin"]
    wrong, swept = [], set()
    for op in OPERATIONS:
        if op.role == "site-admin" or not op.swept:
            continue
        cases = {p: {**mine, p: theirs[p]} for p in op.swept}
        cases["all of B's"] = {**mine, **{p: theirs[p] for p in op.swept}}
        for case, values in cases.items():
            if found := problem(world.call(admin, op, values), 404):
                wrong.append(f"{op} with B's {case}: {found}")
        swept.add(str(op))
    # A request body naming B's dataset in A's organisation.
    answer = admin.post(f"/api/v1/orgs/{a.org}/evaluations",
                        json={"dataset": b.dataset, "version": b.version, "standard": STANDARD})
    if found := problem(answer, 404):
        wrong.append(f"POST /api/v1/orgs/{{org}}/evaluations naming B's dataset: {found}")
    # B's Idempotency-Key in A gives A's evaluation (keys are per organisation), never B's.
    answer = admin.post(f"/api/v1/orgs/{a.org}/evaluations", headers={"Idempotency-Key": world.key},
                        json={"dataset": a.dataset, "version": a.version, "standard": STANDARD})
    if answer.status_code != 202 or answer.json()["id"] != a.evaluation:
        wrong.append(f"POST /api/v1/orgs/{{org}}/evaluations with B's Idempotency-Key: {answer.text[:160]}")
    assert not wrong, "\n".join(wrong)
    assert swept == {str(op) for op in OPERATIONS if op.role != "site-admin" and op.swept}
    assert {"org", "dataset", "version", "name", "evaluation", "digest", "ref", "token_id"} <= {
        p for op in OPERATIONS if str(op) in swept for p in op.swept}
    # Nothing of B's changed: B's admin token still works (A could not revoke it), B's card is
    # still unpublished, B's file is still there and B's evaluation not cancelled.
    b_admin = b.members["admin"]
    assert b_admin.get("/api/v1/me").status_code == 200
    assert [c["published"] for c in b_admin.get(f"/api/v1/orgs/{b.org}/cards").json()["items"]] == [None]
    files = b_admin.get(f"/api/v1/orgs/{b.org}/datasets/{b.dataset}/versions/{b.version}").json()["files"]
    assert sorted(f["name"] for f in files) == sorted(["datapackage.json", b.file])
    assert b_admin.get(f"/api/v1/orgs/{b.org}/evaluations/{b.evaluation}").json()["state"] == "succeeded"


def test_non_members_get_404_on_an_organisations_operations(world):
    """A user of no organisation, and B's admin, see A's organisation as missing on every operation
    that names it."""
    values = world.a.values(world.a.token_ids["admin"], world.spare)
    wrong, swept = [], set()
    for op in OPERATIONS:
        if "org" not in op.params:
            continue
        for who, api in (("no organisation's user", world.outsider), ("B's admin", world.b.members["admin"])):
            if found := problem(world.call(api, op, values, side=world.a), 404):
                wrong.append(f"{op} as {who}: {found}")
        swept.add(str(op))
    assert not wrong, "\n".join(wrong)
    assert len(swept) >= 20


def _listed(api: Api, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a paged listing, following ``next``."""
    items, cursor = [], None
    while True:
        answer = api.get(path, params={**params, "limit": 200, **({"cursor": cursor} if cursor else {})})
        assert answer.status_code == 200, answer.text
        items += answer.json()["items"]
        cursor = answer.json()["next"]
        if not cursor:
            return items


def _public_digests(world: World) -> tuple[set[str], set[str]]:
    """The digests the public listing and the leaderboard show (after checking each is published)."""
    anyone = world.api(None)
    listed = _listed(anyone, "/api/v1/cards") + _listed(anyone, "/api/v1/cards", standard=STANDARD)
    board = anyone.get(f"/api/v1/leaderboards/{STANDARD}").json()["rows"]
    assert all(card["published"] for card in listed + board), "an unpublished card in a public listing"
    return {card["digest"] for card in listed}, {row["digest"] for row in board}


def test_unpublished_cards_stay_private(world):
    a, b = world.a, world.b
    anyone = world.api(None)
    # B's card is real (B sees it) …
    assert b.members["evaluator"].get(f"/api/v1/cards/{b.digest}").status_code == 200
    # … and to everyone outside B it does not exist, in every format.
    for who, api in (("A's admin", a.members["admin"]), ("A's publisher", a.members["publisher"]),
                     ("anyone", anyone), ("no organisation's user", world.outsider)):
        for suffix in ("", ".json", ".html", ".md", ".svg"):
            assert problem(api.get(f"/api/v1/cards/{b.digest}{suffix}"), 404) is None, (who, suffix)
    assert problem(anyone.get(f"/api/v1/cards/{a.digest}"), 404) is None
    assert b.digest not in {c["digest"] for c in _listed(a.members["admin"], f"/api/v1/orgs/{a.org}/cards")}
    for verb in ("put", "delete"):
        answer = getattr(a.members["admin"], verb)(f"/api/v1/orgs/{a.org}/cards/{b.digest}/publication")
        assert problem(answer, 404) is None, answer.text
    listed, board = _public_digests(world)
    assert {a.digest, b.digest} & (listed | board) == set()

    # The control: once A publishes its card, the public sees it, listed and ranked; unpublished, gone.
    assert a.members["publisher"].put(f"/api/v1/orgs/{a.org}/cards/{a.digest}/publication").status_code == 200
    try:
        listed, board = _public_digests(world)
        assert a.digest in listed and a.digest in board and b.digest not in listed | board
        assert anyone.get(f"/api/v1/cards/{a.digest}").status_code == 200
    finally:
        assert a.members["publisher"].delete(f"/api/v1/orgs/{a.org}/cards/{a.digest}/publication").status_code == 200
    listed, board = _public_digests(world)
    assert a.digest not in listed | board
    assert problem(anyone.get(f"/api/v1/cards/{a.digest}"), 404) is None
    assert [c["published"] for c in b.members["admin"].get(f"/api/v1/orgs/{b.org}/cards").json()["items"]] == [None]
