"""Two journeys through the site's own forms in headless Chromium, over SQLite and PostgreSQL,
against a real ``dsbench serve`` with its workers: nothing is posted by the test, every form is
filled in the page and submitted by the page (``requestSubmit`` or a click), and the browser follows
where the service sends it. The API (with the users' own tokens, or none) only sets the users up and
checks, independently, what the pages did and showed.

1. A publisher signs in, uploads a CSV with a known defect (empty readings) as a new dataset from
   the dashboard's new-dataset form and the upload page, asks for an evaluation with the dashboard's
   form, waits on the evaluation page (it refreshes itself) for its card, reads the card's score (the
   API's) and the fix-it list (the expectation that failed, by the card JSON), publishes it from the
   dashboard, finds it on the standard's leaderboard with the same score, signs out, and then sees
   the card page answer 200 where it answered 404 before it was published.
2. An evaluator of a standards body signs in, follows the dashboard's link to the standards
   workspace, opens a campaign, invites the publisher's dataset, pastes a broken draft (refused by
   field, nothing kept), then the shipped standard as a lenient "2026-draft", calibrates it against
   the campaign (the dataset listed with the score and grade a full ``dsbench evaluate`` of the CSV
   with the draft file gives) and compares it with the 2018 version (the old grade is the card's,
   the new one the full evaluation's).

At every page: no console error, no failed request, headings in order, fields labelled (see
tests/service/test_pages.assert_sound_page); screenshots tests/artifacts/page-journey-*.png."""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from dsbench.evaluation import evaluate
from dsbench.i18n import t
from tests.devtools import WIDTH
from tests.service.live import Api, LiveService
from tests.service.test_pages import INSPECT, _the_page_itself, assert_sound_page
from tests.service.test_signin import _user
from tests.service.test_workspace import _draft_text

STANDARD = "gbt-36344-2018"
ROWS = 120
EVALUATION_TIMEOUT = 300  # seconds for the workers to make the card
FINAL = ("succeeded", "failed", "cancelled", "timed_out")


@dataclass
class World:
    service: LiveService
    pubs: str          # the publisher's organisation
    body: str          # the standards body's
    publisher: str     # user names (both with ``password``)
    evaluator: str
    password: str
    api: Api           # the publisher's token
    dataset: str = ""  # what journey 1 made, for journey 2
    version: str = ""
    csv: Path | None = None
    card: dict = field(default_factory=dict)  # the published card's JSON document


@pytest.fixture(scope="module")
def world(service) -> World:
    pubs, body = f"jpub-{secrets.token_hex(4)}", f"jbody-{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(12)
    _user(service, pubs, f"{pubs}-pub", "publisher", password)
    _user(service, body, f"{body}-eva", "evaluator", password)
    token = service.admin.post(f"/api/v1/users/{pubs}-pub/tokens", json={"name": "journey"}).json()["secret"]
    return World(service, pubs, body, f"{pubs}-pub", f"{body}-eva", password, Api(service.url, token))


# ------------------------------------------------------------------------------------------ driving

def act(chromium, script: str) -> int:
    """Run ``script`` in the page (it submits a form or follows a link) and wait for the page the
    browser lands on; the index of the first event of that journey step."""
    start = len(chromium.events)
    assert chromium.evaluate(f"(() => {{ {script}; return true; }})()")
    chromium.wait_for_event("Page.loadEventFired", start)
    wait_until(chromium, "document.readyState === 'complete'", 30)
    return start


def fill(values: dict[str, str]) -> str:
    """Script setting the fields (by id) to ``values``, as typing would (input and change events)."""
    return "".join(f"(el => {{ el.value = {json.dumps(value)}; el.dispatchEvent(new Event('input', "
                   f"{{bubbles: true}})); el.dispatchEvent(new Event('change', {{bubbles: true}})); }})"
                   f"(document.getElementById({json.dumps(key)}));" for key, value in values.items())


