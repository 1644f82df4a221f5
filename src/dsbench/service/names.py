"""What the names a publisher gives may be: file names, paths inside archives, organisation and
dataset names, version labels.

Blobs are stored by digest, so these names never become paths on the server; they are still
shown, linked and handed back to clients who may write them to their own disks. Hence an ASCII
allow-list rather than a list of known-bad characters: it rules out ``..``, separators, NUL,
percent-encodings and Unicode look-alikes (ONE DOT LEADER, FULLWIDTH SOLIDUS) in one rule.
"""

from __future__ import annotations

import re

from dsbench.service.problems import bad_request

FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
MAX_SEGMENTS = 8

FILE_NAME_RULE = ("a file name may use only letters, digits, '.', '_' and '-' (at most 128), "
                  "not start with '.', and may not be '.' or '..'")


def _shown(text: str) -> str:
    """The text as an ASCII literal, cut short: look-alikes and control characters appear as
    escapes (``'a\\u2024csv'``), so the message shows what was actually wrong."""
    return ascii(text[:80]) + ("…" if len(text) > 80 else "")


def _file_name_problem(name: str) -> str | None:
    if FILE_NAME.fullmatch(name):
        return None
    if not name:
        return "the file name is empty"
    if set(name) == {"."}:
        return f"{_shown(name)} is not a file name"
    if len(name) > 128:
        return f"the file name {_shown(name)} is longer than 128 characters"
    if name.startswith((".", "_", "-")):
        return f"the file name {_shown(name)} starts with {name[0]!r}"
    bad = next(char for char in name if not (char.isascii() and (char.isalnum() or char in "._-")))
    return f"the file name {_shown(name)} contains {_shown(bad)}"


def check_file_name(name: str) -> str:
    """``name`` if it is an allowed file name, else a 422 that says what is wrong with it."""
    if not isinstance(name, str):
        raise bad_request(f"a file name must be text; {FILE_NAME_RULE}")
    problem = _file_name_problem(name)
    if problem:
        raise bad_request(f"{problem}; {FILE_NAME_RULE}")
    return name


def check_relative_path(path: str) -> str:
    """A member of an archive: ``/``-separated segments that are each a file name, at most
    eight. ``.`` segments (``./penguins.csv``, as ``tar -C dir .`` writes) are dropped, so the
    returned path is the normalised one that duplicates are compared by; ``..``, an absolute
    path, a drive letter, a backslash or an empty segment is refused."""
    if not isinstance(path, str):
        raise bad_request("a path in the archive must be text")
    shown = _shown(path)
    if not path:
        raise bad_request("a path in the archive is empty")
    if "\\" in path:
        raise bad_request(f"the path {shown} contains a backslash; paths are separated by '/'")
    if path.startswith("/"):
        raise bad_request(f"the path {shown} is absolute; paths must be relative")
    if re.match(r"[A-Za-z]:", path):
        raise bad_request(f"the path {shown} starts with a drive letter; paths must be relative")
    segments = [segment for segment in path.split("/") if segment != "."]
    if not segments:
        raise bad_request(f"the path {shown} names no file")
    if ".." in segments:
        raise bad_request(f"the path {shown} contains '..'")
    if "" in segments:
        raise bad_request(f"the path {shown} has an empty segment ('//' or a trailing '/')")
    if len(segments) > MAX_SEGMENTS:
        raise bad_request(f"the path {shown} is more than {MAX_SEGMENTS} directories deep")
    for segment in segments:
        problem = _file_name_problem(segment)
        if problem:
            raise bad_request(f"in the path {shown}, {problem}; {FILE_NAME_RULE}")
    return "/".join(segments)


def check_slug(text: str, what: str) -> str:
    """An organisation or dataset name: it appears in URLs, so lower case only and no dots;
    ``what`` ("organisation name", "dataset name") is how the message calls it."""
    if isinstance(text, str) and SLUG.fullmatch(text):
        return text
    shown = _shown(text) if isinstance(text, str) else "this value"
    raise bad_request(f"{shown} is not a valid {what}: it may use only lower-case letters, digits, "
                      "'_' and '-' (at most 64) and must start with a letter or digit")


def check_label(text: str, what: str = "version label") -> str:
    """A version label: like a slug, but ``1.2.0`` and ``v2-RC1`` are labels people use."""
    if isinstance(text, str) and LABEL.fullmatch(text):
        return text
    shown = _shown(text) if isinstance(text, str) else "this value"
    raise bad_request(f"{shown} is not a valid {what}: it may use only letters, digits, '.', '_' "
                      "and '-' (at most 64) and must start with a letter or digit")
