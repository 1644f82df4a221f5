"""A suite generated from the data itself: measurements, not requirements.

From one profile of the table (:mod:`dsbench.suites.profile`), for every column:

- ``not_null`` (completeness.item): the share of present values, the items of every record;
- a type (``expect_column_values_to_be_castable``, consistency.type): for VARCHAR columns the
  dominant one, when at least 90% of the values cast losslessly to it; for typed columns (numbers,
  dates, times, booleans) their own, which every value has, so that type consistency is measured
  on every table whatever its column types;
- a dominant format, for VARCHAR columns whose most frequent shape covers at least 90% of the
  values and that are not free text (``expect_column_values_to_match_regex`` with the shape's
  anchored regex, consistency.format);
- outliers for numeric columns (``expect_column_values_to_be_between``, accuracy.outlier, a risk
  that only outlier indicators score): Tukey's far-out fences, 3 IQR beyond the quartiles, on the
  scale ``log(1 + x − m)`` (m = the least value when it is negative, else 0) when the quartiles are
  right-skewed (Bowley's coefficient >= 0.2: amounts, durations, delays), so that a heavy tail is
  not a list of outliers. Not screened, and listed in the suite's ``meta.skipped``: identifier- or
  code-like columns (a declared key, an integer column whose values are nearly all distinct, a
  name ending in id, code, key, zip, phone, number, year …), coordinates, and columns whose
  quartiles coincide (zero-inflated or near constant: the fences would be the quartile itself).
  The fences, scale and quartiles are in the expectation's ``meta.profile``; on large tables the
  quartiles come from a sample, which the meta says — the count outside the fences is always exact;
- personal information, for text and numeric columns (phone, identity and bank card numbers are
  often stored as integers): no e-mail address, PRC mobile number, bank card number or IP address
  (compliance.personal_info) and no unmasked PRC resident identity number (compliance.security) —
  validated detectors (:mod:`dsbench.expectations.personal`), whose evidence is masked;
- for VARCHAR columns, no U+FFFD replacement character or other trace of a wrong decoding
  (``expect_column_values_to_not_contain_mojibake``, understandability.encoding) and no control
  characters other than tab and line breaks (cleanliness.text);

and for the table: records unique (the extra copies of repeated records, uniqueness.record), not
entirely empty (completeness.empty_record) and complete (completeness.record). A field the
manifest declares and the data lacks is missing from every record: its ``exists`` check
(``expect_column_to_exist``, completeness.item) fails, and the records-complete check lists it in
``missing_columns``.

The data states no requirement, so every expectation asks for everything (``mostly: 1.0``) and is
``severity: info``: it contributes its A/B measure to scoring without claiming a hard failure.
Every expectation names its concern and a readable id, ``data.<table>.<column>.<check>``, where
``<table>`` is the table's role in the dataset (:func:`table_role`): its manifest resource name,
or ``table`` when the dataset is one table, so that renaming a versioned file (``sales-2025.csv``
to ``sales-2026.csv``) changes no id. The same data gives the same suite, byte for byte.
"""

from __future__ import annotations

import math
import re
from typing import Any

from dsbench.engine.types import LogicalType
from dsbench.expectations.base import Context, ExpectationConfig
from dsbench.suites.profile import CASTS, ColumnProfile, TableProfile, profile_table, shape_regex
from dsbench.suites.model import Suite

# The name of this generator recorded in each suite it makes (so in the digests of cards): a name,
# kept when the module moved from dsbench.generate.
GENERATOR = "dsbench.generate.from_data"

DOMINANT_SHARE = 0.9
IQR_FACTOR = 3.0  # Tukey's "far out"
SKEWED = 0.2  # Bowley's skewness from which the fences are drawn on a log scale
KEY_SHARE = 0.95  # an integer column with this many distinct values per value is a key
KEY_MIN_VALUES = 20
# Name words that make a numeric column an identifier or a code (its last word) or a coordinate
# (any word): their values are labels or positions, not measurements, and have no outliers.
IDENTIFIER_WORDS = {"id", "ids", "key", "code", "codes", "zip", "zipcode", "postcode", "postal", "phone", "tel",
                    "mobile", "fax", "no", "nr", "num", "number", "uuid", "guid", "hash", "year", "tz",
                    "timezone"}
