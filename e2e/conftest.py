"""Browser-test fixtures: real sandbox, portal and worker processes, Chromium, artifacts."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Error as PlaywrightError, expect

from e2e.locations import ARTIFACTS, E2E_DIR, FAILURES, LOGS, SCREENSHOTS
from e2e.servers import BIN, ROOT, SANDBOX_TOKEN, Servers, StartError, local_servers

__all__ = ["BIN", "ROOT", "SANDBOX_TOKEN"]  # test_campaign_link runs the flask CLI with these

EXTERNAL_URL = os.environ.get("E2E_BASE_URL", "").rstrip("/")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]

expect.set_options(timeout=10_000)


def pytest_configure(config):
    """Markers, and pytest-playwright's traces kept for failing tests under artifacts/failures."""
    config.addinivalue_line(
        "markers", "destructive: creates or changes data (or spends rate limits); "
                   "skipped when E2E_BASE_URL points at a deployed portal")
    config.addinivalue_line("markers", "e2e: drives a real browser against real server processes")
    if config.getoption("--tracing", default=None) == "off":
        config.option.tracing = "retain-on-failure"
    if config.getoption("--output", default=None) == "test-results":
        config.option.output = str(FAILURES)


def pytest_collection_modifyitems(config, items):
    """Mark every test here as e2e; skip destructive ones against an external portal."""
    skip = pytest.mark.skip(reason="destructive test skipped: E2E_BASE_URL is set")
    for item in items:
        if E2E_DIR not in Path(item.path).parents:
            continue
        item.add_marker(pytest.mark.e2e)
        if EXTERNAL_URL and item.get_closest_marker("destructive"):
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failing test, a full-page screenshot of every open page beside its trace."""
    report = yield
    if report.when == "call" and report.failed and "browser" in item.funcargs:
        folder = Path(item.funcargs.get("output_path") or FAILURES / re.sub(r"\W+", "-", item.name))
        pages = [p for c in item.funcargs["browser"].contexts for p in c.pages]
        for index, page in enumerate(pages, start=1):
            try:
                folder.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=folder / f"failure-{index}.png", full_page=True,
                                timeout=5_000)
            except PlaywrightError:
                pass  # a closed or crashed page: the trace still shows it
    return report


def pytest_terminal_summary(terminalreporter):
    """Say where the screenshots, traces and server logs are."""
    terminalreporter.write_line(
        f"e2e artifacts: {ARTIFACTS} (pages/: screenshots, failures/: traces, logs/: servers)")


@pytest.fixture(scope="session", autouse=True)
def fresh_artifacts():
    """Remove screenshots and logs of an earlier run (pytest-playwright empties failures/)."""
    for folder in (SCREENSHOTS, LOGS):
        shutil.rmtree(folder, ignore_errors=True)
    for old in ARTIFACTS.glob("*.*"):  # loose files of older versions of this suite
        old.unlink()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    LOGS.mkdir(parents=True, exist_ok=True)


@pytest.fixture(scope="session")
def _local_processes(tmp_path_factory):
    """The sandbox, the portal under gunicorn and the worker, unless E2E_BASE_URL is set."""
    if EXTERNAL_URL:
        yield None
        return
    try:
        with local_servers(tmp_path_factory.mktemp("portal"), LOGS) as started:
            yield started
    except StartError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def servers(_local_processes) -> Servers:
    """Where the portal answers: the processes started here, or E2E_BASE_URL."""
    if _local_processes is None:
        return Servers(portal_url=EXTERNAL_URL)
    return _local_processes[0]


@pytest.fixture(scope="session")
def worker_process(_local_processes):
    """The `flask worker` process started here (skips against E2E_BASE_URL)."""
    if _local_processes is None:
        pytest.skip("the worker is not ours when E2E_BASE_URL is set")
    return _local_processes[1]


@pytest.fixture(scope="session")
def local(servers) -> Servers:
    """The servers, for tests that need the sandbox or the dev mailbox (skips otherwise)."""
    if not servers.local:
        pytest.skip("needs the sandbox, worker or dev mailbox a local run starts "
                    "(E2E_BASE_URL set)")
    return servers


@pytest.fixture(scope="session")
def base_url(servers) -> str:
    """The portal URL; page.goto("/path") is relative to it."""
    return servers.portal_url


@pytest.fixture(scope="session")
def platform_url(local) -> str:
    """PLATFORM_URL the portal was started with."""
    return local.platform_url


@pytest.fixture(scope="session")
def sandbox_api(local):
    """An httpx client for the sandbox API and its /_sandbox/ control endpoints."""
    with httpx.Client(base_url=local.sandbox_url, headers={"Authorization": SANDBOX_TOKEN},
                      timeout=10.0) as client:
        yield client


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args) -> dict:
    """Launch Debian's Chromium (headless unless --headed) with flags for a small container."""
    return {"headless": True, **browser_type_launch_args,
            "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args) -> dict:
    """English pages (the locators use the English labels), at the desktop size."""
    return {**browser_context_args, "locale": "en-US",
            "viewport": {"width": 1280, "height": 800}}
