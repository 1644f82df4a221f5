"""A standards body's pages, over SQLite and PostgreSQL, against a real ``dsbench serve``: an
evaluator of a standards body opens a campaign, invites a publisher's published dataset, the
publisher submits another; the campaign's leaderboard shows their published cards (to anyone). In
the workspace a malformed draft is refused with every problem by field and nothing kept; a valid
draft (lenient grade bands) is saved, calibrated against the campaign's cards and compared with the
standard it revises: every dataset's score and grade under the draft equal those of a full
``dsbench evaluate`` of its file with the draft file (an independent path: the page rescored the
cards), and the grades that move are the ones listed. Members of other organisations get the 404
page, a publisher without the evaluator role 403, a form without its CSRF token changes nothing.
Then headless Chromium walks the pages in both languages."""

from __future__ import annotations

import html
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from dsbench.evaluation import evaluate
from dsbench.files import shipped
from dsbench.i18n import t
from tests.devtools import WIDTH
from tests.service.live import Api, LiveService, upload_directory, wait_for
from tests.service.test_pages import INSPECT, assert_sound_page
from tests.service.test_pages import _table
from tests.service.test_signin import CSRF, _user, sign_in

STANDARD = "gbt-36344-2018"
CELL = re.compile(r"<td(?: class=\"num\")?>(.*?)</td>", re.S)


@dataclass
class World:
    service: LiveService
    body: str             # the standards body's organisation
    pubs: str             # the publisher's
    password: str
    evaluator: str
    publisher: str
    files: dict[str, Path]    # dataset -> its one file
    cards: dict[str, dict]    # dataset -> its published card (the API's JSON document)
    private: str              # a dataset of the publisher with no published card


def _draft_text(levels: bool) -> str:
    """The shipped standard as a draft of its next version; with ``levels``, lenient grade bands
    (A from 60 points, B from 40, C from 20, with no floor on any indicator)."""
    text = (shipped("standards") / f"{STANDARD}.yaml").read_text(encoding="utf-8")
    text = text.replace('version: "2018"', 'version: "2026-draft"', 1)
    if levels:
        for grade, low in (("A", 60), ("B", 40), ("C", 20)):
            text = re.sub(rf"(- {{grade: {grade}, name: {{[^}}]*}}), min_score: [^}}]*}}", rf"\1, min_score: {low}}}",
                          text, count=1)
    return text


@pytest.fixture(scope="module")
def world(service, tmp_path_factory) -> World:
    body, pubs = f"body-{secrets.token_hex(4)}", f"pubs-{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(12)
    _user(service, body, f"{body}-eva", "evaluator", password)
    _user(service, pubs, f"{pubs}-pub", "publisher", password)
    token = service.admin.post(f"/api/v1/users/{pubs}-pub/tokens", json={"name": "tests"}).json()["secret"]
    api = Api(service.url, token)
    scratch = tmp_path_factory.mktemp("workspace-data")
    files, found = {}, {}
    for dataset, rows in (("clean", 40), ("sparse", 25), ("hidden", 10)):
        directory = _table(scratch / dataset, rows, secrets.token_hex(4))
        files[dataset] = directory / "readings.csv"
        upload_directory(api, pubs, dataset, "v1", directory)
        if dataset == "hidden":
            continue
        answer = api.post(f"/api/v1/orgs/{pubs}/evaluations", json={"dataset": dataset, "version": "v1",
                                                                     "standard": STANDARD})
        assert answer.status_code == 202, answer.text
        done = wait_for(api, answer.headers["location"], timeout=300)
        assert done["state"] == "succeeded", done
        assert api.put(f"/api/v1/orgs/{pubs}/cards/{done['card']}/publication").status_code == 200
        found[dataset] = api.get(f"/api/v1/cards/{done['card']}.json").json()
    return World(service, body, pubs, password, f"{body}-eva", f"{pubs}-pub", files, found, "hidden")


def client(world: World, user: str | None = None) -> httpx.Client:
    browser = httpx.Client(base_url=world.service.url, timeout=120, follow_redirects=False)
    if user:
        answer = sign_in(browser, name=user, password=world.password)
        assert answer.status_code == 303, answer.text
    return browser


def post_form(browser: httpx.Client, page: str, action: str, **fields: str) -> httpx.Response:
    """``fields`` sent to ``action`` with the CSRF token of the form on ``page``."""
    shown = browser.get(page)
    assert shown.status_code == 200, (page, shown.status_code)
    return browser.post(action, data={"csrf": CSRF.search(shown.text).group(1), **fields})


