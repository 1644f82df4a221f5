"""A score card as JUnit XML, for CI systems that show test reports (GitLab, Jenkins, GitHub
actions that read JUnit, Azure Pipelines).

First a ``<testsuite>`` of the standard's gates (one ``<testcase>`` per gate, a ``<failure>`` when the
card does not meet it, with its threshold and observed value; the score, grade, grade bands, verdict
and the renormalisation of weights are its ``<properties>``). Then one ``<testsuite>`` per dimension
of the standard (named by its code and its name in ``lang``), holding one ``<testcase>`` per
expectation result that fed one of the dimension's indicators (an indicator's ``results``), then a
final ``<testsuite name="unscored">`` (in Chinese "未计分") with the results no indicator counts.

What fails is decided by ``fail_on`` (``dsbench check --fail-on``; default "warning"): a failed
result of that severity or worse gets a ``<failure>`` (its message gives the severity, the unexpected
count, the missing manifest fields or the observed value, and up to five sample values as they are in
the card), one that raised an ``<error>``. A result below that level that failed or raised (every
``info`` result, a measurement) is ``<skipped>`` with the finding as its message, so a dashboard
stays green for measurements. ``tests``, ``failures``, ``errors`` and ``skipped`` are counted on
every suite and, summed, on the root ``<testsuites>``. The indicators of a dimension (score, unit
and A/B, coverage, weight and effective weight) are listed as the suite's ``<properties>``.

The document is built with :mod:`xml.etree.ElementTree` (which escapes every attribute and text);
characters that XML 1.0 cannot carry at all (control characters a sample value may hold) are written
as ``\\uXXXX``. No time or host name is written: the same card gives the same bytes.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any, Iterable

from dsbench.scoring.gates import SEVERITIES_AT_OR_ABOVE, check_fail_on
from dsbench.render import _gates as gate_text
from dsbench.render import _shared as s
from dsbench.i18n import name as localized
from dsbench.i18n import t

FILENAME = "card.junit.xml"
MEDIA_TYPE = "application/xml"

SAMPLES = 5
UNSCORED = "unscored"
DEFAULT_FAIL_ON = "warning"  # --fail-on: failed (or raised) results of this severity or worse are failures

# Everything XML 1.0 cannot carry, even escaped: C0 controls but tab/LF/CR, surrogates, U+FFFE/F.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")



def xml_safe(text: str) -> str:
    """``text`` with every character XML 1.0 cannot carry written as ``\\uXXXX``."""
    return _ILLEGAL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _value(value: Any) -> str:
    """A sample value as in the card: strings as JSON strings (quoted, so '' and ' ' are visible)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _samples(result: dict) -> list[str]:
    counts = result.get("partial_unexpected_counts") or []
    if counts:
        return [f"{_value(c.get('value'))} ×{c.get('count')}" for c in counts[:SAMPLES]]
    values = result.get("partial_unexpected_list") or []
    unique: list[str] = []
    for value in values:
        text = _value(value)
        if text not in unique:
            unique.append(text)
    return unique[:SAMPLES]


def _count(number: Any) -> str:
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    return str(number)


def failure_message(item: dict, lang: str) -> str:
    """One line: severity, unexpected count (or the observed value) and up to five samples."""
    result = item.get("result") or {}
    parts = [f"[{s.severity_word(str(item.get('severity')), lang)}]"]
    if result.get("unexpected_count") is not None:
        if result.get("element_count") is not None:
            parts.append(t("unexpected_of", lang, count=_count(result["unexpected_count"]),
                               total=_count(result["element_count"])))
        else:
            parts.append(t("junit_unexpected", lang, count=_count(result["unexpected_count"])))
    elif s.missing_fields(item) is not None:
        parts.append(s.missing_text(s.missing_fields(item), lang))
    elif "observed_value" in result:
        parts.append(f"{t('observed', lang)}: {_value(result['observed_value'])}")
    else:
        parts.append(t("failed", lang))
    samples = _samples(result)
    if samples:
        parts.append(f"{t('samples', lang)}: {', '.join(samples)}")
    return xml_safe("; ".join(parts[:1]) + " " + "; ".join(parts[1:]))


