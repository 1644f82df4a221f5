"""A score card in the W3C Data Quality Vocabulary (DQV, https://www.w3.org/TR/vocab-dqv/), as JSON-LD.

The graph holds:

- the dataset, a ``dcat:Dataset`` named by its fingerprint (``urn:dsbench:dataset:<fingerprint>``),
  with ``dqv:hasQualityMeasurement`` and ``dqv:hasQualityAnnotation`` links;
- one ``dqv:QualityMeasurement`` (a ``qb:Observation``) per indicator that is ``scored`` or
  ``external``: ``dqv:computedOn`` the dataset, ``dqv:isMeasurementOf`` its metric, ``dqv:value`` the
  indicator's value as ``xsd:double`` (the standard's measure: A/B, or 1 − A/B for a lower-is-better
  indicator), and dsbench's score (0..scale), passed and evaluated counts, unit, coverage and
  effective weight (the share of the overall score); not-applicable and
  not-evaluated indicators have no measurement (they are never 0);
- one ``dqv:Metric`` per indicator of the standard (``skos:notation`` its code, ``skos:prefLabel`` in
  zh and en, ``dqv:inDimension``), one ``dqv:Dimension`` per dimension (``dqv:inCategory`` the
  standard) and the standard as a ``dqv:Category``;
- the outcome as a ``dqv:QualityCertificate`` (an ``oa:Annotation`` motivated by
  ``dqv:qualityAssessment``, ``oa:hasTarget`` the dataset, ``oa:hasBody`` the grade as a
  ``skos:Concept`` of the standard's grades, or a textual body "no grade" in zh and en), with the
  overall score, whether the gates passed and each gate (``dsbench:gate``: its type, its condition in
  zh and en as ``dcterms:title``, the standard's description (English), threshold, observed value or
  failed expectations, and whether it passed); every grade band of the standard is a ``skos:Concept``
  with its ``dsbench:minScore``;
- provenance: every measurement and the certificate ``prov:wasDerivedFrom`` the card
  (``urn:dsbench:card:<digest>``) and ``prov:wasGeneratedBy`` one ``prov:Activity`` (the evaluation),
  associated with a ``prov:SoftwareAgent`` per engine (dsbench, DuckDB, pyarrow) and its version,
  that used the dataset, the standard and every suite.

IRIs are stable: they derive from the standard's id, the codes, the fingerprint and the digest only.
Labels are given in both languages whatever ``lang`` is, so the output does not depend on it.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from dsbench.render._gates import gate_condition
from dsbench.i18n import t

FILENAME = "card.dqv.jsonld"
MEDIA_TYPE = "application/ld+json"

CONTEXT = {
    "dqv": "http://www.w3.org/ns/dqv#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "oa": "http://www.w3.org/ns/oa#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "qb": "http://purl.org/linked-data/cube#",
    "dcterms": "http://purl.org/dc/terms/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "dsbench": "urn:dsbench:vocab:",
}
LANGUAGES = ("en", "zh")


def _part(text: Any) -> str:
    """One segment of a urn: IRI, percent-encoded except unreserved characters and ':'."""
    return quote(str(text), safe="-._~:")


def standard_iri(standard_id: str) -> str:
    return f"urn:dsbench:standard:{_part(standard_id)}"


def dimension_iri(standard_id: str, code: str) -> str:
    return f"{standard_iri(standard_id)}:dimension:{_part(code)}"


def indicator_iri(standard_id: str, code: str) -> str:
    return f"{standard_iri(standard_id)}:indicator:{_part(code)}"


def grade_iri(standard_id: str, grade: str) -> str:
    return f"{standard_iri(standard_id)}:grade:{_part(grade)}"


def card_iri(digest: str) -> str:
    return f"urn:dsbench:card:{_part(digest)}"


def dataset_iri(fingerprint: str) -> str:
    return f"urn:dsbench:dataset:{_part(fingerprint)}"


def _ref(iri: str) -> dict:
    return {"@id": iri}


def _double(value: float) -> dict:
    return {"@value": float(value), "@type": "xsd:double"}


def _number(value: Any) -> dict:
    """A count: xsd:integer when whole, else xsd:double (external evidence may give fractions)."""
    if isinstance(value, bool):
        raise TypeError("not a count")
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return {"@value": int(value), "@type": "xsd:integer"}
    return _double(value)


def _labels(names: Any) -> list[dict]:
    if not isinstance(names, dict):
        return [{"@value": str(names)}]
    return [{"@value": names[lang], "@language": lang} for lang in LANGUAGES if names.get(lang)]


def graph(card: dict) -> list[dict]:
    """The nodes of the DQV graph of ``card``, in a stable order."""
    standard = card["standard"]
    sid = standard["id"]
    digest = card["digest"]
    dataset = card["dataset"]
    data = dataset_iri(dataset["fingerprint"])
    card_ref = card_iri(digest)
    activity = f"{card_ref}:evaluation"
    certificate = f"{card_ref}:certificate"
    engines = card.get("engine") or {}
    agents = [f"urn:dsbench:software:{_part(tool)}:{_part(version)}" for tool, version in sorted(engines.items())]

    nodes: list[dict] = []
    measurements: list[str] = []
    metrics: list[dict] = []
    dimensions: list[dict] = []
    for dimension in card.get("dimensions") or []:
        dim_iri = dimension_iri(sid, dimension["code"])
        dimensions.append({
            "@id": dim_iri, "@type": "dqv:Dimension",
            "skos:notation": dimension["code"],
            "skos:prefLabel": _labels(dimension.get("name")),
            "dqv:inCategory": _ref(standard_iri(sid)),
        })
        for indicator in dimension.get("indicators") or []:
            metric = indicator_iri(sid, indicator["code"])
            metrics.append({
                "@id": metric, "@type": "dqv:Metric",
                "skos:notation": indicator["code"],
                "skos:prefLabel": _labels(indicator.get("name")),
                "dqv:inDimension": _ref(dim_iri),
                "dqv:expectedDataType": _ref("xsd:double"),
                "dsbench:direction": indicator.get("direction"),
            })
            if indicator.get("status") not in ("scored", "external") or indicator.get("value") is None:
                continue
            iri = f"{card_ref}:measurement:{_part(indicator['code'])}"
            measurements.append(iri)
            node = {
                "@id": iri, "@type": ["dqv:QualityMeasurement", "qb:Observation"],
                "qb:dataSet": _ref(f"{card_ref}:measurements"),
                "dqv:computedOn": _ref(data),
                "dqv:isMeasurementOf": _ref(metric),
                "dqv:value": _double(indicator["value"]),
                "dsbench:status": indicator["status"],
                "prov:wasDerivedFrom": _ref(card_ref),
                "prov:wasGeneratedBy": _ref(activity),
            }
            if indicator.get("score") is not None:
                node["dsbench:score"] = _double(indicator["score"])
            for key in ("passed", "evaluated"):
                if indicator.get(key) is not None:
                    node[f"dsbench:{key}"] = _number(indicator[key])
            if indicator.get("unit"):
                node["dsbench:unit"] = indicator["unit"]
            for key, term in (("coverage", "coverage"), ("effective_weight", "effectiveWeight")):
                if isinstance(indicator.get(key), (int, float)) and not isinstance(indicator.get(key), bool):
                    node[f"dsbench:{term}"] = _double(indicator[key])
            if indicator.get("source"):
                node["dcterms:source"] = indicator["source"]
            nodes.append(node)

    nodes.insert(0, {
        "@id": data, "@type": "dcat:Dataset",
        "dcterms:title": dataset["name"],
        "dcterms:identifier": dataset["fingerprint"],
        "dqv:hasQualityMeasurement": [_ref(iri) for iri in measurements],
        "dqv:hasQualityAnnotation": [_ref(certificate)],
    })
    nodes.append({"@id": f"{card_ref}:measurements", "@type": "qb:DataSet",
                  "dcterms:title": f"{dataset['name']} × {sid}",
                  "prov:wasDerivedFrom": _ref(card_ref)})
    nodes.extend(metrics)
    nodes.extend(dimensions)
    nodes.append({
        "@id": standard_iri(sid), "@type": "dqv:Category",
        "skos:notation": sid,
        "skos:prefLabel": _labels(standard.get("title")),
        "owl:versionInfo": str(standard.get("version")),
        "dcterms:identifier": standard.get("digest"),
    })

    grade = card.get("grade")
    if grade:
        body: dict = {"@id": grade_iri(sid, grade), "@type": "skos:Concept", "skos:notation": grade,
                      "skos:inScheme": _ref(f"{standard_iri(sid)}:grades")}
    else:
        body = {"@id": f"{certificate}:body", "@type": "oa:TextualBody",
                "rdf:value": [{"@value": t("no_grade", lang), "@language": lang} for lang in LANGUAGES]}
    cert = {
        "@id": certificate, "@type": ["dqv:QualityCertificate", "oa:Annotation"],
        "oa:motivatedBy": _ref("dqv:qualityAssessment"),
        "oa:hasTarget": _ref(data),
        "oa:hasBody": _ref(body["@id"]),
        "dsbench:passed": {"@value": bool(card.get("passed")), "@type": "xsd:boolean"},
        "prov:wasDerivedFrom": _ref(card_ref),
        "prov:wasGeneratedBy": _ref(activity),
    }
    if card.get("score") is not None:
        cert["dsbench:score"] = _double(card["score"])
        cert["dsbench:scale"] = _double(card.get("scale") or 100.0)
    gates = []
    for index, gate in enumerate(card.get("gates") or []):
        node = {"@id": f"{certificate}:gate:{index + 1}", "@type": "dsbench:Gate",
                "dsbench:gateType": gate.get("type"),
                "dcterms:title": [{"@value": gate_condition(gate, lang), "@language": lang} for lang in LANGUAGES],
                "dsbench:passed": {"@value": bool(gate.get("passed")), "@type": "xsd:boolean"}}
        threshold = gate.get("threshold")
        if isinstance(threshold, (int, float)) and not isinstance(threshold, bool):
            node["dsbench:threshold"] = _double(threshold)
        elif threshold is not None:
            node["dsbench:threshold"] = str(threshold)
        observed = gate.get("observed")
        if isinstance(observed, (int, float)) and not isinstance(observed, bool):
            node["dsbench:observed"] = _double(observed)
        elif isinstance(observed, list):
            node["dsbench:failed"] = [str(item) for item in observed]
        if gate.get("description"):
            node["dcterms:description"] = {"@value": gate["description"], "@language": "en"}  # as the standard gives it
        gates.append(node)
    if gates:
        cert["dsbench:gate"] = [_ref(gate["@id"]) for gate in gates]
    nodes.append(cert)
    nodes.append(body)
    nodes.extend(gates)
    for level in card.get("levels") or []:  # the grade bands
        if not isinstance(level, dict) or not level.get("grade"):
            continue
        band = {"@id": grade_iri(sid, level["grade"]), "@type": "skos:Concept", "skos:notation": level["grade"],
                "skos:inScheme": _ref(f"{standard_iri(sid)}:grades"), "skos:prefLabel": _labels(level.get("name"))}
        if isinstance(level.get("min_score"), (int, float)):
            band["dsbench:minScore"] = _double(level["min_score"])
        if band["@id"] == body["@id"]:
            body.update(band)
        else:
            nodes.append(band)

    used = [_ref(data), _ref(standard_iri(sid))]
    suites = []
    for suite in card.get("suites") or []:
        iri = f"urn:dsbench:suite:{_part(suite['id'])}:{_part(suite['digest'])}"
        used.append(_ref(iri))
        suites.append({"@id": iri, "@type": "prov:Entity", "dcterms:title": suite["id"],
                       "owl:versionInfo": str(suite.get("version")), "dcterms:identifier": suite["digest"]})
    nodes.append({
        "@id": activity, "@type": "prov:Activity",
        "prov:used": used,
        "prov:wasAssociatedWith": [_ref(agent) for agent in agents],
    })
    for (tool, version), agent in zip(sorted(engines.items()), agents):
        nodes.append({"@id": agent, "@type": "prov:SoftwareAgent", "dcterms:title": tool,
                      "owl:versionInfo": str(version)})
    nodes.extend(suites)
    nodes.append({"@id": card_ref, "@type": "prov:Entity", "dcterms:identifier": digest,
                  "dcterms:format": "application/json"})
    return nodes


def document(card: dict) -> dict:
    return {"@context": CONTEXT, "@graph": graph(card)}


def render(card: dict, lang: str) -> str:
    return json.dumps(document(card), ensure_ascii=False, sort_keys=True, indent=1, allow_nan=False) + "\n"
