"""Score cards: the canonical, digested document (card), comparing cards (compare) and the
failing-rows links a card carries (failing_rows)."""
