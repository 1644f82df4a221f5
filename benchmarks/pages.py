"""The service's web pages, each timed by the server (its ``Server-Timing: app;dur=``) and by the client
(round trip), over SQLite and PostgreSQL; then a leaderboard of 1,000 published cards. Written as the
section ``pages`` of benchmarks/RESULTS.md.

1. A service started as ``make serve`` starts it: ``dsbench serve`` with seeding, 2 workers (the
   bundled datasets × the shipped standards: 12 published cards, the campaign ``samples``).
2. The site admin gets a password (``dsbench password admin``), signs in through /signin as a browser
   does (the form's CSRF token, then name and password) and saves a draft standard in the samples
   workspace (gbt-36344-2018 as its version "2026-draft").
3. Every page, signed out (the public ones, the 404 page, /signin) or signed in (a member's, the
   workspace's, the site admin's): 2 requests not recorded, then 10; the median of the server's time
   and of the round trip. Every answer's status is checked (200, 404 for the 404 page): a broken page
   cannot pass as fast.
4. 1,000 more published cards of gbt-36344-2018, written straight into the service's store with its
   own modules (as the worker keeps a card: the card's JSON blob, its renderings and the cards row) in
   an organisation of their own, one dataset with one version each: each a seeded card's document with
   its dataset's name changed and its scores and grade perturbed (so each has its own digest). Then
   the leaderboard (HTML: the first request and the median of 10), its CSV, the API's leaderboard,
   the home page and the draft's calibration over every published
   card.

PostgreSQL is a throwaway cluster (tests/pgcluster.py), started here and removed at the end.

Usage: .venv/bin/python benchmarks/pages.py [--databases sqlite,postgresql] [--cards 1000]
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import importlib.util
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for entry in (ROOT / "tests", ROOT, HERE):  # HERE first: harness, results
    sys.path.insert(0, str(entry))

import httpx  # noqa: E402

from harness import DSBENCH, compile_sources  # noqa: E402
from results import publish, reproduce, stamp, table, target  # noqa: E402


def _load(name: str, path: Path) -> Any:
    """A benchmark script as a module under a name of its own (``service`` would be tests/service)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


bench_service = _load("bench_service", HERE / "service.py")  # launch, Databases, CpuMeter, service_pids

STANDARD = "gbt-36344-2018"
SAMPLES = "samples"
WORKERS = 2  # as make serve: dsbench serve's default
WARM_UP = 2
MEASURED = 10
SLOW_S = 5.0  # a page whose first request takes longer is measured fewer times (SLOW_MEASURED)
SLOW_MEASURED = 3
PAGE_TARGET_MS = 200.0
BOARD_TARGET_MS = 1000.0
SEEDED_CARDS = 12
PASSWORD = "bench-pages-password"  # 12 characters or more; a throwaway service
BENCH_ORG = "bench-board"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
TIMING = re.compile(r"app;dur=([\d.]+)")


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# -- measuring one page --------------------------------------------------------------------------------

@dataclass
class Timed:
    label: str
    path: str
    signed_in: bool
    expected: int
    statuses: list[int] = field(default_factory=list)
    server_ms: list[float] = field(default_factory=list)  # from Server-Timing (absent: the API)
    wall_ms: list[float] = field(default_factory=list)
    first_server_ms: float | None = None
    first_wall_ms: float | None = None
    bytes: int = 0
    others_cores: float = float("nan")

    @property
    def ok(self) -> bool:
        return bool(self.statuses) and all(s == self.expected for s in self.statuses)

    @property
    def status(self) -> str:
        seen = sorted(set(self.statuses))
        text = "/".join(str(s) for s in seen)
        return text if self.ok else f"**{text}** (expected {self.expected})"

    @property
    def server(self) -> float | None:
        return statistics.median(self.server_ms) if self.server_ms else None

    @property
    def wall(self) -> float:
        return statistics.median(self.wall_ms)


def one(client: httpx.Client, path: str) -> tuple[int, float | None, float, int]:
    """GET ``path``: its status, the server's time (ms) from Server-Timing, the round trip (ms) to the
    last body byte, the body's size."""
    started = time.perf_counter()
    answer = client.get(path)
    size = len(answer.content)
    wall = (time.perf_counter() - started) * 1000
    found = TIMING.search(answer.headers.get("server-timing", ""))
    return answer.status_code, float(found.group(1)) if found else None, wall, size


