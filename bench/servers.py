"""What a bench run starts: the sandbox, the portal and the bare app under gunicorn, a database."""
from __future__ import annotations

import subprocess
from contextlib import contextmanager
from pathlib import Path

import httpx
import psutil

from e2e.servers import (BIN, ROOT, StartError, answers, base_env, free_port, launch,
                         process_env, scratch_backend, stop, upgrade_database, wait_for)

TOKEN = "sandbox-token"
REDIS_URL = "redis://127.0.0.1:6379/12"


class Servers:
    """Starts processes with their output in the run's folder and stops them all on exit."""

    def __init__(self, tmp: Path, workers: int, threads: int):
        self.tmp = tmp
        self.workers = workers
        self.threads = threads
        self.procs: dict[str, subprocess.Popen] = {}
        self.sandbox_url = ""
        self.portal_env: dict = {}
        # The same allocator settings `make serve` uses, for the portal and the ceiling alike.
        self.env = {**base_env(), **process_env()}

    def __enter__(self) -> "Servers":
        return self

    def __exit__(self, *exc) -> None:
        for proc in reversed(list(self.procs.values())):
            stop(proc)

    @contextmanager
    def backend(self):
        """A scratch PostgreSQL database and Redis DB 12 when both answer, else SQLite alone."""
        if not (answers(5432) and answers(6379)):
            yield {"label": "SQLite, no Redis",
                   "DATABASE_URL": f"sqlite:///{self.tmp / 'portal.db'}"}
            return
        with scratch_backend("portal_bench", REDIS_URL) as (database_url, _redis):
            try:
                yield {"label": "PostgreSQL + Redis", "REDIS_URL": REDIS_URL,
                       "DATABASE_URL": database_url}
            finally:
                self.__exit__()  # the processes end before their database goes

    def start(self, name: str, args: list[str], env: dict, ready: str, headers=None) -> None:
        """Start a process and wait until ``ready`` answers 200."""
        proc = self.procs[name] = launch(name, args, env, self.tmp)
        try:
            wait_for(proc, ready, self.tmp / f"{name}.log", headers)
        except StartError as exc:
            raise SystemExit(f"bench: {exc}") from None

    def start_sandbox(self, faults: str) -> httpx.Client:
        """The sandbox with ``faults`` (e.g. latency_ms=30); returns a client for /_sandbox/."""
        port = free_port()
        self.sandbox_url = f"http://127.0.0.1:{port}"
        self.start("sandbox", [str(BIN / "python"), "-m", "sandbox", "--port", str(port)],
                   {**self.env, "SANDBOX_FAULTS": faults}, f"{self.sandbox_url}/_sandbox/state",
                   {"Authorization": TOKEN})
        return httpx.Client(base_url=self.sandbox_url, headers={"Authorization": TOKEN}, timeout=10)

    def gunicorn(self, name: str, app: str, env: dict) -> str:
        """Serve ``app`` with the settings bin/serve uses; return its URL."""
        bind = f"127.0.0.1:{free_port()}"
        self.start(name, [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py",
                          "--workers", str(self.workers), "--worker-class", "gthread",
                          "--threads", str(self.threads), "--bind", bind, "--preload", app], env,
                   f"http://{bind}/healthz" if name == "portal" else f"http://{bind}/")
        return f"http://{bind}"

    def start_portal(self, backend: dict, extra: dict | None = None) -> str:
        """Upgrade the database, then serve the portal as `make serve` does (``extra``: more
        settings)."""
        metrics = self.tmp / "metrics"
        metrics.mkdir()
        env = {**self.env, **{k: v for k, v in backend.items() if k != "label"},
               "BROKER_API_URL": self.sandbox_url, "BROKER_API_TOKEN": TOKEN,
               "SECRET_KEY": "bench-secret", "PORTAL_INSTANCE_PATH": str(self.tmp),
               "PLATFORM_URL": f"{self.sandbox_url}/platform", "LOG_FORMAT": "json",
               "ACCESS_LOG": "1", "PROMETHEUS_MULTIPROC_DIR": str(metrics),
               "OFFERS_CACHE_TTL": "600", "REGISTER_LIMIT_PER_IP": "1000000/hour",
               **(extra or {})}
        try:
            upgrade_database(env, self.tmp, timeout=120)
        except StartError as exc:
            raise SystemExit(f"bench: {exc}") from None
        self.portal_env = env
        return self.gunicorn("portal", "app:create_app()", env)

    def start_worker(self) -> None:
        """`flask worker` with the portal's settings, as `make serve` runs it beside gunicorn."""
        proc = self.procs["worker"] = launch(
            "worker", [str(BIN / "flask"), "--app", "app", "worker"], self.portal_env, self.tmp)
        if proc.poll() is not None:
            raise SystemExit(f"bench: the worker did not start (see {self.tmp / 'worker.log'})")

    def flask(self, *args: str) -> str:
        """Run a `flask` command against the portal's database and Redis; return its output."""
        done = subprocess.run([str(BIN / "flask"), "--app", "app", *args], cwd=ROOT,
                              env=self.portal_env, capture_output=True, text=True, timeout=300)
        if done.returncode:
            raise SystemExit(f"bench: flask {' '.join(args)} failed:\n{done.stderr[-2000:]}")
        return done.stdout

    def start_hello(self) -> str:
        return self.gunicorn("hello", "bench.hello:app", self.env)

    def uss(self, name: str) -> dict[int, int]:
        """Each of ``name``'s gunicorn workers' own memory in bytes, by pid: its USS, the pages
        no other process shares (not the master's pages it still shares after the fork)."""
        workers = psutil.Process(self.procs[name].pid).children()
        return {w.pid: w.memory_full_info().uss for w in workers}
