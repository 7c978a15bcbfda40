"""Scale-out fixtures: the sandbox, two gunicorn portals and a worker on PostgreSQL and Redis."""
from __future__ import annotations

import shutil
import subprocess

import httpx
import pytest

from e2e.servers import base_env, launch, process_env, scratch_backend
from tests.scale.cluster import (BIN, BURST_BUDGET, BURST_REDIS_DB_URL, LOGIN_LIMIT, REDIS_DB_URL,
                                 SANDBOX_TOKEN, Cluster, free_port, stop, tail, upgrade_database,
                                 wait_for)
from tests.support import answers


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Two portal instances (one gunicorn worker each) and one `flask worker`, sharing a fresh
    PostgreSQL database and Redis DB 13; instance one and the worker share a metrics folder."""
    yield from _cluster(tmp_path_factory, REDIS_DB_URL, workers=1, settings={})


@pytest.fixture(scope="module")
def burst_cluster(tmp_path_factory):
    """The same with two `flask worker` processes, as on two hosts, and a Broker-API budget of
    BURST_BUDGET a minute, in Redis DB 11."""
    yield from _cluster(tmp_path_factory, BURST_REDIS_DB_URL, workers=2,
                        settings={"BROKER_BUDGET_PER_MINUTE": str(BURST_BUDGET),
                                  "REGISTER_LIMIT_PER_IP": "1000/hour"})  # all from 127.0.0.1


def _cluster(tmp_path_factory, redis_url: str, workers: int, settings: dict):
    if not (answers(5432) and answers(6379)):
        pytest.skip("the scale-out test needs PostgreSQL on 127.0.0.1:5432 and Redis on :6379")
    tmp = tmp_path_factory.mktemp("scale")
    procs: list[subprocess.Popen] = []
    base = base_env()
    with scratch_backend("portal_scale", redis_url) as (database_url, store):
        try:
            sandbox_url = f"http://127.0.0.1:{free_port()}"
            proc = launch("sandbox", [str(BIN / "python"), "-m", "sandbox", "--port",
                                      sandbox_url.rsplit(":", 1)[1]], base, tmp)
            procs.append(proc)
            # A control route: an API call here would fill the sandbox's rate-limit window with
            # a request the portal's budget never saw.
            wait_for(proc, f"{sandbox_url}/_sandbox/state", tmp / "sandbox.log",
                     {"Authorization": SANDBOX_TOKEN})
            env = {**base, **process_env(), "DATABASE_URL": database_url, "REDIS_URL": redis_url,
                   "BROKER_API_URL": sandbox_url, "BROKER_API_TOKEN": SANDBOX_TOKEN,
                   "SECRET_KEY": "scale-secret", "PLATFORM_URL": f"{sandbox_url}/platform",
                   "DEPOSIT_URL": f"{sandbox_url}/deposit", "PORTAL_INSTANCE_PATH": str(tmp),
                   "LOGIN_LIMIT_PER_EMAIL": f"{LOGIN_LIMIT}/minute",
                   "WORKER_POLL_SECONDS": "0.2", "WORKER_BACKOFF_SECONDS": "0.2",
                   "LOG_FORMAT": "json", "ACCESS_LOG": "1", **settings}
            upgrade_database(env, tmp)
            urls = {}
            for name in ("one", "two"):
                metrics_dir = tmp / f"metrics-{name}"
                metrics_dir.mkdir()
                urls[name] = f"http://127.0.0.1:{free_port()}"
                procs.append(launch(name, [str(BIN / "gunicorn"), "-w", "1", "--preload", "-b",
                                           urls[name].removeprefix("http://"), "app:create_app()"],
                                    {**env, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}, tmp))
            background = [launch(f"worker-{n}", [str(BIN / "flask"), "--app", "app", "worker"],
                                 {**env, "PROMETHEUS_MULTIPROC_DIR": str(tmp / "metrics-one")},
                                 tmp)
                          for n in range(1, workers + 1)]
            procs += background
            for name, proc in zip(("one", "two"), procs[1:3], strict=True):
                wait_for(proc, f"{urls[name]}/healthz", tmp / f"{name}.log")
            for n, worker in enumerate(background, 1):
                assert worker.poll() is None, tail(tmp / f"worker-{n}.log")
            with httpx.Client(base_url=sandbox_url, headers={"Authorization": SANDBOX_TOKEN},
                              timeout=10.0) as sandbox:
                yield Cluster(one=urls["one"], two=urls["two"], sandbox=sandbox, redis=store,
                              logs=tmp, database_url=database_url)
        finally:
            for proc in reversed(procs):
                stop(proc)  # the processes end before their database goes
            shutil.rmtree(tmp, ignore_errors=True)
