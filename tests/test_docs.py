"""The manual: generated reference pages match the code, the site builds with --strict (offline),
README.md stays a front door, and every relative link of the README and docs/ resolves."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README = ROOT / "README.md"
README_MAX_LINES = 220


def _generator():
    spec = importlib.util.spec_from_file_location("docs_generate", DOCS / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("page", ["cli.md", "expectations.md"])
def test_generated_pages_are_up_to_date(page):
    made = _generator().PAGES[page]()
    path = DOCS / page
    assert path.exists(), f"docs/{page} is missing: run `make docs`"
    assert path.read_text(encoding="utf-8") == made, f"docs/{page} is out of date: run `make docs`"


def test_openapi_document_is_up_to_date():
    """docs/openapi.json is the service's OpenAPI document as the code gives it now (the API's
    reference, and what tests/service/test_authz.py sweeps)."""
    made = _generator().openapi_page()
    path = DOCS / "openapi.json"
    assert path.exists(), "docs/openapi.json is missing: run `.venv/bin/python docs/generate.py`"
    assert path.read_text(encoding="utf-8") == made, \
        "docs/openapi.json is out of date (the service's API changed): run `.venv/bin/python docs/generate.py`"


def test_generated_pages_do_not_depend_on_the_terminal(monkeypatch):
    generator = _generator()
    monkeypatch.setenv("COLUMNS", "40")
    narrow = generator.cli_page()
    monkeypatch.setenv("COLUMNS", "250")
    assert generator.cli_page() == narrow


def test_site_builds_strictly(tmp_path):
    if importlib.util.find_spec("mkdocs") is None or importlib.util.find_spec("material") is None:
        pytest.fail("MkDocs and Material are not installed: pip install -e '.[docs]' (make test installs them)")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
                           "--config-file", str(ROOT / "mkdocs.yml"), "--site-dir", str(tmp_path / "site")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"mkdocs build --strict failed:\n{done.stdout}\n{done.stderr}"
    assert (tmp_path / "site" / "index.html").exists()
    assert (tmp_path / "site" / "cli" / "index.html").exists()


def test_every_page_is_in_the_navigation():
    import yaml

    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))

    def pages(node):
        if isinstance(node, str):
            yield node
        elif isinstance(node, list):
            for item in node:
                yield from pages(item)
        elif isinstance(node, dict):
            for value in node.values():
                yield from pages(value)

    listed = set(pages(config["nav"]))
    present = {str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md")}
    assert present - listed == set(), "pages missing from mkdocs.yml's nav"
    assert listed - present == set(), "nav entries without a page"
    assert config.get("strict") is True
    assert config["theme"].get("font") is False, "theme.font must be false: no fonts fetched from the internet"


def test_readme_is_a_front_door():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines; move detail into docs/"
    text = "\n".join(lines)
    for command in ("make demo", "make test", "dsbench validate", "dsbench evaluate", "dsbench check"):
        assert command in text, f"README.md no longer shows `{command}`"


def test_ci_runs_the_readme_test_command():
    readme = README.read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert re.search(r"^make test\b", readme, re.M), "the README's test command is `make test`"
    assert "make test" in [line.strip() for line in ci], ".ci/run must run the README's test command"


ENTRY_POINT_GROUPS = {"dsbench.expectations", "dsbench.suites", "dsbench.renderers", "dsbench.backends"}


def _resolves(name: str) -> bool:
    import importlib

    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            if not hasattr(found, attribute):
                return False
            found = getattr(found, attribute)
        return True
    return False


def test_python_names_in_the_manual_exist():
    """Every dotted ``dsbench.…`` name the manual and the README mention is a module or an attribute
    of one: a page does not outlive a module that moved."""
    names = set()
    for page in [README, *DOCS.rglob("*.md")]:
        for span in re.findall(r"`([^`\n]+)`", _FENCE.sub("", page.read_text(encoding="utf-8"))):
            names.update(re.findall(r"(?<![\w/.-])dsbench(?:\.[A-Za-z_]\w*)+", span))
    names = {n for n in names if n not in ENTRY_POINT_GROUPS and not n.endswith((".yaml", ".yml", ".json"))}
    assert names, "no names found: the pattern is wrong"
    assert sorted(n for n in names if not _resolves(n)) == []


_FENCE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)
_CODE = re.compile(r"`[^`\n]*`")
_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_ATTR = re.compile(r"""(?:href|src)=["']([^"']+)["']""")


def _links(markdown: str) -> list[str]:
    text = _CODE.sub("", _FENCE.sub("", markdown))
    return _LINK.findall(text) + _ATTR.findall(text)


def _relative(target: str) -> bool:
    return not re.match(r"^[a-z][a-z0-9+.-]*:|^#|^/", target, re.I)


@pytest.mark.parametrize("page", [README, *sorted(DOCS.rglob("*.md"))], ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(page):
    broken = []
    for target in _links(page.read_text(encoding="utf-8")):
        if not _relative(target):
            continue
        path = target.split("#", 1)[0].split("?", 1)[0]
        if path and not (page.parent / path).exists():
            broken.append(target)
    assert broken == [], f"{page.relative_to(ROOT)} links to files that do not exist"
