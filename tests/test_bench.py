"""`dsbench bench`: a corpus of penguins variants at increasing defect rates, against two standards.

The variants are built here (not by the injector): each blanks the cells and duplicates the rows whose
seeded random draw falls below its rate, so the defects of a lower rate are a subset of those of a
higher one and every rate is strictly worse than the one before. Real DuckDB, real files, real worker
processes; the CLI once through a subprocess.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import random
import re
import shutil
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from dsbench.corpus.bench import CorpusEntry, dataset_inputs, evaluate_corpus, load_corpus, pair_inputs
from dsbench.evaluation import engine_versions, evaluate
from dsbench.corpus.leaderboard import Row, leaderboard_rows, write_leaderboard
from dsbench.render.leaderboard import FILES, render_html, render_leaderboard, render_markdown
from dsbench.i18n import LABELS, t
from dsbench.scoring.standard import load_standard
from tests.conftest import DATASETS, run_cli

RATES = (0, 5, 10, 20)  # percent of cells blanked and of rows duplicated
STANDARDS = ("gbt-36344-2018", "tc609-5-2025-04")


def make_variant(target: Path, percent: int, seed: int = 8) -> Path:
    """A copy of datasets/penguins (manifest included) with ``percent`` % of cells blanked and about
    ``percent`` % of rows appended again."""
    shutil.copytree(DATASETS / "penguins", target)
    with open(DATASETS / "penguins" / "penguins.csv", newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    cells, copies = random.Random(seed), random.Random(seed + 1)
    rows = [["" if cells.random() < percent / 100 else value for value in row] for row in rows]
    rows += [row for row in rows if copies.random() < percent / 100]
    with open(target / "penguins.csv", "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *rows])
    return target


def name(percent: int) -> str:
    return f"penguins-{percent:02d}"


def bench(entries: list[CorpusEntry], standards, out: Path, jobs: int, leaderboard: bool = True, **options):
    """What `dsbench bench` does: evaluate, then write the leaderboard from every card (which only
    some tests need: its charts take a while)."""
    loaded = [load_standard(s) for s in standards]
    cards = evaluate_corpus(entries, loaded, out, jobs, **options)
    if leaderboard:
        write_leaderboard(out, leaderboard_rows(loaded, cards, cards.errors), loaded)
    return cards


def snapshot(out: Path) -> dict[str, tuple[int, int, bytes]]:
    """Inode, modification time and bytes of every file under cards/."""
    return {p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted((out / "cards").rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """corpus.yaml: the variants by name; plus penguins-copy, a plain directory equal to the 0 % one."""
    root = tmp_path_factory.mktemp("corpus")
    for percent in RATES:
        make_variant(root / "data" / f"r{percent:02d}", percent)
    shutil.copytree(root / "data" / "r00", root / "penguins-copy")
    listing = "".join(f"- name: {name(p)}\n  path: data/r{p:02d}\n" for p in RATES)
    (root / "corpus.yaml").write_text(listing, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def runs(corpus, tmp_path_factory) -> dict[str, Path]:
    """The same corpus evaluated serially (in this process) and by two worker processes."""
    entries = load_corpus([corpus / "corpus.yaml", corpus / "penguins-copy"])
    outputs = {}
    for label, jobs in (("serial", 1), ("parallel", 2)):
        outputs[label] = tmp_path_factory.mktemp(label) / "out"
        cards = bench(entries, STANDARDS, outputs[label], jobs)
        assert {s.status for s in cards.statuses.values()} == {"evaluated"}
    return outputs


def read_csv(out: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((out / "leaderboard.csv").read_text(encoding="utf-8"))))


def card(out: Path, dataset: str, standard: str) -> dict:
    return json.loads((out / "cards" / dataset / standard / "card.json").read_text(encoding="utf-8"))


# ----------------------------------------------------------------------------------------- ranking


@pytest.mark.parametrize("standard", STANDARDS)
def test_the_leaderboard_ranks_the_variants_in_order_of_defect_rate(runs, standard):
    rows = [r for r in read_csv(runs["parallel"]) if r["standard"] == standard]
    order = [r["dataset"] for r in rows]
    # the unchanged copy ties with the 0 % variant (same bytes): they share rank 1, the next is 3rd
    assert sorted(order[:2]) == ["penguins-00", "penguins-copy"]
    assert order[2:] == [name(p) for p in RATES[1:]]
    assert [r["rank"] for r in rows] == ["1", "1", "3", "4", "5"]
    scores = [float(r["score"]) for r in rows]
    assert scores[0] == scores[1] and all(a > b for a, b in zip(scores[1:], scores[2:]))


class _Cells(HTMLParser):
    """The text of every table cell, row by row, and the headings, in page order."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list = []
        self._text: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.items.append([])
        elif tag in ("td", "th", "h2"):
            self._text = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._text is not None:
            self.items[-1].append("".join(self._text).strip())
        elif tag == "h2" and self._text is not None:
            self.items.append("".join(self._text).strip())
        if tag in ("td", "th", "h2"):
            self._text = None

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)


