"""Suites generated from the dataset's manifest: what the publisher declared, checked on the data.

One suite per table of the manifest (``generated-manifest-<table>``), from its Table Schema:

| declared | expectation | concern |
|---|---|---|
| field list | ``expect_table_columns_to_match_set`` (exact) | conformity.schema |
| each declared field | ``expect_column_to_exist`` | completeness.field |
| ``dsbench:role: label`` on a field | not null / ``enum`` as below | completeness.label / conformity.label |
| ``dsbench:role: label`` | class balance (Bal-ML-3), distribution (Bal-ML-8), with ``enum`` as the classes | balance.label / balance.label_distribution |
| ``dsbench:role: label`` with ``enum`` | ``expect_column_distinct_labels_to_cover_set`` (Div-ML-1) | diversity.label |
| ``dsbench:minPerClass: n`` on a label | ``expect_column_class_sizes_to_be_at_least`` | balance.class_size |
| ``dsbench:role: text`` on a text field | not blank; unique after normalisation; near duplicates; repeated content; distinct n-gram ratio (mojibake, control characters and personal information are screened on every text column by the data suite) | completeness.value, uniqueness.value, uniqueness.record, cleanliness.text, diversity.content |
| ``dsbench:script: Han`` on a text field | ``expect_column_values_to_have_script_share_between`` (min 0.5) | cleanliness.text |
| a text field and a label field in one table | ``expect_labels_to_be_consistent`` | consistency.label |
| ``dsbench:split: validation`` / ``test`` on a resource | its texts do not occur in the earlier splits (train, validation); its label distribution stays within 0.1 of theirs | uniqueness.split / consistency.split_labels |
| ``required`` (and primary-key fields) | ``expect_column_values_to_not_be_null`` | completeness.value |
| required fields together | ``expect_table_records_to_be_complete`` (a required field the data lacks: ``missing_columns``, and an ``expect_column_to_exist`` of concern completeness.value) | completeness.record |
| ``dsbench:expectedRows: n`` on a resource | ``expect_table_row_count_to_be_between`` (min_value n: A = rows, capped at n; B = n) | completeness.scale |
| ``unique`` | ``expect_column_values_to_be_unique`` | uniqueness.key |
| ``primaryKey`` | ``expect_compound_columns_to_be_unique`` | uniqueness.key |
| ``foreignKeys`` | ``expect_foreign_key_values_to_exist`` | consistency.referential |
| ``minimum`` / ``maximum`` (``exclusive*``) | ``expect_column_values_to_be_between`` | validity.range |
| ``enum`` | ``expect_column_values_to_be_in_set`` | validity.domain |
| ``pattern`` | ``expect_column_values_to_match_regex`` ``^(?:pattern)$`` | validity.format |
| ``minLength`` / ``maxLength`` | ``expect_column_value_lengths_to_be_between`` | validity.length |
| field ``type`` (and date/time ``format``) | ``expect_column_values_to_be_castable`` | consistency.type |
| ``dsbench:maxAge`` on a field + package ``dsbench:asOf`` | ``expect_column_values_to_be_recent`` | timeliness.currency |

and one documentation suite (``generated-manifest-documentation``, :mod:`dsbench.suites.documentation`).

Manifest values (bounds, enums, patterns) travel only as kwargs, which the engine binds as
parameters. A constraint that cannot apply to the loaded column (a declared field that is not in
the data, numeric bounds on a column that loaded as text, a pattern the engine cannot run) is left
out and listed in the suite's ``meta.skipped`` with the reason, instead of failing the whole suite.

Declared constraints are requirements, so their expectations are ``severity: warning``; the
documentation checklists are measurements (``info``). Ids are ``manifest.<table>.<column>.<check>``.
"""

from __future__ import annotations

import math
from typing import Any

from dsbench.errors import SuiteError
from dsbench.expectations.base import ExpectationConfig
from dsbench.suites.documentation import ASPECTS, CHECKLISTS, documentation_suite
from dsbench.suites.model import Suite

# The name of this generator recorded in each suite it makes (so in the digests of cards): a name,
# kept when the module moved from dsbench.generate.
GENERATOR = "dsbench.generate.from_manifest"

CONSTRAINT_SEVERITY = "warning"

