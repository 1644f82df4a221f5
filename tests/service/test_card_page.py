"""The card page explains its score, against a real ``dsbench serve`` over SQLite and PostgreSQL: an
organisation evaluates a table with known defects (ten codes off their format, eight readings
missing) and publishes the card, and keeps a second such table's card private. The page lists the
gates with their thresholds, every dimension and indicator with its weight and share, and the weakest
indicators first — the order the card JSON gives — each with the expectations that failed, their
column, their unexpected count (the count the test makes itself from the CSV), sample values and a
link to the failing rows, in English and Chinese. The failing rows download as exactly the bad rows,
to whoever may see the card: everyone once published; for a private card, its organisation's
members, and the 404 page to anyone else. Then headless Chromium loads the page in both languages."""

from __future__ import annotations

import csv
import io
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from markupsafe import escape

from dsbench.i18n import percent_text, t
from dsbench.service.pages import CSP
from tests.devtools import WIDTH
from tests.service.live import Api, LiveService, upload_directory, wait_for
from tests.service.test_pages import INSPECT, assert_sound_page
from tests.service.test_signin import sign_in

STANDARD = "gbt-36344-2018"
LANGS = ("en", "zh")
ROWS = 200
FORMAT = re.compile(r"AB-\d{4}")
FORMAT_ID = "generated-data-table:data.table.code.format"
NULL_ID = "generated-data-table:data.table.reading.not_null"


@dataclass
class World:
    service: LiveService
    org: str
    published: str     # the digest of the published card
    private: str       # the digest of the private card
    csv_rows: list[dict[str, str]]  # the published table, as the csv module reads it
    member: str        # a member of the organisation (user name; the password is PASSWORD)
    outsider: str      # a member of another organisation
    password: str
    plain: str         # the digest of a private card evaluated without keeping its failing rows


