"""A sandbox on a real port, the portal in-process on a SQLite file, and `flask worker` as a
process."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from werkzeug.serving import make_server

import sandbox
from portal.extensions import db
from tests.support import make_app

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def served():
    """The sandbox over TCP, shared by the module's tests (faults are cleared per test)."""
    sb = sandbox.create_sandbox()
    server = make_server("127.0.0.1", 0, sb.app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield sb, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def portal_db(tmp_path_factory):
    return f"sqlite:///{tmp_path_factory.mktemp('worker') / 'portal.db'}"


SETTINGS = {"WORKER_BACKOFF_SECONDS": "0.2", "WORKER_POLL_SECONDS": "0.1", "BROKER_DEADLINE": "2",
            "BROKER_READ_TIMEOUT": "0.5", "BROKER_BUDGET_PER_MINUTE": "100000",
            "SECRET_KEY": "worker-test-secret"}


@pytest.fixture(scope="module")
def live_app(served, portal_db):
    sb, url = served
    sb.variants.rate_limit_per_minute = 100000  # only injected 429s in this module
    numbers = {k: float(v) for k, v in SETTINGS.items() if k != "SECRET_KEY"}
    numbers["BROKER_BUDGET_PER_MINUTE"] = int(numbers["BROKER_BUDGET_PER_MINUTE"])
    app = make_app(sb, portal_db, BROKER_TRANSPORT=None, BROKER_API_URL=url,
                   SECRET_KEY=SETTINGS["SECRET_KEY"], RATELIMIT_ENABLED=False, **numbers)
    app.extensions["broker"].http.sleep = time.sleep
    yield app
    app.extensions["broker"].close()


@pytest.fixture(scope="module")
def worker(served, portal_db, live_app, tmp_path_factory):
    """`flask worker` as a separate process on the same database and sandbox."""
    _, url = served
    log = open(tmp_path_factory.mktemp("logs") / "worker.log", "w+")
    env = {**os.environ, **SETTINGS, "DATABASE_URL": portal_db, "BROKER_API_URL": url,
           "PORTAL_INSTANCE_PATH": str(tmp_path_factory.mktemp("instance")),
           "BROKER_API_TOKEN": "sandbox-token", "REDIS_URL": ""}
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker"], cwd=ROOT,
                               env=env, stdout=log, stderr=subprocess.STDOUT)
    yield process
    process.terminate()
    process.wait(timeout=10)
    log.seek(0)
    print(log.read()[-3000:])


@pytest.fixture(autouse=True)
def clean_faults(served):
    sb, _ = served
    sb.faults.clear()
    yield
    sb.faults.clear()


def wait_until(check, timeout=20.0, every=0.1):
    """Poll ``check`` until it returns a truthy value; fail after ``timeout`` seconds."""
    ends = time.monotonic() + timeout
    while time.monotonic() < ends:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError("condition not met in time")


def row(app, model, **filters):
    with app.app_context():
        found = db.session.scalar(db.select(model).filter_by(**filters))
        if found is not None:
            db.session.expunge(found)
        return found