# Checks of a field declared ``dsbench:role: text``: (id suffix, expectation type, concern).
TEXT_CHECKS = [
    ("not_blank", "expect_column_values_to_not_be_blank", "completeness.value"),
    ("unique_normalized", "expect_column_values_to_be_unique_after_normalization", "uniqueness.value"),
    ("near_duplicates", "expect_column_values_to_not_have_near_duplicates", "uniqueness.record"),
    ("no_repeated_content", "expect_column_values_to_not_have_repeated_content", "cleanliness.text"),
    ("ngram_diversity", "expect_column_distinct_ngram_ratio_to_be_at_least", "diversity.content"),
]
# Least share of a text's letters in the script a text field declares (``dsbench:script``).
SCRIPT_SHARE = 0.5
SPLITS = ["train", "validation", "test"]

# Table Schema types -> expect_column_values_to_be_castable types (others are not checked).
FIELD_TYPES = {"integer": "integer", "number": "number", "boolean": "boolean", "date": "date",
               "datetime": "datetime", "time": "time", "string": "string", "year": "integer"}

def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return []


def _number(value: Any) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value if not (isinstance(value, float) and not math.isfinite(value)) else None
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return None
        if not math.isfinite(number):
            return None
        return int(number) if number == int(number) and "." not in value and "e" not in value.lower() else number
    return None


class _Builder:
    """Collects one table's expectations and the constraints it had to leave out; ``dialect`` (the
    dataset's) reads the columns' types and checks patterns and formats."""

    def __init__(self, table: str, columns: dict[str, str], dialect: Any):
        self.table = table
        self.columns = columns
        self.dialect = dialect
        self.expectations: list[ExpectationConfig] = []
        self.skipped: list[dict[str, str]] = []

    def logical(self, column: str) -> Any:
        """The logical type of a column of the table (see dsbench.engine.types)."""
        return self.dialect.logical_type(self.columns[column])

    def add(self, type_: str, kwargs: dict[str, Any], concern: str, id_: str) -> None:
        self.expectations.append(ExpectationConfig(type=type_, kwargs=kwargs, concern=concern, id=id_,
                                                   severity=CONSTRAINT_SEVERITY))

    def skip(self, what: str, reason: str) -> None:
        self.skipped.append({"constraint": what, "reason": reason})

    def values_for(self, column: str, values: list[Any], what: str) -> list[Any] | None:
        """Declared values as the loaded column can compare them, or None (skipped)."""
        column_type, logical = self.columns[column], self.logical(column)
        converted = []
        for value in values:
            if value is None:
                converted.append(value)
            elif logical.is_numeric:
                number = _number(value)
                if number is None:
                    self.skip(what, f"{value!r} is not a number but column {column!r} loaded as {column_type}")
                    return None
                converted.append(number)
            elif logical.is_string:
                if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                    self.skip(what, f"{value!r} cannot be compared with text column {column!r}")
                    return None
                converted.append(value if isinstance(value, str) else str(value))
            else:
                converted.append(value)
        return converted


def _field_format(field: dict[str, Any]) -> str | None:
    fmt = field.get("format")
    if not isinstance(fmt, str) or fmt in ("", "default", "any"):
        return None
    return fmt[4:] if fmt.startswith("fmt:") else fmt