def _tables(items: list) -> dict[str, list[list[str]]]:
    """Heading (the standard id before ':') -> its table's body rows."""
    tables: dict[str, list[list[str]]] = {}
    current = None
    for item in items:
        if isinstance(item, str):
            current = tables.setdefault(item.split(":")[0], [])
        elif item and item[0] != "rank":
            current.append(item)
    return tables


def test_csv_markdown_and_html_agree_with_the_cards(runs):
    out = runs["serial"]
    standards = {s: load_standard(s) for s in STANDARDS}
    rows = read_csv(out)
    assert len(rows) == 2 * (len(RATES) + 1)
    for row in rows:
        document = card(out, row["dataset"], row["standard"])
        assert float(row["score"]) == document["score"]
        assert row["grade"] == (document["grade"] or "")
        assert row["passed"] == str(document["passed"]).lower()
        for dimension in document["dimensions"]:
            cell = row[f"{dimension['id']}_score"]
            assert (float(cell) if cell else None) == dimension["score"]
        assert row["error"] == ""

    markdown: dict[str, list[list[str]]] = {}
    for line in (out / "leaderboard.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            current = markdown.setdefault(line[3:].split(":")[0], [])
        elif line.startswith("| ") and not line.startswith(("| rank", "| ---")):
            current.append([cell.strip() for cell in line.strip("|").split("|")])
    parser = _Cells()
    parser.feed((out / "leaderboard.html").read_text(encoding="utf-8"))
    html = _tables(parser.items)
    for table in (markdown, html):
        assert set(table) == set(STANDARDS)
        for standard, body in table.items():
            expected = [r for r in rows if r["standard"] == standard]
            assert [cells[1] for cells in body] == [r["dataset"] for r in expected]
            for cells, row in zip(body, expected):
                document = card(out, row["dataset"], standard)
                dimensions = [f"{d['score']:.2f}" if d["score"] is not None else "" for d in document["dimensions"]]
                assert cells[:5] == [row["rank"], row["dataset"], f"{document['score']:.2f}",
                                     document["grade"] or "", "yes" if document["passed"] else "no"]
                assert cells[5:5 + len(standards[standard].dimensions)] == dimensions


def test_a_score_just_below_a_grade_band_is_not_rounded_up_to_it():
    standard = load_standard("gbt-36344-2018")  # A from 95
    rows = [Row(standard.id, "near", 1, 94.9996, "B", True, {}), Row(standard.id, "plain", 2, 93.4567, "B", True, {})]
    table = render_markdown(rows, [standard])
    assert "| near | 94.9996 |" in table and "95.00" not in table
    assert "| plain | 93.46 |" in table


def test_the_html_page_is_self_contained_with_two_charts_per_standard(runs):
    page = (runs["serial"] / "leaderboard.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 2 * len(STANDARDS)
    assert "<script" not in page and "src=" not in page and 'href="http' not in page
    assert "Charts need matplotlib" not in page


def test_without_matplotlib_the_page_says_so_instead_of_charts(runs, monkeypatch):
    standards = [load_standard(s) for s in STANDARDS]
    cards = {(p.parent.parent.name, p.parent.name): p for p in (runs["serial"] / "cards").rglob("card.json")}
    rows = leaderboard_rows(standards, cards, {})
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` raises ImportError
    page = render_html(rows, standards)
    assert "<svg" not in page and page.count("Charts need matplotlib") == len(STANDARDS)


def test_worker_processes_and_one_process_write_the_same_bytes(runs):
    for filename in FILES:
        assert (runs["serial"] / filename).read_bytes() == (runs["parallel"] / filename).read_bytes(), filename
    serial, parallel = snapshot(runs["serial"]), snapshot(runs["parallel"])
    assert serial.keys() == parallel.keys() and len(serial) == 2 * 2 * (len(RATES) + 1)
    assert all(serial[path][2] == parallel[path][2] for path in serial)


def test_each_card_is_the_card_evaluate_gives(runs, corpus):
    """The suites ran once per dataset for both standards; each card is still evaluate()'s own."""
    for standard in STANDARDS:
        fresh = evaluate(str(corpus / "data" / "r10"), standard).to_json()
        assert fresh == (runs["parallel"] / "cards" / name(10) / standard / "card.json").read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------ resumability


@pytest.fixture
def resumable(runs, corpus, tmp_path) -> tuple[list[CorpusEntry], Path]:
    """Three of the datasets and their cards, copied elsewhere: a run there has everything done."""
    listing = ""
    for percent in (0, 10, 20):
        shutil.copytree(corpus / "data" / f"r{percent:02d}", tmp_path / "data" / f"r{percent:02d}")
        listing += f"- {{name: {name(percent)}, path: data/r{percent:02d}}}\n"
        shutil.copytree(runs["serial"] / "cards" / name(percent), tmp_path / "out" / "cards" / name(percent))
    (tmp_path / "corpus.yml").write_text(listing, encoding="utf-8")
    return load_corpus([tmp_path / "corpus.yml"]), tmp_path / "out"


def statuses(cards) -> dict[tuple[str, str], str]:
    return {key: state.status for key, state in cards.statuses.items()}


def test_a_second_run_evaluates_nothing(resumable):
    entries, out = resumable
    before = snapshot(out)
    cards = bench(entries, STANDARDS, out, jobs=2)
    assert set(statuses(cards).values()) == {"skipped"} and len(cards) == 6
    assert snapshot(out) == before  # not one card or inputs file was rewritten (same inode and mtime)
    assert [r["dataset"] for r in read_csv(out)][:3] == [name(0), name(10), name(20)]


def test_a_changed_data_file_re_evaluates_that_dataset_only(resumable):
    entries, out = resumable
    before = snapshot(out)
    data = out.parent / "data" / "r10" / "penguins.csv"
    data.write_text(data.read_text(encoding="utf-8").replace("39.1", "", 1), encoding="utf-8")
    cards = bench(entries, STANDARDS, out, jobs=1, leaderboard=False)
    assert {key for key, status in statuses(cards).items() if status == "evaluated"} == \
        {(name(10), s) for s in STANDARDS}
    after = snapshot(out)
    changed = {path for path in before if after[path][:2] != before[path][:2]}
    assert changed == {f"cards/{name(10)}/{s}/{f}" for s in STANDARDS for f in ("card.json", "inputs.json")}
    earlier = json.loads(before[f"cards/{name(10)}/{STANDARDS[0]}/card.json"][2])
    assert card(out, name(10), STANDARDS[0])["score"] < earlier["score"]  # one more value missing


def test_a_changed_standard_re_evaluates_its_cards_only(resumable, tmp_path):
    entries, out = resumable
    text = load_standard(STANDARDS[0]).path
    edited = tmp_path / "gbt-edited.yaml"  # the same id, one weight changed: a new revision
    edited.write_text(Path(text).read_text(encoding="utf-8").replace("weight: 1\n", "weight: 2\n", 1),
                      encoding="utf-8")
    assert load_standard(edited).digest != load_standard(STANDARDS[0]).digest
    cards = bench(entries, [edited, STANDARDS[1]], out, jobs=1, leaderboard=False)
    assert {s for (_, s), status in statuses(cards).items() if status == "evaluated"} == {STANDARDS[0]}
    assert {s for (_, s), status in statuses(cards).items() if status == "skipped"} == {STANDARDS[1]}


@pytest.mark.parametrize("damage", ["card edited", "inputs missing", "other duckdb version", "other options"])
def test_a_card_not_recorded_as_made_from_these_inputs_is_re_evaluated(resumable, damage):
    entries, out = resumable
    pair = out / "cards" / name(0) / STANDARDS[0]
    original = (pair / "card.json").read_bytes()
    inputs = json.loads((pair / "inputs.json").read_text(encoding="utf-8"))
    if damage == "card edited":
        (pair / "card.json").write_text(original.decode().replace('"score": 99.', '"score": 98.', 1), encoding="utf-8")
        assert (pair / "card.json").read_bytes() != original
    elif damage == "inputs missing":
        (pair / "inputs.json").unlink()
    elif damage == "other duckdb version":
        inputs["inputs"]["versions"]["duckdb"] = "1.0.0"
        (pair / "inputs.json").write_text(json.dumps(inputs), encoding="utf-8")
    else:
        inputs["inputs"]["options"]["missing_values"] = ["", "NA"]
        (pair / "inputs.json").write_text(json.dumps(inputs), encoding="utf-8")
    cards = bench(entries, STANDARDS, out, jobs=1, leaderboard=False)
    assert {key for key, status in statuses(cards).items() if status == "evaluated"} == {(name(0), STANDARDS[0])}
    assert (pair / "card.json").read_bytes() == original


def test_force_re_evaluates_everything_to_the_same_bytes(resumable):
    entries, out = resumable
    before = snapshot(out)
    cards = bench(entries, STANDARDS, out, jobs=1, leaderboard=False, force=True)
    assert set(statuses(cards).values()) == {"evaluated"}
    after = snapshot(out)
    assert all(after[p][0] != before[p][0] and after[p][2] == before[p][2] for p in before)


def test_inputs_record_every_file_the_manifest_the_options_the_standard_and_the_versions(corpus, tmp_path):
    data = make_variant(tmp_path / "data", 5)
    (tmp_path / "list.yaml").write_text(
        "- name: as-file\n  path: data/penguins.csv\n  manifest: data/datapackage.json\n"
        "  encoding: utf-8\n  missing_values: ['', NA, '-']\n", encoding="utf-8")
    [entry] = load_corpus([tmp_path / "list.yaml"])
    assert entry == CorpusEntry("as-file", str(tmp_path / "data/penguins.csv"), "utf-8", ("", "NA", "-"),
                                tmp_path / "data/datapackage.json")
    standard = load_standard(STANDARDS[0])
    inputs = pair_inputs(dataset_inputs(entry), standard, engine_versions())
    def sha256(path: Path) -> str:
        return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()

    assert inputs["files"] == {"penguins.csv": sha256(data / "penguins.csv")} and inputs["data"] == "penguins.csv"
    assert inputs["manifest"] == {"name": "datapackage.json", "sha256": sha256(data / "datapackage.json")}
    assert inputs["options"] == {"encoding": "utf-8", "missing_values": ["", "NA", "-"]}
    assert inputs["standard"] == {"id": standard.id, "digest": standard.digest}
    assert set(inputs["versions"]) == {"dsbench", "duckdb", "pyarrow"}
    cards = bench([entry], [standard], tmp_path / "out", jobs=1, leaderboard=False)
    document = json.loads(cards[("as-file", standard.id)].read_text(encoding="utf-8"))
    assert document["options"]["missing_values"] == ["", "NA", "-"] and document["manifest_digest"] is not None
    recorded = json.loads((cards[("as-file", standard.id)].parent / "inputs.json").read_text(encoding="utf-8"))
    assert recorded == {"card_digest": document["digest"], "inputs": inputs}


def test_an_output_directory_inside_a_dataset_does_not_change_its_inputs(tmp_path):
    data = make_variant(tmp_path / "penguins-05", 5)
    [entry] = load_corpus([data])
    bench([entry], [STANDARDS[0]], data / "bench", jobs=1)  # the leaderboard too: files beside cards/
    again = bench([entry], [STANDARDS[0]], data / "bench", jobs=1, leaderboard=False)
    assert statuses(again) == {("penguins-05", STANDARDS[0]): "skipped"}


# ------------------------------------------------------------------------------------ failures, CLI


def test_a_broken_dataset_is_an_error_row_and_exit_1_while_the_others_are_scored(corpus, tmp_path):
    make_variant(tmp_path / "good", 5)
    make_variant(tmp_path / "broken", 5)
    (tmp_path / "broken" / "penguins.csv").unlink()  # the manifest names a file that is not there
    out = tmp_path / "out"
    done = run_cli("bench", tmp_path / "good", tmp_path / "broken", "--standard", STANDARDS[0],
                   "--standard", STANDARDS[1], "-o", out, "--jobs", "2")
    assert done.code == 1, done.err
    lines = done.err.splitlines()
    assert len(lines) == 4 and all(line.startswith(("[1/4] ", "[2/4] ", "[3/4] ", "[4/4] ")) for line in lines)
    assert sum("broken × " in line and ": error: " in line and "does not exist" in line for line in lines) == 2
    assert sum(line.endswith(": evaluated") and "good × " in line for line in lines) == 2
    assert "2 evaluated, 0 skipped (up to date), 2 failed" in done.out
    rows = read_csv(out)
    assert [(r["dataset"], r["rank"]) for r in rows] == [("good", "1"), ("broken", "")] * 2
    broken = [r for r in rows if r["dataset"] == "broken"]
    assert all("resource file" in r["error"] and "\n" not in r["error"] and r["score"] == "" for r in broken)
    assert not (out / "cards" / "broken").exists()
    assert "does not exist" in (out / "leaderboard.md").read_text(encoding="utf-8")
    assert '<tr class="error">' in (out / "leaderboard.html").read_text(encoding="utf-8")


def test_data_changed_during_the_run_writes_no_card(tmp_path):
    from dsbench.corpus.bench import DatasetTask, evaluate_task

    data = make_variant(tmp_path / "penguins-00", 0)
    [entry] = load_corpus([data])
    standard = load_standard(STANDARDS[0])
    inputs = pair_inputs(dataset_inputs(entry), standard, engine_versions())
    text = (data / "penguins.csv").read_text(encoding="utf-8")
    (data / "penguins.csv").write_text(text + text.splitlines()[1] + "\n", encoding="utf-8")  # one duplicate
    task = evaluate_task(DatasetTask(entry, [standard], [inputs], [tmp_path / "out"], 1, None, None))
    assert task.outcomes == ["the data changed while it was evaluated (penguins.csv); run again"]
    assert not (tmp_path / "out").exists()


BAD_CORPORA = {
    "missing path": ([], "no such file or directory"),
    "not a list": ("datasets: [data]\n", "a corpus list is a non-empty YAML list"),
    "empty list": ("[]\n", "a corpus list is a non-empty YAML list"),
    "invalid YAML": ("- path: [data\n", "invalid YAML"),
    "unknown key": ("- path: data\n  nmae: x\n", "[0].nmae"),
    "wrong type": ("- path: data\n  name: 7\n", "[0].name"),
    "missing entry path": ("- path: nowhere\n", "[0].path: no such file or directory"),
    "duplicate names": ("- data\n- name: Data\n  path: data\n", "two datasets are named 'Data'"),
    "name with a slash": ("- path: data\n  name: a/b\n", "cannot name a dataset"),
    "hidden name": ("- path: data\n  name: .cards\n", "cannot name a dataset"),
    "unknown encoding": ("- path: data\n  encoding: klingon\n", "unknown encoding 'klingon'"),
    "missing manifest": ("- path: data\n  manifest: nowhere.json\n", "no such manifest"),
    "unknown standard": ("- data\n", "no standard file or standard id 'gbt'"),
    "one standard twice": ("- data\n", "two standards have the id"),
    "output is a file": ("- data\n", "the output exists and is not a directory"),
    "output is a dataset": ("- data\n", "the output directory is the directory of dataset 'data'"),
}


@pytest.mark.parametrize("case", BAD_CORPORA)
def test_a_bad_corpus_standard_or_output_exits_2_with_one_line_and_writes_nothing(case, tmp_path, capsys):
    from dsbench.cli.app import main

    listing, expected = BAD_CORPORA[case]
    make_variant(tmp_path / "data", 0)
    items = [tmp_path / "nowhere"] if case == "missing path" else [tmp_path / "corpus.yaml"]
    if listing:
        (tmp_path / "corpus.yaml").write_text(listing, encoding="utf-8")
    standards = {"unknown standard": ["gbt"],
                 "one standard twice": [STANDARDS[0], STANDARDS[0]]}.get(case, [STANDARDS[0]])
    out = tmp_path / ("data" if case == "output is a dataset" else "out")
    if case == "output is a file":
        out.write_text("mine", encoding="utf-8")
    before = sorted((p.relative_to(tmp_path), p.stat().st_mtime_ns) for p in tmp_path.rglob("*"))
    with pytest.raises(SystemExit) as exit_:
        main(["bench", *map(str, items), *(a for s in standards for a in ("--standard", s)), "-o", str(out)])
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert err.count("\n") == 1 and err.startswith("dsbench: error: ") and expected in err, err
    assert sorted((p.relative_to(tmp_path), p.stat().st_mtime_ns) for p in tmp_path.rglob("*")) == before


# ------------------------------------------------------------------------------------------ languages

def _english_words() -> set[str]:
    """Every word of the English vocabulary."""
    return {word.lower() for entry in LABELS.values() for word in re.findall(r"[A-Za-z]{2,}", entry["en"])}


def test_every_word_of_the_vocabulary_has_both_languages_with_the_same_placeholders():
    for key, entry in LABELS.items():
        assert set(entry) == {"en", "zh"} and entry["en"] and entry["zh"], key
        assert set(re.findall(r"\{(\w+)\}", entry["en"])) == set(re.findall(r"\{(\w+)\}", entry["zh"])), key


def _markdown_tables(text: str) -> tuple[list[str], dict[str, list[list[str]]]]:
    """The heading lines and table header rows, and each standard's table body rows."""
    labels, bodies, current = [], {}, None
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("#"):
            labels.append(line)
            if line.startswith("## "):
                current = bodies.setdefault(line[3:].split(":")[0].split("：")[0], [])
        elif line.startswith("| ") and index + 1 < len(lines) and lines[index + 1].startswith("| ---"):
            labels.append(line)
        elif line.startswith("| ") and not line.startswith("| ---"):
            current.append([cell.strip() for cell in line.strip("|").split("|")])
    return labels, bodies


def test_in_chinese_the_leaderboard_words_come_from_the_vocabulary_and_the_numbers_stay(runs):
    out = runs["serial"]
    standards = [load_standard(s) for s in STANDARDS]
    cards = {(p.parent.parent.name, p.parent.name): p for p in (out / "cards").rglob("card.json")}
    rows = leaderboard_rows(standards, cards, {})
    english, chinese = render_leaderboard(rows, standards, "en"), render_leaderboard(rows, standards, "zh")
    assert english == {f: (out / f).read_text(encoding="utf-8") for f in FILES}  # en is the default
    assert chinese["leaderboard.csv"] == english["leaderboard.csv"]

    labels, zh_bodies = _markdown_tables(chinese["leaderboard.md"])
    columns = [t(f"col_{key}", "zh") for key in ("rank", "dataset", "score", "grade", "passed")]
    expected = [f"# {t('leaderboard', 'zh')}"]
    for standard in standards:
        heading = t("leaderboard_heading", "zh", id=standard.id, title=standard.title["zh"], version=standard.version)
        expected += [f"## {heading}",
                     "| " + " | ".join(columns + [f"{d.code} {d.name['zh']}" for d in standard.dimensions]) + " |"]
    assert labels == expected
    assert not _english_words() & {w.lower() for line in labels for w in re.findall(r"[A-Za-z]{2,}", line)}
    _, en_bodies = _markdown_tables(english["leaderboard.md"])
    yes_no = {"yes": t("yes", "zh"), "no": t("no", "zh")}
    assert set(zh_bodies) == set(en_bodies) == set(STANDARDS)
    for standard in STANDARDS:  # the same numbers; only the passed words differ
        assert zh_bodies[standard] == [[*cells[:4], yes_no[cells[4]], *cells[5:]] for cells in en_bodies[standard]]

    page = chinese["leaderboard.html"]
    assert '<html lang="zh-CN">' in page and f"<h1>{t('leaderboard', 'zh')}</h1>" in page
    parser = _Cells()
    parser.feed(page)
    html_labels = [item for item in parser.items if isinstance(item, str)]
    html_labels += [cell for item in parser.items if isinstance(item, list) and item[:1] == [columns[0]]
                    for cell in item]
    assert not _english_words() & {w.lower() for text in html_labels for w in re.findall(r"[A-Za-z]{2,}", text)}
    english_parser = _Cells()
    english_parser.feed(english["leaderboard.html"])
    assert [item for item in parser.items if isinstance(item, list) and item[:1] != [columns[0]]] == \
        [[*item[:4], yes_no.get(item[4], item[4]), *item[5:]] for item in english_parser.items
         if isinstance(item, list) and item[:1] != ["rank"]]
    for caption in ("score_distribution", "dimension_spread"):
        assert page.count(f"<figcaption>{t(caption, 'zh')}</figcaption>") == len(STANDARDS)
    assert page.count('class="yes"') == english["leaderboard.html"].count('class="yes"') > 0


def test_the_language_of_the_leaderboard_does_not_touch_the_cards(resumable):
    entries, out = resumable
    bench(entries, STANDARDS, out, jobs=1)  # the English leaderboard of these three datasets
    english = {f: (out / f).read_bytes() for f in FILES}
    before = snapshot(out)
    done = run_cli("bench", out.parent / "corpus.yml", *(a for s in STANDARDS for a in ("--standard", s)),
                   "-o", out, "--lang", "zh", "--jobs", "1")
    assert done.code == 0, done.err
    assert "0 evaluated, 6 skipped (up to date), 0 failed" in done.out
    assert snapshot(out) == before
    assert (out / "leaderboard.csv").read_bytes() == english["leaderboard.csv"]
    markdown = (out / "leaderboard.md").read_text(encoding="utf-8")
    assert markdown.startswith(f"# {t('leaderboard', 'zh')}\n") and english["leaderboard.md"] != markdown.encode()


def test_a_bad_language_exits_2_with_one_line_before_any_work(tmp_path, capsys):
    from dsbench.cli.app import main

    make_variant(tmp_path / "data", 0)
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as exit_:
        main(["bench", str(tmp_path / "data"), "--standard", STANDARDS[0], "-o", str(out), "--lang", "fr"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert err.count("\n") == 1 and "--lang" in err and "'fr'" in err, err
    assert not out.exists()
