"""Signing in on the pages and the publisher's pages, over SQLite and PostgreSQL, against a real
``dsbench serve``: sign-in (a wrong name and a wrong password answer alike), the session cookie's
flags, CSRF tokens (a form without one, or with another, is refused and changes nothing), the
dashboard's publish buttons by role, another organisation's dashboard as the 404 page, a new
evaluation from the form to its card, the tokens page (a secret shown once; a revoked token no
longer opens the API), signing out (the old cookie no longer works). Then headless Chromium walks
the new pages in both languages (console, labels, headings; screenshots under tests/artifacts/)."""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass

import httpx
import pytest

from dsbench.i18n import t
from dsbench.service.pages import CSP
from tests.devtools import WIDTH
from tests.service.live import Api, LiveService, upload_directory, wait_for
from tests.service.test_pages import INSPECT, _table, assert_sound_page

STANDARD = "gbt-36344-2018"
CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')
SECRET = re.compile(r"dsb_[0-9a-f]+_[A-Za-z0-9_-]+")


@dataclass
class World:
    service: LiveService
    org: str
    other: str
    password: str
    publisher: str   # user names
    evaluator: str
    api: Api         # the publisher's token
    private: str     # the digest of a card the organisation keeps private


def _user(service: LiveService, org: str, name: str, role: str, password: str) -> None:
    admin = service.admin
    if admin.get(f"/api/v1/orgs/{org}").status_code == 404:
        assert admin.post("/api/v1/orgs", json={"name": org, "title": f"{org} title"}).status_code == 201
    answer = admin.post("/api/v1/users", json={"name": name, "password": password})
    assert answer.status_code == 201, answer.text
    assert admin.put(f"/api/v1/orgs/{org}/members/{name}", json={"role": role}).status_code == 200


@pytest.fixture(scope="module")
def world(service, tmp_path_factory) -> World:
    org, other = f"web-{secrets.token_hex(4)}", f"webx-{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(12)
    _user(service, org, f"{org}-pub", "publisher", password)
    _user(service, org, f"{org}-eva", "evaluator", password)
    _user(service, other, f"{other}-pub", "publisher", password)
    token = service.admin.post(f"/api/v1/users/{org}-pub/tokens", json={"name": "tests"}).json()["secret"]
    api = Api(service.url, token)
    salt = secrets.token_hex(6)
    scratch = tmp_path_factory.mktemp("signin-data")
    upload_directory(api, org, "table", "v1", _table(scratch / "v1", 25, salt))
    upload_directory(api, org, "table", "v2", _table(scratch / "v2", 35, salt + "y"))
    answer = api.post(f"/api/v1/orgs/{org}/evaluations", json={"dataset": "table", "version": "v1",
                                                                "standard": STANDARD})
    assert answer.status_code == 202, answer.text
    done = wait_for(api, answer.headers["location"], timeout=300)
    assert done["state"] == "succeeded", done
    return World(service, org, other, password, f"{org}-pub", f"{org}-eva", api, done["card"])


def browser(world: World) -> httpx.Client:
    return httpx.Client(base_url=world.service.url, timeout=60, follow_redirects=False)


def sign_in(client: httpx.Client, **data: str) -> httpx.Response:
    """The sign-in form sent as a browser sends it (with the CSRF token of the form it was given)."""
    form = client.get("/signin")
    assert form.status_code == 200
    return client.post("/signin", data={"csrf": CSRF.search(form.text).group(1), **data})


def signed_in(world: World, user: str) -> httpx.Client:
    client = browser(world)
    answer = sign_in(client, name=user, password=world.password)
    assert answer.status_code == 303, answer.text
    assert client.cookies.get("dsbench_session")
    return client


def csrf_of(client: httpx.Client, path: str) -> str:
    answer = client.get(path)
    assert answer.status_code == 200, answer.status_code
    return CSRF.search(answer.text).group(1)


def published(world: World, digest: str) -> bool:
    return world.service.admin.as_(None).get(f"/api/v1/cards/{digest}").status_code == 200


