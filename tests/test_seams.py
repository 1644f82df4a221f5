"""The seams every surface shares: the backend registry, the one options object (and what a card
records of it), and the all-or-none writing of a card directory."""

from __future__ import annotations

import json
from importlib.metadata import entry_points
from pathlib import Path

import pytest

import dsbench
from dsbench.backends import BUILT_IN, ENTRY_POINT_GROUP, backend, engines, load_dataset
from dsbench.backends.duckdb import DuckDBBackend
from dsbench.data.dataset import LoadOptions
from dsbench.errors import DsbenchError
from dsbench.evaluation import EvaluationOptions
from dsbench.files import write_files
from dsbench.store.directory import CARD_FILE, write_card

PENGUINS = Path(__file__).resolve().parent.parent / "datasets" / "penguins"


# -- the registry ------------------------------------------------------------------------------------

def test_duckdb_is_registered_through_the_entry_point_group_like_a_plugin():
    installed = {point.name: point.value for point in entry_points(group=ENTRY_POINT_GROUP)}
    assert installed.get("duckdb") == BUILT_IN["duckdb"] == "dsbench.backends.duckdb:DuckDBBackend"
    assert "duckdb" in engines() and isinstance(backend("duckdb"), DuckDBBackend)


def test_an_unknown_engine_is_a_one_line_error_naming_the_installed_ones():
    with pytest.raises(DsbenchError) as raised:
        load_dataset(PENGUINS, engine="nosuchengine")
    assert str(raised.value) == f"engine: unknown engine 'nosuchengine' (installed: {', '.join(engines())})"


def test_a_dataset_opened_through_the_registry_runs_on_its_engine():
    with load_dataset(PENGUINS) as dataset:
        assert dataset.engine == "duckdb"
        assert dataset.session.dialect is dataset.dialect is backend("duckdb").dialect
        versions = backend(dataset.engine).versions()
    assert set(versions) == {"duckdb", "pyarrow"} and all(versions.values())


# -- one options object --------------------------------------------------------------------------------

def test_options_route_reading_names_to_the_reading_options_and_refuse_unknown_names():
    options = EvaluationOptions.of(LoadOptions(encoding="gbk"), threads=2, generate=False, timeout=None)
    assert options.reading.encoding == "gbk" and options.reading.threads == 2
    assert options.generate is False and options.reading.timeout is None
    with pytest.raises(TypeError, match="threds"):
        EvaluationOptions().given(threds=2)
    with pytest.raises(TypeError):
        dsbench.evaluate(PENGUINS, "gbt-36344-2018", full_evidense=True)


def test_a_card_records_its_options_and_evaluating_it_again_from_them_gives_the_same_card():
    given = EvaluationOptions(reading=LoadOptions(missing_values=["NA"], sample_size=-1), full_evidence=True)
    card = dsbench.evaluate(PENGUINS, "gbt-36344-2018", options=given)
    recorded = card.document["options"]
    assert recorded["missing_values"] == ["NA"] and recorded["reader"]["sample_size"] == -1
    assert recorded["full_evidence"] is True and recorded["generated_suites"] is True
    rebuilt = EvaluationOptions.from_record(recorded)
    assert rebuilt.record() == given.record()
    again = dsbench.evaluate(PENGUINS, "gbt-36344-2018", options=rebuilt)
    assert again.to_json() == card.to_json()
    # the keyword arguments of before give the same card as the options object
    assert dsbench.evaluate(PENGUINS, "gbt-36344-2018", missing_values=["NA"], sample_size=-1,
                            full_evidence=True).to_json() == card.to_json()


# -- a card directory, all or none -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def card():
    return dsbench.evaluate(PENGUINS, "tc609-5-2025-04")


def test_a_card_is_written_with_its_renderings_and_the_files_beside_it(card, tmp_path):
    written = write_card(card, tmp_path / "out", ["md", "badge"], beside={"inputs.json": "{}\n"})
    assert [p.name for p in written] == [CARD_FILE, "card.md", "badge.svg", "inputs.json"]
    assert json.loads((tmp_path / "out" / CARD_FILE).read_text())["digest"] == card.digest
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.endswith(".tmp")]


def test_a_rendering_that_fails_leaves_the_directory_as_it_was(card, tmp_path, monkeypatch):
    from dsbench.render import markdown

    (tmp_path / CARD_FILE).write_text("old card\n")

    def broken(*args, **kwargs):
        raise RuntimeError("renderer broke")

    monkeypatch.setattr(markdown, "render", broken)
    with pytest.raises(RuntimeError, match="renderer broke"):
        write_card(card, tmp_path, ["html", "md"])
    assert sorted(p.name for p in tmp_path.iterdir()) == [CARD_FILE]
    assert (tmp_path / CARD_FILE).read_text() == "old card\n"


def test_a_file_that_cannot_be_staged_stops_the_write_before_any_target_is_replaced(tmp_path):
    (tmp_path / "a.txt").write_text("old\n")
    (tmp_path / "plain").write_text("a file, not a directory\n")
    with pytest.raises(DsbenchError, match="cannot write output"):
        write_files({tmp_path / "a.txt": "new\n", tmp_path / "plain" / "b.txt": "new\n"})
    assert (tmp_path / "a.txt").read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "plain"]  # no temporary left


def test_a_rename_that_fails_leaves_no_temporary_behind(tmp_path):
    """Renames come last and in order: one that fails (the target became a directory) keeps those
    before it, and removes every staged file."""
    (tmp_path / "b.txt").mkdir()
    (tmp_path / "a.txt").write_text("old\n")
    with pytest.raises(OSError):
        write_files({tmp_path / "a.txt": "new\n", tmp_path / "b.txt": "new\n"})
    assert (tmp_path / "a.txt").read_text() == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]
