"""The web application: FastAPI routes under ``/api/v1``, errors as RFC 9457 problem details, a
body-size limit (uvicorn has none), ``/healthz``, and the public web pages (:mod:`.pages`) outside
``/api``, whose 404s are a page too."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from dsbench._version import __version__
from dsbench.service import models, pages, queue
from dsbench.service.blobs import BlobStore
from dsbench.service.config import ServiceConfig
from dsbench.service.database import Database
from dsbench.service.deps import RateLimiter, Service, ServiceDep, plain_text
from dsbench.service.problems import PROBLEM_TYPE, Problem

UPLOAD_PATH = re.compile(r"/api/v1/orgs/[^/]+/datasets/[^/]+/versions/[^/]+/(files/[^/]+|archive)")
FORM_UPLOAD_PATH = re.compile(r"/orgs/[^/]+/upload")  # the upload page's form (pages/upload.py)
DESCRIPTION = """Score datasets against data-quality standards. Publishers upload dataset versions and
ask for evaluations; workers make reproducible score cards; published cards and leaderboards are public.
Authenticate with `Authorization: Bearer dsb_…`. Errors are RFC 9457 problem details. `x-required-role`
on each operation: `none` (public), `any-token`, `member` (of the organisation in the path), `publisher`,
`evaluator`, `admin`, `site-admin`."""


def problem_response(problem: Problem, request: Request | None = None) -> JSONResponse:
    return JSONResponse(problem.document(request.url.path if request else None), status_code=problem.status,
                        media_type=PROBLEM_TYPE, headers=problem.headers)


class BodyLimit:
    """413 for a body over its limit: uploads get ``upload`` bytes and the upload page's form
    ``form`` bytes (the routes stream them and count again, file by file), any other body ``other``
    bytes, read here before the route sees it."""

    def __init__(self, app: Any, upload: int, other: int, form: int):
        self.app, self.upload, self.other, self.form = app, upload, other, form

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        is_upload = scope["method"] == "PUT" and UPLOAD_PATH.fullmatch(scope["path"])
        is_form = scope["method"] == "POST" and FORM_UPLOAD_PATH.fullmatch(scope["path"])
        limit = self.upload if is_upload else self.form if is_form else self.other
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            return await _send_problem(send, Problem(413, f"the body is larger than the limit of {limit} bytes")
                                       if declared.isdigit() else Problem(400, "a malformed Content-Length"))
        if is_upload or is_form:
            return await self.app(scope, receive, send)
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > limit:
                return await _send_problem(send, Problem(413, f"the body is larger than the limit of {limit} bytes"))
        replayed = False

        async def replay() -> dict:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        return await self.app(scope, replay, send)


class OneLineErrors:
    """A request that fails unexpectedly answers 500 as a problem document and leaves one line in the
    log — its method, path and the error's kind — not a traceback that may hold data or secrets."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def tracked(message: dict) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception as error:  # noqa: BLE001 - the last line of defence
            logging.getLogger("dsbench.service").error("%s %s failed: %s", scope["method"], scope["path"],
                                                       type(error).__name__)
            if not started:
                await _send_problem(send, Problem(500, "the service failed on this request; it was logged"))


async def _send_problem(send: Any, problem: Problem) -> None:
    body = json.dumps(problem.document()).encode()
    await send({"type": "http.response.start", "status": problem.status,
                "headers": [(b"content-type", PROBLEM_TYPE.encode()), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


def create_app(config: ServiceConfig) -> FastAPI:
    """The application over ``config``'s database (migrated here) and blob store."""
    from dsbench.service.pages.upload import body_limit as upload_form_limit
    from dsbench.service.routes import ROUTERS

    config.prepare()
    db = Database(config.database)
    db.migrate()
    blobs = BlobStore(config.blob_dir)
    blobs.remove_temporaries()
    app = FastAPI(title="dsbench evaluation service", version=__version__, description=DESCRIPTION,
                  openapi_url="/api/v1/openapi.json", docs_url=None, redoc_url=None,
                  dependencies=[Depends(plain_text)],
                  responses={401: {"model": models.Problem, "description": "No, or an invalid, token"},
                             404: {"model": models.Problem, "description": "Not found (or not yours)"},
                             422: {"model": models.Problem, "description": "Invalid request"},
                             429: {"model": models.Problem, "description": "Rate limit"}})
    app.state.service = Service(config, db, blobs, config.pepper(), RateLimiter(config.limits.requests_per_minute))
    app.add_middleware(BodyLimit, upload=config.limits.max_upload_bytes, other=config.limits.max_json_bytes,
                       form=upload_form_limit(config.limits))
    app.add_middleware(OneLineErrors)  # added last: the outermost, so it sees every failure

    @app.exception_handler(Problem)
    async def on_problem(request: Request, problem: Problem) -> JSONResponse:
        return problem_response(problem, request)

    @app.exception_handler(pages.NotFound)
    async def on_no_page(request: Request, error: pages.NotFound) -> HTMLResponse:
        return pages.not_found(request)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, error: StarletteHTTPException) -> JSONResponse | HTMLResponse:
        if error.status_code == 404 and not _is_api(request.url.path):
            return pages.not_found(request)
        return problem_response(Problem(error.status_code, str(error.detail), headers=dict(error.headers or {})),
                                request)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        return problem_response(Problem(422, f"{where}: {first.get('msg', 'invalid')}",
                                        title="Unprocessable Content"), request)

    @app.get("/healthz", response_model=models.Health, tags=["service"], openapi_extra={"x-required-role": "none"})
    def healthz(found: ServiceDep) -> dict[str, Any]:
        """The service answers and its database too; the jobs per state."""
        with found.db.transaction() as tx:
            version = tx.value("SELECT max(version) FROM schema_version")
            counts = queue.counts(tx)
        return {"status": "ok", "version": __version__, "database": found.db.kind, "schema_version": version,
                "queue": counts}

    for router in ROUTERS:
        app.include_router(router)
    from dsbench.service.pages import admin, card, publisher, signin, upload, workspace

    # not in the OpenAPI document
    for router in (pages.router, card.router, signin.router, publisher.router, admin.router,
                   workspace.router, upload.router):
        app.include_router(router)
    return app


def _is_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/") or path == "/healthz"
