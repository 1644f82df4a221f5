"""The site administrator's pages, over SQLite and PostgreSQL, against a real ``dsbench serve``: only
a site admin sees them (anyone else, signed in or not, gets the 404 page of a missing page); users,
organisations and roles made with their forms are in the database (seen through the API, and the
new user signs in); a form without its CSRF token is refused and changes nothing; an evaluation
that failed shows on the queue page with its reason, and its retry button (or the API's retry) puts
it back in the queue, where a worker runs it again; the storage figure is the blob directory's.
``queue.retry`` itself is checked on a database of its own. Then headless Chromium loads each page
in both languages (console, labels, headings; screenshots under tests/artifacts/)."""

from __future__ import annotations

import html
import os
import re
import secrets
from dataclasses import dataclass

import httpx
import pytest

from dsbench.i18n import t
from dsbench.service.pages import CSP
from tests.devtools import WIDTH
from tests.service.live import Api, LiveService, upload_directory, wait_for
from tests.service.test_pages import INSPECT, assert_sound_page
from tests.service.test_signin import CSRF

PAGES = {"overview": "/admin", "users": "/admin/users", "orgs": "/admin/orgs", "queue": "/admin/queue"}
BROKEN = b"PAR1 this is not parquet"


@dataclass
class World:
    service: LiveService
    org: str
    password: str
    admin: str       # a site admin with a password (user names)
    publisher: str   # a publisher of org, not a site admin
    api: Api         # the publisher's token
    failed: str      # the path (API) of an evaluation that failed
    succeeded: str   # and of one that succeeded
    uploaded: int    # the bytes of org's distinct uploaded files


@pytest.fixture(scope="module")
def world(service, tmp_path_factory) -> World:
    org, password = f"adm-{secrets.token_hex(4)}", secrets.token_urlsafe(12)
    admin = service.admin
    assert admin.post("/api/v1/orgs", json={"name": org, "title": f"{org} title"}).status_code == 201
    for user, site_admin in ((f"{org}-root", True), (f"{org}-pub", False)):
        answer = admin.post("/api/v1/users", json={"name": user, "password": password, "site_admin": site_admin})
        assert answer.status_code == 201, answer.text
    assert admin.put(f"/api/v1/orgs/{org}/members/{org}-pub", json={"role": "publisher"}).status_code == 200
    api = Api(service.url, admin.post(f"/api/v1/users/{org}-pub/tokens", json={"name": "tests"}).json()["secret"])
    scratch = tmp_path_factory.mktemp("admin-data")
    (scratch / "broken").mkdir()
    (scratch / "broken" / "broken.parquet").write_bytes(BROKEN + secrets.token_hex(4).encode())
    (scratch / "good").mkdir()
    (scratch / "good" / "good.csv").write_text(f"id,token\n1,{secrets.token_hex(8)}\n2,x\n", encoding="utf-8")
    paths = {}
    for name in ("broken", "good"):
        upload_directory(api, org, name, "v1", scratch / name)
        answer = api.post(f"/api/v1/orgs/{org}/evaluations", json={"dataset": name, "version": "v1",
                                                                    "standard": "iso-iec-25012"})
        assert answer.status_code == 202, answer.text
        paths[name] = answer.headers["location"]
    assert wait_for(api, paths["broken"])["state"] == "failed"
    assert wait_for(api, paths["good"])["state"] == "succeeded"
    uploaded = sum(p.stat().st_size for p in scratch.rglob("*") if p.is_file())
    return World(service, org, password, f"{org}-root", f"{org}-pub", api, paths["broken"], paths["good"], uploaded)


def browser(world: World) -> httpx.Client:
    return httpx.Client(base_url=world.service.url, timeout=60, follow_redirects=False)


def signed_in(world: World, user: str, password: str | None = None) -> httpx.Client:
    client = browser(world)
    form = client.get("/signin")
    answer = client.post("/signin", data={"csrf": CSRF.search(form.text).group(1), "name": user,
                                          "password": password or world.password})
    assert answer.status_code == 303, answer.text
    return client


def token_of(client: httpx.Client, path: str = "/admin") -> str:
    answer = client.get(path)
    assert answer.status_code == 200, answer.status_code
    return CSRF.search(answer.text).group(1)


def user_exists(world: World, name: str) -> bool:
    """Through the API: a token for an unknown user is "no such user"."""
    answer = world.service.admin.post(f"/api/v1/users/{name}/tokens", json={"name": "exists?"})
    assert answer.status_code in (201, 404), answer.text
    return answer.status_code == 201


