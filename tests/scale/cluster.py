"""Helpers for the scale-out test: real processes on free ports, and hidden form fields."""
from __future__ import annotations

import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from e2e.servers import free_port, stop  # noqa: F401  (stop is used by the fixtures)

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
SANDBOX_TOKEN = "sandbox-token"
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
REDIS_DB_URL = "redis://127.0.0.1:6379/13"
START_TIMEOUT = 30.0
LOGIN_LIMIT = 3


@dataclass
class Cluster:
    """Where each process answers, and clients for the sandbox and Redis."""

    one: str
    two: str
    sandbox: httpx.Client
    redis: object
    logs: Path


def tail(log: Path, lines: int = 30) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""


def start(name: str, args: list[str], env: dict, logs: Path) -> subprocess.Popen:
    """Start a process in the repo root with its output in ``logs/<name>.log``."""
    with (logs / f"{name}.log").open("wb") as out:
        return subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_for(proc: subprocess.Popen, url: str, log: Path, headers: dict | None = None) -> None:
    """Poll ``url`` until it answers 200; fail with the log tail if the process dies first."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{log.stem} exited with {proc.returncode}:\n{tail(log)}", pytrace=False)
        try:
            if httpx.get(url, headers=headers, timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"{log.stem} did not answer {url}:\n{tail(log)}", pytrace=False)


def form_field(html: str, name: str) -> str:
    """The value of a hidden input (a CSRF token, a request key) in a page."""
    found = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*value="([^"]*)"', html)
    assert found, f"no {name} field in the page"
    return found.group(1)