def timed(client: httpx.Client, label: str, path: str, signed_in: bool, meter: Any, expected: int = 200,
          first: bool = False) -> Timed:
    """With ``first``, one request whose times are kept apart (the first after a change); then
    ``WARM_UP`` requests not recorded and ``MEASURED`` recorded, but for a page that takes over
    ``SLOW_S``: one request not recorded, then ``SLOW_MEASURED``. Every status is checked."""
    result = Timed(label, path, signed_in, expected)
    if first:
        status, result.first_server_ms, result.first_wall_ms, _ = one(client, path)
        result.statuses.append(status)
    wall = 0.0
    for _ in range(WARM_UP):
        status, _, wall, _ = one(client, path)
        result.statuses.append(status)
        if wall > SLOW_S * 1000:
            break  # one request not recorded is enough for a page that slow
    count = SLOW_MEASURED if wall > SLOW_S * 1000 else MEASURED
    with meter() as cpu:
        for _ in range(count):
            status, server, wall, size = one(client, path)
            result.statuses.append(status)
            result.wall_ms.append(wall)
            result.bytes = size
            if server is not None:
                result.server_ms.append(server)
    result.others_cores = cpu.others_s / cpu.wall_s if cpu.wall_s else float("nan")
    server = f"server {result.server:7.1f} ms" if result.server is not None else "server       —   "
    log(f"  {label:44} {result.status:>4} {server}  round trip {result.wall:7.1f} ms  (n={count})")
    return result


# -- the service ---------------------------------------------------------------------------------------

def wait_for_seeded_cards(base: str, timeout: float = 600.0) -> list[dict[str, Any]]:
    """The published cards once the seeding's 12 are there (serve seeds before it answers, so this is
    at once unless a seeded evaluation failed)."""
    deadline = time.monotonic() + timeout
    while True:
        answer = httpx.get(f"{base}/api/v1/cards", params={"limit": 200}, timeout=60)
        answer.raise_for_status()
        items = answer.json()["items"]
        if len(items) >= SEEDED_CARDS:
            return items
        if time.monotonic() > deadline:
            raise RuntimeError(f"{len(items)} published cards after seeding, expected {SEEDED_CARDS}")
        time.sleep(1)


def set_password(data_dir: Path, database: str) -> None:
    argv = [DSBENCH, "password", "admin", "--data-dir", str(data_dir)] + (["--database", database] if database else [])
    env = {k: v for k, v in os.environ.items() if k != "DSBENCH_DATABASE"}
    done = subprocess.run(argv, input=PASSWORD + "\n", capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"dsbench password exited {done.returncode}: {done.stderr[-2000:]}")


def sign_in(base: str) -> httpx.Client:
    """A browser-like client signed in as the site admin through the sign-in form."""
    client = httpx.Client(base_url=base, timeout=600)
    form = client.get("/signin")
    if form.status_code != 200:
        raise RuntimeError(f"GET /signin: {form.status_code}")
    answer = client.post("/signin", data={"csrf": CSRF.search(form.text).group(1), "name": "admin",
                                          "password": PASSWORD})
    if answer.status_code != 303 or not client.cookies.get("dsbench_session"):
        raise RuntimeError(f"POST /signin: {answer.status_code} {answer.text[:500]}")
    return client


def save_draft(member: httpx.Client) -> str:
    """gbt-36344-2018 as a draft of its next version in the samples workspace, put out for
    consultation; the draft's id."""
    workspace = member.get(f"/orgs/{SAMPLES}/workspace")
    if workspace.status_code != 200:
        raise RuntimeError(f"GET /orgs/{SAMPLES}/workspace: {workspace.status_code}")
    text = (ROOT / "standards" / f"{STANDARD}.yaml").read_text(encoding="utf-8")
    text = text.replace('version: "2018"', 'version: "2026-draft"', 1)
    answer = member.post(f"/orgs/{SAMPLES}/drafts", data={"csrf": CSRF.search(workspace.text).group(1), "text": text})
    found = re.fullmatch(rf"/orgs/{SAMPLES}/drafts/([0-9a-f]+)", answer.headers.get("location", ""))
    if answer.status_code != 303 or not found:
        raise RuntimeError(f"POST /orgs/{SAMPLES}/drafts: {answer.status_code} {answer.text[:500]}")
    page = member.get(f"/orgs/{SAMPLES}/drafts/{found.group(1)}")  # out for consultation: its public page
    published = member.post(f"/orgs/{SAMPLES}/drafts/{found.group(1)}/publish",
                            data={"csrf": CSRF.search(page.text).group(1)})
    if published.status_code != 303:
        raise RuntimeError(f"POST …/publish: {published.status_code} {published.text[:500]}")
    return found.group(1)


