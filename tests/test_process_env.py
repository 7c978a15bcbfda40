"""Production processes run with python -OO (bin/process.env): asserts and docstrings are gone.

The browser and scale-out tests run the portal that way; these checks keep the portal's own
code from depending on either, so a difference between the two modes cannot hide in a path
those tests miss.
"""
from __future__ import annotations

import ast
from pathlib import Path

from e2e.servers import process_env

ROOT = Path(__file__).resolve().parent.parent
RUNTIME = [ROOT / "app.py", *sorted((ROOT / "portal").rglob("*.py"))]


def _trees():
    for path in RUNTIME:
        yield path.relative_to(ROOT), ast.parse(path.read_text(), str(path))


def test_production_processes_run_without_asserts_and_docstrings():
    env = process_env()
    assert env["PYTHONOPTIMIZE"] == "2"
    assert env["MALLOC_MMAP_THRESHOLD_"].isdigit()


def test_the_portal_checks_nothing_with_assert():
    found = [f"{path}:{node.lineno}" for path, tree in _trees() for node in ast.walk(tree)
             if isinstance(node, ast.Assert)]
    assert found == [], "python -OO drops these checks in production"


def test_the_portal_reads_no_docstring():
    found = [f"{path}:{node.lineno}" for path, tree in _trees() for node in ast.walk(tree)
             if isinstance(node, ast.Attribute) and node.attr == "__doc__"
             or isinstance(node, ast.Name) and node.id == "__doc__"]
    assert found == [], "python -OO leaves __doc__ empty in production"
