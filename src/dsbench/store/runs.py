"""History: score cards appended to an embedded DuckDB database, and the latest run of a dataset
checked against the band its earlier runs drew.

::

    from dsbench.store import runs as history
    history.record(card, ".dsbench/history.duckdb")          # a ScoreCard or a card.json path
    history.runs(".dsbench/history.duckdb", "penguins")      # [Run, …], oldest first
    found = history.report(".dsbench/history.duckdb", "penguins")
    found.flagged                                            # metrics of the latest run outside their band

The database holds two tables (see ``MIGRATIONS``): ``runs``, one row per distinct card, and
``metrics``, one row per overall / dimension / indicator score of a run. ``schema_version`` holds
the version of that layout, so that a later dsbench can migrate a database an earlier one wrote.

A metric's band is robust: median ± k · 1.4826 · MAD of its scores in the earlier runs (1.4826 · MAD
estimates the standard deviation of normal data, so k reads as "k sigmas"). The mean and standard
deviation would let one past incident — a bad release, later fixed — widen the band of every later
run and hide the next incident; the median and MAD ignore up to half of the runs being outliers.
The half-width is at least ``MIN_HALF_WIDTH`` of the scale (0.5 points out of 100): when the
earlier scores are identical (an indicator at 100 every time), the MAD is 0 and any change at all
would be an anomaly.

Only ``duckdb`` is heavy here, and it is imported when a database is opened.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from dsbench.errors import DsbenchError, shortened
from dsbench.cards.card import ScoreCard
from dsbench.render._shared import card_number

DEFAULT_DATABASE = Path(".dsbench") / "history.duckdb"
DEFAULT_SIGMA = 3.0
DEFAULT_MIN_RUNS = 5
MIN_HALF_WIDTH = 0.005  # of the scale: 0.5 points on 0..100
MAD_TO_SIGMA = 1.4826  # the MAD of normal data times this estimates its standard deviation
KINDS = ("overall", "dimension", "indicator")

# MIGRATIONS[k] turns a database of schema version k into version k + 1 (version 0: empty).
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE runs (
            run_id INTEGER PRIMARY KEY,
            recorded_at TIMESTAMP NOT NULL,           -- UTC wall clock of recording
            dataset VARCHAR NOT NULL,                 -- the card's dataset.name
            dataset_fingerprint VARCHAR NOT NULL,
            card_digest VARCHAR NOT NULL UNIQUE,
            standard_id VARCHAR NOT NULL,
            standard_version VARCHAR NOT NULL,
            dsbench_version VARCHAR NOT NULL,
            scale DOUBLE NOT NULL,
            score DOUBLE,                             -- NULL: nothing could be scored
            grade VARCHAR,
            passed BOOLEAN NOT NULL)""",
        """CREATE TABLE metrics (
            run_id INTEGER NOT NULL REFERENCES runs (run_id),
            position INTEGER NOT NULL,                -- order in the card: overall, dimensions, indicators
            kind VARCHAR NOT NULL CHECK (kind IN ('overall', 'dimension', 'indicator')),
            code VARCHAR NOT NULL,                    -- 'overall' for the overall score
            status VARCHAR,                           -- scored, not_applicable, not_evaluated …
            score DOUBLE,
            value DOUBLE,
            passed DOUBLE,
            evaluated DOUBLE,
            PRIMARY KEY (run_id, kind, code))""",
        "CREATE INDEX runs_by_dataset ON runs (dataset, standard_id)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


class HistoryError(DsbenchError):
    """A history database is missing, unreadable, of another kind, or holds no such runs."""


@dataclass(frozen=True)
class Metric:
    kind: str
    code: str
    status: str | None
    score: float | None
    value: float | None = None
    passed: float | None = None
    evaluated: float | None = None


@dataclass(frozen=True)
class Run:
    run_id: int
    recorded_at: datetime  # UTC, naive
    dataset: str
    dataset_fingerprint: str
    card_digest: str
    standard_id: str
    standard_version: str
    dsbench_version: str
    scale: float
    score: float | None
    grade: str | None
    passed: bool
    metrics: tuple[Metric, ...] = ()

    def metric(self, kind: str, code: str) -> Metric | None:
        return next((m for m in self.metrics if m.kind == kind and m.code == code), None)

    def summary(self) -> dict[str, Any]:
        """The run without its metrics, as JSON-ready values."""
        document = {k: v for k, v in asdict(self).items() if k != "metrics"}
        document["recorded_at"] = utc_text(self.recorded_at)
        return document