def _rows(page_html: str, name: str) -> list[list[str]]:
    """The cells of every table row that names ``name``."""
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", page_html, re.S):
        cells = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in CELL.findall(row)]
        if cells and cells[0] == name:
            rows.append(cells)
    return rows


@pytest.fixture(scope="module")
def campaign(world) -> str:
    evaluator = client(world, world.evaluator)
    name = f"camp-{secrets.token_hex(3)}"
    answer = post_form(evaluator, f"/orgs/{world.body}/workspace", f"/orgs/{world.body}/campaigns", name=name,
                       title="Open data 2026", standard=STANDARD)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"].endswith(f"/campaigns/{name}")
    return name


def test_a_campaign_is_opened_joined_and_ranked(world, campaign):
    evaluator, publisher = client(world, world.evaluator), client(world, world.publisher)
    page = f"/campaigns/{campaign}"
    invited = post_form(evaluator, page, page + "/datasets", dataset=f"{world.pubs}/clean")
    assert invited.status_code == 303, invited.text
    # A dataset without a published card cannot be invited: the same answer as one that does not exist.
    for missing in (f"{world.pubs}/{world.private}", f"{world.pubs}/no-such-dataset"):
        refused = post_form(evaluator, page, page + "/datasets", dataset=missing)
        assert refused.status_code == 422 and "dataset with a published card" in refused.text
    # The publisher submits its other dataset from the campaign's page (its own are offered there).
    shown = publisher.get(page).text
    assert f'<option value="{world.pubs}/sparse">' in shown and f'value="{world.pubs}/clean"' not in shown
    assert post_form(publisher, page, page + "/datasets", dataset=f"{world.pubs}/sparse").status_code == 303
    # Without its CSRF token the form changes nothing.
    assert publisher.post(page + "/datasets", data={"dataset": f"{world.pubs}/hidden"}).status_code == 403
    joined = evaluator.get(page).text
    assert f"{world.pubs}/clean" in joined and t("web_how_invited", "en") in joined
    assert f"{world.pubs}/sparse" in joined and t("web_how_submitted", "en") in joined
    assert f"{world.pubs}/hidden" not in joined
    # The leaderboard, to anyone: each card's score, ranked best first, and nothing else.
    public = client(world).get(page)
    assert public.status_code == 200
    ranked = sorted(world.cards.items(), key=lambda item: -item[1]["score"])
    cells = [cells for cells in (re.findall(r"<tr>(.*?)</tr>", public.text, re.S)) if world.pubs in cells]
    assert [dataset for dataset, _ in ranked] == [re.search(r">(clean|sparse)</a>", c).group(1) for c in cells]
    for dataset, card in world.cards.items():
        assert f"{card['score']:.1f}" in next(c for c in cells if f">{dataset}</a>" in c)
    assert t("web_campaign_datasets", "en") not in public.text  # who joined, and how: for its members only
    assert campaign in client(world).get("/campaigns").text
    # A dataset without a published card may be submitted by its publisher: counted, never named.
    assert post_form(publisher, page, page + "/datasets", dataset=f"{world.pubs}/hidden").status_code == 303
    for query in ({}, {"grade": "A"}, {"dimension": "02", "min": "100"}):  # filters do not change the count
        shown = client(world).get(page, params=query).text
        assert t("web_awaiting_cards", "en", n=1) in html.unescape(shown) and "hidden" not in shown, query


def test_a_campaign_is_run_by_evaluators_of_its_organisation(world, campaign):
    publisher = client(world, world.publisher)
    assert publisher.get(f"/orgs/{world.body}/workspace").status_code == 404  # not a member
    own = publisher.get(f"/orgs/{world.pubs}/workspace")
    assert own.status_code == 403  # a member, but a publisher: no standards workspace
    assert client(world).get(f"/orgs/{world.body}/workspace").status_code == 303  # signed out: sign in first
    evaluator = client(world, world.evaluator)
    before = evaluator.get("/campaigns").text.count("/campaigns/camp-")
    assert evaluator.post(f"/orgs/{world.body}/campaigns",
                          data={"name": "camp-nocsrf", "title": "x", "standard": STANDARD}).status_code == 403
    taken = post_form(evaluator, f"/orgs/{world.body}/workspace", f"/orgs/{world.body}/campaigns", name=campaign,
                      title="again", standard=STANDARD)
    assert taken.status_code == 409
    assert evaluator.get("/campaigns").text.count("/campaigns/camp-") == before


