"""Standards and scores: the standard model and its loading (standard), the scoring model (score), and the defective elements indicators count (defects)."""
