"""A throwaway PostgreSQL cluster for the tests: ``initdb`` into a directory, ``pg_ctl`` start and stop.

Standard library only, so that CI can run it with a bare ``python3`` before the virtualenv exists::

    python3 tests/pgcluster.py start DIR     # prints postgresql://USER@127.0.0.1:PORT/dsbench
    python3 tests/pgcluster.py stop DIR
    python3 tests/pgcluster.py available     # exit status 0 when the server binaries are found

Layout of DIR: ``data/`` (the cluster), ``postgres.log`` (the server's log) and the server's Unix
socket. The server listens on 127.0.0.1 only, trusts every local connection and is tuned for speed,
not durability (fsync, synchronous_commit and full_page_writes off): its data is meant to be thrown
away.

PostgreSQL refuses to run as root, so as root the commands run as the ``postgres`` OS user: DIR is
chowned to it, and any directory above DIR that it could not enter (pytest's ``/tmp/pytest-of-root``
is 0700) gets the search bit for others (o+x: enter, not list).
"""

from __future__ import annotations

import argparse
import glob
import os
import pwd
import re
import shutil
import socket
import stat
import subprocess
import sys
from pathlib import Path

DATABASE = "dsbench"
SERVER_ACCOUNT = "postgres"  # the OS user that runs the server when we are root
TOOLS = ("initdb", "pg_ctl", "createdb", "postgres")
SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
}
SOCKET_PATH_MAX = 107  # sun_path holds 108 bytes with the terminating NUL
LOG_PREFIX = re.compile(r"^\d{4}-\d\d-\d\d [\d:.]+ \S+ \[\d+\] ")  # log_line_prefix '%m [%p] '
PORT_ATTEMPTS = 3  # a port picked by binding port 0 can be taken before the server binds it


def _is_bindir(directory: Path) -> bool:
    return all(os.access(directory / tool, os.X_OK) and (directory / tool).is_file() for tool in TOOLS)


def _version_key(bindir: str) -> tuple[int, ...]:
    version = Path(bindir).parent.name  # /usr/lib/postgresql/<version>/bin
    return tuple(int(part) for part in re.findall(r"\d+", version)) or (0,)


def _candidates() -> list[Path]:
    found: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            done = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, timeout=30,
                                  stdin=subprocess.DEVNULL)
        except (OSError, subprocess.SubprocessError):
            done = None
        if done is not None and done.returncode == 0 and done.stdout.strip():
            found.append(Path(done.stdout.strip()))
    found += [Path(d) for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)]
    initdb = shutil.which("initdb")
    if initdb:
        found.append(Path(os.path.realpath(initdb)).parent)  # /usr/local/bin/initdb may be a symlink
    return found


def bindir() -> Path | None:
    """The directory holding initdb, pg_ctl, createdb and postgres, or None."""
    return next((d for d in _candidates() if _is_bindir(d)), None)


def available() -> bool:
    """Whether the PostgreSQL server binaries are found."""
    return bindir() is not None


def _tools() -> Path:
    found = bindir()
    if found is None:
        raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) not found: looked at `pg_config --bindir`, "
                           "/usr/lib/postgresql/*/bin and PATH (Debian: apt-get install postgresql)")
    return found


def _account() -> pwd.struct_passwd | None:
    """The OS user to run the server as: None for ourselves, the ``postgres`` user when we are root."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SERVER_ACCOUNT)
    except KeyError:
        raise RuntimeError(f"running as root, and PostgreSQL refuses to run as root, but there is no "
                           f"{SERVER_ACCOUNT!r} OS user to run it as") from None


def _one_line(text: str, lines: int = 4) -> str:
    """The last lines of a program's output or of the server's log, on one line (no log timestamps)."""
    tail = [LOG_PREFIX.sub("", line).strip() for line in text.splitlines()]
    tail = [line for line in tail if line and "database system is shut down" not in line][-lines:]
    joined = " | ".join(tail)
    return joined if len(joined) <= 400 else "…" + joined[-400:]


def _run(argv: list, cwd: Path, timeout: float, check: bool = True) -> subprocess.CompletedProcess:
    """Run a PostgreSQL program (as the ``postgres`` user when we are root), output captured."""
    argv = [str(a) for a in argv]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}  # no PGDATA, PGPORT, PGOPTIONS...
    env["LC_ALL"] = "C"  # messages in English, whatever the caller's locale
    account = _account()
    privileges: dict = {}
    if account is not None:
        env.update(HOME=account.pw_dir, USER=account.pw_name, LOGNAME=account.pw_name)
        privileges = {"user": account.pw_uid, "group": account.pw_gid,
                      "extra_groups": os.getgrouplist(account.pw_name, account.pw_gid)}
    name = Path(argv[0]).name
    try:
        done = subprocess.run(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              errors="replace", timeout=timeout, **privileges)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"{name} did not finish within {timeout:g}s: {' '.join(argv)}") from None
    except OSError as error:
        raise RuntimeError(f"could not run {name}: {error}") from None
    if check and done.returncode != 0:
        raise RuntimeError(f"{name} failed (exit {done.returncode}): {_one_line(done.stderr or done.stdout)}")
    return done


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _can_search(path: Path, account: pwd.struct_passwd) -> bool:
    info = path.stat()
    if info.st_uid == account.pw_uid:
        return bool(info.st_mode & stat.S_IXUSR)
    if info.st_gid in os.getgrouplist(account.pw_name, account.pw_gid):
        return bool(info.st_mode & stat.S_IXGRP)
    return bool(info.st_mode & stat.S_IXOTH)


def _hand_over(directory: Path, account: pwd.struct_passwd) -> None:
    """Make DIR the server account's own, and reachable by it."""
    for parent in reversed(directory.parents):
        if not _can_search(parent, account):
            os.chmod(parent, stat.S_IMODE(parent.stat().st_mode) | stat.S_IXOTH)
    os.chown(directory, account.pw_uid, account.pw_gid)
    os.chmod(directory, 0o700)