def test_a_malformed_draft_is_refused_field_by_field(world):
    evaluator = client(world, world.evaluator)
    workspace = f"/orgs/{world.body}/workspace"
    drafts_before = evaluator.get(workspace).text.count(f"/orgs/{world.body}/drafts/")
    bad = _draft_text(False).replace("scale: 100", "scale: lots", 1).replace("weight: ", "weight: -", 1)
    answer = post_form(evaluator, workspace, f"/orgs/{world.body}/drafts", text=bad)
    assert answer.status_code == 422
    problems = re.search(r'<table class="listing compact" id="problems">(.*?)</table>', answer.text, re.S).group(1)
    fields = [html.unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<code>(.*?)</code>", problems)]
    assert "scale" in fields and any(f.startswith("dimensions[0]") and f.endswith("weight") for f in fields), fields
    assert "lots" in answer.text  # the text is kept in the form, to correct it
    for text, where in (("id: [", "line "), ("just text", "")):
        answer = post_form(evaluator, workspace, f"/orgs/{world.body}/drafts", text=text)
        assert answer.status_code == 422 and where in answer.text
    assert evaluator.get(workspace).text.count(f"/orgs/{world.body}/drafts/") == drafts_before  # nothing kept


@pytest.fixture(scope="module")
def draft(world, campaign) -> str:
    """The address of a saved draft (lenient grade bands), with both published datasets in the campaign."""
    evaluator = client(world, world.evaluator)
    for dataset in world.cards:
        page = f"/campaigns/{campaign}"
        assert post_form(evaluator, page, page + "/datasets", dataset=f"{world.pubs}/{dataset}").status_code == 303
    saved = post_form(evaluator, f"/orgs/{world.body}/workspace", f"/orgs/{world.body}/drafts", text=_draft_text(True))
    assert saved.status_code == 303, saved.text
    return saved.headers["location"]


def test_a_draft_is_calibrated_and_compared_as_a_full_evaluation_scores_it(world, campaign, draft, tmp_path):
    evaluator = client(world, world.evaluator)
    text, draft_page = _draft_text(True), draft
    shown = evaluator.get(draft_page).text
    assert "2026-draft" in shown and f"{STANDARD} 2018" in shown  # what it revises
    # The independent reference: each dataset's file evaluated in full under the draft file.
    draft_file = tmp_path / "draft.yaml"
    draft_file.write_text(text, encoding="utf-8")
    expected = {dataset: evaluate(str(world.files[dataset]), str(draft_file)).document for dataset in world.cards}
    calibration = evaluator.get(f"{draft_page}/calibration", params={"campaign": campaign})
    assert calibration.status_code == 200, calibration.text
    assert t("web_report_scope_campaign", "en", n=2, title="Open data 2026") in html.unescape(calibration.text)
    for dataset, card in expected.items():
        cells = _rows(calibration.text, f"{world.pubs}/{dataset}@v1")[0]
        assert cells[1:3] == [f"{card['score']:.2f}", card["grade"] or "—"], (dataset, cells, card["score"])
    comparison = evaluator.get(f"{draft_page}/comparison", params={"campaign": campaign})
    assert comparison.status_code == 200
    moved = 0
    for dataset, card in expected.items():
        old, new = world.cards[dataset], card
        cells = _rows(comparison.text, f"{world.pubs}/{dataset}@v1")[0]
        assert cells[1].split()[:2] == [f"{old['score']:.2f}", old["grade"]]
        assert cells[2].split()[:2] == [f"{new['score']:.2f}", new["grade"]]
        moved += old["grade"] != new["grade"]
    assert moved >= 1  # the lenient bands moved a grade: the comparison shows which, and why
    assert t("same_score_new_bands", "en") in comparison.text
    # Over every published card of the standard: at least the campaign's two.
    everything = evaluator.get(f"{draft_page}/calibration")
    assert all(_rows(everything.text, f"{world.pubs}/{d}@v1") for d in world.cards)
    # Another organisation's draft is the 404 page, and so is a missing one.
    assert client(world, world.publisher).get(draft_page).status_code == 404
    assert evaluator.get(f"/orgs/{world.body}/drafts/0000000000000000").status_code == 404


@pytest.fixture(scope="module")
def consulted(world, draft) -> str:
    """The public address of the saved draft, put out for consultation with its page's form."""
    evaluator = client(world, world.evaluator)
    assert post_form(evaluator, draft, draft + "/publish").status_code == 303
    return f"/standards/{STANDARD}/drafts/{draft.rsplit('/', 1)[1]}"


def test_a_draft_goes_out_for_consultation_with_what_it_changes(world, draft, consulted):
    public = client(world)
    standard_page = public.get(f"/standards/{STANDARD}").text
    assert f'href="{consulted}"' in standard_page and "2026-draft" in standard_page
    shown = public.get(consulted)
    assert shown.status_code == 200
    changes = html.unescape(re.search(r'<section aria-labelledby="changes">(.*?)</section>', shown.text, re.S)[1])
    items = [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", changes, re.S)]
    # The draft moved the A, B and C bands (and dropped their floors); nothing else.
    removed = {f"{t('level_removed', 'en')}{t('colon', 'en')}grade {g} ≥ {low}, every data indicator ≥ {floor}"
               for g, low, floor in (("A", 95, 97), ("B", 90, 90), ("C", 80, 80))}
    added = {f"{t('level_added', 'en')}{t('colon', 'en')}grade {g} ≥ {low}"
             for g, low in (("A", 60), ("B", 40), ("C", 20))}
    assert set(items) == removed | added, items
    # Only the draft's organisation puts it out or takes it back; taken back, it is gone from the public.
    outsider = client(world, world.publisher)
    own = outsider.get(f"/orgs/{world.pubs}").text
    assert outsider.post(draft + "/unpublish", data={"csrf": CSRF.search(own)[1]}).status_code == 404
    evaluator = client(world, world.evaluator)
    assert evaluator.post(draft + "/unpublish", data={}).status_code == 403  # no CSRF token: nothing changes
    assert public.get(consulted).status_code == 200
    assert post_form(evaluator, draft, draft + "/unpublish").status_code == 303
    assert public.get(consulted).status_code == 404 and consulted not in public.get(f"/standards/{STANDARD}").text
    assert post_form(evaluator, draft, draft + "/publish").status_code == 303  # out again, for the browser
    assert public.get(consulted).status_code == 200


# -------------------------------------------------------------------------------------- in a browser

PAGES = ("campaigns", "campaign", "workspace", "draft", "calibration", "comparison", "consultation")


@pytest.mark.parametrize("lang", ("en", "zh"))
@pytest.mark.parametrize("page", PAGES)
def test_the_standards_body_pages_in_a_browser(world, campaign, draft, consulted, chromium, page, lang):
    paths = {"campaigns": "/campaigns", "campaign": f"/campaigns/{campaign}",
             "workspace": f"/orgs/{world.body}/workspace",
             "draft": draft, "calibration": f"{draft}/calibration?campaign={campaign}&",
             "comparison": f"{draft}/comparison?campaign={campaign}&", "consultation": consulted}
    evaluator = client(world, world.evaluator)
    chromium.use_session(world.service.url, evaluator.cookies.get("dsbench_session"))
    target = paths[page]
    url = f"{world.service.url}{target}{'' if target.endswith('&') else '?'}lang={lang}"
    chromium.viewport(WIDTH, 1000)
    since = chromium.navigate(url)
    seen = chromium.evaluate(INSPECT)
    assert seen["readyState"] == "complete"
    assert seen["lang"] == ("zh-CN" if lang == "zh" else "en")
    words = {"campaigns": "web_campaigns_about", "campaign": "web_campaign_datasets", "workspace": "web_upload_draft",
             "draft": "web_try_draft", "calibration": "calibration_datasets", "comparison": "col_outcome_changed",
             "consultation": "web_revises"}
    assert t(words[page], lang) in seen["body"]
    assert_sound_page(chromium, seen, since, chromium.errors(since), world.service, f"{page}-{lang}")


def test_a_new_platform_seeds_a_campaign_of_its_samples(tmp_path):
    """``dsbench serve``'s first start queues the bundled datasets, published, and opens a campaign of
    them (run by ``samples``, under the first standard), so that a new platform has one to show."""
    from dsbench.service import campaigns
    from dsbench.service.config import ServiceConfig
    from dsbench.service.database import Database
    from dsbench.service.server import SAMPLES_CAMPAIGN, bootstrap, seed

    config = ServiceConfig(tmp_path / "data")
    config.prepare()
    bootstrap(config)
    datasets = Path(__file__).resolve().parents[2] / "datasets"
    bundled = sorted(p.name for p in datasets.iterdir() if p.is_dir())
    assert seed(config, datasets, [STANDARD, "iso-iec-25012"]) == 2 * len(bundled)
    assert seed(config, datasets, [STANDARD]) == 0  # once
    with Database(config.database).transaction() as tx:
        campaign = campaigns.get(tx, SAMPLES_CAMPAIGN)
        assert (campaign["org"], campaign["standard"]) == ("samples", STANDARD)
        assert sorted(e["dataset"] for e in campaigns.entries(tx, campaign["id"])) == bundled
        assert tx.value("SELECT count(*) FROM evaluations WHERE publish = 1") == 2 * len(bundled)
