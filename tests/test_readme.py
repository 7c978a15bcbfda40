"""The README stays true: every setting the code reads is documented."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_environment_variable_read_by_the_portal_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    code = "\n".join(p.read_text() for p in (ROOT / "portal").rglob("*.py"))
    names = set(re.findall(r'env(?:\.get)?\(\s*"([A-Z_]+)"', code))
    names |= set(re.findall(r'_(?:int|float|bool)\(env, "([A-Z_]+)"', code))
    assert names, "the pattern finds the settings"
    missing = sorted(n for n in names if f"`{n}`" not in readme)
    assert missing == []
