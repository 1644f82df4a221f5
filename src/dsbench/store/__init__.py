"""What dsbench keeps between runs: a card directory with its renderings (directory), the runs database (runs) and the history bands drawn from it (history)."""
