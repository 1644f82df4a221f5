"""evaluate(): a dataset against a standard, through generated and given suites, into a score card."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping

from dsbench.backends import DEFAULT_ENGINE, backend, load_dataset
from dsbench.cards.card import CARD_VERSION, ScoreCard, file_sha256, scores_document
from dsbench.data.dataset import Dataset, LoadOptions
from dsbench.data.files import relative_to_root
from dsbench.engine.metrics import MetricFailure, Scope, content_hash
from dsbench.engine.runner import compute
from dsbench.engine.sql import quote_ident
from dsbench.errors import DataError
from dsbench.scoring.defects import Flagged, table_elements
from dsbench.scoring.score import Evidence, Measured, load_evidence, score
from dsbench.scoring.standard import canonical_digest, load_standard
from dsbench.suites.from_data import table_role
from dsbench.suites.generated import generated_suites
from dsbench.suites.model import Suite, resolve_suite
from dsbench.validation.rows import MAX_FAILING_ROWS, failing_rows_written
from dsbench.validation.runner import ExpectationResult, ValidationResult, run_suites


def engine_versions(engine: str | None = None) -> dict[str, str]:
    """dsbench's version and those of the engine's packages, as a card records them."""
    from dsbench._version import __version__

    return {"dsbench": __version__, **backend(engine or DEFAULT_ENGINE).versions()}


def fingerprint(dataset: Dataset, root: Path | None, digests: Mapping[Path, Future] | None = None) -> dict[str, Any]:
    """Rows, schema and a content hash per table (format-independent: a Parquet and a CSV copy of
    the same table agree), plus each file's bytes and sha256 (from ``digests`` when they are
    being computed already). The fingerprint names each table by its role in the dataset
    (:func:`~dsbench.suites.from_data.table_role`): a renamed file keeps it."""
    digests = digests or {}
    tables = []
    for name in sorted(dataset.tables):
        table = dataset.tables[name]
        rows = Scope(table.view).aggregate("count(*)")
        content = content_hash(table.view, [quote_ident(c) for c in table.columns], dataset.dialect)
        values = compute(dataset.session, [rows, content], dataset.metric_values, timeout=dataset.timeout)[0]
        failure = next((v for v in values.values() if isinstance(v, MetricFailure)), None)
        if failure is not None:
            raise DataError(f"cannot fingerprint table {name!r}: {failure.message}", source=table.source)
        files = [{"path": relative_to_root(f, root), "bytes": f.stat().st_size,
                  "sha256": digests[f].result() if f in digests else file_sha256(f)}
                 for f in sorted(table.files)]
        tables.append({"name": name, "rows": int(values[rows]), "content_hash": str(values[content]),
                       "columns": [{"name": c, "type": t} for c, t in table.columns.items()],
                       "files": sorted(files, key=lambda f: f["path"]),
                       "missing_values": table.missing_values})
    # How a table was read is not what it holds: a Parquet and a CSV copy of it agree.
    basis = [{**{k: v for k, v in t.items() if k not in ("files", "missing_values")},
              "name": table_role(dataset, t["name"])} for t in tables]
    return {"fingerprint": canonical_digest(basis), "tables": tables}


def suite_digest(suite: Suite, role: str | None = None) -> str:
    """The digest of the suite as written; its table named by ``role`` (the table's role in the
    dataset) when given, so that a renamed data file leaves the digest as it was."""
    document = suite.model_dump(mode="json")
    if role is not None:
        document["table"] = role
    return canonical_digest(document)


# Keyword arguments that change how a result is reported, not which rows it flags.
REPORTING_KWARGS = ("mostly", "result_format", "catch_exceptions", "include_config", "meta")


def _flagged(result: ExpectationResult) -> int:
    """Rows the result flags (its B − A), for expectations that flag rows and did not raise."""
    expectation, outcome = result.expectation, result.outcome
    if expectation is None or expectation.defect_kind != "rows" or outcome.exception is not None:
        return 0
    return outcome.evaluated - outcome.passed


def _scoring(suite: Suite, result: ValidationResult, elements: dict[str, dict]) -> list[tuple[Measured, dict]]:
    """Each result of ``result`` as scoring reads it, and as the card records it."""
    items = []
    atoms = set(elements[result.table]["atoms"])
    for item in result.results:
        qualified = f"{suite.name}:{item.id}"
        expectation = item.expectation
        kind = expectation.defect_kind if expectation is not None else "scope"
        columns = tuple(expectation.defect_columns()) if expectation is not None else ()
        flagged, by_row = _flagged(item), qualified in atoms
        # A rule counted without signatures: an exact copy of it is the same rule.
        identity = None if by_row or not flagged else canonical_digest(
            {"type": item.config.type, "table": result.table,
             "kwargs": {k: v for k, v in item.config.kwargs.items() if k not in REPORTING_KWARGS}})
        document = item.to_dict()
        document.update({"id": qualified, "suite": suite.name, "table": result.table,
                         "concern": item.concern, "severity": item.config.severity,
                         "scoring": {"kind": kind, "columns": list(columns), "flagged": flagged, "by_row": by_row,
                                     "identity": identity}})
        measured = Measured(qualified, item.concern, item.config.severity, item.success,
                            item.outcome.passed, item.outcome.evaluated, item.outcome.exception is not None,
                            result.table, kind, columns, flagged, by_row, identity)
        items.append((measured, document))
    return items


@dataclass(frozen=True)
class EvaluationOptions:
    """How to evaluate, one object for every surface (command line, corpus tools, pytest plugin,
    service): how to read the data and how much the engine may use (``reading``), whether suites
    are generated from the data and manifest, and how much evidence is kept."""

    reading: LoadOptions = field(default_factory=LoadOptions)
    generate: bool = True
    full_evidence: bool = False  # count unexpected values over the whole table (one more scan)
    failing_rows: str | Path | None = None  # a directory receiving each failed expectation's rows
    max_failing_rows: int = MAX_FAILING_ROWS

    def given(self, **values: Any) -> "EvaluationOptions":
        """A copy with the values that are not None; LoadOptions' names (encoding, threads …) go to
        ``reading``. An unknown name is a TypeError, as for any keyword argument."""
        own = {f.name for f in fields(self)} - {"reading"}
        reading_names = {f.name for f in fields(LoadOptions)}
        unknown = sorted(set(values) - own - reading_names)
        if unknown:
            raise TypeError(f"unexpected option(s): {', '.join(unknown)}")
        reading = self.reading.given(**{k: v for k, v in values.items() if k in reading_names})
        return replace(self, reading=reading, **{k: v for k, v in values.items() if k in own and v is not None})

    @classmethod
    def of(cls, options: "EvaluationOptions | LoadOptions | None" = None, **values: Any) -> "EvaluationOptions":
        """``options`` (reading options alone are accepted too) with ``values`` given over them."""
        if isinstance(options, LoadOptions):
            options = cls(reading=options)
        return (options or cls()).given(**values)

    @classmethod
    def from_record(cls, options: dict[str, Any]) -> "EvaluationOptions":
        """The options a card recorded (its ``options``), to evaluate it again."""
        return cls(reading=LoadOptions.from_record(options), generate=options.get("generated_suites", True),
                   full_evidence=options.get("full_evidence", False))

    def record(self) -> dict[str, Any]:
        """What a card records of these options (beside the evidence it was given)."""
        reading = self.reading
        return {"encoding": reading.encoding,
                "missing_values": None if reading.missing_values is None else list(reading.missing_values),
                "reader": reading.reader(), "generated_suites": self.generate, "full_evidence": self.full_evidence,
                **({"failing_rows": {"max_rows": self.max_failing_rows}} if self.failing_rows is not None else {})}


def evaluate(data: Any, standard: Any, *, manifest: str | Path | None = None,
             evidence: str | Path | dict[str, Evidence] | None = None, suites: list[Any] | None = None,
             options: EvaluationOptions | LoadOptions | None = None, **settings: Any) -> ScoreCard:
    """Evaluate ``data`` against ``standard`` (an id or a path) and return its :class:`ScoreCard`.

    The evidence comes from suites generated from the data and the manifest (unless the options say
    ``generate=False``) plus any given ``suites``; ``evidence`` (a YAML file) scores external
    indicators. ``options`` (:class:`EvaluationOptions`, or only the reading options,
    :class:`~dsbench.data.dataset.LoadOptions`) tells how to read the data and what to keep;
    ``settings`` override single options by name: ``generate``, ``full_evidence``,
    ``failing_rows`` (a directory receiving one Parquet file of each failed expectation's rows),
    ``max_failing_rows``, and the reading options ``encoding``, ``missing_values``, ``threads``,
    ``memory_limit``, ``timeout``, ``delimiter`` … Each result names its failing-rows file, and the
    card the bound.
    """
    return evaluate_many(data, [standard], manifest=manifest, evidence=evidence, suites=suites,
                         options=options, **settings)[0]


def evaluate_many(data: Any, standards: list[Any], *, manifest: str | Path | None = None,
                  evidence: str | Path | dict[str, Evidence] | None = None, suites: list[Any] | None = None,
                  options: EvaluationOptions | LoadOptions | None = None, **settings: Any) -> list[ScoreCard]:
    """Evaluate ``data`` against each of ``standards`` and return their cards, in that order.

    The data is loaded and the suites are run once: they come from the data, the manifest and the
    given suites, never from a standard, so each standard only scores the same results its own way.
    Each card is the one :func:`evaluate` gives for that standard. Options are those of
    :func:`evaluate`; an ``evidence`` file is read against each standard.
    """
    options = EvaluationOptions.of(options, **settings)
    standards = [load_standard(s) for s in standards]
    extra = [resolve_suite(s) for s in suites or []]
    externals = [load_evidence(evidence, standard) if isinstance(evidence, (str, Path)) else (evidence or {})
                 for standard in standards]
    with load_dataset(data, options=options.reading, manifest=manifest) as dataset, \
            ThreadPoolExecutor(max_workers=1) as hasher, \
            failing_rows_written(options.failing_rows, options.max_failing_rows) as writer:
        # The files' sha256 (IO and hashlib, which releases the GIL) while DuckDB works.
        digests = {f: hasher.submit(file_sha256, f) for t in dataset.tables.values() for f in t.files}
        chosen = (generated_suites(dataset) if options.generate else []) + extra
        validated = run_suites(chosen, dataset, options.full_evidence, failing_rows=writer)
        flagged = [Flagged(f"{suite.name}:{item.id}", result.table, item.expectation, _flagged(item))
                   for suite, result in zip(chosen, validated) for item in result.results]
        elements = table_elements(dataset, flagged, dataset.timeout)
        measured: list[tuple[Measured, dict]] = []
        for suite, result in zip(chosen, validated):
            measured.extend(_scoring(suite, result, elements))
        root = _dataset_root(data, dataset)
        identity = fingerprint(dataset, root, digests)
        not_evaluated = sorted(dataset.not_evaluated, key=lambda r: r["resource"])
        name = dataset_name(data, dataset)
        digests = {s.name: suite_digest(s, table_role(dataset, s.table)) for s in chosen}
        manifest_digest = None
        if dataset.manifest_path is not None:
            manifest_digest = file_sha256(dataset.manifest_path)
    # What every card shares; only the standard, its evidence and its scores differ.
    results = [m for m, _ in measured]
    suite_of = {doc["id"]: doc["suite"] for _, doc in measured}
    examined = {m.id for m in results if m.evaluated > 0 or m.whole}
    documents = sorted((doc for _, doc in measured), key=lambda d: d["id"])
    engine = engine_versions(dataset.engine)
    cards = []
    for standard, external in zip(standards, externals):
        scores = score(standard, results, external, elements)
        document = {
            "card_version": CARD_VERSION,
            "dataset": {"name": name, **identity, "not_evaluated": not_evaluated},
            "manifest_digest": manifest_digest,
            "standard": {"id": standard.id, "version": standard.version, "status": standard.status,
                         "title": standard.title, "digest": standard.digest},
            "suites": suites_fed(chosen, scores, suite_of, examined, digests),
            "engine": engine,
            "options": {**options.record(),
                        "evidence": {code: {"passed": e.passed, "evaluated": e.evaluated, "score": e.score,
                                            "source": e.source} for code, e in sorted(external.items())}},
            **scores_document(scores, standard),
            "elements": elements,
            "results": documents,
        }
        cards.append(ScoreCard(document))
    return cards


def suites_fed(suites: list[Suite], scores: Any, suite_of: dict[str, str], examined: set[str],
               digests: dict[str, str]) -> list[dict[str, Any]]:
    """The suites run, each with the indicators its results fed (results that examined something,
    or judged their whole scope), and those it alone made applicable (no other suite fed them)."""
    fed: dict[str, set[str]] = {}
    for dimension in scores.dimensions:
        for indicator in dimension.indicators:
            if indicator.status == "scored":
                for item in indicator.results:
                    if item["id"] in examined:
                        fed.setdefault(suite_of[item["id"]], set()).add(indicator.code)
    order = [i.code for d in scores.dimensions for i in d.indicators]
    entries = []
    for suite in suites:
        mine = fed.get(suite.name, set())
        others = set().union(*(codes for name, codes in fed.items() if name != suite.name))
        entries.append({"id": suite.name, "version": suite.version, "digest": digests[suite.name],
                        "feeds": sorted(mine, key=order.index),
                        "makes_applicable": sorted(mine - others, key=order.index),
                        "skipped": list(suite.meta.get("skipped", []))})
    return sorted(entries, key=lambda s: s["id"])


def dataset_name(data: Any, dataset: Dataset) -> str:
    """The manifest's name; else the directory's name; else the table's name."""
    if dataset.manifest is not None and dataset.manifest.name:
        return dataset.manifest.name
    if isinstance(data, (str, Path)) and Path(str(data)).is_dir():
        return Path(str(data)).resolve().name
    return dataset.table().name if dataset.primary else "data"


def _dataset_root(data: Any, dataset: Dataset) -> Path | None:
    """File paths in the card are relative to this: the data's directory."""
    if isinstance(data, (str, Path)):
        path = Path(str(data).split("#")[0])
        return path if path.is_dir() else path.parent
    return None


__all__ = ["EvaluationOptions", "evaluate", "evaluate_many", "fingerprint"]
