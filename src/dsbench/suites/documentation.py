"""The generated documentation suite: one ``expect_manifest_fields_to_be_present`` per checklist of
the aspects a dataset documents, in its manifest or on its records.

The documentation suite (``generated-manifest-documentation``, one of the manifest suites of
:mod:`dsbench.suites.from_manifest`) has one expectation per checklist: A = aspects documented,
B = aspects listed. Each aspect is one item whose alternatives (``a|b``) are a manifest key or
path, dsbench extension keys (``dsbench:…``), the Croissant RAI 1.0 properties a Croissant
``metadata.json`` carries (``rai:…``, kept under those names by :mod:`dsbench.data.croissant`; a
``datapackage.json`` or ``dsbench.yaml`` may use them too), and fields of the TC609-5-2025-02 record format that every
record of a table carries (``record:…``, evidence from the data, so a dataset without a manifest
can still document them); any one of them documents the aspect:

| checklist (concern) | aspect | alternatives |
|---|---|---|
| 0101 ``basic`` | scale | ``resources.bytes``, ``resources.size``, ``dsbench:scale`` |
| | format specification | ``resources.format``, ``resources.mediatype`` |
| | file structure | ``resources.schema.fields.name`` (every resource lists its fields), ``dsbench:structure`` |
| | access channel | ``homepage``, ``dsbench:access`` |
| | support contact | ``contributors``, ``maintainers`` |
| 0102 ``content`` | modality | ``dsbench:modality``, ``record:data_content.media_type`` |
| | distribution | ``dsbench:contentDistribution`` |
| | label statistics | ``dsbench:labelStatistics`` |
| | samples | ``dsbench:sample`` |
| | limitations | ``dsbench:limitations``, ``rai:dataLimitations``, ``rai:dataBiases``, ``rai:personalSensitiveInformation``, ``rai:dataSocialImpact`` |
| 0103 ``process`` | sources | ``sources``, ``resources.sources``, ``record:source``, ``record:source_details`` |
| | collection method | ``dsbench:collection``, ``rai:dataCollection``, ``rai:dataCollectionType``, ``rai:dataCollectionRawData``, ``rai:dataCollectionTimeframe``, ``rai:dataCollectionMissingData`` |
| | processing | ``dsbench:processing``, ``rai:dataPreprocessingProtocol``, ``rai:dataImputationProtocol``, ``rai:dataManipulationProtocol`` |
| | annotation specification | ``dsbench:annotation``, ``rai:dataAnnotationProtocol``, ``rai:dataAnnotationPlatform``, ``rai:dataAnnotationAnalysis``, ``rai:annotationsPerItem``, ``rai:annotatorDemographics``, ``rai:machineAnnotationTools``, ``record:annotation.annotation_method``, ``record:annotation.annotator`` |
| | version record | ``version``, ``rai:dataReleaseMaintenancePlan``, ``record:version``, ``record:last_modified_time`` |
| 0104 ``application`` | licence | ``licenses``, ``resources.licenses``, ``record:license`` |
| | target scenarios | ``dsbench:useCases``, ``rai:dataUseCases`` |
| | evaluation method | ``dsbench:evaluation`` |
| | benchmark results | ``dsbench:benchmarks`` |
| | typical cases | ``dsbench:cases`` |
| GB/T 36344 0103 ``metadata`` | | ``licenses`` or ``resources.licenses``; ``sources`` or ``resources.sources``; ``resources.schema.fields.type``; ``resources.schema.fields.description`` |
| 0205 ``provenance`` (traceability.provenance) | origin | ``sources``, ``resources.sources``, ``record:source``, ``record:source_details``, ``record:original_time``, ``record:generated_data_indicator`` |
| | makers | ``contributors``, ``maintainers`` |

A ``resources.…`` alternative holds when every table of the package declares it (the publisher
documented each resource instead of the package); resources that are not tables (images, remote
files, geographic documents) are not evaluated and not counted here.

The aspects of 0101-0104 are the ones TC609-5-2025-04 lists (five each); each of the twenty RAI 1.0
properties backs one of them. A ``record:`` field holds when some table has it on every record
(not null, not blank); ``result.details`` names the evidence of each aspect (the first alternative
that holds) and the records counted.

The checklists are measurements, so their expectations are ``severity: info``.
"""

from __future__ import annotations

from typing import Any

from dsbench.expectations.base import ExpectationConfig
from dsbench.suites.model import Suite

DOCUMENTATION_SEVERITY = "info"

