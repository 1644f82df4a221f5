"""Property-based fuzzing of every operation of the committed OpenAPI document (docs/openapi.json)
with Schemathesis, against a real ``dsbench serve`` over SQLite and PostgreSQL, as the site admin:
no answer is a server error (5xx), and every answer with a documented status matches its schema.

Each operation is fuzzed three ways, derandomized (the same cases every run), without shrinking:
valid data with its path parameters naming real objects (an organisation with a dataset, a version,
a file, a succeeded evaluation and its card), so the generated bodies and queries reach the
handler; invalid data (negative mode) with the same path parameters; and valid data with generated
path parameters too. Then, since random generation seldom makes them, values that once failed the
service are tried on every operation that takes text: a NUL character in each parameter and body
field, and cursors holding numbers past 64 bits."""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.service.live import Api, LiveService, upload_directory, wait_for

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
OPERATIONS = [(method.upper(), path) for path, methods in sorted(DOCUMENT["paths"].items())
              for method in sorted(methods)]
STANDARD = "gbt-36344-2018"
# Cases per operation and way; DSBENCH_FUZZ_EXAMPLES=500 for a longer search (still derandomized).
MAX_EXAMPLES = int(os.environ.get("DSBENCH_FUZZ_EXAMPLES", "15"))
CHECKS = [not_a_server_error, response_schema_conformance]
# Archives are bytes as any upload (the generated ones are not archives: unpacking must refuse them).
schemathesis.serializer.alias(["application/zip", "application/gzip"], "application/octet-stream")
SETTINGS = hypothesis.settings(max_examples=MAX_EXAMPLES, derandomize=True, database=None, deadline=None,
                               phases=[Phase.explicit, Phase.generate], print_blob=False,
                               suppress_health_check=list(HealthCheck))


@dataclass
class Target:
    service: LiveService
    site: Api
    schema: Any
    params: dict[str, str]  # a real object for every path parameter

    def token(self) -> str:
        """A new token of the site admin: each fuzzed operation has its own rate-limit bucket, and
        revoking it (DELETE /api/v1/tokens/{token_id} is fuzzed too) hurts no one else."""
        answer = self.site.post("/api/v1/tokens", json={"name": "fuzz"})
        assert answer.status_code == 201, answer.text
        return answer.json()["secret"]


@pytest.fixture(scope="module")
def target(service, tmp_path_factory) -> Target:
    org = f"fuzz-{secrets.token_hex(4)}"
    publisher = service.member(org, f"{org}-publisher", "publisher")
    directory = tmp_path_factory.mktemp("fuzz") / "fuzzed"
    directory.mkdir()
    (directory / "data.csv").write_text("id,label,value\n1,a,0.5\n2,b,1.5\n3,c,\n", encoding="utf-8")
    (directory / "datapackage.json").write_text(json.dumps({"name": "fuzzed", "resources": [
        {"name": "data", "path": "data.csv"}]}), encoding="utf-8")
    upload_directory(publisher, org, "fuzzed", "v1", directory)
    answer = publisher.post(f"/api/v1/orgs/{org}/evaluations",
                            json={"dataset": "fuzzed", "version": "v1", "standard": STANDARD})
    assert answer.status_code == 202, answer.text
    done = wait_for(publisher, answer.headers["location"])
    assert done["state"] == "succeeded", done
    site = service.admin
    spare = f"{org}-spare"
    assert site.post("/api/v1/users", json={"name": spare}).status_code == 201
    assert site.put(f"/api/v1/orgs/{org}/members/{spare}", json={"role": "evaluator"}).status_code == 200
    throwaway = site.post("/api/v1/tokens", json={"name": "fuzz: revoke me"}).json()["id"]
    params = {"org": org, "dataset": "fuzzed", "version": "v1", "name": "data.csv", "evaluation": done["id"],
              "digest": done["card"], "ref": done["card"], "token_id": throwaway, "user": spare,
              "standard": STANDARD}
    yield Target(service, site, schemathesis.openapi.from_dict(DOCUMENT), params)
    # The fuzzer may have published the card: take it off the public listings other tests read.
    site.delete(f"/api/v1/orgs/{org}/cards/{done['card']}/publication")


def _fuzz(target: Target, operation: Any, mode: GenerationMode, path_parameters: dict[str, str] | None,
          token: str) -> int:
    """Run the fuzzer one way over ``operation``; how many cases it sent."""
    sent = 0
    strategy = operation.as_strategy(mode, path_parameters=path_parameters)

    @SETTINGS
    @given(case=strategy)
    def fuzz(case: Any) -> None:
        nonlocal sent
        headers = {"Authorization": f"Bearer {token}"}
        response = case.call(base_url=target.service.url, headers=headers, timeout=60)
        sent += 1
        case.validate_response(response, checks=CHECKS, headers=headers)

    fuzz()
    return sent


