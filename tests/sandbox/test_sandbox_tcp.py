"""The sandbox over real TCP: normal calls, latency, reset and timeout faults, and the CLI."""

import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from werkzeug.serving import make_server

import sandbox

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def served():
    """A sandbox served by werkzeug on a free local port; yields (sandbox, client)."""
    sb = sandbox.create_sandbox()
    server = make_server("127.0.0.1", 0, sb.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    with httpx.Client(base_url=f"http://127.0.0.1:{server.server_port}", timeout=5,
                      headers={"Authorization": "Bearer sandbox-token"}) as http:
        yield sb, http
    server.shutdown()
    thread.join(timeout=5)


def test_normal_call_over_tcp(served):
    sb, http = served
    response = http.get("/v1/offers")
    assert response.status_code == 200 and len(response.json()["offers"]) == 8
    assert sb.call_count("offers") == 1


def test_reset_fault_breaks_the_response(served):
    sb, http = served
    sb.faults.add("reset", endpoint="offers", times=1)
    with pytest.raises(httpx.TransportError):
        http.get("/v1/offers")
    assert http.get("/v1/offers").status_code == 200


def test_latency_fault_over_tcp(served):
    sb, http = served
    sb.faults.add("latency", latency_ms=150)
    started = time.monotonic()
    assert http.get("/v1/roles").status_code == 200
    assert time.monotonic() - started >= 0.14


def test_timeout_fault_hangs_then_504(served):
    sb, http = served
    sb.variants.hang_seconds = 0.3
    sb.faults.add("timeout", times=2)
    with pytest.raises(httpx.ReadTimeout):
        http.get("/v1/roles", timeout=0.1)
    late = http.get("/v1/roles", timeout=2)
    assert late.status_code == 504 and late.json()["status"] == 504


def _free_port() -> int:
    """Ask the OS for a free TCP port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_cli_prints_url_and_serves():
    port = _free_port()
    env = {"SANDBOX_TOKEN": "cli-token", "SANDBOX_KIND": "broker-api", "PATH": "/usr/bin:/bin",
           "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "sandbox", "--port", str(port)],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    try:
        line = process.stdout.readline()
        assert f"http://127.0.0.1:{port}" in line and "(broker-api)" in line
        deadline = time.monotonic() + 5
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/service-info",
                                     headers={"Authorization": "cli-token"})
                break
            except httpx.ConnectError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        assert response.status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=5)