def _table(directory: Path, salt: str) -> Path:
    """A table whose every 20th code is off the AB-0000 format and every 25th reading is missing."""
    directory.mkdir(parents=True)
    lines = ["id,code,reading,batch"]
    for i in range(1, ROWS + 1):
        code = f"bad-{i}" if i % 20 == 0 else f"AB-{i:04d}"
        lines.append(f"{i},{code},{'' if i % 25 == 0 else (i * 7) % 11},{salt}")
    (directory / "items.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return directory


def _user(service: LiveService, org: str, user: str, password: str) -> None:
    admin = service.admin
    if admin.get(f"/api/v1/orgs/{org}").status_code == 404:
        assert admin.post("/api/v1/orgs", json={"name": org, "title": org}).status_code == 201
    assert admin.post("/api/v1/users", json={"name": user, "password": password}).status_code == 201
    assert admin.put(f"/api/v1/orgs/{org}/members/{user}", json={"role": "publisher"}).status_code == 200


def _card(api: Api, org: str, dataset: str, rows: bool = True) -> str:
    answer = api.post(f"/api/v1/orgs/{org}/evaluations", json={"dataset": dataset, "version": "v1",
                                                               "failing_rows": rows,
                                                               "standard": STANDARD})
    assert answer.status_code == 202, answer.text
    done = wait_for(api, answer.headers["location"], timeout=300)
    assert done["state"] == "succeeded", done
    return done["card"]


@pytest.fixture(scope="module")
def world(service, tmp_path_factory) -> World:
    org, other = f"cardpage-{secrets.token_hex(4)}", f"cardpagex-{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(12)
    _user(service, org, f"{org}-pub", password)
    _user(service, other, f"{other}-pub", password)
    token = service.admin.post(f"/api/v1/users/{org}-pub/tokens", json={"name": "tests"}).json()["secret"]
    api = Api(service.url, token)
    scratch = tmp_path_factory.mktemp("card-page-data")
    shown = _table(scratch / "shown", secrets.token_hex(6))
    upload_directory(api, org, "items", "v1", shown)
    upload_directory(api, org, "kept", "v1", _table(scratch / "kept", secrets.token_hex(6)))
    upload_directory(api, org, "plain", "v1", _table(scratch / "plain", secrets.token_hex(6)))
    published, private, plain = _card(api, org, "items"), _card(api, org, "kept"), _card(api, org, "plain", False)
    assert len({published, private, plain}) == 3
    assert api.put(f"/api/v1/orgs/{org}/cards/{published}/publication").status_code == 200
    with open(shown / "items.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return World(service, org, published, private, rows, f"{org}-pub", f"{other}-pub", password, plain)


def public(world: World) -> httpx.Client:
    return httpx.Client(base_url=world.service.url, timeout=60)


def signed_in(world: World, user: str) -> httpx.Client:
    client = public(world)
    assert sign_in(client, name=user, password=world.password).status_code == 303
    return client


def section(text: str, name: str) -> str:
    """The HTML of the page's section labelled ``name``."""
    found = re.search(rf'<section aria-labelledby="{name}">(.*?)</section>', text, re.S)
    assert found, name
    return found.group(1)


def fix_row(text: str, result_id: str) -> str:
    """The row of the fix-it list that names ``result_id``."""
    rows = [row for row in re.findall(r"<tr class=\"\w+\">(.*?)</tr>", section(text, "fix"), re.S) if result_id in row]
    assert len(rows) == 1, result_id
    return rows[0]


def weakest_codes(document: dict) -> list[str]:
    """The codes of the card's five lowest-scored indicators below the full score, lowest first
    (ties by code), from the card JSON."""
    scale = document.get("scale", 100)
    scored = [(i["score"], i["code"]) for d in document["dimensions"] for i in d["indicators"]
              if i["score"] is not None and i["score"] < scale]
    return [code for _, code in sorted(scored)[:5]]


# ---------------------------------------------------------------------------------------- the page

@pytest.mark.parametrize("lang", LANGS)
def test_the_page_explains_the_score(world, lang):
    answer = public(world).get(f"/cards/{world.published}", params={"lang": lang})
    assert answer.status_code == 200
    assert answer.headers["content-security-policy"] == CSP
    text = answer.text
    assert " style=" not in text and "<script" not in text and "<style" not in text
    assert (t("web_fix", "zh") in text) == (lang == "zh") and t("web_fix", lang) in text
    document = public(world).get(f"/api/v1/cards/{world.published}.json").json()

    # The weakest indicators first, in the card's order.
    listed = re.findall(r'<li id="fix-(\w+)">', section(text, "fix"))
    assert listed == weakest_codes(document) and listed, listed
    format_indicator = next(i["code"] for d in document["dimensions"] for i in d["indicators"]
                            if any(r["id"] == FORMAT_ID for r in i["results"]))
    assert format_indicator in listed

    # Each failed expectation: its column, its unexpected rows (counted here from the CSV), samples.
    bad_codes = [row["code"] for row in world.csv_rows if not FORMAT.fullmatch(row["code"])]
    missing = sum(1 for row in world.csv_rows if row["reading"] == "")
    assert (len(bad_codes), missing) == (10, 8)
    row = fix_row(text, FORMAT_ID)
    assert "table.code" in row and "expect_column_values_to_match_regex" in row
    assert t("web_rows_unexpected", lang, n=len(bad_codes), total=len(world.csv_rows)) in row
    assert sum(f"<code>{value}</code>" in row for value in bad_codes) == 5  # five of them, as samples
    assert f'href="/cards/{world.published}/failing-rows/' in row
    row = fix_row(text, NULL_ID)
    assert "table.reading" in row and t("web_rows_unexpected", lang, n=missing, total=len(world.csv_rows)) in row

    # The gates with their thresholds, the dimensions with their weights and shares.
    gates = section(text, "why")
    for gate in document["gates"]:
        severity = gate["type"] == "no_failed_severity"
        assert f">{t(gate['threshold'], lang) if severity else format(gate['threshold'], 'g')}<" in gates
    assert gates.count("pill pass") + gates.count("pill fail") == len(document["gates"])
    dims = section(text, "dims")
    for dimension in document["dimensions"]:
        assert f'id="dim-{dimension["code"]}"' in dims
        for indicator in dimension["indicators"]:
            row = re.search(rf'<tr id="ind-{indicator["code"]}">(.*?)</tr>', dims, re.S).group(1)
            assert f'<td class="num">{indicator["weight"]:g}</td>' in row
            assert f'<td class="num">{percent_text(indicator["effective_weight"], lang)}</td>' in row
            for key in ("a", "b"):  # its A and B as the standard words them (in English)
                assert indicator.get(key) is None or f"{key.upper()}: {escape(indicator[key])}" in row


def test_failing_rows_download_as_exactly_the_bad_rows(world):
    import pyarrow.parquet as pq

    text = public(world).get(f"/cards/{world.published}").text
    href = re.search(r'href="([^"]+)"', fix_row(text, FORMAT_ID)).group(1)
    answer = public(world).get(href)
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/vnd.apache.parquet"
    assert "attachment" in answer.headers["content-disposition"]
    rows = pq.read_table(io.BytesIO(answer.content)).to_pylist()
    expected = [(number, int(row["id"]), row["code"]) for number, row in enumerate(world.csv_rows, 1)
                if not FORMAT.fullmatch(row["code"])]
    assert [(r["dsbench_row_number"], r["id"], r["code"]) for r in rows] == expected
    assert public(world).get(f"/cards/{world.published}/failing-rows/no-such-file.parquet").status_code == 404


def test_without_the_option_no_rows_are_kept(world):
    """An evaluation asked without ``failing_rows`` keeps none: its page lists the failed checks with
    no download."""
    page = signed_in(world, world.member).get(f"/cards/{world.plain}").text
    assert NULL_ID in fix_row(page, NULL_ID) and "/failing-rows/" not in page


def test_a_private_cards_rows_show_only_to_its_organisation(world):
    member = signed_in(world, world.member)
    page = member.get(f"/cards/{world.private}")
    assert page.status_code == 200
    href = re.search(r'href="([^"]+)"', fix_row(page.text, FORMAT_ID)).group(1)
    assert href.startswith(f"/cards/{world.private}/failing-rows/")
    assert member.get(href).status_code == 200 and member.get(href).content.startswith(b"PAR1")
    for stranger in (public(world), signed_in(world, world.outsider)):
        for path in (f"/cards/{world.private}", href):
            answer = stranger.get(path)
            assert answer.status_code == 404 and answer.headers["content-type"].startswith("text/html"), path
            assert world.private not in answer.text


def test_a_private_cards_files_show_only_to_its_organisation(world):
    """A private card's page links its files to addresses that answer the session (the API's answer
    only a token): each is the API's bytes; strangers get the 404 page. A published card's page
    links the API's permanent addresses."""
    member = signed_in(world, world.member)
    page = member.get(f"/cards/{world.private}").text
    links = re.findall(rf'href="(/cards/{world.private}/files/[^"]+)"', page)
    assert {link.rsplit("/", 1)[1] for link in links} == \
        {"card.json", "card.html", "card.zh.html", "card.md", "card.jsonld", "badge.svg", "junit.xml"}
    token = world.service.admin.post(f"/api/v1/users/{world.member}/tokens", json={"name": "files"}).json()["secret"]
    api = Api(world.service.url, token)
    suffixes = {"card.json": ".json", "card.html": ".html", "card.zh.html": ".html?lang=zh", "card.md": ".md",
                "card.jsonld": ".jsonld", "badge.svg": ".svg", "junit.xml": ".xml"}
    for link in links:
        answer = member.get(link)
        reference = api.get(f"/api/v1/cards/{world.private}{suffixes[link.rsplit('/', 1)[1]]}")
        assert answer.status_code == 200 and answer.content == reference.content, link
        assert answer.headers["content-type"] == reference.headers["content-type"]
        for stranger in (public(world), signed_in(world, world.outsider)):
            assert stranger.get(link).status_code == 404
    assert member.get(f"/cards/{world.private}/files/other.txt").status_code == 404
    shown = public(world).get(f"/cards/{world.published}").text
    assert f"/cards/{world.published}/files/" not in shown and f'href="/api/v1/cards/{world.published}.json"' in shown


# ---------------------------------------------------------------------------------------- in a browser

@pytest.mark.parametrize("lang", LANGS)
def test_the_page_in_a_browser(world, chromium, lang):
    chromium.viewport(WIDTH, 1000)
    since = chromium.navigate(f"{world.service.url}/cards/{world.published}?lang={lang}")
    seen = chromium.evaluate(INSPECT)
    assert seen["readyState"] == "complete" and seen["lang"] == ("zh-CN" if lang == "zh" else "en")
    assert seen["stylesheets"] == 1 and t("web_fix", lang) in seen["body"]
    assert_sound_page(chromium, seen, since, chromium.errors(since), world.service, f"card-explained-{lang}")
