"""The JUnit XML rendering of a card, read back with junitparser and compared with the card."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from junitparser import JUnitXml

from dsbench.render import junit, renderer

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
        ids = sorted({rid for i in dimension["indicators"] for rid in i["expectations"]})
        bound.update(ids)
        suites.append((f"{dimension['code']} {dimension['name'][lang]}", [by_id[rid] for rid in ids]))
    suites.append(("unscored", [r for r in card["results"] if r["id"] not in bound]))
    return suites


def outcome_counts(results: list[dict]) -> tuple[int, int, int]:
    errors = sum(1 for r in results if r["exception_info"]["raised_exception"])
    failures = sum(1 for r in results if not r["success"] and not r["exception_info"]["raised_exception"])
    return len(results), failures, errors


def test_cards_to_check_exist():
    assert len(CARDS) >= 2


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("path", CARDS, ids=lambda p: f"{p.parent.parent.name}-{p.parent.name}")
def test_counts_match_the_card(path, lang):
    card = load(path)
    xml = JUnitXml.fromstring(junit.render(card, lang))
    expected = expected_suites(card, lang)
    suites = list(xml)
    assert [s.name for s in suites] == [name for name, _ in expected]
    for suite, (name, results) in zip(suites, expected):
        tests, failures, errors = outcome_counts(results)
        assert (suite.tests, suite.failures, suite.errors) == (tests, failures, errors), name
        cases = list(suite)
        assert len(cases) == tests
        assert [c.name for c in cases] == [f"{r['id']} [{r['expectation_config']['type']}]" for r in results]
        assert [c.classname for c in cases] == [f"{r['suite']}/{r['table']}" for r in results]
        assert sum(1 for c in cases if c.is_failure) == failures
        assert sum(1 for c in cases if c.is_error) == errors
    # Every result is reported exactly once (no result of the shipped standards binds twice).
    assert xml.tests == len(card["results"])
    assert xml.tests == sum(s.tests for s in suites)
    assert xml.failures == sum(1 for r in card["results"] if not r["success"])
    assert xml.errors == 0


def test_failure_message_has_counts_and_at_most_five_samples():
    card = load(ROOT / "reports" / "nycflights13" / "gbt-36344-2018" / "card.json")
    xml = JUnitXml.fromstring(junit.render(card, "en"))
    failing = {case.name.split(" [")[0]: case for suite in xml for case in suite if case.is_failure}
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
    assert xml.failures == len(failed) - 1
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
    bound = {rid for d in card["dimensions"] for i in d["indicators"] for rid in i["expectations"]}
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
