"""The bad-input corpus: hostile, broken and merely low-quality inputs for every dsbench command.

Each case is a directory holding its input files and ``case.json``::

    {"name": ..., "description": ..., "argv": [...], "expect": "scored" | "refused", ...}

``argv`` are ``dsbench`` arguments with paths relative to the case directory (run it from there).
``expect``: ``scored`` — the input is merely of low quality (or odd but valid): dsbench exits 0 or 1
and writes complete, valid output; ``refused`` — the input is broken or hostile: dsbench exits 2
with ONE line on stderr naming ``names`` (the offending file) and, when given, ``location`` (the
field), and writes nothing. Extra keys: ``category``, ``names``, ``location``, ``output`` (the
``-o`` target), ``output_kind`` (validation | card | render | none), ``formats`` (renderings
expected beside card.json), ``results`` (the number of expectation results a validation holds).

The corpus is deterministic: every random choice comes from a generator seeded with SEED and the
case's name. Big inputs (a 5 MB value, 10,000 columns, a 1.1 MB CSV) are built only when written.

    python tests/corpus/generate.py DIR      # write the corpus into DIR (must be empty or absent)
"""

from __future__ import annotations

import codecs
import copy
import functools
import io
import json
import random
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Union

import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.parquet as pq
import yaml

SEED = 36344
ROOT = Path(__file__).resolve().parents[2]
STANDARD = "gbt-36344-2018"
ALL_FORMATS = ["html", "md", "junit", "badge", "dqv"]

Content = Union[bytes, str, None, Callable[[], Union[bytes, str]]]


@dataclass
class Case:
    name: str
    category: str
    description: str
    argv: list[str]
    expect: str  # "scored" | "refused"
    files: dict[str, Content] = field(default_factory=dict, repr=False)  # "dir/" -> None: a directory
    names: str | None = None  # refused: the file the one-line error names
    location: str | None = None  # refused: the field path the error names
    output: str | None = None  # the -o target, relative to the case directory
    output_kind: str = "none"  # validation | card | render | none
    formats: list[str] = field(default_factory=list)
    results: int | None = None  # validation: number of expectation results
    code: int | None = None  # scored: the exact exit code, where it is part of the point
    forbidden: list[str] = field(default_factory=list)  # raw markup no HTML/Markdown/SVG rendering may hold
    directory: Path | None = field(default=None, repr=False)

    def document(self) -> dict[str, Any]:
        keys = ("name", "description", "argv", "expect", "category", "names", "location", "output",
                "output_kind", "formats", "results", "code", "forbidden")
        return {key: getattr(self, key) for key in keys}


# -- small building blocks ---------------------------------------------------------------------------

def rng_for(name: str) -> random.Random:
    return random.Random(f"{SEED}:{name}")


def parquet_bytes(table: pa.Table, **options: Any) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, **options)
    return sink.getvalue().to_pybytes()


def arrow_bytes(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    feather.write_feather(table, sink, compression="uncompressed")
    return sink.getvalue()


def suite_text(*expectations: dict[str, Any], name: str = "corpus", **top: Any) -> str:
    document = {"name": name, **top, "expectations": list(expectations)}
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def expect(kind: str, /, **kwargs: Any) -> dict[str, Any]:
    return {"type": kind, "kwargs": kwargs}


GOOD_TABLE = pa.table({"id": pa.array([1, 2, 3], pa.int64()),
                       "name": pa.array(["alpha", "beta", None], pa.string()),
                       "score": pa.array([1.5, None, 3.0], pa.float64())})
GOOD_SUITE = suite_text(
    expect("expect_column_values_to_not_be_null", column="id"),
    expect("expect_column_values_to_be_between", column="score", min_value=0, max_value=10),
    expect("expect_column_values_to_match_regex", column="name", regex="^[a-z]+$"),
    expect("expect_table_row_count_to_be_between", min_value=1))
# For data whose columns are unknown or odd: table-level checks only.
TABLE_SUITE = suite_text(
    expect("expect_table_row_count_to_be_between", min_value=0),
    expect("expect_table_column_count_to_be_between", min_value=1),
    expect("expect_table_records_to_not_be_all_null"),
    expect("expect_table_records_to_be_unique"))


@functools.lru_cache(maxsize=None)
def good_parquet() -> bytes:
    return parquet_bytes(GOOD_TABLE)


@functools.lru_cache(maxsize=None)
def shipped_standard() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "standards" / f"{STANDARD}.yaml").read_text(encoding="utf-8"))


def billion_laughs(top: str) -> str:
    """The classic: nine levels of nine aliases, 9**9 strings when expanded (plus ``top``)."""
    lines = ['l0: &l0 "lol"']
    for level in range(1, 10):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n" + top


def nested_json(depth: int, opener: str = "[", closer: str = "]", leaf: str = "1") -> str:
    if opener == "{":
        return '{"a":' * depth + leaf + "}" * depth
    return opener * depth + leaf + closer * depth


class Corpus:
    def __init__(self) -> None:
        self.cases: list[Case] = []

    def add(self, case: Case) -> Case:
        assert case.expect in ("scored", "refused"), case.name
        assert case.name not in {c.name for c in self.cases}, case.name
        if case.expect == "refused":
            assert case.names, case.name
        self.cases.append(case)
        return case

    # Shorthands for the commands --------------------------------------------------------------
    def validate(self, name: str, category: str, description: str, expect_: str, files: dict[str, Content],
                 data: str = "data.parquet", suite: str = "suite.yaml", *, names: str | None = None,
                 location: str | None = None, results: int | None = None, extra: tuple[str, ...] = ()) -> Case:
        files = dict(files)
        if data == "data.parquet" and "data.parquet" not in files:
            files["data.parquet"] = good_parquet
        if suite == "suite.yaml" and "suite.yaml" not in files:
            files["suite.yaml"] = GOOD_SUITE
        argv = ["validate", data, "--suite", suite, "-o", "out.json", *extra]
        return self.add(Case(name, category, description, argv, expect_, files, names, location,
                             "out.json", "validation", results=results))

    def evaluate(self, name: str, category: str, description: str, expect_: str, files: dict[str, Content],
                 data: str = "data.parquet", standard: str = STANDARD, *, names: str | None = None,
                 location: str | None = None, extra: tuple[str, ...] = (), formats: str = "none",
                 forbidden: tuple[str, ...] = ()) -> Case:
        files = dict(files)
        if data == "data.parquet" and "data.parquet" not in files:
            files["data.parquet"] = good_parquet
        argv = ["evaluate", data, "--standard", standard, "-o", "out", "--format", formats, *extra]
        rendered = {"none": [], "all": ALL_FORMATS}.get(formats, formats.split(","))
        return self.add(Case(name, category, description, argv, expect_, files, names, location,
                             "out", "card", list(rendered), forbidden=list(forbidden)))


# -- Parquet -------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def plain_parquet() -> tuple[bytes, int]:
    """A Parquet file whose int64 values are stored plainly (no dictionary, compression or
    statistics), and the offset of the first value: flipping a bit there changes a value, not the
    file's structure."""
    values = list(range(1_000_000, 1_000_064))
    data = parquet_bytes(pa.table({"v": pa.array(values, pa.int64())}), use_dictionary=False,
                         compression="NONE", write_statistics=False, data_page_version="1.0")
    start = data.index(struct.pack("<q", values[0]))
    assert data[start: start + 8 * len(values)] == b"".join(struct.pack("<q", v) for v in values)
    return data, start


def flip(data: bytes, bit: int) -> bytes:
    out = bytearray(data)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


PLAIN_SUITE = suite_text(
    expect("expect_column_values_to_not_be_null", column="v"),
    expect("expect_column_values_to_be_between", column="v", min_value=1_000_000, max_value=1_000_063),
    expect("expect_column_values_to_be_unique", column="v"),
    expect("expect_column_sum_to_be_between", column="v", min_value=0))


