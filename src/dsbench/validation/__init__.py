"""Validation: a suite bound to a dataset, its metrics computed in shared scans, decided, with
evidence (runner), and the row-level evidence and failing-rows files (rows)."""