@dataclass(frozen=True)
class Recorded:
    run_id: int
    created: bool  # False: this card was recorded before, as run ``run_id``


@dataclass(frozen=True)
class Band:
    low: float
    high: float
    center: float
    half_width: float
    runs: int  # earlier runs with a score for this metric
    method: str


@dataclass(frozen=True)
class MetricCheck:
    kind: str
    code: str
    score: float
    verdict: str  # "ok", "flagged" or "not enough history"
    earlier_runs: int
    band: Band | None = None
    side: str | None = None  # "below" or "above" the band, when flagged

    @property
    def label(self) -> str:
        return "overall" if self.kind == "overall" else f"{self.kind} {self.code}"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "code": self.code, "score": self.score, "verdict": self.verdict,
                "side": self.side, "earlier_runs": self.earlier_runs,
                "band": None if self.band is None else asdict(self.band)}


@dataclass(frozen=True)
class HistoryReport:
    """The runs of one dataset against one standard, and the latest one checked against its band."""

    database: str
    dataset: str
    standard_id: str
    runs: tuple[Run, ...]  # oldest first
    baseline: tuple[Run, ...]  # the earlier runs against the latest run's standard version
    checks: tuple[MetricCheck, ...]
    sigma: float
    min_runs: int

    @property
    def latest(self) -> Run:
        return self.runs[-1]

    @property
    def flagged(self) -> list[MetricCheck]:
        return [c for c in self.checks if c.verdict == "flagged"]

    @property
    def method(self) -> str:
        return band_method(self.sigma, self.latest.scale)

    def to_dict(self, last: int | None = None) -> dict[str, Any]:
        shown = self.runs[-last:] if last else self.runs
        return {"database": self.database, "dataset": self.dataset, "standard": self.standard_id,
                "runs": [r.summary() for r in shown], "runs_recorded": len(self.runs),
                "latest_run": self.latest.run_id, "earlier_runs": len(self.baseline),
                "band": {"method": self.method, "sigma": self.sigma, "min_runs": self.min_runs,
                         "min_half_width": MIN_HALF_WIDTH * self.latest.scale},
                "metrics": [c.to_dict() for c in self.checks], "flagged": len(self.flagged)}