def test_only_a_site_admin_sees_the_admin_pages(world):
    admin, publisher, nobody = signed_in(world, world.admin), signed_in(world, world.publisher), browser(world)
    for path in PAGES.values():
        seen = admin.get(path)
        assert seen.status_code == 200 and seen.headers["content-security-policy"] == CSP, path
    for client in (publisher, nobody):
        missing = client.get(f"/no-such-page-{world.org}")
        assert missing.status_code == 404
        for path in PAGES.values():
            answer = client.get(path)
            assert answer.status_code == 404, path
            assert answer.text == missing.text, path  # exactly the page of an address that does not exist
    # the publisher's own token: still 404, and nothing made
    token = token_of(publisher, f"/orgs/{world.org}")
    evaluation = world.failed.rsplit("/", 1)[1]
    for path, data in (("/admin/users", {"name": f"{world.org}-sneak", "password": "x" * 16}),
                       ("/admin/orgs", {"name": f"{world.org}-sneak", "title": "sneak"}),
                       ("/admin/members", {"user": world.publisher, "org": world.org, "role": "admin"}),
                       (f"/admin/queue/{evaluation}/retry", {})):
        for client, csrf in ((publisher, token), (nobody, "")):
            assert client.post(path, data={**data, "csrf": csrf}).status_code == 404, path
    assert world.service.admin.get(f"/api/v1/orgs/{world.org}-sneak").status_code == 404
    assert not user_exists(world, f"{world.org}-sneak")
    roles = {m["user"]: m["role"] for m in world.service.admin.get(f"/api/v1/orgs/{world.org}/members").json()}
    assert roles[world.publisher] == "publisher"
    assert world.api.get(world.failed).json()["state"] == "failed"
    # the header links to the admin pages for a site admin only
    assert f'href="/admin">{t("web_admin", "en")}</a>' in admin.get("/").text
    assert 'href="/admin"' not in publisher.get("/").text and 'href="/admin"' not in nobody.get("/").text
    # the API's retry is a site admin's too
    assert world.api.post(f"/api/v1/admin/evaluations/{evaluation}/retry").status_code == 403


def test_the_admin_makes_users_organisations_and_roles(world):
    client = signed_in(world, world.admin)
    token = token_of(client, "/admin/users")
    org, user, password = f"{world.org}-made", f"{world.org}-new", secrets.token_urlsafe(14)
    made = client.post("/admin/orgs", data={"csrf": token, "name": org, "title": "Made <on> the page"})
    assert made.status_code == 303 and made.headers["location"].startswith("/admin/orgs")
    assert world.service.admin.get(f"/api/v1/orgs/{org}").json()["title"] == "Made <on> the page"
    made = client.post("/admin/users", data={"csrf": token, "name": user, "password": password})
    assert made.status_code == 303 and made.headers["location"].startswith("/admin/users")
    given = client.post("/admin/members", data={"csrf": token, "user": user, "org": org, "role": "evaluator"})
    assert given.status_code == 303
    members = world.service.admin.get(f"/api/v1/orgs/{org}/members").json()
    assert [(m["user"], m["role"]) for m in members] == [(user, "evaluator")]
    # the new user signs in with the password the form gave (argon2id-hashed by accounts.create_user)
    theirs = signed_in(world, user, password)
    assert theirs.get(f"/orgs/{org}").status_code == 200
    assert theirs.get("/admin").status_code == 404
    # the pages show them
    users = client.get("/admin/users").text
    row = re.search(rf'<tr data-user="{re.escape(user)}">(.*?)</tr>', users).group(1)
    assert f"{org}: {t('web_role_evaluator', 'en')}" in row and t("web_no", "en") in row
    admin_row = re.search(rf'<tr data-user="{re.escape(world.admin)}">(.*?)</tr>', users).group(1)
    assert t("web_yes", "en") in admin_row
    orgs = client.get("/admin/orgs").text
    row = re.search(rf'<tr data-org="{re.escape(org)}">(.*?)</tr>', orgs).group(1)
    assert "Made &lt;on&gt; the page" in row and re.findall(r'class="num">([^<]+)<', row) == ["1", "0", "0 (0)"]
    mine = re.search(rf'<tr data-org="{re.escape(world.org)}">(.*?)</tr>', orgs).group(1)
    assert re.findall(r'class="num">([^<]+)<', mine) == ["1", "2", "1 (0)"]  # members, datasets, cards (public)
    # a role changed, and what the service refuses
    assert client.post("/admin/members", data={"csrf": token, "user": user, "org": org,
                                               "role": "admin"}).status_code == 303
    assert world.service.admin.get(f"/api/v1/orgs/{org}/members").json()[0]["role"] == "admin"
    again = client.post("/admin/users", data={"csrf": token, "name": user, "password": password})
    assert again.status_code == 409 and "exists already" in again.text
    for data in ({"name": "Not A Name", "password": password}, {"name": f"{user}x", "password": "short"}):
        assert client.post("/admin/users", data={"csrf": token, **data}).status_code == 422
    assert not user_exists(world, f"{user}x")
    assert client.post("/admin/orgs", data={"csrf": token, "name": f"{org}x", "title": ""}).status_code == 422
    assert client.post("/admin/members", data={"csrf": token, "user": user, "org": org,
                                               "role": "owner"}).status_code == 422
    unknown = client.post("/admin/members", data={"csrf": token, "user": f"nobody-{user}", "org": org,
                                                  "role": "admin"})
    assert unknown.status_code == 404 and "no such user" in unknown.text.lower()


