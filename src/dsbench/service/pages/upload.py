"""A publisher's upload from the browser: ``/orgs/{org}/upload`` asks for a dataset (one of the
organisation's, or a new name and title), a version label and one or more files, and is sent as
multipart/form-data. The body is read as it arrives (python-multipart's streaming parser): the text
fields come first (the form puts them before the files), and the CSRF token, the names and the
label are checked before a byte of a file is stored; each file then streams into the blob store
through the API's own writer (:func:`~dsbench.service.routes.datasets.upload_writer`, refused at the
first byte past the upload limit) under a name the API's rule allows, and once every file is in, the
version is recorded by the API's :func:`~dsbench.service.routes.datasets.record_files`, in one
transaction with the new dataset if there is one. A refusal (an oversize file, say) keeps nothing:
the files stay temporary until the form has been read whole, and go with it.

With script (``/static/upload.js``; the form carries the limit in ``data-`` attributes) the browser
refuses an oversize file before sending anything, sends the form with XMLHttpRequest and shows its
progress; without, the form is posted as it is and the server answers the same way."""

from __future__ import annotations

import functools
from typing import Any, AsyncIterator, Callable

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from dsbench.service import catalog, models
from dsbench.service.blobs import Blob, BlobWriter
from dsbench.service.config import Limits
from dsbench.service.deps import ServiceDep
from dsbench.service.names import check_file_name, check_label
from dsbench.service.pages import NotFound, Page, message, size_text
from dsbench.service.pages.publisher import member_org, refusal
from dsbench.service.pages.session import csrf_ok
from dsbench.service.pages.signin import redirect, refused, signed_in
from dsbench.service.problems import Problem
from dsbench.service.routes.datasets import record_files, upload_writer

router = APIRouter(include_in_schema=False)
MAX_FILES = 100       # in one form (each held as a temporary file until the form is read whole)
MAX_FIELD = 1000      # bytes of one text field
FIELDS = ("csrf", "dataset", "title", "version")


def body_limit(limits: Limits) -> int:
    """The most a whole upload form may be (the body-size limit of ``create_app`` for its path): every
    file at the upload limit, and room for the text fields and the parts' headers."""
    return limits.max_upload_bytes * MAX_FILES + 1024 * 1024


class Refusal(Exception):
    """The form is refused with the page ``answer`` makes (in the thread pool: a page reads the
    session from the database); nothing the form sent is kept."""

    def __init__(self, answer: Callable[[], Response]):
        self.answer = answer


@router.get("/orgs/{org}/upload", response_class=HTMLResponse)
def upload_page(org: str, request: Request, found: ServiceDep) -> Response:
    page, away = signed_in(request)
    if away:
        return away
    with found.db.transaction() as tx:
        try:
            org_row = member_org(tx, page, org, "upload")
        except Problem as problem:
            return refusal(request, problem)
        datasets = catalog.datasets(tx, org_row["id"], None, 1000)
    limit = found.config.limits.max_upload_bytes
    chosen = request.query_params.get("dataset", "")[:64]
    return page.render("upload.html.j2", page.w("web_upload_to", org=org_row["name"]), org=org_row,
                       datasets=datasets, chosen=chosen, title_value=request.query_params.get("title", "")[:200],
                       limit=limit, limit_text=size_text(limit, page), max_files=MAX_FILES)


