"""Metadata expectations: checks on the dataset's manifest (its documentation), not on its data.

They need no metric; ``decide`` reads the manifest the dataset was loaded with. A dataset without
a manifest documents nothing, so every listed item is missing (B = items listed, A = 0): an absent
manifest is a finding, not "not applicable".

Items are manifest keys or dotted paths (``licenses``, ``resources.schema.fields.description``):

- an item is present when its value exists and is not empty (not null, not an empty or blank
  string, not an empty list or mapping);
- a path through a list holds for the list when the list is non-empty and the rest of the path
  holds for every element (``resources.schema.fields.description``: every field of every
  resource is described);
- ``a|b`` lists alternatives: the item is present when any of them is (``bytes|size``).
"""

from __future__ import annotations

from typing import Any, ClassVar, Mapping

from pydantic import Field, field_validator

from dsbench.engine.metrics import Metric
from dsbench.expectations.base import Expectation, Kwargs, Outcome


class ManifestFieldsKwargs(Kwargs):
    fields: list[str] = Field(min_length=1, description="manifest keys or dotted paths; 'a|b' = either")

    @field_validator("fields")
    @classmethod
    def well_formed(cls, value: list[str]) -> list[str]:
        for item in value:
            for alternative in item.split("|"):
                if not alternative.strip() or any(not part.strip() for part in alternative.split(".")):
                    raise ValueError(f"{item!r} is not a key or a dotted path")
        return value


def manifest_document(manifest: Any) -> dict[str, Any] | None:
    """The manifest as the publisher wrote it (keys they set, extension keys included)."""
    if manifest is None:
        return None
    if isinstance(manifest, Mapping):
        return dict(manifest)
    dump = getattr(manifest, "model_dump", None)
    if dump is None:
        return None
    return dump(mode="json", by_alias=True, exclude_unset=True)


def _filled(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, tuple, dict)):
        return bool(value)
    return True


def _holds(node: Any, parts: list[str]) -> bool:
    if isinstance(node, (list, tuple)) and parts:
        return bool(node) and all(_holds(item, parts) for item in node)
    if not parts:
        return _filled(node)
    if isinstance(node, Mapping) and parts[0] in node:
        return _holds(node[parts[0]], parts[1:])
    return False


def is_documented(document: Mapping[str, Any] | None, item: str) -> bool:
    """Is ``item`` (a key, dotted path, or ``a|b`` alternatives) present and non-empty?"""
    if document is None:
        return False
    return any(_holds(document, [p.strip() for p in alternative.strip().split(".")])
               for alternative in item.split("|"))


class ExpectManifestFieldsToBePresent(Expectation):
    type = "expect_manifest_fields_to_be_present"
    summary = "The dataset's manifest documents every listed key or dotted path (non-empty); 'a|b' accepts either."
    family = "metadata"
    default_concern = "documentation.basic"
    Kwargs = ManifestFieldsKwargs
    gx_compatible: ClassVar[bool] = False

    def metrics(self) -> list[Metric]:
        return []

    def decide(self, values: Mapping[Metric, Any]) -> Outcome:
        document = manifest_document(self.context.manifest)
        wanted = list(self.kw.fields)
        present = [item for item in wanted if is_documented(document, item)]
        missing = [item for item in wanted if item not in present]
        result = {"observed_value": missing,
                  "details": {"present": present, "missing": missing,
                              "manifest": document is not None}}
        return Outcome(not missing, result, len(present), len(wanted))


EXPECTATIONS = [ExpectManifestFieldsToBePresent]