def _field_expectations(b: _Builder, field: dict[str, Any], key: list[str], as_of: Any) -> None:
    name = field["name"]
    base = f"manifest.{b.table}.{name}"
    column_type, logical = b.columns[name], b.logical(name)
    constraints = field.get("constraints") if isinstance(field.get("constraints"), dict) else {}

    label = field.get("dsbench:role") == "label"
    if constraints.get("required") is True or name in key or label:
        b.add("expect_column_values_to_not_be_null", {"column": name},
              "completeness.label" if label else "completeness.value", f"{base}.not_null")
    if constraints.get("unique") is True and key != [name]:
        b.add("expect_column_values_to_be_unique", {"column": name}, "uniqueness.key", f"{base}.unique")

    field_type = field.get("type", "string")
    target = FIELD_TYPES.get(field_type) if isinstance(field_type, str) else None
    if target is not None:
        kwargs: dict[str, Any] = {"column": name, "type": target}
        fmt = _field_format(field)
        if fmt is not None and target in ("date", "datetime", "time") and logical.is_string:
            try:
                b.dialect.check_time_format(fmt, "format")
                kwargs["format"] = fmt
            except SuiteError as error:
                b.skip(f"{name}.format", error.problem)
        b.add("expect_column_values_to_be_castable", kwargs, "consistency.type", f"{base}.type")
    elif field_type is not None:
        b.skip(f"{name}.type", f"type {field_type!r} has no castable check")

    bounds = {k: constraints.get(k) for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
              if constraints.get(k) is not None}
    if bounds:
        low = bounds.get("minimum", bounds.get("exclusiveMinimum"))
        high = bounds.get("maximum", bounds.get("exclusiveMaximum"))
        if logical.is_string and target in ("integer", "number"):
            b.skip(f"{name}.range", f"column {name!r} loaded as {column_type}: numeric bounds cannot be "
                                    "compared (its type check counts the values that are not numbers)")
        else:
            values = b.values_for(name, [low, high], f"{name}.range") if not logical.is_temporal \
                else [low, high]
            if values is not None:
                kwargs = {"column": name, "min_value": values[0], "max_value": values[1]}
                if "minimum" not in bounds and "exclusiveMinimum" in bounds:
                    kwargs["strict_min"] = True
                if "maximum" not in bounds and "exclusiveMaximum" in bounds:
                    kwargs["strict_max"] = True
                b.add("expect_column_values_to_be_between", kwargs, "validity.range", f"{base}.range")

    enum = constraints.get("enum")
    if isinstance(enum, list) and enum:
        values = b.values_for(name, enum, f"{name}.enum")
        if values is not None:
            b.add("expect_column_values_to_be_in_set", {"column": name, "value_set": values},
                  "conformity.label" if label else "validity.domain", f"{base}.enum")

    pattern = constraints.get("pattern")
    if isinstance(pattern, str):
        regex = f"^(?:{pattern})$"
        try:
            b.dialect.check_regex(regex, "pattern")
        except SuiteError as error:
            b.skip(f"{name}.pattern", error.problem)
        else:
            b.add("expect_column_values_to_match_regex", {"column": name, "regex": regex},
                  "validity.format", f"{base}.pattern")

    lengths = {k: constraints.get(k) for k in ("minLength", "maxLength")}
    if any(isinstance(v, int) and not isinstance(v, bool) for v in lengths.values()):
        kwargs = {"column": name}
        if isinstance(lengths["minLength"], int) and not isinstance(lengths["minLength"], bool):
            kwargs["min_value"] = lengths["minLength"]
        if isinstance(lengths["maxLength"], int) and not isinstance(lengths["maxLength"], bool):
            kwargs["max_value"] = lengths["maxLength"]
        b.add("expect_column_value_lengths_to_be_between", kwargs, "validity.length", f"{base}.length")

    max_age = field.get("dsbench:maxAge")
    if max_age is not None:
        if as_of is None:
            b.skip(f"{name}.recent", "dsbench:maxAge needs the package's dsbench:asOf date (the wall "
                                     "clock is never used)")
        elif logical.family not in ("date", "timestamp", "string"):
            b.skip(f"{name}.recent", f"column {name!r} loaded as {column_type}, not a date or timestamp")
        else:
            b.add("expect_column_values_to_be_recent",
                  {"column": name, "max_age": str(max_age), "as_of": str(as_of)},
                  "timeliness.currency", f"{base}.recent")


def _role(b: _Builder, fields: list[dict[str, Any]], role: str) -> list[dict[str, Any]]:
    """The declared fields with ``dsbench:role: role`` that the data has (text roles: text columns)."""
    return [f for f in fields if f.get("dsbench:role") == role and f["name"] in b.columns
            and (role != "text" or b.logical(f["name"]).is_string)]


def _declared_classes(b: _Builder, field: dict[str, Any]) -> list[Any] | None:
    constraints = field.get("constraints") if isinstance(field.get("constraints"), dict) else {}
    enum = constraints.get("enum")
    if not (isinstance(enum, list) and enum):
        return None
    values = b.values_for(field["name"], enum, f"{field['name']}.enum")
    return [v for v in values if v is not None] if values is not None else None


