"""`make run`'s start: quiet migrations, then a banner with every address a newcomer needs."""
from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from e2e.servers import free_port
from sandbox import seed

ROOT = Path(__file__).resolve().parent.parent
LAST_LINE = "Ctrl-C stops everything."


def clean_env(instance: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("BROKER_API", "SMTP_", "PORTAL_", "DATABASE_URL", "SANDBOX_"))}
    return {**env, "PORTAL_INSTANCE_PATH": str(instance), **extra}


def make_db(env: dict) -> str:
    done = subprocess.run(["make", "-s", "db"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def test_the_database_target_prints_one_line_per_migration_then_nothing(tmp_path):
    env = clean_env(tmp_path / "instance")
    first = make_db(env)
    assert first.splitlines()[0].startswith("  Database: applied 0001 (")
    assert "INFO" not in first and "alembic" not in first
    assert make_db(env) == ""


@pytest.fixture
def started(tmp_path):
    """bin/run-dev on free ports, stopped after the test; yields (output lines, ports)."""
    port, sandbox_port = free_port(), free_port()
    env = clean_env(tmp_path / "instance", HOST="127.0.0.1", PORT=str(port),
                    SANDBOX_PORT=str(sandbox_port))
    make_db(env)
    process = subprocess.Popen([str(ROOT / "bin" / "run-dev")], cwd=ROOT, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 90  # two shared cores: starting three servers can be slow
        while not any(LAST_LINE in line for line in lines) and time.monotonic() < deadline:
            assert process.poll() is None, "".join(lines)
            time.sleep(0.2)
        yield lines, port, sandbox_port
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_the_start_banner_names_portal_sandbox_mailbox_and_the_account_to_claim(started):
    lines, port, sandbox_port = started
    output = "".join(lines)
    assert LAST_LINE in output, output
    portal = f"http://127.0.0.1:{port}"
    assert f"  Portal:            {portal}/\n" in output
    assert f"  Broker-API:        http://127.0.0.1:{sandbox_port} (sandbox, crm-api)" in output
    assert f"  Mail:              {portal}/dev/mail" in output
    assert f"  Seeded Account:    {seed.EMAIL_LEGACY} has trading accounts" in output
    assert f"claim it at {portal}/claim" in output
    assert "curl" not in output and "Connection refused" not in output
