"""Text as training data: blank texts, token counts, duplicates that differ only in case, width or
spacing, and identical inputs labelled differently.

Tokens: every Han, kana or Hangul character is a token, and so is every other run of characters
that are not white space (``"我爱 NLP"`` has 3). White space includes Unicode separators such as the
ideographic space U+3000.

Normalisation (``normalized``), in SQL: full-width ASCII forms (U+FF01..U+FF5E) and the ideographic
space become their ASCII counterparts, letters are lower-cased, runs of ASCII white space become
one space, and a leading or trailing space is dropped. ``"Ｈｅｌｌｏ　World "`` and ``"hello world"``
are the same input.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from dsbench.engine.dialect import Dialect
from dsbench.engine.metrics import Condition, Metric, RowFrame
from dsbench.engine.sql import sql_string
from dsbench.errors import SuiteError
from dsbench.expectations.column_map import (BetweenMapKwargs, ColumnMapExpectation, DuplicatedValues, MapKwargs,
                                             bounds_condition)

FULL_WIDTH = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000"
HALF_WIDTH = "".join(chr(c) for c in range(0x21, 0x7F)) + " "


def normalized(dialect: Dialect, text: str) -> str:
    """SQL normalising the text expression ``text`` (see the module docstring)."""
    folded = f"lower(translate({text}, {sql_string(FULL_WIDTH)}, {sql_string(HALF_WIDTH)}))"
    spaced = dialect.regex_replace(folded, "'[ \\t\\n\\r\\f\\v]+'", "' '")
    return dialect.regex_replace(spaced, "'^ | $'", "''")


CJK = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}"
SPACE = r"\s\p{Z}"
BLANK = f"[{SPACE}]*"


class TextMap(ColumnMapExpectation):
    """A question about every text of a column (never a number or a date read as text)."""

    gx_compatible: ClassVar[bool] = False
    value_only = True

    def check(self) -> None:
        if not self.logical(self.kw.column).is_string:
            raise SuiteError(f"column {self.kw.column!r} is {self.column_type(self.kw.column)}, not text",
                             location="kwargs.column")


class ExpectColumnValuesToNotBeBlank(TextMap):
    type = "expect_column_values_to_not_be_blank"
    summary = "Texts are not empty and not only white space (Unicode spaces included)."
    default_concern = "completeness.value"

    def expected(self) -> Condition:
        return Condition(f"NOT {self.dialect.regex_full_match(self.col, '?')}", (BLANK,))


class TokenKwargs(BetweenMapKwargs):
    min_value: int | None = None
    max_value: int | None = None


class ExpectColumnValueTokenCountsToBeBetween(TextMap):
    type = "expect_column_value_token_counts_to_be_between"
    summary = "Token counts (white-space separated words; each CJK character one token) lie between the bounds."
    default_concern = "validity.length"
    Kwargs = TokenKwargs

    def expected(self) -> Condition:
        # Each run of other characters becomes one letter, then white space goes: what is left is one
        # character per token (3x faster than listing the tokens with regexp_extract_all).
        dialect = self.dialect
        runs = dialect.regex_replace(self.col, sql_string(f"[^{SPACE}{CJK}]+"), "'a'")
        return bounds_condition(dialect.char_length(dialect.regex_replace(runs, sql_string(f"[{SPACE}]+"), "''")),
                                self.kw)


class TextColumn(DuplicatedValues, TextMap):
    def key(self) -> tuple[str, str]:
        return normalized(self.dialect, self.col), normalized(self.dialect, self.col)


class ExpectColumnValuesToBeUniqueAfterNormalization(TextColumn):
    type = "expect_column_values_to_be_unique_after_normalization"
    summary = ("Texts occur once after normalising case, full-width forms and white space; every copy "
               "of a repeated text is unexpected.")
    default_concern = "uniqueness.value"


class LabelKwargs(MapKwargs):
    label_column: str = Field(min_length=1)


class ExpectLabelsToBeConsistent(TextColumn):
    """Rows whose (normalised) text occurs with more than one label are unexpected; rows without a
    text or a label are not considered. Evidence: the conflicting texts, with their row counts."""

    type = "expect_labels_to_be_consistent"
    summary = "Identical texts (after normalisation) carry one label; every row of a conflicting text is unexpected."
    default_concern = "consistency.label"
    Kwargs = LabelKwargs

    def bind(self) -> None:
        super().bind()
        self.label = self.column(self.kw.label_column, "label_column")

    def rows_considered(self) -> Condition:
        return Condition(f"{self.col} IS NOT NULL AND {self.label} IS NOT NULL")

    def repeated(self) -> str:
        return f"min({self.label}) <> max({self.label})"  # two labels at least; cheaper than count(DISTINCT)

    def repeated_over(self, partition: str, frame: RowFrame) -> str:
        window = f"(PARTITION BY {partition})"
        return f"min({self.label}) OVER {window} <> max({self.label}) OVER {window}"

    def metrics(self) -> list[Metric]:
        self.m_rows = self.scope.aggregate("count(*)", label="row_count")
        # The elements in question: rows with both a text and a label.
        self.m_nonnull = self.scope.aggregate("count(*)", where=self.rows_considered(), label="labelled_texts")
        self.m_unexpected = self.unexpected_count_metric()
        return [self.m_rows, self.m_nonnull, self.m_unexpected]


EXPECTATIONS = [ExpectColumnValuesToNotBeBlank, ExpectColumnValueTokenCountsToBeBetween,
                ExpectColumnValuesToBeUniqueAfterNormalization, ExpectLabelsToBeConsistent]
