"""Datasets, versions and their files: uploads streamed into the blob store, one file at a time or
as an archive of a dataset directory; and a dataset's history of scores."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from dsbench.service import catalog, models
from dsbench.service.accounts import Caller, org_of
from dsbench.service.blobs import Blob, BlobWriter
from dsbench.service.cards import history as card_history
from dsbench.service.database import Transaction
from dsbench.service.deps import CallerDep, PageDep, Service, ServiceDep, after_name, moment, paged
from dsbench.service.names import check_file_name, check_label
from dsbench.service.problems import not_found

router = APIRouter(prefix="/api/v1/orgs/{org}/datasets", tags=["datasets"])
MEMBER = {"x-required-role": "member"}
UPLOAD = {"x-required-role": "publisher"}
BINARY_BODY = {"requestBody": {"required": True, "content": {"application/octet-stream": {
    "schema": {"type": "string", "format": "binary"}}}}}


def dataset_view(row: dict[str, Any]) -> dict[str, Any]:
    return {"name": row["name"], "title": row["title"], "created": moment(row["created"])}


def file_view(row: dict[str, Any]) -> dict[str, Any]:
    return {"name": row["name"], "sha256": row["blob"], "bytes": row["bytes"], "created": moment(row["created"])}


def version_view(row: dict[str, Any], files: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"label": row["label"], "created": moment(row["created"]),
            "files": None if files is None else [file_view(f) for f in files]}


@router.get("", response_model=models.Paged[models.Dataset], openapi_extra=MEMBER)
def list_datasets(org: str, found: ServiceDep, who: CallerDep, paging: PageDep) -> dict[str, Any]:
    with found.db.transaction() as tx:
        org_row = org_of(tx, who, org)
        rows = catalog.datasets(tx, org_row["id"], after_name(paging), paging.limit + 1)
    return paged(rows, paging.limit, lambda r: r["name"], dataset_view)


@router.post("", status_code=201, response_model=models.Dataset, openapi_extra=UPLOAD)
def create_dataset(org: str, body: models.NewDataset, found: ServiceDep, who: CallerDep) -> dict[str, Any]:
    with found.db.transaction(write=True) as tx:
        org_row = org_of(tx, who, org, "upload")
        return dataset_view(catalog.create_dataset(tx, org_row["id"], body.name, body.title or body.name))


@router.get("/{dataset}", response_model=models.Dataset, openapi_extra=MEMBER)
def get_dataset(org: str, dataset: str, found: ServiceDep, who: CallerDep) -> dict[str, Any]:
    with found.db.transaction() as tx:
        return dataset_view(catalog.dataset(tx, org_of(tx, who, org)["id"], dataset))


@router.get("/{dataset}/versions", response_model=models.Paged[models.Version], openapi_extra=MEMBER)
def list_versions(org: str, dataset: str, found: ServiceDep, who: CallerDep, paging: PageDep) -> dict[str, Any]:
    with found.db.transaction() as tx:
        row = catalog.dataset(tx, org_of(tx, who, org)["id"], dataset)
        rows = catalog.versions(tx, row["id"], after_name(paging), paging.limit + 1)
    return paged(rows, paging.limit, lambda r: r["label"], version_view)


@router.put("/{dataset}/versions/{version}", response_model=models.Version, openapi_extra=UPLOAD,
            responses={201: {"model": models.Version, "description": "Created"}})
def put_version(org: str, dataset: str, version: str, found: ServiceDep, who: CallerDep,
                response: Response) -> dict[str, Any]:
    """Create the version (200 when it exists already)."""
    check_label(version, "version label")
    with found.db.transaction(write=True) as tx:
        row = catalog.dataset(tx, org_of(tx, who, org, "upload")["id"], dataset)
        found_version, created = catalog.ensure_version(tx, row["id"], version)
        files = catalog.files(tx, found_version["id"])
    response.status_code = 201 if created else 200
    return version_view(found_version, files)


@router.get("/{dataset}/versions/{version}", response_model=models.Version, openapi_extra=MEMBER)
def get_version(org: str, dataset: str, version: str, found: ServiceDep, who: CallerDep) -> dict[str, Any]:
    with found.db.transaction() as tx:
        row = catalog.dataset(tx, org_of(tx, who, org)["id"], dataset)
        found_version = catalog.version(tx, row["id"], version)
        return version_view(found_version, catalog.files(tx, found_version["id"]))


def _writable_dataset(found: Service, who: Caller, org: str, dataset: str) -> dict[str, Any]:
    """Checked before a byte of the body is read: a refused upload costs nothing."""
    with found.db.transaction() as tx:
        return catalog.dataset(tx, org_of(tx, who, org, "upload")["id"], dataset)


def upload_writer(found: Service) -> BlobWriter:
    """One uploaded file (or archive) on its way into the blob store, refused (413) at the first
    byte past the service's upload limit. The API's uploads and the upload page's each use it."""
    return found.blobs.writer(found.config.limits.max_upload_bytes)


