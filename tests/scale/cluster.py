"""Helpers for the scale-out test: real processes on free ports, and hidden form fields."""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from e2e import servers
from e2e.servers import (BIN, SANDBOX_TOKEN, free_port, stop,  # noqa: F401  (fixtures use them)
                         tail)

REDIS_DB_URL = "redis://127.0.0.1:6379/13"
# The burst keeps its budget in a DB of its own: other test runs on the machine empty DB 13 when
# their cluster starts, and an emptied budget would let the burst exceed the broker's limit.
BURST_REDIS_DB_URL = "redis://127.0.0.1:6379/11"
LOGIN_LIMIT = 3
BURST_BUDGET = 100  # Broker-API calls a minute in the burst cluster, at the portal and the sandbox


@dataclass
class Cluster:
    """Where each process answers, and clients for the sandbox and Redis."""

    one: str
    two: str
    sandbox: httpx.Client
    redis: object
    logs: Path
    database_url: str


def wait_for(proc: subprocess.Popen, url: str, log: Path, headers: dict | None = None) -> None:
    """Poll ``url`` until it answers 200; fail with the log tail if the process dies first."""
    try:
        servers.wait_for(proc, url, log, headers)
    except servers.StartError as exc:
        pytest.fail(str(exc), pytrace=False)


def upgrade_database(env: dict, logs: Path) -> None:
    """Run the migrations; fail with the log tail if they do not."""
    try:
        servers.upgrade_database(env, logs)
    except servers.StartError as exc:
        pytest.fail(str(exc), pytrace=False)


def form_field(html: str, name: str) -> str:
    """The value of a hidden input (a CSRF token, a request key) in a page."""
    found = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*value="([^"]*)"', html)
    assert found, f"no {name} field in the page"
    return found.group(1)
