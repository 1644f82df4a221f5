"""A score card as JUnit XML, for CI systems that show test reports (GitLab, Jenkins, GitHub
actions that read JUnit, Azure Pipelines).

One ``<testsuite>`` per dimension of the standard (named by its code and its name in ``lang``),
holding one ``<testcase>`` per expectation result bound to one of the dimension's indicators (a
result whose id is listed in an indicator's ``expectations``), then a final ``<testsuite
name="unscored">`` with the results no indicator binds. A failed expectation gets a ``<failure>``
(its message gives the severity, the unexpected count and up to five sample values as they are in
the card); an expectation that raised gets an ``<error>``. ``tests``, ``failures`` and ``errors``
are counted on every suite and, summed, on the root ``<testsuites>``. The indicators of a dimension
and their scores are listed as the suite's ``<properties>``.

The document is built with :mod:`xml.etree.ElementTree` (which escapes every attribute and text);
characters that XML 1.0 cannot carry at all (control characters a sample value may hold) are written
as ``\\uXXXX``. No time or host name is written: the same card gives the same bytes.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any, Iterable

from dsbench.render.i18n import name as localized
from dsbench.render.i18n import score_text, t

FILENAME = "card.junit.xml"
MEDIA_TYPE = "application/xml"

SAMPLES = 5
UNSCORED = "unscored"

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
    parts = [f"[{item.get('severity')}]"]
    if result.get("unexpected_count") is not None:
        if result.get("element_count") is not None:
            parts.append(t("unexpected_of", lang, count=_count(result["unexpected_count"]),
                               total=_count(result["element_count"])))
        else:
            parts.append(t("junit_unexpected", lang, count=_count(result["unexpected_count"])))
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
        f"concern: {item.get('concern')}; severity: {item.get('severity')}",
    ]
    if measure.get("evaluated") is not None:
        lines.append(t("measure", lang, passed=_count(measure.get("passed")),
                           evaluated=_count(measure.get("evaluated"))))
    lines.append("result: " + json.dumps(item.get("result") or {}, ensure_ascii=False, sort_keys=True))
    return xml_safe("\n".join(lines))


def _testcase(item: dict, lang: str) -> tuple[ET.Element, str | None]:
    """The <testcase> of a result and its outcome: None (passed), "failure" or "error"."""
    config = item.get("expectation_config") or {}
    classname = "/".join(str(part) for part in (item.get("suite"), item.get("table")) if part)
    case = ET.Element("testcase", {"classname": xml_safe(classname),
                                   "name": xml_safe(f"{item.get('id')} [{config.get('type')}]")})
    exception = item.get("exception_info") or {}
    if exception.get("raised_exception"):
        message = exception.get("exception_message") or t("raised", lang)
        error = ET.SubElement(case, "error", {"message": xml_safe(f"[{item.get('severity')}] {message}"),
                                              "type": xml_safe(str(config.get("type")))})
        error.text = xml_safe("\n".join(str(part) for part in (
            message, exception.get("exception_traceback")) if part))
        return case, "error"
    if not item.get("success"):
        failure = ET.SubElement(case, "failure", {"message": failure_message(item, lang),
                                                  "type": xml_safe(str(config.get("type")))})
        failure.text = _details(item, lang)
        return case, "failure"
    return case, None


def _suite(name: str, items: Iterable[dict], lang: str,
           properties: list[tuple[str, str]] = ()) -> tuple[ET.Element, dict[str, int]]:
    suite = ET.Element("testsuite", {"name": xml_safe(name)})
    counts = {"tests": 0, "failures": 0, "errors": 0}
    if properties:
        holder = ET.SubElement(suite, "properties")
        for key, value in properties:
            ET.SubElement(holder, "property", {"name": xml_safe(key), "value": xml_safe(value)})
    for item in items:
        case, outcome = _testcase(item, lang)
        suite.append(case)
        counts["tests"] += 1
        if outcome == "failure":
            counts["failures"] += 1
        elif outcome == "error":
            counts["errors"] += 1
    for key, value in counts.items():
        suite.set(key, str(value))
    return suite, counts


def _indicator_property(indicator: dict, lang: str) -> tuple[str, str]:
    key = f"{t('indicator', lang)} {indicator.get('code')} {localized(indicator.get('name'), lang)}"
    status = str(indicator.get("status"))
    words = t(status, lang) if status in ("scored", "external", "not_applicable", "not_evaluated") else status
    if indicator.get("score") is None:
        return key, words
    return key, f"{score_text(indicator['score'])} ({words})"


def render(card: dict, lang: str) -> str:
    results = list(card.get("results") or [])
    by_id = {item["id"]: item for item in results}
    root = ET.Element("testsuites", {
        "name": xml_safe(f"{card['dataset']['name']} × {card['standard']['id']}"),
    })
    totals = {"tests": 0, "failures": 0, "errors": 0}
    bound: set[str] = set()
    suites: list[tuple[ET.Element, dict[str, int]]] = []
    for dimension in card.get("dimensions") or []:
        ids: list[str] = []
        for indicator in dimension.get("indicators") or []:
            for rid in indicator.get("expectations") or []:
                if rid not in ids and rid in by_id:
                    ids.append(rid)
        bound.update(ids)
        ids.sort()  # the card's result order: by id
        name = f"{dimension.get('code')} {localized(dimension.get('name'), lang)}"
        properties = [(f"{t('dimension', lang)} {t('score', lang)}", score_text(dimension.get("score")))]
        properties += [_indicator_property(i, lang) for i in dimension.get("indicators") or []]
        suites.append(_suite(name, (by_id[rid] for rid in ids), lang, properties))
    unscored = [item for item in results if item["id"] not in bound]
    suites.append(_suite(UNSCORED, unscored, lang))
    for suite, counts in suites:
        root.append(suite)
        for key in totals:
            totals[key] += counts[key]
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
