"""The throwaway PostgreSQL cluster of tests/pgcluster.py: it starts, serves on 127.0.0.1 only, keeps a
row, and is gone after stop. Skipped without PostgreSQL, unless DSBENCH_REQUIRE_POSTGRES=1 (CI)."""

from __future__ import annotations

import os
import re
import socket

import pytest

from tests import pgcluster

REQUIRED = os.environ.get("DSBENCH_REQUIRE_POSTGRES") == "1"


def need(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"DSBENCH_REQUIRE_POSTGRES=1 but {reason}")
    pytest.skip(reason)


def test_cluster_starts_serves_and_stops(tmp_path):
    if not pgcluster.available():
        need("no PostgreSQL server binaries (initdb, pg_ctl)")
    try:
        import psycopg
    except ImportError:
        need("psycopg (3) is not installed")

    url = pgcluster.start(tmp_path)
    try:
        match = re.fullmatch(r"postgresql://([^@/:]+)@127\.0\.0\.1:(\d+)/dsbench", url)
        assert match, url
        port = int(match[2])
        with psycopg.connect(url, connect_timeout=10, autocommit=True) as connection:
            connection.execute("CREATE TABLE runs (id integer PRIMARY KEY, name text NOT NULL)")
            connection.execute("INSERT INTO runs VALUES (%s, %s)", (1, "企鹅 penguins"))
            assert connection.execute("SELECT id, name FROM runs").fetchall() == [(1, "企鹅 penguins")]
            assert connection.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)
            assert connection.execute("SHOW server_encoding").fetchone() == ("UTF8",)
            assert connection.execute("SELECT current_user").fetchone() == (match[1],)
    finally:
        pgcluster.stop(tmp_path)

    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    pgcluster.stop(tmp_path)  # stopping a stopped cluster is not an error
