"""A suite generated from the data itself: measurements, not requirements.

From one profile of the table (:mod:`dsbench.generate.profile`), for every column:

- ``not_null`` (completeness.value): the share of present values;
- a dominant type, for VARCHAR columns of which at least 90% cast losslessly to one type
  (``expect_column_values_to_be_castable``, consistency.type);
- a dominant format, for VARCHAR columns whose most frequent shape covers at least 90% of the
  values and that are not free text (``expect_column_values_to_match_regex`` with the shape's
  anchored regex, consistency.format);
- IQR outliers for numeric columns (``expect_column_values_to_be_between`` from q1 - 1.5 IQR to
  q3 + 1.5 IQR, accuracy.outlier; on large tables the quartiles are estimated from a sample, which
  the expectation's meta says — the count of values outside the fences is always exact);
- for VARCHAR columns, no U+FFFD replacement character or other trace of a wrong decoding
  (``expect_column_values_to_not_contain_mojibake``, understandability.encoding), no control characters other than tab and line breaks
  (cleanliness.text), no e-mail address, PRC mobile number, bank card number or IP address
  (compliance.personal_info) and no unmasked PRC resident identity number (compliance.security) —
  validated detectors (:mod:`dsbench.expectations.personal`), whose evidence is masked;

and for the table: records unique (uniqueness.record), not entirely empty and complete
(completeness.record).

The data states no requirement, so every expectation asks for everything (``mostly: 1.0``) and is
``severity: info``: it contributes its A/B measure to scoring without claiming a hard failure.
Every expectation names its concern and a readable, stable id (``data.<table>.<column>.<check>``).
The same data gives the same suite, byte for byte.
"""

from __future__ import annotations

from typing import Any

from dsbench.expectations.base import ExpectationConfig
from dsbench.expectations.types import is_string
from dsbench.generate.profile import CASTS, ColumnProfile, TableProfile, profile_table, shape_regex
from dsbench.suite import Suite

DOMINANT_SHARE = 0.9
IQR_FACTOR = 1.5
# Free text: most values hold whitespace and they are long; a shape says nothing useful about it.
FREE_TEXT_WHITESPACE_SHARE = 0.5
FREE_TEXT_MEAN_LENGTH = 20.0
SEVERITY = "info"
CONTROL_CHARACTERS = "[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]"
PERSONAL_INFORMATION = "expect_column_values_to_not_contain_personal_information"
# Screens of every text column: (id suffix, concern, expectation type, kwargs). Personal information
# is found by validated detectors (check digits, dates, Luhn) whose evidence is masked.
TEXT_SCREENS = [
    ("no_mojibake", "understandability.encoding", "expect_column_values_to_not_contain_mojibake", {}),
    ("no_control_characters", "cleanliness.text", "expect_column_values_to_not_match_regex",
     {"regex": CONTROL_CHARACTERS}),
    ("no_personal_information", "compliance.personal_info", PERSONAL_INFORMATION,
     {"kinds": ["email", "prc_mobile", "bank_card", "ipv4", "ipv6"]}),
    ("no_unmasked_identity_number", "compliance.security", PERSONAL_INFORMATION,
     {"kinds": ["prc_resident_id"]}),
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


def _round(value: float) -> float:
    """Fences as plain decimals (12 significant digits): stable text, no float noise."""
    return float(f"{value:.12g}")


def screen_expectations(table: str, column: str) -> list[ExpectationConfig]:
    """The screens of a text column (they need no profile)."""
    return [_config(type_, {"column": column, **kwargs, "mostly": 1.0}, concern, f"data.{table}.{column}.{suffix}")
            for suffix, concern, type_, kwargs in TEXT_SCREENS]


def column_expectations(table: str, column: ColumnProfile,
                        quartile_sample_rows: int | None = None) -> list[ExpectationConfig]:
    """``quartile_sample_rows``: the quartiles are estimates from this many sampled rows (None: exact)."""
    base = f"data.{table}.{column.name}"
    configs = [_config("expect_column_values_to_not_be_null", {"column": column.name, "mostly": 1.0},
                       "completeness.value", f"{base}.not_null")]
    if column.non_null == 0:
        return configs
    if column.is_text:
        configs += screen_expectations(table, column.name)
        found = dominant_type(column)
        if found is not None:
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
    if column.is_numeric and column.q1 is not None and column.q3 is not None:
        spread = column.q3 - column.q1
        low, high = _round(column.q1 - IQR_FACTOR * spread), _round(column.q3 + IQR_FACTOR * spread)
        profile = {"q1": _round(column.q1), "q3": _round(column.q3), "iqr_factor": IQR_FACTOR}
        if quartile_sample_rows is not None:
            profile.update(quartiles="approximate", quartile_sample_rows=quartile_sample_rows)
        configs.append(_config("expect_column_values_to_be_between",
                               {"column": column.name, "min_value": low, "max_value": high, "mostly": 1.0},
                               "accuracy.outlier", f"{base}.outliers",
                               {"profile": profile}))
    return configs


def suite_from_profile(profile: TableProfile) -> Suite:
    table = profile.table
    expectations: list[ExpectationConfig] = []
    sample = None if profile.quartiles_exact else profile.quartile_sample_rows
    for column in profile.columns:
        expectations += column_expectations(table, column, sample)
    expectations += [
        _config("expect_table_records_to_be_unique", {"mostly": 1.0}, "uniqueness.record",
                f"data.{table}.records.unique"),
        _config("expect_table_records_to_not_be_all_null", {"mostly": 1.0}, "completeness.record",
                f"data.{table}.records.not_all_null"),
        _config("expect_table_records_to_be_complete", {"mostly": 1.0}, "completeness.record",
                f"data.{table}.records.complete"),
    ]
    return Suite(name=f"generated-data-{table}", version="1", table=table,
                 description=f"Measurements generated from a profile of table {table!r} "
                             f"({profile.rows} rows, {len(profile.columns)} columns).",
                 expectations=expectations,
                 meta={"generator": "dsbench.generate.from_data", "rows": profile.rows})


def data_suite(dataset: Any, table_name: str | None = None) -> Suite:
    """The generated data suite of one table of ``dataset`` (a loaded :class:`~dsbench.data.Dataset`,
    or anything :func:`dsbench.load_dataset` reads)."""
    from dsbench.data.sources import Dataset, load_dataset

    if isinstance(dataset, Dataset):
        return suite_from_profile(profile_table(dataset, table_name, also=screen_metrics(dataset, table_name)))
    with load_dataset(dataset) as loaded:
        return data_suite(loaded, table_name)


def screen_metrics(dataset: Any, table_name: str | None = None) -> list:
    """The metrics of the table's text screens: they need no profile, so the profile's scan
    computes them too (the screened text is read once)."""
    from dsbench.validation import bind

    table = dataset.table(table_name)
    configs = [config for name, column_type in table.columns.items() if is_string(column_type)
               for config in screen_expectations(table.name, name)]
    if not configs:
        return []
    suite = Suite(name="screens", version="1", table=table.name, expectations=configs)
    return [metric for _, expectation in bind(suite, dataset) for metric in expectation.metrics()]