def test_sign_in_with_a_good_and_a_bad_password(world):
    client = browser(world)
    form = client.get("/signin")
    assert form.status_code == 200 and form.headers["content-security-policy"] == CSP
    assert '<label for="name">' in form.text and '<label for="password">' in form.text
    wrong_password = sign_in(client, name=world.publisher, password="not the password!")
    unknown_user = sign_in(client, name=f"nobody-{world.org}", password=world.password)
    for answer in (wrong_password, unknown_user):
        assert answer.status_code == 401
        assert t("web_signin_failed", "en") in answer.text
        assert "set-cookie" not in answer.headers
    strip = lambda text: text.replace(world.publisher, "X").replace(f"nobody-{world.org}", "X")  # noqa: E731
    assert strip(wrong_password.text) == strip(unknown_user.text)

    for csrf in ("", "0" * 64):  # the sign-in form has its CSRF token too (no signing in from another site)
        refused = client.post("/signin", data={"name": world.publisher, "password": world.password, "csrf": csrf})
        assert refused.status_code == 403 and "dsbench_session" not in refused.headers.get("set-cookie", "")
    good = sign_in(client, name=world.publisher, password=world.password)
    assert good.status_code == 303 and good.headers["location"] == f"/orgs/{world.org}"
    flags = [part.strip().lower() for part in good.headers["set-cookie"].split(";")]
    assert flags[0].startswith("dsbench_session=") and len(flags[0]) > 40
    assert "httponly" in flags and "samesite=lax" in flags and "path=/" in flags
    assert "secure" not in flags  # plain http here; https requests get Secure
    home = client.get("/")
    assert world.publisher in home.text and t("web_sign_out", "en") in home.text
    assert t("web_sign_in", "en") + "</a>" not in home.text
    assert t("web_sign_in", "en") in browser(world).get("/").text
    zh = client.get(f"/orgs/{world.org}?lang=zh")
    assert t("web_sign_out", "zh") in zh.text and t("web_dashboard_of", "zh", org=world.org) in zh.text


def test_password_guessing_is_slowed_per_user_name(world):
    """After SIGNINS_PER_MINUTE failed attempts on one name within a minute, the next (even the right
    password) is 429 with Retry-After and no session; another name is not held back, and signing in
    with the right password again and again is never held back."""
    from dsbench.service.deps import SIGNINS_PER_MINUTE

    name = f"{world.org}-guessed"
    _user(world.service, world.org, name, "evaluator", world.password)
    client = browser(world)
    for _ in range(SIGNINS_PER_MINUTE):
        assert sign_in(client, name=name, password="a wrong guess").status_code == 401
    held = sign_in(client, name=name, password=world.password)
    assert held.status_code == 429 and 0 < int(held.headers["retry-after"]) <= 60
    assert t("web_too_many_signins", "en") in held.text and "dsbench_session" not in held.headers.get("set-cookie", "")
    assert sign_in(browser(world), name=world.evaluator, password=world.password).status_code == 303
    for _ in range(SIGNINS_PER_MINUTE + 2):
        assert sign_in(browser(world), name=world.publisher, password=world.password).status_code == 303


def test_csrf_refused(world):
    client = signed_in(world, world.publisher)
    base = f"/orgs/{world.org}"
    assert not published(world, world.private)
    before = world.api.get(f"{base.replace('/orgs', '/api/v1/orgs')}/evaluations").json()["items"]
    for data in ({}, {"csrf": "0" * 64}, {"csrf": ""}):
        answer = client.post(f"{base}/cards/{world.private}/publish", data=data)
        assert answer.status_code == 403, answer.status_code
        assert t("web_csrf_refused", "en") in answer.text
        answer = client.post(f"{base}/evaluations", data={**data, "version": "table/v1", "standard": STANDARD})
        assert answer.status_code == 403
        answer = client.post("/tokens", data={**data, "name": "sneaky"})
        assert answer.status_code == 403
    # another session's token is a wrong one too
    foreign = csrf_of(signed_in(world, world.evaluator), base)
    assert client.post(f"{base}/cards/{world.private}/publish", data={"csrf": foreign}).status_code == 403
    assert not published(world, world.private)
    after = world.api.get(f"{base.replace('/orgs', '/api/v1/orgs')}/evaluations").json()["items"]
    assert len(after) == len(before)
    assert "sneaky" not in client.get("/tokens").text


def test_an_evaluator_sees_no_publish_button_and_is_refused(world):
    client = signed_in(world, world.evaluator)
    page = client.get(f"/orgs/{world.org}")
    assert page.status_code == 200
    assert world.private in page.text and "/publish" not in page.text and "/unpublish" not in page.text
    token = CSRF.search(page.text).group(1)
    answer = client.post(f"/orgs/{world.org}/cards/{world.private}/publish", data={"csrf": token})
    assert answer.status_code == 403 and t("web_role_refused", "en") in answer.text
    assert not published(world, world.private)


def test_a_publisher_publishes_from_the_dashboard(world):
    client = signed_in(world, world.publisher)
    page = client.get(f"/orgs/{world.org}")
    assert f"/orgs/{world.org}/cards/{world.private}/publish" in page.text
    assert "table" in page.text and "v1" in page.text and "v2" in page.text  # datasets with versions
    answer = client.post(f"/orgs/{world.org}/cards/{world.private}/publish", data={"csrf": CSRF.search(page.text)[1]})
    assert answer.status_code == 303 and answer.headers["location"].startswith(f"/orgs/{world.org}")
    assert published(world, world.private)
    board = browser(world).get(f"/leaderboards/{STANDARD}")
    assert world.private in board.text and world.org in board.text
    after = client.get(f"/orgs/{world.org}")
    assert f"/orgs/{world.org}/cards/{world.private}/unpublish" in after.text