# -- 1,000 cards ----------------------------------------------------------------------------------------

def _digest(document: dict[str, Any]) -> str:
    body = {k: v for k, v in document.items() if k != "digest"}
    return "sha256:" + hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def synthetic(base: dict[str, Any], index: int, levels: list[tuple[str, float]]) -> dict[str, Any]:
    """A seeded card's document as the card of dataset ``bench-NNNN``: every score lowered by a
    deterministic amount (0 to 39.9 points), the grade and pass flag following the score."""
    document = copy.deepcopy(base)
    name = f"bench-{index:04d}"
    drop = (index * 37) % 400 / 10
    document["dataset"]["name"] = name
    document["dataset"]["fingerprint"] = "sha256:" + hashlib.sha256(name.encode()).hexdigest()
    for position, dimension in enumerate(document.get("dimensions", [])):
        if isinstance(dimension, dict) and isinstance(dimension.get("score"), (int, float)):
            dimension["score"] = round(max(0.0, float(dimension["score"]) - drop * (1 + position % 3) / 2), 8)
    if isinstance(document.get("score"), (int, float)):
        document["score"] = round(max(0.0, float(document["score"]) - drop), 8)
        grade = next(g for g, low in levels if document["score"] >= low)
        document["grade"] = document["score_grade"] = grade
        document["passed"] = bool(base.get("passed")) and document["score"] >= 60
    document["digest"] = _digest(document)
    return document


