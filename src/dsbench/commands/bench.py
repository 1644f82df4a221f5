"""(being written)"""

from __future__ import annotations

from typer import Typer


def register(app: Typer) -> None:
    """Add this module's command to ``app``."""