def _role_expectations(b: _Builder, fields: list[dict[str, Any]]) -> None:
    """Training-data checks of the fields whose role is declared: texts and labels."""
    texts, labels = _role(b, fields, "text"), _role(b, fields, "label")
    for field in texts:
        name, base = field["name"], f"manifest.{b.table}.{field['name']}"
        for suffix, type_, concern in TEXT_CHECKS:
            b.add(type_, {"column": name}, concern, f"{base}.{suffix}")
        script = field.get("dsbench:script")
        if isinstance(script, str):
            b.add("expect_column_values_to_have_script_share_between",
                  {"column": name, "script": script, "min_value": SCRIPT_SHARE}, "cleanliness.text", f"{base}.script")
        for label in labels:
            b.add("expect_labels_to_be_consistent", {"column": name, "label_column": label["name"]},
                  "consistency.label", f"{base}.consistent_labels.{label['name']}")
    for field in labels:
        name, base = field["name"], f"manifest.{b.table}.{field['name']}"
        declared = _declared_classes(b, field)
        classes = {"value_set": declared} if declared else {}
        b.add("expect_column_class_sizes_to_be_balanced", {"column": name, **classes}, "balance.label",
              f"{base}.balance")
        b.add("expect_column_class_distribution_to_be_near_uniform", {"column": name, **classes},
              "balance.label_distribution", f"{base}.distribution")
        if declared:
            b.add("expect_column_distinct_labels_to_cover_set", {"column": name, "value_set": declared},
                  "diversity.label", f"{base}.richness")
        least = field.get("dsbench:minPerClass")
        if isinstance(least, int) and not isinstance(least, bool) and least >= 1:
            b.add("expect_column_class_sizes_to_be_at_least", {"column": name, "min_value": least, **classes},
                  "balance.class_size", f"{base}.min_per_class")


def _split_expectations(b: _Builder, dataset: Any, resource: Any, fields: list[dict[str, Any]]) -> None:
    """A validation or test split is checked against the splits before it (train, then
    validation): no text of it occurs in them, and its label distribution stays close to theirs."""
    split = (resource.model_extra or {}).get("dsbench:split")
    if split not in SPLITS[1:]:
        return
    earlier = [r for r in dataset.manifest.resources
               if (r.model_extra or {}).get("dsbench:split") in SPLITS[:SPLITS.index(split)]
               and r.name in dataset.tables and r.name != resource.name]
    for other in earlier:
        columns = dataset.tables[other.name].columns
        for field in _role(b, fields, "text"):
            if field["name"] in columns and b.dialect.logical_type(columns[field["name"]]).is_string:
                b.add("expect_column_values_to_not_occur_in_other_table",
                      {"column": field["name"], "other_table_name": other.name}, "uniqueness.split",
                      f"manifest.{b.table}.{field['name']}.not_in.{other.name}")
        for field in _role(b, fields, "label"):
            if field["name"] in columns:
                b.add("expect_column_label_distribution_to_match_other_table",
                      {"column": field["name"], "other_table_name": other.name}, "consistency.split_labels",
                      f"manifest.{b.table}.{field['name']}.label_drift.{other.name}")