async def _receive(request: Request, found: Service) -> Blob:
    """The request body, streamed into the blob store (413 past the upload limit)."""
    with upload_writer(found) as writer:
        async for chunk in request.stream():
            writer.write(chunk)
        return writer.commit()


def record_files(tx: Transaction, dataset_id: str, version: str,
                 named: dict[str, Blob]) -> tuple[dict[str, Any], bool]:
    """The blobs as the named files of the version (created when missing; a name it has already is
    replaced): the version as the API shows it, and whether any file is new."""
    found_version, _ = catalog.ensure_version(tx, dataset_id, version)
    created = [catalog.put_file(tx, found_version["id"], name, blob) for name, blob in named.items()]
    return version_view(found_version, catalog.files(tx, found_version["id"])), any(created)


def _record(found: Service, dataset_id: str, version: str, named: dict[str, Blob]) -> tuple[dict[str, Any], bool]:
    with found.db.transaction(write=True) as tx:
        return record_files(tx, dataset_id, version, named)


@router.put("/{dataset}/versions/{version}/files/{name}", response_model=models.File, openapi_extra={
    **UPLOAD, **BINARY_BODY}, responses={201: {"model": models.File, "description": "Created"},
                                          413: {"model": models.Problem, "description": "Too large"}})
async def upload_file(org: str, dataset: str, version: str, name: str, request: Request, found: ServiceDep,
                      who: CallerDep) -> Response:
    """Upload one file of the version (created when missing), streamed; the same name again replaces
    it. Names: letters, digits, '.', '_', '-'."""
    check_file_name(name)
    check_label(version, "version label")
    row = await run_in_threadpool(_writable_dataset, found, who, org, dataset)
    blob = await _receive(request, found)
    shown, created = await run_in_threadpool(_record, found, row["id"], version, {name: blob})
    entry = next(f for f in shown["files"] if f["name"] == name)
    return Response(json.dumps(entry), status_code=201 if created else 200, media_type="application/json")


@router.put("/{dataset}/versions/{version}/archive", response_model=models.Version, openapi_extra={
    **UPLOAD, "requestBody": {"required": True, "content": {
        "application/zip": {"schema": {"type": "string", "format": "binary"}},
        "application/gzip": {"schema": {"type": "string", "format": "binary"}}}}},
    responses={413: {"model": models.Problem, "description": "Too large"}})
async def upload_archive(org: str, dataset: str, version: str, request: Request, found: ServiceDep,
                         who: CallerDep) -> dict[str, Any]:
    """Upload a .zip or .tar.gz of a dataset directory (its manifest and data files). Entries are
    checked before anything is unpacked: no absolute or parent paths, links, too many entries or
    an implausible expansion ratio."""
    from dsbench.service.archives import Limits, unpack

    check_label(version, "version label")
    row = await run_in_threadpool(_writable_dataset, found, who, org, dataset)
    archive = await _receive(request, found)
    unpacked = Limits(max_bytes=found.config.limits.max_upload_bytes)  # unpacked, no more than one upload may be
    named = await run_in_threadpool(unpack, found.blobs.path(archive.digest), found.blobs, unpacked)
    shown, _ = await run_in_threadpool(_record, found, row["id"], version, named)
    return shown


@router.delete("/{dataset}/versions/{version}/files/{name}", status_code=204, openapi_extra=UPLOAD)
def delete_file(org: str, dataset: str, version: str, name: str, found: ServiceDep, who: CallerDep) -> Response:
    with found.db.transaction(write=True) as tx:
        row = catalog.dataset(tx, org_of(tx, who, org, "upload")["id"], dataset)
        catalog.delete_file(tx, catalog.version(tx, row["id"], version)["id"], name)
    return Response(status_code=204)


@router.get("/{dataset}/history", openapi_extra=MEMBER)
def dataset_history(org: str, dataset: str, found: ServiceDep, who: CallerDep,
                    standard: Annotated[str, Query(min_length=1, max_length=100)]) -> dict[str, Any]:
    """The dataset's cards against a standard, oldest first, and the latest checked against the band
    of the earlier ones (as `dsbench history`)."""
    with found.db.transaction() as tx:
        org_row = org_of(tx, who, org)
        row = catalog.dataset(tx, org_row["id"], dataset)
        report = card_history(tx, org_row["id"], row["id"], standard,
                              lambda digest: json.loads(found.blobs.read_bytes(digest)))
    if report is None:
        raise not_found("card of this dataset against this standard")
    return report.to_dict()

