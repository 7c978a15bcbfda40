"""Start and stop the real processes the browser tests drive: sandbox, portal (gunicorn), worker.

The scale-out test and the bench start theirs with the same helpers (and a scratch database).
"""
from __future__ import annotations

import os
import socket
import subprocess
import time
import uuid
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
SANDBOX_TOKEN = "sandbox-token"
START_TIMEOUT = 30.0
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
# Only these reach the processes, so a developer's own portal settings never leak into a run.
PASSTHROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TZ", "SYSTEMROOT")

# Generous limits: every test signs up and logs in from 127.0.0.1. The limiter stays on, so its
# code runs exactly as in production.
E2E_SETTINGS = {
    "PORTAL_ENV": "development",  # mail goes to <instance>/mail/ and is listed at /dev/mail
    "SECRET_KEY": "e2e-secret",
    "ACCOUNTS_CACHE_TTL": "0",  # an approval made in the sandbox shows on the next load
    "REGISTER_LIMIT_PER_IP": "1000/hour",
    "LOGIN_LIMIT_PER_IP": "1000/minute",
    "LOGIN_LIMIT_PER_EMAIL": "100/minute",
    "OPEN_ACCOUNT_LIMIT_PER_TRADER": "100/hour",
    "PLATFORM_LIMIT_PER_TRADER": "100/hour",
    "WORKER_POLL_SECONDS": "0.5",
    "WORKER_BACKOFF_SECONDS": "1",
    # A branded portal, so the pages show where each brand and legal setting lands.
    "BRAND_NAME": "Example Markets",
    "BRAND_PRIMARY_COLOR": "#0a5c8f",
    "SUPPORT_EMAIL": "support@broker.example",
    "SUPPORT_URL": "https://broker.example/help",
    "COMPANY_FOOTER": "Example Markets Ltd, 1 Harbour Street, Limassol\n"
                      "Licence 123/45, regulated by the Example Securities Commission",
    "TERMS_URL": "https://broker.example/terms",
    "PRIVACY_URL": "https://broker.example/privacy",
    "COOKIE_POLICY_URL": "https://broker.example/cookies",
}


class StartError(RuntimeError):
    """A process exited early or did not answer in time; the message has its log tail."""


@dataclass(frozen=True)
class Servers:
    """Where the portal and (when started here) the sandbox answer, and the portal's settings."""

    portal_url: str
    sandbox_url: str | None = None
    env: dict = field(default_factory=dict, compare=False, hash=False)
    logs: Path | None = None

    @property
    def platform_url(self) -> str | None:
        return f"{self.sandbox_url}/platform" if self.sandbox_url else None

    @property
    def local(self) -> bool:
        """True when this run started the processes (not E2E_BASE_URL)."""
        return self.sandbox_url is not None


def answers(port: int) -> bool:
    """True when something listens on 127.0.0.1:``port``."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def free_port() -> int:
    """A TCP port that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tail(path: Path, lines: int = 40) -> str:
    """The last lines of a log file."""
    text = path.read_text(errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


def base_env() -> dict:
    """The few variables of our own environment the processes need."""
    return {k: v for k, v in os.environ.items() if k in PASSTHROUGH}


def process_env() -> dict:
    """The allocator settings `make serve` gives every process (bin/process.env)."""
    lines = (ROOT / "bin" / "process.env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


@contextmanager
def scratch_backend(prefix: str, redis_url: str) -> Iterator[tuple[str, object]]:
    """A new PostgreSQL database and an emptied Redis DB (both on 127.0.0.1).

    Yields the database's SQLAlchemy URL and a Redis client; on exit the database is dropped
    (with any connection left to it) and the Redis DB emptied.
    """
    import psycopg
    import redis

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    store = redis.Redis.from_url(redis_url)
    store.flushdb()
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", store
    finally:
        store.flushdb()
        store.close()
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def launch(name: str, args: list[str], env: dict, logs: Path) -> subprocess.Popen:
    """Start a process from the repo root with its output in logs/<name>.log."""
    with (logs / f"{name}.log").open("wb") as out:
        return subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


@contextmanager
def process(name: str, args: list[str], env: dict, logs: Path) -> Iterator[subprocess.Popen]:
    """Run a process as :func:`launch` does; stop it on exit."""
    proc = launch(name, args, env, logs)
    try:
        yield proc
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    """Terminate a process, killing it if it has not exited after 10 seconds."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_for(proc: subprocess.Popen, url: str, log: Path, headers: dict | None = None) -> None:
    """Poll `url` until it answers 200; raise StartError if the process dies or time runs out."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise StartError(f"{log.stem} exited with {proc.returncode}:\n{tail(log)}")
        try:
            if httpx.get(url, headers=headers, timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)  # process start-up, not a page: nothing to auto-wait on
    raise StartError(f"{log.stem} did not answer {url} in {START_TIMEOUT:.0f} s:\n{tail(log)}")


def upgrade_database(env: dict, logs: Path, timeout: float = 60) -> None:
    """Run the Alembic migrations on the fresh database."""
    log = logs / "db-upgrade.log"
    with log.open("wb") as out:
        done = subprocess.run([str(BIN / "flask"), "--app", "app", "db", "upgrade"], cwd=ROOT,
                              env=env, stdout=out, stderr=subprocess.STDOUT, timeout=timeout)
    if done.returncode:
        raise StartError(f"flask db upgrade failed:\n{tail(log)}")


@contextmanager
def local_servers(instance: Path, logs: Path) -> Iterator[tuple[Servers, subprocess.Popen]]:
    """Sandbox, migrated SQLite database, gunicorn (2 workers) and the worker, on free ports."""
    logs.mkdir(parents=True, exist_ok=True)
    sandbox_url = f"http://127.0.0.1:{free_port()}"
    portal_url = f"http://127.0.0.1:{free_port()}"
    env = {**base_env(), **process_env(), **E2E_SETTINGS,
           "DATABASE_URL": f"sqlite:///{instance / 'portal.db'}",
           "PORTAL_INSTANCE_PATH": str(instance),
           "PORTAL_URL": portal_url,  # links in mails the worker sends point here too
           "BROKER_API_URL": sandbox_url, "BROKER_API_TOKEN": SANDBOX_TOKEN,
           "PLATFORM_URL": f"{sandbox_url}/platform", "DEPOSIT_URL": f"{sandbox_url}/deposit"}
    with ExitStack() as stack:
        sandbox = stack.enter_context(process(
            "sandbox", [str(BIN / "python"), "-m", "sandbox", "--host", "127.0.0.1",
                        "--port", sandbox_url.rsplit(":", 1)[1]], base_env(), logs))
        upgrade_database(env, logs)  # while the sandbox starts
        wait_for(sandbox, f"{sandbox_url}/v1/offers", logs / "sandbox.log",
                 {"Authorization": SANDBOX_TOKEN})
        portal = stack.enter_context(process(
            "portal", [str(BIN / "gunicorn"), "-w", "2", "-b", portal_url.removeprefix("http://"),
                       "--access-logfile", "-", "app:create_app()"], env, logs))
        worker = stack.enter_context(process(
            "worker", [str(BIN / "flask"), "--app", "app", "worker"], env, logs))
        wait_for(portal, f"{portal_url}/healthz", logs / "portal.log")
        yield Servers(portal_url=portal_url, sandbox_url=sandbox_url, env=env, logs=logs), worker
