"""Where the service keeps its things and the limits it enforces: one object that the web app, the
workers and the command line share."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

GIB = 1024 ** 3
DATABASE_FILE = "service.sqlite"
PEPPER_FILE = "token-pepper"


@dataclass(frozen=True)
class Limits:
    """What one caller or one evaluation may use."""

    max_upload_bytes: int = 2 * GIB         # one file or archive (413 above)
    max_json_bytes: int = 1024 * 1024       # any other request body (413 above)
    requests_per_minute: int = 1200         # per token (429 above)
    evaluation_timeout_s: float = 900.0     # wall clock of one evaluation
    evaluation_memory_bytes: int = 4 * GIB  # address space of one evaluation (RLIMIT_AS)
    lease_s: float = 60.0                   # a job not heartbeaten for this long is re-queued
    heartbeat_s: float = 10.0
    max_attempts: int = 3                   # then the evaluation fails with the reason


def parse_limits(texts: list[str]) -> Limits:
    """``["lease_s=5", …]`` over the default limits; a wrong name or value is a ValueError."""
    known = {f.name: f.type for f in fields(Limits)}
    values: dict[str, float | int] = {}
    for text in texts:
        name, _, value = text.partition("=")
        if name not in known:
            raise ValueError(f"unknown limit {name!r} (limits: {', '.join(known)})")
        try:
            number = int(value) if known[name] == "int" else float(value)
        except ValueError:
            raise ValueError(f"{name} takes a number, not {value!r}") from None
        if number <= 0:
            raise ValueError(f"{name} must be positive, not {value}")
        values[name] = number
    return replace(Limits(), **values)


@dataclass(frozen=True)
class ServiceConfig:
    data_dir: Path
    database_url: str = ""  # empty: SQLite in data_dir
    limits: Limits = field(default_factory=Limits)

    def __post_init__(self) -> None:
        # Absolute: evaluations run in subprocesses with their own working directory.
        object.__setattr__(self, "data_dir", Path(self.data_dir).absolute())

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / DATABASE_FILE}"

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def work_dir(self) -> Path:
        """Scratch space of the evaluations (each job its own directory, removed after)."""
        return self.data_dir / "work"

    def prepare(self) -> None:
        for directory in (self.data_dir, self.blob_dir, self.work_dir):
            directory.mkdir(parents=True, exist_ok=True)

    def pepper(self) -> bytes:
        """The key of the tokens' HMAC. Kept in the data directory, not in the database, so a copy of
        the database alone cannot check guessed tokens. ``DSBENCH_TOKEN_PEPPER`` overrides it (for
        several API servers sharing one PostgreSQL)."""
        given = os.environ.get("DSBENCH_TOKEN_PEPPER")
        if given:
            return given.encode()
        path = self.data_dir / PEPPER_FILE
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_hex(32))
        return path.read_text().strip().encode()