def _conf_value(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _log_since(log: Path, offset: int) -> str:
    try:
        with open(log, "rb") as handle:
            handle.seek(offset)
            return handle.read().decode("utf-8", "replace")
    except OSError:
        return ""


def start(directory: Path, port: int | None = None) -> str:
    """Create a cluster in DIR with initdb, start it, create the ``dsbench`` database; return its URL.

    The URL is ``postgresql://USER@127.0.0.1:PORT/dsbench``, USER being the OS user that runs the
    server (``postgres`` when we are root). Without ``port``, a free one is picked.
    """
    tools = _tools()
    account = _account()
    directory = Path(directory).absolute()
    data, log = directory / "data", directory / "postgres.log"
    if (data / "PG_VERSION").exists():
        raise RuntimeError(f"{data} already holds a cluster: stop it and start in an empty directory")
    directory.mkdir(parents=True, exist_ok=True)
    if account is not None:
        _hand_over(directory, account)
    user = account.pw_name if account is not None else pwd.getpwuid(os.geteuid()).pw_name

    initdb = [tools / "initdb", "-D", data, "-U", user, "--auth=trust", "--encoding=UTF8", "--no-sync",
              "--no-instructions"]
    try:
        _run([*initdb, "--locale=C.UTF-8"], cwd=directory, timeout=300)
    except RuntimeError as error:
        if "locale" not in str(error):
            raise
        _run([*initdb, "--locale=C"], cwd=directory, timeout=300)  # a C library without C.UTF-8
    settings = {"listen_addresses": _conf_value("127.0.0.1"),
                "unix_socket_directories": _conf_value(str(directory)), **SETTINGS}
    with open(data / "postgresql.conf", "a", encoding="utf-8") as conf:
        conf.write("\n# tests/pgcluster.py: a throwaway test cluster\n")
        conf.writelines(f"{key} = {value}\n" for key, value in settings.items())

    for attempt in range(1, PORT_ATTEMPTS + 1):
        chosen = port if port is not None else _free_port()
        socket_path = directory / f".s.PGSQL.{chosen}"
        if len(os.fsencode(socket_path)) > SOCKET_PATH_MAX:
            raise RuntimeError(f"the path of the server's Unix socket, {socket_path}, is longer than "
                               f"{SOCKET_PATH_MAX} bytes: start the cluster in a shorter directory")
        with open(data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(f"port = {chosen}\n")  # the last setting wins
        offset = log.stat().st_size if log.exists() else 0
        done = _run([tools / "pg_ctl", "-D", data, "-l", log, "-w", "-t", "60", "-s", "start"], cwd=directory,
                    timeout=120, check=False)
        if done.returncode == 0:
            break
        logged = _log_since(log, offset)
        if port is None and attempt < PORT_ATTEMPTS and "already in use" in logged:
            continue
        raise RuntimeError(f"pg_ctl start failed (exit {done.returncode}): "
                           f"{_one_line(logged) or _one_line(done.stderr or done.stdout)}")

    try:
        _run([tools / "createdb", "-h", "127.0.0.1", "-p", chosen, "-U", user, DATABASE], cwd=directory, timeout=60)
    except RuntimeError:
        stop(directory)
        raise
    return f"postgresql://{user}@127.0.0.1:{chosen}/{DATABASE}"


def stop(directory: Path) -> None:
    """Stop the cluster in DIR at once (``pg_ctl stop -m immediate``); nothing to do if it is not running."""
    directory = Path(directory).absolute()
    data = directory / "data"
    if not (data / "postmaster.pid").exists():
        return
    tools = _tools()
    pg_ctl = [tools / "pg_ctl", "-D", data]
    done = _run([*pg_ctl, "-m", "immediate", "-w", "-t", "60", "-s", "stop"], cwd=directory, timeout=120,
                check=False)
    if done.returncode == 0:
        return
    if _run([*pg_ctl, "status"], cwd=directory, timeout=60, check=False).returncode == 3:
        return  # not running: a stale postmaster.pid
    raise RuntimeError(f"pg_ctl stop failed (exit {done.returncode}): {_one_line(done.stderr or done.stdout)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pgcluster", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    started = commands.add_parser("start", help="create and start a cluster in DIR; print its URL")
    started.add_argument("directory", type=Path)
    started.add_argument("--port", type=int, default=None, help="default: a free port")
    commands.add_parser("stop", help="stop the cluster in DIR").add_argument("directory", type=Path)
    commands.add_parser("available", help="exit status 0 when the server binaries are found")
    args = parser.parse_args(argv)
    try:
        if args.command == "start":
            print(start(args.directory, args.port))
        elif args.command == "stop":
            stop(args.directory)
        else:
            return 0 if available() else 1
    except RuntimeError as error:
        print(f"pgcluster: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
