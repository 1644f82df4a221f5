"""Standards and scores: the standard model and its loading (standard), the scoring model (score),
the defective elements indicators count (defects) and the quality gates of CI (gates)."""
