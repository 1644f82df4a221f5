"""The scoring model against hand-computed values, on a small standard written for the test."""

from __future__ import annotations

import pytest
import yaml

from dsbench.scoring import Evidence, EvidenceError, Measured, load_evidence, score
from dsbench.standard import StandardError, load_standard, standard_from_document

DOCUMENT = {
    "id": "toy", "version": "1", "status": "draft",
    "title": {"zh": "玩具", "en": "Toy"},
    "source": {"document": "written for the tests"},
    "profile": {"origin": "dsbench", "note": "all numbers are the test's own"},
    "scale": 100,
    "dimensions": [
        {"code": "A", "id": "alpha", "name": {"zh": "甲", "en": "Alpha"}, "weight": 3, "indicators": [
            {"code": "A1", "name": {"zh": "甲一", "en": "A one"}, "weight": 1, "concerns": ["completeness.value"]},
            {"code": "A2", "name": {"zh": "甲二", "en": "A two"}, "weight": 3, "concerns": ["validity.range"],
             "threshold": 0.9},
            {"code": "A3", "name": {"zh": "甲三", "en": "A three"}, "weight": 2, "concerns": ["balance.label"]},
        ]},
        {"code": "B", "id": "beta", "name": {"zh": "乙", "en": "Beta"}, "weight": 1, "indicators": [
            {"code": "B1", "name": {"zh": "乙一", "en": "B one"}, "weight": 1, "concerns": ["uniqueness.record"],
             "direction": "lower_is_better"},
            {"code": "B2", "name": {"zh": "乙二", "en": "B two"}, "weight": 1, "evidence": "external"},
        ]},
    ],
    "gates": [
        {"type": "min_score", "value": 80},
        {"type": "min_dimension_score", "value": 70},
        {"type": "min_dimension_score", "dimension": "B", "value": 95},
        {"type": "min_indicator_score", "indicator": "A2", "value": 75},
        {"type": "no_failed_severity", "severity": "critical"},
    ],
    "levels": [
        {"grade": "A", "name": {"zh": "优", "en": "Excellent"}, "min_score": 90},
        {"grade": "B", "name": {"zh": "良", "en": "Good"}, "min_score": 80},
        {"grade": "C", "name": {"zh": "差", "en": "Poor"}, "min_score": 0},
    ],
}


@pytest.fixture
def toy():
    return standard_from_document(DOCUMENT, "toy.yaml")


def m(id, concern, passed, evaluated, success=True, severity="critical", errored=False):
    return Measured(id, concern, severity, success, passed, evaluated, errored)


RESULTS = [
    m("nulls-x", "completeness.value", 90, 100),
    m("nulls-y", "completeness.value", 60, 100, success=False, severity="warning"),
    m("range-x", "validity.range", 80, 100, success=False, severity="warning"),
    m("dups", "uniqueness.record", 95, 100, success=False, severity="info"),
]


def by_code(scores):
    return {i.code: i for d in scores.dimensions for i in d.indicators}


def test_indicator_scores_are_sums_of_a_over_sums_of_b(toy):
    indicators = by_code(score(toy, RESULTS))
    assert indicators["A1"].score == pytest.approx(75.0)  # (90 + 60) / (100 + 100)
    assert indicators["A1"].expectations == ["nulls-x", "nulls-y"]
    assert indicators["A2"].score == pytest.approx(80.0)
    assert indicators["A2"].threshold_met is False  # 0.80 < 0.9


def test_not_applicable_indicator_is_excluded_and_weights_renormalised(toy):
    scores = score(toy, RESULTS)
    alpha = scores.dimensions[0]
    assert by_code(scores)["A3"].status == "not_applicable" and by_code(scores)["A3"].score is None
    # (1 * 75 + 3 * 80) / (1 + 3): A3's weight 2 is dropped, not counted as 0.
    assert alpha.score == pytest.approx(78.75)


def test_lower_is_better_reports_the_bad_share_and_scores_the_good_share(toy):
    b1 = by_code(score(toy, RESULTS))["B1"]
    assert b1.value == pytest.approx(0.05) and b1.score == pytest.approx(95.0)


def test_external_indicator_without_evidence_is_not_evaluated(toy):
    scores = score(toy, RESULTS)
    assert by_code(scores)["B2"].status == "not_evaluated"
    assert scores.dimensions[1].score == pytest.approx(95.0)  # B1 alone
    assert scores.score == pytest.approx((3 * 78.75 + 1 * 95.0) / 4)  # 82.8125


def test_external_evidence_is_scored_and_marked(toy):
    scores = score(toy, RESULTS, {"B2": Evidence(passed=45, evaluated=50, source="audit")})
    b2 = by_code(scores)["B2"]
    assert (b2.status, b2.score, b2.source) == ("external", pytest.approx(90.0), "audit")
    assert scores.dimensions[1].score == pytest.approx(92.5)
    scores = score(toy, RESULTS, {"B2": Evidence(score=0.5, source="model run")})
    assert by_code(scores)["B2"].score == pytest.approx(50.0)