def submit_form_of(element_id: str) -> str:
    return f"document.getElementById({json.dumps(element_id)}).form.requestSubmit()"


def click(selector: str) -> str:
    """Script clicking the one element ``selector`` finds (an error in the page when it finds none)."""
    return (f"(() => {{ const found = document.querySelectorAll({json.dumps(selector)}); "
            f"if (found.length !== 1) throw new Error(found.length + ' of ' + {json.dumps(selector)}); "
            f"found[0].click(); }})()")


def wait_until(chromium, expression: str, timeout: float) -> object:
    """Re-evaluate ``expression`` until it is truthy (a page being replaced is asked again)."""
    deadline, value = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        try:
            value = chromium.evaluate(expression)
        except RuntimeError:  # the page's context went away under a reload: ask the next one
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"{expression!r} still {value!r} after {timeout} s")


def here(chromium) -> dict:
    return chromium.evaluate("({path: location.pathname, search: location.search, body: document.body.innerText})")


def sound(chromium, world: World, since: int, name: str, allowed: str | None = None) -> dict:
    """The page as a user would find it: no console error (``allowed``: the page's own URL, which
    answered 4xx on purpose), no failed request, headings, labels, width; a screenshot."""
    chromium.viewport(WIDTH, 1000)
    seen = chromium.evaluate(INSPECT)
    assert seen["readyState"] == "complete" and seen["stylesheets"] == 1
    errors = [e for e in chromium.errors(since) if not (allowed and _the_page_itself(e, allowed))]
    assert_sound_page(chromium, seen, since, errors, world.service, f"journey-{name}")
    chromium.viewport(WIDTH, 1000)
    return seen


def document_status(chromium, since: int, url: str) -> int:
    """The HTTP status the page at ``url`` was answered with (the last such answer since ``since``)."""
    found = [e["params"]["response"]["status"] for e in chromium.events[since:]
             if e["method"] == "Network.responseReceived" and e.get("sessionId") == chromium.session
             and e["params"].get("type") == "Document" and e["params"]["response"]["url"] == url]
    assert found, url
    return found[-1]


def sign_in(chromium, world: World, user: str, name: str) -> dict:
    """Signed out, open the sign-in page, type the name and password, submit: the dashboard."""
    chromium.send("Network.clearBrowserCookies")
    chromium.viewport(WIDTH, 1000)
    since = chromium.navigate(f"{world.service.url}/signin")
    sound(chromium, world, since, f"{name}-signin")
    since = act(chromium, fill({"name": user, "password": world.password}) + submit_form_of("password"))
    landed = here(chromium)
    org = world.pubs if user == world.publisher else world.body
    assert landed["path"] == f"/orgs/{org}", landed
    assert user in landed["body"] and t("web_sign_out", "en") in landed["body"]
    assert t("web_dashboard_of", "en", org=org) in landed["body"]
    sound(chromium, world, since, f"{name}-dashboard")
    return landed