def _details(item: dict, lang: str) -> str:
    """The body of a failure: measure, concern, kwargs and the result, as stable JSON lines."""
    measure = item.get("measure") or {}
    config = item.get("expectation_config") or {}
    lines = [
        f"{item.get('id')}",
        f"{config.get('type')} {json.dumps(config.get('kwargs') or {}, ensure_ascii=False, sort_keys=True)}",
        t("junit_concern", lang, concern=item.get("concern"),
          severity=s.severity_word(str(item.get("severity")), lang)),
    ]
    if measure.get("evaluated") is not None:
        lines.append(t("measure", lang, passed=_count(measure.get("passed")),
                           evaluated=_count(measure.get("evaluated"))))
    lines.append(t("junit_result", lang, result=json.dumps(item.get("result") or {}, ensure_ascii=False,
                                                        sort_keys=True)))
    return xml_safe("\n".join(lines))


def _outcome(item: dict, fail_on: str) -> str | None:
    """None (passed), "error", "failure", or "skipped" (failed or raised below the ``fail_on`` level)."""
    exception = item.get("exception_info") or {}
    if exception.get("raised_exception"):
        outcome = "error"
    elif not item.get("success"):
        outcome = "failure"
    else:
        return None
    return outcome if item.get("severity") in SEVERITIES_AT_OR_ABOVE[fail_on] else "skipped"


def _testcase(item: dict, lang: str, fail_on: str = DEFAULT_FAIL_ON) -> tuple[ET.Element, str | None]:
    """The <testcase> of a result and its outcome: None (passed), "failure", "error" or "skipped"."""
    config = item.get("expectation_config") or {}
    classname = "/".join(str(part) for part in (item.get("suite"), item.get("table")) if part)
    case = ET.Element("testcase", {"classname": xml_safe(classname),
                                   "name": xml_safe(f"{item.get('id')} [{config.get('type')}]")})
    outcome = _outcome(item, fail_on)
    exception = item.get("exception_info") or {}
    if outcome is None:
        return case, None
    if exception.get("raised_exception"):
        message = (f"[{s.severity_word(str(item.get('severity')), lang)}] "
                   + (exception.get("exception_message") or t("raised", lang)))
        details = "\n".join(str(part) for part in (message, exception.get("exception_traceback")) if part)
    else:
        message, details = failure_message(item, lang), _details(item, lang)
    if outcome == "skipped":
        below = t("junit_below", lang, level=s.severity_word(fail_on, lang))
        skipped = ET.SubElement(case, "skipped", {"message": xml_safe(f"{message} ({below})")})
        skipped.text = xml_safe(details)
        return case, outcome
    element = ET.SubElement(case, outcome, {"message": xml_safe(message), "type": xml_safe(str(config.get("type")))})
    element.text = xml_safe(details)
    return case, outcome


def _gate_case(card: dict, gate: dict, lang: str) -> tuple[ET.Element, str | None]:
    """A gate of the standard as a test: a failure when the card does not meet it."""
    case = ET.Element("testcase", {"classname": "gates", "name": xml_safe(
        f"{gate_text.gate_condition(gate, lang)} [{gate.get('type')}]")})
    if gate.get("passed"):
        return case, None
    failure = ET.SubElement(case, "failure", {"message": xml_safe(gate_text.gate_line(gate, lang, card)),
                                              "type": xml_safe(str(gate.get("type")))})
    failure.text = xml_safe(gate_text.gate_description(gate, lang) or gate_text.gate_condition(gate, lang))
    return case, "failure"


