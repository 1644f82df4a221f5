"""The ``dsbench`` command: a thin shell over the Python API (app), its shared options (options)
and one module per command group (run, catalog, cards, bench, calibrate, history, inject)."""