@pytest.mark.parametrize("method,path", OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_server_error(target, method, path):
    """Valid data naming real objects; invalid data in the JSON body or the query, with real objects
    (path parameters and uploaded bytes take anything, so none of them is invalid); valid data with
    generated path parameters."""
    operation = target.schema[path][method]
    parameters = DOCUMENT["paths"][path][method.lower()].get("parameters", [])
    names = [p["name"] for p in parameters if p["in"] == "path"]
    real = {name: target.params[name] for name in names}
    ways = [("valid data, real objects", GenerationMode.POSITIVE, real)]
    media = DOCUMENT["paths"][path][method.lower()].get("requestBody", {}).get("content", {})
    if "application/json" in media or any(p["in"] == "query" for p in parameters):
        ways.append(("invalid data, real objects", GenerationMode.NEGATIVE, real))
    if names:
        ways.append(("valid data, generated path parameters", GenerationMode.POSITIVE, None))
    token = target.token()
    for way, mode, fixed in ways:
        sent = _fuzz(target, operation, mode, fixed, token)
        assert sent >= 1, f"{method} {path}: no case sent ({way})"


# -- values random generation seldom makes: a NUL character (PostgreSQL stores no text with one),
# and cursors holding numbers past 64 bits (SQLite stores none).
NUL = "a\x00b"
NUL_IN_PATH = "a%00b"
VALID_BODIES = {
    "POST /api/v1/users": lambda: {"name": f"fuzz-{secrets.token_hex(4)}", "password": "a long password 1"},
    "POST /api/v1/users/{user}/tokens": lambda: {"name": "fuzz"},
    "POST /api/v1/tokens": lambda: {"name": "fuzz"},
    "POST /api/v1/orgs": lambda: {"name": f"fuzz-{secrets.token_hex(4)}", "title": "fuzz"},
    "PUT /api/v1/orgs/{org}/members/{user}": lambda: {"role": "evaluator"},
    "POST /api/v1/orgs/{org}/datasets": lambda: {"name": f"fuzz-{secrets.token_hex(4)}", "title": "fuzz"},
    "POST /api/v1/orgs/{org}/evaluations": lambda: {"dataset": "fuzzed", "version": "v1", "standard": STANDARD,
                                                     "suites": []},
}


def _cursor(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


HOSTILE_CURSORS = [_cursor(v) for v in ([2 ** 70, "x"], [-(2 ** 70), "x"], [2 ** 63, "x"], "\x00", [1, "\x00"])]


def _string_fields(schema: dict[str, Any]) -> list[str]:
    """The properties of a JSON body's schema that take text."""
    if "$ref" in schema:
        schema = DOCUMENT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    fields = []
    for name, field in schema.get("properties", {}).items():
        kinds = [field] + field.get("anyOf", [])
        if any(kind.get("type") == "string" for kind in kinds):
            fields.append(name)
    return fields


def _hostile_requests(method: str, path: str, params: dict[str, str]) -> list[tuple[str, dict[str, Any]]]:
    """(what, httpx keyword arguments) of requests with one hostile value each, the rest valid."""
    spec = DOCUMENT["paths"][path][method.lower()]
    names = [p["name"] for p in spec.get("parameters", []) if p["in"] == "path"]
    queries = [p for p in spec.get("parameters", []) if p["in"] == "query"]
    media = spec.get("requestBody", {}).get("content", {})
    key = f"{method} {path}"

    def request(path_values: dict[str, str], query: dict[str, str], body: dict[str, Any] | None = None):
        arguments: dict[str, Any] = {"url": path.format(**path_values), "params": query}
        if "application/json" in media:
            arguments["json"] = body if body is not None else VALID_BODIES[key]()
        elif media:
            arguments["content"] = b"id\n1\n"
        return arguments

    real = {name: params[name] for name in names}
    required = {p["name"]: params[p["name"]] for p in queries if p.get("required")}
    made = [(f"path {name}", request({**real, name: NUL_IN_PATH}, required)) for name in names]
    made += [(f"query {p['name']}", request(real, {**required, p["name"]: NUL})) for p in queries]
    made += [(f"cursor {cursor}", request(real, {**required, "cursor": cursor}))
             for cursor in HOSTILE_CURSORS if any(p["name"] == "cursor" for p in queries)]
    if "application/json" in media:
        made += [(f"body {field}", request(real, required, {**VALID_BODIES[key](), field: NUL}))
                 for field in _string_fields(media["application/json"]["schema"])]
    return made


def test_hostile_values_are_refused_not_failed_on(target):
    """Every operation, with a NUL character in each path parameter, query parameter and text field
    of its body in turn (and cursors past 64 bits), answers 422 on either database: never a server
    error (PostgreSQL stores no NUL, SQLite no integer past 64 bits), nor a success on one database
    and not on the other."""
    wrong, tried = [], set()
    headers = {"Authorization": f"Bearer {target.token()}"}
    for method, path in OPERATIONS:
        for what, arguments in _hostile_requests(method, path, target.params):
            with httpx.Client(base_url=target.service.url, headers=headers, timeout=60) as client:
                answer = client.request(method, **arguments)  # a connection of its own: a 500 closes it
            tried.add(f"{method} {path}")
            if answer.status_code != 422 or answer.headers["content-type"] != "application/problem+json":
                wrong.append(f"{method} {path} with a hostile {what}: {answer.status_code} {answer.text[:120]}")
    assert not wrong, "\n".join(wrong)
    specs = {f"{method} {path}": DOCUMENT["paths"][path][method.lower()] for method, path in OPERATIONS}
    taking_text = {name for name, spec in specs.items()
                   if spec.get("parameters") or "application/json" in spec.get("requestBody", {}).get("content", {})}
    assert tried == taking_text and len(tried) >= 25