def utc_text(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# -- the database -----------------------------------------------------------------------------------


def _schema_version(con: Any) -> int:
    """0 for an empty database; refuses a database that has other tables and no dsbench schema."""
    tables = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if "schema_version" not in tables:
        if tables:
            raise HistoryError("not a dsbench history database (it holds other tables)")
        return 0
    row = con.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def _open(path: Path, *, write: bool, migrate: bool = False) -> Any:
    """A connection to the database at ``path``, refused when it was written by a newer dsbench or is
    not a history database; with ``migrate``, an older schema is brought up to date (writing) or
    refused (reading). For reading, the database must exist; for writing, it and its directory are
    created when absent."""
    import duckdb

    if not write and not path.is_file():
        raise HistoryError("no history database here (`dsbench evaluate --history` records one)",
                           source=str(path))
    if write:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise HistoryError(f"cannot create the directory: {error.strerror or error}", source=str(path)) from None
    try:
        # The database is ours; nothing in it or in a query may reach other files.
        con = duckdb.connect(str(path), read_only=not write, config={"enable_external_access": False})
    except duckdb.Error as error:
        raise HistoryError(f"cannot open the history database: {shortened(str(error))}", source=str(path)) from None
    try:
        version = _schema_version(con)
        if version > SCHEMA_VERSION:
            raise HistoryError(f"written by a newer dsbench (schema version {version}, this one knows "
                               f"{SCHEMA_VERSION})")
        if migrate and version < SCHEMA_VERSION:
            if not write:
                raise HistoryError(f"schema version {version} is older than {SCHEMA_VERSION}: record a run "
                                   "with this dsbench to migrate it")
            _migrate(con, version)
    except HistoryError as error:
        con.close()
        raise error.within(source=str(path)) from None
    except BaseException:
        con.close()
        raise
    return con


def _connect(path: Path, *, write: bool) -> Any:
    """A connection to the history database at ``path`` with the current schema (migrated when
    writing)."""
    return _open(path, write=write, migrate=True)


def _migrate(con: Any, version: int) -> None:
    con.begin()
    try:
        if version == 0:
            con.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
            con.execute("INSERT INTO schema_version VALUES (0)")
        for statements in MIGRATIONS[version:]:
            for statement in statements:
                con.execute(statement)
        con.execute("UPDATE schema_version SET version = ?", [SCHEMA_VERSION])
        con.commit()
    except BaseException:
        con.rollback()
        raise


def check_database(path: str | Path) -> None:
    """Refuse, before any work, a database that recording into would fail on: not a dsbench history
    database, of a newer schema, or in a directory that cannot be created. Creates nothing."""
    path = Path(path)
    if path.is_dir():
        raise HistoryError("is a directory, not a history database", source=str(path))
    if path.exists():
        _open(path, write=False).close()  # an older schema is fine: recording migrates it
        return
    existing = next(p for p in (path.parent, *path.parent.parents) if p.exists())
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise HistoryError(f"cannot create the history database: {existing} is not a writable directory",
                           source=str(path))


# -- recording --------------------------------------------------------------------------------------


def card_metrics(document: dict) -> list[Metric]:
    """The overall, dimension and indicator scores of a card, in the card's order."""
    found = [Metric("overall", "overall", "scored" if document.get("score") is not None else None,
                    card_number(document.get("score")))]
    for dimension in document["dimensions"]:
        found.append(Metric("dimension", dimension["code"], dimension.get("status"), card_number(dimension.get("score"))))
    for dimension in document["dimensions"]:
        for item in dimension["indicators"]:
            found.append(Metric("indicator", item["code"], item.get("status"), card_number(item.get("score")),
                                card_number(item.get("value")), card_number(item.get("passed")),
                                card_number(item.get("evaluated"))))
    return found


def record(card: ScoreCard | str | Path, db_path: str | Path = DEFAULT_DATABASE, *,
           recorded_at: datetime | None = None) -> Recorded:
    """Append ``card`` (a ScoreCard, or the path of a card.json read through the card loader) to the
    history database, created with its directory when absent. A card recorded before (same digest)
    is not recorded again: ``Recorded.created`` is then False. ``recorded_at`` defaults to now; give
    it to import an archive of earlier cards (a naive datetime is taken as UTC)."""
    from dsbench.cards.compare import load_card

    document = (card if isinstance(card, ScoreCard) else load_card(card)).document
    moment = recorded_at or datetime.now(timezone.utc)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    con = _connect(Path(db_path), write=True)
    try:
        con.begin()
        try:
            existing = con.execute("SELECT run_id FROM runs WHERE card_digest = ?", [document["digest"]]).fetchone()
            if existing:
                con.rollback()
                return Recorded(int(existing[0]), created=False)
            run_id = int(con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM runs").fetchone()[0])
            con.execute("INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [run_id, moment, document["dataset"]["name"], document["dataset"]["fingerprint"],
                         document["digest"], document["standard"]["id"], document["standard"]["version"],
                         document["engine"].get("dsbench", "unknown"), float(document["scale"]),
                         card_number(document["score"]), document["grade"], bool(document["passed"])])
            con.executemany("INSERT INTO metrics VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            [[run_id, position, m.kind, m.code, m.status, m.score, m.value, m.passed, m.evaluated]
                             for position, m in enumerate(card_metrics(document))])
            con.commit()
        except BaseException:
            con.rollback()
            raise
    finally:
        con.close()
    return Recorded(run_id, created=True)


# -- reading ----------------------------------------------------------------------------------------

_RUN_COLUMNS = ("run_id, recorded_at, dataset, dataset_fingerprint, card_digest, standard_id, standard_version, "
                "dsbench_version, scale, score, grade, passed")


def _read_runs(con: Any, dataset: str, standard: str | None) -> list[Run]:
    where, params = "dataset = ?", [dataset]
    if standard is not None:
        where, params = where + " AND standard_id = ?", params + [standard]
    rows = con.execute(f"SELECT {_RUN_COLUMNS} FROM runs WHERE {where} ORDER BY recorded_at, run_id",
                       params).fetchall()
    metrics: dict[int, list[Metric]] = {}
    for run_id, *fields in con.execute(
            "SELECT run_id, kind, code, status, score, value, passed, evaluated FROM metrics "
            f"WHERE run_id IN (SELECT run_id FROM runs WHERE {where}) ORDER BY run_id, position", params).fetchall():
        metrics.setdefault(run_id, []).append(Metric(*fields))
    return [Run(*row, metrics=tuple(metrics.get(row[0], ()))) for row in rows]