class UploadForm:
    """One upload form being read: its fields, then its files, each into a blob writer."""

    def __init__(self, request: Request, found: Any, page: Page):
        self.request, self.found, self.page = request, found, page
        self.fields: dict[str, str] = {}
        self.files: list[tuple[str, BlobWriter]] = []
        self.target: tuple[models.NewDataset, str] | None = None  # the dataset asked for, the version label
        self.field: tuple[str, bytearray] | None = None  # the text field being read
        self.writer: BlobWriter | None = None  # the file being read
        self.skipped = False  # a file input left empty

    def refuse(self, status: int, heading: str, text: str, **values: Any) -> Refusal:
        return Refusal(lambda: message(self.request, status, heading, text, **values))

    def problem(self, problem: Problem) -> Refusal:
        return Refusal(lambda: refusal(self.request, problem))

    def checked(self) -> None:
        """The fields before the first file (or at the end): the CSRF token, then the dataset's name
        and title and the version label as the API checks them."""
        if not csrf_ok(self.page.session, self.fields):
            raise Refusal(lambda: refused(self.request))
        try:
            check_label(self.fields.get("version", ""), "version label")
            asked = models.NewDataset(name=self.fields.get("dataset", ""), title=self.fields.get("title") or None)
        except Problem as problem:
            raise self.problem(problem) from None
        except ValidationError:
            raise self.refuse(422, "web_invalid", "web_upload_bad_dataset") from None
        self.target = (asked, self.fields["version"])

    def begin(self, headers: dict[bytes, bytes]) -> None:
        from python_multipart.multipart import parse_options_header

        _, options = parse_options_header(headers.get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" not in options:
            if self.files:
                raise self.refuse(422, "web_invalid", "web_upload_fields_first")
            self.field = (name, bytearray())
            return
        if self.target is None:
            self.checked()
        filename = options[b"filename"].decode("utf-8", "replace")
        if not filename:
            self.skipped = True  # what a browser sends for a file input with nothing chosen
            return
        try:
            check_file_name(filename)
        except Problem as problem:
            raise self.problem(problem) from None
        if any(filename == taken for taken, _ in self.files):
            raise self.refuse(422, "web_invalid", "web_upload_twice", file=filename)
        if len(self.files) == MAX_FILES:
            raise self.refuse(422, "web_invalid", "web_upload_too_many", n=MAX_FILES)
        self.writer = upload_writer(self.found)
        self.files.append((filename, self.writer))

    def data(self, chunk: bytes) -> None:
        if self.field is not None:
            self.field[1].extend(chunk)
            if len(self.field[1]) > MAX_FIELD:
                raise self.refuse(422, "web_invalid", "web_upload_field_long", field=self.field[0][:40])
        elif self.writer is not None:
            try:
                self.writer.write(chunk)
            except Problem as problem:
                if problem.status != 413:
                    raise
                limit = self.found.config.limits.max_upload_bytes
                raise self.refuse(413, "web_too_large", "web_file_too_large", file=self.files[-1][0],
                                  limit=size_text(limit, self.page)) from None
        elif not self.skipped:
            raise self.refuse(422, "web_invalid", "web_upload_malformed")

    def end(self) -> None:
        if self.field is not None and self.field[0] in FIELDS:  # other fields are not kept
            name, value = self.field
            self.fields.setdefault(name, value.decode("utf-8", "replace").replace("\x00", "").strip())
        self.field, self.writer, self.skipped = None, None, False

    async def read(self, stream: AsyncIterator[bytes]) -> None:
        """Read the body from ``stream`` (multipart/form-data) to its end."""
        from python_multipart.exceptions import MultipartParseError
        from python_multipart.multipart import MultipartParser, parse_options_header

        kind, options = parse_options_header(self.request.headers.get("content-type", ""))
        if kind != b"multipart/form-data" or not options.get(b"boundary"):
            raise self.refuse(422, "web_invalid", "web_upload_malformed")
        events: list[tuple[str, Any]] = []  # what the parser found in one chunk, handled after it
        field, value = bytearray(), bytearray()  # the header being read
        headers: dict[bytes, bytes] = {}

        def on_header_field(data: bytes, start: int, end: int) -> None:
            field.extend(data[start:end])

        def on_header_value(data: bytes, start: int, end: int) -> None:
            value.extend(data[start:end])

        def on_header_end() -> None:
            headers[bytes(field).strip().lower()] = bytes(value).strip()
            field.clear()
            value.clear()

        def on_headers_finished() -> None:
            events.append(("begin", dict(headers)))
            headers.clear()

        def on_part_data(data: bytes, start: int, end: int) -> None:
            events.append(("data", data[start:end]))

        parser = MultipartParser(options[b"boundary"], {
            "on_header_field": on_header_field, "on_header_value": on_header_value, "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished, "on_part_data": on_part_data,
            "on_part_end": lambda: events.append(("end", None))})
        try:
            async for chunk in stream:
                parser.write(chunk)
                for event, found in events:
                    if event == "begin":
                        self.begin(found)
                    elif event == "data":
                        self.data(found)
                    else:
                        self.end()
                events.clear()
            parser.finalize()
        except MultipartParseError:
            raise self.refuse(422, "web_invalid", "web_upload_malformed") from None
        if self.target is None:
            self.checked()
        if not self.files:
            raise self.refuse(422, "web_invalid", "web_upload_no_files")

    def record(self) -> None:
        """The files made blobs, then recorded as the version, the dataset created if it is new, in
        one transaction that checks the right to upload again."""
        named: dict[str, Blob] = {name: writer.commit() for name, writer in self.files}
        asked, label = self.target
        with self.found.db.transaction(write=True) as tx:
            org_row = member_org(tx, self.page, self.request.path_params["org"], "upload")
            dataset = tx.one("SELECT id FROM datasets WHERE org_id = ? AND name = ?", (org_row["id"], asked.name))
            if dataset is None:
                dataset = catalog.create_dataset(tx, org_row["id"], asked.name, asked.title or asked.name)
            record_files(tx, dataset["id"], label, named)

    def discard(self) -> None:
        """Drop the files not yet blobs (a no-op for those that are)."""
        for _, writer in self.files:
            writer.discard()


@router.post("/orgs/{org}/upload", response_class=HTMLResponse)
async def upload(org: str, request: Request, found: ServiceDep) -> Response:
    """The upload form (multipart/form-data), to the dashboard; a refusal is a page saying why, and
    keeps nothing. The body is read to its end even then: a browser shows an answer only once it
    has sent its request."""
    page = Page(request)
    stream = request.stream()
    form: UploadForm | None = None

    def writable() -> None:
        """Checked before a byte of the body is read: signed in, and may upload here."""
        if page.session is None:
            raise Refusal(lambda: refused(request))
        with found.db.transaction() as tx:
            member_org(tx, page, org, "upload")

    try:
        try:
            await run_in_threadpool(writable)
        except Problem as problem:
            raise Refusal(functools.partial(refusal, request, problem)) from None
        form = UploadForm(request, found, page)
        await form.read(stream)
        await run_in_threadpool(form.record)
    except (Refusal, NotFound, Problem) as stopped:
        if form is not None:
            form.discard()
        async for _ in stream:  # the rest of the body, neither stored nor parsed
            pass
        if isinstance(stopped, NotFound):
            raise
        answer = stopped.answer if isinstance(stopped, Refusal) else functools.partial(refusal, request, stopped)
        return await run_in_threadpool(answer)
    finally:
        if form is not None:
            form.discard()
    return redirect(page.link(f"/orgs/{org}") + "#datasets")