COORDINATE_WORDS = {"lat", "latitude", "lon", "lng", "long", "longitude"}
# Free text: most values hold whitespace and they are long; a shape says nothing useful about it.
FREE_TEXT_WHITESPACE_SHARE = 0.5
FREE_TEXT_MEAN_LENGTH = 20.0
SEVERITY = "info"
CONTROL_CHARACTERS = "[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]"
PERSONAL_INFORMATION = "expect_column_values_to_not_contain_personal_information"
# Screens of every text column: (id suffix, concern, expectation type, kwargs). Personal information
# is found by validated detectors (check digits, dates, Luhn) whose evidence is masked.
PERSONAL_SCREENS = [
    ("no_personal_information", "compliance.personal_info", PERSONAL_INFORMATION,
     {"kinds": ["email", "prc_mobile", "bank_card", "ipv4", "ipv6"]}),
    ("no_unmasked_identity_number", "compliance.security", PERSONAL_INFORMATION,
     {"kinds": ["prc_resident_id"]}),
]
TEXT_SCREENS = [
    ("no_mojibake", "understandability.encoding", "expect_column_values_to_not_contain_mojibake", {}),
    ("no_control_characters", "cleanliness.text", "expect_column_values_to_not_match_regex",
     {"regex": CONTROL_CHARACTERS}),
    *PERSONAL_SCREENS,
]


def _config(type_: str, kwargs: dict[str, Any], concern: str, id_: str,
            meta: dict[str, Any] | None = None) -> ExpectationConfig:
    return ExpectationConfig(type=type_, kwargs=kwargs, concern=concern, id=id_, severity=SEVERITY,
                             meta=meta or {})


def is_free_text(column: ColumnProfile) -> bool:
    return (column.whitespace_share or 0.0) >= FREE_TEXT_WHITESPACE_SHARE and \
        (column.mean_length or 0.0) >= FREE_TEXT_MEAN_LENGTH


def dominant_type(column: ColumnProfile) -> tuple[str, float] | None:
    """The most specific type that at least 90% of a VARCHAR column's values cast to."""
    for duck_type, target in CASTS.items():
        share = column.castable.get(duck_type)
        if share is not None and share >= DOMINANT_SHARE:
            return target, share
    return None


def type_check(base: str, name: str, loaded: Any, dialect: Any) -> ExpectationConfig | None:
    """The type check of a column the reader read as text although its values were meant to have
    a type: a CSV column in which some value did not fit the type the sniffer inferred or the user
    or manifest gave (castable to that type, whatever the share), or a JSON column of mixed JSON
    types (one JSON type). ``dialect`` reads the engine's name of the meant type."""
    if name in loaded.source_types:
        return _config("expect_column_values_to_have_one_json_type", {"column": name, "mostly": 1.0},
                       "consistency.type", f"{base}.json_type", {"profile": {"json_types": loaded.source_types[name]["types"]}})
    meant = loaded.read_as_text.get(name)
    target = own_type(dialect.logical_type(meant)) if meant else None
    if target is None:
        return None
    return _config("expect_column_values_to_be_castable", {"column": name, "type": target, "mostly": 1.0},
                   "consistency.type", f"{base}.castable", {"profile": {"read_as_text": meant}})


def _round(value: float) -> float:
    """Fences as plain decimals (12 significant digits): stable text, no float noise."""
    return float(f"{value:.12g}")


# The castable type every value of a typed column has (the type check of a column that is not text).
OWN_TYPES = (("integer", lambda t: t.is_integer), ("number", lambda t: t.is_numeric),
             ("boolean", lambda t: t.family == "boolean"), ("date", lambda t: t.family == "date"),
             ("datetime", lambda t: t.family == "timestamp"),
             ("time", lambda t: t.family == "time" and not t.time_zone))


def own_type(logical: LogicalType) -> str | None:
    return next((name for name, test in OWN_TYPES if test(logical)), None)


def screens(logical: LogicalType) -> list[tuple[str, str, str, dict[str, Any]]]:
    """The screens of a column of this type: every screen of a text column, personal information
    in a number."""
    if logical.is_string:
        return TEXT_SCREENS
    return PERSONAL_SCREENS if logical.is_numeric else []


def screen_expectations(role: str, column: str, logical: LogicalType) -> list[ExpectationConfig]:
    """The screens of a column (they need no profile)."""
    return [_config(type_, {"column": column, **kwargs, "mostly": 1.0}, concern, f"data.{role}.{column}.{suffix}")
            for suffix, concern, type_, kwargs in screens(logical)]