def runs(db_path: str | Path, dataset: str, standard: str | None = None) -> list[Run]:
    """The recorded runs of ``dataset`` (against ``standard`` when given), oldest first; [] when
    there are none."""
    con = _connect(Path(db_path), write=False)
    try:
        return _read_runs(con, dataset, standard)
    finally:
        con.close()


def _listing(names: list[str]) -> str:
    return ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "") if names else "none"


def dataset_name(data: str) -> str:
    """The name ``evaluate`` gives the dataset at the path ``data``: its manifest's, else its directory's."""
    from dsbench.backends.duckdb.loader import load_dataset
    from dsbench.evaluation import dataset_name as name_of

    with load_dataset(data) as dataset:
        return name_of(data, dataset)


# -- bands ------------------------------------------------------------------------------------------


def band_method(sigma: float, scale: float) -> str:
    return f"median ± {sigma:g} × {MAD_TO_SIGMA} × MAD, half-width ≥ {MIN_HALF_WIDTH * scale:g}"


def band(earlier: list[float], sigma: float, scale: float) -> Band:
    """The band of ``earlier`` scores: median ± sigma · 1.4826 · MAD, at least ± MIN_HALF_WIDTH of the
    scale, clipped to the scale."""
    import statistics

    center = statistics.median(earlier)
    mad = statistics.median(abs(v - center) for v in earlier)
    half = max(sigma * MAD_TO_SIGMA * mad, MIN_HALF_WIDTH * scale)
    # Rounded as cards round: a score on the edge stays on it, whatever the last bits of the sums.
    low, high = (float(f"{x:.10g}") for x in (max(center - half, 0.0), min(center + half, scale)))
    return Band(low, high, center, half, len(earlier), band_method(sigma, scale))


def check_latest(runs: list[Run] | tuple[Run, ...], sigma: float = DEFAULT_SIGMA,
                 min_runs: int = DEFAULT_MIN_RUNS) -> tuple[tuple[Run, ...], tuple[MetricCheck, ...]]:
    """(the earlier runs used, a check per scored metric of the last run). The earlier runs are
    those against the same standard version: a revised standard scores differently by design."""
    latest = runs[-1]
    baseline = tuple(r for r in runs[:-1] if r.standard_version == latest.standard_version)
    checks = []
    for metric in latest.metrics:
        if metric.score is None:
            continue
        earlier = [m.score for r in baseline if (m := r.metric(metric.kind, metric.code)) and m.score is not None]
        if len(earlier) < min_runs:
            checks.append(MetricCheck(metric.kind, metric.code, metric.score, "not enough history", len(earlier)))
            continue
        found = band(earlier, sigma, latest.scale)
        side = "below" if metric.score < found.low else "above" if metric.score > found.high else None
        checks.append(MetricCheck(metric.kind, metric.code, metric.score, "flagged" if side else "ok",
                                  len(earlier), found, side))
    return baseline, tuple(checks)


