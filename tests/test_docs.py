"""The docs stay true: every setting the code reads is in docs/configuration.md, and the README
stays a short page with the two set-up commands."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_environment_variable_read_by_the_portal_is_in_the_configuration_page():
    page = (ROOT / "docs" / "configuration.md").read_text()
    code = "\n".join(p.read_text() for p in (ROOT / "portal").rglob("*.py"))
    names = set(re.findall(r'env(?:\.get)?\(\s*"([A-Z_]+)"', code))
    names |= set(re.findall(r'_(?:int|float|bool)\(env, "([A-Z_]+)"', code))
    assert names, "the pattern finds the settings"
    missing = sorted(n for n in names if f"`{n}`" not in page)
    assert missing == []


def test_the_readme_is_short_and_names_the_two_commands_and_every_doc():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 150
    assert "make run" in readme and "make test" in readme
    for doc in (ROOT / "docs").glob("*.md"):
        assert f"docs/{doc.name}" in readme, doc.name