def add_cards(data_dir: Path, database: str, count: int) -> tuple[int, float]:
    """``count`` published cards of STANDARD in a new organisation, kept as the worker keeps a card;
    how many and the seconds it took."""
    from dsbench.scoring.standard import load_standard
    from dsbench.service import accounts, catalog
    from dsbench.service.blobs import BlobStore
    from dsbench.service.cards import keep
    from dsbench.service.config import ServiceConfig
    from dsbench.service.database import Database

    config = ServiceConfig(data_dir, database)
    db, blobs = Database(config.database), BlobStore(config.blob_dir)
    levels = sorted(((level.grade, float(level.min_score)) for level in load_standard(STANDARD).levels),
                    key=lambda level: -level[1])
    started = time.perf_counter()
    with db.transaction() as tx:
        rows = tx.all("SELECT c.blob, c.renderings FROM cards c JOIN orgs o ON o.id = c.org_id WHERE o.name = ? "
                      "AND c.standard = ? AND c.published IS NOT NULL ORDER BY c.digest", (SAMPLES, STANDARD))
    if not rows:
        raise RuntimeError(f"no seeded card of {STANDARD} to copy")
    bases = [(json.loads(blobs.read_bytes(row["blob"])), json.loads(row["renderings"])) for row in rows]
    with db.transaction(write=True) as tx:
        org = accounts.create_org(tx, BENCH_ORG, f"{count:,} generated datasets (benchmarks/pages.py)")
        for index in range(count):
            base, renderings = bases[index % len(bases)]
            document = synthetic(base, index, levels)
            dataset = catalog.create_dataset(tx, org["id"], document["dataset"]["name"], document["dataset"]["name"])
            version, _ = catalog.ensure_version(tx, dataset["id"], "v1")
            blob = blobs.put_bytes(json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")).digest
            # The base card's renderings (no page measured here reads them); no failing rows.
            kept = {k: v for k, v in renderings.items() if k != "failing_rows"}
            keep(tx, org_id=org["id"], dataset_id=dataset["id"], version_id=version["id"], document=document,
                 blob=blob, renderings=kept, publish=True)
    db.close()
    return count, time.perf_counter() - started


# -- one database ---------------------------------------------------------------------------------------

@dataclass
class DatabaseRun:
    kind: str
    seeded_start_s: float = 0.0
    seeded: list[Timed] = field(default_factory=list)
    board: list[Timed] = field(default_factory=list)
    cards_added: int = 0
    insert_s: float = 0.0
    published: int = 0
    leaderboard_rows: int = 0
    server_rss_mib: tuple[float, float] = (0.0, 0.0)  # after the seeded pages, after the large leaderboard
    load: tuple[float, float] = (0.0, 0.0)


def run_database(kind: str, databases: Any, scratch: Path, args: argparse.Namespace) -> DatabaseRun:
    result = DatabaseRun(kind)
    result.load = (os.getloadavg()[0], 0.0)
    database = databases.fresh(kind)
    data_dir = Path(tempfile.mkdtemp(prefix=f"pages-{kind}-", dir=scratch)) / "data"
    log(f"{kind}: dsbench serve --workers {WORKERS}, seeding the bundled datasets' cards …")
    live, result.seeded_start_s = bench_service.launch(data_dir, database, WORKERS, seed=True)
    meter = lambda: bench_service.CpuMeter(  # noqa: E731 - the service's, and PostgreSQL's, CPU is not "others"
        lambda: bench_service.service_pids(live) + databases.server_pids())
    try:
        items = wait_for_seeded_cards(live.url)
        log(f"{kind}: {len(items)} published cards, {result.seeded_start_s:.1f} s to /healthz (seeding included)")
        digest = next(i["digest"] for i in items if i["dataset"] == "penguins" and i["standard"] == STANDARD)
        set_password(data_dir, database)
        public = httpx.Client(base_url=live.url, timeout=600)
        member = sign_in(live.url)
        draft = save_draft(member)
        evaluation = live.admin.get(f"/api/v1/orgs/{SAMPLES}/evaluations", params={"limit": 1}).json()["items"][0]["id"]
        draft_path = f"/orgs/{SAMPLES}/drafts/{draft}"
        time.sleep(2)  # the workers settle (idle polling)

        log(f"{kind}: the seeded platform's pages")
        pages = [
            (public, "home", "/", False, 200),
            (public, "standard", f"/standards/{STANDARD}", False, 200),
            (public, "leaderboard", f"/leaderboards/{STANDARD}", False, 200),
            (public, "leaderboard as CSV", f"/leaderboards/{STANDARD}.csv", False, 200),
            (public, "dataset", f"/datasets/{SAMPLES}/penguins", False, 200),
            (public, "card", f"/cards/{digest}", False, 200),
            (public, "draft out for consultation", f"/standards/{STANDARD}/drafts/{draft}", False, 200),
            (public, "conformance kit (zip; built by the first warm-up request)",
             f"/standards/{STANDARD}/conformance-kit.zip", False, 200),
            (public, "campaigns", "/campaigns", False, 200),
            (public, "campaign", f"/campaigns/{SAMPLES}", False, 200),
            (public, "the 404 page", "/no-such-page", False, 404),
            (public, "sign in", "/signin", False, 200),
            (member, "dashboard", f"/orgs/{SAMPLES}", True, 200),
            (member, "evaluation", f"/orgs/{SAMPLES}/evaluations/{evaluation}", True, 200),
            (member, "upload", f"/orgs/{SAMPLES}/upload", True, 200),
            (member, "tokens", "/tokens", True, 200),
            (member, "workspace", f"/orgs/{SAMPLES}/workspace", True, 200),
            (member, "draft", draft_path, True, 200),
            (member, "draft's calibration (all published cards)", f"{draft_path}/calibration", True, 200),
            (member, "draft's comparison (all published cards)", f"{draft_path}/comparison", True, 200),
            (member, "admin", "/admin", True, 200),
            (member, "admin: users", "/admin/users", True, 200),
            (member, "admin: organisations", "/admin/orgs", True, 200),
            (member, "admin: queue", "/admin/queue", True, 200),
        ]
        for client, label, path, signed, expected in pages:
            result.seeded.append(timed(client, label, path, signed, meter, expected))

        rss_seeded = bench_service.rss_mib(live.process.pid)
        log(f"{kind}: adding {args.cards:,} published cards of {STANDARD} …")
        result.cards_added, result.insert_s = add_cards(data_dir, database, args.cards)
        result.published = len(httpx.get(f"{live.url}/api/v1/leaderboards/{STANDARD}", timeout=600).json()["rows"])
        log(f"{kind}: {result.cards_added:,} cards kept in {result.insert_s:.1f} s; the leaderboard has "
            f"{result.published:,} rows")
        board = [
            (public, "leaderboard", f"/leaderboards/{STANDARD}", False),  # first: its first request reads every card
            (public, "leaderboard as CSV", f"/leaderboards/{STANDARD}.csv", False),
            (public, "API: GET /api/v1/leaderboards/…", f"/api/v1/leaderboards/{STANDARD}", False),
            (public, "home", "/", False),
            (member, "draft's calibration (all published cards)", f"{draft_path}/calibration", True),
        ]
        for client, label, path, signed in board:
            result.board.append(timed(client, label, path, signed, meter, 200, first=True))
        shown = public.get(f"/leaderboards/{STANDARD}.csv").text.count("\r\n") - 1
        result.leaderboard_rows = shown
        result.server_rss_mib = (rss_seeded, bench_service.rss_mib(live.process.pid))
    finally:
        live.stop(signal.SIGTERM)
        result.load = (result.load[0], os.getloadavg()[0])
    shutil.rmtree(data_dir.parent, ignore_errors=True)
    return result


# -- the section -----------------------------------------------------------------------------------------

def ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f} ms"


