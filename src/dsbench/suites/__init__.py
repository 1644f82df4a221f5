"""Suites: the model with GX import/export (model), the generated suites (generated, from_data,
from_manifest, documentation) and the one-pass profile they start from (profile)."""
