"""Outputs survive a crash: `evaluate` killed with SIGKILL at random moments leaves every output
file either as it was before or complete from the new run — never partial — and the temporary
files a killed writer leaves are removed by the next run."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import DATASETS, run_cli

KILLS = 8
SEED = 20261129


def evaluate(out: Path, lang: str) -> list[str]:
    return [sys.executable, "-m", "dsbench", "evaluate", str(DATASETS / "penguins"), "--standard",
            "tc609-5-2025-04", "--lang", lang, "-o", str(out)]


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in directory.iterdir() if p.is_file()}


def test_sigkill_leaves_previous_or_complete_outputs(tmp_path):
    out, reference = tmp_path / "out", tmp_path / "reference"
    assert run_cli(*evaluate(out, "en")[3:]).code in (0, 1)
    before = snapshot(out)
    started = time.perf_counter()
    assert run_cli(*evaluate(reference, "zh")[3:]).code in (0, 1)
    full_run = time.perf_counter() - started
    after = snapshot(reference)
    assert set(before) == set(after) and before != after  # the zh run changes the renderings

    rng = random.Random(SEED)
    for _ in range(KILLS):
        process = subprocess.Popen(evaluate(out, "zh"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, 1.1) * full_run)
        process.send_signal(signal.SIGKILL)
        process.wait()
        visible = {n: b for n, b in snapshot(out).items() if not n.startswith(".")}
        assert set(visible) == set(before)
        for name, content in visible.items():
            assert content in (before[name], after[name]), f"{name} is partial after a kill"
    # A complete run afterwards: the new outputs, and no temporary file left behind.
    assert run_cli(*evaluate(out, "zh")[3:]).code in (0, 1)
    assert snapshot(out) == after


def test_a_writer_killed_mid_write_leaves_the_old_file_and_a_temporary_the_next_write_removes(tmp_path):
    target = tmp_path / "card.json"
    target.write_text("previous")
    writer = subprocess.Popen([sys.executable, "-c", (
        "import sys; from dsbench.files import write_atomic; "
        "print('writing', flush=True); write_atomic(sys.argv[1], 'x' * 400_000_000)"), str(target)],
        stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline() == "writing\n"
    deadline = time.monotonic() + 30
    while not list(tmp_path.glob(".card.json.*.tmp")) and time.monotonic() < deadline:
        time.sleep(0.01)
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    leftovers = list(tmp_path.glob(".card.json.*.tmp"))
    assert target.read_text() == "previous" and len(leftovers) == 1  # killed while writing
    assert leftovers[0].name.startswith(f".card.json.{writer.pid}.")

    from dsbench.files import write_atomic

    write_atomic(target, "next")
    assert target.read_text() == "next" and not list(tmp_path.glob(".card.json.*.tmp"))