def cores(value: float) -> str:
    return "—" if value != value else f"{value:.2f}"


def report(args: argparse.Namespace, parser: argparse.ArgumentParser, runs: list[DatabaseRun]) -> tuple[str, str]:
    tables, targets = [], []
    for run in runs:
        rows = [[f"`{t.path}`" if len(t.path) < 60 else f"`{t.path[:57]}…`", t.label,
                 "signed in" if t.signed_in else "signed out", t.status, ms(t.server), ms(t.wall),
                 cores(t.others_cores)] for t in run.seeded]
        tables.append(f"### {run.kind}: the seeded platform ({SEEDED_CARDS} published cards)\n\n" + table(
            ["page", "what", "as", "status", "server median", "round-trip median", "others' CPU (cores)"],
            rows, "llllrrr"))
        rows = [[f"`{t.path}`" if len(t.path) < 60 else f"`{t.path[:57]}…`", t.label, t.status,
                 ms(t.first_server_ms) if t.first_server_ms is not None else "—", ms(t.first_wall_ms),
                 ms(t.server), ms(t.wall), str(len(t.wall_ms)), cores(t.others_cores)] for t in run.board]
        tables.append(f"### {run.kind}: {run.published:,} published cards of {STANDARD}\n\n" + table(
            ["page", "what", "status", "first request: server", "first request: round trip", "server median",
             "round-trip median", "measured", "others' CPU (cores)"], rows, "lllrrrrrr"))

    for run in runs:
        timed_pages = [t for t in run.seeded if t.server is not None]
        over = [t for t in timed_pages if t.server >= PAGE_TARGET_MS]
        broken = [t for t in run.seeded + run.board if not t.ok]
        slowest = max(timed_pages, key=lambda t: t.server)
        measured = (f"slowest {slowest.label} (`{slowest.path}`) {ms(slowest.server)}"
                    + (f"; over: {', '.join(f'{t.label} {ms(t.server)}' for t in over)}" if over else ""))
        targets.append(target(f"every page under {PAGE_TARGET_MS:g} ms server time, seeded platform ({run.kind}, "
                              "median of 10)", measured, not over))
        targets.append(target(f"every answer with its expected status ({run.kind})",
                              "all" if not broken else "not: " + ", ".join(f"{t.label} {t.status}" for t in broken),
                              not broken))
        html = run.board[0]
        targets.append(target(f"the {run.published:,}-card leaderboard (HTML) under {BOARD_TARGET_MS / 1000:g} s "
                              f"server time ({run.kind}, median of {len(html.wall_ms)})", ms(html.server),
                              html.server is not None and html.server < BOARD_TARGET_MS))
        targets.append(target(f"the {run.published:,}-card leaderboard (HTML), its first request after the cards "
                              f"were added ({run.kind}, server time)", ms(html.first_server_ms),
                              html.first_server_ms is not None and html.first_server_ms < BOARD_TARGET_MS))
        for extra in run.board[1:3]:
            value = extra.server if extra.server is not None else extra.wall
            kind = "server time" if extra.server is not None else "round trip (no Server-Timing on the API)"
            targets.append(target(f"the {run.published:,}-card leaderboard, {extra.label} under "
                                  f"{BOARD_TARGET_MS / 1000:g} s ({run.kind}, {kind}, median)", ms(value),
                                  value < BOARD_TARGET_MS))

    checks = [f"{r.kind}: first start with seeding {r.seeded_start_s:.1f} s to `/healthz`, {SEEDED_CARDS} published "
              f"cards; then {r.cards_added:,} cards kept in {r.insert_s:.1f} s (one transaction, from this script), "
              f"{r.published:,} rows on the API's leaderboard and {r.leaderboard_rows:,} in its CSV; the server "
              f"process's RSS {r.server_rss_mib[0]:,.0f} MiB after the seeded platform's pages, "
              f"{r.server_rss_mib[1]:,.0f} MiB after the large leaderboard's and calibration's (the calibration's "
              "card documents cached); load average "
              f"(1 min) {r.load[0]:.2f} before, {r.load[1]:.2f} after" for r in runs]
    body = "\n\n".join([*tables, "\n".join(targets)])
    cpus = len(os.sched_getaffinity(0))
    section = "\n".join([
        "## Web pages (`dsbench serve`)",
        "",
        stamp("pages.py"),
        "",
        f"The machine has {cpus} cores, shared by the server, its workers, this script and other people's work "
        "(the last column: the CPU the rest of the machine used while the measured requests ran, in cores), so "
        "the timings may be noisy.",
        "",
        f"- **The service**: started as `make serve` starts it (`dsbench serve --workers {WORKERS}`, seeding the "
        f"bundled datasets × the shipped standards: {SEEDED_CARDS} published cards and the campaign `samples`). "
        "The site admin is given a password (`dsbench password admin`, from stdin), signs in through `/signin` "
        "as a browser does (the form's CSRF token, then name and password: the session cookie) and saves a draft "
        f"standard in the `samples` workspace ({STANDARD}.yaml as version `2026-draft`); the evaluation page is "
        "a seeded evaluation's.",
        f"- **Each page**: {WARM_UP} requests not recorded, then {MEASURED} one after the other on one keep-alive "
        "httpx client (signed out, or signed in with the session cookie). **Server**: the median of the page's "
        "own `Server-Timing: app;dur=` (from the page handler's start to its rendering, the session's look-up "
        "included; routing and sending are outside it, and so is the writing of the CSV). **Round trip**: the "
        "median from sending the request to the last body byte, client side. "
        "Every answer's status is checked (200; 404 for the 404 page): the status column shows any other.",
        f"- **{args.cards:,} cards**: written straight into the service's store by this script with the "
        "service's own modules, as the worker keeps a card (`accounts.create_org`, `catalog.create_dataset` and "
        "`ensure_version`, the card's JSON in the blob store, `cards.keep` with the renderings, published) in an "
        f"organisation `{BENCH_ORG}`: one dataset `bench-NNNN` with one version each, each card a copy of one of "
        f"the seeded {STANDARD} cards (in turn) with its dataset's name and fingerprint changed and its scores "
        "lowered by a deterministic 0 to 39.9 points (grade and pass flag following), so each has its own "
        "digest (not verifiable: nothing measured here verifies it). The leaderboard is measured first (it "
        "reads each card's dimension scores from its row); then the CSV, the API's leaderboard (no `Server-Timing`: "
        "round trip only), the home page and the draft's calibration over every published card "
        "(`dsbench calibrate`'s report: each card's document read and rescored under the draft 18 times; the "
        "report is then kept for the same draft and cards). Each of these: its first request "
        f"(the `first request` columns), then {WARM_UP} not recorded and {MEASURED} measured; a page slower than "
        f"{SLOW_S:g} s: 1 not recorded and {SLOW_MEASURED} measured (the `measured` column).",
        "",
        *[f"- {line}" for line in checks],
        "",
        body,
        "",
        reproduce("pages.py", parser, args, always=["databases", "cards"]),
    ])
    return body, section


def parser_of() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--cards", type=int, default=1000, help="published cards added for the large leaderboard")
    parser.add_argument("--dry-run", action="store_true", help="print the tables; leave RESULTS.md as it is")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = parser_of()
    args = parser.parse_args(argv)
    kinds = bench_service.database_kinds(parser, args.databases)
    compile_sources()
    scratch = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    databases = bench_service.Databases()
    try:
        runs = [run_database(kind, databases, scratch, args) for kind in kinds]
    finally:
        databases.close()
        shutil.rmtree(scratch, ignore_errors=True)
    body, section = report(args, parser, runs)
    if not args.dry_run:
        publish("pages", section)
    print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