def test_a_form_without_its_csrf_token_changes_nothing(world):
    client = signed_in(world, world.admin)
    foreign = token_of(signed_in(world, world.publisher), f"/orgs/{world.org}")  # another session's token
    evaluation = world.failed.rsplit("/", 1)[1]
    before = world.api.get(world.failed).json()
    for csrf in (None, "", "0" * 64, foreign):
        extra = {} if csrf is None else {"csrf": csrf}
        for path, data in (("/admin/users", {"name": f"{world.org}-csrf", "password": "y" * 16}),
                           ("/admin/orgs", {"name": f"{world.org}-csrf", "title": "csrf"}),
                           ("/admin/members", {"user": world.publisher, "org": world.org, "role": "admin"}),
                           (f"/admin/queue/{evaluation}/retry", {})):
            answer = client.post(path, data={**data, **extra})
            assert answer.status_code == 403, (path, csrf)
            assert t("web_csrf_refused", "en") in answer.text
    assert world.service.admin.get(f"/api/v1/orgs/{world.org}-csrf").status_code == 404
    assert not user_exists(world, f"{world.org}-csrf")
    roles = {m["user"]: m["role"] for m in world.service.admin.get(f"/api/v1/orgs/{world.org}/members").json()}
    assert roles[world.publisher] == "publisher"
    assert world.api.get(world.failed).json() == before


def test_a_failed_evaluation_is_shown_and_retried(world):
    client = signed_in(world, world.admin)
    evaluation = world.failed.rsplit("/", 1)[1]
    first = world.api.get(world.failed).json()
    assert first["state"] == "failed" and first["attempts"] == 1 and "Parquet" in first["reason"]
    page = client.get("/admin/queue")
    row = re.search(rf'<tr data-evaluation="{evaluation}">(.*?)</tr>', page.text, re.S).group(1)
    assert html.escape(first["reason"], quote=False) in row and f"{world.org}/broken" in row
    action = f"/admin/queue/{evaluation}/retry"
    assert f'action="{action}"' in row
    retried = client.post(action, data={"csrf": CSRF.search(page.text).group(1)})
    assert retried.status_code == 303 and retried.headers["location"].startswith("/admin/queue")
    again = wait_for(world.api, world.failed)  # a worker claimed it and ran it again: the same bytes fail again
    assert again["state"] == "failed" and again["attempts"] == 2 and again["max_attempts"] == 1 + 3
    assert again["started"] > first["finished"] and again["reason"] == first["reason"]
    # the API's retry answers the evaluation back in the queue
    answer = world.service.admin.post(f"/api/v1/admin/evaluations/{evaluation}/retry")
    assert answer.status_code == 202, answer.text
    queued = answer.json()
    assert queued["state"] == "queued" and queued["reason"] is None and queued["finished"] is None
    assert queued["attempts"] == 2 and queued["max_attempts"] == 2 + 3
    third = wait_for(world.api, world.failed)
    assert third["state"] == "failed" and third["attempts"] == 3
    # only a failed evaluation is retried
    good = world.succeeded.rsplit("/", 1)[1]
    refused = world.service.admin.post(f"/api/v1/admin/evaluations/{good}/retry")
    assert refused.status_code == 409 and "succeeded" in refused.json()["detail"]
    assert world.api.get(world.succeeded).json()["state"] == "succeeded"
    assert client.post(f"/admin/queue/{good}/retry", data={"csrf": CSRF.search(page.text).group(1)}).status_code == 409
    assert world.service.admin.post("/api/v1/admin/evaluations/nothing/retry").status_code == 404


