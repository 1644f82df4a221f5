"""A real dsbench service for the tests: ``dsbench serve`` in a subprocess on a free loopback port,
over SQLite or a fresh PostgreSQL database, and a small client that speaks to it as any user would."""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

TOKEN_LINE = re.compile(r"site admin token \(shown once; keep it\): (dsb_\S+)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_database(cluster_url: str) -> str:
    """A new empty database in the test cluster; its URL."""
    import psycopg

    name = f"svc_{secrets.token_hex(4)}"
    with psycopg.connect(cluster_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return cluster_url.rsplit("/", 1)[0] + "/" + name


@dataclass
class Api:
    """Requests to the service as one token's holder; each returns the httpx response."""

    url: str
    token: str | None = None
    client: httpx.Client = field(default=None, repr=False)

    def __post_init__(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        self.client = httpx.Client(base_url=self.url, headers=headers, timeout=60)

    def __getattr__(self, method: str) -> Any:  # get, post, put, delete …
        return getattr(self.client, method)

    def as_(self, token: str | None) -> "Api":
        return Api(self.url, token)


@dataclass
class LiveService:
    """``dsbench serve`` running; ``admin`` is an Api with the site admin's token."""

    data_dir: Path
    database: str  # "" for SQLite in the data directory
    workers: int = 0
    limits: tuple[str, ...] = ()
    process: subprocess.Popen | None = None
    port: int = 0
    admin_token: str = ""
    log: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def kind(self) -> str:
        return "postgresql" if self.database else "sqlite"

    def start(self, timeout: float = 60.0) -> "LiveService":
        self.port = free_port()
        self.log = self.data_dir.parent / f"{self.data_dir.name}.log"
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.pop("DSBENCH_DATABASE", None)
        if self.database:
            env["DSBENCH_DATABASE"] = self.database
        argv = [sys.executable, "-m", "dsbench", "serve", "--no-seed", "--data-dir", str(self.data_dir),
                "--port", str(self.port), "--workers", str(self.workers)]
        for limit in self.limits:
            argv += ["--limit", limit]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env,
                                            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dsbench serve exited: {self.log.read_text()[-2000:]}")
            found = TOKEN_LINE.search(self.log.read_text())
            if found and not self.admin_token:
                self.admin_token = found.group(1)
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200 and (self.admin_token or
                                                                                        self._restarted):
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"dsbench serve did not become healthy: {self.log.read_text()[-2000:]}")

    _restarted = False

    def restart(self) -> "LiveService":
        """Start again over the same data (the admin token printed the first time stays valid)."""
        self.stop()
        self._restarted = True
        return self.start()

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    @property
    def admin(self) -> Api:
        return Api(self.url, self.admin_token)

    def member(self, org: str, user: str, role: str) -> Api:
        """A new user with ``role`` in ``org`` (created when missing) and an Api with their token."""
        admin = self.admin
        if admin.get(f"/api/v1/orgs/{org}").status_code == 404:
            assert admin.post("/api/v1/orgs", json={"name": org, "title": org}).status_code == 201
        assert admin.post("/api/v1/users", json={"name": user}).status_code == 201
        assert admin.put(f"/api/v1/orgs/{org}/members/{user}", json={"role": role}).status_code == 200
        answer = admin.post(f"/api/v1/users/{user}/tokens", json={"name": "tests"})
        assert answer.status_code == 201, answer.text
        return Api(self.url, answer.json()["secret"])


def upload_directory(api: Api, org: str, dataset: str, version: str, directory: Path) -> None:
    """The files of ``directory`` as the version of the dataset (created when missing)."""
    answer = api.post(f"/api/v1/orgs/{org}/datasets", json={"name": dataset})
    assert answer.status_code in (201, 409), answer.text
    for path in sorted(p for p in directory.iterdir() if p.is_file()):
        answer = api.put(f"/api/v1/orgs/{org}/datasets/{dataset}/versions/{version}/files/{path.name}",
                         content=path.read_bytes())
        assert answer.status_code in (200, 201), answer.text


def wait_for(api: Api, location: str, timeout: float = 120.0) -> dict[str, Any]:
    """Poll an evaluation until it is final; the last answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        evaluation = api.get(location).json()
        if evaluation["state"] in ("succeeded", "failed", "cancelled", "timed_out"):
            return evaluation
        time.sleep(0.1)
    raise AssertionError(f"{location} still {evaluation['state']} after {timeout} s")