def name_words(name: str) -> list[str]:
    """``depTime_UTC`` -> ``["dep", "time", "utc"]``."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [word.lower() for word in re.split(r"[^0-9A-Za-z]+", spaced) if word]


def not_screened_for_outliers(column: ColumnProfile, keys: set[str]) -> str | None:
    """Why a numeric column gets no outlier check, or None."""
    words = name_words(column.name)
    if column.name in keys:
        return "a key the manifest declares: labels, not measurements"
    if words and words[-1] in IDENTIFIER_WORDS:
        return "an identifier- or code-like name: labels, not measurements"
    if COORDINATE_WORDS.intersection(words):
        return "coordinates: a position, not a measurement"
    if column.distinct is not None and column.non_null >= KEY_MIN_VALUES \
            and column.distinct >= KEY_SHARE * column.non_null:
        return "nearly every value is distinct (key-like)"
    if column.q1 == column.q3:
        return "the quartiles coincide (zero-inflated or nearly constant): no spread to judge outliers by"
    return None


def outlier_fences(column: ColumnProfile) -> tuple[float | None, float | None, dict[str, Any]]:
    """(low, high, how): Tukey's far-out fences, 3 IQR beyond the quartiles, on a log scale for
    right-skewed columns (see the module docstring). A fence that does not fit a float is None."""
    q1, median, q3 = column.q1, column.median, column.q3
    skewness = (q3 + q1 - 2 * median) / (q3 - q1)
    how: dict[str, Any] = {"method": "iqr", "iqr_factor": IQR_FACTOR, "q1": _round(q1), "median": _round(median),
                           "q3": _round(q3), "skewness": _round(skewness)}
    if skewness < SKEWED:
        how["scale"] = "linear"
        spread = q3 - q1
        return _round(q1 - IQR_FACTOR * spread), _round(q3 + IQR_FACTOR * spread), how
    shift = min(0.0, column.minimum if column.minimum is not None else 0.0)
    how.update(scale="log", shift=_round(shift))
    low, high = math.log1p(q1 - shift), math.log1p(q3 - shift)
    spread = high - low

    def back(y: float) -> float | None:
        try:
            value = math.expm1(y) + shift
        except OverflowError:
            return None
        return _round(value) if math.isfinite(value) else None

    return back(low - IQR_FACTOR * spread), back(high + IQR_FACTOR * spread), how


def column_expectations(role: str, column: ColumnProfile, quartile_sample_rows: int | None = None,
                        keys: set[str] = frozenset(), skipped: list[dict[str, str]] | None = None,
                        loaded: Any = None, dialect: Any = None) -> list[ExpectationConfig]:
    """``quartile_sample_rows``: the quartiles are estimates from this many sampled rows (None:
    exact); ``keys``: the table's declared keys; columns not screened for outliers are added to
    ``skipped`` with the reason; ``loaded``: the loaded table, whose reader may have read a
    column as text (see :func:`type_check`), on an engine of ``dialect``."""
    base = f"data.{role}.{column.name}"
    configs = [_config("expect_column_values_to_not_be_null", {"column": column.name, "mostly": 1.0},
                       "completeness.item", f"{base}.not_null")]
    if column.non_null == 0:
        return configs
    configs += screen_expectations(role, column.name, column.logical)
    typed = own_type(column.logical)
    if typed is not None:
        configs.append(_config("expect_column_values_to_be_castable",
                               {"column": column.name, "type": typed, "mostly": 1.0},
                               "consistency.type", f"{base}.castable", {"profile": {"column_type": column.type}}))
    if column.is_text:
        found = None if loaded is None else type_check(base, column.name, loaded, dialect)
        if found is not None:
            configs.append(found)
        elif (found := dominant_type(column)) is not None:
            target, share = found
            configs.append(_config("expect_column_values_to_be_castable",
                                   {"column": column.name, "type": target, "mostly": 1.0},
                                   "consistency.type", f"{base}.castable",
                                   {"profile": {"castable_share": _round(share)}}))
        if column.shape is not None and (column.shape_share or 0.0) >= DOMINANT_SHARE \
                and not is_free_text(column):
            configs.append(_config("expect_column_values_to_match_regex",
                                   {"column": column.name, "regex": shape_regex(column.shape), "mostly": 1.0},
                                   "consistency.format", f"{base}.format",
                                   {"profile": {"shape": column.shape,
                                                "shape_share": _round(column.shape_share)}}))
    if column.is_numeric and column.q1 is not None and column.q3 is not None and column.median is not None:
        reason = not_screened_for_outliers(column, keys)
        low, high, how = outlier_fences(column) if reason is None else (None, None, {})
        if reason is None and low is None and high is None:
            reason = "the fences are beyond the range of numbers"
        if reason is not None:
            if skipped is not None:
                skipped.append({"constraint": f"{column.name}.outliers", "reason": reason})
            return configs
        if quartile_sample_rows is not None:
            how.update(quartiles="approximate", quartile_sample_rows=quartile_sample_rows)
        configs.append(_config("expect_column_values_to_be_between",
                               {"column": column.name, "min_value": low, "max_value": high, "mostly": 1.0},
                               "accuracy.outlier", f"{base}.outliers", {"profile": how}))
    return configs


def suite_from_profile(profile: TableProfile, role: str | None = None, keys: set[str] = frozenset(),
                       absent: list[str] = (), loaded: Any = None, dialect: Any = None) -> Suite:
    """The data suite of a profiled table. ``role``: the name in ids (default: the table's);
    ``keys``: the table's declared keys (no outlier checks); ``absent``: fields the manifest
    declares and the data lacks; ``loaded``: the loaded table (how its reader read it) and
    ``dialect`` its engine's."""
    table, role = profile.table, role or profile.table
    expectations: list[ExpectationConfig] = []
    skipped: list[dict[str, str]] = []
    sample = None if profile.quartiles_exact else profile.quartile_sample_rows
    for column in profile.columns:
        expectations += column_expectations(role, column, sample, keys, skipped, loaded, dialect)
    for name in absent:
        expectations.append(_config("expect_column_to_exist", {"column": name}, "completeness.item",
                                    f"data.{role}.{name}.exists"))
    complete: dict[str, Any] = {"mostly": 1.0, **({"missing_columns": list(absent)} if absent else {})}
    expectations += [
        _config("expect_table_records_to_be_unique", {"mostly": 1.0}, "uniqueness.record",
                f"data.{role}.records.unique"),
        _config("expect_table_records_to_not_be_all_null", {"mostly": 1.0}, "completeness.empty_record",
                f"data.{role}.records.not_all_null"),
        _config("expect_table_records_to_be_complete", complete, "completeness.record",
                f"data.{role}.records.complete"),
    ]
    meta: dict[str, Any] = {"generator": GENERATOR, "rows": profile.rows}
    if skipped:
        meta["skipped"] = skipped
    return Suite(name=f"generated-data-{role}", version="1", table=table,
                 description=f"Measurements generated from a profile of table {role!r} "
                             f"({profile.rows} rows, {len(profile.columns)} columns).",
                 expectations=expectations, meta=meta)


def table_role(dataset: Any, table_name: str | None = None) -> str:
    """The table's name in generated ids: its manifest resource name; ``table`` when the dataset is
    one table without a manifest (a file name often carries a version or a date); else its name."""
    table = dataset.table(table_name)
    if dataset.resource(table.name) is not None:
        return table.name
    return "table" if len(dataset.tables) == 1 else table.name


def data_suite(dataset: Any, table_name: str | None = None) -> Suite:
    """The generated data suite of one table of ``dataset`` (a loaded :class:`~dsbench.data.Dataset`,
    or anything :func:`dsbench.load_dataset` reads)."""
    from dsbench.backends import load_dataset
    from dsbench.data.dataset import Dataset
    from dsbench.suites.from_manifest import declared_fields, declared_keys

    if isinstance(dataset, Dataset):
        table = dataset.table(table_name)
        profile = profile_table(dataset, table.name, also=screen_metrics(dataset, table.name))
        absent = [name for name in declared_fields(dataset, table.name) if name not in table.columns]
        return suite_from_profile(profile, table_role(dataset, table.name), declared_keys(dataset, table.name),
                                  absent, table, dataset.dialect)
    with load_dataset(dataset) as loaded:
        return data_suite(loaded, table_name)


def screen_metrics(dataset: Any, table_name: str | None = None) -> list:
    """The metrics of the table's screens: they need no profile, so the profile's scan computes
    them too (the screened values are read once)."""
    from dsbench.expectations.registry import get_expectation_type

    table, dialect = dataset.table(table_name), dataset.dialect
    configs = [config for name, column_type in table.columns.items()
               for config in screen_expectations(table.name, name, dialect.logical_type(column_type))]
    context = Context(table, dataset.tables, dataset.manifest, dialect=dialect)
    metrics = []
    for config in configs:
        cls = get_expectation_type(config.type)
        metrics += cls(cls.Kwargs.model_validate(config.kwargs), context).metrics()
    return metrics
