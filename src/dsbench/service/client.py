"""``dsbench submit``: upload a dataset to a dsbench service, ask for its evaluation, wait for the
card and download it. It speaks HTTP with urllib, so it needs no extra to be installed.

Re-running it on the same files is idempotent: the version label defaults to a digest of the files,
and the evaluation's ``Idempotency-Key`` to a digest of the request, so the service answers with the
evaluation it made before instead of making another.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from dsbench.errors import DsbenchError, shortened

FINAL = ("succeeded", "failed", "cancelled", "timed_out")
DOWNLOADS = {"card.json": ".json", "card.html": ".html", "card.md": ".md", "card.dqv.jsonld": ".jsonld",
             "badge.svg": ".svg", "card.junit.xml": ".xml"}
POLL_S = (0.2, 2.0)


class ServiceError(DsbenchError):
    """The service refused a request or could not be reached."""


@dataclass
class Client:
    server: str
    token: str | None = None
    timeout: float = 60.0

    def request(self, method: str, path: str, body: Any = None, *, data: Any = None, length: int | None = None,
                headers: dict[str, str] | None = None, expect: tuple[int, ...] = (200,)) -> tuple[int, dict, bytes]:
        url = self.server.rstrip("/") + path
        sent = dict(headers or {})
        if self.token:
            sent["Authorization"] = f"Bearer {self.token}"
        if body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        if length is not None:
            sent["Content-Length"] = str(length)
        request = urllib.request.Request(url, data=data, method=method, headers=sent)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                status, answer_headers, content = answer.status, dict(answer.headers), answer.read()
        except urllib.error.HTTPError as error:
            status, answer_headers, content = error.code, dict(error.headers), error.read()
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise ServiceError(f"cannot reach the service: {reason}", source=self.server) from None
        if status not in expect:
            raise ServiceError(f"{method} {path}: {status} {_problem(content)}", source=self.server)
        return status, answer_headers, content

    def json(self, method: str, path: str, body: Any = None, expect: tuple[int, ...] = (200,)) -> Any:
        return json.loads(self.request(method, path, body, expect=expect)[2] or b"null")


def _problem(content: bytes) -> str:
    try:
        document = json.loads(content)
        return shortened(str(document.get("detail") or document.get("title")))
    except (ValueError, AttributeError):
        return shortened(content.decode("utf-8", "replace")) or "(no detail)"


def _files(data: Path) -> list[Path]:
    if data.is_file():
        return [data]
    if not data.is_dir():
        raise DsbenchError("no such file or directory", source=str(data))
    found = sorted(p for p in data.rglob("*") if p.is_file())
    nested = [p for p in found if p.parent != data]
    if nested:
        raise DsbenchError(f"{nested[0].relative_to(data)}: submit sends the files of one directory, not of "
                           "sub-directories", source=str(data))
    if not found:
        raise DsbenchError("the directory has no files", source=str(data))
    return found


def files_digest(files: list[Path]) -> str:
    """A digest of the files' names and contents: the default version label."""
    from dsbench.data.files import file_digest

    whole = hashlib.sha256()
    for path in files:
        whole.update(f"{path.name}\0{file_digest(path)}\n".encode())
    return whole.hexdigest()


def slug(name: str) -> str:
    text = re.sub(r"[^a-z0-9_-]+", "-", name.lower()).strip("-_")
    return text[:64] or "dataset"


def submit(data: str, *, server: str, standard: str, token: str | None, org: str | None = None,
           dataset: str | None = None, version: str | None = None, publish: bool = False, wait: bool = True,
           output: Path | None = None, timeout_s: float = 3600.0,
           report: Callable[[str], None] = lambda line: None) -> dict[str, Any]:
    """Upload ``data``, ask for its evaluation against ``standard`` and (``wait``) wait for it; the
    evaluation as the service shows it last, with ``card_document`` once the card is downloaded."""
    path = Path(data)
    files = _files(path)
    client = Client(server, token)
    if org is None:
        orgs = client.json("GET", "/api/v1/me")["orgs"]
        if len(orgs) != 1:
            names = ", ".join(o["org"] for o in orgs) or "none"
            raise DsbenchError(f"choose the organisation with --org (yours: {names})", location="--org")
        org = orgs[0]["org"]
    name = dataset or slug(path.name if path.is_dir() else path.stem.split(".")[0])
    label = version or files_digest(files)[:16]
    base = f"/api/v1/orgs/{_quoted(org)}/datasets"
    client.request("POST", base, {"name": name}, expect=(201, 409))
    for item in files:
        size = item.stat().st_size
        report(f"uploading {item.name} ({size:,} bytes)")
        with open(item, "rb") as handle:
            client.request("PUT", f"{base}/{_quoted(name)}/versions/{_quoted(label)}/files/{_quoted(item.name)}",
                           data=handle, length=size, headers={"Content-Type": "application/octet-stream"},
                           expect=(200, 201))
    request = {"dataset": name, "version": label, "standard": standard, "publish": publish}
    key = hashlib.sha256(json.dumps({"org": org, **request}, sort_keys=True).encode()).hexdigest()
    _, headers, content = client.request("POST", f"/api/v1/orgs/{_quoted(org)}/evaluations", request,
                                         headers={"Idempotency-Key": key}, expect=(202,))
    evaluation, location = json.loads(content), headers.get("Location") or headers.get("location")
    report(f"evaluation {evaluation['id']}: {evaluation['state']}")
    if not wait:
        return evaluation
    deadline, pause, shown = time.monotonic() + timeout_s, POLL_S[0], evaluation["state"]
    while evaluation["state"] not in FINAL:
        if time.monotonic() > deadline:
            raise ServiceError(f"evaluation {evaluation['id']} did not finish within {timeout_s:g} s "
                               f"(still {evaluation['state']})", source=server)
        time.sleep(pause)
        pause = min(pause * 1.5, POLL_S[1])
        evaluation = client.json("GET", location)
        if evaluation["state"] != shown:
            shown = evaluation["state"]
            report(f"evaluation {evaluation['id']}: {shown}")
    if evaluation["state"] != "succeeded":
        raise ServiceError(f"evaluation {evaluation['id']} {evaluation['state']}: {evaluation['reason']}",
                           source=server)
    downloads = {file: client.request("GET", f"/api/v1/cards/{evaluation['card']}{suffix}")[2]
                 for file, suffix in DOWNLOADS.items()}
    if output is not None:
        from dsbench.files import write_files

        write_files({output / file: content for file, content in downloads.items()})
    return {**evaluation, "card_document": json.loads(downloads["card.json"])}


def _quoted(text: str) -> str:
    return urllib.parse.quote(text, safe="")
