r"""Validation at the edge: every field Healer reads from a request, checked before the 202.

Pure: plain values in, a list of :class:`Problem` out. The HTTP layer calls it after the
signature or token check and before :meth:`Intake.accept`, so a field that could not be
stored, labelled or rendered is a 4xx naming it, never a 202 that dies in the worker.

What is checked, per kind of field (each has a type, a length and a character set):

========================  =============================================================
repository full name      ``owner/name``, ASCII letters, digits, ``_ . -`` (39 and 100 at
                          most, GitHub's limits)
branch or ref             a git ref: no control character, space, ``~ ^ ? * [ \``,
                          ``..`` or ``@{`` (``:`` passes: GitHub writes a fork's
                          branch as ``owner:branch``); at most 200 characters
commit SHA                4 to 64 hexadecimal digits (or empty, as GitHub sends for none)
run/job/check/PR ids      integers (or ASCII digit strings) from 1 to 2**53
names (workflow, job,     one line: no control character but tab, no line separator or
step, check, context)     bidi override; bounded length
free text (commit         any character but NUL (colour codes and the like are data
message, comment body)    that prompts fence); bounded length
URLs                      ``http(s)://``, printable ASCII, at most 2,048 characters
logins, actions, states   short ASCII words
========================  =============================================================

Fields Healer does not read are not checked, except that no string anywhere in a body may
hold a NUL or a lone surrogate (:func:`scan_strings`): neither can be stored as text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    ValidationError,
)

MAX_ID = 2**53
"""Largest id accepted: GitHub's ids are int64, and JSON tools keep 2**53 exact."""
MAX_NAME = 200
MAX_REF = 200
"""Names, refs and contexts leave room in their columns for redaction placeholders, which
can be longer than what they replace (a 20-character key becomes 25 characters)."""
MAX_URL = 2048
MAX_TEXT = 262_144
MAX_COMMENT = 65_536
"""GitHub's own limit on a comment body."""
MAX_LIST = 10_000
MAX_HEADER = 200

_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")
"""Characters that break a line or reorder text: refused in single-line fields."""
_TEXT_CONTROL = re.compile(r"\x00")
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")
_REPO = re.compile(r"[A-Za-z0-9_.-]{1,39}/[A-Za-z0-9_.-]{1,100}")
_REF_BAD = re.compile(r"[\x00-\x20\x7f~^?*\[\\]|\.\.|@\{")
_SHA = re.compile(r"(?:[0-9a-fA-F]{4,64})?")
_URL = re.compile(r"https?://[\x21-\x7e]+", re.IGNORECASE)
_LOGIN = re.compile(r"[A-Za-z0-9_.\-\[\]]{1,100}")
_WORD = re.compile(r"[A-Za-z0-9_.\- ]{1,64}")
_EVENT = re.compile(r"[a-z_]{1,64}")
_DELIVERY = re.compile(r"[\x21-\x7e]{1,128}")
_SIGNATURE = re.compile(r"sha256=[0-9a-fA-F]{64}")
_TIMESTAMP = re.compile(r"[0-9A-Za-z:.+\- ]{1,40}")


@dataclass(frozen=True, slots=True)
class Problem:
    """One refused field: where it is and why."""

    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"


# --------------------------------------------------------------------------- field types


def _digits(value: Any) -> Any:
    """An id sent as a string of ASCII digits is the integer it spells (as normalise reads)."""
    if isinstance(value, str) and 0 < len(value) <= 16 and value.isascii() and value.isdigit():
        return int(value)
    return value