def _suite(name: str, cases: Iterable[tuple[ET.Element, str | None]],
           properties: list[tuple[str, str]] = ()) -> tuple[ET.Element, dict[str, int]]:
    suite = ET.Element("testsuite", {"name": xml_safe(name)})
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    if properties:
        holder = ET.SubElement(suite, "properties")
        for key, value in properties:
            ET.SubElement(holder, "property", {"name": xml_safe(key), "value": xml_safe(value)})
    for case, outcome in cases:
        suite.append(case)
        counts["tests"] += 1
        if outcome == "failure":
            counts["failures"] += 1
        elif outcome == "error":
            counts["errors"] += 1
        elif outcome == "skipped":
            counts["skipped"] += 1
    for key, value in counts.items():
        suite.set(key, str(value))
    return suite, counts


def _indicator_property(card: dict, indicator: dict, lang: str) -> tuple[str, str]:
    """An indicator and what explains its score: status, unit and A/B, coverage, weights."""
    key = f"{t('indicator', lang)} {indicator.get('code')} {localized(indicator.get('name'), lang)}"
    words = s.status_word(indicator.get("status"), lang)
    if indicator.get("score") is None:
        return key, words
    parts = [f"{s.indicator_score(card, indicator)} ({words})", s.a_of_b(indicator, lang)]
    if indicator.get("coverage") is not None:
        parts.append(t("coverage_of", lang, value=s.coverage_text(indicator, lang)))
    lower = s.lower_note(indicator, lang)
    if lower:
        parts.append(lower)
    parts.append(f"{t('weight', lang)} {s.weight_text(indicator.get('weight'))}")
    parts.append(f"{t('effective_weight', lang)} {s.share_text(indicator.get('effective_weight'), lang)}")
    return key, " · ".join(parts)


def _card_properties(card: dict, lang: str) -> list[tuple[str, str]]:
    """The score, grade with its bands, the verdict and the renormalisation applied."""
    grade = s.grade_text(card, lang)
    return [(t("score", lang), f"{s.overall_score(card)} / {s.scale_text(card)}"),
            (t("grade", lang), grade),
            (t("grades", lang), gate_text.grade_bands(card, lang)),
            (t("result", lang), s.verdict(card, lang)),
            (t("weights", lang), " ".join(s.renormalisation(card, lang)))]


def render(card: dict, lang: str, fail_on: str = DEFAULT_FAIL_ON) -> str:
    """The JUnit document. ``fail_on`` ("warning" or "critical"): a failed or raised result of that
    severity or worse is a failure (or an error); one below it is ``<skipped>``."""
    check_fail_on(fail_on, "fail_on", optional=False)
    results = list(card.get("results") or [])
    by_id = {item["id"]: item for item in results}
    root = ET.Element("testsuites", {
        "name": xml_safe(f"{card['dataset']['name']} × {card['standard']['id']}"),
    })
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    bound: set[str] = set()
    suites = [_suite(t("gates", lang), (_gate_case(card, g, lang) for g in card.get("gates") or []),
                     _card_properties(card, lang))]
    for dimension in card.get("dimensions") or []:
        ids: list[str] = []
        for indicator in dimension.get("indicators") or []:
            for rid in s.fed_ids(indicator):
                if rid not in ids and rid in by_id:
                    ids.append(rid)
        bound.update(ids)
        ids.sort()  # the card's result order: by id
        name = f"{dimension.get('code')} {localized(dimension.get('name'), lang)}"
        properties = [(f"{t('dimension', lang)} {t('score', lang)}", s.dimension_score(card, dimension)),
                      (f"{t('dimension', lang)} {t('weight', lang)}",
                       f"{s.weight_text(dimension.get('weight'))} · {t('effective_weight', lang)} "
                       f"{s.share_text(dimension.get('effective_weight'), lang)}")]
        properties += [_indicator_property(card, i, lang) for i in dimension.get("indicators") or []]
        suites.append(_suite(name, (_testcase(by_id[rid], lang, fail_on) for rid in ids), properties))
    unscored = [item for item in results if item["id"] not in bound]
    suites.append(_suite(t(UNSCORED, lang), (_testcase(item, lang, fail_on) for item in unscored)))
    for suite, counts in suites:
        root.append(suite)
        for key in totals:
            totals[key] += counts[key]
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