def _blob_directory(service: LiveService) -> tuple[int, int]:
    files = [p for p in (service.data_dir / "blobs" / "sha256").rglob("*") if p.is_file()]
    return len(files), sum(os.path.getsize(p) for p in files)


def test_storage_and_queue_figures(world):
    client = signed_in(world, world.admin)
    for _ in range(5):  # other tests' workers may store a card meanwhile: a figure between two equal walks
        before = _blob_directory(world.service)
        page = client.get("/admin").text
        if _blob_directory(world.service) == before:
            break
    count = int(re.search(r'id="blob-count" data-count="(\d+)"', page).group(1))
    size = int(re.search(r'id="blob-bytes" data-bytes="(\d+)"', page).group(1))
    assert (count, size) == before and count > 0
    row = re.search(rf"<tr><td>{re.escape(world.org)}</td>(.*?)</tr>", page).group(1)
    assert re.search(r'data-bytes="(\d+)"', row).group(1) == str(world.uploaded)
    counts = world.service.admin.get("/healthz").json()["queue"]
    shown = dict(re.findall(r'data-state="(\w+)">(\d+)<', page))
    assert shown.keys() == counts.keys() and int(shown["failed"]) >= 1


def test_queue_retry_on_its_own(tmp_path):
    """A retried job is queued as if new (its attempts kept), claimed by the next worker, and finishes."""
    from dsbench.service import accounts, catalog, queue
    from dsbench.service.database import Database

    db = Database(f"sqlite:///{tmp_path / 'service.sqlite'}")
    db.migrate()
    with db.transaction(write=True) as tx:
        org = accounts.create_org(tx, "o", "o")
        user = accounts.create_user(tx, "u")
        dataset = catalog.create_dataset(tx, org["id"], "d", "d")
        version, _ = catalog.ensure_version(tx, dataset["id"], "v1")
        job, _ = queue.enqueue(tx, org_id=org["id"], version_id=version["id"], standard="s", inputs={},
                               publish=False, requested_by=user["id"], max_attempts=1, idempotency_key=None,
                               request={})
        assert not queue.retry(tx, job["id"], 3)  # queued: not failed
    claimed = queue.claim(db, "w1", 60)
    with db.transaction(write=True) as tx:
        assert not queue.retry(tx, job["id"], 3)  # running
        assert queue.finish(tx, "w1", job["id"], "failed", reason="broken", worker_version="x")
        assert queue.retry(tx, job["id"], 3)
        row = tx.one("SELECT * FROM evaluations WHERE id = ?", (job["id"],))
    assert claimed["attempts"] == 1
    assert row["state"] == "queued" and row["attempts"] == 1 and row["max_attempts"] == 4
    assert all(row[k] is None for k in ("reason", "started", "finished", "lease_owner", "lease_expires",
                                        "worker_version", "card_digest"))
    again = queue.claim(db, "w2", 60)
    assert again["id"] == job["id"] and again["attempts"] == 2 and again["state"] == "running"
    with db.transaction(write=True) as tx:
        assert queue.finish(tx, "w2", job["id"], "succeeded", worker_version="x")
        assert not queue.retry(tx, job["id"], 3)  # succeeded stays
        assert queue.counts(tx)["succeeded"] == 1


# -------------------------------------------------------------------------------------- in a browser

@pytest.mark.parametrize("lang", ("en", "zh"))
@pytest.mark.parametrize("page", tuple(PAGES))
def test_the_admin_pages_in_a_browser(world, chromium, page, lang):
    client = signed_in(world, world.admin)
    chromium.use_session(world.service.url, client.cookies.get("dsbench_session"))
    chromium.viewport(WIDTH, 1000)
    since = chromium.navigate(f"{world.service.url}{PAGES[page]}?lang={lang}")
    seen = chromium.evaluate(INSPECT)
    assert seen["readyState"] == "complete" and seen["lang"] == ("zh-CN" if lang == "zh" else "en")
    assert seen["stylesheets"] == 1
    words = {"overview": "web_storage", "users": "web_new_user", "orgs": "web_new_org", "queue": "web_jobs_failed"}
    assert t(words[page], lang) in seen["body"] and t("web_admin", lang) in seen["body"]
    assert world.admin in seen["body"]
    assert seen["fields"] == {"overview": 0, "users": 5, "orgs": 2, "queue": 0}[page]
    assert_sound_page(chromium, seen, since, chromium.errors(since), world.service, f"admin-{page}-{lang}")
