"""``serve``, ``worker`` and ``submit``: the evaluation service, its workers, and its client."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Optional

import typer

from dsbench.cli.options import LANGUAGE, QUIET, STANDARD

DATA_DIR = typer.Option(Path(".dsbench-service"), "--data-dir", help="Where the service keeps its database (SQLite), "
                        "token pepper and content-addressed files.")
DATABASE = typer.Option(None, "--database", envvar="DSBENCH_DATABASE", metavar="URL",
                        help="postgresql://… to keep the service's data in PostgreSQL (default: SQLite in the data "
                        "directory). Also read from $DSBENCH_DATABASE.")


LIMITS = typer.Option([], "--limit", metavar="NAME=VALUE", help="Change a limit (repeatable): max_upload_bytes, "
                      "max_json_bytes, requests_per_minute, evaluation_timeout_s, evaluation_memory_bytes, lease_s, "
                      "heartbeat_s, max_attempts.")


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(worker)
    app.command()(submit)
    app.command("token")(token)
    app.command("password")(password)


def _config(data_dir: Path, database: Optional[str], limits: list[str]):
    from dsbench.errors import DsbenchError

    try:
        import fastapi  # noqa: F401 - only to tell a missing extra at once
        from dsbench.service.config import ServiceConfig, parse_limits
    except ImportError as error:  # pragma: no cover - the extra is missing
        raise DsbenchError(f"the service needs its extra: pip install 'dsbench[service]' ({error})") from None
    try:
        return ServiceConfig(data_dir, database or "", parse_limits(limits))
    except ValueError as error:
        raise DsbenchError(str(error), location="--limit") from None


def _database_errors(action):
    from dsbench.errors import DsbenchError
    from dsbench.service.database import DatabaseError

    try:
        return action()
    except DatabaseError as error:
        raise DsbenchError(str(error), location="--database") from None


def serve(
    data_dir: Path = DATA_DIR,
    database: Optional[str] = DATABASE,
    host: str = typer.Option("127.0.0.1", "--host", help="The address to listen on."),
    port: int = typer.Option(8000, "--port", help="The port to listen on."),
    workers: int = typer.Option(2, "--workers", min=0, help="Worker processes running evaluations."),
    no_seed: bool = typer.Option(False, "--no-seed", help="Do not seed the bundled datasets' published cards."),
    limit: list[str] = LIMITS,
) -> None:
    """Run the evaluation service: the HTTP API, its store and workers. The first start creates the
    site admin and prints their token once, then seeds the bundled datasets' cards."""
    from dsbench.service.server import serve as run

    config = _config(data_dir, database, limit)
    _database_errors(lambda: run(config, host=host, port=port, workers=workers, report=typer.echo,
                                 seed_samples=not no_seed))


def worker(
    data_dir: Path = DATA_DIR,
    database: Optional[str] = DATABASE,
    limit: list[str] = LIMITS,
) -> None:
    """Run one worker: claims queued evaluations and runs each in a process of its own. Start more on
    other machines against the same PostgreSQL database and data directory (its blobs)."""
    from dsbench.service.worker import Worker, stop_with_supervisor

    config = _config(data_dir, database, limit)

    def run() -> None:
        config.prepare()
        found = Worker(config)
        found.db.migrate()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: found.stop.set())
        stop_with_supervisor()
        found.run()

    _database_errors(run)


