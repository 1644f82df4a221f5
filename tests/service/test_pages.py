"""The service's public web pages, over SQLite and PostgreSQL, against a real ``dsbench serve``: an
organisation publishes penguins (against gbt-36344-2018) and two versions of a small table, and
keeps two cards private (another dataset, and another version of penguins). Every page answers in
both languages with the Content-Security-Policy; the leaderboard sorts, filters and downloads as
CSV; no private card, dataset or version shows anywhere. Then headless Chromium (one per module,
tests/devtools.py) loads every page in both languages: no console error, no failed request, nothing
from another host, every form field labelled, headings in order; a full-page screenshot of each is
saved under tests/artifacts/. Each page's server time (median of 10, from its Server-Timing) is
printed and written there too."""

from __future__ import annotations

import csv
import io
import json
import re
import secrets
import statistics
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from dsbench.i18n import t
from dsbench.service.pages import CSP
from tests.devtools import MAX_HEIGHT, WIDTH
from tests.service.live import Api, LiveService, upload_directory, wait_for

ROOT = Path(__file__).resolve().parents[2]
PENGUINS = ROOT / "datasets" / "penguins"
ARTIFACTS = ROOT / "tests" / "artifacts"
STANDARD = "gbt-36344-2018"
LANGS = ("en", "zh")
PAGE_NAMES = ("home", "standard", "leaderboard", "dataset", "card", "not_found")
# A word of each page that only its Chinese version shows.
CHINESE = {"home": "web_latest", "standard": "dimensions", "leaderboard": "leaderboard", "dataset": "web_history",
           "card": "web_downloads", "not_found": "web_not_found"}
CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class World:
    service: LiveService
    org: str
    penguins: str            # the digest of the published penguins card
    small: list[str]         # the digests of the published small table, v1 then v2
    hidden: dict[str, str]   # what must never show -> why (digests, a dataset name, a version label)
    hidden_digests: list[str] = field(default_factory=list)
    public: Api = None

    def paths(self) -> dict[str, str]:
        return {"home": "/", "standard": f"/standards/{STANDARD}", "leaderboard": f"/leaderboards/{STANDARD}",
                "dataset": f"/datasets/{self.org}/penguins", "card": f"/cards/{self.penguins}",
                "not_found": f"/cards/{self.hidden_digests[0]}"}


def _table(directory: Path, rows: int, salt: str) -> Path:
    directory.mkdir(parents=True)
    lines = ["id,reading,unit"] + [f"{i},{(i * 7) % 11 if i % 5 else ''},{'kg' if i % 3 else ''}"
                                  for i in range(1, rows + 1)]
    (directory / "readings.csv").write_text("\n".join(lines + [f"{rows + 1},0,{salt}"]) + "\n", encoding="utf-8")
    return directory


def _evaluate(api: Api, org: str, dataset: str, version: str) -> str:
    answer = api.post(f"/api/v1/orgs/{org}/evaluations", json={"dataset": dataset, "version": version,
                                                               "standard": STANDARD})
    assert answer.status_code == 202, answer.text
    return answer.headers["location"]


@pytest.fixture(scope="module")
def world(service, tmp_path_factory) -> World:
    org = f"pages-{secrets.token_hex(4)}"
    secret = f"secret-{secrets.token_hex(4)}"
    publisher = service.member(org, f"{org}-pub", "publisher")
    scratch = tmp_path_factory.mktemp("pages-data")
    salt = secrets.token_hex(6)  # the small tables' cards are this test's own, never another's
    upload_directory(publisher, org, "penguins", "v1", PENGUINS)
    upload_directory(publisher, org, "penguins", "v-private", _table(scratch / "private", 30, salt))
    upload_directory(publisher, org, "small", "v1", _table(scratch / "small1", 20, salt))
    upload_directory(publisher, org, "small", "v2", _table(scratch / "small2", 60, salt + "x"))
    upload_directory(publisher, org, secret, "v1", _table(scratch / "secret", 40, salt))
    locations = [_evaluate(publisher, org, dataset, version) for dataset, version in
                 (("penguins", "v1"), ("small", "v1"), ("small", "v2"), ("penguins", "v-private"), (secret, "v1"))]
    digests = []
    for location in locations:
        done = wait_for(publisher, location, timeout=300)
        assert done["state"] == "succeeded", done
        digests.append(done["card"])
    for digest in digests[:3]:  # penguins v1, small v1 and v2; the last two stay private
        assert publisher.put(f"/api/v1/orgs/{org}/cards/{digest}/publication").status_code == 200
    hidden = {digests[3]: "the private penguins card", digests[4]: "the private dataset's card",
              secret: "the private dataset", "v-private": "the private version"}
    assert len(set(digests)) == 5
    return World(service, org, digests[0], digests[1:3], hidden, digests[3:], service.admin.as_(None))


