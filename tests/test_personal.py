"""Personal-information detectors against independent Python references (checksums computed here,
addresses parsed by Python's ipaddress), exact counts on hand-built rows, and masking: no detected
value ever appears whole in a result, a card or a rendering."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import random
import re

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import dsbench
from tests.conftest import run_cli

TYPE = "expect_column_values_to_not_contain_personal_information"
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_check(first17: str) -> str:
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


def valid_id(region: str, born: dt.date, sequence: str) -> str:
    first17 = f"{region}{born:%Y%m%d}{sequence}"
    return first17 + id_check(first17)


def luhn_ok(number: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(number)):
        d = int(char)
        if i % 2 == 1:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return total % 10 == 0


def luhn_complete(prefix: str) -> str:
    return next(prefix + str(d) for d in range(10) if luhn_ok(prefix + str(d)))


def python_detections(text: str) -> dict[str, list[str]]:
    """The detectors' rules, written again in Python."""
    runs = re.findall(r"[0-9]+[Xx]?", text)
    digits = re.findall(r"[0-9]+", text)

    def real_id(x: str) -> bool:
        if not re.fullmatch(r"[1-9][0-9]{16}[0-9Xx]", x) or x[6:8] not in ("18", "19", "20"):
            return False
        try:
            dt.datetime.strptime(x[6:14], "%Y%m%d")
        except ValueError:
            return False
        return id_check(x[:17]) == x[17].upper()

    def ipv4(x: str) -> bool:
        return bool(re.fullmatch(r"[0-9]{1,3}(\.[0-9]{1,3}){3}", x)) and all(int(o) <= 255 for o in x.split("."))

    def ipv6(x: str) -> bool:
        try:
            ipaddress.IPv6Address(x)
        except ValueError:
            return False
        groups = [g for g in re.split(":+", x) if g]
        return len(groups) >= 2 and any(len(g) >= 3 for g in groups)

    return {
        "email": re.findall(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", text),
        "prc_mobile": [x for x in digits if re.fullmatch(r"1[3-9][0-9]{9}", x)],
        "prc_resident_id": [x for x in runs if real_id(x)],
        "bank_card": [x for x in digits if 16 <= len(x) <= 19 and luhn_ok(x)],
        "ipv4": [x for x in re.findall(r"[0-9.]+", text) if ipv4(x)],
        "ipv6": [x for x in re.findall(r"[0-9A-Fa-f:]+", text) if ipv6(x)],
    }


GOOD_ID = valid_id("110105", dt.date(1949, 12, 31), "002")
ROWS = {
    f"身份证{GOOD_ID}，电话13812345678": {"prc_resident_id", "prc_mobile"},
    f"id {GOOD_ID[:-1]}{'0' if GOOD_ID[-1] != '0' else '1'} has a wrong check character": set(),
    f"born on 30 February: {valid_id('110105', dt.date(1999, 3, 1), '123')[:10]}0230123X": set(),
    f"too old: {valid_id('110105', dt.date(1799, 5, 5), '123')}": set(),
    f"region 0: {valid_id('010105', dt.date(1990, 5, 5), '123')}": set(),
    f"card {luhn_complete('411111111111111')} ok": {"bank_card"},
    f"card {luhn_complete('411111111111111')[:-1]}{(int(luhn_complete('411111111111111')[-1]) + 1) % 10}": set(),
    "call 138123456789 (12 digits) or 1381234567 (10)": set(),
    "write to a.b-c@mail.example.cn": {"email"},
    "host 192.168.1.20, not 999.1.1.1 nor 1.2.3": {"ipv4"},
    "v6 fe80::1ff:fe23:4567:890a; std::map at 12:30:45": {"ipv6"},
    "full 2001:0db8:0000:0000:0000:ff00:0042:8329": {"ipv6"},
    "nothing to see": set(),
    "": set(),
}


@pytest.fixture(scope="module")
def text_table():
    return pa.table({"s": list(ROWS) + [None]})


def outcome_of(table, **kwargs):
    result = dsbench.validate(table, [{"type": TYPE, "kwargs": {"column": "s", **kwargs}}])
    outcome = result.results[0].outcome
    assert outcome.exception is None, outcome.exception
    return outcome


def test_hand_built_rows_give_exact_counts(text_table):
    outcome = outcome_of(text_table)
    flagged = [row for row, kinds in ROWS.items() if kinds]
    assert outcome.result["unexpected_count"] == len(flagged) == 6
    assert outcome.result["element_count"] == len(ROWS) + 1 and outcome.result["missing_count"] == 1
    expected = {kind: sum(kind in kinds for kinds in ROWS.values())
                for kind in ("email", "prc_mobile", "prc_resident_id", "bank_card", "ipv4", "ipv6")}
    assert outcome.result["details"]["rows_with"] == expected
    # The Python reference agrees row by row.
    for row, kinds in ROWS.items():
        assert {k for k, found in python_detections(row).items() if found} == kinds, row


@pytest.mark.parametrize("kinds", [["prc_resident_id"], ["email", "ipv4"], ["bank_card", "prc_mobile"]])
def test_only_the_kinds_asked_for(text_table, kinds):
    outcome = outcome_of(text_table, kinds=kinds)
    assert set(outcome.result["details"]["rows_with"]) == set(kinds)
    assert outcome.result["unexpected_count"] == sum(bool(set(kinds) & k) for k in ROWS.values())


def random_text(rng: random.Random) -> str:
    """Text with numbers and addresses of every kind, valid or nearly so."""
    pieces = []
    for _ in range(rng.randint(0, 4)):
        choice = rng.randrange(8)
        if choice == 0:
            born = dt.date(rng.randint(1780, 2030), rng.randint(1, 12), rng.randint(1, 28))
            number = valid_id(f"{rng.randint(0, 999999):06d}", born, f"{rng.randint(0, 999):03d}")
            pieces.append(number if rng.random() < 0.6 else number[:17] + rng.choice("0123456789X"))
        elif choice == 1:
            pieces.append(f"1{rng.randint(0, 9)}{rng.randint(0, 10**9 - 1):09d}")
        elif choice == 2:
            number = luhn_complete("".join(rng.choice("0123456789") for _ in range(rng.randint(14, 19))))
            pieces.append(number if rng.random() < 0.6 else number[:-1] + rng.choice("0123456789"))
        elif choice == 3:
            pieces.append(".".join(str(rng.randint(0, 300)) for _ in range(4)))
        elif choice == 4:
            pieces.append(str(ipaddress.IPv6Address(rng.getrandbits(128))))
        elif choice == 5:
            pieces.append(f"{rng.choice(['x', 'ab.c', 'Q_9'])}@{rng.choice(['mail', 'a-b'])}.{rng.choice(['cn', 'com', 'x'])}")
        elif choice == 6:
            pieces.append(str(rng.randint(0, 10**20)))
        else:
            pieces.append(rng.choice(["std::map", "12:30:45", "a::b", "文本", "  "]))
    return rng.choice([" ", ", ", "；", "/"]).join(pieces)


@pytest.mark.parametrize("rows", [3_000, 25_000])  # 25,000 rows of repeated values: grouped path
def test_random_text_matches_the_python_reference(tmp_path, rows):
    rng = random.Random(rows)
    distinct = [random_text(rng) for _ in range(3_000 if rows == 3_000 else 300)]
    values = distinct if rows == 3_000 else [distinct[i % len(distinct)] for i in range(rows)]
    path = tmp_path / "text.parquet"
    pq.write_table(pa.table({"s": values}), path)
    result = dsbench.validate(path, [{"type": TYPE, "kwargs": {"column": "s"}}])
    outcome = result.results[0].outcome
    found = [python_detections(v) for v in values]
    assert outcome.result["unexpected_count"] == sum(any(f.values()) for f in found)
    assert outcome.result["details"]["rows_with"] == {k: sum(bool(f[k]) for f in found) for k in found[0]}
    assert all(outcome.result["details"]["rows_with"].values())  # every kind occurs
    grouped = any("GROUP BY" in q.sql for q in result.plan.queries)
    assert grouped == (rows == 25_000)


def test_no_detected_value_appears_whole_in_any_output(tmp_path, text_table):
    data = tmp_path / "pii.parquet"
    pq.write_table(text_table, data)
    suite = tmp_path / "pii.yaml"
    suite.write_text(json.dumps({"name": "pii", "expectations": [{"type": TYPE, "kwargs": {"column": "s"}}]}))
    secrets = {d for row in ROWS for found in python_detections(row).values() for d in found}
    assert len(secrets) >= 7

    run = run_cli("validate", data, "--suite", suite, "-o", tmp_path / "v.json")
    assert run.code == 1, run.err
    outputs = [run.out, (tmp_path / "v.json").read_text()]
    document = json.loads(outputs[1])
    sample = document["results"][0]["result"]["partial_unexpected_list"]
    assert "138****5678" in sample[0] and f"{GOOD_ID[:6]}********{GOOD_ID[-4:]}" in sample[0]

    card = tmp_path / "card"
    run = run_cli("evaluate", data, "--standard", "tc609-5-2025-04", "--suite", suite,
                  "--format", "html,md,junit,dqv,badge", "-o", card)
    assert run.code in (0, 1), run.err
    outputs += [run.out] + [p.read_text() for p in card.iterdir()]
    assert len(outputs) >= 8
    for text in outputs:
        for secret in secrets:
            assert secret not in text, secret