def parquet_cases(corpus: Corpus) -> None:
    base = good_parquet()
    size = len(base)
    rng = rng_for("parquet-truncated")
    offsets = sorted({1, 3, 4, 8, 12, size // 3, size // 2, size - 12, size - 8, size - 5, size - 4,
                      size - 1, *rng.sample(range(13, size - 13), 3)})
    for offset in offsets:
        corpus.validate(f"parquet-truncated-at-{offset:04d}", "parquet-truncated",
                        f"a {size}-byte Parquet file cut to its first {offset} bytes", "refused",
                        {"data.parquet": base[:offset]}, names="data.parquet")

    plain, start = plain_parquet()
    rng = rng_for("parquet-bitflip-values")
    for bit in sorted(rng.sample(range(start * 8, (start + 64 * 8) * 8), 5)):
        corpus.validate(f"parquet-bitflip-value-bit{bit}", "parquet-bitflip",
                        f"one bit flipped (bit {bit}) inside the plain-encoded values of a data page: "
                        "the file is intact, one value differs (low quality, scored)", "scored",
                        {"data.parquet": plain[:], "suite.yaml": PLAIN_SUITE}, results=4)
    n = len(plain)
    rng = rng_for("parquet-bitflip-structure")
    structural = [("tail-magic", n - 1 - rng.randrange(4)), ("tail-magic", n - 1 - rng.randrange(4)),
                  ("footer-length-high-byte", n - 5), ("footer-length-third-byte", n - 6)]
    used = set()
    for region, byte in structural:
        bit = byte * 8 + rng.randrange(8)
        if bit in used:
            continue
        used.add(bit)
        corpus.validate(f"parquet-bitflip-{region}-bit{bit}", "parquet-bitflip",
                        f"one bit flipped in the Parquet {region.replace('-', ' ')} (bit {bit})", "refused",
                        {"data.parquet": flip(plain, bit), "suite.yaml": PLAIN_SUITE}, names="data.parquet")
    # Seeded flips anywhere in the footer's Thrift metadata; what each does is pinned in FOOTER_FLIPS.
    footer_length = struct.unpack("<I", plain[-8:-4])[0]
    footer_start = n - 8 - footer_length
    rng = rng_for("parquet-bitflip-footer")
    for bit in sorted(rng.sample(range(footer_start * 8, (n - 8) * 8), 6)):
        outcome = FOOTER_FLIPS.get(bit - footer_start * 8, "refused")
        corpus.validate(f"parquet-bitflip-footer-bit{bit}", "parquet-bitflip",
                        f"one bit flipped in the Thrift footer metadata (bit {bit - footer_start * 8} of "
                        f"the footer): {FOOTER_NOTES.get(outcome)}", outcome,
                        {"data.parquet": flip(plain, bit), "suite.yaml": PLAIN_SUITE},
                        names="data.parquet", results=4 if outcome == "scored" else None)
    for bit in (3, 17):
        corpus.validate(f"parquet-bitflip-head-magic-bit{bit}", "parquet-bitflip",
                        "one bit flipped in the leading PAR1 magic (readers locate everything from the "
                        "footer)", HEAD_MAGIC_FLIP,
                        {"data.parquet": flip(plain, bit), "suite.yaml": PLAIN_SUITE},
                        names="data.parquet", results=4)

    # Snappy-compressed pages with damage inside them (the footer is intact).
    strings = pa.table({"s": [f"value-{i:05d}-" + "x" * (i % 17) for i in range(4000)]})
    snappy = parquet_bytes(strings, compression="snappy", use_dictionary=False)
    rng = rng_for("parquet-snappy")
    first_page = 4
    for index in range(2):
        cut = bytearray(snappy)
        offset = first_page + 64 + rng.randrange(len(snappy) // 2)
        for i in range(offset, offset + 256):
            cut[i] ^= 0xA5
        corpus.validate(f"parquet-damaged-snappy-page-{index}", "parquet-bitflip",
                        f"256 bytes XOR-ed at offset {offset} inside snappy-compressed data pages",
                        "refused", {"data.parquet": bytes(cut), "suite.yaml": suite_text(
                            expect("expect_column_value_lengths_to_be_between", column="s", min_value=1))},
                        names="data.parquet")
    corpus.validate("parquet-garbage-with-magic", "parquet-truncated",
                    "random bytes between two PAR1 magics", "refused",
                    {"data.parquet": lambda: b"PAR1" + rng_for("garbage-parquet").randbytes(2048) + b"PAR1"},
                    names="data.parquet")


# Pinned outcomes of footer bit flips (bit offset within the footer -> expectation), as observed
# with DuckDB 2.0: a flip in a field DuckDB does not need leaves the file readable.
FOOTER_FLIPS: dict[int, str] = {1008: "scored", 1455: "scored", 2401: "scored"}
FOOTER_NOTES = {"refused": "the metadata no longer decodes or contradicts the file",
                "scored": "the flipped field does not affect reading (a name, version or unused field)"}
HEAD_MAGIC_FLIP = "scored"


# -- CSV -----------------------------------------------------------------------------------------

CSV_SUITE = suite_text(
    expect("expect_table_row_count_to_be_between", min_value=0),
    expect("expect_column_to_exist", column="a"),
    expect("expect_column_values_to_not_be_null", column="a"))


def csv_cases(corpus: Corpus) -> None:
    v = corpus.validate
    ragged = {
        "short-row": "a,b,c\n1,2,3\n4,5\n6,7,8\n",
        "long-row": "a,b,c\n1,2,3\n4,5,6,7\n8,9,10\n",
        "last-row-short": "a,b,c\n1,2,3\n4,5,6\n7\n",
        "every-row-different": "a,b,c\n1\n1,2\n1,2,3\n1,2,3,4\n1,2,3,4,5\n",
        "header-shorter": "a,b\n1,2,3\n4,5,6\n",
        "unterminated-quote": 'a,b\n1,"open\n2,3\n',
    }
    for label, text in ragged.items():
        outcome, names = RAGGED.get(label, ("refused", "data.csv"))
        v(f"csv-ragged-{label}", "csv-ragged", f"CSV with ragged rows: {label.replace('-', ' ')}", outcome,
          {"data.csv": text, "suite.yaml": CSV_SUITE}, "data.csv", names=names,
          results=3 if outcome == "scored" else None)

    # Encodings and byte-order marks.
    body = "a,b\n1,中文\n2,naïve\n3,\n"
    encodings: dict[str, tuple[Callable[[], bytes], str, str]] = {
        "utf8-bom": (lambda: codecs.BOM_UTF8 + body.encode(), "scored", "UTF-8 with a BOM"),
        "utf16le-bom": (lambda: body.encode("utf-16"), "scored", "UTF-16 (little endian, BOM)"),
        "utf16be-bom": (lambda: codecs.BOM_UTF16_BE + body.encode("utf-16-be"), "scored", "UTF-16 big endian with BOM"),
        "gbk": (lambda: body.replace("ï", "i").encode("gbk"), "scored", "GBK without a BOM (detected as GB18030)"),
        "double-utf8-bom": (lambda: codecs.BOM_UTF8 * 2 + body.encode(), "scored",
                            "two UTF-8 BOMs: the second is part of the first column's name"),
        "bom-only": (lambda: codecs.BOM_UTF8, "refused", "a file holding only a UTF-8 BOM"),
        "utf16-bom-only": (lambda: codecs.BOM_UTF16_LE, "refused", "a file holding only a UTF-16 BOM"),
        "latin1-undetectable": (lambda: "a,b\n1,café,\n2,déjà vu\n".encode("latin-1"), "refused",
                                "Latin-1 bytes: neither UTF-8 nor GB18030"),
        "mixed-utf8-and-gbk": (lambda: "a,b\n1,中文\n".encode() + "2,中文\n".encode("gbk"), ENCODING_MIXED,
                               "UTF-8 rows followed by GBK rows in one file"),
        "utf16-odd-length": (lambda: body.encode("utf-16") + b"\x00", "refused",
                             "UTF-16 with a BOM and a dangling odd byte at the end"),
        "utf16le-no-bom": (lambda: body.encode("utf-16-le"), UTF16_NO_BOM,
                           "UTF-16 little endian without a BOM (NUL bytes between ASCII characters)"),
    }
    for label, (make, outcome, description) in encodings.items():
        suite = TABLE_SUITE if label == "double-utf8-bom" else CSV_SUITE
        v(f"csv-encoding-{label}", "csv-encoding", description, outcome,
          {"data.csv": make, "suite.yaml": suite}, "data.csv", names="data.csv",
          results=(4 if suite is TABLE_SUITE else 3) if outcome == "scored" else None)
    v("csv-encoding-invalid-utf8-after-first-mib", "csv-encoding",
      "valid UTF-8 for the first 1.1 MB (so detected as UTF-8), then one invalid byte", "refused",
      {"data.csv": lambda: b"a,b\n" + b"1,abcdefghij\n" * 90_000 + b"2,\xff\xfe\n",
       "suite.yaml": CSV_SUITE}, "data.csv", names="data.csv")
    v("csv-encoding-forced-latin1-on-utf8", "csv-encoding",
      "--encoding latin-1 on a UTF-8 file: mojibake, but every byte decodes (scored)", "scored",
      {"data.csv": body.encode(), "suite.yaml": CSV_SUITE}, "data.csv", results=3,
      extra=("--encoding", "latin-1"))
    v("csv-encoding-forced-utf16-on-utf8", "csv-encoding",
      "--encoding utf-16 on an odd-length UTF-8 file", "refused",
      {"data.csv": (body + "x").encode(), "suite.yaml": CSV_SUITE}, "data.csv", names="data.csv",
      extra=("--encoding", "utf-16"))
    v("csv-encoding-forced-shift-jis-on-gbk", "csv-encoding",
      "--encoding shift_jis on GBK bytes", ENCODING_SJIS,
      {"data.csv": "a,b\n1,中文字符串\n".encode("gbk"), "suite.yaml": CSV_SUITE}, "data.csv",
      names="data.csv", results=3, extra=("--encoding", "shift_jis"))

    # NUL bytes.
    nul = {
        "in-value": (b"a,b\n1,x\x00y\n2,z\n", NUL_IN_VALUE),
        "in-header": (b"a\x00,b\n1,2\n", NUL_IN_HEADER),
        "only-nuls": (b"\x00" * 4096, "refused"),
        "after-every-byte": (lambda: b"\x00".join(bytes([c]) for c in b"a,b\n1,2\n3,4\n"), NUL_EVERYWHERE),
    }
    for label, (content, outcome) in nul.items():
        suite = CSV_SUITE if label != "in-header" else TABLE_SUITE
        v(f"csv-nul-{label}", "csv-nul", f"NUL bytes {label.replace('-', ' ')}", outcome,
          {"data.csv": content, "suite.yaml": suite}, "data.csv", names="data.csv",
          results=(3 if suite is CSV_SUITE else 4) if outcome == "scored" else None)

    # Very long values and lines.
    long_suite = suite_text(
        expect("expect_column_value_lengths_to_be_between", column="b", min_value=1, max_value=100),
        expect("expect_column_values_to_not_be_null", column="a"),
        expect("expect_column_values_to_match_regex", column="b", regex="^x+$"))
    v("csv-long-value-5mb", "csv-long", "one 5 MB value in a three-row CSV", "scored",
      {"data.csv": lambda: "a,b\n1,short\n2," + "x" * 5_000_000 + "\n3,end\n", "suite.yaml": long_suite},
      "data.csv", results=3)
    v("csv-long-quoted-value-3mb-with-newlines", "csv-long",
      "a 3 MB quoted value spanning thousands of lines", "scored",
      {"data.csv": lambda: 'a,b\n1,"' + "y" * 1000 + ("\nyyyyyyyy" * 375_000) + '"\n2,z\n', "suite.yaml": long_suite},
      "data.csv", results=3)
    v("csv-long-line-no-newline-at-end", "csv-long", "a 4 MB last line without a trailing newline",
      "scored", {"data.csv": lambda: "a,b\n1,x\n2," + "x" * 4_000_000, "suite.yaml": long_suite},
      "data.csv", results=3)
    v("csv-wide-10000-columns", "csv-wide", "10,000 columns by 3 rows", "scored",
      {"data.csv": lambda: "\n".join([",".join(f"c{i}" for i in range(10_000))]
                                     + [",".join(str(r * i) for i in range(10_000)) for r in range(1, 4)]) + "\n",
       "suite.yaml": suite_text(expect("expect_table_column_count_to_equal", value=10_000),
                                expect("expect_column_values_to_be_between", column="c9999", min_value=0),
                                expect("expect_column_values_to_be_unique", column="c5000"),
                                expect("expect_table_row_count_to_equal", value=3))},
      "data.csv", results=4)
    v("csv-whitespace-only", "empty-file", "a CSV of three empty lines", "refused",
      {"data.csv": "\n\n\n", "suite.yaml": CSV_SUITE}, "data.csv", names="data.csv")
    corpus.add(Case("csv-utf16-files-with-one-name-in-a-glob", "csv-encoding",
                    "two UTF-16 files both named x.csv (in a/ and b/) read through one glob: each is "
                    "transcoded to its own copy (ids 1-4 all present and unique)",
                    ["validate", "parts/*/x.csv", "--suite", "suite.yaml", "-o", "out.json"], "scored",
                    {"parts/a/x.csv": "id,v\n1,甲\n2,乙\n".encode("utf-16"),
                     "parts/b/x.csv": "id,v\n3,丙\n4,丁\n".encode("utf-16"),
                     "suite.yaml": suite_text(expect("expect_column_values_to_be_unique", column="id"),
                                              expect("expect_table_row_count_to_equal", value=4),
                                              expect("expect_column_sum_to_be_between", column="id",
                                                     min_value=10, max_value=10))},
                    output="out.json", output_kind="validation", results=3, code=0))
    v("csv-tsv-with-commas", "csv-ragged", "a .tsv whose rows use commas: one column per line", "scored",
      {"data.tsv": "a,b\n1,2\n3,4\n", "suite.yaml": TABLE_SUITE}, "data.tsv", results=4)


# Pinned outcomes for inputs where DuckDB's reading decides (each is legitimate; see README).
# Ragged rows are padded with NULLs (a short row) or widen the table (a long row): scored.
RAGGED: dict[str, tuple[str, str]] = {label: ("scored", "data.csv") for label in (
    "short-row", "long-row", "last-row-short", "every-row-different", "header-shorter", "unterminated-quote")}
ENCODING_MIXED = "scored"  # GBK bytes after UTF-8 ones: the whole decodes as GB18030 (mojibake)
UTF16_NO_BOM = "refused"  # neither UTF-8 nor GB18030 without a BOM: --encoding utf-16 is needed
ENCODING_SJIS = "refused"  # GBK bytes are not valid Shift-JIS
NUL_IN_VALUE = "scored"
NUL_IN_HEADER = "refused"  # a column name with a NUL byte cannot be an SQL identifier
NUL_EVERYWHERE = "refused"


# -- column names --------------------------------------------------------------------------------

def column_name_cases(corpus: Corpus) -> None:
    v = corpus.validate
    tricky = {
        "unicode-cjk": ["编号", "名称"],
        "emoji": ["🐧 species", "💯"],
        "rtl-and-combining": ["\u05e9\u05dd", "e\u0301t\u0301e\u0301"],
        "zero-width-and-nbsp": ["a\u200bb", "\u00a0c"],
        "sql-quotes": ['a"b', "c'd; DROP TABLE t0; --"],
        "html-markup": ["<script>alert(1)</script>", "&amp;"],
        "whitespace": [" ", "  padded  "],
        "very-long": ["n" * 10_000, "m"],
    }
    for label, names in tricky.items():
        table = pa.table({names[0]: [1, 2, None], names[1]: ["x", "y", "z"]})
        suite = suite_text(expect("expect_column_values_to_not_be_null", column=names[0]),
                           expect("expect_column_value_lengths_to_be_between", column=names[1], min_value=1),
                           expect("expect_table_columns_to_match_set", column_set=names))
        v(f"colnames-parquet-{label}", "column-names", f"Parquet with column names: {label.replace('-', ' ')}",
          "scored", {"data.parquet": parquet_bytes(table), "suite.yaml": suite}, results=3)
    markup = pa.table({"<script>alert(1)</script>": [1, 2, None],
                       "| x `y` [z](javascript:alert(3)) <b>": ["<b>bold</b>", "&amp;", "<img src=x onerror=alert(2)>"]})
    corpus.evaluate("colnames-markup-evaluate-all-formats", "column-names",
                    "column names and values that are HTML and Markdown markup, scored and rendered in "
                    "every format: no rendering may carry them unescaped", "scored",
                    {"data.parquet": parquet_bytes(markup)}, formats="all",
                    forbidden=("<script>alert(1)</script>", "<img src=x onerror=alert(2)>", "<b>bold</b>"))
    v("colnames-csv-unicode", "column-names", "CSV header with CJK, emoji and combining characters", "scored",
      {"data.csv": "编号,🐧,e\u0301\n1,x,y\n2,,z\n", "suite.yaml": suite_text(
          expect("expect_column_values_to_not_be_null", column="编号"),
          expect("expect_column_values_to_not_be_null", column="🐧"),
          expect("expect_column_to_exist", column="e\u0301"))}, "data.csv", results=3)
    v("colnames-csv-duplicate", "column-names", "CSV header a,a,a", "scored",
      {"data.csv": "a,a,a\n1,2,3\n4,5,6\n", "suite.yaml": TABLE_SUITE}, "data.csv", results=4)
    v("colnames-csv-duplicate-differing-in-case", "column-names", "CSV header A,a", "scored",
      {"data.csv": "A,a\n1,2\n3,4\n", "suite.yaml": TABLE_SUITE}, "data.csv", results=4)
    v("colnames-csv-empty", "column-names", "CSV header with empty names: ,b,", "scored",
      {"data.csv": ",b,\n1,2,3\n4,5,6\n", "suite.yaml": TABLE_SUITE}, "data.csv", results=4)
    v("colnames-csv-all-empty", "column-names", "CSV header of empty names only", "scored",
      {"data.csv": ",,\n1,2,3\n", "suite.yaml": TABLE_SUITE}, "data.csv", results=4)
    v("colnames-csv-newline-in-quoted-name", "column-names", "a quoted header name containing a newline",
      "scored", {"data.csv": '"a\nb",c\n1,2\n', "suite.yaml": TABLE_SUITE}, "data.csv", results=4)
    dup = pa.Table.from_arrays([pa.array([1, 2]), pa.array([3, 4]), pa.array(["x", "y"])], names=["a", "a", "b"])
    v("colnames-parquet-duplicate", "column-names", "Parquet with two columns named a", PARQUET_DUPLICATE,
      {"data.parquet": parquet_bytes(dup), "suite.yaml": TABLE_SUITE}, names="data.parquet", results=4)
    case = pa.Table.from_arrays([pa.array([1, 2]), pa.array([3, 4])], names=["Id", "ID"])
    v("colnames-parquet-differing-in-case", "column-names", "Parquet with columns Id and ID",
      PARQUET_CASE_DUPLICATE, {"data.parquet": parquet_bytes(case), "suite.yaml": TABLE_SUITE},
      names="data.parquet", results=4)
    empty = pa.Table.from_arrays([pa.array([1, 2]), pa.array([3, 4])], names=["", "b"])
    v("colnames-parquet-empty-name", "column-names", "Parquet with a column named ''", "scored",
      {"data.parquet": parquet_bytes(empty), "suite.yaml": TABLE_SUITE}, results=4)
    v("colnames-suite-names-a-missing-unicode-column", "column-names",
      "the suite names a column that differs only by Unicode normalisation (NFC vs NFD)", "refused",
      {"data.parquet": parquet_bytes(pa.table({"é": [1]})),
       "suite.yaml": suite_text(expect("expect_column_values_to_not_be_null", column="e\u0301"))},
      names="suite.yaml", location="expectations[0].kwargs.column")


PARQUET_DUPLICATE = "scored"
PARQUET_CASE_DUPLICATE = "scored"


# -- empty files and zero-row tables -------------------------------------------------------------

def empty_cases(corpus: Corpus) -> None:
    v = corpus.validate
    for suffix in ("csv", "tsv", "parquet", "json", "jsonl", "arrow"):
        v(f"empty-data-{suffix}", "empty-file", f"an empty (0-byte) .{suffix} file", "refused",
          {f"data.{suffix}": b"", "suite.yaml": TABLE_SUITE}, f"data.{suffix}", names=f"data.{suffix}")
    v("empty-directory", "empty-file", "an empty directory as the dataset", "refused",
      {"dataset/": None, "suite.yaml": TABLE_SUITE}, "dataset", names="dataset")

    typed = pa.table({"id": pa.array([], pa.int64()), "name": pa.array([], pa.string()),
                      "when": pa.array([], pa.date32()), "score": pa.array([], pa.float64())})
    zero_suite = suite_text(
        expect("expect_column_values_to_not_be_null", column="id"),
        expect("expect_column_mean_to_be_between", column="score", min_value=0),
        expect("expect_column_values_to_be_unique", column="name"),
        expect("expect_column_quantile_values_to_be_between", column="score",
               quantile_ranges={"quantiles": [0.5], "value_ranges": [[0, 1]]}),
        expect("expect_table_row_count_to_be_between", min_value=0))
    v("zero-rows-parquet", "zero-rows", "a Parquet file with typed columns and no rows", "scored",
      {"data.parquet": parquet_bytes(typed), "suite.yaml": zero_suite}, results=5)
    zero_text_suite = suite_text(
        expect("expect_column_values_to_not_be_null", column="id"),
        expect("expect_column_values_to_be_unique", column="name"),
        expect("expect_column_values_to_match_regex", column="when", regex="^[0-9-]+$"),
        expect("expect_column_values_to_be_castable", column="score", type="number"),
        expect("expect_table_row_count_to_be_between", min_value=0))
    v("zero-rows-csv-header-only", "zero-rows", "a CSV with a header and no rows (every column text)",
      "scored", {"data.csv": "id,name,when,score\n", "suite.yaml": zero_text_suite}, "data.csv", results=5)
    v("zero-rows-csv-header-no-newline", "zero-rows", "a CSV header without a newline", "scored",
      {"data.csv": "id,name,when,score", "suite.yaml": zero_text_suite}, "data.csv", results=5)
    v("zero-rows-csv-numeric-check-on-text", "zero-rows",
      "a numeric check on a header-only CSV, whose columns are text: the suite does not fit", "refused",
      {"data.csv": "id,name,when,score\n", "suite.yaml": zero_suite}, "data.csv", names="suite.yaml",
      location="expectations[1].kwargs.column")
    v("zero-rows-arrow", "zero-rows", "an Arrow IPC file with no rows", "scored",
      {"data.arrow": arrow_bytes(typed), "suite.yaml": zero_suite}, "data.arrow", results=5)
    v("zero-rows-json-empty-array", "zero-rows", "a JSON file holding []: no rows and no columns",
      JSON_EMPTY_ARRAY, {"data.json": "[]", "suite.yaml": TABLE_SUITE}, "data.json", names="data.json",
      results=4)
    v("zero-rows-json-array-of-empty-objects", "zero-rows", "a JSON array of empty objects",
      JSON_EMPTY_OBJECTS, {"data.json": "[{}, {}, {}]", "suite.yaml": TABLE_SUITE}, "data.json",
      names="data.json", results=4)
    corpus.evaluate("zero-rows-parquet-evaluate", "zero-rows", "score a zero-row Parquet table", "scored",
                    {"data.parquet": parquet_bytes(typed)})
    corpus.evaluate("zero-rows-csv-evaluate", "zero-rows", "score a header-only CSV", "scored",
                    {"data.csv": "id,name,when,score\n"}, "data.csv")


JSON_EMPTY_ARRAY = "scored"  # DuckDB reads one JSON-typed column and no rows
JSON_EMPTY_OBJECTS = "scored"


# -- nulls, NaN, infinities, dates ------------------------------------------------------------------

def value_cases(corpus: Corpus) -> None:
    v = corpus.validate
    nulls = pa.table({"id": [1, 2, 3], "nothing": pa.array([None, None, None], pa.null()),
                      "n": pa.array([None, None, None], pa.int64()),
                      "s": pa.array([None, None, None], pa.string())})
    null_suite = suite_text(
        expect("expect_column_values_to_not_be_null", column="nothing"),
        expect("expect_column_values_to_be_null", column="n"),
        expect("expect_column_mean_to_be_between", column="n", min_value=0),
        expect("expect_column_values_to_match_regex", column="s", regex="^x$"),
        expect("expect_column_proportion_of_unique_values_to_be_between", column="s", min_value=0.5),
        expect("expect_column_most_common_value_to_be_in_set", column="n", value_set=[1]),
        expect("expect_table_records_to_be_complete"))
    v("all-null-parquet", "all-null", "Parquet with a null-typed column and all-null int and string columns",
      "scored", {"data.parquet": parquet_bytes(nulls), "suite.yaml": null_suite}, results=7)
    csv_null_suite = suite_text(
        expect("expect_column_values_to_not_be_null", column="nothing"),
        expect("expect_column_values_to_be_null", column="n"),
        expect("expect_column_values_to_match_regex", column="s", regex="^x$"),
        expect("expect_column_proportion_of_unique_values_to_be_between", column="s", min_value=0.5),
        expect("expect_column_values_to_be_castable", column="n", type="integer"),
        expect("expect_table_records_to_be_complete"))
    v("all-null-csv-column", "all-null", "CSV columns that are empty in every row", "scored",
      {"data.csv": "id,nothing,n,s\n1,,,\n2,,,\n3,,,\n", "suite.yaml": csv_null_suite}, "data.csv",
      results=6)
    v("all-null-csv-every-cell", "all-null", "a CSV whose every cell is empty", "scored",
      {"data.csv": "a,b\n,\n,\n", "suite.yaml": CSV_SUITE}, "data.csv", results=3)
    v("all-null-json", "all-null", "JSON records whose values are all null", "scored",
      {"data.json": '[{"a": null, "b": null}, {"a": null, "b": null}]', "suite.yaml": CSV_SUITE},
      "data.json", results=3)
    corpus.evaluate("all-null-parquet-evaluate", "all-null", "score a table with all-null columns", "scored",
                    {"data.parquet": parquet_bytes(nulls)})

    nan = float("nan")
    inf = float("inf")
    floats = pa.table({"x": pa.array([1.0, nan, inf, -inf, None, 2.5], pa.float64()),
                       "y": pa.array([nan] * 6, pa.float64()),
                       "z": pa.array([inf, inf, -inf, 0.0, 1.0, 2.0], pa.float32())})
    float_suite = suite_text(
        expect("expect_column_values_to_be_between", column="x", min_value=0, max_value=10),
        expect("expect_column_mean_to_be_between", column="x", min_value=0),
        expect("expect_column_stdev_to_be_between", column="y", max_value=1),
        expect("expect_column_sum_to_be_between", column="z", min_value=0),
        expect("expect_column_median_to_be_between", column="y", min_value=0),
        expect("expect_column_quantile_values_to_be_between", column="x",
               quantile_ranges={"quantiles": [0.25, 0.75], "value_ranges": [[0, 1], [1, 3]]}),
        expect("expect_column_value_z_scores_to_be_less_than", column="x", threshold=3),
        expect("expect_column_values_to_be_increasing", column="z"),
        expect("expect_column_unique_value_count_to_be_between", column="y", min_value=1))
    v("nan-inf-parquet", "nan-inf", "Parquet doubles and floats with NaN, +Inf and -Inf", "scored",
      {"data.parquet": parquet_bytes(floats), "suite.yaml": float_suite}, results=9)
    csv_float_suite = suite_text(*[e for e in yaml.safe_load(float_suite)["expectations"]
                                   if e["kwargs"]["column"] != "z"],
                                 expect("expect_column_values_to_not_be_null", column="z"))
    v("nan-inf-csv", "nan-inf", "CSV spellings of NaN and infinities (nan, NaN, inf, -Infinity)", "scored",
      {"data.csv": "x,y,z\n1,nan,inf\nNaN,NaN,-inf\ninf,nan,Infinity\n-Infinity,NaN,0\n,nan,1\n2.5,NaN,2\n",
       "suite.yaml": csv_float_suite}, "data.csv", results=8)
    v("nan-inf-bounds-in-suite", "nan-inf", "bounds .inf and -.inf in the suite itself", "scored",
      {"data.parquet": parquet_bytes(floats), "suite.yaml": "name: s\nexpectations:\n"
       "  - type: expect_column_values_to_be_between\n    kwargs: {column: x, min_value: -.inf, max_value: .inf}\n"
       "  - type: expect_column_max_to_be_between\n    kwargs: {column: z, max_value: .inf}\n"},
      results=2)
    corpus.evaluate("nan-inf-parquet-evaluate", "nan-inf",
                    "score a table of NaN and infinities (generated outlier bounds from NaN quartiles)",
                    "scored", {"data.parquet": parquet_bytes(floats)})
    corpus.evaluate("nan-inf-csv-evaluate-rendered", "nan-inf",
                    "score NaN/Inf CSV data and render every format", "scored",
                    {"data.csv": "x,y\n1,nan\ninf,NaN\n-inf,1\n"}, "data.csv", formats="md,junit,badge,dqv")

    date_suite = suite_text(
        expect("expect_column_values_to_be_castable", column="d", type="date"),
        expect("expect_column_values_to_be_dateutil_parseable", column="d"),
        expect("expect_column_values_to_match_strftime_format", column="d", strftime_format="%Y-%m-%d"),
        expect("expect_column_values_to_be_between", column="d", min_value="1900-01-01", max_value="2100-01-01"),
        expect("expect_column_values_to_be_recent", column="d", max_age="P30D", as_of="2024-03-01"),
        expect("expect_column_values_to_not_be_null", column="d"))
    dates = {
        "year-zero": "d\n0000-01-01\n2024-01-01\n",
        "max-date": "d\n9999-12-31\n2024-01-01\n",
        "february-30": "d\n2024-02-30\n2024-02-29\n2023-02-29\n",
        "year-10000-and-negative": "d\n10000-01-01\n-0001-01-01\n2024-01-01\n",
        "month-13-hour-25": "d\n2024-13-01\n2024-01-01 25:61:61\n2024-01-01\n",
        "mixed-formats": "d\n2024-01-01\n01/02/2024\n2024-W01\nyesterday\n1e10\n",
    }
    for label, text in dates.items():
        v(f"dates-csv-{label}", "dates", f"out-of-range dates in CSV: {label.replace('-', ' ')}", "scored",
          {"data.csv": text, "suite.yaml": date_suite}, "data.csv", results=6)
    extremes = pa.table({"d": pa.array([-2_147_483_648, 0, 2_147_483_647], pa.date32()),
                         "t": pa.array([-(2 ** 63) + 1, 0, 2 ** 63 - 1], pa.timestamp("us")),
                         "ms": pa.array([-(2 ** 63) + 1, 0, 2 ** 63 - 1], pa.timestamp("ms"))})
    extreme_suite = suite_text(
        expect("expect_column_values_to_be_between", column="d", min_value="1900-01-01"),
        expect("expect_column_max_to_be_between", column="t", max_value="2100-01-01"),
        expect("expect_column_min_to_be_between", column="ms", min_value="1900-01-01"),
        expect("expect_column_values_to_be_recent", column="t", max_age="30 days", as_of="2024-03-01"),
        expect("expect_column_values_to_be_increasing", column="d"))
    v("dates-parquet-extremes", "dates",
      "Parquet date32 and timestamp columns at the limits of their int32/int64 storage", PARQUET_EXTREME_DATES,
      {"data.parquet": parquet_bytes(extremes), "suite.yaml": extreme_suite}, names="data.parquet", results=5)
    corpus.evaluate("dates-csv-evaluate", "dates", "score a CSV of impossible dates", "scored",
                    {"data.csv": "d,n\n0000-01-01,1\n2024-02-30,2\n9999-12-31,3\n"}, "data.csv")


PARQUET_EXTREME_DATES = "scored"


# -- JSON data -----------------------------------------------------------------------------------

def json_cases(corpus: Corpus) -> None:
    v = corpus.validate
    mixed_suite = suite_text(
        expect("expect_column_values_to_not_be_null", column="a"),
        expect("expect_column_values_to_be_of_type", column="a", type_="BIGINT"),
        expect("expect_column_values_to_be_json_parseable", column="b"),
        expect("expect_table_row_count_to_be_between", min_value=1))
    cases: dict[str, tuple[Content, str, str, str, int | None]] = {
        # label: (content, suffix, expect, description, results)
        "deep-array-10000": (lambda: '[{"a": 1, "b": ' + nested_json(10_000) + "}]", "json", JSON_DEEP,
                             "a value nested 10,000 arrays deep", 4),
        "deep-object-10000": (lambda: '[{"a": 1, "b": ' + nested_json(10_000, "{") + "}]", "json", JSON_DEEP,
                              "a value nested 10,000 objects deep", 4),
        "deep-top-level-10000": (lambda: nested_json(10_000), "json", JSON_DEEP_TOP,
                                 "a top-level array nested 10,000 deep", 4),
        "deep-jsonl-10000": (lambda: '{"a": 1, "b": 2}\n{"a": 2, "b": ' + nested_json(10_000) + "}\n", "jsonl",
                             JSON_DEEP, "a JSON Lines record with a value nested 10,000 deep", 4),
        "mixed-types-array": ('[{"a": 1, "b": 1}, {"a": "two", "b": [1, 2]}, {"a": 3.5, "b": {"c": null}},'
                              ' {"a": true, "b": "x"}, {"a": null, "b": null}, {"a": [1], "b": 1e5}]', "json",
                              "scored", "values of six different JSON types in one field", 4),
        "mixed-types-jsonl": ('{"a": 1, "b": "x"}\n{"a": "1", "b": 2}\n{"a": {"k": 1}}\n{"b": [null]}\n', "jsonl",
                              "scored", "JSON Lines with changing types and missing keys", 4),
        "duplicate-keys": ('[{"a": 1, "a": 2, "b": 3}, {"a": 4, "b": 5}]', "json", JSON_DUPLICATE_KEYS,
                           "a record with the same key twice", 4),
        "huge-numbers": ('[{"a": 1, "b": 1e400}, {"a": 100000000000000000000000000000000000000000000000000, '
                         '"b": -1e400}]', "json", JSON_HUGE, "numbers beyond double and HUGEINT range", 4),
        "nan-literals": ('[{"a": 1, "b": NaN}, {"a": 2, "b": Infinity}]', "json", JSON_NAN,
                         "the non-standard NaN and Infinity literals", 4),
        "truncated": ('[{"a": 1, "b": 2}, {"a": 2, "b": ', "json", "refused", "a JSON array cut off", None),
        "top-level-scalar": ("42", "json", JSON_SCALAR, "a JSON file holding a single number", 4),
        "top-level-string": ('"just a string"', "json", JSON_SCALAR, "a JSON file holding a single string", 4),
        "top-level-object": ('{"a": 1, "b": 2}', "json", "scored", "a single JSON object: one row", 4),
        "utf8-bom": (lambda: codecs.BOM_UTF8 + b'[{"a": 1, "b": 2}]', "json", JSON_BOM, "JSON with a UTF-8 BOM", 4),
        "utf16": (lambda: '[{"a": 1, "b": 2}]'.encode("utf-16"), "json", "refused", "JSON encoded as UTF-16", None),
        "jsonl-blank-lines": ('\n{"a": 1, "b": 2}\n\n\n{"a": 2, "b": 3}\n\n', "jsonl", "scored",
                              "JSON Lines with blank lines between records", 4),
        "jsonl-broken-line": ('{"a": 1, "b": 2}\n{"a": 2, "b": \n{"a": 3, "b": 4}\n', "jsonl", "refused",
                              "JSON Lines with one broken record", None),
        "binary-garbage": (lambda: rng_for("json-garbage").randbytes(3000), "json", "refused",
                           "random bytes with a .json name", None),
    }
    for label, (content, suffix, outcome, description, results) in cases.items():
        suite = mixed_suite if outcome == "scored" and label.startswith("mixed") else TABLE_SUITE
        v(f"json-{label}", "json", description, outcome, {f"data.{suffix}": content, "suite.yaml": suite},
          f"data.{suffix}", names=f"data.{suffix}", results=results if outcome == "scored" else None)
    corpus.evaluate("json-mixed-types-evaluate", "json", "score JSON records of mixed types", "scored",
                    {"data.json": '[{"a": 1, "b": "x"}, {"a": "two", "b": [1]}, {"a": null, "b": {"c": 1}}]'},
                    "data.json")


JSON_DEEP = "refused"  # DuckDB refuses JSON nested deeper than 128
JSON_DEEP_TOP = "refused"
JSON_DUPLICATE_KEYS = "refused"  # DuckDB refuses an object with a repeated key
JSON_HUGE = "scored"
JSON_NAN = "scored"
JSON_SCALAR = "scored"  # one row holding the value
JSON_BOM = "scored"


# -- other formats -------------------------------------------------------------------------------

def other_format_cases(corpus: Corpus) -> None:
    v = corpus.validate
    arrow = arrow_bytes(GOOD_TABLE)
    v("arrow-truncated", "arrow", "an Arrow IPC file cut in half", "refused",
      {"data.arrow": arrow[: len(arrow) // 2]}, "data.arrow", names="data.arrow")
    v("arrow-garbage", "arrow", "random bytes with an .arrow name", "refused",
      {"data.arrow": lambda: rng_for("arrow-garbage").randbytes(1500)}, "data.arrow", names="data.arrow")
    v("arrow-parquet-bytes", "arrow", "a Parquet file named .arrow", "refused",
      {"data.arrow": good_parquet}, "data.arrow", names="data.arrow")
    v("duckdb-garbage", "duckdb", "random bytes with a .duckdb name", "refused",
      {"data.duckdb": lambda: rng_for("duckdb-garbage").randbytes(5000)}, "data.duckdb", names="data.duckdb")
    v("unknown-format", "other", "a file with an unknown extension", "refused",
      {"data.xlsx": b"PK\x03\x04not really a workbook"}, "data.xlsx", names="data.xlsx")
    v("parquet-named-csv", "other", "Parquet bytes in a file named .csv", PARQUET_AS_CSV,
      {"data.csv": good_parquet, "suite.yaml": TABLE_SUITE}, "data.csv", names="data.csv", results=4)
    v("csv-named-parquet", "other", "CSV text in a file named .parquet", "refused",
      {"data.parquet": "id,name\n1,x\n"}, names="data.parquet")
    v("missing-data-file", "other", "a data path that does not exist", "refused", {}, "nope.parquet",
      names="nope.parquet")
    v("glob-matching-nothing", "other", "a glob that matches no file", "refused", {}, "nothing/*.parquet",
      names="nothing/*.parquet")
    v("table-option-missing-file", "other", "--table names a file that does not exist", "refused", {},
      names="gone.csv", extra=("--table", "other=gone.csv"))
    v("file-name-with-line-break", "other", "an empty data file whose name holds a line break: the error "
      "stays on one line", "refused", {"odd\nname.csv": b""}, "odd\nname.csv", names="odd\\nname.csv")
    v("suite-name-with-tab-and-escape", "other", "a broken suite whose file name holds a tab and an ANSI "
      "escape", "refused", {"bad\t\x1b[31msuite.yaml": "name: [\n"}, suite="bad\t\x1b[31msuite.yaml",
      names="bad\\t\\x1b[31msuite.yaml")
    long = "n" * 300  # beyond NAME_MAX (255): the system cannot even look the name up
    v("name-too-long-data", "other", "a data path whose name is 300 characters", "refused", {},
      f"{long}.parquet", names=f"{long}.parquet")
    v("name-too-long-suite", "other", "a suite path whose name is 300 characters", "refused", {},
      suite=f"{long}.yaml", names=f"{long}.yaml")
    v("name-too-long-output", "other", "an -o path whose name is 300 characters", "refused", {},
      names=f"{long}.json", extra=("-o", f"{long}.json"))
    corpus.evaluate("name-too-long-standard", "other", "a standard path whose name is 300 characters",
                    "refused", {}, standard=f"{long}.yaml", names=f"{long}.yaml")
    corpus.evaluate("name-too-long-evidence", "other", "an evidence path whose name is 300 characters",
                    "refused", {}, names=f"{long}.yaml", extra=("--evidence", f"{long}.yaml"))
    corpus.add(Case("name-too-long-card", "other", "verify a card path whose name is 300 characters",
                    ["verify", f"{long}.json"], "refused", {}, f"{long}.json"))
    v("output-under-a-file", "other", "-o points below an existing regular file", "refused",
      {"blocker": "not a directory\n"}, names="blocker", extra=("-o", "blocker/out.json"))


PARQUET_AS_CSV = "refused"


# -- suites --------------------------------------------------------------------------------------

def suite_cases(corpus: Corpus) -> None:
    def bad(label: str, description: str, text: Content, *, suffix: str = "yaml", location: str | None = None,
            outcome: str = "refused", results: int | None = None) -> None:
        name = f"suite.{suffix}"
        corpus.validate(f"suite-{label}", "suite", description, outcome, {name: text}, suite=name,
                        names=name, location=location, results=results)

    one = lambda kind, /, **kw: suite_text(expect(kind, **kw))  # noqa: E731
    gx = lambda items: json.dumps({"name": "s", "expectations": items})  # noqa: E731
    bad("empty-yaml", "a 0-byte suite.yaml", b"")
    bad("empty-json", "a 0-byte suite.json", b"", suffix="json")
    bad("whitespace-only", "a suite of blank lines and a comment", "\n\n# nothing\n\n")
    bad("null", "a suite that is YAML null", "null\n")
    bad("scalar", "a suite that is a number", "42\n")
    bad("list", "a list instead of a mapping", "- type: expect_column_values_to_not_be_null\n  kwargs: {column: id}\n")
    bad("json-list", "a JSON list instead of an object", '[{"type": "expect_column_values_to_not_be_null"}]',
        suffix="json")
    bad("binary-garbage-yaml", "random bytes named suite.yaml", lambda: rng_for("suite-garbage").randbytes(2000))
    bad("binary-garbage-json", "random bytes named suite.json", lambda: rng_for("suite-garbage-json").randbytes(2000),
        suffix="json")
    bad("utf16", "a suite encoded as UTF-16", lambda: GOOD_SUITE.encode("utf-16"))
    bad("nul-bytes", "NUL bytes inside the YAML text", "name: s\x00\nexpectations: []\n")
    bad("invalid-yaml", "unbalanced brackets", "name: s\nexpectations: [\n  {type: x\n")
    bad("invalid-yaml-tab-indent", "tab indentation", "name: s\nexpectations:\n\t- type: x\n")
    bad("invalid-json", "a trailing comma in JSON", '{"name": "s", "expectations": [],}', suffix="json")
    bad("truncated-json", "suite JSON cut off", gx([expect("expect_column_values_to_not_be_null", column="id")])[:40],
        suffix="json")
    bad("python-object-tag", "a YAML tag constructing a Python object",
        "name: !!python/object/apply:os.system ['echo owned']\nexpectations: []\n")
    bad("name-wrong-type", "name is a list", "name: [a, b]\nexpectations: []\n", location="name")
    bad("name-missing", "no name", "expectations: []\n", location="name")
    bad("name-empty", "an empty name", "name: ''\nexpectations: []\n", location="name")
    bad("expectations-string", "expectations is a string", "name: s\nexpectations: everything\n",
        location="expectations")
    bad("expectations-mapping", "expectations is a mapping", "name: s\nexpectations: {a: 1}\n",
        location="expectations")
    bad("expectation-number", "an expectation that is a number", "name: s\nexpectations: [5]\n",
        location="expectations[0]")
    bad("type-number", "type is a number", "name: s\nexpectations:\n  - {type: 5, kwargs: {}}\n",
        location="expectations[0].type")
    bad("type-missing", "an expectation without a type", "name: s\nexpectations:\n  - {kwargs: {column: id}}\n",
        location="expectations[0].type")
    bad("type-unknown", "an unknown expectation type", one("expect_column_values_to_be_purple", column="id"),
        location="expectations[0].type")
    bad("kwargs-list", "kwargs is a list",
        "name: s\nexpectations:\n  - {type: expect_column_values_to_not_be_null, kwargs: [id]}\n",
        location="expectations[0].kwargs")
    bad("column-number", "column is a number", one("expect_column_values_to_not_be_null", column=5),
        location="expectations[0].kwargs.column")
    bad("column-list", "column is a list", one("expect_column_values_to_not_be_null", column=["id"]),
        location="expectations[0].kwargs.column")
    bad("column-unknown", "a column the table does not have", one("expect_column_values_to_not_be_null", column="nope"),
        location="expectations[0].kwargs.column")
    bad("mostly-text", "mostly is text", one("expect_column_values_to_not_be_null", column="id", mostly="high"),
        location="expectations[0].kwargs.mostly")
    bad("mostly-above-one", "mostly is 2", one("expect_column_values_to_not_be_null", column="id", mostly=2),
        location="expectations[0].kwargs.mostly")
    bad("mostly-nan", "mostly is .nan", "name: s\nexpectations:\n  - type: expect_column_values_to_not_be_null\n"
        "    kwargs: {column: id, mostly: .nan}\n", location="expectations[0].kwargs.mostly")
    bad("mostly-1e400-json", "mostly is 1e400 (infinity) in JSON",
        '{"name": "s", "expectations": [{"type": "expect_column_values_to_not_be_null", '
        '"kwargs": {"column": "id", "mostly": 1e400}}]}', suffix="json", location="expectations[0].kwargs.mostly")
    bad("severity-unknown", "severity fatal", "name: s\nexpectations:\n  - type: expect_column_values_to_not_be_null\n"
        "    kwargs: {column: id}\n    severity: fatal\n", location="expectations[0].severity")
    bad("unknown-top-level-key", "a misspelt top-level key", "name: s\nexpectatons: []\n", location="expectatons")
    bad("unknown-expectation-key", "a misspelt expectation key",
        "name: s\nexpectations:\n  - type: expect_column_values_to_not_be_null\n    kwarg: {column: id}\n",
        location="expectations[0].kwarg")
    bad("unknown-kwarg", "an unknown kwarg", one("expect_column_values_to_not_be_null", column="id", colour="red"),
        location="expectations[0].kwargs.colour")
    bad("meta-string", "meta is a string", "name: s\nmeta: hello\nexpectations: []\n", location="meta")
    bad("version-list", "version is a list", "name: s\nversion: [1, 2]\nexpectations: []\n", location="version")
    bad("table-unknown", "the suite names a table the dataset lacks", "name: s\ntable: orders\nexpectations: []\n")
    bad("bound-text-on-number", "min_value is text for a numeric column",
        one("expect_column_values_to_be_between", column="score", min_value="zero"),
        location="expectations[0].kwargs.min_value")
    bad("value-set-string", "value_set is a string",
        one("expect_column_values_to_be_in_set", column="name", value_set="abc"),
        location="expectations[0].kwargs.value_set")
    bad("regex-list-empty", "an empty regex_list",
        one("expect_column_values_to_match_regex_list", column="name", regex_list=[]),
        location="expectations[0].kwargs.regex_list")
    bad("row-count-min-above-max", "min_value above max_value for the row count",
        one("expect_table_row_count_to_be_between", min_value=10, max_value=1), outcome=MIN_ABOVE_MAX, results=1)
    bad("gx-json-wrong-types", "a GX suite whose expectation_type is null and kwargs a string",
        json.dumps({"expectation_suite_name": "s", "expectations": [{"expectation_type": None, "kwargs": "x"}]}),
        suffix="json", location="expectations[0]")
    bad("too-large", "a suite over the size limit (6 MB of comments)",
        lambda: "name: s\nexpectations: []\n" + ("# padding " + "x" * 90 + "\n") * 60_000)

    # Huge numbers.
    huge = {
        "min-1e400-json": ('{"name": "s", "expectations": [{"type": "expect_column_values_to_be_between", '
                           '"kwargs": {"column": "score", "min_value": 1e400}}]}', "json", HUGE_FLOAT_BOUND,
                           "min_value 1e400 (infinity) in JSON"),
        "min-1e400-yaml": ("name: s\nexpectations:\n  - type: expect_column_values_to_be_between\n"
                           "    kwargs: {column: score, min_value: 1.0e+400}\n", "yaml", HUGE_FLOAT_BOUND,
                           "min_value 1.0e+400 (infinity) in YAML"),
        "max-1e400-string-yaml": ("name: s\nexpectations:\n  - type: expect_column_values_to_be_between\n"
                                  "    kwargs: {column: score, max_value: 1e400}\n", "yaml", "refused",
                                  "YAML 1.1 reads 1e400 (no dot) as the string '1e400'"),
        "min-10-pow-100": (one("expect_column_values_to_be_between", column="id", min_value=10 ** 100), "yaml",
                           HUGE_INT_BOUND, "min_value 10**100 on a BIGINT column"),
        "max-neg-10-pow-100": (one("expect_column_values_to_be_between", column="score", max_value=-(10 ** 100)),
                               "yaml", HUGE_INT_BOUND, "max_value -10**100 on a DOUBLE column"),
        "row-count-10-pow-100": (one("expect_table_row_count_to_be_between", max_value=10 ** 100), "yaml",
                                 HUGE_INT_BOUND, "row count max_value 10**100"),
        "length-10-pow-100": (one("expect_column_value_lengths_to_be_between", column="name", max_value=10 ** 100),
                              "yaml", HUGE_INT_BOUND, "value length max_value 10**100"),
        "sum-10-pow-400": (one("expect_column_sum_to_be_between", column="id", max_value=10 ** 400), "yaml",
                           HUGE_INT_BOUND, "sum max_value 10**400 (beyond float range)"),
        "in-set-10-pow-100": (one("expect_column_values_to_be_in_set", column="id", value_set=[1, 10 ** 100]), "yaml",
                              HUGE_INT_BOUND, "a value_set member 10**100 on a BIGINT column"),
        "int-5000-digits-yaml": (lambda: "name: s\nexpectations:\n  - type: expect_column_values_to_be_between\n"
                                 "    kwargs: {column: id, min_value: " + "9" * 5000 + "}\n", "yaml", "refused",
                                 "an integer of 5,000 digits in YAML"),
        "int-5000-digits-json": (lambda: '{"name": "s", "expectations": [{"type": "expect_column_values_to_be_between", '
                                 '"kwargs": {"column": "id", "min_value": ' + "9" * 5000 + "}}]}", "json", "refused",
                                 "an integer of 5,000 digits in JSON"),
        "z-score-threshold-inf": ("name: s\nexpectations:\n  - type: expect_column_value_z_scores_to_be_less_than\n"
                                  "    kwargs: {column: score, threshold: .inf}\n", "yaml", "scored",
                                  "a z-score threshold of infinity"),
    }
    for label, (text, suffix, outcome, description) in huge.items():
        bad(f"huge-{label}", description, text, suffix=suffix, outcome=outcome,
            results=1 if outcome == "scored" else None)

    # YAML's own dates: unquoted, they are constructed as Python dates (or fail to be).
    dated = parquet_bytes(pa.table({"d": pa.array([0, 19_000, 19_800, None], pa.date32())}))
    yaml_dates = {
        "date-bound-unquoted": ("min_value: 2000-01-01, max_value: 2030-12-31", "scored",
                                "unquoted YAML dates as bounds of a date column"),
        "timestamp-bound-unquoted": ("min_value: 2000-01-01 00:00:00, max_value: 2030-12-31T23:59:59Z", "scored",
                                     "unquoted YAML timestamps (one with a time zone) as bounds"),
        "date-february-30-unquoted": ("min_value: 2024-02-30", "refused", "an unquoted 2024-02-30 in YAML"),
        "date-year-zero-unquoted": ("max_value: 0000-01-01", "refused", "an unquoted 0000-01-01 in YAML"),
    }
    for label, (kwargs, outcome, description) in yaml_dates.items():
        corpus.validate(f"suite-{label}", "suite", description, outcome,
                        {"data.parquet": dated, "suite.yaml": "name: s\nexpectations:\n"
                         "  - type: expect_column_values_to_be_between\n"
                         f"    kwargs: {{column: d, {kwargs}}}\n"
                         "  - type: expect_column_max_to_be_between\n"
                         f"    kwargs: {{column: d, {kwargs}}}\n"},
                        names="suite.yaml", results=2 if outcome == "scored" else None)

    # YAML aliases and nesting.
    top = "name: s\nexpectations: []\n"
    bad("alias-billion-laughs", "the billion laughs: nine levels of nine aliases", billion_laughs(top))
    bad("alias-single", "one harmless-looking alias", "x: &x {column: id}\nname: s\nexpectations:\n"
        "  - {type: expect_column_values_to_not_be_null, kwargs: *x}\n")
    bad("alias-merge-key", "a merge key << bringing in an anchor",
        "base: &b {column: id}\nname: s\nexpectations:\n  - type: expect_column_values_to_not_be_null\n"
        "    kwargs: {<<: *b}\n")
    bad("alias-recursive", "a self-referencing anchor", "a: &a [*a]\nname: s\nexpectations: []\n")
    bad("deep-yaml-10000", "flow sequences nested 10,000 deep",
        lambda: "name: s\nexpectations: []\nmeta: {x: " + nested_json(10_000) + "}\n")
    bad("deep-json-10000", "JSON arrays nested 10,000 deep", lambda: '{"name": "s", "expectations": [], "meta": {"x": '
        + nested_json(10_000) + "}}", suffix="json")
    bad("deep-json-objects-100000", "JSON objects nested 100,000 deep",
        lambda: '{"name": "s", "expectations": [], "meta": ' + nested_json(100_000, "{") + "}", suffix="json")

    # Regular expressions.
    regexes = {
        "unbalanced": ("(ab", "refused"),
        "bad-range": ("[z-a]", "refused"),
        "huge-repetition": ("a{1001}", "refused"),
        "lookbehind": ("(?<=a)b", "refused"),
        "backreference": ("(a)\\1", "refused"),
        "named-backreference": ("(?P<x>a)(?P=x)", "refused"),
        "dangling-escape": ("abc\\", "refused"),
        "nested-quantifier": ("(a+)+$", "scored"),
        "alternation-overlap": ("^(a|aa)+$", "scored"),
        "exponential-classic": ("^(([a-z])+.)+[A-Z]([a-z])+$", "scored"),
        "repeated-wildcards": ("(.*a){12}", "scored"),
        "nested-counted": ("((a{1,30}){1,30}){1,30}", REGEX_NESTED_COUNTED),
    }
    evil = pa.table({"s": ["a" * 5000 + "!", "a" * 64 + "b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", None]})
    for label, (pattern, outcome) in regexes.items():
        corpus.validate(f"suite-regex-{label}", "suite-regex", f"regex {pattern!r}", outcome,
                        {"data.parquet": parquet_bytes(evil),
                         "suite.yaml": one("expect_column_values_to_match_regex", column="s", regex=pattern)},
                        names="suite.yaml", location="expectations[0].kwargs.regex",
                        results=1 if outcome == "scored" else None)
    corpus.validate("suite-regex-list-bad-third", "suite-regex", "the third pattern of a regex_list is invalid",
                    "refused", {"suite.yaml": one("expect_column_values_to_match_regex_list", column="name",
                                                  regex_list=["^a", "b$", "(c"])},
                    names="suite.yaml", location="expectations[0].kwargs.regex_list")
    corpus.validate("suite-regex-not-match-catastrophic", "suite-regex",
                    "not_match_regex with a nested quantifier over a 5,000-character value", "scored",
                    {"data.parquet": parquet_bytes(evil),
                     "suite.yaml": one("expect_column_values_to_not_match_regex", column="s", regex="^(a*)*b$")},
                    results=1)
    corpus.validate("suite-regex-longer-than-limit", "suite-regex", "a 20,000-character pattern", "refused",
                    {"suite.yaml": one("expect_column_values_to_match_regex", column="name", regex="a" * 20_000)},
                    names="suite.yaml", location="expectations[0].kwargs.regex")
    corpus.validate("suite-like-pattern-odd", "suite-regex", "LIKE patterns of only wildcards and escapes",
                    "scored", {"suite.yaml": one("expect_column_values_to_match_like_pattern_list", column="name",
                                                 like_pattern_list=["%%%%", "\\%", "_", "%\\"])}, results=1)
    # Conditions that try to leave the allow-list.
    conditions = {
        "file-reader": "id IN (SELECT 1 FROM read_csv('/etc/passwd'))",
        "statement": "1=1; DROP TABLE t0",
        "comment": "id > 0 -- and more",
        "unknown-function": "getenv('HOME') = 'x'",
    }
    for label, condition in conditions.items():
        corpus.validate(f"suite-row-condition-{label}", "suite", f"row_condition {condition!r}", "refused",
                        {"suite.yaml": one("expect_column_values_to_not_be_null", column="id",
                                           row_condition=condition)},
                        names="suite.yaml", location="expectations[0].kwargs.row_condition")


MIN_ABOVE_MAX = "scored"
HUGE_FLOAT_BOUND = "scored"
HUGE_INT_BOUND = "scored"
REGEX_NESTED_COUNTED = "refused"


# -- standards -----------------------------------------------------------------------------------

def standard_cases(corpus: Corpus) -> None:
    base = shipped_standard()

    def edited(change: Callable[[dict], Any]) -> str:
        document = copy.deepcopy(base)
        change(document)
        return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)

    def std(label: str, description: str, text: Content, *, outcome: str = "refused", location: str | None = None,
            suffix: str = "yaml") -> None:
        name = f"standard.{suffix}"
        corpus.evaluate(f"standard-{label}", "standard", description, outcome, {name: text}, standard=name,
                        names=name, location=location)

    def set_(path: list, value: Any) -> Callable[[dict], None]:
        def change(document: dict) -> None:
            target = document
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value
        return change

    def delete(path: list) -> Callable[[dict], None]:
        def change(document: dict) -> None:
            target = document
            for key in path[:-1]:
                target = target[key]
            del target[path[-1]]
        return change

    std("empty", "a 0-byte standard", b"")
    std("binary-garbage", "random bytes", lambda: rng_for("standard-garbage").randbytes(4000))
    std("list", "a list instead of a mapping", "- id: x\n- version: y\n")
    std("invalid-yaml", "broken YAML", "id: x\ndimensions: [\n")
    std("invalid-json", "broken JSON", '{"id": "x", "dimensions": [}', suffix="json")
    std("unknown-top-level-key", "an unknown top-level key", edited(set_(["weights"], {"01": 2})))
    std("unknown-dimension-key", "an unknown key in a dimension", edited(set_(["dimensions", 0, "colour"], "red")),
        location="dimensions[0]")
    std("unknown-indicator-key", "an unknown key in an indicator",
        edited(set_(["dimensions", 1, "indicators", 0, "wieght"], 2)), location="dimensions[1].indicators[0]")
    std("weight-text", "a dimension weight that is text", edited(set_(["dimensions", 0, "weight"], "heavy")),
        location="dimensions[0].weight")
    std("weight-null", "an indicator weight that is null", edited(set_(["dimensions", 0, "indicators", 0, "weight"], None)),
        location="dimensions[0].indicators[0].weight")
    std("weight-negative", "a negative weight", edited(set_(["dimensions", 2, "weight"], -1)),
        location="dimensions[2].weight")
    std("weight-zero", "a zero weight", edited(set_(["dimensions", 2, "weight"], 0)), location="dimensions[2].weight")
    std("weight-list", "a weight that is a list", edited(set_(["dimensions", 2, "weight"], [1, 2])),
        location="dimensions[2].weight")
    std("weight-infinite", "a weight of 1.0e+400 (infinity)",
        lambda: edited(set_(["dimensions", 0, "weight"], 1)).replace("weight: 1\n", "weight: 1.0e+400\n", 1),
        location="dimensions[0].weight")
    std("weight-nan", "a weight of .nan",
        lambda: edited(set_(["dimensions", 0, "weight"], 1)).replace("weight: 1\n", "weight: .nan\n", 1),
        location="dimensions[0].weight")
    std("weight-10-pow-400", "an integer weight of 10**400 (beyond float range)",
        edited(set_(["dimensions", 0, "weight"], 10 ** 400)), location="dimensions[0].weight")
    std("weight-10-pow-100", "an integer weight of 10**100: huge but finite",
        edited(set_(["dimensions", 0, "weight"], 10 ** 100)),
        outcome="scored")
    std("scale-infinite", "scale 1.0e+400 (infinity)",
        lambda: edited(lambda d: None).replace("scale: 100\n", "scale: 1.0e+400\n"), location="scale")
    std("scale-text", "scale is text", edited(set_(["scale"], "hundred")), location="scale")
    std("gate-value-infinite", "a gate value of .inf",
        lambda: edited(lambda d: None).replace("value: 60\n", "value: .inf\n"), location="gates[0].value")
    std("missing-dimensions", "no dimensions", edited(delete(["dimensions"])))
    std("empty-dimensions", "dimensions is an empty list", edited(set_(["dimensions"], [])), location="dimensions")
    std("dimensions-mapping", "dimensions is a mapping", edited(set_(["dimensions"], {"01": "x"})), location="dimensions")
    std("dimension-no-indicators", "a dimension without indicators",
        edited(set_(["dimensions", 0, "indicators"], [])), location="dimensions[0].indicators")
    std("duplicate-dimension-code", "two dimensions with code 01",
        edited(set_(["dimensions", 1, "code"], "01")), location="dimensions[1].code")
    std("duplicate-dimension-id", "two dimensions with the same id",
        edited(set_(["dimensions", 1, "id"], base["dimensions"][0]["id"])), location="dimensions[1].id")
    std("duplicate-indicator-code", "two indicators with the same code",
        edited(set_(["dimensions", 1, "indicators", 0, "code"], "0101")), location="dimensions[1].indicators[0].code")
    std("unknown-concern", "an indicator bound to an unknown concern",
        edited(set_(["dimensions", 0, "indicators", 0, "concerns"], ["quality.vibes"])),
        location="dimensions[0].indicators[0].concerns[0]")
    std("gate-unknown-dimension", "a gate naming a dimension that does not exist",
        edited(set_(["gates"], [{"type": "min_dimension_score", "dimension": "99", "value": 50}])),
        location="gates[0].dimension")
    std("gate-unknown-type", "a gate of an unknown type", edited(set_(["gates"], [{"type": "vibes", "value": 1}])),
        location="gates[0]")
    std("levels-unordered", "grade levels from low to high",
        edited(lambda d: d.__setitem__("levels", list(reversed(d["levels"])))), location="levels")
    std("id-uppercase", "an id that breaks the id pattern", edited(set_(["id"], "GB/T 36344")), location="id")
    std("title-missing-zh", "a title without Chinese", edited(set_(["title"], {"en": "x"})), location="title")
    std("alias-billion-laughs", "the billion laughs in a standard", billion_laughs(edited(lambda d: None)))
    std("alias-anchor-reuse", "an anchor reused for names",
        lambda: "n: &n {zh: 甲, en: A}\n" + edited(lambda d: None).replace("title:\n", "title: *n\nx-title:\n", 1))
    std("int-5000-digits", "an integer of 5,000 digits",
        lambda: edited(lambda d: None).replace("scale: 100\n", "scale: " + "9" * 5000 + "\n"))
    std("deep-nesting", "a description nested 10,000 flow sequences deep",
        lambda: edited(lambda d: None) + "x-deep: " + nested_json(10_000) + "\n")
    std("deep-json-nesting", "a JSON standard nested 10,000 deep",
        lambda: json.dumps(copy.deepcopy(base))[:-1] + ', "x": ' + nested_json(10_000) + "}", suffix="json")
    corpus.evaluate("standard-unknown-id", "standard", "a standard id that is neither shipped nor a file",
                    "refused", {}, standard="no-such-standard", names="no-such-standard")
    std("json-equivalent", "the shipped standard as JSON (valid: scored)", json.dumps(base, ensure_ascii=False),
        outcome="scored", suffix="json")


# -- manifests -----------------------------------------------------------------------------------

def manifest_cases(corpus: Corpus) -> None:
    def pkg(label: str, description: str, manifest: Content, *, outcome: str = "refused",
            location: str | None = None, name: str = "datapackage.json", files: dict[str, Content] | None = None,
            command: str = "validate", results: int | None = None, names: str | None = None) -> None:
        content = {f"pkg/{name}": manifest, "pkg/data.csv": "id,name\n1,x\n2,y\n"}
        content.update(files or {})
        if command == "validate":
            corpus.validate(f"manifest-{label}", "manifest", description, outcome,
                            {**content, "suite.yaml": CSV_SUITE_ID}, "pkg", names=names or f"pkg/{name}",
                            location=location, results=results)
        else:
            corpus.evaluate(f"manifest-{label}", "manifest", description, outcome, content, "pkg",
                            names=names or f"pkg/{name}", location=location)

    def package(**resource: Any) -> str:
        return json.dumps({"name": "p", "resources": [{"name": "t", "path": "data.csv", **resource}]})

    pkg("broken-json", "datapackage.json with a syntax error", '{"name": "p", "resources": [')
    pkg("empty", "an empty datapackage.json", b"")
    pkg("binary-garbage", "random bytes as datapackage.json", lambda: rng_for("manifest-garbage").randbytes(1000))
    pkg("list", "a JSON list instead of an object", "[1, 2, 3]")
    pkg("resources-string", "resources is a string", '{"resources": "data.csv"}', location="resources")
    pkg("resources-empty", "resources is an empty list", '{"resources": []}', location="resources")
    pkg("resource-number", "a resource that is a number", '{"resources": [5]}', location="resources[0]")
    pkg("resource-no-path", "a resource without a path", '{"resources": [{"name": "t"}]}', location="resources[0].path")
    pkg("path-number", "a resource path that is a number", package(path=5), location="resources[0].path")
    pkg("path-escape-etc-passwd", "a resource path ../../etc/passwd", package(path="../../etc/passwd", format="csv"),
        location="resources[0].path")
    pkg("path-absolute", "an absolute resource path", package(path="/etc/passwd", format="csv"),
        location="resources[0].path")
    pkg("path-list-escape", "a path list whose second entry escapes", package(path=["data.csv", "../data.csv"]),
        location="resources[0].path")
    pkg("path-escape-after-subdir", "sub/../../x: escapes through a subdirectory", package(path="sub/../../data.csv"),
        location="resources[0].path")
    pkg("path-missing-file", "a resource path that does not exist", package(path="gone.csv"),
        location="resources[0].path")
    pkg("path-directory", "a resource path that is a directory", package(path="sub"), files={"pkg/sub/": None},
        location="resources[0].path")
    pkg("duplicate-resource-names", "two resources named t",
        json.dumps({"resources": [{"name": "t", "path": "data.csv"}, {"name": "t", "path": "data.csv"}]}),
        location="resources")
    pkg("name-empty", "a resource with an empty name", package(name=""), location="resources[0].name")
    pkg("dialect-wrong-types", "dialect delimiter is a number", package(dialect={"delimiter": 5}),
        location="resources[0].dialect.delimiter")
    pkg("header-wrong-type", "dialect header is a list", package(dialect={"header": ["yes"]}),
        location="resources[0].dialect.header")
    pkg("missing-values-string", "schema.missingValues is a string", package(schema={"missingValues": "NA"}),
        location="resources[0].schema.missingValues")
    pkg("schema-fields-string", "schema.fields is a string", package(schema={"fields": "id"}),
        location="resources[0].schema.fields")
    pkg("encoding-unknown", "an unknown encoding name", package(encoding="klingon-8"),
        location="resources[0].encoding")
    pkg("format-unknown", "a format dsbench does not read", package(format="xlsx"), location="resources[0].format")
    pkg("encoding-utf16-declared", "a UTF-16 resource with its encoding declared (scored)",
        package(encoding="utf-16"), files={"pkg/data.csv": "id,name\n1,x\n2,y\n".encode("utf-16")},
        outcome="scored", results=3)
    pkg("huge-number-json", "bytes: 1e400 in the manifest (scored: an undeclared-size check at worst)",
        '{"name": "p", "resources": [{"name": "t", "path": "data.csv", "bytes": 1e400}]}', outcome="scored",
        results=3)
    pkg("int-5000-digits", "an integer of 5,000 digits", lambda: '{"name": "p", "resources": [{"name": "t", '
        '"path": "data.csv", "bytes": ' + "9" * 5000 + "}]}")
    pkg("deep-nesting", "a manifest nested 10,000 deep",
        lambda: '{"name": "p", "x": ' + nested_json(10_000) + ', "resources": [{"name": "t", "path": "data.csv"}]}')
    pkg("yaml-alias-bomb", "dsbench.yaml with the billion laughs",
        billion_laughs("resources:\n  - {name: t, path: data.csv}\n"), name="dsbench.yaml")
    pkg("yaml-not-mapping", "dsbench.yaml that is a string", "just text\n", name="dsbench.yaml")
    pkg("croissant-broken", "a Croissant metadata.json that is not a Croissant document",
        '{"@context": {"@vocab": "https://schema.org/"}, "@type": "sc:Dataset", "distribution": 5}',
        name="metadata.json")
    pkg("evaluate-path-escape", "evaluate: a resource path escaping the dataset",
        package(path="../../../../../../etc/passwd", format="csv"), location="resources[0].path", command="evaluate")
    pkg("evaluate-schema-wrong-types", "evaluate: field constraints of the wrong types (scored: skipped or checked)",
        package(schema={"fields": [{"name": "id", "type": "integer", "constraints": {"minimum": "low", "enum": 5}},
                                   {"name": "name", "type": 17}],
                        "primaryKey": 42}), outcome=MANIFEST_SCHEMA_WRONG_TYPES, command="evaluate")
    pkg("schema-field-not-a-mapping", "a schema field that is a string", package(schema={"fields": ["id"]}),
        location="resources[0].schema.fields[0]")
    pkg("resource-empty-file", "a resource whose file is empty", package(path="empty.csv"),
        files={"pkg/empty.csv": b""}, names="pkg/empty.csv")
    corpus.evaluate("manifest-option-broken", "manifest", "--manifest pointing at broken JSON", "refused",
                    {"data.csv": "id,name\n1,x\n", "m.json": '{"resources": '}, "data.csv", names="m.json",
                    extra=("--manifest", "m.json"))
    corpus.evaluate("manifest-option-missing", "manifest", "--manifest naming a missing file", "refused",
                    {"data.csv": "id,name\n1,x\n"}, "data.csv", names="gone.json", extra=("--manifest", "gone.json"))


CSV_SUITE_ID = suite_text(expect("expect_table_row_count_to_be_between", min_value=0),
                          expect("expect_column_to_exist", column="id"),
                          expect("expect_column_values_to_not_be_null", column="id"))
MANIFEST_SCHEMA_WRONG_TYPES = "scored"


# -- evidence ------------------------------------------------------------------------------------

def evidence_cases(corpus: Corpus) -> None:
    def ev(label: str, description: str, text: Content, *, outcome: str = "refused", location: str | None = None,
           suffix: str = "yaml") -> None:
        name = f"evidence.{suffix}"
        corpus.evaluate(f"evidence-{label}", "evidence", description, outcome, {name: text}, names=name,
                        location=location, extra=("--evidence", name))

    ev("empty", "a 0-byte evidence file", b"")
    ev("binary-garbage", "random bytes", lambda: rng_for("evidence-garbage").randbytes(800))
    ev("list", "a list instead of a mapping", "- '0601'\n- '0602'\n")
    ev("invalid-yaml", "broken YAML", "'0601': {score: [\n")
    ev("invalid-json", "broken JSON", '{"0601": ', suffix="json")
    ev("unknown-indicator", "an indicator the standard lacks", "'9999': {score: 0.5, source: audit}\n", location="9999")
    ev("data-indicator", "evidence for an indicator measured from the data", "'0101': {score: 0.5, source: audit}\n",
       location="0101")
    ev("octal-code", "an unquoted code 0601 (YAML 1.1 octal: 385)", "0601: {score: 0.5, source: audit}\n",
       location="385")
    ev("entry-string", "an entry that is a string", "'0601': excellent\n", location="0601")
    ev("unknown-key", "an unknown key", "'0601': {score: 0.5, source: audit, weight: 2}\n", location="0601.weight")
    ev("source-missing", "no source note", "'0601': {score: 0.5}\n", location="0601.source")
    ev("source-blank", "a blank source note", "'0601': {score: 0.5, source: '   '}\n", location="0601.source")
    ev("score-above-one", "score 2", "'0601': {score: 2, source: audit}\n", location="0601.score")
    ev("score-negative", "score -0.1", "'0601': {score: -0.1, source: audit}\n", location="0601.score")
    ev("score-text", "score is text", "'0601': {score: high, source: audit}\n", location="0601.score")
    ev("score-nan", "score .nan", "'0601': {score: .nan, source: audit}\n", location="0601.score")
    ev("score-inf", "score .inf", "'0601': {score: .inf, source: audit}\n", location="0601.score")
    ev("score-bool", "score true", "'0601': {score: true, source: audit}\n", location="0601.score")
    ev("score-nan-json", "the NaN literal in JSON", '{"0601": {"score": NaN, "source": "audit"}}', suffix="json",
       location="0601.score")
    ev("score-and-counts", "both score and passed/evaluated",
       "'0601': {score: 0.5, passed: 1, evaluated: 2, source: audit}\n", location="0601")
    ev("passed-above-evaluated", "passed > evaluated", "'0601': {passed: 5, evaluated: 2, source: audit}\n",
       location="0601.passed")
    ev("evaluated-zero", "evaluated 0", "'0601': {passed: 0, evaluated: 0, source: audit}\n", location="0601.evaluated")
    ev("evaluated-infinite", "evaluated 1.0e+400", "'0601': {passed: 1, evaluated: 1.0e+400, source: audit}\n",
       location="0601.evaluated")
    ev("evaluated-10-pow-100", "evaluated 10**100", f"'0601': {{passed: 1, evaluated: {10 ** 100}, source: audit}}\n",
       location="0601.evaluated")
    ev("passed-10-pow-400", "passed 10**400", f"'0601': {{passed: {10 ** 400}, evaluated: 5, source: audit}}\n",
       location="0601.passed")
    ev("int-5000-digits", "an integer of 5,000 digits",
       lambda: "'0601': {passed: 1, evaluated: " + "9" * 5000 + ", source: audit}\n")
    ev("alias-billion-laughs", "the billion laughs", billion_laughs("'0601': {score: 0.5, source: audit}\n"))
    ev("deep-nesting", "nested 10,000 deep", lambda: "'0601': " + nested_json(10_000) + "\n")
    ev("valid", "valid evidence for both external indicators (scored)",
       "'0601': {passed: 481, evaluated: 500, source: access log audit}\n'0602': {score: 0.86, source: survey}\n",
       outcome="scored")
    ev("valid-json-tiny-fraction", "evidence with a tiny fraction (scored)",
       '{"0601": {"passed": 1, "evaluated": 1000000000000000, "source": "x"}}', outcome="scored", suffix="json")


# -- cards (verify, render) ----------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def base_card() -> bytes:
    """A real card of the small good table, made by dsbench itself (in a temporary directory)."""
    import tempfile

    from dsbench.evaluation import evaluate

    with tempfile.TemporaryDirectory(prefix="dsbench-corpus-") as scratch:
        path = Path(scratch) / "data.parquet"
        path.write_bytes(good_parquet())
        return evaluate(str(path), STANDARD).to_json().encode("utf-8")


def card_edit(change: Callable[[dict], Any], *, redigest: bool = False) -> Callable[[], bytes]:
    def make() -> bytes:
        from dsbench.cards.card import canonical_bytes, digest_of

        document = json.loads(base_card())
        change(document)
        if redigest:
            document["digest"] = digest_of(document)
            return canonical_bytes(document)
        return json.dumps(document, ensure_ascii=False).encode("utf-8")
    return make


def card_cases(corpus: Corpus) -> None:
    def card(label: str, description: str, content: Content, *, verify: str, render: str,
             location: str | None = None, precreate: bool = False) -> None:
        files = {"card.json": content, "data.parquet": good_parquet}
        if precreate:
            files["out/"] = None
        corpus.add(Case(f"card-verify-{label}", "card", f"verify: {description}",
                        ["verify", "card.json", "--data", "data.parquet"], verify, dict(files), "card.json", location))
        corpus.add(Case(f"card-render-{label}", "card", f"render: {description}",
                        ["render", "card.json", "-o", "out", "--format", "md,junit,badge,dqv"], render, dict(files),
                        "card.json", location, "out", "render", ["md", "junit", "badge", "dqv"]))

    def set_(key: str, value: Any) -> Callable[[dict], None]:
        return lambda document: document.__setitem__(key, value)

    card("pristine", "the card as written (scored: verified)", base_card, verify="scored", render="scored")
    card("empty", "a 0-byte card", b"", verify="refused", render="refused", precreate=True)
    rng = rng_for("card-truncated")
    for index in range(3):
        cut = functools.partial(lambda i: base_card()[: 1 + rng_for(f"card-cut-{i}").randrange(len(base_card()) - 2)],
                                index)
        card(f"truncated-{index}", "the card cut off at a seeded offset", cut, verify="refused", render="refused")
    del rng
    card("binary-garbage", "random bytes", lambda: rng_for("card-garbage").randbytes(3000), verify="refused",
         render="refused")
    card("json-list", "a JSON list", b"[1, 2, 3]", verify="refused", render="refused")
    card("card-version-1", "card_version 1 (the format before scores counted elements)",
         card_edit(set_("card_version", "1")), verify="refused", render="refused")
    card("card-version-9", "a card_version from the future", card_edit(set_("card_version", "9")), verify="refused",
         render="refused")
    card("wrong-digest", "a valid card whose digest was changed",
         card_edit(set_("digest", "sha256:" + "0" * 64)), verify="scored", render="scored")
    card("edited-score", "a score edited without a new digest", card_edit(set_("score", 100.0)), verify="scored",
         render="scored")
    card("edited-and-redigested", "a score edited and the digest recomputed (verify finds the difference)",
         card_edit(set_("score", 12.5), redigest=True), verify="scored", render="scored")
    wrong_types = {
        "score-text": ("score", "excellent"),
        "dimensions-string": ("dimensions", "all good"),
        "dimensions-numbers": ("dimensions", [1, 2, 3]),
        "results-mapping": ("results", {"a": 1}),
        "dataset-null": ("dataset", None),
        "standard-list": ("standard", ["gbt"]),
        "gates-string": ("gates", "passed"),
        "options-list": ("options", [1]),
    }
    for label, (key, value) in wrong_types.items():
        card(f"wrong-type-{label}", f"{key} replaced by {value!r} (digest recomputed)",
             card_edit(set_(key, value), redigest=True), verify="refused", render="refused", location=key)
    card("indicator-missing-keys", "indicators without their keys (digest recomputed)",
         card_edit(lambda d: d["dimensions"][0].__setitem__("indicators", [{}]), redigest=True),
         verify="refused", render="refused", location="dimensions[0].indicators[0]")
    card("deep-nesting", "a card with a value nested 10,000 deep",
         lambda: base_card()[:-3] + b', "x": ' + nested_json(10_000).encode() + b"}\n", verify="refused",
         render="refused")
    card("int-5000-digits", "a card with an integer of 5,000 digits",
         lambda: base_card().replace(b'"card_version"', b'"x": ' + b"9" * 5000 + b', "card_version"', 1),
         verify="refused", render="refused")
    card("nan-literal", "the score replaced by the NaN literal (not JSON)",
         lambda: json.dumps({**json.loads(base_card()), "score": float("nan")}).encode(), verify="refused",
         render="refused", location="score")
    corpus.add(Case("card-verify-missing-data", "card", "verify: --data names a missing path",
                    ["verify", "card.json", "--data", "gone"], "refused", {"card.json": base_card}, "gone"))
    corpus.add(Case("card-verify-dataset-name-escapes", "card",
                    "verify without --data a card whose dataset name climbs out of the bundled datasets",
                    ["verify", "card.json"], "refused",
                    {"card.json": card_edit(lambda d: d["dataset"].__setitem__("name", "../../../../etc"),
                                            redigest=True)}, "card.json", "dataset.name"))
    corpus.add(Case("card-verify-dataset-not-bundled", "card", "verify without --data for a non-bundled dataset",
                    ["verify", "card.json"], "refused", {"card.json": base_card}, "card.json"))
    corpus.add(Case("card-render-output-is-a-file", "card", "render -o naming an existing file",
                    ["render", "card.json", "-o", "blocker", "--format", "md"], "refused",
                    {"card.json": base_card, "blocker": "x"}, "blocker"))



# -- the corpus ------------------------------------------------------------------------------------

def build() -> list[Case]:
    """Every case, with its files not yet written (big ones are made when written)."""
    corpus = Corpus()
    for section in (parquet_cases, csv_cases, column_name_cases, empty_cases, value_cases, json_cases,
                    other_format_cases, suite_cases, standard_cases, manifest_cases, evidence_cases, card_cases):
        section(corpus)
    return corpus.cases


def materialise(content: Content) -> bytes:
    while callable(content):
        content = content()
    return content.encode("utf-8") if isinstance(content, str) else content


def write_case(case: Case, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=False)
    for relative, content in case.files.items():
        path = directory / relative
        if relative.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(materialise(content))
    (directory / "case.json").write_text(json.dumps(case.document(), ensure_ascii=False, indent=1) + "\n",
                                         encoding="utf-8")
    case.directory = directory
    return directory


def generate(target_dir: str | Path) -> list[Case]:
    """Write every case into ``target_dir/<case name>/`` and return the cases."""
    target = Path(target_dir)
    target.mkdir(parents=True, exist_ok=True)
    if any(target.iterdir()):
        raise SystemExit(f"{target}: not empty; the corpus is written into a new or empty directory")
    cases = build()
    for case in cases:
        write_case(case, target / case.name)
    return cases


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        raise SystemExit("usage: python tests/corpus/generate.py DIR")
    cases = generate(args[0])
    counts: dict[str, int] = {}
    for case in cases:
        counts[case.category] = counts.get(case.category, 0) + 1
    for category, count in sorted(counts.items()):
        print(f"{count:4}  {category}")
    print(f"{len(cases):4}  cases in {args[0]}")


if __name__ == "__main__":
    main()