def table_suite(dataset: Any, resource: Any, as_of: Any) -> Suite | None:
    table = dataset.tables.get(resource.name)
    if table is None:
        return None
    b = _Builder(table.name, dict(table.columns), dataset.dialect)
    schema = resource.schema_
    fields = [f for f in schema.fields if isinstance(f, dict) and isinstance(f.get("name"), str)]
    extra = schema.model_extra or {}
    key = _names(extra.get("primaryKey"))

    if fields:
        b.add("expect_table_columns_to_match_set",
              {"column_set": [f["name"] for f in fields], "exact_match": True},
              "conformity.schema", f"manifest.{b.table}.columns")
    for field in fields:
        b.add("expect_column_to_exist", {"column": field["name"]}, "completeness.field",
              f"manifest.{b.table}.{field['name']}.exists")
        if field["name"] not in b.columns:
            if _required(field, key):  # a required value missing from every record
                b.add("expect_column_to_exist", {"column": field["name"]}, "completeness.value",
                      f"manifest.{b.table}.{field['name']}.required")
            b.skip(field["name"], f"declared field {field['name']!r} is not a column of the data")
            continue
        _field_expectations(b, field, key, as_of)
    _role_expectations(b, fields)
    _split_expectations(b, dataset, resource, fields)

    required = [f["name"] for f in fields if _required(f, key)]
    present = [name for name in required if name in b.columns]
    if present:
        kwargs: dict[str, Any] = {"column_list": present}
        if len(present) < len(required):
            kwargs["missing_columns"] = [name for name in required if name not in b.columns]
        b.add("expect_table_records_to_be_complete", kwargs, "completeness.record",
              f"manifest.{b.table}.records.required_complete")

    expected = (resource.model_extra or {}).get("dsbench:expectedRows")
    if isinstance(expected, int) and not isinstance(expected, bool) and expected > 0:
        b.add("expect_table_row_count_to_be_between", {"min_value": expected}, "completeness.scale",
              f"manifest.{b.table}.rows")
    elif expected is not None:
        b.skip("dsbench:expectedRows", f"{expected!r} is not a positive whole number")

    if key:
        absent = [k for k in key if k not in b.columns]
        if absent:
            b.skip("primaryKey", f"key columns not in the data: {', '.join(absent)}")
        else:
            b.add("expect_compound_columns_to_be_unique", {"column_list": key}, "uniqueness.key",
                  f"manifest.{b.table}.primary_key")

    for index, foreign in enumerate(_list(extra.get("foreignKeys"))):
        mine = _names(foreign.get("fields")) if isinstance(foreign, dict) else []
        reference = foreign.get("reference") if isinstance(foreign, dict) else None
        theirs = _names(reference.get("fields")) if isinstance(reference, dict) else []
        other = reference.get("resource", "") if isinstance(reference, dict) else None
        what = f"foreignKeys[{index}]"
        if not mine or len(mine) != len(theirs) or not isinstance(other, str):
            b.skip(what, "malformed foreign key (fields and reference.fields must match)")
            continue
        other = other or b.table  # "" refers to the resource itself
        other_table = dataset.tables.get(other)
        if other_table is None:
            b.skip(what, f"referenced resource {other!r} is not a table of the dataset")
            continue
        absent = [c for c in mine if c not in b.columns] + [c for c in theirs if c not in other_table.columns]
        if absent:
            b.skip(what, f"columns not in the data: {', '.join(absent)}")
            continue
        b.add("expect_foreign_key_values_to_exist",
              {"column_list": mine, "other_table_name": other, "other_column_list": theirs},
              "consistency.referential", f"manifest.{b.table}.foreign_key.{'+'.join(mine)}.{other}")

    meta: dict[str, Any] = {"generator": GENERATOR}
    if b.skipped:
        meta["skipped"] = b.skipped
    return Suite(name=f"generated-manifest-{b.table}", version="1", table=b.table,
                 description=f"Constraints the manifest declares for table {b.table!r}.",
                 expectations=b.expectations, meta=meta)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _required(field: dict[str, Any], key: list[str]) -> bool:
    constraints = field.get("constraints")
    return (isinstance(constraints, dict) and constraints.get("required") is True) or field["name"] in key


def _fields(resource: Any) -> list[dict[str, Any]]:
    return [f for f in resource.schema_.fields if isinstance(f, dict) and isinstance(f.get("name"), str)]


def declared_fields(dataset: Any, table: str) -> list[str]:
    """The field names the manifest declares for ``table``, in order ([] without one)."""
    resource = dataset.resource(table)
    return [f["name"] for f in _fields(resource)] if resource is not None else []


def declared_keys(dataset: Any, table: str) -> set[str]:
    """The fields of ``table`` that the manifest declares as identifiers: primary key, unique
    fields and the fields of its foreign keys."""
    resource = dataset.resource(table)
    if resource is None:
        return set()
    extra = resource.schema_.model_extra or {}
    keys = set(_names(extra.get("primaryKey")))
    keys.update(f["name"] for f in _fields(resource)
                if isinstance(f.get("constraints"), dict) and f["constraints"].get("unique") is True)
    for foreign in _list(extra.get("foreignKeys")):
        if isinstance(foreign, dict):
            keys.update(_names(foreign.get("fields")))
    return keys


def manifest_suites(dataset: Any) -> list[Suite]:
    """The generated manifest suites of ``dataset`` (a loaded :class:`~dsbench.data.Dataset`, or
    anything :func:`dsbench.load_dataset` reads): one per table of the manifest, in manifest order,
    then the documentation suite. Without a manifest, only the documentation suite (in which every
    manifest key is then missing; ``record:`` fields of the data may still document an aspect)."""
    from dsbench.backends import load_dataset
    from dsbench.data.dataset import Dataset

    if not isinstance(dataset, Dataset):
        with load_dataset(dataset) as loaded:
            return manifest_suites(loaded)
    suites: list[Suite] = []
    manifest = dataset.manifest
    if manifest is not None:
        as_of = (manifest.model_extra or {}).get("dsbench:asOf")
        if hasattr(as_of, "isoformat"):  # YAML reads an unquoted date as a date
            as_of = as_of.isoformat()
        for resource in manifest.resources:
            suite = table_suite(dataset, resource, as_of)
            if suite is not None:
                suites.append(suite)
    suites.append(documentation_suite(dataset, GENERATOR))
    return suites


__all__ = ["ASPECTS", "CHECKLISTS", "GENERATOR", "declared_fields", "declared_keys", "manifest_suites", "table_suite"]
