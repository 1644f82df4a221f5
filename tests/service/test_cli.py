"""The service's commands on bad input: one line, exit code 2, nothing half-made."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def dsbench(*args: str, env: dict | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dsbench", *args], capture_output=True, text=True, timeout=120,
                          env=env, input=stdin)


def test_token_makes_a_working_token(service):
    if service.kind != "sqlite":  # the command reads the same store either way; once is enough
        return
    made = dsbench("token", "--data-dir", str(service.data_dir))
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    me = httpx.get(f"{service.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["name"] == "admin" and me.json()["site_admin"]
    missing = dsbench("token", "nobody", "--data-dir", str(service.data_dir))
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "no user 'nobody'" in missing.stderr


def test_unreachable_database_is_one_line(tmp_path):
    run = dsbench("worker", "--data-dir", str(tmp_path / "d"), "--database",
                  "postgresql://nobody:secret-password@127.0.0.1:1/none")
    assert run.returncode == 2 and run.stderr.startswith("dsbench: error: --database: cannot connect to")
    assert "secret-password" not in run.stderr and run.stderr.count("\n") == 1


def test_bad_limit_and_missing_server(tmp_path):
    run = dsbench("serve", "--data-dir", str(tmp_path / "d"), "--limit", "lease_s=-1")
    assert run.returncode == 2 and "lease_s must be positive" in run.stderr
    assert not (tmp_path / "d").exists()
    token = tmp_path / "token"
    token.write_text("dsb_x_y")
    (tmp_path / "empty").mkdir()
    run = dsbench("submit", str(tmp_path / "empty"), "--server", "http://127.0.0.1:1", "--standard",
                  "gbt-36344-2018", "--token-file", str(token))
    assert run.returncode == 2 and "has no files" in run.stderr
    (tmp_path / "a.csv").write_text("x\n1\n")
    run = dsbench("submit", str(tmp_path / "a.csv"), "--server", "http://127.0.0.1:1", "--standard",
                  "gbt-36344-2018", "--token-file", str(token))
    assert run.returncode == 2 and "cannot reach the service" in run.stderr and run.stderr.count("\n") == 1


def test_a_relative_data_dir_works(tmp_path):
    """`make serve` gives a relative --data-dir; the evaluations run in their own directories."""
    from tests.service.live import LiveService, upload_directory, wait_for

    relative = Path("relative-data")
    live = LiveService(relative, "", workers=1)
    env_cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        live.start()
        publisher = live.member("rel", "rel-pub", "publisher")
        upload_directory(publisher, "rel", "penguins", "v1", ROOT / "datasets" / "penguins")
        answer = publisher.post("/api/v1/orgs/rel/evaluations",
                                json={"dataset": "penguins", "version": "v1", "standard": "gbt-36344-2018"})
        done = wait_for(publisher, answer.headers["location"])
        assert done["state"] == "succeeded", done["reason"]
    finally:
        live.stop()
        os.chdir(env_cwd)


def test_password_sets_a_password_the_sign_in_accepts(tmp_path):
    """`dsbench password` (read from stdin when it is not a terminal): the stored argon2id hash
    verifies the new password and no other; a short password or an unknown user is one line, exit 2,
    and changes nothing."""
    from dsbench.service.accounts import check_password
    from dsbench.service.config import ServiceConfig
    from dsbench.service.database import Database
    from dsbench.service.server import bootstrap

    config = ServiceConfig(tmp_path / "data")
    config.prepare()
    bootstrap(config)
    chosen = "correct horse battery"
    run = dsbench("password", "--data-dir", str(config.data_dir), stdin=chosen + "\n")
    assert run.returncode == 0, run.stderr
    for args, stdin, problem in ((["admin"], "short\n", "shorter than 12"),
                                 (["nobody"], "long enough password\n", "no user 'nobody'")):
        refused = dsbench("password", *args, "--data-dir", str(config.data_dir), stdin=stdin)
        assert refused.returncode == 2 and problem in refused.stderr and refused.stderr.count("\n") == 1
    with Database(config.database).transaction() as tx:
        stored = tx.value("SELECT password_hash FROM users WHERE name = 'admin'")
    assert check_password(stored, chosen) and not check_password(stored, "short")