def get(world: World, path: str, lang: str | None = None, **headers: str):
    return world.public.get(path, params={"lang": lang} if lang else None, headers=headers)


# -------------------------------------------------------------------------------------- answers

@pytest.mark.parametrize("lang", LANGS)
def test_every_page_answers_in_both_languages(world, lang):
    for page, path in world.paths().items():
        answer = get(world, path, lang)
        assert answer.status_code == (404 if page == "not_found" else 200), (page, answer.status_code)
        assert answer.headers["content-type"] == "text/html; charset=utf-8"
        assert answer.headers["content-security-policy"] == CSP
        # script only from the site's own files (the upload page's; none of these pages has any), never inline
        assert "'unsafe-inline'" not in CSP and "'unsafe-eval'" not in CSP and "script-src 'self';" in CSP
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in answer.text, page
        assert "<script" not in answer.text and " style=" not in answer.text and "<style" not in answer.text
        chinese = t(CHINESE[page], "zh")
        assert (chinese in answer.text) == (lang == "zh"), (page, lang, chinese)
        assert not re.findall(r'(?:src|href)="(?:https?:)?//', answer.text), page  # nothing from another host
    assert get(world, "/static/site.css").headers["content-type"].startswith("text/css")


def test_the_language_follows_accept_language_and_defaults_to_english(world):
    def lang_of(**headers: str) -> str:
        return re.search(r'<html lang="([^"]+)">', get(world, "/", **headers).text).group(1)

    assert lang_of() == "en"
    assert lang_of(**{"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}) == "zh-CN"
    assert lang_of(**{"Accept-Language": "fr-FR, en;q=0.5, zh;q=0.4"}) == "en"
    assert lang_of(**{"Accept-Language": "en;q=0.2, zh-TW;q=0.7"}) == "zh-CN"
    assert lang_of(**{"Accept-Language": "fr"}) == "en"
    zh = get(world, "/", "zh", **{"Accept-Language": "en"})  # the URL wins
    assert '<html lang="zh-CN">' in zh.text and 'href="/standards/gbt-36344-2018?lang=zh"' in zh.text


def test_unknown_pages_answer_the_404_page_and_the_api_keeps_problems(world):
    for path in ("/nowhere", "/standards/no-such-standard", "/leaderboards/no-such-standard",
                 "/leaderboards/no-such-standard.csv", f"/datasets/{world.org}/no-such-dataset",
                 "/datasets/no-such-org/penguins", "/cards/sha256:" + "0" * 64, "/cards/not-a-digest"):
        answer = get(world, path, **{"Accept-Language": "zh"})
        assert answer.status_code == 404 and answer.headers["content-type"].startswith("text/html"), path
        assert answer.headers["content-security-policy"] == CSP and t("web_not_found", "zh") in answer.text
    api = get(world, "/api/v1/nowhere")
    assert api.status_code == 404 and api.headers["content-type"] == "application/problem+json"


def test_pages_show_the_published_cards(world):
    home = get(world, "/").text
    assert world.penguins in home or f"/datasets/{world.org}/penguins" in home  # the latest cards
    assert all(f"/standards/{s['id']}" in home for s in get(world, "/api/v1/standards").json())
    standard = get(world, f"/standards/{STANDARD}", "zh").text
    assert "规范性" in standard and "数据标准" in standard and "0101" in standard  # a dimension, an indicator
    dataset = get(world, f"/datasets/{world.org}/penguins").text
    assert world.penguins in dataset and f"/api/v1/cards/{world.penguins}.svg" in dataset
    assert f"/api/v1/cards/{world.penguins}.json" in dataset and "dsbench verify card.json" in dataset
    small = get(world, f"/datasets/{world.org}/small").text
    assert all(digest in small for digest in world.small) and small.count("<circle") == 2  # two versions charted
    card = get(world, f"/cards/{world.penguins}").text
    document = get(world, f"/api/v1/cards/{world.penguins}.json").json()
    assert world.penguins in card and f"/api/v1/cards/{world.penguins}.html" in card
    assert f"{document['score']:.1f}" in card and f">{document['grade']}" in card


# -------------------------------------------------------------------------------------- leaderboard

class _Board(HTMLParser):
    """The rows of the leaderboard table (#board): each a list of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._in_board = self._in_body = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "table" and ("id", "board") in attrs:
            self._in_board = True
        elif self._in_board and tag == "tbody":
            self._in_body = True
        elif self._in_body and tag == "tr":
            self.rows.append([])
        elif self._in_body and tag == "td":
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._in_board = self._in_body = False

    def handle_data(self, text: str) -> None:
        if self._cell is not None:
            self._cell.append(text)


def board_rows(world: World, **params: str) -> list[list[str]]:
    parser = _Board()
    answer = world.public.get(f"/leaderboards/{STANDARD}", params=params)
    assert answer.status_code == 200
    parser.feed(answer.text)
    return parser.rows


def board_csv(world: World, **params: str) -> list[dict[str, str]]:
    answer = world.public.get(f"/leaderboards/{STANDARD}.csv", params=params)
    assert answer.status_code == 200 and answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in answer.headers["content-disposition"]
    return list(csv.DictReader(io.StringIO(answer.text)))


def test_the_leaderboard_ranks_sorts_filters_and_downloads(world):
    api = world.public.get(f"/api/v1/leaderboards/{STANDARD}").json()["rows"]
    rows = board_csv(world)
    assert [(r["org"], r["dataset"], r["version"], r["digest"]) for r in rows] == \
        [(r["org"], r["dataset"], r["version"], r["digest"]) for r in api]  # ranked as the API ranks
    mine = {(r["dataset"], r["version"]): r for r in rows if r["org"] == world.org}
    assert set(mine) == {("penguins", "v1"), ("small", "v1"), ("small", "v2")}
    scores = {digest: world.public.get(f"/api/v1/cards/{digest}.json").json()
              for digest in [world.penguins, *world.small]}
    for (dataset, version), row in mine.items():
        document = scores[row["digest"]]
        assert float(row["score"]) == document["score"] and row["grade"] == (document["grade"] or "")
        assert row["standard"] == STANDARD and row["passed"] == ("yes" if document["passed"] else "no")
        dims = {d["code"]: d["score"] for d in document["dimensions"]}
        assert {k[len("dimension_"):]: v for k, v in row.items() if k.startswith("dimension_")} == \
            {code: "" if value is None else repr(float(value)) for code, value in dims.items()}
    assert len(board_rows(world)) == len(rows)

    ranks = [int(r["rank"]) for r in rows if r["rank"]]
    assert ranks == sorted(ranks)
    by_dataset = board_csv(world, sort="dataset")
    assert [r["dataset"] for r in by_dataset] == sorted(r["dataset"] for r in rows)
    html_by_dataset = board_rows(world, sort="dataset")
    assert [cells[2] for cells in html_by_dataset] == [r["dataset"] for r in by_dataset]
    worst_first = [float(r["score"]) for r in board_csv(world, sort="score") if r["score"]]
    assert worst_first == sorted(worst_first) and len(worst_first) >= 3
    best_first = [float(r["score"]) for r in board_csv(world, sort="-score") if r["score"]]
    assert best_first == sorted(best_first, reverse=True)
    by_dimension = [r["dimension_01"] for r in board_csv(world, sort="-d01") if r["dimension_01"]]
    assert [float(v) for v in by_dimension] == sorted((float(v) for v in by_dimension), reverse=True)

    grade = scores[world.penguins]["grade"]
    filtered = board_csv(world, grade=grade)
    assert filtered and all(r["grade"] == grade for r in filtered)
    assert ("penguins", "v1") in {(r["dataset"], r["version"]) for r in filtered if r["org"] == world.org}
    assert len(board_rows(world, grade=grade)) == len(filtered)
    others = [g for g in "ABCD" if g != grade]
    assert all(world.penguins not in [r["digest"] for r in board_csv(world, grade=g)] for g in others)
    assert len(board_csv(world, sort="no-such-column")) == len(rows)  # an unknown column: the ranking

    floor = next(d["score"] for d in scores[world.penguins]["dimensions"] if d["code"] == "02")
    strong = board_csv(world, dimension="02", min=repr(floor))
    assert [r["digest"] for r in strong] == [r["digest"] for r in rows
                                             if r["dimension_02"] and float(r["dimension_02"]) >= floor]
    assert world.penguins in [r["digest"] for r in strong]
    assert len(board_rows(world, dimension="02", min=repr(floor))) == len(strong)
    for ignored in ({"dimension": "99", "min": "1"}, {"dimension": "02", "min": "x"}, {"dimension": "02"}):
        assert len(board_csv(world, **ignored)) == len(rows)  # a filter it cannot apply: none


@pytest.fixture(scope="module")
def exported_kit(tmp_path_factory) -> dict[str, bytes]:
    """``dsbench conformance export``'s kit of STANDARD: its files' bytes by their name in the zip."""
    import subprocess
    import sys

    kit = tmp_path_factory.mktemp("kit") / "kit"
    subprocess.run([sys.executable, "-m", "dsbench", "conformance", "export", "--standard", STANDARD, "-o", str(kit)],
                   check=True, capture_output=True, timeout=300)
    return {f"{STANDARD}-conformance-kit/{p.relative_to(kit).as_posix()}": p.read_bytes()
            for p in kit.rglob("*") if p.is_file()}


def test_the_conformance_kit_downloads_as_the_command_writes_it(world, exported_kit):
    """The standard page's kit is ``dsbench conformance export``'s, file for file, byte for byte; a
    second download is the same zip (built once)."""
    import zipfile

    page = world.public.get(f"/standards/{STANDARD}")
    assert f'href="/standards/{STANDARD}/conformance-kit.zip"' in page.text
    answer = world.public.get(f"/standards/{STANDARD}/conformance-kit.zip")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/zip", answer.text[-600:]
    assert f'filename="{STANDARD}-conformance-kit.zip"' in answer.headers["content-disposition"]
    expected = exported_kit
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        assert {name: archive.read(name) for name in archive.namelist()} == expected
    assert any(name.endswith("/kit.json") for name in expected)
    assert world.public.get(f"/standards/{STANDARD}/conformance-kit.zip").content == answer.content
    assert world.public.get("/standards/no-such-standard/conformance-kit.zip").status_code == 404


# -------------------------------------------------------------------------------------- privacy

def test_no_private_card_dataset_or_version_shows_anywhere(world):
    paths = [*world.paths().values(), f"/leaderboards/{STANDARD}.csv", f"/datasets/{world.org}/small",
             *[f"/cards/{d}" for d in world.small], *[f"/leaderboards/{s}" for s in
                                                     ("iso-iec-25012", "iso-iec-5259-2", "tc609-5-2025-04")]]
    for lang in LANGS:
        for path in paths:
            text = get(world, path, lang).text
            for secret, what in world.hidden.items():
                assert secret not in text, f"{what} shows on {path} ({lang})"
    secret_dataset = next(s for s, what in world.hidden.items() if what == "the private dataset")
    for path in [f"/cards/{d}" for d in world.hidden_digests] + [f"/datasets/{world.org}/{secret_dataset}"]:
        answer = get(world, path)
        assert answer.status_code == 404 and "text/html" in answer.headers["content-type"], path
        assert all(d not in answer.text for d in world.hidden_digests)


# -------------------------------------------------------------------------------------- timings

def test_server_time_of_each_page(world, capsys):
    """The median of 10 requests of each page, as the server measured it (Server-Timing), printed
    and written to tests/artifacts/."""
    lines = []
    paths = {**world.paths(), "leaderboard_csv": f"/leaderboards/{STANDARD}.csv"}
    for page, path in paths.items():
        server, wall = [], []
        for _ in range(10):
            started = time.perf_counter()
            answer = get(world, path)
            wall.append((time.perf_counter() - started) * 1000)
            server.append(float(re.fullmatch(r"app;dur=([\d.]+)", answer.headers["server-timing"]).group(1)))
        lines.append(f"{world.service.kind:10} {page:16} server {statistics.median(server):7.1f} ms   "
                     f"round trip {statistics.median(wall):7.1f} ms")
        assert statistics.median(server) < 2000, lines[-1]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"page-timings-{world.service.kind}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with capsys.disabled():
        print("\n" + "\n".join(lines))


# -------------------------------------------------------------------------------------- in a browser

# What the test reads from a loaded page: its language, its headings' levels, the form fields
# without a label, and how far it overflows sideways.
INSPECT = """(() => {
  const rgba = text => { const v = text.match(/[\\d.]+/g).map(Number); return v.length > 3 ? v : [...v, 1]; };
  const luminance = ([r, g, b]) => [r, g, b].map(c => { c /= 255; return c <= 0.03928 ? c / 12.92
    : ((c + 0.055) / 1.055) ** 2.4; }).reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  const background = el => { for (; el; el = el.parentElement) { const c = rgba(getComputedStyle(el).backgroundColor);
    if (c[3] > 0) return c; } return [255, 255, 255, 1]; };
  // WCAG 2 AA: 4.5:1 for text, 3:1 for large text (24px, or 18.66px bold); text outside SVG charts.
  const lowContrast = [...document.body.querySelectorAll("*")].filter(el => !el.closest("svg")
    && [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()) && el.getClientRects().length)
    .map(el => { const style = getComputedStyle(el), bg = background(el), fg = rgba(style.color);
      const mixed = fg.slice(0, 3).map((c, i) => c * fg[3] + bg[i] * (1 - fg[3]));
      const [hi, lo] = [luminance(mixed), luminance(bg)].sort((a, b) => b - a);
      const size = parseFloat(style.fontSize), large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      return {text: el.textContent.trim().slice(0, 40), ratio: (hi + 0.05) / (lo + 0.05), need: large ? 3 : 4.5,
              color: style.color}; })
    .filter(found => found.ratio < found.need);
  const fields = [...document.querySelectorAll("input, select, textarea")]
    .filter(el => el.type !== "hidden" && el.type !== "submit" && el.type !== "button");
  const unlabelled = fields.filter(el => !(el.labels && el.labels.length) && !el.getAttribute("aria-label")
    && !el.getAttribute("aria-labelledby")).map(el => el.outerHTML);
  return {
    readyState: document.readyState, lang: document.documentElement.lang, title: document.title,
    headings: [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].map(h => Number(h.tagName[1])),
    fields: fields.length, unlabelled: unlabelled, stylesheets: document.styleSheets.length,
    body: document.body.innerText,
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth, lowContrast: lowContrast,
    height: document.documentElement.scrollHeight,
  };
})()"""


def network(chromium, since: int) -> tuple[list[str], list[str]]:
    """The URLs the page asked for since event ``since``, and the requests that failed (no answer, or
    an answer of 400 or more) other than the page itself."""
    asked, failed, documents = [], [], set()
    for event in chromium.events[since:]:
        method, params = event["method"], event.get("params", {})
        if event.get("sessionId") != chromium.session:
            continue
        if method == "Network.requestWillBeSent":
            asked.append(params["request"]["url"])
            if params.get("type") == "Document":
                documents.add(params["requestId"])
        elif method == "Network.loadingFailed":
            failed.append(f"{params.get('type')} {params.get('errorText')}")
        elif method == "Network.responseReceived" and params["response"]["status"] >= 400 \
                and params["requestId"] not in documents:
            failed.append(f"{params['response']['status']} {params['response']['url']}")
    return asked, failed


def _the_page_itself(event: dict, url: str) -> bool:
    """The browser's own note that the 404 page answered 404."""
    entry = event.get("params", {}).get("entry", {})
    return event["method"] == "Log.entryAdded" and entry.get("source") == "network" and entry.get("url") == url


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", PAGE_NAMES)
def test_every_page_in_a_browser(world, chromium, page, lang):
    url = f"{world.service.url}{world.paths()[page]}?lang={lang}"
    chromium.viewport(WIDTH, 1000)
    since = chromium.navigate(url)
    seen = chromium.evaluate(INSPECT)
    assert seen["readyState"] == "complete"
    assert seen["lang"] == ("zh-CN" if lang == "zh" else "en")
    assert seen["stylesheets"] == 1  # the site's stylesheet loaded (the CSP let it)
    assert (t(CHINESE[page], "zh") in seen["body"]) == (lang == "zh")

    errors = [e for e in chromium.errors(since) if not (page == "not_found" and _the_page_itself(e, url))]
    if page == "leaderboard":
        assert seen["fields"] == 4  # the grade and dimension filters, the minimum, the sort order
    assert_sound_page(chromium, seen, since, errors, world.service, f"{page}-{lang}")


def assert_sound_page(chromium, seen: dict, since: int, errors: list, service, name: str) -> None:
    """What every page must be in the browser: no console errors, no failed request, no request to
    another host, one h1 and no skipped heading level, every field labelled, every text's contrast
    with its background at least WCAG AA's, no sideways overflow;
    then its full-page screenshot, ``tests/artifacts/page-<name>-<database>.png``."""
    assert not errors, json.dumps(errors, ensure_ascii=False)[:2000]
    asked, failed = network(chromium, since)
    assert not failed, failed
    origin = urlsplit(service.url).netloc
    assert asked and all(urlsplit(u).netloc == origin for u in asked if not u.startswith("data:")), asked
    levels = seen["headings"]
    assert levels and levels[0] == 1 and levels.count(1) == 1, levels
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), f"a heading level is skipped: {levels}"
    assert not seen["unlabelled"], seen["unlabelled"]
    assert not seen["lowContrast"], f"text below WCAG AA contrast: {seen['lowContrast'][:5]}"
    assert seen["overflow"] <= 0, f"{name} is {seen['overflow']}px wider than the window"
    chromium.viewport(WIDTH, min(seen["height"] + 40, MAX_HEIGHT))
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"page-{name}-{service.kind}.png"
    shot.write_bytes(chromium.screenshot())
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 5_000


def test_the_browser_sees_a_csp_violation_and_a_failed_request(world, chromium, tmp_path):
    """The checks above can fail: an inline style the page's CSP blocks is an error, and a missing
    stylesheet a failed request."""
    page = tmp_path / "broken.html"
    page.write_text(f"<!DOCTYPE html><html><head><meta http-equiv='Content-Security-Policy' content=\"style-src "
                    f"{world.service.url}\"><link rel='stylesheet' href='{world.service.url}/static/missing.css'>"
                    "</head><body><style>p {}</style><p>x</p></body></html>", encoding="utf-8")
    since = chromium.navigate(page.as_uri())
    time.sleep(0.3)
    assert chromium.errors(since), "the blocked inline style was not reported"
    assert network(chromium, since)[1], "the missing stylesheet was not reported"
    faint = tmp_path / "faint.html"
    faint.write_text("<!DOCTYPE html><html><body><p>readable</p><p style='color:#aaa'>faint</p>"
                     "<h1 style='font-size:30px;color:#888'>large enough</h1></body></html>", encoding="utf-8")
    chromium.navigate(faint.as_uri())
    time.sleep(0.3)
    low = chromium.evaluate(INSPECT)["lowContrast"]
    assert [found["text"] for found in low] == ["faint"], low  # #aaa on white is 2.3:1; #888 at 30px is 3.5:1
