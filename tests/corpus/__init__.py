"""The bad-input corpus: see README.md and generate.py."""