def _csv(path: Path, salt: str) -> Path:
    """A table whose every 10th reading is empty (12 of 120): a known defect."""
    lines = ["id,code,reading,batch"] + [f"{i},AB-{i:04d},{'' if i % 10 == 0 else (i * 7) % 11},{salt}"
                                         for i in range(1, ROWS + 1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def close_to(shown: str, score: float) -> bool:
    """A score shown with one decimal (never rounded across a grade band) is the score."""
    return abs(float(shown) - score) <= 0.1 + 1e-9


# ------------------------------------------------------------------------------------------ journey 1

def test_a_publisher_from_upload_to_leaderboard(world, chromium, tmp_path):
    service, org = world.service, world.pubs
    world.dataset, world.version = f"readings-{secrets.token_hex(2)}", "2026-01"
    world.csv = _csv(tmp_path / "readings.csv", secrets.token_hex(6))
    sign_in(chromium, world, world.publisher, "publisher")

    # The dashboard's new-dataset form leads to the upload page with the name filled in.
    since = act(chromium, fill({"new-dataset-name": world.dataset, "new-dataset-title": "Journey readings"})
                + submit_form_of("new-dataset-name"))
    assert here(chromium)["path"] == f"/orgs/{org}/upload"
    assert chromium.evaluate("document.getElementById('upload-dataset').value") == world.dataset
    assert chromium.evaluate("document.getElementById('upload-title').value") == "Journey readings"
    sound(chromium, world, since, "publisher-upload")
    chromium.evaluate(fill({"upload-version": world.version}) + "true")
    found = chromium.send("Runtime.evaluate", expression="document.getElementById('upload-files')")
    chromium.send("DOM.setFileInputFiles", files=[str(world.csv)], objectId=found["result"]["objectId"])
    since = act(chromium, click("#upload button[type=submit]"))  # upload.js sends it, then follows the answer
    landed = here(chromium)
    assert landed["path"] == f"/orgs/{org}", landed
    assert f"{world.dataset}\nJourney readings: {world.version}" in landed["body"] or \
        f"{world.dataset} Journey readings: {world.version}" in landed["body"], landed["body"]
    sound(chromium, world, since, "publisher-uploaded")
    stored = world.api.get(f"/api/v1/orgs/{org}/datasets/{world.dataset}/versions/{world.version}")
    assert stored.status_code == 200, stored.text
    content = world.csv.read_bytes()
    assert [(f["name"], f["sha256"], f["bytes"]) for f in stored.json()["files"]] == [
        ("readings.csv", "sha256:" + hashlib.sha256(content).hexdigest(), len(content))]
    assert world.api.get(f"/api/v1/orgs/{org}/datasets/{world.dataset}").json()["title"] == "Journey readings"

    # A new evaluation from the dashboard's form; the evaluation page refreshes itself to the end.
    choice = f"{world.dataset}/{world.version}"
    options = chromium.evaluate("[...document.getElementById('eval-version').options].map(o => o.value)")
    assert choice in options, options
    since = act(chromium, fill({"eval-version": choice, "eval-standard": STANDARD}) + submit_form_of("eval-version"))
    status_path = here(chromium)["path"]
    assert status_path.startswith(f"/orgs/{org}/evaluations/"), status_path
    evaluation_id = status_path.rsplit("/", 1)[1]
    first_state = chromium.evaluate("document.getElementById('state').dataset.state")
    started = time.monotonic()
    state = wait_until(chromium, f"""(() => {{
        const state = document.getElementById("state"), link = document.getElementById("card-link");
        if (document.readyState !== "complete" || !state) return null;
        const final = {json.dumps(list(FINAL))}.includes(state.dataset.state);
        return final ? state.dataset.state + (link ? " " + link.getAttribute("href") : "") : null;
    }})()""", EVALUATION_TIMEOUT)
    waited = time.monotonic() - started
    assert state.startswith("succeeded /cards/sha256:"), state
    assert not chromium.evaluate("!!document.querySelector('meta[http-equiv=refresh]')")  # it stopped refreshing
    loads = sum(e["method"] == "Page.loadEventFired" and e.get("sessionId") == chromium.session
                for e in chromium.events[since:])
    assert first_state in FINAL or loads >= 2, (first_state, loads)  # it refreshed itself to the end
    digest = state.split("/cards/", 1)[1]
    body = here(chromium)["body"]
    assert t("web_evaluation_of", "en", dataset=world.dataset, version=world.version) in body
    assert t("web_state_succeeded", "en") in body and STANDARD in body
    sound(chromium, world, since, "publisher-evaluation")
    evaluation = world.api.get(f"/api/v1/orgs/{org}/evaluations/{evaluation_id}").json()
    assert evaluation["state"] == "succeeded" and evaluation["card"] == digest, evaluation

    # The card page (private still): the API's score, and the failed expectation in the fix-it list.
    since = act(chromium, click("#card-link"))
    assert here(chromium)["path"] == f"/cards/{digest}"
    listed = world.api.get(f"/api/v1/orgs/{org}/cards").json()["items"]
    card_row = next(c for c in listed if c["digest"] == digest)
    assert card_row["published"] is None
    assert (card_row["dataset"], card_row["version"]) == (world.dataset, world.version)
    document = world.api.get(f"/api/v1/cards/{digest}.json").json()
    assert document["score"] == card_row["score"] and document["grade"] == card_row["grade"]
    shown = chromium.evaluate("""(() => {
        const tiles = [...document.querySelectorAll(".summary .tile .big")].map(el => el.innerText.trim());
        const fixes = [...document.querySelectorAll("section[aria-labelledby=fix] tbody tr")]
            .map(tr => tr.innerText);
        return {score: tiles[0], grade: tiles[1], fixes: fixes, digest: document.getElementById("digest").innerText};
    })()""")
    assert shown["digest"] == digest
    assert close_to(shown["score"], document["score"]), (shown["score"], document["score"])
    assert shown["grade"].split()[0] == (document["grade"] or t("no_grade", "en"))
    failed = [r for d in document["dimensions"] for i in d["indicators"] for r in i["results"]
              if r["id"].endswith(".reading.not_null")]
    assert [(r["evaluated"], r["passed"]) for r in failed] == [(ROWS, ROWS - ROWS // 10)], failed  # 12 empty
    null_id = failed[0]["id"]
    rows = [row for row in shown["fixes"] if null_id in row]
    assert rows, (null_id, shown["fixes"])
    assert "reading" in rows[0] and t("web_rows_unexpected", "en", n=ROWS // 10, total=ROWS) in rows[0], rows[0]
    sound(chromium, world, since, "publisher-card")

    # Signed out, the private card is the 404 page (the session kept aside, then given back).
    card_url = f"{service.url}/cards/{digest}"
    cookies = chromium.send("Network.getCookies", urls=[service.url])["cookies"]
    assert [c["name"] for c in cookies] == ["dsbench_session"]
    chromium.send("Network.clearBrowserCookies")
    since = chromium.navigate(card_url)
    assert document_status(chromium, since, card_url) == 404
    assert t("web_not_found", "en") in here(chromium)["body"] and digest not in here(chromium)["body"]
    assert httpx.get(card_url, timeout=60).status_code == 404
    chromium.send("Network.setCookies", cookies=cookies)

    # Back on the dashboard, the card's Publish button.
    since = chromium.navigate(f"{service.url}/orgs/{org}")
    since = act(chromium, click(f'form[action="/orgs/{org}/cards/{digest}/publish"] button'))
    landed = here(chromium)
    assert landed["path"] == f"/orgs/{org}"
    assert chromium.evaluate(f"!!document.querySelector('form[action=\"/orgs/{org}/cards/{digest}/unpublish\"]')")
    sound(chromium, world, since, "publisher-published")
    public = Api(service.url)
    assert public.get(f"/api/v1/cards/{digest}").status_code == 200  # anyone may fetch it now
    world.card = public.get(f"/api/v1/cards/{digest}.json").json()
    assert world.card == document

    # The standard's leaderboard ranks it, with the card's score.
    board_url = f"{service.url}/leaderboards/{STANDARD}"
    since = chromium.navigate(board_url)
    cells = chromium.evaluate(f"""[...document.querySelectorAll("#board tbody tr")]
        .map(tr => [...tr.cells].map(td => td.innerText.trim()))
        .filter(cells => cells[1] === {json.dumps(org)} && cells[2] === {json.dumps(world.dataset)})""")
    assert len(cells) == 1, cells
    rank, _, _, version, score, grade = cells[0][:6]
    assert version == world.version and close_to(score, document["score"]) and score == shown["score"]
    assert grade == (document["grade"] or t("no_grade", "en"))
    ranked = public.get(f"/api/v1/leaderboards/{STANDARD}").json()["rows"]
    row = next(r for r in ranked if r["digest"] == digest)
    assert row["score"] == document["score"] and str(row["rank"]) == rank
    sound(chromium, world, since, "publisher-leaderboard")

    # Signed out with the header's button: the session ends, and the card page now answers 200.
    since = act(chromium, click("form[action='/signout'] button"))
    assert t("web_sign_in", "en") in here(chromium)["body"]
    assert not chromium.send("Network.getCookies", urls=[service.url])["cookies"]
    since = chromium.navigate(card_url)
    assert document_status(chromium, since, card_url) == 200
    assert here(chromium)["path"] == f"/cards/{digest}" and t("web_sign_out", "en") not in here(chromium)["body"]
    assert chromium.evaluate('document.querySelector(".summary .tile .big").innerText.trim()') == shown["score"]
    sound(chromium, world, since, "public-card")
    print(f"\n{service.kind}: the workers made the card in {waited:.1f} s")


# ------------------------------------------------------------------------------------------ journey 2

def report_rows(chromium, label: str) -> list[list[str]]:
    """The cells of the report's table rows whose first cell is ``label``."""
    return chromium.evaluate(f"""[...document.querySelectorAll(".report tr")]
        .map(tr => [...tr.cells].map(td => td.innerText.trim())).filter(cells => cells[0] === {json.dumps(label)})""")


def to_workspace(chromium, world: World) -> int:
    """From the dashboard, the link to the standards workspace."""
    chromium.navigate(f"{world.service.url}/orgs/{world.body}")
    since = act(chromium, click(f'a[href="/orgs/{world.body}/workspace"]'))
    assert here(chromium)["path"] == f"/orgs/{world.body}/workspace"
    return since


def test_a_standards_body_from_campaign_to_comparison(world, chromium, tmp_path):
    if not world.card:
        pytest.fail("the publisher's journey did not run first (it makes the published card)")
    service, body = world.service, world.body
    sign_in(chromium, world, world.evaluator, "evaluator")
    since = act(chromium, click(f'a[href="/orgs/{body}/workspace"]'))
    landed = here(chromium)
    assert landed["path"] == f"/orgs/{body}/workspace" and t("web_workspace_of", "en", org=body) in landed["body"]
    assert t("web_no_drafts", "en") in landed["body"]
    sound(chromium, world, since, "evaluator-workspace")

    # A campaign, with the workspace's form.
    campaign, title = f"journey-{secrets.token_hex(3)}", f"Journey campaign {secrets.token_hex(2)}"
    since = act(chromium, fill({"campaign-name": campaign, "campaign-title": title, "campaign-standard": STANDARD})
                + submit_form_of("campaign-name"))
    landed = here(chromium)
    assert landed["path"] == f"/campaigns/{campaign}" and title in landed["body"], landed
    assert t("web_no_campaign_datasets", "en") in landed["body"]
    sound(chromium, world, since, "evaluator-campaign")

    # The publisher's dataset invited, on the campaign's page; its leaderboard shows the card.
    invited = f"{world.pubs}/{world.dataset}"
    since = act(chromium, fill({"invite": invited}) + submit_form_of("invite"))
    landed = here(chromium)
    assert landed["path"] == f"/campaigns/{campaign}"
    assert f"{invited} ({t('web_how_invited', 'en')})" in landed["body"], landed["body"]
    cells = chromium.evaluate(f"""[...document.querySelectorAll("#board tbody tr")]
        .map(tr => [...tr.cells].map(td => td.innerText.trim())).filter(c => c[2] === {json.dumps(world.dataset)})""")
    assert len(cells) == 1 and cells[0][1] == world.pubs and close_to(cells[0][4], world.card["score"]), cells
    sound(chromium, world, since, "evaluator-invited")
    public_page = httpx.get(f"{service.url}/campaigns/{campaign}", timeout=60)  # to anyone: the ranking
    assert public_page.status_code == 200 and f">{world.dataset}</a>" in public_page.text

    # A broken draft: refused field by field, the text kept, nothing saved.
    to_workspace(chromium, world)
    broken = _draft_text(False).replace("scale: 100", "scale: lots", 1)
    assert broken != _draft_text(False)
    action = f"{service.url}/orgs/{body}/drafts"
    since = act(chromium, fill({"draft-text": broken}) + submit_form_of("draft-text"))
    assert document_status(chromium, since, action) == 422
    problems = chromium.evaluate("""[...document.querySelectorAll("#problems tbody tr")]
        .map(tr => [...tr.cells].map(td => td.innerText.trim()))""")
    assert any(cells[0] == "scale" for cells in problems), problems
    assert t("web_draft_refused", "en", n=len(problems)) in here(chromium)["body"]
    assert chromium.evaluate("document.getElementById('draft-text').value") == broken
    sound(chromium, world, since, "evaluator-draft-refused", allowed=action)
    since = to_workspace(chromium, world)
    assert t("web_no_drafts", "en") in here(chromium)["body"]  # nothing was kept
    assert chromium.evaluate(f"document.querySelectorAll('a[href^=\"/orgs/{body}/drafts/\"]').length") == 0

    # The lenient draft, pasted: its page, with a row for the campaign.
    text = _draft_text(True)
    since = act(chromium, fill({"draft-text": text}) + submit_form_of("draft-text"))
    draft_path = here(chromium)["path"]
    assert draft_path.startswith(f"/orgs/{body}/drafts/"), draft_path
    body_text = here(chromium)["body"]
    assert t("web_draft_of", "en", id=STANDARD, version="2026-draft") in body_text
    assert f"{STANDARD} 2018" in body_text  # what it revises
    sound(chromium, world, since, "evaluator-draft")

    # The independent reference: the CSV evaluated in full with the draft file.
    draft_file = tmp_path / "draft.yaml"
    draft_file.write_text(text, encoding="utf-8")
    expected = evaluate(str(world.csv), str(draft_file)).document
    label = f"{invited}@{world.version}"

    def scope_link(column: int) -> str:
        """Script clicking the link in ``column`` of the campaign's row of the draft's scopes."""
        return f"""(() => {{
                const rows = [...document.querySelectorAll("section[aria-labelledby=try] tbody tr")]
                    .filter(tr => tr.cells[0].innerText.trim() === {json.dumps(title)});
                if (rows.length !== 1) throw new Error(rows.length + " rows for the campaign");
                rows[0].cells[{column}].querySelector("a").click();
            }})()"""

    since = act(chromium, scope_link(1))  # Calibrate
    landed = here(chromium)
    assert landed["path"] == f"{draft_path}/calibration" and f"campaign={campaign}" in landed["search"]
    assert t("web_report_scope_campaign", "en", n=1, title=title) in landed["body"]
    calibrated = report_rows(chromium, label)  # its datasets table first, then the comparison's
    assert calibrated, (label, landed["body"][:3000])
    assert calibrated[0][1:3] == [f"{expected['score']:.2f}", expected["grade"] or "—"], (calibrated, expected)
    sound(chromium, world, since, "evaluator-calibration")

    since = act(chromium, click(f'.kicker a[href="{draft_path}"]'))  # back to the draft
    assert here(chromium)["path"] == draft_path
    since = act(chromium, scope_link(2))  # Compare with 2018
    landed = here(chromium)
    assert landed["path"] == f"{draft_path}/comparison" and f"campaign={campaign}" in landed["search"]
    compared = report_rows(chromium, label)
    assert len(compared) == 1, (label, landed["body"][:3000])
    old, new = compared[0][1].split(), compared[0][2].split()
    assert old[:2] == [f"{world.card['score']:.2f}", world.card["grade"]], (old, world.card["grade"])
    assert new[:2] == [f"{expected['score']:.2f}", expected["grade"]], (new, expected["grade"])
    sound(chromium, world, since, "evaluator-comparison")
