"""Fixtures for sandbox tests: a fresh sandbox and an in-process httpx client per test."""

import sys
from pathlib import Path

import httpx
import pytest

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import sandbox  # noqa: E402

TOKEN = "sandbox-token"


@pytest.fixture
def sb():
    """A freshly seeded in-memory sandbox."""
    return sandbox.create_sandbox(token=TOKEN)


@pytest.fixture
def client(sb):
    """An httpx client talking to `sb` in-process with the raw token header."""
    with httpx.Client(base_url="http://sandbox", transport=sb.transport(),
                      headers={"Authorization": TOKEN}) as http:
        yield http


@pytest.fixture
def new_account(client):
    """A factory that creates an account through the API and returns the response JSON."""
    def create(email="new.trader@example.org", **extra):
        body = {"email": email, "password": "Secret-Pass1",
                "personalDetails": {"firstname": "Nina", "lastname": "Newman"}}
        body.update(extra)
        response = client.post("/v1/accounts", json=body)
        assert response.status_code == 200, response.text
        return response.json()
    return create