def _matching(pattern: re.Pattern[str], what: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if pattern.fullmatch(value) is None:
            raise ValueError(f"not {what}")
        return value

    return check


def _one_line(value: str) -> str:
    if (bad := _CONTROL.search(value)) is not None:
        raise ValueError(f"contains the control or format character U+{ord(bad[0]):04X}")
    return value


def _text(value: str) -> str:
    if _TEXT_CONTROL.search(value) is not None:
        raise ValueError("contains a NUL character")
    return value


def _repo(value: str) -> str:
    if _REPO.fullmatch(value) is None or value.split("/")[1] in (".", ".."):
        raise ValueError("not an owner/name repository (ASCII letters, digits, _ . -)")
    return value


def _ref(value: str) -> str:
    if (bad := _REF_BAD.search(value)) is not None:
        raise ValueError(f"not a git ref: contains {bad[0]!r}")
    if _CONTROL.search(value) is not None:
        raise ValueError("not a git ref: contains a format character")
    return value


Id = Annotated[int, BeforeValidator(_digits), Strict(), Field(ge=1, le=MAX_ID)]
"""A run, job, check, PR, comment or alert id: a positive integer."""
Count = Annotated[int, BeforeValidator(_digits), Strict(), Field(ge=0, le=MAX_ID)]
RepoName = Annotated[str, Strict(), Field(max_length=140), AfterValidator(_repo)]
Ref = Annotated[str, Strict(), Field(max_length=MAX_REF), AfterValidator(_ref)]
Sha = Annotated[str, Strict(), AfterValidator(_matching(_SHA, "a hexadecimal commit SHA"))]
Name = Annotated[str, Strict(), Field(max_length=MAX_NAME), AfterValidator(_one_line)]
LongName = Annotated[str, Strict(), Field(max_length=1024), AfterValidator(_one_line)]
Context = Annotated[str, Strict(), Field(max_length=120), AfterValidator(_one_line)]
Text = Annotated[str, Strict(), Field(max_length=MAX_TEXT), AfterValidator(_text)]
Comment = Annotated[str, Strict(), Field(max_length=MAX_COMMENT), AfterValidator(_text)]
Url = Annotated[
    str,
    Strict(),
    Field(max_length=MAX_URL),
    AfterValidator(_matching(_URL, "an http(s) URL of printable ASCII")),
]
Login = Annotated[str, Strict(), AfterValidator(_matching(_LOGIN, "a GitHub login"))]
Word = Annotated[str, Strict(), AfterValidator(_matching(_WORD, "a short ASCII word"))]
Timestamp = Annotated[str, Strict(), AfterValidator(_matching(_TIMESTAMP, "a timestamp"))]
EventName = Annotated[str, Strict(), AfterValidator(_matching(_EVENT, "an event name"))]
DeliveryId = Annotated[
    str,
    Strict(),
    AfterValidator(
        _matching(_DELIVERY, "a delivery id (printable ASCII without spaces, at most 128)")
    ),
]
Flag = Annotated[bool, Strict()]


# --------------------------------------------------------------------------- payload shapes


class _Shape(BaseModel):
    """Only the fields Healer reads; anything else passes untouched."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class _User(_Shape):
    login: Login | None = None
    type: Word | None = None


class _Repository(_Shape):
    full_name: RepoName | None = None


class _Numbered(_Shape):
    number: Id | None = None


class _Common(_Shape):
    action: Word | None = None
    repository: _Repository | None = None
    sender: _User | None = None


class _Step(_Shape):
    number: Count | None = None
    name: LongName | None = None
    conclusion: Word | None = None


class _Job(_Shape):
    id: Id | None = None
    run_id: Id | None = None
    run_attempt: Id | None = None
    name: Name | None = None
    workflow_name: Name | None = None
    head_branch: Ref | None = None
    head_sha: Sha | None = None
    html_url: Url | None = None
    conclusion: Word | None = None
    completed_at: Timestamp | None = None
    steps: Annotated[list[_Step], Field(max_length=MAX_LIST)] | None = None


class _WorkflowJob(_Common):
    workflow_job: _Job | None = None


class _Run(_Shape):
    id: Id | None = None
    run_attempt: Id | None = None
    name: Name | None = None
    path: LongName | None = None
    head_branch: Ref | None = None
    head_sha: Sha | None = None
    html_url: Url | None = None
    conclusion: Word | None = None
    updated_at: Timestamp | None = None
    head_commit: _HeadCommit | None = None
    actor: _User | None = None
    pull_requests: Annotated[list[_Numbered], Field(max_length=MAX_LIST)] | None = None


class _WorkflowRun(_Common):
    workflow_run: _Run | None = None


class _App(_Shape):
    name: Name | None = None
    slug: Name | None = None


class _HeadCommit(_Shape):
    message: Text | None = None


class _Suite(_Shape):
    id: Id | None = None
    head_branch: Ref | None = None
    head_sha: Sha | None = None
    conclusion: Word | None = None
    updated_at: Timestamp | None = None
    app: _App | None = None
    head_commit: _HeadCommit | None = None
    pull_requests: Annotated[list[_Numbered], Field(max_length=MAX_LIST)] | None = None


class _Output(_Shape):
    annotations_count: Count | None = None
    title: Text | None = None
    summary: Text | None = None
    text: Text | None = None


class _Check(_Shape):
    id: Id | None = None
    name: Name | None = None
    head_sha: Sha | None = None
    html_url: Url | None = None
    conclusion: Word | None = None
    completed_at: Timestamp | None = None
    external_id: LongName | None = None
    check_suite: _Suite | None = None
    output: _Output | None = None
    pull_requests: Annotated[list[_Numbered], Field(max_length=MAX_LIST)] | None = None


class _RequestedAction(_Shape):
    identifier: Name | None = None


class _CheckRun(_Common):
    check_run: _Check | None = None
    requested_action: _RequestedAction | None = None


class _CheckSuite(_Common):
    check_suite: _Suite | None = None


class _Branch(_Shape):
    name: Ref | None = None


class _StatusCommit(_Shape):
    commit: _HeadCommit | None = None


class _Status(_Common):
    sha: Sha | None = None
    state: Word | None = None
    context: Context | None = None
    target_url: Url | None = None
    branches: Annotated[list[_Branch], Field(max_length=MAX_LIST)] | None = None
    commit: _StatusCommit | None = None


class _Advisory(_Shape):
    severity: Word | None = None
    summary: LongName | None = None
    cve_id: Word | None = None
    ghsa_id: Word | None = None


class _Patched(_Shape):
    identifier: Name | None = None


class _Vulnerability(_Shape):
    severity: Word | None = None
    vulnerable_version_range: Name | None = None
    first_patched_version: _Patched | None = None


class _Package(_Shape):
    name: Name | None = None
    ecosystem: Word | None = None


class _Dependency(_Shape):
    package: _Package | None = None
    manifest_path: LongName | None = None


class _Rule(_Shape):
    id: Name | None = None
    description: LongName | None = None
    severity: Word | None = None
    security_severity_level: Word | None = None


class _Tool(_Shape):
    name: Name | None = None


class _Location(_Shape):
    path: LongName | None = None
    start_line: Count | None = None


class _Instance(_Shape):
    ref: Ref | None = None
    location: _Location | None = None


class _Alert(_Shape):
    number: Id | None = None
    id: Id | None = None
    severity: Word | None = None
    summary: LongName | None = None
    security_advisory: _Advisory | None = None
    security_vulnerability: _Vulnerability | None = None
    dependency: _Dependency | None = None
    affected_package_name: Name | None = None
    affected_range: Name | None = None
    external_identifier: Word | None = None
    ghsa_id: Word | None = None
    fixed_in: Name | None = None
    rule: _Rule | None = None
    tool: _Tool | None = None
    most_recent_instance: _Instance | None = None
    secret_type: Name | None = None
    secret_type_display_name: Name | None = None
    html_url: Url | None = None
    created_at: Timestamp | None = None


class _SecurityAlert(_Common):
    alert: _Alert | None = None
    ref: Ref | None = None
    commit_oid: Sha | None = None


class _CommentBody(_Shape):
    id: Id | None = None
    body: Comment | None = None
    user: _User | None = None
    author_association: Word | None = None
    html_url: Url | None = None
    created_at: Timestamp | None = None
    updated_at: Timestamp | None = None


class _Issue(_Shape):
    number: Id | None = None
    title: LongName | None = None


class _IssueComment(_Common):
    comment: _CommentBody | None = None
    issue: _Issue | None = None


class _Head(_Shape):
    ref: Ref | None = None
    sha: Sha | None = None


class _PullRequestBody(_Shape):
    number: Id | None = None
    head: _Head | None = None
    base: _Head | None = None
    user: _User | None = None
    state: Word | None = None
    merged: Flag | None = None
    html_url: Url | None = None
    title: LongName | None = None


class _Review(_Shape):
    state: Word | None = None


class _PullRequest(_Common):
    pull_request: _PullRequestBody | None = None
    review: _Review | None = None


class _Push(_Common):
    ref: Ref | None = None
    before: Sha | None = None
    after: Sha | None = None
    compare: Url | None = None
    deleted: Flag | None = None
    forced: Flag | None = None
    head_commit: _HeadCommit | None = None


SHAPES: dict[str, type[_Shape]] = {
    "workflow_job": _WorkflowJob,
    "workflow_run": _WorkflowRun,
    "check_run": _CheckRun,
    "check_suite": _CheckSuite,
    "status": _Status,
    "issue_comment": _IssueComment,
    "pull_request": _PullRequest,
    "pull_request_review": _PullRequest,
    "push": _Push,
    "dependabot_alert": _SecurityAlert,
    "code_scanning_alert": _SecurityAlert,
    "secret_scanning_alert": _SecurityAlert,
    "repository_vulnerability_alert": _SecurityAlert,
}
"""The fields read per event; any other event is read for its repository, action, sender."""


class _Envelope(_Shape):
    event: EventName | None = None
    delivery_id: DeliveryId | None = None


# --------------------------------------------------------------------------- checks


def _problems(exc: ValidationError, prefix: str) -> list[Problem]:
    out: list[Problem] = []
    for err in exc.errors(include_url=False, include_input=False):
        where = ".".join(str(part) for part in err["loc"])
        reason = str(err["msg"]).removeprefix("Value error, ")
        out.append(Problem(f"{prefix}{where}" if where else prefix.rstrip(".") or "body", reason))
    return out


def check_payload(event: str, body: Mapping[str, Any], *, prefix: str = "") -> list[Problem]:
    """The fields of a GitHub ``event`` body that Healer reads, checked; [] when all are fine.

    ``prefix`` is where the body sits in the request (``body.`` inside a sensor envelope),
    so a problem names the field as the sender wrote it.
    """
    if (bad := check_event(event)) is not None:
        return [Problem("event", bad)]
    shape = SHAPES.get(event, _Common)
    try:
        # the validator itself: model_validate's checks of its own arguments cost more
        # than a third as much again as validating the fields
        shape.__pydantic_validator__.validate_python(body)
    except ValidationError as exc:
        return _problems(exc, prefix)
    return []


def check_envelope(payload: Mapping[str, Any]) -> list[Problem]:
    """The sensor envelope's own hints (``event``, ``delivery_id``), when present."""
    if type(payload) is dict and "event" not in payload and "delivery_id" not in payload:
        return []  # the raw GitHub body most sensors send: nothing to check
    try:
        _Envelope.model_validate(payload)
    except ValidationError as exc:
        return _problems(exc, "")
    return []


def _locate(value: Any) -> str | None:
    """Path of the first key or string holding a NUL or a lone surrogate."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if _UNSTORABLE.search(item):
                return path or "body"
        elif isinstance(item, dict):
            for key, child in item.items():
                where = f"{path}.{key}" if path else str(key)
                if _UNSTORABLE.search(key):
                    return where
                stack.append((child, where))
        elif isinstance(item, list):
            stack.extend((child, f"{path}.{i}") for i, child in enumerate(item))
    return None


_ESCAPED_UNSTORABLE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")


def scan_strings(raw: bytes, value: Any) -> Problem | None:
    r"""A NUL or lone surrogate anywhere in the decoded body (neither can be stored).

    Both can only arrive as ``\u`` escapes in valid JSON, so the walk runs only when the
    raw text holds such an escape.
    """
    if _ESCAPED_UNSTORABLE.search(raw) is None:
        return None
    where = _locate(value)
    if where is None:
        return None
    return Problem(where, "contains a NUL character or a lone UTF-16 surrogate")


# --------------------------------------------------------------------------- headers


def _ascii_printable(value: str) -> bool:
    return value.isascii() and value.isprintable()


def check_event(value: str) -> str | None:
    """Why ``value`` is not an event name (None when it is)."""
    if len(value) > 64:
        return f"over 64 characters ({len(value)})"
    if _EVENT.fullmatch(value) is None:
        return "not an event name (lower-case ASCII letters and _)"
    return None


def check_delivery(value: str) -> str | None:
    """Why ``value`` is not a delivery id (None when it is)."""
    if len(value) > 128:
        return f"over 128 characters ({len(value)})"
    if _DELIVERY.fullmatch(value) is None:
        return "not a delivery id (printable ASCII without spaces)"
    return None


def check_signature(value: str) -> str | None:
    """Why ``value`` is not an ``X-Hub-Signature-256`` value (None when it could be one)."""
    if _SIGNATURE.fullmatch(value) is None:
        return "not sha256= followed by 64 hexadecimal digits"
    return None


def bearer_token(value: str) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` value (None if it is not one).

    The scheme is case-insensitive (RFC 7235); the value must be printable ASCII.
    """
    if len(value) > 4096 or not _ascii_printable(value):
        return None
    scheme, _, token = value.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or " " in token:
        return None
    return token


def check_content_length(value: str) -> str | None:
    """Why ``value`` is not a Content-Length (None when it is)."""
    if not (value.isascii() and value.isdigit() and len(value) <= 19):
        return "not a non-negative integer"
    return None


__all__ = [
    "MAX_ID",
    "SHAPES",
    "Count",
    "DeliveryId",
    "EventName",
    "Id",
    "Name",
    "Problem",
    "Ref",
    "RepoName",
    "Sha",
    "Text",
    "Url",
    "bearer_token",
    "check_content_length",
    "check_delivery",
    "check_envelope",
    "check_event",
    "check_payload",
    "check_signature",
    "scan_strings",
]
