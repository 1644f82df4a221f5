"""Evaluations: asked for with an idempotency key, answered 202 with the URL to poll, run by the
workers, cancellable."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response

from dsbench.service import catalog, models, queue
from dsbench.service.accounts import org_of
from dsbench.service.deps import CallerDep, PageDep, ServiceDep, after_pair, moment, paged
from dsbench.service.problems import Problem, not_found
from dsbench.service.standards import standard_ids

router = APIRouter(prefix="/api/v1/orgs/{org}/evaluations", tags=["evaluations"])
MEMBER = {"x-required-role": "member"}
EVALUATE = {"x-required-role": "evaluator"}


def evaluation_view(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "org": row["org"], "dataset": row["dataset"], "version": row["version"],
            "standard": row["standard"], "state": row["state"], "attempts": row["attempts"],
            "max_attempts": row["max_attempts"], "reason": row["reason"], "card": row["card_digest"],
            "publish": bool(row["publish"]), "worker_version": row["worker_version"],
            **{k: moment(row[k]) for k in ("created", "started", "finished")}}


def known_standard(standard: str) -> None:
    if standard not in standard_ids():
        raise Problem(422, f"no standard {standard!r} (GET /api/v1/standards lists them)",
                      title="Unprocessable Content")


def start_evaluation(found: Any, who: Any, org: str, body: models.NewEvaluation,
                     idempotency_key: str | None = None) -> dict[str, Any]:
    """Queue the evaluation ``body`` asks for, of the organisation ``org``, as ``who``: the API's
    create_evaluation and the dashboard's form both come here. Its row (the one this idempotency key
    made before, if any); a Problem (404, 403, 422) when it cannot be asked for."""
    known_standard(body.standard)
    with found.db.transaction(write=True) as tx:
        org_row = org_of(tx, who, org, "evaluate")
        if body.publish and not who.may(org_row["id"], "publish"):
            raise Problem(403, "publishing needs the role publisher or admin")
        dataset = catalog.dataset(tx, org_row["id"], body.dataset)
        version = catalog.version(tx, dataset["id"], body.version)
        files = catalog.files(tx, version["id"])
        if not files:
            raise Problem(422, f"version {body.version!r} of {body.dataset!r} has no files yet",
                          title="Unprocessable Content")
        blobs = {f["name"]: f["blob"] for f in files}
        unknown = sorted(set(body.suites) - set(blobs))
        if unknown:
            raise Problem(422, f"no file {unknown[0]!r} in version {body.version!r} to use as a suite",
                          title="Unprocessable Content")
        inputs = {"files": {n: b for n, b in blobs.items() if n not in body.suites},
                  "suites": {n: blobs[n] for n in body.suites}, "failing_rows": body.failing_rows}
        if not inputs["files"]:
            raise Problem(422, "every file of this version is a suite: there is no data left",
                          title="Unprocessable Content")
        row, _ = queue.enqueue(tx, org_id=org_row["id"], version_id=version["id"], standard=body.standard,
                               inputs=inputs, publish=body.publish,
                               requested_by=who.user_id, max_attempts=found.config.limits.max_attempts,
                               idempotency_key=idempotency_key, request=body.model_dump())
    return row


@router.post("", status_code=202, response_model=models.Evaluation, openapi_extra=EVALUATE)
def create_evaluation(org: str, body: models.NewEvaluation, found: ServiceDep, who: CallerDep, response: Response,
                      idempotency_key: Annotated[str | None, Header(max_length=200, pattern=r"^[\x21-\x7e]+$")] = None
                      ) -> dict[str, Any]:
    """Queue an evaluation of a dataset version against a standard; poll the `Location` it answers.
    The same `Idempotency-Key` (per organisation) returns the evaluation it made the first time; with
    a different request it is refused. Publishing on success needs the publisher role."""
    row = start_evaluation(found, who, org, body, idempotency_key)
    response.headers["Location"] = f"/api/v1/orgs/{org}/evaluations/{row['id']}"
    return evaluation_view(row)


@router.get("", response_model=models.Paged[models.Evaluation], openapi_extra=MEMBER)
def list_evaluations(org: str, found: ServiceDep, who: CallerDep, paging: PageDep,
                     state: Annotated[models.State | None, Query()] = None) -> dict[str, Any]:
    """The organisation's evaluations, newest first."""
    with found.db.transaction() as tx:
        rows = queue.listing(tx, org_of(tx, who, org)["id"], after_pair(paging), paging.limit + 1, state)
    return paged(rows, paging.limit, lambda r: [r["created"], r["id"]], evaluation_view)


@router.get("/{evaluation}", response_model=models.Evaluation, openapi_extra=MEMBER)
def get_evaluation(org: str, evaluation: str, found: ServiceDep, who: CallerDep, response: Response) -> dict[str, Any]:
    with found.db.transaction() as tx:
        row = queue.get(tx, org_of(tx, who, org)["id"], evaluation)
    if row is None:
        raise not_found("evaluation")
    if row["state"] not in queue.FINAL:
        response.headers["Retry-After"] = "1"
    return evaluation_view(row)


@router.post("/{evaluation}/cancel", status_code=202, response_model=models.Evaluation, openapi_extra=EVALUATE)
def cancel_evaluation(org: str, evaluation: str, found: ServiceDep, who: CallerDep) -> dict[str, Any]:
    """Cancel: a queued evaluation at once, a running one within a heartbeat; a finished one stays."""
    with found.db.transaction(write=True) as tx:
        row = queue.cancel(tx, org_of(tx, who, org, "evaluate")["id"], evaluation)
    if row is None:
        raise not_found("evaluation")
    return evaluation_view(row)

