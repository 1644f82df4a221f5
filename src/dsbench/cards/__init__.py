"""Score cards: the canonical, digested document (card), comparing cards (compare) and the quality gates of CI (gates)."""
