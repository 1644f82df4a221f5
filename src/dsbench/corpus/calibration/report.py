"""The whole calibration report: its JSON document, and the Calibration that saves it.

The document covers a standard over a corpus's cards, with, on request, the comparison with an
older version and the validity section; it is saved beside its Markdown rendering."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from dsbench.corpus.calibration.findings import MIN_SHARED, REDUNDANT_AT, correlations, indicator_findings
from dsbench.corpus.calibration.items import corpus_items, evaluate_items
from dsbench.corpus.calibration.rescoring import card_evidence, measured_results
from dsbench.corpus.calibration.revision import comparison, standard_summary, verdict
from dsbench.corpus.calibration.sensitivity import STEP, sensitivity
from dsbench.corpus.calibration.validity import check_rate, validity_report
from dsbench.render.calibration import calibration_markdown, calibration_summary
from dsbench.scoring.score import score
from dsbench.scoring.standard import Standard, load_standard

REPORT_JSON, REPORT_MD = "calibration.json", "calibration.md"


@dataclass
class Calibration:
    """A calibration report: ``document`` is the JSON; ``markdown()`` and ``summary()`` render it."""

    document: dict[str, Any]

    @property
    def errors(self) -> dict[str, str]:
        """The datasets that could not be evaluated: name -> one-line reason."""
        return {row["name"]: row["error"] for row in self.document.get("errors", [])}

    def to_json(self) -> str:
        from dsbench.files import dump_json

        return dump_json(self.document)

    def markdown(self, lang: str = "en") -> str:
        return calibration_markdown(self.document, lang)

    def summary(self, lang: str = "en") -> list[str]:
        return calibration_summary(self.document, lang)

    def save(self, directory: str | Path, lang: str = "en") -> list[Path]:
        """Write calibration.json and calibration.md (in ``lang``) into ``directory`` (each atomically)."""
        from dsbench.files import write_atomic

        files = [(Path(directory) / REPORT_MD, self.markdown(lang)), (Path(directory) / REPORT_JSON, self.to_json())]
        for path, text in files:
            write_atomic(path, text)
        return [path for path, _ in files]


def calibrate_cards(standard: str | Path | Standard, cards: dict[str, dict],
                    against: str | Path | Standard | None = None,
                    errors: dict[str, str] | None = None, thresholds: bool = True) -> Calibration:
    """The calibration report of ``standard`` over cards (dataset name -> card document).
    ``errors`` (dataset name -> one-line reason) are the datasets of the corpus that could not be
    evaluated: listed in the report, left out of every statistic. Without ``thresholds`` the
    sensitivity section (each card scored again for each moved threshold: most of the work) is
    None."""
    standard = load_standard(standard)
    names = sorted(cards)
    results = []
    for name in names:
        card = cards[name]
        evidence = card_evidence(card) if card["standard"]["id"] == standard.id else {}
        results.append((measured_results(card), evidence, card["elements"]))
    scored = [score(standard, measured, evidence, elements) for measured, evidence, elements in results]
    findings = indicator_findings(standard, names, scored)
    document: dict[str, Any] = {
        "standard": standard_summary(standard),
        "definitions": {"step": STEP, "min_shared": MIN_SHARED, "redundant_at": REDUNDANT_AT},
        "datasets": [{"name": name, "fingerprint": cards[name]["dataset"]["fingerprint"], **verdict(s)}
                     for name, s in zip(names, scored)],
        "errors": [{"name": name, "error": message} for name, message in sorted((errors or {}).items())],
        "indicators": findings,
        "flagged": {flag: [f["code"] for f in findings if flag in f["flags"]]
                    for flag in ("non_discriminating", "never_fails", "always_fails", "never_scored")},
        "correlation": correlations(findings),
        "sensitivity": sensitivity(standard, names, results, scored) if thresholds else None,
        "against": None,
        "validity": None,  # filled by calibrate(validity=...): it needs the data (see .validity)
    }
    if against is not None:
        old = load_standard(against)
        old_scores = [score(old, measured, card_evidence(cards[name]) if cards[name]["standard"]["id"] == old.id else {},
                            elements)
                      for name, (measured, _, elements) in zip(names, results)]
        document["against"] = comparison(old, standard, names, old_scores, scored)
    return Calibration(document)


def calibrate(standard: str | Path | Standard, corpus: Sequence[str], *,
              against: str | Path | Standard | None = None, jobs: int | None = None,
              validity: float | None = None, seed: int = 0) -> Calibration:
    """Evaluate each dataset of ``corpus`` once (card.json items are used as they are) and report
    how ``standard`` behaves on it (a dataset that cannot be loaded or evaluated is an entry of the
    report's ``errors``, with its one-line reason, and the others are still evaluated); with
    ``against``, how it differs from that older version; with ``validity`` (a rate), how each
    indicator responds to defects injected at that rate with ``seed`` and to duplicated checks
    (:mod:`dsbench.corpus.calibration.validity`; dataset items only)."""
    standard = load_standard(standard)
    old = load_standard(against) if against is not None else None  # a bad file fails before any work
    if validity is not None:
        validity = check_rate(validity)
    items = corpus_items(corpus)
    outcomes = evaluate_items(items, standard, jobs)
    evaluated = [(item, card) for item, (card, _) in zip(items, outcomes) if card is not None]
    errors = {item.name: message for item, (card, message) in zip(items, outcomes) if card is None}
    report = calibrate_cards(standard, {item.name: card for item, card in evaluated}, old, errors)
    if validity is not None:
        report.document["validity"] = validity_report(standard, [item for item, _ in evaluated],
                                                      [card for _, card in evaluated], validity, seed, jobs)
    return report
