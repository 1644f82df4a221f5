"""Backends: the engines that run a plan. Each is found through the entry-point group ``dsbench.backends``; DuckDB is registered through the same door."""
