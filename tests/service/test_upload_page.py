"""The upload page (pages/upload.py) over SQLite and PostgreSQL, against a real ``dsbench serve``: a
publisher's form (multipart/form-data, signed in, with its CSRF token) makes the dataset and the
version, whose files the API then shows with the SHA-256 computed here; a form without its CSRF
token, an evaluator's form and a form to another organisation are refused and make nothing; a bad
file name or label is refused; on a service with a small upload limit an oversize file is refused
with a page that names it and the limit, and nothing of the form is kept (not even the file before
it). Then headless Chromium, with the page's script: a chosen file is sent with its progress shown
up to 100% and the browser lands on the dashboard listing the version (in English and Chinese); an
oversize file is refused in the page before anything is sent."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from dsbench.i18n import t
from dsbench.service.pages import CSP
from tests.devtools import WIDTH
from tests.service.conftest import start_service
from tests.service.live import Api, LiveService
from tests.service.test_pages import INSPECT, assert_sound_page
from tests.service.test_signin import CSRF, _user, signed_in

SMALL_LIMIT = 4096  # bytes: the upload limit of the small service


@dataclass
class World:
    service: LiveService
    org: str
    other: str
    password: str
    publisher: str
    evaluator: str
    api: Api  # the publisher's token


def _world(service: LiveService) -> World:
    org, other = f"up-{secrets.token_hex(4)}", f"upx-{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(12)
    _user(service, org, f"{org}-pub", "publisher", password)
    _user(service, org, f"{org}-eva", "evaluator", password)
    _user(service, other, f"{other}-pub", "publisher", password)
    token = service.admin.post(f"/api/v1/users/{org}-pub/tokens", json={"name": "tests"}).json()["secret"]
    return World(service, org, other, password, f"{org}-pub", f"{org}-eva", Api(service.url, token))


@pytest.fixture(scope="module")
def world(service) -> World:
    return _world(service)


@pytest.fixture(scope="module")
def small(request, tmp_path_factory) -> World:
    """A service of its own whose upload limit is small (SQLite)."""
    live = start_service("sqlite", request, tmp_path_factory, limits=(f"max_upload_bytes={SMALL_LIMIT}",))
    try:
        yield _world(live)
    finally:
        live.stop()


def _csv(rows: int = 20) -> bytes:
    salt = secrets.token_hex(8)  # bytes no other test uploads
    lines = ["id,reading,note"] + [f"{i},{i * 7 % 13},{salt}" for i in range(1, rows + 1)]
    return ("\n".join(lines) + "\n").encode()


def sha256(content: bytes) -> str:
    return "sha256:" + hashlib.sha256(content).hexdigest()


def blob_stored(world: World, content: bytes) -> bool:
    digest = hashlib.sha256(content).hexdigest()
    return (world.service.data_dir / "blobs" / "sha256" / digest[:2] / digest).exists()


def no_temporaries(world: World) -> bool:
    return list((world.service.data_dir / "blobs" / "tmp").iterdir()) == []


def version_of(world: World, org: str, dataset: str, version: str) -> httpx.Response:
    return world.service.admin.get(f"/api/v1/orgs/{org}/datasets/{dataset}/versions/{version}")


def post_form(client: httpx.Client, org: str, csrf: str | None, files: list[tuple[str, bytes]],
              **fields: str) -> httpx.Response:
    data = dict(fields) if csrf is None else {"csrf": csrf, **fields}  # httpx sends the fields first
    return client.post(f"/orgs/{org}/upload", data=data,
                       files=[("files", (name, content, "text/csv")) for name, content in files])


def test_a_publisher_uploads_a_new_dataset_and_a_new_version(world):
    client = signed_in(world, world.publisher)
    dashboard = client.get(f"/orgs/{world.org}")
    assert f'action="/orgs/{world.org}/upload"' in dashboard.text  # the new-dataset form leads to the page
    page = client.get(f"/orgs/{world.org}/upload", params={"dataset": "fresh"})
    assert page.status_code == 200 and page.headers["content-security-policy"] == CSP
    assert "script-src 'self'" in CSP and "'unsafe-inline'" not in CSP and "'unsafe-eval'" not in CSP
    assert 'enctype="multipart/form-data"' in page.text and 'type="file" multiple' in page.text
    assert '<script src="/static/upload.js" defer></script>' in page.text and page.text.count("<script") == 1
    assert f'data-limit="{2 * 1024 ** 3}"' in page.text and 'value="fresh"' in page.text
    csrf = CSRF.search(page.text).group(1)

    first = _csv()
    answer = post_form(client, world.org, csrf, [("readings.csv", first)], dataset="fresh", title="Fresh readings",
                       version="2024-06")
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == f"/orgs/{world.org}#datasets"
    shown = version_of(world, world.org, "fresh", "2024-06")
    assert shown.status_code == 200, shown.text
    assert [(f["name"], f["sha256"], f["bytes"]) for f in shown.json()["files"]] == [
        ("readings.csv", sha256(first), len(first))]
    assert world.api.get(f"/api/v1/orgs/{world.org}/datasets/fresh").json()["title"] == "Fresh readings"

    second, notes = _csv(40), b"# notes\nmeasured twice\n"
    answer = post_form(client, world.org, csrf, [("readings.csv", second), ("notes.md", notes)], dataset="fresh",
                       version="2024-07")
    assert answer.status_code == 303, answer.text
    files = {f["name"]: f["sha256"] for f in version_of(world, world.org, "fresh", "2024-07").json()["files"]}
    assert files == {"readings.csv": sha256(second), "notes.md": sha256(notes)}
    listed = client.get(f"/orgs/{world.org}").text
    assert "2024-06" in listed and "2024-07" in listed
    assert f'href="/orgs/{world.org}/upload?dataset=fresh"' in listed  # per dataset: a new version
    assert no_temporaries(world)


def test_the_page_in_both_languages_and_its_script(world):
    client = signed_in(world, world.publisher)
    for lang in ("en", "zh"):
        page = client.get(f"/orgs/{world.org}/upload", params={"lang": lang})
        assert page.status_code == 200
        for key in ("web_upload_files", "web_version_label", "web_upload_new_title", "web_upload"):
            assert t(key, lang) in page.text, (key, lang)
        assert f'action="/orgs/{world.org}/upload?lang={lang}"' in page.text
    script = client.get("/static/upload.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert script.headers["content-security-policy"] == CSP and "XMLHttpRequest" in script.text
    assert "eval(" not in script.text and "innerHTML" not in script.text
    again = client.get("/static/upload.js", headers={"If-None-Match": script.headers["etag"]})
    assert again.status_code == 304


def test_without_csrf_nothing_is_created(world):
    client = signed_in(world, world.publisher)
    content = _csv()
    for csrf in (None, "", "0" * 64, CSRF.search(signed_in(world, world.evaluator).get("/tokens").text).group(1)):
        answer = post_form(client, world.org, csrf, [("readings.csv", content)], dataset="sneaky", version="v1")
        assert answer.status_code == 403, (csrf, answer.status_code)
        assert t("web_csrf_refused", "en") in answer.text
    assert world.api.get(f"/api/v1/orgs/{world.org}/datasets/sneaky").status_code == 404
    assert not blob_stored(world, content) and no_temporaries(world)
    assert browser_post(world, content).status_code == 403  # nobody signed in


def browser_post(world: World, content: bytes) -> httpx.Response:
    client = httpx.Client(base_url=world.service.url, timeout=60)
    return post_form(client, world.org, "0" * 64, [("readings.csv", content)], dataset="sneaky", version="v1")


def test_an_evaluator_may_not_upload(world):
    client = signed_in(world, world.evaluator)
    dashboard = client.get(f"/orgs/{world.org}")
    assert dashboard.status_code == 200 and "/upload" not in dashboard.text
    page = client.get(f"/orgs/{world.org}/upload")
    assert page.status_code == 403 and t("web_role_refused", "en") in page.text
    content = _csv()
    answer = post_form(client, world.org, CSRF.search(dashboard.text).group(1), [("readings.csv", content)],
                       dataset="theirs", version="v1")
    assert answer.status_code == 403 and t("web_role_refused", "en") in answer.text
    assert world.api.get(f"/api/v1/orgs/{world.org}/datasets/theirs").status_code == 404
    assert not blob_stored(world, content)


def test_another_organisation_is_the_404_page(world):
    client = signed_in(world, world.publisher)
    csrf = CSRF.search(client.get(f"/orgs/{world.org}").text).group(1)
    content = _csv()
    assert client.get(f"/orgs/{world.other}/upload").status_code == 404
    answer = post_form(client, world.other, csrf, [("readings.csv", content)], dataset="intruder", version="v1")
    assert answer.status_code == 404 and t("web_not_found", "en") in answer.text
    assert world.service.admin.get(f"/api/v1/orgs/{world.other}/datasets/intruder").status_code == 404
    assert not blob_stored(world, content)


@pytest.mark.parametrize("fields, name", [
    ({"dataset": "named", "version": "v1"}, "../evil.csv"),
    ({"dataset": "named", "version": "v1"}, ".hidden"),
    ({"dataset": "named", "version": "../v1"}, "readings.csv"),
    ({"dataset": "Not A Name", "version": "v1"}, "readings.csv"),
    ({"dataset": "named", "version": ""}, "readings.csv"),
])
def test_names_the_api_refuses_are_refused(world, fields, name):
    client = signed_in(world, world.publisher)
    csrf = CSRF.search(client.get(f"/orgs/{world.org}").text).group(1)
    content = _csv()
    answer = post_form(client, world.org, csrf, [(name, content)], **fields)
    assert answer.status_code == 422, answer.status_code
    assert world.api.get(f"/api/v1/orgs/{world.org}/datasets/named").status_code == 404
    assert not blob_stored(world, content) and no_temporaries(world)


def test_a_form_without_files_is_refused(world):
    client = signed_in(world, world.publisher)
    csrf = CSRF.search(client.get(f"/orgs/{world.org}").text).group(1)
    answer = client.post(f"/orgs/{world.org}/upload", data={"csrf": csrf, "dataset": "empty", "version": "v1"},
                         files=[("files", ("", b"", "application/octet-stream"))])  # a file input left empty
    assert answer.status_code == 422 and t("web_upload_no_files", "en") in answer.text
    plain = client.post(f"/orgs/{world.org}/upload", data={"csrf": csrf, "dataset": "empty", "version": "v1"})
    assert plain.status_code == 422  # not multipart/form-data
    assert world.api.get(f"/api/v1/orgs/{world.org}/datasets/empty").status_code == 404


def test_an_oversize_file_is_refused_and_nothing_is_kept(small):
    client = signed_in(small, small.publisher)
    page = client.get(f"/orgs/{small.org}/upload")
    assert f'data-limit="{SMALL_LIMIT}"' in page.text and "4 KiB (4,096 bytes)" in page.text
    csrf = CSRF.search(page.text).group(1)
    good, big = _csv(5), _csv(600)
    assert len(good) < SMALL_LIMIT < len(big)
    answer = post_form(client, small.org, csrf, [("good.csv", good), ("big.csv", big)], dataset="large",
                       version="v1")
    assert answer.status_code == 413
    assert t("web_file_too_large", "en", file="big.csv", limit="4 KiB (4,096 bytes)") in answer.text
    zh = client.post(f"/orgs/{small.org}/upload?lang=zh", data={"csrf": csrf, "dataset": "large", "version": "v1"},
                     files=[("files", ("big.csv", big, "text/csv"))])
    assert zh.status_code == 413 and t("web_file_too_large", "zh", file="big.csv",
                                       limit="4 KiB (4,096 字节)") in zh.text
    assert small.api.get(f"/api/v1/orgs/{small.org}/datasets/large").status_code == 404
    assert not blob_stored(small, good) and not blob_stored(small, big) and no_temporaries(small)
    # the same file within the limit goes through the same way
    answer = post_form(client, small.org, csrf, [("good.csv", good)], dataset="large", version="v1")
    assert answer.status_code == 303
    assert version_of(small, small.org, "large", "v1").json()["files"][0]["sha256"] == sha256(good)


# -------------------------------------------------------------------------------------- in a browser

# Records what the progress element and its text show, in sessionStorage: it outlives the page, and the
# browser moves on to the dashboard as soon as the upload is done.
WATCH = """(() => {
  const progress = document.getElementById("upload-progress"), percent = document.getElementById("upload-percent");
  sessionStorage.removeItem("upload-seen");
  new MutationObserver(() => {
    const seen = JSON.parse(sessionStorage.getItem("upload-seen") || '{"max": -1, "texts": []}');
    seen.max = Math.max(seen.max, progress.value);
    if (!seen.texts.includes(percent.textContent)) seen.texts.push(percent.textContent);
    sessionStorage.setItem("upload-seen", JSON.stringify(seen));
  }).observe(document.getElementById("upload-status"), {attributes: true, childList: true, characterData: true,
                                                          subtree: true});
  return true;
})()"""


def open_upload_page(chromium, world: World, lang: str) -> int:
    client = signed_in(world, world.publisher)
    chromium.use_session(world.service.url, client.cookies.get("dsbench_session"))
    chromium.viewport(WIDTH, 1000)
    return chromium.navigate(f"{world.service.url}/orgs/{world.org}/upload?lang={lang}")


def choose(chromium, path: Path, dataset: str, version: str) -> None:
    chromium.evaluate(f"""document.getElementById("upload-dataset").value = {dataset!r};
                          document.getElementById("upload-version").value = {version!r}; true""")
    found = chromium.send("Runtime.evaluate", expression='document.getElementById("upload-files")')
    chromium.send("DOM.setFileInputFiles", files=[str(path)], objectId=found["result"]["objectId"])


def posts_since(chromium, since: int) -> list[str]:
    return [e["params"]["request"]["url"] for e in chromium.events[since:]
            if e["method"] == "Network.requestWillBeSent" and e.get("sessionId") == chromium.session
            and e["params"]["request"]["method"] == "POST"]


@pytest.mark.parametrize("lang", ("en", "zh"))
def test_a_file_sent_from_the_browser_with_its_progress(world, chromium, tmp_path, lang):
    since = open_upload_page(chromium, world, lang)
    seen = chromium.evaluate(INSPECT)
    assert t("web_upload_files", lang) in seen["body"] and seen["fields"] == 4
    assert_sound_page(chromium, seen, since, chromium.errors(since), world.service, f"upload-{lang}")
    content = _csv(2000)
    path = tmp_path / "browser.csv"
    path.write_bytes(content)
    choose(chromium, path, "browser", f"b-{lang}")
    assert chromium.evaluate(WATCH)
    start = len(chromium.events)
    chromium.evaluate('document.querySelector("#upload button[type=submit]").click(); true')
    chromium.wait_for_event("Page.loadEventFired", start)
    landed = chromium.evaluate("({path: location.pathname, body: document.body.innerText, "
                               "seen: JSON.parse(sessionStorage.getItem('upload-seen'))})")
    assert landed["path"] == f"/orgs/{world.org}"
    assert f"b-{lang}" in landed["body"] and t("web_datasets", lang) in landed["body"]
    assert landed["seen"]["max"] == 100 and "100%" in landed["seen"]["texts"], landed["seen"]
    assert posts_since(chromium, start) == [f"{world.service.url}/orgs/{world.org}/upload?lang={lang}"]
    assert not chromium.errors(start)
    shown = version_of(world, world.org, "browser", f"b-{lang}").json()
    assert [(f["name"], f["sha256"]) for f in shown["files"]] == [("browser.csv", sha256(content))]


def test_an_oversize_file_is_refused_in_the_browser_before_sending(small, chromium, tmp_path):
    open_upload_page(chromium, small, "en")
    big = tmp_path / "too-big.csv"
    big.write_bytes(_csv(600))
    choose(chromium, big, "refused", "v1")
    start = len(chromium.events)
    chromium.evaluate('document.querySelector("#upload button[type=submit]").click(); true')
    deadline, shown = time.monotonic() + 10, ""
    while not shown and time.monotonic() < deadline:
        shown = chromium.evaluate('document.getElementById("upload-message").hidden ? "" : '
                                  'document.getElementById("upload-message").textContent')
        time.sleep(0.05)
    assert shown == t("web_file_too_large", "en", file="too-big.csv", limit="4 KiB (4,096 bytes)")
    live = chromium.evaluate('document.getElementById("upload-message").getAttribute("aria-live")')
    assert live == "assertive"
    time.sleep(0.3)
    assert posts_since(chromium, start) == [] and not chromium.errors(start)
    assert chromium.evaluate("location.pathname") == f"/orgs/{small.org}/upload"
    assert small.api.get(f"/api/v1/orgs/{small.org}/datasets/refused").status_code == 404