# The documentation aspects: one checklist item each, its alternatives in order of preference
# (dsbench key or manifest path, then Croissant RAI properties, then TC609-5-2025-02 record fields);
# the first that holds is reported as the evidence (see dsbench.expectations.metadata).
ASPECTS: dict[str, str] = {
    # 0101 basic information
    "scale": "resources.bytes|resources.size|dsbench:scale",
    "format specification": "resources.format|resources.mediatype",
    "file structure": "resources.schema.fields.name|dsbench:structure",
    "access channel": "homepage|dsbench:access",
    "support contact": "contributors|maintainers",
    # 0102 content characteristics
    "modality": "dsbench:modality|record:data_content.media_type",
    "distribution": "dsbench:contentDistribution",
    "label statistics": "dsbench:labelStatistics",
    "samples": "dsbench:sample",
    "limitations": "dsbench:limitations|rai:dataLimitations|rai:dataBiases|rai:personalSensitiveInformation"
                   "|rai:dataSocialImpact",
    # 0103 construction process
    "sources": "sources|resources.sources|record:source|record:source_details",
    "collection method": "dsbench:collection|rai:dataCollection|rai:dataCollectionType"
                         "|rai:dataCollectionRawData|rai:dataCollectionTimeframe|rai:dataCollectionMissingData",
    "processing": "dsbench:processing|rai:dataPreprocessingProtocol|rai:dataImputationProtocol"
                  "|rai:dataManipulationProtocol",
    "annotation specification": "dsbench:annotation|rai:dataAnnotationProtocol|rai:dataAnnotationPlatform"
                                "|rai:dataAnnotationAnalysis|rai:annotationsPerItem|rai:annotatorDemographics"
                                "|rai:machineAnnotationTools|record:annotation.annotation_method"
                                "|record:annotation.annotator",
    "version record": "version|rai:dataReleaseMaintenancePlan|record:version|record:last_modified_time",
    # 0104 application notes
    "licence": "licenses|resources.licenses|record:license",
    "target scenarios": "dsbench:useCases|rai:dataUseCases",
    "evaluation method": "dsbench:evaluation",
    "benchmark results": "dsbench:benchmarks",
    "typical cases": "dsbench:cases",
    # 0205 traceability: where each record comes from
    "provenance": "sources|resources.sources|record:source|record:source_details|record:original_time"
                  "|record:generated_data_indicator",
}


def _aspects(*names: str) -> list[str]:
    return [ASPECTS[name] for name in names]


# The documentation checklists: (id suffix, concern, items).
CHECKLISTS: list[tuple[str, str, list[str]]] = [
    # TC609-5-2025-04 0101: scale, format specification, file structure, access channel, support contact.
    ("basic", "documentation.basic",
     _aspects("scale", "format specification", "file structure", "access channel", "support contact")),
    # 0102: modality, distribution, label statistics, samples, limitations.
    ("content", "documentation.content",
     _aspects("modality", "distribution", "label statistics", "samples", "limitations")),
    # 0103: sources, collection method, processing, annotation specification, version record.
    ("process", "documentation.process",
     _aspects("sources", "collection method", "processing", "annotation specification", "version record")),
    # 0104: licence, target scenarios, evaluation method, benchmark results, typical cases.
    ("application", "documentation.application",
     _aspects("licence", "target scenarios", "evaluation method", "benchmark results", "typical cases")),
    # GB/T 36344 0103 metadata: licence and sources declared, every field typed and described.
    ("metadata", "documentation.metadata",
     ["licenses|resources.licenses", "sources|resources.sources", "resources.schema.fields.type",
      "resources.schema.fields.description"]),
    # TC609-5-2025-04 0205 traceability: where the data comes from and who made it.
    ("provenance", "traceability.provenance", [ASPECTS["provenance"], "contributors|maintainers"]),
]


def documentation_suite(dataset: Any, generator: str) -> Suite:
    """The documentation suite of a loaded dataset (with or without a manifest); ``generator``: the
    name recorded in its meta (that of the manifest suites it is one of)."""
    table = next(iter(dataset.tables), None)
    expectations = [
        ExpectationConfig(type="expect_manifest_fields_to_be_present", kwargs={"fields": items},
                          concern=concern, id=f"manifest.documentation.{suffix}",
                          severity=DOCUMENTATION_SEVERITY)
        for suffix, concern, items in CHECKLISTS]
    return Suite(name="generated-manifest-documentation", version="1", table=table,
                 description="Documentation checklists on the dataset's manifest and its "
                             "TC609-5-2025-02 record fields (TC609-5-2025-04 0101-0104 aspects, "
                             "GB/T 36344 metadata elements, 0205 provenance).",
                 expectations=expectations,
                 meta={"generator": generator,
                       "manifest": dataset.manifest is not None})
