"""Shared, expensive things of the service tests, made once per run: the PostgreSQL cluster, and one
running service per database (each with 4 workers), which tests share by using organisations of
their own."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import pytest

from tests.service.live import LiveService, fresh_database

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import pgcluster  # noqa: E402 - tests/pgcluster.py, stdlib only (CI runs it before the venv exists)

DATABASES = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def postgres_cluster(tmp_path_factory) -> str:
    """The URL of a PostgreSQL cluster: $DSBENCH_TEST_POSTGRES (.ci/run starts one), else one started
    here. Without PostgreSQL on the machine the PostgreSQL cases skip, unless
    $DSBENCH_REQUIRE_POSTGRES is set (CI): then they fail."""
    given = os.environ.get("DSBENCH_TEST_POSTGRES")
    if given:
        yield given
        return
    if not pgcluster.available():
        if os.environ.get("DSBENCH_REQUIRE_POSTGRES"):
            pytest.fail("PostgreSQL is required ($DSBENCH_REQUIRE_POSTGRES) but its binaries are not installed")
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql); .ci/run installs it")
    directory = tmp_path_factory.mktemp("pgcluster")
    url = pgcluster.start(directory)
    yield url
    pgcluster.stop(directory)


def database_url(kind: str, request) -> str:
    return "" if kind == "sqlite" else fresh_database(request.getfixturevalue("postgres_cluster"))


def start_service(kind: str, request, tmp_path_factory, workers: int = 0, limits: tuple[str, ...] = ()) -> LiveService:
    data_dir = tmp_path_factory.mktemp(f"service-{kind}") / "data"
    return LiveService(data_dir, database_url(kind, request), workers, limits).start()


@pytest.fixture(scope="session", params=DATABASES)
def service(request, tmp_path_factory) -> LiveService:
    """A running service with 4 workers, over SQLite and then PostgreSQL."""
    live = start_service(request.param, request, tmp_path_factory, workers=4, limits=("heartbeat_s=1",))
    yield live
    live.stop()


@pytest.fixture
def org_name() -> str:
    """A fresh organisation name: tests sharing a service keep out of each other's way."""
    return f"org-{secrets.token_hex(4)}"


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    """Headless Chromium (tests/devtools.py), one per test module, allowed to reach the loopback
    service."""
    from tests.devtools import start_browser

    browser = start_browser(tmp_path_factory.mktemp("chromium"), offline=False)
    try:
        yield browser
    finally:
        browser.close()