def report(db_path: str | Path, dataset: str, standard: str | None = None, *, sigma: float = DEFAULT_SIGMA,
           min_runs: int = DEFAULT_MIN_RUNS) -> HistoryReport:
    """The runs of ``dataset`` (a recorded name, or a path to the dataset) against ``standard`` (needed
    when the dataset was recorded against several), the latest checked against its band."""
    if not sigma > 0:
        raise HistoryError(f"the band takes a positive number of sigmas, not {sigma:g}", location="--band")
    if min_runs < 1:
        raise HistoryError(f"at least one earlier run is needed, not {min_runs}", location="--min-runs")
    path = Path(db_path)
    con = _connect(path, write=False)
    try:
        names = [row[0] for row in con.execute("SELECT DISTINCT dataset FROM runs ORDER BY dataset").fetchall()]
        name = dataset
        if name not in names and Path(dataset).exists():
            name = dataset_name(dataset)
        if name not in names:
            shown = repr(dataset) if name == dataset else f"{dataset!r} (named {name!r})"
            raise HistoryError(f"no runs of dataset {shown} (recorded: {_listing(names)})", source=str(path))
        standards = [row[0] for row in con.execute(
            "SELECT DISTINCT standard_id FROM runs WHERE dataset = ? ORDER BY standard_id", [name]).fetchall()]
        if standard is None and len(standards) > 1:
            raise HistoryError(f"dataset {name!r} was recorded against several standards "
                               f"({_listing(standards)}): choose one with --standard", source=str(path))
        chosen = standard or standards[0]
        if chosen not in standards:
            raise HistoryError(f"no runs of dataset {name!r} against standard {chosen!r} "
                               f"(recorded: {_listing(standards)})", source=str(path))
        found = _read_runs(con, name, chosen)
    finally:
        con.close()
    baseline, checks = check_latest(found, sigma, min_runs)
    return HistoryReport(str(db_path), name, chosen, tuple(found), baseline, checks, sigma, min_runs)


# -- the trend chart ---------------------------------------------------------------------------------

FLAG_COLOR = "#C62828"


def matplotlib_available() -> bool:
    import importlib

    try:
        importlib.import_module("matplotlib")
    except ImportError:
        return False
    return True


def trend_png(found: HistoryReport, last: int | None = None) -> bytes:
    """A PNG of the overall and dimension scores of the (last ``last``) runs: the band of the overall
    score shaded, and each flagged score of the latest run circled in red."""
    import io

    import matplotlib
    from matplotlib.figure import Figure

    from dsbench.render.html import PALETTE, plain_axes  # the look of the card's charts

    shown = found.runs[-last:] if last else found.runs
    positions = list(range(len(shown)))
    series = [("overall", "overall")] + [("dimension", m.code) for m in found.latest.metrics if m.kind == "dimension"]
    checks = {(c.kind, c.code): c for c in found.checks}
    with matplotlib.rc_context({"font.family": ["DejaVu Sans"], "font.size": 9.0}):
        figure = Figure(figsize=(9.0, 4.8), layout="constrained")
        axes = figure.add_subplot()
        for index, (kind, code) in enumerate(series):
            color = "#1f2328" if kind == "overall" else PALETTE[(index - 1) % len(PALETTE)]
            scores = [(m.score if (m := run.metric(kind, code)) else None) for run in shown]
            points = [(x, y) for x, y in zip(positions, scores) if y is not None]
            if not points:
                continue
            axes.plot([x for x, _ in points], [y for _, y in points], marker="o", markersize=3.5, color=color,
                      linewidth=2.2 if kind == "overall" else 1.2,
                      label="overall" if kind == "overall" else f"dimension {code}")
            check = checks.get((kind, code))
            if check is not None and check.verdict == "flagged":
                axes.plot([positions[-1]], [check.score], marker="o", markersize=13, markerfacecolor="none",
                          markeredgecolor=FLAG_COLOR, markeredgewidth=2, linestyle="none")
        overall = checks.get(("overall", "overall"))
        if overall is not None and overall.band is not None:
            axes.axhspan(overall.band.low, overall.band.high, color="#1f2328", alpha=0.08, linewidth=0,
                         label=f"band of the overall score\n({overall.band.runs} earlier runs)")
        axes.set_xticks(positions, [f"{run.run_id}\n{run.recorded_at:%Y-%m-%d}" for run in shown],
                        fontsize=7 if len(shown) > 12 else 9)
        axes.set_xlim(-0.5, positions[-1] + 0.5)
        axes.set_xlabel("run (recorded, UTC)")
        axes.set_ylabel(f"score (of {found.latest.scale:g})")
        flagged = len(found.flagged)
        axes.set_title(f"{found.dataset} × {found.standard_id}: "
                       + (f"{flagged} metric(s) of the latest run outside their band" if flagged
                          else "latest run inside its bands"), loc="left",
                       color=FLAG_COLOR if flagged else "#1f2328")
        plain_axes(axes, "both")
        axes.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    return buffer.getvalue()



__all__ = ["DEFAULT_DATABASE", "HistoryError", "HistoryReport", "Run", "Metric", "Recorded", "Band",
           "MetricCheck", "record", "runs", "report", "check_latest", "band", "trend_png"]
