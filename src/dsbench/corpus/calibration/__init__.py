"""Calibrating a standard on a corpus, before it is published.

How its indicators, thresholds and revisions behave on real datasets.

Each dataset is evaluated once. The results in its card (concern, severity, success, the A/B
measure, what each flags) and its ``elements`` (the elements of every table and the signatures of
flagged rows) are everything the scoring model reads, and they do not depend on the standard (the
suites come from the data and the manifest), so the draft, its ±5-point variants and an older
version are all scored from the cards without touching the data again (:func:`rescore`).

Definitions used throughout the report:

- An indicator's **bar** is the standard's most specific requirement that reaches it: its own
  ``threshold`` (× scale) or ``min_indicator_score`` gates naming it (the highest of these); else the
  ``min_dimension_score`` gates covering its dimension; else the ``min_score`` gates (the overall
  score); else the full scale (no failed element). An indicator **passes** on a dataset when it is
  scored there (from data or external evidence) and its score reaches its bar; it **fails** when it
  is scored and falls short; otherwise (not applicable, not evaluated) it does neither.
- **Pass rate**: datasets where it passes / datasets in the corpus.
- **Never fails** / **always fails**: scored on at least one dataset, and failing on none / passing on
  none. **Non-discriminating**: scored on at least two datasets, with the same score on all of them.
- **Correlation**: Pearson's r of two indicators' scores over the datasets where both are scored, for
  pairs sharing at least MIN_SHARED datasets; indicators with one score everywhere are left out
  (r is undefined for them); |r| ≥ REDUNDANT_AT flags the pair as possibly redundant.
- **Sensitivity**: each threshold (gate value, grade level, indicator threshold) moved by −STEP and
  +STEP points, clamped to 0..scale (a level also between its neighbouring levels, so the order
  stays valid); a dataset changes when its grade, its pass/fail or (for an indicator threshold)
  whether that indicator meets its threshold changes.
- **Against an older version**: per dataset, grade and pass/fail under both; for a dataset whose
  score, grade or pass/fail differs, each indicator's weighted contribution to the overall score
  (its dimension's share × its share within the dimension × its score) under both versions. The
  contribution deltas add up to the score delta; they are listed largest first, with how the
  indicator's definition changed (added, removed, rebound, reweighted, moved, redefined).
- **Validity** (on request; the datasets, not the cards): which injected defect families lower,
  raise or leave each indicator, and whether duplicating every generated check moves it
  (:mod:`dsbench.corpus.calibration.validity`).

The package, by job: ``items`` (the corpus and its cards), ``rescoring`` (a card scored under any
standard), ``findings``, ``sensitivity`` and ``revision`` (the sections of the report), ``validity``
(defects injected into the data), ``numbers`` (rounding and statistics) and ``report`` (the whole
report); its Markdown is :mod:`dsbench.render.calibration`'s.
"""

from __future__ import annotations

from dsbench.corpus.calibration.report import Calibration, calibrate, calibrate_cards
from dsbench.corpus.calibration.rescoring import measured_results, rescore

__all__ = ["Calibration", "calibrate", "calibrate_cards", "measured_results", "rescore"]