def test_gates_each_type(toy):
    scores = score(toy, RESULTS)
    outcome = [g.passed for g in scores.gates]
    # min_score 80: 82.81 passes; every dimension >= 70: 78.75 and 95 pass; dimension B >= 95: passes;
    # indicator A2 >= 75: 80 passes; no critical failure: the failures are warning/info.
    assert outcome == [True, True, True, True, True]
    assert scores.passed and scores.grade == "B"
    failing = RESULTS + [m("crit", "completeness.value", 0, 100, success=False)]
    scores = score(toy, failing)
    # A1 = 150/300 = 50; alpha = (50 + 240)/4 = 72.5 (still >= 70); overall = (217.5 + 95)/4 = 78.125
    assert [g.passed for g in scores.gates] == [False, True, True, True, False]
    assert scores.score == pytest.approx(78.125) and scores.grade == "C" and not scores.passed
    assert scores.gates[1].observed == {"A": pytest.approx(72.5), "B": pytest.approx(95.0)}
    assert scores.gates[4].observed == ["crit"]


def test_a_dimension_without_score_fails_its_gate(toy):
    only_external = score(toy, [])
    assert only_external.dimensions[0].status == "not_applicable"
    assert only_external.dimensions[1].status == "not_evaluated"
    assert only_external.score is None and only_external.grade is None and not only_external.passed


def test_errored_expectation_counts_as_one_failed_element(toy):
    results = [m("ok", "validity.range", 10, 10), m("broken", "validity.range", 0, 0, False, errored=True)]
    a2 = by_code(score(toy, results))["A2"]
    assert (a2.passed, a2.evaluated) == (10, 11)


def test_evidence_file(tmp_path, toy):
    path = tmp_path / "evidence.yaml"
    path.write_text(yaml.safe_dump({"B2": {"passed": 9, "evaluated": 10, "source": "sampled review"}}))
    assert load_evidence(path, toy)["B2"].fraction == pytest.approx(0.9)
    for bad, location in [({"ZZ": {"score": 1, "source": "x"}}, "ZZ"),
                          ({"A1": {"score": 1, "source": "x"}}, "A1"),
                          ({"B2": {"score": 1.5, "source": "x"}}, "B2.score"),
                          ({"B2": {"passed": 11, "evaluated": 10, "source": "x"}}, "B2.passed"),
                          ({"B2": {"score": 1}}, "B2.source"),
                          ({"B2": {"score": 1, "source": "x", "extra": 1}}, "B2.extra")]:
        path.write_text(yaml.safe_dump(bad))
        with pytest.raises(EvidenceError) as caught:
            load_evidence(path, toy)
        assert caught.value.location == location and caught.value.source == str(path)


def test_standard_rules_beyond_the_schema():
    broken = yaml.safe_load(yaml.safe_dump(DOCUMENT))
    broken["dimensions"][1]["indicators"][0]["code"] = "A1"
    with pytest.raises(StandardError, match="duplicate indicator code 'A1'"):
        standard_from_document(broken, "x.yaml")
    broken = yaml.safe_load(yaml.safe_dump(DOCUMENT))
    broken["dimensions"][0]["indicators"][0]["concerns"] = ["completeness.nonsense"]
    with pytest.raises(StandardError, match="unknown concern") as caught:
        standard_from_document(broken, "x.yaml")
    assert caught.value.location == "dimensions[0].indicators[0].concerns[0]"
    broken = yaml.safe_load(yaml.safe_dump(DOCUMENT))
    broken["dimensions"][0]["weight"] = "heavy"
    with pytest.raises(StandardError) as caught:
        standard_from_document(broken, "x.yaml")
    assert caught.value.location == "dimensions[0].weight"
    broken = yaml.safe_load(yaml.safe_dump(DOCUMENT))
    broken["levels"].reverse()
    with pytest.raises(StandardError, match="ordered"):
        standard_from_document(broken, "x.yaml")


def test_shipped_standards_load_and_match_the_notes():
    counts = {"gbt-36344-2018": (6, 20), "tc609-5-2025-04": (3, 17)}
    for name, (dimensions, indicators) in counts.items():
        standard = load_standard(name)
        assert (len(standard.dimensions), sum(1 for _ in standard.indicators())) == (dimensions, indicators)
    tc609 = load_standard("tc609-5-2025-04")
    externals = sorted(i.code for _, i in tc609.indicators() if i.external)
    assert externals == ["0304", "0305"]
    assert [(g.type, g.value, g.dimension) for g in tc609.gates] == [("min_dimension_score", 90, None)]
    gbt = load_standard("gbt-36344-2018")
    lower = sorted(i.code for _, i in gbt.indicators() if i.direction == "lower_is_better")
    assert lower == ["0303", "0305"]
    iso = load_standard("iso-iec-5259-2")
    codes = {i.code for _, i in iso.indicators()}
    assert {"Com-ML-1", "Com-ML-3", "Com-ML-4", "Com-ML-5", "Con-ML-1", "Acc-ML-4", "Acc-ML-6",
            "Bal-ML-3", "Bal-ML-8", "Div-ML-1", "Idn-ML-1"} <= codes
    iso25012 = {i.code for _, i in load_standard("iso-iec-25012").indicators()}
    assert len(iso25012) >= 15
