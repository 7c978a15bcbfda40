"""The client over a real TCP socket, where timeouts and resets are real."""
from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

import sandbox
from portal.brokerapi import BrokerClient, BrokerUnavailable


@pytest.fixture
def served():
    sb = sandbox.create_sandbox()
    server = make_server("127.0.0.1", 0, sb.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield sb, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_client_over_tcp_reads_times_out_and_sees_resets(served):
    sb, url = served
    client = BrokerClient(url, "Bearer sandbox-token", read_timeout=0.3, deadline=3, read_retries=0)
    assert len(client.offers()) == 8
    sb.variants.hang_seconds = 1
    sb.faults.add("timeout", endpoint="offers", times=1)
    with pytest.raises(BrokerUnavailable):
        client.offers()
    sb.faults.add("reset", endpoint="offers", times=1)
    with pytest.raises(BrokerUnavailable):
        client.offers()
    assert len(client.offers()) == 8
    client.close()
