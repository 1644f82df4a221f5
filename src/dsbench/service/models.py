"""The JSON bodies of the API, as pydantic models: they validate what comes in and document, in
``openapi.json``, what goes out."""

from __future__ import annotations

from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

Role = Literal["publisher", "evaluator", "admin"]
State = Literal["queued", "running", "succeeded", "failed", "cancelled", "timed_out"]
Name = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
T = TypeVar("T")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        if isinstance(value, str) and "\x00" in value:  # PostgreSQL stores no text with one
            raise ValueError("text with a NUL character")
        return value


class Paged(BaseModel, Generic[T]):
    items: list[T]
    next: str | None = Field(None, description="Give it as `cursor` for the next page; null on the last.")


class NewUser(Strict):
    name: str = Name
    password: str | None = Field(None, min_length=12, max_length=256)
    site_admin: bool = False


class User(BaseModel):
    id: str
    name: str
    site_admin: bool
    created: str


class Membership(BaseModel):
    org: str
    role: Role


class Me(User):
    orgs: list[Membership]
    token: str | None = Field(None, description="The id of the token of this request.")


class NewToken(Strict):
    name: str = Field(min_length=1, max_length=100)
    expires_in_days: int | None = Field(None, ge=1, le=3650)


class Token(BaseModel):
    id: str
    name: str
    created: str
    expires: str | None
    revoked: str | None
    last_used: str | None


class IssuedToken(Token):
    secret: str = Field(description="The token itself: shown this once, never again.")


class NewOrg(Strict):
    name: str = Name
    title: str = Field(min_length=1, max_length=200)


class Org(BaseModel):
    name: str
    title: str
    created: str
    role: Role | None = Field(None, description="The caller's role in it.")


class Member(BaseModel):
    user: str
    role: Role
    created: str


class NewMember(Strict):
    role: Role


class NewDataset(Strict):
    name: str = Name
    title: str | None = Field(None, max_length=200)


class Dataset(BaseModel):
    name: str
    title: str
    created: str


class File(BaseModel):
    name: str
    sha256: str
    bytes: int
    created: str


class Version(BaseModel):
    label: str
    created: str
    files: list[File] | None = None


class NewEvaluation(Strict):
    dataset: str = Field(min_length=1, max_length=64)
    version: str = Field(min_length=1, max_length=64)
    standard: str = Field(min_length=1, max_length=100, description="A standard id (GET /api/v1/standards).")
    publish: bool = Field(False, description="Publish the card when it is made.")
    suites: list[str] = Field([], max_length=20, description="Files of the version that are suites (dsbench "
                              "YAML or GX JSON) to run beside the generated ones; they are not read as data.")
    failing_rows: bool = Field(False, description="Keep each failed expectation's rows (Parquet), to download "
                               "from the card's page; the evaluation takes longer (the rows are found and written).")


class Evaluation(BaseModel):
    id: str
    org: str
    dataset: str
    version: str
    standard: str
    state: State
    attempts: int
    max_attempts: int
    reason: str | None
    card: str | None = Field(None, description="The card's digest, once succeeded.")
    publish: bool
    worker_version: str | None
    created: str
    started: str | None
    finished: str | None


class Card(BaseModel):
    digest: str
    org: str
    dataset: str
    version: str
    standard: str
    standard_version: str
    score: float | None
    grade: str | None
    passed: bool
    software_version: str
    published: str | None
    created: str
    links: dict[str, str] = Field(description="Format -> URL of each rendering.")


class LeaderboardRow(Card):
    rank: int | None


class Leaderboard(BaseModel):
    standard: str
    rows: list[LeaderboardRow]


class Indicator(BaseModel):
    code: str
    name: dict[str, str]


class Dimension(BaseModel):
    code: str
    name: dict[str, str]
    weight: float
    indicators: list[Indicator]


class Standard(BaseModel):
    id: str
    version: str
    status: str
    title: dict[str, str]
    scale: float
    dimensions: list[Dimension] | None = None


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    database: Literal["sqlite", "postgresql"]
    schema_version: int
    queue: dict[str, int]


class Problem(BaseModel):
    """RFC 9457 problem details (``application/problem+json``)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
