"""What every route needs: the service's parts, who is calling (and how often), and pages of
results."""

from __future__ import annotations

import base64
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Annotated, Any, Callable

from fastapi import Depends, Header, Query, Request
from starlette.concurrency import run_in_threadpool

from dsbench.service.accounts import Caller, authenticate, touch, unauthorized
from dsbench.service.blobs import BlobStore
from dsbench.service.config import ServiceConfig
from dsbench.service.database import Database
from dsbench.service.problems import Problem

MAX_PAGE = 200


SIGNINS_PER_MINUTE = 10  # failed sign-ins per user name: password guessing is slow, signing in is not


class RateLimiter:
    """A token bucket per API token: ``per_minute`` requests, refilled continuously. Kept in the
    process (each API server limits on its own)."""

    MAX_KEYS = 100_000  # then forgotten all at once: keys an attacker makes up cannot fill the memory

    def __init__(self, per_minute: int):
        self.rate = per_minute / 60.0
        self.capacity = float(per_minute)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str, spend: bool = True) -> float:
        """0 when the request may go ahead (spending one unless ``spend`` is false: a look only),
        else the seconds to wait."""
        now = time.monotonic()
        with self._lock:
            if len(self._buckets) >= self.MAX_KEYS and key not in self._buckets:
                self._buckets.clear()
            level, last = self._buckets.get(key, (self.capacity, now))
            level = min(self.capacity, level + (now - last) * self.rate)
            if level < 1.0:
                self._buckets[key] = (level, now)
                return (1.0 - level) / self.rate
            self._buckets[key] = (level - (1.0 if spend else 0.0), now)
            return 0.0


@dataclass
class Service:
    config: ServiceConfig
    db: Database
    blobs: BlobStore
    pepper: bytes
    limiter: RateLimiter
    signins: RateLimiter = field(default_factory=lambda: RateLimiter(SIGNINS_PER_MINUTE))  # failures per name
    renderings: dict[tuple[str, str, str], bytes] = field(default_factory=dict)  # on-demand renderings cache


async def service(request: Request) -> Service:
    return request.app.state.service


ServiceDep = Annotated[Service, Depends(service)]


URL_TOKEN_NAMES = ("token", "access_token", "api_key")


def _token_in_url(request: Request) -> bool:
    """A token put in the query string (refused: URLs end up in logs and browser histories)."""
    return any(name in request.query_params for name in URL_TOKEN_NAMES)


def _caller(request: Request, found: Service, authorization: str | None) -> Caller:
    if _token_in_url(request):
        raise unauthorized("API tokens go in the Authorization header, never in the URL")
    with found.db.transaction() as tx:
        who = authenticate(tx, found.pepper, authorization)
    wait = found.limiter.take(who.token_id or who.user_id)
    if wait:
        raise Problem(429, f"more than {found.config.limits.requests_per_minute} requests a minute with this token",
                      headers={"Retry-After": str(max(1, round(wait)))})
    if who.last_used_stale:
        with found.db.transaction(write=True) as tx:
            touch(tx, who.token_id)
    return who


# The dependencies are coroutines: FastAPI runs a plain function in its thread pool, and the hops
# there and back were a quarter of a card GET's time; only the database work goes to a thread.
async def caller(request: Request, found: ServiceDep,
                 authorization: Annotated[str | None, Header(include_in_schema=False)] = None) -> Caller:
    """The authenticated caller (401 without a valid token, 429 over the rate limit)."""
    return await run_in_threadpool(_caller, request, found, authorization)


async def optional_caller(request: Request, found: ServiceDep,
                          authorization: Annotated[str | None, Header(include_in_schema=False)] = None
                          ) -> Caller | None:
    """The caller if a token is given (public resources answer without one)."""
    if authorization is None and not _token_in_url(request):
        return None
    return await run_in_threadpool(_caller, request, found, authorization)


async def plain_text(request: Request) -> None:
    """422 for a NUL character in the path or the query (every route has this dependency): PostgreSQL
    stores no text with one, and no name, label or id of the service holds one."""
    query = request.query_params.multi_items()
    if "\x00" in request.url.path or any("\x00" in key + value for key, value in query):
        raise Problem(422, "a NUL character in the path or the query", title="Unprocessable Content")


CallerDep = Annotated[Caller, Depends(caller)]
OptionalCallerDep = Annotated[Caller | None, Depends(optional_caller)]


@dataclass(frozen=True)
class Page:
    limit: int
    after: Any  # the decoded cursor, or None for the first page


async def page(limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Items per page.")] = 50,
         cursor: Annotated[str | None, Query(max_length=512, description="The `next` of the previous page.")] = None
         ) -> Page:
    after = None
    if cursor:
        try:
            after = json.loads(base64.urlsafe_b64decode(cursor.encode() + b"==="))
        except (ValueError, UnicodeDecodeError):
            raise Problem(422, "this cursor was not made by this service") from None
    return Page(limit, after)


PageDep = Annotated[Page, Depends(page)]


def paged(rows: list[dict[str, Any]], limit: int, key: Callable[[dict], Any],
          view: Callable[[dict], dict]) -> dict[str, Any]:
    """One page of ``rows`` (fetched with limit + 1, so a further page is known to exist), each
    shown by ``view``; the cursor is ``key`` of the last row."""
    more = len(rows) > limit
    rows = rows[:limit]
    token = None
    if more:
        token = base64.urlsafe_b64encode(json.dumps(key(rows[-1])).encode()).decode().rstrip("=")
    return {"items": [view(r) for r in rows], "next": token}


def after_pair(found: Page) -> tuple[int, str] | None:
    """The cursor of a newest-first listing: (created, id)."""
    if found.after is None:
        return None
    if (not isinstance(found.after, list) or len(found.after) != 2 or not isinstance(found.after[0], int)
            or not isinstance(found.after[1], str) or not -2 ** 63 <= found.after[0] < 2 ** 63
            or "\x00" in found.after[1]):  # neither database takes a wider integer; PostgreSQL no NUL
        raise Problem(422, "this cursor was not made by this service")
    return found.after[0], found.after[1]


def after_name(found: Page) -> str | None:
    if found.after is not None and (not isinstance(found.after, str) or "\x00" in found.after):
        raise Problem(422, "this cursor was not made by this service")
    return found.after


def moment(ms: int | None) -> str | None:
    """Milliseconds since the epoch as RFC 3339 UTC text."""
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