def submit(
    data: str = typer.Argument(..., help="The dataset: a file, or a directory of files (with its manifest)."),
    server: str = typer.Option(..., "--server", envvar="DSBENCH_SERVER", help="The service's URL."),
    standard: str = STANDARD,
    token_file: Optional[Path] = typer.Option(None, "--token-file", help="A file holding the API token "
                                              "(default: $DSBENCH_TOKEN)."),
    org: Optional[str] = typer.Option(None, "--org", help="The organisation (default: your only one)."),
    dataset: Optional[str] = typer.Option(None, "--dataset", help="The dataset's name in the service "
                                          "(default: from DATA's name)."),
    version: Optional[str] = typer.Option(None, "--version", help="The version label (default: a digest of "
                                          "the files, so the same files are one version)."),
    publish: bool = typer.Option(False, "--publish", help="Publish the card when it is made."),
    wait: bool = typer.Option(False, "--wait", help="Wait for the card, download it and exit as `dsbench check`."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="With --wait: write card.json and its "
                                          "renderings here."),
    min_score: Optional[float] = typer.Option(None, "--min-score", help="Fail below this overall score."),
    min_grade: Optional[str] = typer.Option(None, "--min-grade", help="Fail below this grade."),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", help="Fail when an expectation of this severity "
                                          "(critical, or warning) failed."),
    lang: str = LANGUAGE,
    quiet: bool = QUIET,
) -> None:
    """Evaluate DATA on a dsbench service: upload, start the evaluation, and with --wait show its
    progress, download the card and exit 0 (passed), 1 (a gate or bar failed) or 2 (refused)."""
    from dsbench.errors import DsbenchError
    from dsbench.i18n import t
    from dsbench.scoring.gates import check_fail_on, gate_problems
    from dsbench.service.client import submit as run

    check_fail_on(fail_on)
    if token_file is not None:
        try:
            token = token_file.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise DsbenchError(f"cannot read the token: {error.strerror}", source=str(token_file)) from None
    else:
        token = os.environ.get("DSBENCH_TOKEN")
    report = (lambda line: None) if quiet else (lambda line: typer.echo(line, err=True))
    found = run(data, server=server, standard=standard, token=token, org=org, dataset=dataset, version=version,
                publish=publish, wait=wait, output=output, report=report)
    if not wait:
        typer.echo(f"{server.rstrip('/')}/api/v1/orgs/{found['org']}/evaluations/{found['id']}")
        return
    card = found["card_document"]
    if not quiet:
        typer.echo(f"{card['dataset']['name']} × {card['standard']['id']}: score {card['score']} "
                   f"grade {card['grade']}  {found['card']}")
    problems = gate_problems(card, min_score=min_score, min_grade=min_grade, fail_on=fail_on,
                             standard=standard, lang=lang)
    for problem in problems:
        typer.echo(t("check_failed", lang, problem=problem))
    raise typer.Exit(1 if problems else 0)


def token(
    user: str = typer.Argument("admin", help="The user the token is for."),
    data_dir: Path = DATA_DIR,
    database: Optional[str] = DATABASE,
    name: str = typer.Option("made by dsbench token", "--name", help="What the token is for."),
) -> None:
    """Print a new API token of USER (default: the site admin), made directly in the service's store:
    for whoever runs the service on this machine, e.g. when the first token was lost."""
    from dsbench.errors import DsbenchError

    config = _config(data_dir, database, [])

    def issue() -> str:
        from dsbench.service.accounts import issue_token
        from dsbench.service.database import Database

        db = Database(config.database)
        db.migrate()
        with db.transaction(write=True) as tx:
            found = tx.one("SELECT id FROM users WHERE name = ?", (user,))
            if found is None:
                raise DsbenchError(f"no user {user!r} in {db.display}")
            return issue_token(tx, config.pepper(), found["id"], name)[1]

    typer.echo(_database_errors(issue))


MIN_PASSWORD = 12  # as the API's (models.NewUser)


def password(
    user: str = typer.Argument("admin", help="The user whose password is set."),
    data_dir: Path = DATA_DIR,
    database: Optional[str] = DATABASE,
) -> None:
    """Set USER's password for signing in on the web pages (default: the site admin), directly in
    the service's store. Asked twice on a terminal; otherwise read from the first line of stdin."""
    import sys

    from dsbench.errors import DsbenchError

    config = _config(data_dir, database, [])
    if sys.stdin.isatty():
        chosen = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    else:
        chosen = sys.stdin.readline().rstrip("\r\n")
    if len(chosen) < MIN_PASSWORD:
        raise DsbenchError(f"the password is shorter than {MIN_PASSWORD} characters")

    def store() -> str:
        from dsbench.service.accounts import hash_password
        from dsbench.service.database import Database

        db = Database(config.database)
        db.migrate()
        with db.transaction(write=True) as tx:
            if tx.one("SELECT id FROM users WHERE name = ?", (user,)) is None:
                raise DsbenchError(f"no user {user!r} in {db.display}")
            tx.execute("UPDATE users SET password_hash = ? WHERE name = ?", (hash_password(chosen), user))
        return f"{user} may now sign in at /signin"

    typer.echo(_database_errors(store))
