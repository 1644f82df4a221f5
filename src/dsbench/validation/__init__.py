"""Validation: a suite bound to a dataset, its metrics computed in shared scans, decided, with evidence (runner), the GX result formats (result_format) and row-level evidence (rows)."""