def test_other_and_missing_organisations_are_the_same_404(world):
    client = signed_in(world, world.publisher)
    theirs, missing = client.get(f"/orgs/{world.other}"), client.get(f"/orgs/nothing-{world.org}")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.text == missing.text
    assert client.get(f"/orgs/{world.other}/evaluations/abc").status_code == 404
    token = CSRF.search(theirs.text).group(1)  # the sign-out form's
    assert client.post(f"/orgs/{world.other}/evaluations", data={"csrf": token, "version": "table/v1",
                                                                 "standard": STANDARD}).status_code == 404


def test_signed_out_pages_send_to_sign_in(world):
    client = browser(world)
    for path in (f"/orgs/{world.org}", "/tokens", f"/orgs/{world.org}/evaluations/x"):
        answer = client.get(path)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/signin?next="), path
    assert client.post(f"/orgs/{world.org}/cards/{world.private}/unpublish", data={"csrf": "x"}).status_code == 403
    then = sign_in(client, name=world.publisher, password=world.password, next="/tokens")
    assert then.headers["location"] == "/tokens"
    away = sign_in(browser(world), name=world.publisher, password=world.password, next="//evil.example/")
    assert away.headers["location"] == f"/orgs/{world.org}"


def test_a_new_evaluation_from_the_form_reaches_its_card(world):
    client = signed_in(world, world.publisher)
    page = client.get(f"/orgs/{world.org}")
    assert '<select id="eval-version" name="version">' in page.text
    key = re.search(r'name="key" value="([0-9a-f]+)"', page.text).group(1)
    form = {"csrf": CSRF.search(page.text)[1], "key": key, "version": "table/v2", "standard": STANDARD}
    answer = client.post(f"/orgs/{world.org}/evaluations", data=form)
    assert answer.status_code == 303, answer.text
    status_path = answer.headers["location"]
    assert re.fullmatch(rf"/orgs/{world.org}/evaluations/[0-9a-f]+", status_path)
    again = client.post(f"/orgs/{world.org}/evaluations", data=form)  # the same form sent twice: one evaluation
    assert again.headers["location"] == status_path
    deadline, seen = time.monotonic() + 300, []
    while True:
        status = client.get(status_path)
        assert status.status_code == 200
        state = re.search(r'data-state="(\w+)"', status.text).group(1)
        seen.append(state)
        refreshes = '<meta http-equiv="refresh" content="2">' in status.text
        assert refreshes == (state in ("queued", "running")), state
        if not refreshes:
            break
        assert time.monotonic() < deadline, seen
        time.sleep(0.3)
    assert state == "succeeded", status.text
    card = re.search(r'id="card-link" href="(/cards/sha256:[0-9a-f]{64})"', status.text).group(1)
    assert client.get(card).status_code == 200  # a member sees the private card
    assert browser(world).get(card).status_code == 404  # the public does not
    dashboard = client.get(f"/orgs/{world.org}").text
    assert status_path in dashboard and t("web_state_succeeded", "en") in dashboard


def test_the_evaluation_form_runs_a_suite_and_publishes(world, tmp_path):
    """The form's options: a suite among the version's files (run beside the generated checks, not read
    as data) and "publish when made"; an unknown suite is refused naming it, and an evaluator may not
    ask to publish."""
    import csv

    directory = _table(tmp_path / "v3", 30, secrets.token_hex(6))
    (directory / "checks.yaml").write_text("name: checks\nexpectations:\n  - type: expect_column_values_to_be_between\n"
                                           "    id: small\n    kwargs: {column: reading, min_value: 0, max_value: 5}\n",
                                           encoding="utf-8")
    upload_directory(world.api, world.org, "table", "v3", directory)
    with open(directory / "readings.csv", encoding="utf-8", newline="") as handle:
        readings = [row["reading"] for row in csv.DictReader(handle)]
    above = sum(1 for value in readings if value and float(value) > 5)
    client = signed_in(world, world.publisher)
    page = client.get(f"/orgs/{world.org}").text
    assert '<input id="eval-suites" name="suites"' in page and 'name="publish" value="1"' in page
    form = {"csrf": CSRF.search(page)[1], "version": "table/v3", "standard": STANDARD}
    unknown = client.post(f"/orgs/{world.org}/evaluations", data={**form, "suites": "nope.yaml"})
    assert unknown.status_code == 422 and "nope.yaml" in unknown.text
    evaluator = signed_in(world, world.evaluator)
    assert 'name="publish"' not in evaluator.get(f"/orgs/{world.org}").text
    refused_publish = evaluator.post(f"/orgs/{world.org}/evaluations",
                                     data={**form, "csrf": csrf_of(evaluator, f"/orgs/{world.org}"), "publish": "1"})
    assert refused_publish.status_code == 403
    answer = client.post(f"/orgs/{world.org}/evaluations", data={**form, "suites": " checks.yaml ", "publish": "1"})
    assert answer.status_code == 303, answer.text
    done = wait_for(world.api, "/api/v1" + answer.headers["location"], timeout=300)
    assert done["state"] == "succeeded", done
    card = browser(world).get(f"/api/v1/cards/{done['card']}.json")
    assert card.status_code == 200  # published when made: the public reads it
    result = next(r for r in card.json()["results"] if r["id"] == "checks:small")
    assert result["success"] is False and result["result"]["unexpected_count"] == above > 0
    tables = card.json()["dataset"]["tables"]  # the suite was not read as data
    assert [table["name"] for table in tables] == ["readings"] and tables[0]["rows"] == len(readings)


