"""Commands for standards bodies and publishers over many datasets or many runs (bench, calibrate,
history, inject). Each module defines ``register(app)``, which adds its command to the ``dsbench``
app; a module imports nothing heavy at import time, so ``dsbench --version`` stays fast."""

from __future__ import annotations

from typer import Typer


def register_all(app: Typer) -> None:
    from dsbench.cli import bench, calibrate, history, inject

    for module in (bench, calibrate, history, inject):
        module.register(app)
