"""Errors of the service as RFC 9457 problem details (``application/problem+json``): a status, a
short title, and a detail that names what was wrong, never a secret or a server path."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

PROBLEM_TYPE = "application/problem+json"


class Problem(Exception):
    """An answer other than success: raised anywhere in the service, rendered by the app."""

    def __init__(self, status: int, detail: str, *, title: str | None = None,
                 headers: dict[str, str] | None = None):
        self.status = status
        self.title = title or HTTPStatus(status).phrase
        self.detail = detail
        self.headers = headers or {}
        super().__init__(f"{status} {self.title}: {detail}")

    def document(self, instance: str | None = None) -> dict[str, Any]:
        document = {"type": "about:blank", "title": self.title, "status": self.status, "detail": self.detail}
        if instance:
            document["instance"] = instance
        return document


def not_found(what: str) -> Problem:
    """The one answer for "does not exist" and "not yours": another organisation's resource is
    indistinguishable from a missing one."""
    return Problem(404, f"no such {what}")


def forbidden(needed: str) -> Problem:
    return Problem(403, f"this needs the role {needed}")


def bad_request(detail: str) -> Problem:
    return Problem(422, detail, title="Unprocessable Content")


def too_large(limit: int) -> Problem:
    return Problem(413, f"the body is larger than the limit of {limit} bytes")