def test_tokens_are_created_once_and_revoked(world):
    client = signed_in(world, world.publisher)
    token = csrf_of(client, "/tokens")
    made = client.post("/tokens", data={"csrf": token, "name": "from-the-page", "expires_in_days": "30"})
    assert made.status_code == 201
    secret = SECRET.search(made.text).group(0)
    assert made.text.count(secret) == 1
    listing = client.get("/tokens")
    assert "from-the-page" in listing.text and secret not in listing.text
    api = Api(world.service.url, secret)
    assert api.get("/api/v1/me").json()["name"] == world.publisher
    token_id = secret.split("_")[1]
    assert client.post(f"/tokens/{token_id}/revoke", data={}).status_code == 403
    assert api.get("/api/v1/me").status_code == 200
    revoked = client.post(f"/tokens/{token_id}/revoke", data={"csrf": token})
    assert revoked.status_code == 303
    assert api.get("/api/v1/me").status_code == 401
    assert f"/tokens/{token_id}/revoke" not in client.get("/tokens").text
    assert client.post("/tokens", data={"csrf": token, "name": ""}).status_code == 422


def test_sign_out_ends_the_session(world):
    client = signed_in(world, world.publisher)
    old = client.cookies.get("dsbench_session")
    token = csrf_of(client, f"/orgs/{world.org}")
    assert client.post("/signout", data={"csrf": "f" * 64}).status_code == 403
    assert client.get(f"/orgs/{world.org}").status_code == 200  # a refused sign-out changed nothing
    out = client.post("/signout", data={"csrf": token})
    assert out.status_code == 303 and 'dsbench_session=""' in out.headers["set-cookie"]
    stale = browser(world)
    stale.cookies.set("dsbench_session", old)
    assert stale.get(f"/orgs/{world.org}").status_code == 303
    assert stale.get("/tokens").status_code == 303
    assert stale.post(f"/orgs/{world.org}/cards/{world.private}/unpublish", data={"csrf": token}).status_code == 403
    assert published(world, world.private)


# -------------------------------------------------------------------------------------- in a browser

PAGES = ("signin", "dashboard", "evaluation", "tokens")


@pytest.mark.parametrize("lang", ("en", "zh"))
@pytest.mark.parametrize("page", PAGES)
def test_the_new_pages_in_a_browser(world, chromium, page, lang):
    client = signed_in(world, world.publisher)
    evaluations = world.api.get(f"/api/v1/orgs/{world.org}/evaluations", params={"state": "succeeded"})
    paths = {"signin": "/signin", "dashboard": f"/orgs/{world.org}",
             "evaluation": f"/orgs/{world.org}/evaluations/{evaluations.json()['items'][-1]['id']}",
             "tokens": "/tokens"}
    chromium.use_session(world.service.url, client.cookies.get("dsbench_session") if page != "signin" else None)
    url = f"{world.service.url}{paths[page]}?lang={lang}"
    chromium.viewport(WIDTH, 1000)
    since = chromium.navigate(url)
    seen = chromium.evaluate(INSPECT)
    assert seen["readyState"] == "complete"
    assert seen["lang"] == ("zh-CN" if lang == "zh" else "en")
    assert seen["stylesheets"] == 1
    words = {"signin": "web_password", "dashboard": "web_evaluations", "evaluation": "web_state",
             "tokens": "web_your_tokens"}[page]
    assert t(words, lang) in seen["body"]
    if page != "signin":
        assert world.publisher in seen["body"] and t("web_sign_out", lang) in seen["body"]
    assert seen["fields"] >= {"signin": 2, "dashboard": 2, "evaluation": 0, "tokens": 2}[page]
    assert_sound_page(chromium, seen, since, chromium.errors(since), world.service, f"{page}-{lang}")
