"""History: the latest run of a dataset checked against the band its earlier runs drew.

The runs come from :mod:`dsbench.store.runs`.
::

    from dsbench.store import history
    found = history.report(".dsbench/history.duckdb", "penguins")
    found.flagged                                            # metrics of the latest run outside their band

A metric's band is robust: median ± k · 1.4826 · MAD of its scores in the earlier runs (1.4826 · MAD
estimates the standard deviation of normal data, so k reads as "k sigmas"). The mean and standard
deviation would let one past incident — a bad release, later fixed — widen the band of every later
run and hide the next incident; the median and MAD ignore up to half of the runs being outliers.
The half-width is at least ``MIN_HALF_WIDTH`` of the scale (0.5 points out of 100): when the
earlier scores are identical (an indicator at 100 every time), the MAD is 0 and any change at all
would be an anomaly.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from dsbench.store.runs import HistoryError, Run, connect, read_runs, recorded_datasets, recorded_standards

DEFAULT_SIGMA = 3.0
DEFAULT_MIN_RUNS = 5
MIN_HALF_WIDTH = 0.005  # of the scale: 0.5 points on 0..100
MAD_TO_SIGMA = 1.4826  # the MAD of normal data times this estimates its standard deviation
KINDS = ("overall", "dimension", "indicator")


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


# -- the report -------------------------------------------------------------------------------------


def _listing(names: list[str]) -> str:
    return ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "") if names else "none"


def dataset_name(data: str) -> str:
    """The name ``evaluate`` gives the dataset at the path ``data``: its manifest's, else its directory's."""
    from dsbench.backends import load_dataset
    from dsbench.evaluation import dataset_name as name_of

    with load_dataset(data) as dataset:
        return name_of(data, dataset)


def report(db_path: str | Path, dataset: str, standard: str | None = None, *, sigma: float = DEFAULT_SIGMA,
           min_runs: int = DEFAULT_MIN_RUNS) -> HistoryReport:
    """The runs of ``dataset`` (a recorded name, or a path to the dataset) against ``standard`` (needed
    when the dataset was recorded against several), the latest checked against its band."""
    if not sigma > 0:
        raise HistoryError(f"the band takes a positive number of sigmas, not {sigma:g}", location="--band")
    if min_runs < 1:
        raise HistoryError(f"at least one earlier run is needed, not {min_runs}", location="--min-runs")
    path = Path(db_path)
    db = connect(path, write=False)
    try:
        names = recorded_datasets(db)
        name = dataset
        if name not in names and Path(dataset).exists():
            name = dataset_name(dataset)
        if name not in names:
            shown = repr(dataset) if name == dataset else f"{dataset!r} (named {name!r})"
            raise HistoryError(f"no runs of dataset {shown} (recorded: {_listing(names)})", source=str(path))
        standards = recorded_standards(db, name)
        if standard is None and len(standards) > 1:
            raise HistoryError(f"dataset {name!r} was recorded against several standards "
                               f"({_listing(standards)}): choose one with --standard", source=str(path))
        chosen = standard or standards[0]
        if chosen not in standards:
            raise HistoryError(f"no runs of dataset {name!r} against standard {chosen!r} "
                               f"(recorded: {_listing(standards)})", source=str(path))
        found = read_runs(db, name, chosen)
    finally:
        db.close()
    baseline, checks = check_latest(found, sigma, min_runs)
    return HistoryReport(str(db_path), name, chosen, tuple(found), baseline, checks, sigma, min_runs)


__all__ = ["Band", "DEFAULT_MIN_RUNS", "DEFAULT_SIGMA", "HistoryReport", "MetricCheck", "band", "check_latest",
           "report"]
