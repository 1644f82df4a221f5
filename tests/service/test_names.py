"""Upload names: an ASCII allow-list, so traversal, separators, NUL, percent-encodings and
Unicode look-alikes are all refused, with a message that says what was wrong."""

from __future__ import annotations

import pytest

from dsbench.service.names import check_file_name, check_label, check_relative_path, check_slug
from dsbench.service.problems import Problem


@pytest.mark.parametrize("name", [
    "penguins.csv", "datapackage.json", "a", "A-b_c.d.e", "2024.parquet", "x" * 128, "README",
    "file.", "a..b",
])
def test_allowed_file_names(name):
    assert check_file_name(name) == name


@pytest.mark.parametrize(("name", "said"), [
    ("", "empty"),
    (".", "is not a file name"),
    ("..", "is not a file name"),
    ("...", "is not a file name"),
    (".hidden", "starts with '.'"),
    ("-rf", "starts with '-'"),
    ("_x", "starts with '_'"),
    ("a/b", "'/'"),
    ("a\\b", "'\\\\'"),
    ("a\x00b", "'\\x00'"),
    ("a%2fb", "'%'"),
    ("%2e%2e", "'%'"),
    ("a b", "' '"),
    ("a\nb", "'\\n'"),
    ("a:b", "':'"),
    ("a\u2024csv", "'\\u2024'"),  # ONE DOT LEADER, looks like '.'
    ("\u2024\u2024", "'\\u2024'"),
    ("a\uff0fb", "'\\uff0f'"),  # FULLWIDTH SOLIDUS, looks like '/'
    ("caf\u00e9.csv", "'\\xe9'"),
    ("\uff41bc", "'\\uff41'"),  # FULLWIDTH LATIN SMALL LETTER A
    ("x" * 129, "longer than 128"),
])
def test_refused_file_names_say_why(name, said):
    with pytest.raises(Problem) as raised:
        check_file_name(name)
    assert raised.value.status == 422
    assert said in raised.value.detail
    assert "only letters, digits, '.', '_' and '-' (at most 128)" in raised.value.detail
    assert "\x00" not in raised.value.detail and "\n" not in raised.value.detail


def test_file_name_must_be_text():
    with pytest.raises(Problem):
        check_file_name(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(("path", "normalised"), [
    ("penguins.csv", "penguins.csv"),
    ("penguins/penguins.csv", "penguins/penguins.csv"),
    ("./penguins/data.csv", "penguins/data.csv"),
    ("a/./b", "a/b"),
    ("/".join("abcdefgh"), "/".join("abcdefgh")),
])
def test_allowed_relative_paths(path, normalised):
    assert check_relative_path(path) == normalised


@pytest.mark.parametrize(("path", "said"), [
    ("", "empty"),
    (".", "names no file"),
    ("./", "empty segment"),
    ("../evil.csv", "'..'"),
    ("a/../../x", "'..'"),
    ("a/..", "'..'"),
    ("/etc/evil", "absolute"),
    ("//server/share", "absolute"),
    ("..\\evil", "backslash"),
    ("a\\b", "backslash"),
    ("C:/evil", "drive letter"),
    ("c:evil", "drive letter"),
    ("a//b", "empty segment"),
    ("a/b/", "empty segment"),
    ("/".join("abcdefghi"), "more than 8"),
    ("a/.hidden", "starts with '.'"),
    ("a/b\x00c", "'\\x00'"),
    ("a\uff0f..\uff0fb", "'\\uff0f'"),
    ("a/\u2024\u2024/b", "'\\u2024'"),
    ("a/%2e%2e/b", "'%'"),
])
def test_refused_relative_paths_say_why(path, said):
    with pytest.raises(Problem) as raised:
        check_relative_path(path)
    assert raised.value.status == 422
    assert said in raised.value.detail


@pytest.mark.parametrize("slug", ["acme", "penguins-2024", "a", "x_y", "0", "a" * 64])
def test_allowed_slugs(slug):
    assert check_slug(slug, "organisation name") == slug


@pytest.mark.parametrize("slug", ["", "Acme", "a.b", "-a", "_a", "a" * 65, "a/b", "..", "a b",
                                  "caf\u00e9", "a\n"])
def test_refused_slugs_name_what_they_are(slug):
    with pytest.raises(Problem) as raised:
        check_slug(slug, "dataset name")
    assert raised.value.status == 422
    assert "not a valid dataset name" in raised.value.detail


@pytest.mark.parametrize("label", ["1.2.0", "v2-RC1", "2024_01", "a" * 64])
def test_allowed_labels(label):
    assert check_label(label) == label


@pytest.mark.parametrize("label", ["", ".1", "..", "1/2", "1.0\u2024", "a" * 65, "1 0"])
def test_refused_labels(label):
    with pytest.raises(Problem) as raised:
        check_label(label)
    assert "not a valid version label" in raised.value.detail
