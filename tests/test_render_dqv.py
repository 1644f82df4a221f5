"""The W3C DQV (JSON-LD) rendering of a card, parsed as RDF with rdflib and compared with the card."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef

from dsbench.evaluation import evaluate
from dsbench.render import dqv, renderer

ROOT = Path(__file__).resolve().parent.parent
CARDS = sorted((ROOT / "reports").glob("*/*/card.json"))

# Plain namespaces: rdflib's closed ones (rdflib.namespace.XSD, ...) warn when pytest inspects them.
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
DQV = Namespace("http://www.w3.org/ns/dqv#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
PROV = Namespace("http://www.w3.org/ns/prov#")
OA = Namespace("http://www.w3.org/ns/oa#")
QB = Namespace("http://purl.org/linked-data/cube#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
DSBENCH = Namespace("urn:dsbench:vocab:")


@pytest.fixture(scope="module")
def external_card(tmp_path_factory) -> dict:
    """penguins x TC609 with evidence for its two external indicators."""
    evidence = tmp_path_factory.mktemp("evidence") / "evidence.yaml"
    evidence.write_text('"0304": {passed: 481, evaluated: 500, source: "label audit"}\n'
                        '"0305": {score: 0.86, source: "baseline eval"}\n', encoding="utf-8")
    card = evaluate(ROOT / "datasets" / "penguins", "tc609-5-2025-04", evidence=evidence).document
    assert sorted(i["code"] for d in card["dimensions"] for i in d["indicators"] if i["status"] == "external") \
        == ["0304", "0305"]
    return card


def cards(external_card: dict) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in CARDS] + [external_card]


def parse(card: dict, lang: str = "en") -> Graph:
    return Graph().parse(data=dqv.render(card, lang), format="json-ld")


def indicators(card: dict) -> list[tuple[dict, dict]]:
    return [(d, i) for d in card["dimensions"] for i in d["indicators"]]


def test_one_measurement_per_scored_or_external_indicator(external_card):
    for card in cards(external_card):
        graph = parse(card)
        sid = card["standard"]["id"]
        dataset = URIRef(dqv.dataset_iri(card["dataset"]["fingerprint"]))
        counted = {i["code"]: i for _, i in indicators(card) if i["status"] in ("scored", "external")}
        measurements = list(graph.subjects(RDF.type, DQV.QualityMeasurement))
        assert len(measurements) == len(counted)
        seen = {}
        for m in measurements:
            metric = graph.value(m, DQV.isMeasurementOf)
            code = str(graph.value(metric, SKOS.notation))
            seen[code] = m
            assert metric == URIRef(f"urn:dsbench:standard:{sid}:indicator:{code}")
            assert graph.value(m, DQV.computedOn) == dataset
            value = graph.value(m, DQV.value)
            assert value.datatype == XSD.double
            assert value.toPython() == pytest.approx(counted[code]["value"], rel=1e-12)
            assert graph.value(m, DSBENCH.score).toPython() == pytest.approx(counted[code]["score"], rel=1e-12)
            assert (m, RDF.type, QB.Observation) in graph
            assert (dataset, DQV.hasQualityMeasurement, m) in graph
            assert graph.value(m, PROV.wasDerivedFrom) == URIRef(f"urn:dsbench:card:{card['digest']}")
        assert sorted(seen) == sorted(counted)


def test_external_measurements_carry_their_evidence(external_card):
    graph = parse(external_card)
    by_code = {str(graph.value(graph.value(m, DQV.isMeasurementOf), SKOS.notation)): m
               for m in graph.subjects(RDF.type, DQV.QualityMeasurement)}
    audit = by_code["0304"]
    assert graph.value(audit, DQV.value).toPython() == pytest.approx(481 / 500)
    assert graph.value(audit, DSBENCH.status) == Literal("external")
    assert graph.value(audit, DSBENCH.passed) == Literal(481, datatype=XSD.integer)
    assert graph.value(audit, DCTERMS.source) == Literal("label audit")
    assert graph.value(by_code["0305"], DQV.value).toPython() == pytest.approx(0.86)


def test_metrics_dimensions_and_category(external_card):
    for card in cards(external_card):
        graph = parse(card)
        sid = card["standard"]["id"]
        category = URIRef(f"urn:dsbench:standard:{sid}")
        assert (category, RDF.type, DQV.Category) in graph
        assert graph.value(category, SKOS.notation) == Literal(sid)
        dimensions = set(graph.subjects(RDF.type, DQV.Dimension))
        assert dimensions == {URIRef(f"urn:dsbench:standard:{sid}:dimension:{d['code']}") for d in card["dimensions"]}
        for dimension in card["dimensions"]:
            node = URIRef(f"urn:dsbench:standard:{sid}:dimension:{dimension['code']}")
            assert graph.value(node, DQV.inCategory) == category
            assert graph.value(node, SKOS.notation) == Literal(dimension["code"])
            assert set(graph.objects(node, SKOS.prefLabel)) == {
                Literal(dimension["name"]["en"], lang="en"), Literal(dimension["name"]["zh"], lang="zh")}
        metrics = set(graph.subjects(RDF.type, DQV.Metric))
        assert len(metrics) == len(indicators(card))  # every indicator, counted or not
        for dimension, indicator in indicators(card):
            metric = URIRef(dqv.indicator_iri(sid, indicator["code"]))
            assert metric in metrics
            assert graph.value(metric, DQV.inDimension) == URIRef(dqv.dimension_iri(sid, dimension["code"]))
            assert graph.value(metric, SKOS.notation) == Literal(indicator["code"])
            assert Literal(indicator["name"]["zh"], lang="zh") in set(graph.objects(metric, SKOS.prefLabel))


def test_certificate_and_provenance(external_card):
    for card in cards(external_card):
        graph = parse(card)
        dataset = URIRef(dqv.dataset_iri(card["dataset"]["fingerprint"]))
        assert (dataset, RDF.type, DCAT.Dataset) in graph
        assert graph.value(dataset, DCTERMS.identifier) == Literal(card["dataset"]["fingerprint"])
        certificates = list(graph.subjects(RDF.type, DQV.QualityCertificate))
        assert len(certificates) == 1
        cert = certificates[0]
        assert (cert, RDF.type, OA.Annotation) in graph
        assert graph.value(cert, OA.motivatedBy) == DQV.qualityAssessment
        assert graph.value(cert, OA.hasTarget) == dataset
        body = graph.value(cert, OA.hasBody)
        if card["grade"]:
            assert graph.value(body, SKOS.notation) == Literal(card["grade"])
            assert body == URIRef(f"urn:dsbench:standard:{card['standard']['id']}:grade:{card['grade']}")
        else:
            assert set(graph.objects(body, RDF.value)) == {Literal("no grade", lang="en"), Literal("无等级", lang="zh")}
        assert graph.value(cert, DSBENCH.passed).toPython() is card["passed"]
        assert graph.value(cert, DSBENCH.score).toPython() == pytest.approx(card["score"], rel=1e-12)
        card_iri = URIRef(f"urn:dsbench:card:{card['digest']}")
        assert graph.value(cert, PROV.wasDerivedFrom) == card_iri
        activity = graph.value(cert, PROV.wasGeneratedBy)
        assert (activity, RDF.type, PROV.Activity) in graph
        assert dataset in set(graph.objects(activity, PROV.used))
        versions = {str(graph.value(agent, DCTERMS.title)): str(graph.value(agent, OWL.versionInfo))
                    for agent in graph.objects(activity, PROV.wasAssociatedWith)}
        assert versions == card["engine"]


def test_context_deterministic_and_language_independent():
    card = json.loads(CARDS[0].read_text(encoding="utf-8"))
    text = dqv.render(card, "en")
    assert text == dqv.render(copy.deepcopy(card), "en") == dqv.render(card, "zh")
    context = json.loads(text)["@context"]
    for prefix in ("dqv", "dcat", "prov", "skos", "oa", "xsd", "qb", "dcterms"):
        assert prefix in context
    assert renderer("dqv") is dqv
    assert dqv.FILENAME == "card.dqv.jsonld"


def test_iris_of_odd_codes_are_encoded():
    assert dqv.indicator_iri("iso-iec-25012", "Com-I-2") == "urn:dsbench:standard:iso-iec-25012:indicator:Com-I-2"
    assert dqv.indicator_iri("my std", "a/b#c") == "urn:dsbench:standard:my%20std:indicator:a%2Fb%23c"


def test_measurements_gates_and_grade_bands_explain_the_score():
    card = json.loads((ROOT / "reports" / "penguins" / "gbt-36344-2018" / "card.json").read_text(encoding="utf-8"))
    graph = parse(card)
    by_code = {str(graph.value(graph.value(m, DQV.isMeasurementOf), SKOS.notation)): m
               for m in graph.subjects(RDF.type, DQV.QualityMeasurement)}
    for _, indicator in indicators(card):
        if indicator["code"] not in by_code:
            continue
        node = by_code[indicator["code"]]
        assert graph.value(node, DSBENCH.unit) == Literal(indicator["unit"])
        assert graph.value(node, DSBENCH.effectiveWeight).toPython() == pytest.approx(indicator["effective_weight"])
        if indicator["coverage"] is None:
            assert graph.value(node, DSBENCH.coverage) is None
        else:
            assert graph.value(node, DSBENCH.coverage).toPython() == pytest.approx(indicator["coverage"])
    cert = next(graph.subjects(RDF.type, DQV.QualityCertificate))
    gates = list(graph.objects(cert, DSBENCH.gate))
    assert len(gates) == len(card["gates"])
    found = {str(graph.value(g, DSBENCH.gateType)): g for g in gates}
    minimum = next(g for g in card["gates"] if g["type"] == "min_score")
    node = found["min_score"]
    assert graph.value(node, DSBENCH.threshold).toPython() == pytest.approx(minimum["threshold"])
    assert graph.value(node, DSBENCH.observed).toPython() == pytest.approx(card["score"])
    assert graph.value(node, DSBENCH.passed).toPython() is minimum["passed"]
    assert graph.value(found["no_failed_severity"], DSBENCH.threshold) == Literal("critical")
    scheme = URIRef(f"urn:dsbench:standard:{card['standard']['id']}:grades")
    bands = {str(graph.value(c, SKOS.notation)): graph.value(c, DSBENCH.minScore).toPython()
             for c in graph.subjects(SKOS.inScheme, scheme)}
    assert bands == {level["grade"]: level["min_score"] for level in card["levels"]}
