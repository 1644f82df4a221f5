"""The scoring model against hand-computed values, on a small standard written for the test."""

from __future__ import annotations

import pytest
import yaml

from dsbench.scoring.score import Evidence, EvidenceError, Measured, load_evidence, score
from dsbench.scoring.standard import StandardError, load_standard, shipped_standards, standard_from_document

DOCUMENT = {
    "id": "toy", "version": "1", "status": "draft",
    "title": {"zh": "玩具", "en": "Toy"},
    "source": {"document": "written for the tests"},
    "profile": {"origin": "dsbench", "note": "all numbers are the test's own"},
    "scale": 100,
    "dimensions": [
        {"code": "A", "id": "alpha", "name": {"zh": "甲", "en": "Alpha"}, "weight": 3, "indicators": [
            {"code": "A1", "name": {"zh": "甲一", "en": "A one"}, "weight": 1, "concerns": ["completeness.value"],
             "unit": "cells"},
            {"code": "A2", "name": {"zh": "甲二", "en": "A two"}, "weight": 3, "concerns": ["validity.range"],
             "unit": "values", "threshold": 0.9},
            {"code": "A3", "name": {"zh": "甲三", "en": "A three"}, "weight": 2, "concerns": ["balance.label"],
             "unit": "measure"},
        ]},
        {"code": "B", "id": "beta", "name": {"zh": "乙", "en": "Beta"}, "weight": 1, "indicators": [
            {"code": "B1", "name": {"zh": "乙一", "en": "B one"}, "weight": 1, "concerns": ["uniqueness.record"],
             "unit": "records", "direction": "lower_is_better"},
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


# One table of 100 records and two columns: x has 90 present values, y 60 (cells 200, values 150).
# Rows flagged, by signature: nulls-x flags the 10 rows where x is missing; nulls-y the 40 where y
# is; range-x and range-x-again flag 20 rows of x, 15 of them the same; dups flags 5 rows.
#   signature                           rows   missing x   missing y
#   nulls-x, nulls-y                       10      10          10
#   nulls-y                                30       0          30
#   range-x, range-x-again                 15       0           0
#   range-x                                 5       0           0
#   range-x-again                           5       0           0
#   dups                                    5       0           0
ATOMS = ["t:dups", "t:nulls-x", "t:nulls-y", "t:range-x", "t:range-x-again"]
ELEMENTS = {"t": {
    "rows": 100, "present": {"x": 90, "y": 60}, "text": [], "absent": [], "atoms": ATOMS, "exact": True,
    "groups": [{"atoms": [1, 2], "rows": 10, "missing": {"x": 10, "y": 10}},
               {"atoms": [2], "rows": 30, "missing": {"y": 30}},
               {"atoms": [3, 4], "rows": 15, "missing": {}},
               {"atoms": [3], "rows": 5, "missing": {}},
               {"atoms": [4], "rows": 5, "missing": {}},
               {"atoms": [0], "rows": 5, "missing": {}}]}}


def m(id, concern, passed, evaluated, success=True, severity="info", errored=False, kind="rows",
      columns=(), flagged=None, identity=None):
    flagged = evaluated - passed if flagged is None and kind == "rows" and not errored else (flagged or 0)
    return Measured(f"t:{id}", concern, severity, success, passed, evaluated, errored, "t", kind,
                    tuple(columns), flagged, f"t:{id}" in ATOMS, identity)


RESULTS = [
    m("nulls-x", "completeness.value", 90, 100, False, columns=["x"]),
    m("nulls-y", "completeness.value", 60, 100, False, "warning", columns=["y"]),
    m("range-x", "validity.range", 70, 90, False, "warning", columns=["x"]),
    m("dups", "uniqueness.record", 95, 100, False),
]


def by_code(scores):
    return {i.code: i for d in scores.dimensions for i in d.indicators}


def test_an_indicator_counts_the_defective_elements_of_its_unit(toy):
    indicators = by_code(score(toy, RESULTS, elements=ELEMENTS))
    a1 = indicators["A1"]  # cells: 200; missing: x 10 + y 40
    assert (a1.unit, a1.passed, a1.evaluated, a1.score) == ("cells", 150, 200, pytest.approx(75.0))
    assert [r["id"] for r in a1.results] == ["t:nulls-x", "t:nulls-y"] and a1.coverage == 1.0
    a2 = indicators["A2"]  # present values: 150; range-x flags 20 of x's
    assert (a2.passed, a2.evaluated, a2.score) == (130, 150, pytest.approx(130 / 150 * 100))
    assert a2.coverage == pytest.approx(90 / 150)  # only x was examined
    assert a2.threshold_met is False  # 0.867 < 0.9


def test_one_defect_counts_once_however_many_checks_flag_it(toy):
    """range-x-again flags 15 of range-x's 20 rows and 5 others: 25 rows of x in all."""
    again = m("range-x-again", "validity.range", 70, 90, False, columns=["x"])
    a2 = by_code(score(toy, RESULTS + [again], elements=ELEMENTS))["A2"]
    assert (a2.passed, a2.evaluated) == (125, 150)
    # A check outside the signatures (order breaks, dateutil) adds its own count; its exact copy
    # (same identity) counts once.
    opaque = [m("breaks", "validity.range", 87, 90, False, columns=["x"], identity="same"),
              m("breaks-copy", "validity.range", 87, 90, False, columns=["x"], identity="same")]
    a2 = by_code(score(toy, RESULTS + opaque, elements=ELEMENTS))["A2"]
    assert (a2.passed, a2.evaluated) == (127, 150)  # 20 + 3


def test_a_check_of_the_whole_column_that_fails_flags_every_element_of_it(toy):
    mean = m("mean-x", "validity.range", 0, 1, False, kind="scope", columns=["x"])
    a2 = by_code(score(toy, RESULTS + [mean], elements=ELEMENTS))["A2"]
    assert (a2.passed, a2.evaluated) == (60, 150)  # all 90 values of x
    broken = m("broken", "validity.range", 0, 0, False, errored=True, columns=["y"])
    a2 = by_code(score(toy, RESULTS + [broken], elements=ELEMENTS))["A2"]
    assert (a2.passed, a2.evaluated) == (70, 150)  # x's 20, and every value of y: a broken check hides nothing


def test_not_applicable_indicator_is_excluded_and_weights_renormalised(toy):
    scores = score(toy, RESULTS, elements=ELEMENTS)
    alpha = scores.dimensions[0]
    assert by_code(scores)["A3"].status == "not_applicable" and by_code(scores)["A3"].score is None
    # (1 * 75 + 3 * 86.67) / (1 + 3): A3's weight 2 is dropped, not counted as 0.
    assert alpha.score == pytest.approx((75 + 3 * 130 / 1.5) / 4)
    a1, a2 = by_code(scores)["A1"], by_code(scores)["A2"]
    assert alpha.effective_weight == pytest.approx(3 / 4)  # beta's weight 1: 3 of 4
    assert (a1.effective_weight, a2.effective_weight) == (pytest.approx(3 / 16), pytest.approx(9 / 16))


def test_a_measure_is_the_lowest_measurement(toy):
    balance = [m("balance-1", "balance.label", 24, 32, kind="measure"),
               m("balance-2", "balance.label", 30, 30, kind="measure")]
    a3 = by_code(score(toy, RESULTS + balance, elements=ELEMENTS))["A3"]
    assert (a3.unit, a3.passed, a3.evaluated, a3.coverage) == ("measure", 24, 32, None)


def test_lower_is_better_reports_the_bad_share_and_scores_the_good_share(toy):
    b1 = by_code(score(toy, RESULTS, elements=ELEMENTS))["B1"]
    assert b1.value == pytest.approx(0.05) and b1.score == pytest.approx(95.0)


def test_external_indicator_without_evidence_is_not_evaluated(toy):
    scores = score(toy, RESULTS, elements=ELEMENTS)
    assert by_code(scores)["B2"].status == "not_evaluated"
    assert scores.dimensions[1].score == pytest.approx(95.0)  # B1 alone
    alpha = (75 + 3 * 130 / 1.5) / 4
    assert scores.score == pytest.approx((3 * alpha + 1 * 95.0) / 4)


def test_external_evidence_is_scored_and_marked(toy):
    scores = score(toy, RESULTS, {"B2": Evidence(passed=45, evaluated=50, source="audit")}, ELEMENTS)
    b2 = by_code(scores)["B2"]
    assert (b2.status, b2.score, b2.source) == ("external", pytest.approx(90.0), "audit")
    assert scores.dimensions[1].score == pytest.approx(92.5)
    scores = score(toy, RESULTS, {"B2": Evidence(score=0.5, source="model run")}, ELEMENTS)
    assert by_code(scores)["B2"].score == pytest.approx(50.0)


def test_gates_each_type_with_threshold_and_observed(toy):
    scores = score(toy, RESULTS, elements=ELEMENTS)
    alpha = (75 + 3 * 130 / 1.5) / 4  # 83.75
    overall = (3 * alpha + 95.0) / 4  # 86.5625
    # min_score 80: passes; every dimension >= 70: passes; dimension B >= 95: passes;
    # indicator A2 >= 75: 86.7 passes; no critical failure: the failures are warning/info.
    assert [g.passed for g in scores.gates] == [True, True, True, True, True]
    assert [g.threshold for g in scores.gates] == [80, 70, 95, 75, "critical"]
    assert scores.gates[0].observed == pytest.approx(overall)
    assert scores.gates[3].observed == {"A2": by_code(scores)["A2"].score}  # the indicator the gate names
    assert scores.passed and scores.grade == "B"
    failing = RESULTS + [m("crit", "completeness.value", 0, 100, success=False, severity="critical",
                           kind="scope", columns=["x"])]
    scores = score(toy, failing, elements=ELEMENTS)
    # crit judges x as a whole and fails: all 100 cells of x; A1 = (200 - 100 - 40) / 200 = 30.
    assert by_code(scores)["A1"].score == pytest.approx(30.0)
    alpha = (30 + 3 * 130 / 1.5) / 4  # 72.5, still >= 70
    assert [g.passed for g in scores.gates] == [False, True, True, True, False]
    assert scores.score == pytest.approx((3 * alpha + 95.0) / 4) and scores.grade == "C" and not scores.passed
    assert scores.gates[1].observed == {"A": pytest.approx(alpha), "B": pytest.approx(95.0)}
    assert scores.gates[4].observed == ["t:crit"]


def test_a_dimension_without_score_fails_its_gate(toy):
    only_external = score(toy, [], elements=ELEMENTS)
    assert only_external.dimensions[0].status == "not_applicable"
    assert only_external.dimensions[1].status == "not_evaluated"
    assert only_external.score is None and only_external.grade is None and not only_external.passed


def test_a_check_that_examined_nothing_makes_nothing_applicable(toy):
    empty = [m("empty", "validity.range", 0, 0, columns=["x"])]
    assert by_code(score(toy, empty, elements=ELEMENTS))["A2"].status == "not_applicable"


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
    broken["dimensions"][1]["indicators"][0]["concerns"] = ["completeness.value"]  # A1's: bound twice
    with pytest.raises(StandardError, match="already bound by indicator A1") as caught:
        standard_from_document(broken, "x.yaml")
    assert caught.value.location == "dimensions[1].indicators[0].concerns[0]"
    broken = yaml.safe_load(yaml.safe_dump(DOCUMENT))
    del broken["dimensions"][0]["indicators"][0]["unit"]
    with pytest.raises(StandardError, match="unit"):
        standard_from_document(broken, "x.yaml")
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
    assert [(g.type, g.value, g.dimension, g.severity) for g in tc609.gates] == [
        ("min_dimension_score", 90, None, None), ("no_failed_severity", None, None, "critical")]
    for name in shipped_standards():  # every data indicator states its unit and its A and B
        for _, indicator in load_standard(name).indicators():
            assert indicator.external or (indicator.unit and indicator.a and indicator.b), (name, indicator.code)
    gbt = load_standard("gbt-36344-2018")
    lower = sorted(i.code for _, i in gbt.indicators() if i.direction == "lower_is_better")
    assert lower == ["0303", "0305"]
    iso = load_standard("iso-iec-5259-2")
    codes = {i.code for _, i in iso.indicators()}
    assert {"Com-ML-1", "Com-ML-3", "Com-ML-4", "Com-ML-5", "Con-ML-1", "Acc-ML-4", "Acc-ML-6",
            "Bal-ML-3", "Bal-ML-8", "Div-ML-1", "Idn-ML-1"} <= codes
    iso25012 = {i.code for _, i in load_standard("iso-iec-25012").indicators()}
    assert len(iso25012) >= 15


def test_a_card_that_misses_its_pass_gate_gets_the_lowest_grade():
    """No grade is won by adding checks that fail: a failed critical check fails the gate."""
    toy = standard_from_document({**DOCUMENT, "gates": [DOCUMENT["gates"][0], DOCUMENT["gates"][-1]]}, "toy.yaml")
    clean = [m("x-ok", "completeness.value", 100, 100, columns=["x"])]
    elements = {"t": {**ELEMENTS["t"], "atoms": [], "groups": []}}
    before = score(toy, clean, elements=elements)
    assert (before.grade, before.score_grade, before.passed) == ("A", "A", True)
    rule = m("rule", "validity.range", 89, 90, False, "critical", columns=["x"])
    after = score(toy, clean + [rule], {}, {"t": {**elements["t"], "atoms": ["t:rule"],
                                                  "groups": [{"atoms": [0], "rows": 1, "missing": {}}]}})
    assert after.score_grade == "A" and (after.grade, after.passed) == ("C", False)
