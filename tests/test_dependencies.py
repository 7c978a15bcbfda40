"""The lock files stay in step with pyproject.toml: the runtime set holds no test tool."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0].strip().lower() for r in requirements}


def _locked(path: str) -> dict[str, str]:
    lines = (ROOT / path).read_text().splitlines()
    return dict(line.lower().split("==", 1) for line in lines if "==" in line
                and not line.startswith((" ", "#")))


def test_every_dependency_is_locked_and_the_runtime_set_holds_no_test_tool():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime, test = (_names(project["dependencies"]),
                     _names(project["optional-dependencies"]["test"]))
    runtime_lock, test_lock = _locked("requirements/runtime.txt"), _locked("requirements/test.txt")
    assert runtime <= set(runtime_lock), runtime - set(runtime_lock)
    assert runtime | test <= set(test_lock)
    assert not test & set(runtime_lock), test & set(runtime_lock)
    # The runtime lock was made within the test lock: one version of each package for both.
    assert {n: v for n, v in runtime_lock.items() if test_lock.get(n) != v} == {}
